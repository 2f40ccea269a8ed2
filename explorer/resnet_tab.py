"""The ResNet lab: the degradation problem (Fig. 6), shortcut options, layer responses (Fig. 7), gradients, bottlenecks.

Pure computations live in explorer/resnet_views.py; this module holds the figure builders, then the layout
and its event wiring. Training runs go through the launcher into the run store; timers redraw from the store.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import gradio as gr
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer import deployment, reference_runs
from explorer import resnet_views as views
from explorer.i18n import language, t, text
from explorer.plots import FONT, PALETTE, base_layout, ends_markdown, error_tags, png_uri
from explorer.services import launcher, store
from explorer.yardstick import seed_markdown
from models.resnet import CIFAR_DEPTHS, SHORTCUTS
from train.checkpoint import CheckpointError
from train.config import ConfigError
from train.data import cifar10_cached
from train.recipes import get_recipe
from train.recipes.resnet import jpeg_variants, plain_vs_residual_variants, seed_variants, shortcut_variants
from train.store import RunRecord, new_run_id

STRINGS = {
    "resnet.intro": (
        ("**Deep Residual Learning for Image Recognition** (He, Zhang, Ren, Sun 2015). A deeper *plain* network "
        "should do at least as well as a shallower one (it could copy it and make the extra layers identities), yet "
        "its **training** error is higher: the *degradation problem*. Residual blocks learn F(x) and output "
        "F(x) + x, so an identity is easy to reach. Train both kinds here and watch it happen."),
        ("**深度残差学习用于图像识别**（He、Zhang、Ren、Sun，"
         "2015）。更深的*普通*网络本应不比浅层网络差（它可以复制浅层网络，"
        "再让多出的层做恒等映射），但它的**训练**误差反而更高，这就是*退化问题*。残差块学习 F(x)，输出 F(x) + x，"
        "因此恒等映射很容易得到。在这里训练两种网络，亲眼看看这一现象。")),
    "resnet.fig6": ("Plain vs residual (Fig. 6)", "普通网络与残差网络（图 6）"),
    "resnet.fig6_help": (
        ("Plain and residual CIFAR-10 networks of sec. 4.2 (6n+2 layers) train one after another. As in Fig. 6, "
        "plain networks are on the left and ResNets on the right, dashed lines are training error and solid lines "
        "test error; each depth keeps its colour in both panels. The plot opens with our reference runs (all 50,000 "
        "images, the paper's recipe and the whole 64k-iteration schedule), drawn "
        "faintly under your own runs. "
        "The **lecture** preset is scaled down for a laptop CPU: 4,000 training images, batch 64, "
        "300 iterations (lr 0.1, divided by 10 at 240). The **paper** recipe is batch 128, lr 0.1, momentum 0.9, "
        "weight decay 1e-4, lr divided by 10 at 32k and 48k, 64k iterations, a 45k/5k train/validation split, "
        "4-pixel padding, random crops and flips: minutes on a data-centre GPU (ResNet-20: 4.3 min on an H100), "
        "hours on a laptop. At 110 layers both first train at lr 0.01 until the training error is below 80%, as the "
        "paper does (0.1 is \"slightly too large to start converging\" there)."),
        ("按第 4.2 节的结构（6n+2 层）依次训练 CIFAR-10 上的普通网络和残差网络。"
        "与图 6 一样，普通网络在左、残差网络在右，虚线是训练误差，实线是测试误差；同一深度在两幅图中颜色相同。"
        "打开时显示我们的参考运行（全部 50,000 张图像、论文的设置和完整的 64k 次迭代进度表），"
        "你自己的训练开始后它们以浅色显示在下面。**课堂**预设为笔记本 CPU 缩小了规模：4,000 张训练图像、批大小 64、"
        "300 次迭代（学习率 0.1，第 240 次迭代时除以 10）。"
        "**论文**配方为批大小 128、学习率 0.1、动量 0.9、权重衰减 1e-4，"
        "在 32k 和 48k 次迭代时学习率除以 10，共 64k 次迭代，"
        "训练集/验证集按 45k/5k 划分，四周补 4 像素后随机裁剪并水平翻转："
        "在数据中心 GPU 上只需几分钟（ResNet-20 在 H100 上 4.3 分钟），在笔记本上要数小时。"
        "110 层时两种设置都先以学习率 0.01 训练，直到训练误差低于 80%，与论文一致（论文说 0.1 在那里“稍大，难以开始收敛”）。")),
    "resnet.depths": ("Depths (6n+2)", "深度（6n+2）"),
    "resnet.preset": ("Settings", "设置"),
    "resnet.preset_lecture": ("lecture (minutes on a CPU)", "课堂（CPU 上几分钟）"),
    "resnet.preset_paper": ("paper (sec. 4.2, 64k iterations)", "论文（第 4.2 节，64k 次迭代）"),
    "resnet.data": ("Data", "数据"),
    "resnet.data_info": (("cifar10 downloads 170 MB once; sample is the bundled 1,000-image subset; or the path of an "
                         "ImageFolder folder"),
                         ("cifar10 首次使用时下载 170 MB；"
                          "sample 是附带的 1,000 张图像子集；也可以填写 ImageFolder 文件夹的路径")),
    "resnet.train": ("Train", "开始训练"),
    "resnet.stop": ("Stop these runs", "停止这些训练"),
    "resnet.group": ("Runs shown", "显示的训练"),
    "resnet.no_runs": (("No runs yet: press **Train**. Runs started from the command line "
                       "(`python -m train {experiment} --preset lecture`) appear here too."),
                       ("还没有训练：请点击**开始训练**。"
                        "在命令行中启动的训练（`python -m train {experiment} --preset lecture`）"
                       "也会显示在这里。")),
    "resnet.run_line": ("**{label}**: step {step:,} of {total:,} · {status}",
                        "**{label}**：第 {step:,} / {total:,} 步 · {status}"),
    "resnet.pick_depth": ("Pick at least one depth.", "请至少选择一个深度。"),
    "resnet.too_many": ("Pick at most 3 depths (6 runs): the queue holds 8 runs.",
                        "最多选择 3 个深度（6 次训练）：队列最多容纳 8 次训练。"),
    "resnet.bad_data": ("{data!r} is not cifar10, sample or an existing folder.",
                        "{data!r} 既不是 cifar10、sample，也不是已存在的文件夹。"),
    "resnet.downloading": ("CIFAR-10 is not cached yet: the first run downloads it (170 MB) before training.",
                           "CIFAR-10 尚未缓存：第一次训练会先下载它（170 MB）。"),
    "resnet.queued": ("{count} runs queued; they train one after another.", "已排队 {count} 次训练，将依次进行。"),
    "resnet.stopping": ("Stopping {count} runs; each saves a checkpoint and can be resumed in the Runs tab.",
                        "正在停止 {count} 次训练；每次训练都会保存检查点，可在“训练记录”页继续。"),
    "resnet.nothing_to_stop": ("None of these runs is queued or running.", "这些训练都没有在排队或运行。"),
    "resnet.curves_title": ("Training error (dashed) and test error (solid)", "训练误差（虚线）与测试误差（实线）"),
    "resnet.reference": ("reference", "参考"),
    "resnet.ends_plain-vs-residual": (
        ("Fig. 6 compares training error: the deeper plain net ends higher (the degradation problem), the deeper "
         "ResNet lower."),
        "图 6 比较的是训练误差：更深的普通网络最终更高（退化问题），更深的残差网络则更低。"),
    "resnet.ends_shortcuts": (
        ("Where the options end at different iterations, compare them in the plot at one iteration, as the Reading "
         "tab's scorecard does."),
        "若各选项停在不同的迭代次数，请在图中同一迭代次数处比较，如阅读指南页的复现对照表所做。"),
    "resnet.shortcuts": ("Shortcuts A / B / C", "捷径连接 A / B / C"),
    "resnet.shortcuts_help": (
        ("Sec. 3.3: when a block changes the number of channels, the shortcut is either **A** the identity with the "
        "new channels zero-padded (no parameters), **B** a 1x1 projection only there, or **C** a projection in every "
        "block. Table 3 finds C > B > A by small margins on ImageNet and concludes projections are not essential. "
        "The table counts the parameters of each option. The faint reference curves are ResNet-20 with each option on "
        "the paper's schedule (CIFAR-10, JPEG mirror; B and C stop short of 64k); train your own beside them."),
        ("第 3.3 节：当残差块改变通道数时，"
        "捷径连接可以是 **A** 恒等映射并对新增通道补零（无参数），**B** 仅在此处使用 1x1 投影，"
        "或 **C** 每个块都使用投影。表 3 在 ImageNet 上发现 C > B > A，但差距很小，并得出投影并非必需的结论。"
        "下表列出了每种方案的参数量。淡色参考曲线是三种方案的 ResNet-20，按论文的训练计划训练"
        "（CIFAR-10 JPEG 镜像；B 和 C 尚未训练到 64k）；也可以自己训练，与之对比。")),
    "resnet.jpeg": ("JPEG: the gap to Table 6", "JPEG：与表 6 的差距"),
    "resnet.jpeg_help": (
        ("Table 6 gives ResNet-20 8.75% test error; the bundled one, on the paper's recipe and schedule, tests about "
         "3.4 points worse (the Reading tab's scorecard). Its images are not CIFAR-10's original pixels but the "
         "project's mirror of them: each JPEG-coded at quality 75, colour kept at half resolution (4:2:0). That "
         "coding cannot be undone, but one more of the same kind can be added and measured: here every image, "
         "training and test, is coded once more at quality 75 with its 8x8 block grid moved by 4 pixels (`python -m "
         "train.recompress` writes such a copy to disk). The faint reference curves are ResNet-20 on both over the "
         "paper's whole schedule; the table under the plot says where each ends. Their gap is what one coding costs; "
         "the mirror's own, which also halved the colour resolution, plausibly costs at least as much. With "
         "**cifar10** (the original images, downloaded once) the same two runs measure what a first coding costs. (The "
         "lecture preset is too short to resolve a gap of a point or so: the reference runs are the measurement.)"),
        ("表 6 中 ResNet-20 的测试误差为 8.75%；内置的 ResNet-20 按论文的配方和训练计划训练，测试误差却高出约 3.4 个百分点"
         "（见阅读指南页的复现对照表）。它用的图像不是 CIFAR-10 的原始像素，而是本项目的镜像：每张图像都以质量 75 做过 JPEG "
         "编码，颜色只保留一半分辨率（4:2:0）。这次编码无法撤销，但可以再加一次同类编码并测量其代价：这里把每张训练和测试图像"
         "再以质量 75 编码一次，并把 8x8 分块网格移动 4 个像素（`python -m train.recompress` 可把这样的副本写到磁盘）。"
         "淡色参考曲线是 ResNet-20 在两种数据上按论文完整训练计划的结果；图下的表格给出各自的终点。两者之差就是一次编码的代价；"
         "镜像自身的那次编码还把颜色分辨率减半，代价很可能不小于此。选择 **cifar10**（下载一次原始图像），"
         "同样的两次训练测量的就是第一次编码的代价。（课堂预设训练太短，分辨不出一个百分点左右的差距：以参考运行为准。）")),
    "resnet.seed": ("Seeds: the yardstick", "随机种子：标尺"),
    "resnet.seed_help": (
        ("Every comparison in this lab trains one run per variant: plain against residual, option A against B and C, "
         "the images as stored against coded once more. How far apart would two runs end if nothing but chance set "
         "them apart? Here ResNet-20's recipe is trained twice, seeds 0 and 1 (the initial weights, the order of the "
         "batches, the crops and flips differ), over the paper's whole schedule; the table under the plot weighs "
         "every other reference run against their spread. One pair of seeds is one sample of that spread, so a "
         "difference near it is weak evidence either way. (The reference run of seed 1: `python -m train.reference "
         "--data DIR --paper --only resnet20-cifar-seed-1`, about 2 h 50 min on a 2-core CPU.)"),
        ("本实验室的每个对比都是每个变体只训练一次：普通网络对残差网络、选项 A 对 B 和 C、原样图像对再编码一次的图像。"
         "如果只有偶然因素不同，两次训练最终会相差多少？这里把 ResNet-20 的配方训练两次，种子分别为 0 和 1（初始权重、"
         "批次顺序、裁剪和翻转都不同），都按论文的完整训练计划；图下的表格用它们的差距衡量其他每个参考训练。一对种子只是"
         "这种差距的一个样本，所以接近它的差别无论哪个方向都说明不了多少。（种子 1 的参考训练：`python -m train.reference "
         "--data DIR --paper --only resnet20-cifar-seed-1`，在 2 核 CPU 上约 2 小时 50 分钟。）")),
    "resnet.seed_missing": (
        "Seed 1's reference run is not in this checkout yet, so there is no yardstick to weigh the other runs against.",
        "此版本中还没有种子 1 的参考训练，因此还没有衡量其他训练的标尺。"),
    "resnet.ends_resnet-seed": (
        "The two runs differ only in their seed: their test errors' gap is chance's share of any other gap.",
        "两次训练只有种子不同：它们测试误差之差，就是任何其他差距中偶然因素所占的份额。"),
    "resnet.recode_title": (
        "One more coding moves a pixel by {change:.1f} of 255 levels on average (a test image of each class)",
        "再编码一次，每个像素平均变化 {change:.1f} 级（满级 255；每类一张测试图像）"),
    "resnet.recode_stored": ("as stored", "原样"),
    "resnet.recode_coded": ("coded once more", "再编码一次"),
    "resnet.recode_difference": ("difference x8", "差异 ×8"),
    "resnet.ends_jpeg": (
        ("Compare test error (solid lines): each run is tested on its own images, the coded ones on coded test images."),
        "请比较测试误差（实线）：每次训练都在自己的图像上测试，再次编码的训练也在再次编码的测试图像上测试。"),
    "resnet.depth": ("Depth", "深度"),
    "resnet.option": ("shortcut", "捷径连接"),
    "resnet.params": ("parameters", "参数量"),
    "resnet.extra": ("more than plain", "比普通网络多"),
    "resnet.responses": ("Layer responses (Fig. 7)", "层响应（图 7）"),
    "resnet.responses_help": (
        ("Fig. 7: the standard deviation of each 3x3 layer's response (after batch norm, before the ReLU or the "
        "addition). Residual functions are generally closer to zero than plain layers' outputs, so their responses "
        "are smaller; the deeper the ResNet, the smaller. Below: Fig. 6's reference runs (and your own runs), as "
        "measured during training on 128 test images every 1,000 iterations: drag the slider through training. "
        "The lower panel sorts each net's layers by magnitude, as the paper's does. (At iteration 0 batch norm "
        "has seen no data yet: its running statistics are still mean 0 and variance 1, so nothing is normalised "
        "and the residual sums grow with depth.)"),
        ("图 7：每个 3x3 层响应（批归一化之后、ReLU 或相加之前）的标准差。"
        "残差函数通常比普通网络各层的输出更接近零，因此响应更小；残差网络越深，响应越小。"
        "下图：图 6 的参考运行（以及你自己的训练），训练中每 1,000 次迭代在 128 张测试图像上测量：拖动滑块穿过整个训练过程。"
        "与论文一样，下方子图把每个网络的各层按大小排序。"
        "（第 0 次迭代时批归一化还没有见过数据：其滑动统计量仍为均值 0、方差 1，因此没有任何归一化，"
        "残差的累加随深度增长。）")),
    "resnet.responses_at": ("Standard deviation of layer responses at iteration {step:,}",
                            "第 {step:,} 次迭代时各层响应的标准差"),
    "resnet.measure_checkpoints": (
        ("**Measure checkpoints**: any checkpoint of your runs, or a bundled model, on 256 test images of the "
        "bundled sample. Pick plain and residual nets of one depth, or residual nets of two depths."),
        ("**测量检查点**：你的训练的任一检查点或附带模型，在附带样本的 256 张测试图像上测量。"
         "请选择同样深度的普通网络和残差网络，或不同深度的残差网络。")),
    "resnet.checkpoints": ("Checkpoints", "检查点"),
    "resnet.refresh": ("Refresh list", "刷新列表"),
    "resnet.show": ("Show", "显示"),
    "resnet.pick_checkpoint": ("Pick at least one checkpoint (train in the first tab to make some).",
                               "请至少选择一个检查点（可在第一个子页训练以生成检查点）。"),
    "resnet.missing_checkpoint": (("The checkpoint {name} is gone (only the newest 3 of a run are kept): refresh the "
                                  "list."), "检查点 {name} 已不存在（每次训练只保留最新的 3 个）：请刷新列表。"),
    "resnet.choose": ("Choose one of the listed options.", "请从列表中选择一项。"),
    "resnet.cannot_start": ("Cannot start: {why}", "无法开始：{why}"),
    "resnet.cannot_read": ("Cannot read the checkpoint {name} ({why}); the other checkpoints are not affected.",
                           "无法读取检查点 {name}（{why}）；其他检查点不受影响。"),
    "resnet.measuring": ("Measuring layer responses", "正在测量各层响应"),
    "resnet.layer_index": ("layer index (original)", "层序号（原始顺序）"),
    "resnet.layer_sorted": ("layer index (sorted by magnitude)", "层序号（按大小排序）"),
    "resnet.std": ("std", "标准差"),
    "resnet.responses_title": ("Standard deviation of layer responses", "各层响应的标准差"),
    "resnet.gradients": ("Gradients", "梯度"),
    "resnet.gradients_help": (
        ("The norm of the loss gradient with respect to each 3x3 layer's weights, input layer first, on a fixed "
        "batch of training images. Sec. 4.1 notes that with batch norm the plain nets' gradients keep healthy "
        "norms: their difficulty is not vanishing gradients. The shortcuts carry the gradient straight back to "
        "early layers. Above: fresh networks. Below: Fig. 6's reference runs on the paper's schedule (and your own "
        "runs), at any logged iteration: drag the slider through training and compare plain-56 with ResNet-56."),
        ("损失对每个 3x3 层权重的梯度范数（从输入层开始），在一批固定的训练图像上计算。第 4.1 节指出，有了批归一化，"
        "普通网络的梯度范数依然正常：它们的困难并非梯度消失。捷径连接把梯度直接传回浅层。上图：刚初始化的网络；"
        "下图：按论文进度表训练的图 6 参考运行（以及你自己的训练），可选任意已记录的迭代："
        "拖动滑块穿过整个训练过程，比较 plain-56 与 ResNet-56。")),
    "resnet.init_title": ("Gradient norm per layer at initialisation", "初始化时各层的梯度范数"),
    "resnet.gradients_at": ("Gradient norm per layer at iteration {step:,}", "第 {step:,} 次迭代时各层的梯度范数"),
    "resnet.grad_norm": ("gradient norm", "梯度范数"),
    "resnet.layer": ("3x3 layer (input to output)", "3x3 层（从输入到输出）"),
    "resnet.runs": ("Runs", "训练"),
    "resnet.step": ("Iteration", "迭代次数"),
    "resnet.pick_run": ("Pick at least one run that has logged gradient norms.",
                        "请至少选择一个已记录梯度范数的训练。"),
    "resnet.bottleneck": ("Bottleneck vs basic block", "瓶颈块与基本块"),
    "resnet.bottleneck_help": (
        ("Fig. 5: the basic block (left) stacks two 3x3 convolutions; the bottleneck block (right) reduces the width "
        "with a 1x1, applies the 3x3 at the reduced width and restores it with a 1x1. At a stage's width, the "
        "bottleneck works on a 4x wider signal for a similar cost, which is what makes ResNet-50/101/152 "
        "affordable. Numbers beside the boxes are weights; costs are measured by torch's flop counter on the "
        "stage's 224x224 map size, as multiply-adds (the paper's \"FLOPs\")."),
        ("图 5：基本块（左）堆叠两个 3x3 卷积；瓶颈块（右）先用 1x1 卷积降低通道数，"
        "在较窄处做 3x3 卷积，再用 1x1 卷积恢复。"
        "在同一阶段的宽度下，瓶颈块处理宽 4 倍的信号，代价却相近，这使得 ResNet-50/101/152 的计算量可以承受。"
        "方框旁的数字是权重数；计算量由 torch 的 FLOP 计数器在该阶段对应 224x224 输入的特征图尺寸上测得，"
        "以乘加次数表示（即论文中的“FLOPs”）。")),
    "resnet.planes": ("Stage width (planes)", "阶段宽度（通道数）"),
    "resnet.block": ("block", "模块"),
    "resnet.input": ("input width", "输入宽度"),
    "resnet.mult_adds": ("multiply-adds", "乘加次数"),
    "resnet.imagenet_title": ("ImageNet networks (Table 1): our measurement beside the paper's",
                              "ImageNet 网络（表 1）：我们的测量与论文数值对照"),
    "resnet.network": ("network", "网络"),
    "resnet.stages": ("blocks per stage", "各阶段块数"),
    "resnet.params_m": ("parameters (M)", "参数量（百万）"),
    "resnet.measured": ("measured multiply-adds (1e9)", "实测乘加（1e9）"),
    "resnet.paper": ("paper's FLOPs (1e9)", "论文 FLOPs（1e9）"),
    "resnet.difference": ("difference", "差异"),
    "resnet.panel_plain": ("plain networks", "普通网络"),
    "resnet.panel_residual": ("residual networks (ResNets)", "残差网络（ResNet）"),
}

REFRESH_S = 2.0  # how often the timers look at the run store
PLANES = (64, 128, 256, 512)  # stage widths of Table 1


# -- figures ------------------------------------------------------------------------------------------------

Series = tuple[str, dict, reference_runs.Curves]  # (label, run config, metrics), as reference_runs.load gives them
Profile = tuple[str, dict, np.ndarray]            # (legend name, run config, one value per 3x3 layer)
DEPTH_ORDER = (20, 56, 32, 44, 110)               # colour order: Fig. 6's two depths first, blue and red


def arch_colour(cfg: dict) -> str:
    """One colour per architecture in every ResNet plot: per depth, and per shortcut option at a depth; another for
    a net trained on its images coded once more, and for another seed."""
    depth, shortcut = cfg.get("depth", 20), cfg.get("shortcut", "A")
    i = DEPTH_ORDER.index(depth) if depth in DEPTH_ORDER else len(DEPTH_ORDER)
    i += 3 * (SHORTCUTS.index(shortcut) if shortcut in SHORTCUTS else 0) + 4 * bool(cfg.get("recode_quality"))
    i += 5 * bool(cfg.get("seed"))
    return PALETTE[i % len(PALETTE)]


def make_error_figure(live: Sequence[Series], reference: Sequence[Series], lang: str = "en") -> go.Figure:
    """Fig. 6: plain networks left and ResNets right on one error axis (one panel where only one kind is shown).

    A colour per architecture (arch_colour), so plain-56 above plain-20 on the left and ResNet-56 below
    ResNet-20 on the right read at a glance; training error dashed, test error solid; reference runs faint under
    live ones. The y-axis stops above the last errors (the paper shows 0-20%); autoscale shows the first iterations.
    """
    everything = [*reference, *live]
    kinds = [plain for plain in (True, False) if any(bool(cfg.get("plain")) == plain for _, cfg, _ in everything)]
    kinds = kinds or [False]
    fig = make_subplots(1, len(kinds), shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=[text("resnet.panel_plain" if plain else "resnet.panel_residual", lang)
                                        for plain in kinds])
    tag = error_tags(lang)
    dash = {"train_error": "dash", "test_error": "solid"}
    last = []  # each curve's last error (%)
    for is_reference, series in ((True, reference), (False, live)):
        faint = is_reference and bool(live)
        for label, cfg, curves in series:
            color = arch_colour(cfg)
            for name in ("train_error", "test_error"):
                if name not in curves or not curves[name][0]:
                    continue
                steps, values = curves[name]
                last.append(100 * values[-1])
                suffix = f" ({text('resnet.reference', lang)})" if is_reference else ""
                fig.add_trace(go.Scatter(x=steps, y=[100 * v for v in values], mode="lines",
                                         name=f"{label} {tag[name]}{suffix}", opacity=0.35 if faint else 1.0,
                                         line={"color": color, "dash": dash[name], "width": 1.2 if faint else 2.2}),
                              row=1, col=kinds.index(bool(cfg.get("plain"))) + 1)
    base_layout(fig, text("resnet.curves_title", lang), "", text("common.error_pct", lang) + " (%)", height=540,
                legend_below=True)
    fig.update_xaxes(title_text=text("common.iteration", lang))
    fig.update_yaxes(range=[0, max(20, min(100, 10 * int(np.ceil(1.5 * max(last, default=0) / 10))))])
    return fig


def make_recode_figure(lang: str = "en") -> go.Figure:
    """The JPEG tab's pictures: what `recode_quality` does to the bundled sample's images, pixel by pixel."""
    mosaic, change = views.recode_examples()
    fig = go.Figure(go.Image(source=png_uri(mosaic), hoverinfo="skip"))
    third = mosaic.shape[0] / 3
    fig.update_yaxes(tickvals=[third * (i + 0.5) for i in range(3)], showgrid=False, zeroline=False,
                     ticktext=[text(f"resnet.recode_{row}", lang) for row in ("stored", "coded", "difference")])
    fig.update_xaxes(visible=False)
    fig.update_layout(title=text("resnet.recode_title", lang, change=change), height=420, font=FONT,
                      margin={"l": 130, "r": 10, "t": 60, "b": 10}, template="plotly_white")
    return fig


def recode_view(request: gr.Request) -> go.Figure:
    return make_recode_figure(language(request))


def ends_of(experiment: str, live: Sequence[Series], reference: Sequence[Series], lang: str = "en") -> str:
    """Where the experiment's runs end, the reference runs first and named so, as in the plot's legend."""
    runs = [(f"{label} ({text('resnet.reference', lang)})", cfg, curves) for label, cfg, curves in reference]
    return ends_markdown([*runs, *live], lang, text(f"resnet.ends_{experiment}", lang))


def seed_view(request: gr.Request) -> str:
    """Every other ResNet reference run weighed against two seeds of ResNet-20 (explorer.yardstick)."""
    lang = language(request)
    return seed_markdown("resnet", "resnet-seed", "resnet20-cifar", lang) or text("resnet.seed_missing", lang)


def make_layer_figure(profiles: Sequence[Profile], title: str, y_title: str, lang: str = "en", *,
                      sorted_panel: bool = False, log_y: bool = False) -> go.Figure:
    """One line per network over its 3x3 layers, coloured as in Fig. 6, plain nets dashed; with sorted_panel a
    second panel sorted descending (Fig. 7)."""
    rows = 2 if sorted_panel else 1
    fig = make_subplots(rows=rows, cols=1, vertical_spacing=0.14)
    for label, cfg, values in profiles:
        panels = (values, np.sort(values)[::-1]) if sorted_panel else (values,)
        line = {"color": arch_colour(cfg), "dash": "dash" if cfg.get("plain") else "solid"}
        for row, ys in enumerate(panels, start=1):
            fig.add_trace(go.Scatter(x=np.arange(1, len(ys) + 1), y=ys, mode="lines+markers", name=label,
                                     legendgroup=label, showlegend=row == 1, line=line, marker={"size": 4}),
                          row=row, col=1)
    base_layout(fig, title, "", y_title, height=320 * rows + 80)
    fig.update_xaxes(title_text=text("resnet.layer_index" if sorted_panel else "resnet.layer", lang), row=1, col=1)
    if sorted_panel:
        fig.update_xaxes(title_text=text("resnet.layer_sorted", lang), row=2, col=1)
    fig.update_yaxes(title_text=y_title, type="log" if log_y else "linear")
    fig.update_layout(font=FONT)
    return fig


# -- run store helpers --------------------------------------------------------------------------------------

def experiment_groups(experiment: str) -> list[tuple[str, str]]:
    """(shown text, group id) of this experiment's run groups in the store, newest first."""
    groups: dict[str, list[RunRecord]] = {}
    for run in store().list_runs():
        if run.group_id and run.group_id.startswith(f"{experiment}-"):
            groups.setdefault(run.group_id, []).append(run)
    return [(f"{gid.removeprefix(experiment + '-')} · {', '.join(r.label for r in reversed(runs))}", gid)
            for gid, runs in groups.items()]


def group_runs(group_id: str | None) -> list[RunRecord]:
    return sorted(store().list_runs(group_id=group_id), key=lambda r: r.created) if group_id else []


def resnet_runs() -> list[RunRecord]:
    return [r for r in store().list_runs() if r.recipe == "resnet"]


def checkpoint_choices() -> list[tuple[str, str]]:
    """(shown text, "run_id:step") for every checkpoint of every ResNet run, newest run first, then the bundled
    models ("bundled:name")."""
    out = []
    for run in resnet_runs():
        for path in reversed(store().checkpoints(run.id)):
            step = int(path.stem.removeprefix("step-"))
            out.append((f"{run.title} · step {step:,} · {run.id}", f"{run.id}:{step}"))
    return out + [(reference_runs.bundled_label(weights.parent), f"bundled:{name}")
                  for name, (_, weights) in reference_runs.bundled_models("resnet").items()]


def find_weights(key: str) -> tuple[str, dict, Path]:
    """A checkpoint_choices() value -> (shown name, run config, weights file); KeyError if there is none."""
    kind, _, name = key.partition(":")
    if kind == "bundled":
        config, path = reference_runs.bundled_models("resnet")[name]
        return name, config, path
    run_id, _, step = key.rpartition(":")
    try:
        run, step = store().get(run_id), int(step)
        path = next(p for p in store().checkpoints(run_id) if p.stem == f"step-{step:09d}")
    except (ValueError, StopIteration):  # not a run's checkpoint, or since deleted
        raise KeyError(key) from None
    return f"{run.title} · step {step:,}", run.config, path


def check_choice(value, choices: Sequence, lang: str) -> None:
    """Refuse a value the component does not offer (an API client can send anything)."""
    if not any(value == choice and type(value) is type(choice) for choice in choices):
        raise gr.Error(text("resnet.choose", lang))


def is_folder(path: str) -> bool:
    try:
        return Path(path).expanduser().is_dir()
    except (OSError, ValueError):  # a name too long for the filesystem, a NUL byte
        return False


def check_data(data: str, lang: str) -> str:
    data = (data or "").strip() if isinstance(data, str) else ""
    # a folder of one's own images works locally; on a public demo user text never touches the filesystem
    if data not in ("cifar10", "sample") and (deployment.public_mode() or not is_folder(data)):
        raise gr.Error(text("resnet.bad_data", lang, data=data[:80]))
    if data == "cifar10" and not cifar10_cached():
        gr.Warning(text("resnet.downloading", lang))
    return data


# -- layout and wiring --------------------------------------------------------------------------------------

def experiment_panel(experiment: str, setting: gr.components.Component,
                     variants: Callable[..., Sequence[tuple[str, dict]]]) -> None:
    """Train-and-watch controls for one experiment: variants(setting's value, lang=) gives (label, overrides) per run."""
    with gr.Row():
        preset = gr.Radio([(t("resnet.preset_lecture"), "lecture"), (t("resnet.preset_paper"), "paper")],
                          value="lecture", label=t("resnet.preset"))
        data = gr.Dropdown(["cifar10", "sample"], value="cifar10" if cifar10_cached() else "sample",
                           allow_custom_value=True, label=t("resnet.data"), info=t("resnet.data_info"))
    with gr.Row():
        train = gr.Button(t("resnet.train"), variant="primary")
        stop = gr.Button(t("resnet.stop"), variant="stop")
    group = gr.Dropdown([], label=t("resnet.group"), interactive=True)
    status = gr.Markdown()
    reference = reference_runs.load("resnet", experiment)
    plot = gr.Plot(make_error_figure([], reference) if reference else None)  # the timer redraws it in the page's language
    ends = gr.Markdown(elem_id=f"resnet-ends-{experiment}")
    seen = gr.State("")

    def refresh(group_id: str | None, key: str, request: gr.Request):
        lang = language(request)
        groups = experiment_groups(experiment)
        ids = [gid for _, gid in groups]
        group_id = group_id if group_id in ids else (ids[0] if ids else None)
        runs = group_runs(group_id)
        steps = {r.id: store().last_step(r.id) for r in runs}
        new_key = json.dumps([ids, group_id, [(r.id, r.status, steps[r.id]) for r in runs], lang])
        if new_key == key:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), key
        lines = [text("resnet.run_line", lang, label=deployment.shown(r.title), step=steps[r.id], total=r.total_steps,
                      status=r.status) + (f" · {deployment.shown(r.message)}" if r.status == "failed" else "") for r in runs]
        message = "\n\n".join(lines) or text("resnet.no_runs", lang, experiment=experiment)
        live = [(r.title, r.config, store().metrics(r.id)) for r in runs]
        # nothing to draw: the empty plot, not axes around nothing
        figure = make_error_figure(live, reference, lang) if runs or reference else None
        table = ends_of(experiment, live, reference, lang)
        return gr.update(choices=groups, value=group_id), message, figure, table, new_key

    def start(preset_name: str, data_name: str, value, request: gr.Request):
        lang = language(request)
        check_choice(preset_name, ("lecture", "paper"), lang)
        data_name = check_data(data_name, lang)
        runs = variants(value, lang=lang)
        recipe = get_recipe("resnet")
        try:
            configs = [(label, recipe.config(None if preset_name == "paper" else preset_name,
                                             **{"data": data_name, **overrides}).to_dict()) for label, overrides in runs]
        except ConfigError as exc:
            raise gr.Error(text("resnet.cannot_start", lang, why=exc)) from exc
        group_id = f"{experiment}-{new_run_id()}"
        deployment.submit(request, "resnet", preset_name, configs, group_id)
        gr.Info(text("resnet.queued", lang, count=len(configs)))
        return gr.update(choices=experiment_groups(experiment), value=group_id), ""

    def halt(group_id: str | None, request: gr.Request):
        active = [r for r in group_runs(group_id) if r.active]
        for run in active:
            deployment.check_may_control(run, request)
        for run in active:
            launcher().cancel(run.id)
        lang = language(request)
        gr.Info(text("resnet.stopping", lang, count=len(active)) if active else text("resnet.nothing_to_stop", lang))

    outputs = [group, status, plot, ends, seen]
    train.click(start, [preset, data, setting], [group, seen]).then(refresh, [group, seen], outputs)
    stop.click(halt, [group])
    group.input(refresh, [group, seen], outputs)
    gr.Timer(REFRESH_S).tick(refresh, [group, seen], outputs, show_progress="hidden")


def fig6_variants(depths: list[int], *, lang: str):
    if not depths:
        raise gr.Error(text("resnet.pick_depth", lang))
    if len(depths) > 3:
        raise gr.Error(text("resnet.too_many", lang))
    for depth in depths:
        check_choice(depth, CIFAR_DEPTHS, lang)
    return plain_vs_residual_variants(sorted(depths))


def at_depth(variants: Sequence[tuple[str, dict]]) -> Callable[..., tuple[tuple[str, dict], ...]]:
    """An experiment's variants at the depth its tab's dropdown chooses (experiment_panel's `variants`)."""
    def chosen(depth: int, *, lang: str):
        check_choice(depth, CIFAR_DEPTHS, lang)
        return tuple((label, {**overrides, "depth": depth}) for label, overrides in variants)
    return chosen


def shortcut_table(depth: int, request: gr.Request) -> dict:
    lang = language(request)
    check_choice(depth, CIFAR_DEPTHS, lang)
    counts = views.shortcut_params(depth)
    rows = [[option, f"{n:,}", f"{n - counts['plain']:,}"] for option, n in counts.items()]
    return {"data": rows, "headers": [text(k, lang) for k in ("resnet.option", "resnet.params", "resnet.extra")]}


def show_responses(keys: list[str], request: gr.Request, progress=gr.Progress()):
    lang = language(request)
    if not keys:
        raise gr.Error(text("resnet.pick_checkpoint", lang))
    profiles = []
    for key in progress.tqdm(keys, desc=text("resnet.measuring", lang)):
        try:
            name, cfg, path = find_weights(str(key))
        except KeyError:
            raise gr.Error(text("resnet.missing_checkpoint", lang, name=str(key)[:80])) from None
        try:
            profiles.append((name, cfg, views.checkpoint_response_std(
                path, cfg.get("depth", 20), cfg.get("plain", False), cfg.get("shortcut", "A"))))
        except (CheckpointError, RuntimeError) as exc:  # corrupt, truncated or another architecture's weights
            raise gr.Error(text("resnet.cannot_read", lang, name=name, why=exc)) from exc
    return make_layer_figure(profiles, text("resnet.responses_title", lang), text("resnet.std", lang), lang,
                             sorted_panel=True)


def refresh_checkpoints():
    """Every choice; selected: the newest checkpoint of each of the first four runs or bundled models."""
    choices = checkpoint_choices()
    firsts: dict[str, str] = {}
    for _, key in choices:
        firsts.setdefault(key if key.startswith("bundled:") else key.rpartition(":")[0], key)
    return gr.update(choices=choices, value=list(firsts.values())[:4])


def init_gradients(depth: int, request: gr.Request):
    lang = language(request)
    check_choice(depth, CIFAR_DEPTHS, lang)
    profiles = [(f"{'plain' if plain else 'ResNet'}-{depth}", {"depth": depth, "plain": plain},
                 views.initial_gradient_norms(int(depth), plain)) for plain in (True, False)]
    return make_layer_figure(profiles, text("resnet.init_title", lang), text("resnet.grad_norm", lang), lang,
                             log_y=True)


REFERENCE_PREFIX = "reference:"  # run choices that are Fig. 6's reference runs, by label
# Per-layer profiles that ResNet runs snapshot over training: kind -> (title, y-axis title, plot options)
PROFILES = {"grad_norm": ("resnet.gradients_at", "resnet.grad_norm", {"log_y": True}),             # sec. 4.1
            "response_std": ("resnet.responses_at", "resnet.std", {"sorted_panel": True})}        # Fig. 7


def reference_profiles(kind: str) -> dict[str, tuple[dict, list[int], np.ndarray]]:
    """Fig. 6's reference runs that ship a per-layer profile over training: label -> (config, steps, one row per
    step)."""
    out = {}
    for name, config, _ in reference_runs.load("resnet", "plain-vs-residual"):
        shipped = reference_runs.load_snapshots("resnet", "plain-vs-residual", name)
        if kind in shipped:
            out[name] = config, *shipped[kind]
    return out


def refresh_profile_runs(kind: str, request: gr.Request):
    """Runs that logged `kind`, then the reference runs; chosen: the first four runs, else the references, at the
    last iteration all of them reached."""
    runs = [r for r in resnet_runs() if store().snapshot_steps(r.id, kind)]
    references = reference_profiles(kind)
    suffix = f" ({text('resnet.reference', language(request))})"
    choices = [(f"{r.title} · {r.id}", r.id) for r in runs] + [(name + suffix, REFERENCE_PREFIX + name)
                                                              for name in references]
    lasts = {r.id: store().snapshot_steps(r.id, kind)[-1] for r in runs[:4]} or \
        {REFERENCE_PREFIX + name: steps[-1] for name, (_, steps, _) in references.items()}
    top = max([1, *(r.total_steps for r in runs), *(steps[-1] for _, steps, _ in references.values())])
    return (gr.update(choices=choices, value=list(lasts)),
            gr.update(maximum=top, value=min(lasts.values(), default=0)))


def layer_profile(kind: str, key: str, step: int) -> Profile | None:
    """A run's or reference run's profile at its newest snapshot at or before step, its iteration in the legend."""
    if key.startswith(REFERENCE_PREFIX):
        name = key.removeprefix(REFERENCE_PREFIX)
        config, steps, rows = reference_profiles(kind).get(name, ({}, [], None))
        if not steps:
            return None
        found = views.snapshot_at(steps, step)
        return f"{name} · {found:,}", config, rows[steps.index(found)]
    try:
        steps = store().snapshot_steps(key, kind)
    except KeyError:  # not a run id
        return None
    if not steps:
        return None
    run = store().get(key)
    found, values = store().load_snapshot(key, kind, views.snapshot_at(steps, step))
    return f"{run.title} · {found:,}", run.config, values


def training_profiles(kind: str, run_ids: list[str], step: int, request: gr.Request):
    lang = language(request)
    step = int(np.clip(np.nan_to_num(float(step or 0)), 0, 2**62))
    found = [layer_profile(kind, str(key), step) for key in (run_ids if isinstance(run_ids, list) else [])]
    profiles = [profile for profile in found if profile]
    if not profiles:
        raise gr.Error(text("resnet.pick_run", lang))
    title, y_title, options = PROFILES[kind]
    return make_layer_figure(profiles, text(title, lang, step=step), text(y_title, lang), lang, **options)


def through_training(kind: str) -> None:
    """A run picker, an iteration slider and the per-layer `kind` of the chosen runs there: the user's runs and
    Fig. 6's reference runs, drawn from their snapshots (nothing is measured)."""
    def list_runs(request: gr.Request):
        return refresh_profile_runs(kind, request)

    def draw(run_ids: list[str], step: int, request: gr.Request):
        return training_profiles(kind, run_ids, step, request)

    def draw_if_any(run_ids: list[str], step: int, request: gr.Request):
        """After the run list refreshes: draw when there are runs, stay quiet when there are none."""
        return draw(run_ids, step, request) if run_ids else gr.skip()

    with gr.Row():
        runs = gr.Dropdown([], multiselect=True, label=t("resnet.runs"), scale=4)
        refresh = gr.Button(t("resnet.refresh"), scale=1)
    step = gr.Slider(0, 1, value=0, step=1, label=t("resnet.step"))
    plot = gr.Plot()
    for listing in (gr.on(None, list_runs, None, [runs, step]), refresh.click(list_runs, None, [runs, step])):
        listing.then(draw_if_any, [runs, step], [plot])
    gr.on([runs.input, step.release], draw, [runs, step], [plot])


def block_view(planes: int, request: gr.Request):
    lang = language(request)
    check_choice(planes, PLANES, lang)
    costs = views.block_costs(planes)
    rows = [[name, c["in"], f"{c['params']:,}", f"{c['mult_adds'] / 1e6:,.1f}M"] for name, c in costs.items()]
    headers = [text(k, lang) for k in ("resnet.block", "resnet.input", "resnet.params", "resnet.mult_adds")]
    table = [text(k, lang) for k in ("resnet.network", "resnet.stages", "resnet.params_m", "resnet.measured",
                                     "resnet.paper", "resnet.difference")]
    return (views.block_diagram_svg(planes), {"data": rows, "headers": headers},
            {"data": views.imagenet_table(), "headers": table})


def build() -> None:
    gr.Markdown(t("resnet.intro"))
    with gr.Tabs():
        with gr.Tab(t("resnet.fig6"), elem_id="resnet-fig6"):
            gr.Markdown(t("resnet.fig6_help"))
            depths = gr.CheckboxGroup(list(CIFAR_DEPTHS), value=[20, 56], label=t("resnet.depths"),
                                      elem_id="resnet-fig1")
            experiment_panel("plain-vs-residual", depths, fig6_variants)

        with gr.Tab(t("resnet.shortcuts"), elem_id="resnet-fig2"):
            gr.Markdown(t("resnet.shortcuts_help"))
            depth = gr.Dropdown(list(CIFAR_DEPTHS), value=20, label=t("resnet.depth"))
            params = gr.Dataframe(interactive=False, elem_id="resnet-table6")
            gr.on(None, shortcut_table, [depth], [params])
            experiment_panel("shortcuts", depth, at_depth(shortcut_variants(SHORTCUTS)))

        with gr.Tab(t("resnet.responses"), elem_id="resnet-fig7"):
            gr.Markdown(t("resnet.responses_help"))
            through_training("response_std")
            gr.Markdown(t("resnet.measure_checkpoints"))
            with gr.Row():
                checkpoints = gr.Dropdown([], multiselect=True, label=t("resnet.checkpoints"), scale=4)
                refresh = gr.Button(t("resnet.refresh"), scale=1)
            show = gr.Button(t("resnet.show"), variant="primary")
            responses = gr.Plot(elem_id="resnet-fig7-measured")
            gr.on([refresh.click], refresh_checkpoints, None, [checkpoints])
            gr.on(None, refresh_checkpoints, None, [checkpoints])
            show.click(show_responses, [checkpoints], [responses])

        with gr.Tab(t("resnet.gradients")):
            gr.Markdown(t("resnet.gradients_help"))
            grad_depth = gr.Dropdown(list(CIFAR_DEPTHS), value=56, label=t("resnet.depth"))
            init_plot = gr.Plot()
            gr.on(None, init_gradients, [grad_depth], [init_plot])
            through_training("grad_norm")

        with gr.Tab(t("resnet.bottleneck"), elem_id="resnet-fig5"):
            gr.Markdown(t("resnet.bottleneck_help"))
            planes = gr.Radio(list(PLANES), value=64, label=t("resnet.planes"))
            diagram = gr.HTML()
            costs = gr.Dataframe(interactive=False)
            gr.Markdown(t("resnet.imagenet_title"))
            imagenet = gr.Dataframe(interactive=False, elem_id="resnet-table1")
            gr.on(None, block_view, [planes], [diagram, costs, imagenet])

        with gr.Tab(t("resnet.jpeg"), elem_id="resnet-jpeg"):
            gr.Markdown(t("resnet.jpeg_help"))
            recoded = gr.Plot(elem_id="resnet-jpeg-images")
            gr.on(None, recode_view, None, [recoded])
            jpeg_depth = gr.Dropdown(list(CIFAR_DEPTHS), value=20, label=t("resnet.depth"))
            experiment_panel("jpeg", jpeg_depth, at_depth(jpeg_variants()))

        with gr.Tab(t("resnet.seed"), elem_id="resnet-seed"):
            gr.Markdown(t("resnet.seed_help"))
            seed_depth = gr.Dropdown(list(CIFAR_DEPTHS), value=20, label=t("resnet.depth"))
            experiment_panel("resnet-seed", seed_depth, at_depth(seed_variants()))
            yardstick = gr.Markdown(elem_id="resnet-yardstick")
            gr.on(None, seed_view, None, [yardstick])
