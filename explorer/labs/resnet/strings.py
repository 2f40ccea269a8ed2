"""The ResNet lab's labels, messages and plot titles: {key: (english, chinese)}, merged by explorer/shared/i18n.py."""

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
    "resnet.data_info": (("cifar10 downloads 170 MB once; sample is the bundled 1,000-image subset; or the path of an "
                         "ImageFolder folder"),
                         ("cifar10 首次使用时下载 170 MB；"
                          "sample 是附带的 1,000 张图像子集；也可以填写 ImageFolder 文件夹的路径")),
    "resnet.pick_depth": ("Pick at least one depth.", "请至少选择一个深度。"),
    "resnet.too_many": ("Pick at most 3 depths (6 runs): the queue holds 8 runs.",
                        "最多选择 3 个深度（6 次训练）：队列最多容纳 8 次训练。"),
    "resnet.bad_data": ("{data!r} is not cifar10, sample or an existing folder.",
                        "{data!r} 既不是 cifar10、sample，也不是已存在的文件夹。"),
    "resnet.downloading": ("CIFAR-10 is not cached yet: the first run downloads it (170 MB) before training.",
                           "CIFAR-10 尚未缓存：第一次训练会先下载它（170 MB）。"),
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
        "the paper's schedule (CIFAR-10, JPEG mirror; the table under the plot says where each ends); train your own "
        "beside them."),
        ("第 3.3 节：当残差块改变通道数时，"
        "捷径连接可以是 **A** 恒等映射并对新增通道补零（无参数），**B** 仅在此处使用 1x1 投影，"
        "或 **C** 每个块都使用投影。表 3 在 ImageNet 上发现 C > B > A，但差距很小，并得出投影并非必需的结论。"
        "下表列出了每种方案的参数量。淡色参考曲线是三种方案的 ResNet-20，按论文的训练计划训练"
        "（CIFAR-10 JPEG 镜像；图下方的表格给出每条曲线的终点）；也可以自己训练，与之对比。")),
    "resnet.reference_framed": ("reference: its {total:,} iterations drawn over {frame:,}",
                                "参考：其 {total:,} 次迭代压缩绘制在 {frame:,} 次之内"),
    "resnet.seeds_mean": ("{net}, mean of {n} seeds", "{net}，{n} 个种子的均值"),
    "resnet.seeds_band": ("{label} {metric}: lowest to highest seed", "{label} {metric}：各种子的最低到最高"),
    "resnet.jpeg_gap": (
        ("**How much of the gap to the paper the mirror explains**, with this lab's own numbers: one more JPEG coding "
         "costs **{cost:.2f} points** of test error (ResNet-20 ends at {stored:.2f}% on the mirror's images as stored, "
         "{coded:.2f}% on them coded once more: the table above). The bundled ResNet-20 tests {accuracy:.2f}%, "
         "**{gap:.2f} points** below Table 6's {paper:.2f}%. The mirror's own coding is one such coding (with colour "
         "at half resolution as well): if it cost as much as the second, it explains {cost:.2f} of the {gap:.2f} "
         "points ({share:.0%}); the rest is not explained by this measurement (a first coding may cost more than a "
         "second). {chance}"),
        ("**镜像能解释与论文差距的多少**（用本实验室自己的数字）：再做一次 JPEG 编码使测试误差增加 **{cost:.2f} 个百分点**"
         "（ResNet-20 在镜像原样图像上最终为 {stored:.2f}%，再编码一次后为 {coded:.2f}%：见上表）。内置的 ResNet-20 测试准确率"
         "为 {accuracy:.2f}%，比表 6 的 {paper:.2f}% 低 **{gap:.2f} 个百分点**。镜像自身的编码就是一次这样的编码（而且颜色分辨率"
         "减半）：如果它的代价与第二次相同，就解释了 {gap:.2f} 个百分点中的 {cost:.2f} 个（{share:.0%}）；其余部分这次测量"
         "无法解释（第一次编码的代价可能大于第二次）。{chance}")),
    "resnet.jpeg_chance": (
        ("**Chance**, measured by two seeds of ResNet-20 (the Seeds tab): {apart} The gap to the paper is {gap_times:.0f} "
         "times that, one more coding's cost {cost_times:.0f} times (one pair of seeds is one sample of chance)."),
        ("**偶然因素**（用 ResNet-20 的两个种子衡量，见随机种子页）：{apart}与论文的差距是它的 {gap_times:.0f} 倍，"
         "再编码一次的代价是它的 {cost_times:.0f} 倍（一对种子只是偶然因素的一个样本）。")),
    "resnet.jpeg_no_chance": (
        "How far chance alone moves ResNet-20 is measured in the Seeds tab once seed 1's run ships.",
        "只靠偶然因素 ResNet-20 会相差多少，要等种子 1 的训练发布后在随机种子页测量。"),
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
         "batches, the crops and flips differ) on the paper's schedule. The plot draws their mean, shaded from the "
         "lower seed to the higher: how much of a curve's wiggle is chance, most of it before the first learning-rate "
         "drop. The table under the plot weighs every other reference run against the seeds' spread (it says so "
         "where seed 1 has not yet trained the whole schedule). One pair of seeds is one sample of that spread, so a "
         "difference near it is weak evidence either way. (The reference run of seed 1: `python -m train.reference "
         "--data DIR --paper --only resnet20-cifar-seed-1`, 3 h 23 min on a 2-core CPU.)"),
        ("本实验室的每个对比都是每个变体只训练一次：普通网络对残差网络、选项 A 对 B 和 C、原样图像对再编码一次的图像。"
         "如果只有偶然因素不同，两次训练最终会相差多少？这里把 ResNet-20 的配方训练两次，种子分别为 0 和 1（初始权重、"
         "批次顺序、裁剪和翻转都不同），按论文的训练计划。图中画出两者的均值，阴影从较低的种子延伸到较高的种子："
         "曲线的起伏有多少来自偶然，大多出现在第一次降低学习率之前。图下的表格用两个种子的差距衡量其他每个参考训练"
         "（若种子 1 尚未训练完整个计划，表格会说明）。一对种子只是"
         "这种差距的一个样本，所以接近它的差别无论哪个方向都说明不了多少。（种子 1 的参考训练：`python -m train.reference "
         "--data DIR --paper --only resnet20-cifar-seed-1`，在 2 核 CPU 上用了 3 小时 23 分钟。）")),
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
    # Fig. 5's diagram and table (explorer/labs/resnet/views.py block_diagram_svg, tab.py block_view)
    "resnet.svg_input": ("{width} in", "输入 {width}"),
    "resnet.svg_identity": ("identity", "恒等映射"),
    "resnet.block_BasicBlock": ("BasicBlock", "基本块"),
    "resnet.block_Bottleneck": ("Bottleneck", "瓶颈块"),
    "resnet.no_shortcut": ("plain", "普通网络（无捷径）"),
    "resnet.checkpoint_choice": ("{title} · step {step:,} · {id}", "{title} · 第 {step:,} 步 · {id}"),
}
