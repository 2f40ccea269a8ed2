"""The AlexNet lab (Krizhevsky, Sutskever, Hinton 2012): Fig. 3's filters forming, Fig. 4's neighbours
and predictions, attributions, and the ablations the paper argues for, run live."""
from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

import gradio as gr
import numpy as np
import plotly.graph_objects as go
from gradio.i18n import I18nData
from plotly.subplots import make_subplots

from explorer import alexnet_views as views
from explorer import deployment, reference_runs
from explorer.i18n import language, t, text
from explorer.plots import PALETTE, base_layout, curves_figure, ends_markdown, error_tags, png_bytes, png_uri
from explorer.services import launcher, prune, store
from explorer.yardstick import seed_markdown
from models.alexnet import WeightsUnavailable
from train.checkpoint import CheckpointError
from train.config import ConfigError
from train.data import cifar10_cached
from train.recipes import EXPERIMENTS, experiment_configs, get_recipe
from train.recipes.alexnet import RAW_PIXEL_LRN_ALPHA, RAW_PIXEL_SCALE, conv1_weights
from train.reference import label as reference_label
from train.reference import plan
from train.store import new_run_id

STRINGS = {
    "alexnet.intro": (
        ("**ImageNet Classification with Deep Convolutional Neural Networks** (Krizhevsky, Sutskever, Hinton, "
         "NeurIPS 2012). Watch the first-layer filters of Fig. 3 form, look for Fig. 4's neighbours, ask why a "
         "prediction was made, and re-run the ablations of sections 3 and 4 on CIFAR-10."),
        ("**ImageNet Classification with Deep Convolutional Neural Networks**（Krizhevsky、Sutskever、Hinton，"
         "NeurIPS 2012）。观察图 3 中第一层滤波器如何形成，找出图 4 中的近邻图像，追问模型为何做出某个预测，"
         "并在 CIFAR-10 上重跑论文第 3、4 节中的消融实验。")),
    "alexnet.watch": ("Train and watch (Fig. 3)", "边训练边观察（图 3）"),
    "alexnet.filters": ("First-layer filters (Fig. 3)", "第一层滤波器（图 3）"),
    "alexnet.neighbours": ("Neighbours, predictions, why (Fig. 4)", "近邻、预测与解释（图 4）"),
    "alexnet.ablations": ("Ablations", "消融实验"),
    "alexnet.watch_intro": (
        ("Train a CIFAR-10 AlexNet on this machine (lecture preset: 600 steps of 32 images) and watch its conv1 "
         "kernels turn from noise into edge and colour detectors. The grid redraws whenever a new snapshot arrives."),
        ("在本机上训练一个 CIFAR-10 AlexNet（课堂预设：600 步，每步 32 张图像），观察其 conv1 卷积核如何从噪声"
         "变成边缘和颜色检测器。每当有新的快照，滤波器网格都会重新绘制。")),
    "alexnet.data": ("training data", "训练数据"),
    "alexnet.data_info": ("cifar10 downloads 170 MB once; sample is the bundled 1,000 images",
                          "cifar10 需下载一次（170 MB）；sample 是随附的 1,000 张样本图像"),
    "alexnet.towers": ("towers (GPUs in the paper)", "塔数（论文中的 GPU 数）"),
    "alexnet.activation": ("activation", "激活函数"),
    "alexnet.train": ("Train (lecture preset)", "开始训练（课堂预设）"),
    "alexnet.stop": ("Stop", "停止"),
    "alexnet.run": ("run to watch", "要观察的训练"),
    "alexnet.refresh": ("Refresh lists", "刷新列表"),
    "alexnet.model": ("model", "模型"),
    "alexnet.model_info": ("shown by the filters, neighbours and predictions views",
                           "用于滤波器、近邻和预测视图"),
    "alexnet.no_model": (
        ("No trained AlexNet yet. Train one under *Train and watch* (about 10 minutes on a laptop CPU), or pick "
         "torchvision's ImageNet AlexNet (downloads 233 MB once)."),
        ("还没有训练好的 AlexNet。可以在“边训练边观察”中训练一个（笔记本 CPU 上约 10 分钟），或选择 torchvision "
         "的 ImageNet AlexNet（需下载一次，233 MB）。")),
    "alexnet.show_filters": ("Show filters", "显示滤波器"),
    "alexnet.filters_note": (
        ("Each kernel is stretched to its own range. Under each one, a red bar shows its colourfulness, the share "
         "of its weights that differ between R, G and B: 0 for a grey kernel, about 2/3 for random noise or a "
         "single channel, 1 for colour opponents such as red against green. In the paper, GPU 1's kernels are "
         "largely colour-agnostic and GPU 2's colour-specific: the bundled two-tower model shows this split (GPU 1's "
         "kernels are greyer), and a two-tower model you train can show it too."),
        ("每个卷积核按自身取值范围拉伸显示。下方的红条表示其色彩度，即 R、G、B 之间权重差异所占的比例："
         "灰度卷积核为 0，随机噪声或单一通道约为 2/3，红对绿这类颜色对立的卷积核为 1。"
         "论文中 GPU 1 的卷积核大多与颜色无关，GPU 2 的则大多针对颜色：内置的双塔模型显示了这种分化（GPU 1 更偏灰度），"
         "你自己训练的双塔模型也可以验证。")),
    "alexnet.gallery_index": ("gallery image", "图库图像编号"),
    "alexnet.random": ("Random image", "随机图像"),
    "alexnet.upload": ("or upload an image", "或上传一张图像"),
    "alexnet.k": ("neighbours", "近邻数"),
    "alexnet.query": ("query", "查询图像"),
    "alexnet.top5": ("top-5 predictions", "前 5 个预测"),
    "alexnet.by_features": ("nearest by last hidden layer (Euclidean)", "按最后一个隐藏层特征（欧氏距离）的近邻"),
    "alexnet.by_pixels": ("nearest in pixel space", "按像素空间的近邻"),
    "alexnet.search": ("Find neighbours", "查找近邻"),
    "alexnet.class": ("explain class", "要解释的类别"),
    "alexnet.method": ("attribution method", "归因方法"),
    "alexnet.explain": ("Why this prediction?", "为什么是这个预测？"),
    "alexnet.attribution": ("attribution over the query", "叠加在查询图像上的归因"),
    "alexnet.experiment": ("experiment", "实验"),
    "alexnet.launch": ("Run the experiment (lecture preset)", "运行实验（课堂预设）"),
    "alexnet.group": ("experiment runs", "实验记录"),
    "alexnet.reference_runs": ("reference runs (bundled: all 50,000 training images)",
                               "参考运行（内置：全部 50,000 张训练图像）"),
    "alexnet.how_to_train": (
        ("on all 50,000 images each takes minutes on a GPU, about two hours on a 2-core CPU: "
         "`python -m train.reference --data DIR --paper --only {names}`"),
        ("在全部 50,000 张图像上，每个运行在 GPU 上需要几分钟，在双核 CPU 上约两小时："
         "`python -m train.reference --data DIR --paper --only {names}`")),
    "alexnet.no_reference": (
        ("No reference runs ship for this ablation yet ({how}). Meanwhile **Run the experiment** trains the lecture "
         "preset here, and its curves appear in this plot."),
        "这个消融实验还没有内置的参考运行（{how}）。在此之前，**运行实验**会在这里训练课堂预设，曲线会显示在这幅图中。"),
    "alexnet.missing_reference": ("Not in the reference runs yet: **{variants}** ({how}).",
                                  "参考运行中还没有：**{variants}**（{how}）。"),
    "alexnet.ablation_intro": (
        ("Each experiment trains its variants one after another (lecture preset: minutes each on a CPU) and "
         "overlays their curves; training error dashed, test error solid."),
        ("每个实验依次训练其各个变体（课堂预设：在 CPU 上每个需几分钟），并叠加绘制它们的曲线；虚线为训练误差，"
         "实线为测试误差。")),
    # server-side messages and plot titles
    "alexnet.msg_started": ("Started run {run}: the filters appear within a few seconds.",
                            "已开始训练 {run}：几秒钟内就会出现滤波器。"),
    "alexnet.msg_group": ("Queued {n} runs of {name}; they train one after another.",
                          "已排队 {name} 的 {n} 个训练，它们将依次进行。"),
    "alexnet.msg_no_run": ("Pick a run first.", "请先选择一个训练。"),
    "alexnet.msg_pick_model": ("Pick a model first (or train one under Train and watch).",
                               "请先选择一个模型（或在“边训练边观察”中训练一个）。"),
    "alexnet.msg_model": ("Cannot load this model: {why}", "无法加载该模型：{why}"),
    "alexnet.msg_image": ("Cannot use this image: {why}", "无法使用这张图像：{why}"),
    "alexnet.msg_no_query": ("Pick a gallery image or upload one first.", "请先选择图库图像或上传一张图像。"),
    "alexnet.msg_cannot_start": ("Cannot start: {why}", "无法开始：{why}"),
    "alexnet.msg_choose": ("Choose one of the listed options.", "请从列表中选择一项。"),
    "alexnet.status": ("**{title}**: {status}, step {step} of {total}. {message}",
                       "**{title}**：{status}，第 {step} / {total} 步。{message}"),
    "alexnet.trained_status": ("No run chosen to watch: these are the conv1 kernels and curves of the chosen model, "
                               "**{title}**, after training. Press **Train** to watch new kernels form from noise.",
                               "尚未选择要观看的训练：这里是所选模型 **{title}** 训练完成后的 conv1 卷积核和曲线。"
                               "按 **开始训练** 观看新的卷积核从噪声中形成。"),
    "alexnet.trained_elsewhere": ("The chosen model has no training curves here: its kernels are under "
                                  "**First-layer filters**. Press **Train** to watch new kernels form from noise.",
                                  "所选模型在这里没有训练曲线：它的卷积核在 **第一层滤波器** 中。"
                                  "按 **开始训练** 观看新的卷积核从噪声中形成。"),
    "alexnet.indexing": ("computing gallery features", "正在计算图库特征"),
    "alexnet.loading": ("loading the model", "正在加载模型"),
    "alexnet.fig_filters": ("conv1 kernels of {title}", "{title} 的 conv1 卷积核"),
    "alexnet.fig_filters_step": ("conv1 kernels at step {step}", "第 {step} 步的 conv1 卷积核"),
    "alexnet.fig_tower": ("GPU {n}: kernels {first}-{last}, mean colourfulness {score:.2f}",
                          "GPU {n}：卷积核 {first}-{last}，平均色彩度 {score:.2f}"),
    "alexnet.fig_all": ("{n} kernels, mean colourfulness {score:.2f}", "{n} 个卷积核，平均色彩度 {score:.2f}"),
    "alexnet.fig_kernel": ("kernel {i}: colourfulness {score:.2f}", "卷积核 {i}：色彩度 {score:.2f}"),
    "alexnet.fig_curves": ("error while training", "训练过程中的错误率"),
    "alexnet.fig_epochs": ("epochs", "训练轮数"),
    "alexnet.fig_train_error": ("training error", "训练误差"),
    "alexnet.fig_fig1": ("Fig. 1: training error of the four-layer net, ReLU against tanh",
                         "图 1：四层网络的训练误差，ReLU 对比 tanh"),
    "alexnet.fig_reached": ("{label} reaches 25% at epoch {epoch:.1f}", "{label} 在第 {epoch:.1f} 轮达到 25%"),
    "alexnet.fig_speedup": ("measured speed-up to 25% training error: {speedup} (the paper: about six times)",
                            "达到 25% 训练误差的实测加速比：{speedup}（论文：约六倍）"),
    "alexnet.fig_not_yet": ("not measured yet: both curves must reach 25%", "尚未测出：两条曲线都需达到 25%"),
    "alexnet.sweep_title": (
        ("**Each net's learning rate chosen independently**, as Fig. 1's caption says the paper did: the bundled "
         "runs of both nets at several learning rates and two initialisations (all 50,000 images, 10 epochs each, "
         "on a CPU). Epochs to 25% training error:"),
        "**为每个网络单独选择学习率**，正如图 1 的图注所说：内置的两种网络在多个学习率和两种初始化下的训练"
        "（全部 50,000 张图像，每个 10 轮，在 CPU 上）。达到 25% 训练误差所需的轮数："),
    "alexnet.sweep_columns": ("| units | initialisation | learning rate | epochs to 25% |",
                              "| 激活单元 | 初始化 | 学习率 | 达到 25% 的轮数 |"),
    "alexnet.init_pytorch": ("PyTorch default", "PyTorch 默认"),
    "alexnet.init_paper": ("N(0, 0.01), sec. 5", "N(0, 0.01)，第 5 节"),
    "alexnet.init_he": ("He", "He"),
    "alexnet.sweep_never": ("not within {epochs:.0f}", "{epochs:.0f} 轮内未达到"),
    "alexnet.sweep_best": ("Fastest of each: ReLU {relu:.1f} epochs (lr {relu_lr:g}, {relu_init}), tanh {tanh:.1f} "
                           "(lr {tanh_lr:g}, {tanh_init}): **{ratio:.1f}x** (the paper: about 6x).",
                           "各自最快：ReLU {relu:.1f} 轮（学习率 {relu_lr:g}，{relu_init}），tanh {tanh:.1f} 轮"
                           "（学习率 {tanh_lr:g}，{tanh_init}）：**{ratio:.1f} 倍**（论文：约 6 倍）。"),
    "alexnet.caption": ("{cls} · distance {d:.1f}", "{cls} · 距离 {d:.1f}"),
    "alexnet.ends_note": ("A wide gap between them is the overfitting of sec. 4.", "两者差距大即第 4 节所说的过拟合。"),
    "alexnet.seed_note": (
        ("**A yardstick for the other ablations.** Each of them trains one run per variant. These two runs share "
         "everything but the seed: the initial weights, the order of the batches, the crops, flips and colour "
         "shifts, the dropout masks. How far apart they end is a rough measure of how far any two variants may end "
         "apart by chance alone (one pair of seeds is one sample); a difference of about that size says little "
         "about what the variants change."),
        ("**其他消融实验的标尺。** 其他实验每个变体只训练一次。这两次训练只有随机种子不同：初始权重、批次顺序、"
         "裁剪、翻转和颜色扰动、dropout 掩码。它们最终相差多少，大致表明任意两个变体仅凭偶然就可能相差多少"
         "（一对种子只是一个样本）；差不多大小的差别说明不了变体改变了什么。")),
    "alexnet.lrn_title": (
        ("**How much does LRN normalise?** In the bundled `alexnet-cifar`, on {n} test images, with the paper's "
         "constants (k = 2, n = 5, α = 10⁻⁴, β = 0.75): how far each LRN layer scales its positive responses down "
         "beyond its constant factor k^-β."),
        ("**LRN 到底归一化了多少？** 在内置的 `alexnet-cifar` 上、{n} 张测试图像中，使用论文的常数（k = 2、n = 5、"
         "α = 10⁻⁴、β = 0.75）：每个 LRN 层在其常数因子 k^-β 之外，把正响应再缩小多少。")),
    "alexnet.lrn_columns": (
        "| LRN after | mean cut | largest cut | responses {scale:.0f}x larger: mean | largest |",
        "| LRN 位于 | 平均缩小 | 最大缩小 | 响应放大 {scale:.0f} 倍时：平均 | 最大 |"),
    "alexnet.lrn_note": (
        ("The paper's constants suit its inputs, raw pixel values with only the mean subtracted (sec. 2). These nets "
         "see standardised pixels, about {scale:.0f} times smaller, and there LRN with α = 10⁻⁴ is all but a "
         "constant scale, k^-β = 0.59 at each LRN layer. Where *no LRN* trains differently, that scale is the cause "
         "(without batch normalisation it sets how large the signal and its gradients are), not normalisation. The "
         "third variant, α = {alpha:.2f} (α × {scale:.0f}²), gives LRN the strength the paper's constants have on raw "
         "pixels."),
        ("论文的常数是为它的输入设定的：只减去均值的原始像素值（第 2 节）。这里的网络看到的是标准化后的像素，"
         "约小 {scale:.0f} 倍；在这种尺度下，α = 10⁻⁴ 的 LRN 几乎只是一个常数缩放，每个 LRN 层 k^-β = 0.59。"
         "若*无 LRN* 训练得不同，原因在于这个缩放（没有批归一化时，它决定信号及其梯度的大小），而不在于归一化。"
         "第三个变体 α = {alpha:.2f}（α × {scale:.0f}²）让 LRN 具有论文常数在原始像素上的强度。")),
    "alexnet.lrn_scale_only": ("The fourth, α = 0, keeps only the constant scale.",
                               "第四个变体 α = 0 只保留这个常数缩放。"),
}

WATCH_EVERY_S = 2.5
TRACK_PROGRESS = gr.Progress(track_tqdm=True)  # Gradio injects a live tracker where a handler defaults to one
GALLERY_DISPLAY = 96  # neighbour thumbnails are enlarged to this many pixels
TRAIN_IMAGES = {"cifar10": 50_000, "sample": 1000}
REFERENCE = "reference"  # the group value that shows the bundled reference runs
SWEEP = "relu-vs-tanh-lr-sweep"  # assets/reference/alexnet/<SWEEP>/: Fig. 1's nets at several learning rates
DATA_CHOICES = ("cifar10", "sample")
IMAGE_DIR = Path(tempfile.gettempdir()) / "paperlab-images"


# -- pure helpers ---------------------------------------------------------------------------------
def train_images(config: dict) -> int | None:
    """How many images one epoch of a run covers, from its config (None for an ImageFolder of unknown size)."""
    if "train_images" in config:  # reference runs record it (explorer/reference_runs.py)
        return config["train_images"]
    total = TRAIN_IMAGES.get(config.get("data", "cifar10"))
    if total is not None:
        total -= min(config.get("val_size", 0), total // 5)
    size = config.get("train_size", 0)
    return min(size, total) if size and total else size or total


def epochs(config: dict, steps: list[int]) -> list[float]:
    """A run's logged steps as epochs (Fig. 1's x-axis); steps of one batch each where the epoch size is unknown."""
    per_step = config["batch_size"] / (train_images(config) or config["batch_size"])
    return [s * per_step for s in steps]


def first_below(xs: list[float], ys: list[float], level: float) -> float | None:
    """The first x at which y <= level, linearly interpolated between logged points; None if never."""
    for i, (x, y) in enumerate(zip(xs, ys)):
        if y <= level:
            if i == 0 or ys[i - 1] == y:
                return x
            x0, y0 = xs[i - 1], ys[i - 1]
            return x0 + (x - x0) * (y0 - level) / (y0 - y)
    return None


def fig1_sweep(level: float = 0.25) -> list[tuple[dict, float | None, float]]:
    """Fig. 1's caption: each net's learning rate "chosen independently to make training as fast as possible".

    Per bundled sweep run, by units, initialisation and lr: (config, epoch it first reaches `level` training
    error or None, epochs it trained)."""
    out = []
    for _, config, metrics in reference_runs.load("alexnet", SWEEP):
        steps, errors = metrics["train_error"]
        xs = epochs(config, steps)
        out.append((config, first_below(xs, errors, level), xs[-1]))
    return sorted(out, key=lambda row: (row[0]["activation"], row[0]["init"], row[0]["lr"]))


def fastest(sweep: list[tuple[dict, float | None, float]]) -> dict[str, tuple[dict, float]]:
    """activation -> (config, epochs) of its sweep run that reached the level first."""
    best: dict[str, tuple[dict, float]] = {}
    for config, reached, _ in sweep:
        unit = config["activation"]
        if reached is not None and (unit not in best or reached < best[unit][1]):
            best[unit] = config, reached
    return best


def sweep_markdown(lang: str) -> str:
    """The bundled sweep as a table, and the speed-up of each net's fastest run; "" where none is bundled."""
    sweep = fig1_sweep()
    if not sweep:
        return ""

    def init(config: dict) -> str:
        return text(f"alexnet.init_{config['init']}", lang)

    lines = [text("alexnet.sweep_title", lang), "", text("alexnet.sweep_columns", lang), "|---|---|---|---|"]
    for config, reached, trained in sweep:
        when = f"{reached:.1f}" if reached is not None else text("alexnet.sweep_never", lang, epochs=trained)
        unit = "ReLU" if config["activation"] == "relu" else "tanh"
        lines.append(f"| {unit} | {init(config)} | {config['lr']:g} | {when} |")
    best = fastest(sweep)
    if {"relu", "tanh"} <= best.keys():
        (relu_cfg, relu), (tanh_cfg, tanh) = best["relu"], best["tanh"]
        lines += ["", text("alexnet.sweep_best", lang, relu=relu, tanh=tanh, ratio=tanh / relu, relu_lr=relu_cfg["lr"],
                           tanh_lr=tanh_cfg["lr"], relu_init=init(relu_cfg), tanh_init=init(tanh_cfg))]
    return "\n".join(lines)


@functools.lru_cache(maxsize=2)
def lrn_table(vm: views.ViewModel, images: int) -> list[tuple[float, float, float, float]]:
    """For each LRN layer of a model (cached per weights file, as its ViewModel is), the mean and largest cut of its
    positive responses on the gallery's first images, as trained and with responses RAW_PIXEL_SCALE times larger."""
    x = vm.prepare(views.load_gallery().images[:images])
    ours, raw = views.lrn_cuts(vm.model, x), views.lrn_cuts(vm.model, x, RAW_PIXEL_SCALE)
    return [(cut.mean(), cut.max(), raw_cut.mean(), raw_cut.max()) for cut, raw_cut in zip(ours, raw)]


def lrn_markdown(experiment: str, lang: str, images: int = 64) -> str:
    """How much LRN normalises in the bundled AlexNet, at this pipeline's pixel scale and at the paper's raw pixel
    scale (sec. 2, 3.3), and what the experiment's variants change; "" where that model is not bundled."""
    try:
        table = lrn_table(views.load_view_model("bundled:alexnet-cifar", store()), images)
    except views.ModelUnavailable:
        return ""
    lines = [text("alexnet.lrn_title", lang, n=images), "", text("alexnet.lrn_columns", lang, scale=RAW_PIXEL_SCALE),
             "|---|---|---|---|---|"]
    for conv, (mean, largest, raw_mean, raw_largest) in zip(("conv1", "conv2"), table):
        lines.append(f"| {conv} | {mean:.3%} | {largest:.2%} | {raw_mean:.0%} | {raw_largest:.0%} |")
    note = text("alexnet.lrn_note", lang, scale=RAW_PIXEL_SCALE, alpha=RAW_PIXEL_LRN_ALPHA)
    if any(variant.get("lrn_alpha") == 0 for _, variant in EXPERIMENTS[experiment].variants):
        note += " " + text("alexnet.lrn_scale_only", lang)
    return "\n".join([*lines, "", note])


def experiment_notes(experiment: str, group_id: str | None, lang: str) -> str:
    """What the lab measures beside an ablation's curves: Fig. 1's learning-rate sweep under its reference runs,
    how much LRN normalises beside those that vary LRN's alpha (sec. 3.3), why two seeds are worth a run."""
    variants = EXPERIMENTS[experiment].variants
    if any("lrn_alpha" in variant for _, variant in variants):
        return lrn_markdown(experiment, lang)
    if all(variant.keys() == {"seed"} for _, variant in variants):
        yardstick = seed_markdown("alexnet", "alexnet-seed", "alexnet-cifar", lang)
        return "\n\n".join(filter(None, [text("alexnet.seed_note", lang), yardstick]))
    return sweep_markdown(lang) if (experiment, group_id) == ("relu-vs-tanh", REFERENCE) else ""


def chosen(value, options) -> bool:
    """value is one of the options (an API client may send a list or a number where a name belongs)."""
    return isinstance(value, str) and value in options


def image_file(image: np.ndarray) -> str:
    """The image as a PNG file named by its content, written once and moved into place whole.

    Why not return the array: Gradio rewrites its cached file of an array output in place on every call that
    draws the same picture, so one user could download the file while another's call rewrites it, and get
    half of it (1 request in 120 under `python -m explorer.loadtest`). A file output is copied atomically.
    """
    data = png_bytes(image)
    path = IMAGE_DIR / f"{hashlib.sha256(data).hexdigest()[:32]}.png"
    try:
        os.utime(path)  # in use again: services.prune spares young files
    except FileNotFoundError:
        IMAGE_DIR.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=IMAGE_DIR, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        prune(IMAGE_DIR)  # each upload makes new pictures: keep the newest few hundred
    return str(path)


# -- figure builders --------------------------------------------------------------------------------
def make_filter_figure(weights: np.ndarray, towers: int, title: str, lang: str = "en") -> go.Figure:
    """Fig. 3: all conv1 kernels, one grid per tower, a colourfulness bar (and hover value) under each."""
    parts = views.tower_split(weights, towers)
    k = weights.shape[-1]
    scale, cols = max(2, 40 // k), 8 if len(parts[0]) <= 32 else 12
    grids, titles = [], []
    for n, part in enumerate(parts, 1):
        scores = views.colourfulness(part)
        grids.append((views.filter_grid(part, cols=cols, scale=scale, scores=scores), scores))
        first = (n - 1) * len(part) + 1
        titles.append(text("alexnet.fig_tower", lang, n=n, first=first, last=first + len(part) - 1,
                           score=float(scores.mean())) if towers > 1
                      else text("alexnet.fig_all", lang, n=len(part), score=float(scores.mean())))
    fig = make_subplots(rows=len(parts), cols=1, subplot_titles=titles, vertical_spacing=0.1 / len(parts))
    pad, bar = 2, max(2, scale)
    for row, (grid, scores) in enumerate(grids, 1):
        fig.add_trace(go.Image(source=png_uri(grid), hoverinfo="skip"), row=row, col=1)
        index = np.arange(len(scores))
        side = k * scale
        xs = pad + (index % cols) * (side + pad) + side / 2
        ys = pad + (index // cols) * (side + bar + pad) + side / 2
        offset = (row - 1) * len(scores) + 1
        hover = [text("alexnet.fig_kernel", lang, i=i + offset, score=float(s)) for i, s in enumerate(scores)]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", marker={"size": side, "opacity": 0}, hovertext=hover,
                                 hoverinfo="text", showlegend=False), row=row, col=1)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor=None)
    width = 760  # nominal: the figure fills its column's width (a fixed width was cut off in half-width columns)
    height = sum(int(width * g.shape[0] / g.shape[1]) for g, _ in grids) + 70 * len(grids) + 40
    fig.update_layout(title=title, height=height, margin={"l": 10, "r": 10, "t": 80, "b": 10},
                      template="plotly_white")
    return fig


def make_run_figure(title: str, metrics: dict, lang: str = "en") -> go.Figure:
    return curves_figure([(title, metrics)], ["train_error", "test_error"], percent=True,
                         dashes={"train_error": "dash"}, tags=error_tags(lang), title=text("alexnet.fig_curves", lang),
                         x_title=text("common.iteration", lang), y_title=text("common.error_pct", lang))


def make_fig1_figure(runs: list[tuple[str, dict, dict]], lang: str = "en", level: float = 0.25) -> go.Figure:
    """Fig. 1: training error against epochs, where each run first reaches `level` marked, and the speed-up.

    runs: (label, config, metrics) with ReLU first, as the relu-vs-tanh experiment lists them.
    """
    fig, reached, last = go.Figure(), {}, {}
    for i, (label, config, metrics) in enumerate(runs):
        if "train_error" not in metrics:
            continue
        steps, errors = metrics["train_error"]
        xs = epochs(config, steps)
        last[label] = xs[-1] if xs else 0.0
        color = PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Scatter(x=xs, y=[100 * e for e in errors], mode="lines", name=label, line={"color": color}))
        epoch = first_below(xs, errors, level)
        if epoch is not None:
            reached[label] = epoch
            fig.add_vline(x=epoch, line={"color": color, "dash": "dot"})
            fig.add_trace(go.Scatter(x=[epoch], y=[100 * level], mode="markers", marker={"color": color, "size": 10},
                                     name=text("alexnet.fig_reached", lang, label=label, epoch=epoch)))
    fig.add_hline(y=100 * level, line={"color": "#888", "dash": "dash"})
    labels = [label for label, _, _ in runs]
    if len(labels) == 2 and all(label in reached for label in labels):
        ratio = reached[labels[1]] / max(reached[labels[0]], 1e-9)
        speedup = text("alexnet.fig_speedup", lang, speedup=f"{ratio:.1f}x")
    elif len(labels) == 2 and labels[0] in reached and labels[1] in last:
        # the slower net has not reached the level yet: its epochs so far give a lower bound
        ratio = last[labels[1]] / max(reached[labels[0]], 1e-9)
        speedup = text("alexnet.fig_speedup", lang, speedup=f"≥ {ratio:.1f}x")
    else:
        speedup = text("alexnet.fig_not_yet", lang)
    fig.add_annotation(text=speedup, xref="paper", yref="paper", x=0.99, y=0.98, showarrow=False, xanchor="right",
                       font={"size": 15}, bgcolor="rgba(255,255,255,0.8)")
    return base_layout(fig, text("alexnet.fig_fig1", lang), text("alexnet.fig_epochs", lang),
                       text("alexnet.fig_train_error", lang) + " (%)", height=520, legend_below=True)


def make_group_figure(experiment: str, runs: list[tuple[str, dict, dict]], lang: str = "en") -> go.Figure:
    if experiment == "relu-vs-tanh":
        return make_fig1_figure(runs, lang)
    exp = EXPERIMENTS[experiment]
    return curves_figure([(label, metrics) for label, _, metrics in runs], ["train_error", "test_error"],
                         percent=True, dashes={"train_error": "dash"}, tags=error_tags(lang),
                         title=f"{exp.figure}: {exp.summary}",
                         x_title=text("common.iteration", lang), y_title=text("common.error_pct", lang))


# -- reading the store -------------------------------------------------------------------------------
def alexnet_runs() -> list[tuple[str, str]]:
    return [(f"{r.title} · {r.id} ({r.status})", r.id) for r in store().list_runs() if r.recipe == "alexnet"]


def experiment_groups(experiment: str) -> list[str]:
    groups = {r.group_id for r in store().list_runs() if r.group_id and r.group_id.startswith(f"{experiment}-")}
    return sorted(groups, reverse=True)


def group_choices(experiment: str) -> list[tuple[str | I18nData, str]]:
    """The experiment's run groups, newest first, after its bundled reference runs where it has them (a label
    the browser translates, also when a handler returns it)."""
    choices: list[tuple[str | I18nData, str]] = [(group, group) for group in experiment_groups(experiment)]
    if reference_runs.load("alexnet", experiment):
        choices.insert(0, (t("alexnet.reference_runs"), REFERENCE))
    return choices


def run_towers(config: dict) -> int:
    return int(config.get("towers", 1)) if config.get("arch", "alexnet") == "alexnet" else 1


def default_data() -> str:
    return "cifar10" if cifar10_cached() else "sample"


# -- event handlers ----------------------------------------------------------------------------------
def start_watch_run(data: str, towers: str, activation: str, request: gr.Request):
    lang = language(request)
    if not chosen(data, DATA_CHOICES) or not chosen(towers, ("1", "2")):
        raise gr.Error(text("alexnet.msg_choose", lang))
    try:
        cfg = get_recipe("alexnet").config("lecture", data=data, towers=int(towers), activation=activation)
    except ConfigError as exc:
        raise gr.Error(text("alexnet.msg_cannot_start", lang, why=exc)) from exc
    label = f"AlexNet {towers} tower {activation} (watch)"
    [run_id] = deployment.submit(request, "alexnet", "lecture", [(label, cfg.to_dict())])
    gr.Info(text("alexnet.msg_started", lang, run=run_id))
    return gr.Dropdown(choices=alexnet_runs(), value=run_id), None


def stop_run(run_id: str | None, request: gr.Request) -> None:
    try:
        run = store().get(run_id)
    except KeyError:
        raise gr.Error(text("alexnet.msg_no_run", language(request))) from None
    deployment.check_may_control(run, request)
    launcher().cancel(run.id)


def watch_tick(run_id: str | None, source: str | None, seen: tuple | None, request: gr.Request):
    """Redraw the live filter grid and curves only when a new step or snapshot arrived; with no run to watch,
    show the lab's chosen model as trained, so the tab opens on trained kernels rather than empty plots."""
    lang = language(request)
    if not run_id:
        return trained_view(source, seen, lang)
    try:
        run = store().get(run_id)
    except KeyError:
        return gr.skip(), gr.skip(), gr.skip(), seen
    status = text("alexnet.status", lang, title=deployment.shown(run.title), status=run.status, step=run.step,
                  total=run.total_steps, message=deployment.shown(run.message))
    snapshot_steps = store().snapshot_steps(run_id, "conv1")
    now = (run_id, store().last_step(run_id), snapshot_steps[-1] if snapshot_steps else -1)
    if now == seen:
        return status, gr.skip(), gr.skip(), seen
    snapshot = store().load_snapshot(run_id, "conv1")
    filters = (make_filter_figure(snapshot[1], run_towers(run.config),
                                  text("alexnet.fig_filters_step", lang, step=snapshot[0]), lang)
               if snapshot else gr.skip())
    return status, filters, make_run_figure(run.title, store().metrics(run_id), lang), now


def trained_view(source: str | None, seen: tuple | None, lang: str):
    """The chosen model's conv1 kernels and training curves; the torchvision model is shown only on request."""
    now = ("trained", source, lang)
    if now == seen or not isinstance(source, str):
        return gr.skip(), gr.skip(), gr.skip(), seen
    if not source.startswith(("bundled:", "run:")):  # torchvision's: its weights download on request only
        return text("alexnet.trained_elsewhere", lang), None, None, now
    try:
        vm = views.load_view_model(source, store())
    except (views.ModelUnavailable, CheckpointError, KeyError, RuntimeError):
        return gr.skip(), gr.skip(), gr.skip(), now  # the filters tab says why, on request
    curves = views.model_curves(source, store())
    return (text("alexnet.trained_status", lang, title=vm.title),
            make_filter_figure(conv1_weights(vm.model), vm.towers, text("alexnet.fig_filters", lang, title=vm.title),
                               lang),
            make_run_figure(vm.title, curves, lang) if curves else None, now)


def refresh_lists():
    sources = views.model_sources(store())
    trained = len(sources) > 1
    return (gr.Dropdown(choices=alexnet_runs()), gr.Dropdown(choices=sources, value=sources[0][1]),
            gr.Markdown(visible=not trained))


def load_model(source: str | None, lang: str, progress: gr.Progress | None = None) -> views.ViewModel:
    if not source or not isinstance(source, str):
        raise gr.Error(text("alexnet.msg_pick_model", lang))
    if progress is not None:
        progress(0, desc=text("alexnet.loading", lang))
    try:
        return views.load_view_model(source, store())
    except (views.ModelUnavailable, WeightsUnavailable, CheckpointError, KeyError, RuntimeError) as exc:
        raise gr.Error(text("alexnet.msg_model", lang, why=exc)) from exc


def show_filters(source: str, request: gr.Request, progress=TRACK_PROGRESS):
    lang = language(request)
    vm = load_model(source, lang, progress)
    return make_filter_figure(conv1_weights(vm.model), vm.towers, text("alexnet.fig_filters", lang, title=vm.title),
                              lang)


def pick_gallery(index: float):
    gallery = views.load_gallery()
    i = int(np.clip(np.nan_to_num(float(index or 0)), 0, len(gallery.images) - 1))
    return {"image": gallery.images[i], "index": i}, image_file(views.enlarge(gallery.images[i]))


def pick_random():
    i = int(np.random.default_rng().integers(len(views.load_gallery().images)))
    return (i, *pick_gallery(i))


def pick_upload(path: str | None, request: gr.Request):
    if not path:
        return gr.skip(), gr.skip()
    try:
        image = views.read_image(path)
    except views.ImageInputError as exc:
        raise gr.Error(text("alexnet.msg_image", language(request), why=exc)) from exc
    return {"image": image, "index": None}, image_file(image)


def model_and_query(source: str, query: dict | None, lang: str, progress: gr.Progress | None = None):
    """The chosen model and the query image cropped and resized to its input size."""
    if not query:
        raise gr.Error(text("alexnet.msg_no_query", lang))
    vm = load_model(source, lang, progress)
    return vm, views.fit_square(query["image"], vm.image_size)


def search(source: str, query: dict | None, k: float, request: gr.Request, progress=TRACK_PROGRESS):
    """Top-5 (Fig. 4 left) and the k nearest gallery images by features and by pixels (Fig. 4 right)."""
    lang = language(request)
    vm, image = model_and_query(source, query, lang, progress)
    gallery = views.load_gallery()
    index = views.feature_index(vm, gallery, lambda done, total: progress((done, total),
                                                                          desc=text("alexnet.indexing", lang)))
    features, pixels = views.query_vectors(vm, image, gallery)
    k = int(np.clip(np.nan_to_num(float(k or 1)), 1, 16))  # the slider's range, whatever the API sends

    def shown(found: tuple[np.ndarray, np.ndarray]) -> list[tuple[np.ndarray, str]]:
        return [(image_file(views.enlarge(gallery.images[i], GALLERY_DISPLAY)),
                 text("alexnet.caption", lang, cls=gallery.classes[gallery.labels[i]], d=d)) for i, d in zip(*found)]

    top = views.top_k(vm, image)
    by_features = shown(index.nearest(features, k, exclude=query["index"]))
    by_pixels = shown(views.pixel_index(gallery).nearest(pixels, k, exclude=query["index"]))
    return top, by_features, by_pixels, gr.Dropdown(choices=list(vm.classes), value=next(iter(top)))


def first_search(source: str, query: dict | None, k: float, request: gr.Request, progress=TRACK_PROGRESS):
    """Opening the neighbours view searches the gallery's first image, so Fig. 4 is there before any click."""
    if query:
        return (gr.skip(),) * 6
    query, shown = pick_gallery(0)
    return (query, shown, *search(source, query, k, request, progress))


def explain(source: str, query: dict | None, cls: str | None, method: str, request: gr.Request):
    """The query with a Captum attribution of the chosen class (default: the top prediction) over it."""
    lang = language(request)
    if not chosen(method, views.ATTRIBUTIONS):
        raise gr.Error(text("alexnet.msg_choose", lang))
    vm, image = model_and_query(source, query, lang)
    target = vm.classes.index(cls if cls in vm.classes else next(iter(views.top_k(vm, image, 1))))
    return image_file(views.enlarge(views.overlay(image, views.attribute(vm, image, target, method))))


def launch_experiment(experiment: str, data: str, request: gr.Request):
    lang = language(request)
    if not chosen(experiment, EXPERIMENTS) or not chosen(data, DATA_CHOICES):
        raise gr.Error(text("alexnet.msg_choose", lang))
    group_id = f"{experiment}-{new_run_id()}"
    try:
        runs = [(label, cfg.to_dict()) for label, cfg in experiment_configs(experiment, "lecture", data=data)]
    except ConfigError as exc:
        raise gr.Error(text("alexnet.msg_cannot_start", lang, why=exc)) from exc
    deployment.submit(request, EXPERIMENTS[experiment].recipe, "lecture", runs, group_id)
    gr.Info(text("alexnet.msg_group", lang, n=len(EXPERIMENTS[experiment].variants), name=experiment))
    return gr.Dropdown(choices=group_choices(experiment), value=group_id), None


def group_tick(experiment: str, group_id: str | None, seen: tuple | None, request: gr.Request):
    """The group's curves, redrawn when a run logs, and the experiment's notes; with nothing to show, which
    reference runs are still to be trained."""
    if not chosen(experiment, EXPERIMENTS):
        return gr.skip(), gr.skip(), seen
    lang = language(request)
    if not group_id:
        now = ("nothing", experiment, lang)
        if now == seen:
            return gr.skip(), gr.skip(), seen
        notes = [missing_markdown(experiment, [], lang), experiment_notes(experiment, None, lang)]
        return None, "\n\n".join(filter(None, notes)), now
    runs = [] if group_id == REFERENCE else sorted(store().list_runs(group_id=group_id), key=lambda r: r.created)
    now = (group_id, experiment, lang, tuple(store().last_step(r.id) for r in runs))
    if now == seen:
        return gr.skip(), gr.skip(), seen
    series = (reference_runs.load("alexnet", experiment) if group_id == REFERENCE
              else [(r.label, r.config, store().metrics(r.id)) for r in runs])
    names = [name for name, _, _ in series]
    notes = [missing_markdown(experiment, names, lang) if group_id == REFERENCE else "",
             ends_markdown(series, lang, text("alexnet.ends_note", lang)), experiment_notes(experiment, group_id, lang)]
    return make_group_figure(experiment, series, lang), "\n\n".join(filter(None, notes)), now


def reference_names(experiment: str, variants: list[str]) -> str:
    """The references (`python -m train.reference --only ...`) that train these variants' curves."""
    folder = f"alexnet/{experiment}"
    refs = [ref for ref in plan("cifar10") if folder in (ref.curves, *ref.also)]
    return " ".join(dict.fromkeys(ref.name for ref in refs if reference_label(ref, folder) in variants))


def missing_markdown(experiment: str, shipped: list[str], lang: str) -> str:
    """Which of the experiment's variants have no bundled reference runs (all of them: what to do meanwhile), and the
    command that trains them."""
    missing = [name for name, _ in experiment_configs(experiment) if name not in shipped]
    if not missing:
        return ""
    how = text("alexnet.how_to_train", lang, names=reference_names(experiment, missing))
    if not shipped:
        return text("alexnet.no_reference", lang, how=how)
    return text("alexnet.missing_reference", lang, variants=", ".join(missing), how=how)


def choose_experiment(experiment: str):
    choices = group_choices(experiment) if chosen(experiment, EXPERIMENTS) else []
    return gr.Dropdown(choices=choices, value=choices[0][1] if choices else None), None


# -- layout and wiring ---------------------------------------------------------------------------------
def build() -> None:
    gr.Markdown(t("alexnet.intro"))
    sources = views.model_sources(store())
    with gr.Row():
        model = gr.Dropdown(sources, value=sources[0][1], label=t("alexnet.model"), info=t("alexnet.model_info"),
                            scale=4)
        refresh = gr.Button(t("alexnet.refresh"), scale=1)
    no_model = gr.Markdown(t("alexnet.no_model"), visible=len(sources) == 1)
    with gr.Tabs():
        with gr.Tab(t("alexnet.watch"), elem_id="alexnet-fig3"):
            gr.Markdown(t("alexnet.watch_intro"))
            with gr.Row():
                data = gr.Dropdown(list(DATA_CHOICES), value=default_data(), label=t("alexnet.data"),
                                   info=t("alexnet.data_info"))
                towers = gr.Radio(["1", "2"], value="2", label=t("alexnet.towers"), elem_id="alexnet-fig2")
                activation = gr.Radio(["relu", "tanh"], value="relu", label=t("alexnet.activation"))
            with gr.Row():
                train_button = gr.Button(t("alexnet.train"), variant="primary")
                stop_button = gr.Button(t("alexnet.stop"), variant="stop")
                active = [r.id for r in store().list_runs(statuses=["running"]) if r.recipe == "alexnet"]
                watch_run = gr.Dropdown(alexnet_runs(), value=active[0] if active else None, label=t("alexnet.run"),
                                        scale=3)
            status = gr.Markdown()
            with gr.Row():
                live_filters = gr.Plot(show_label=False)
                live_curves = gr.Plot(show_label=False, elem_id="alexnet-table1")
            watch_seen = gr.State(None)
            gr.Timer(WATCH_EVERY_S).tick(watch_tick, [watch_run, model, watch_seen],
                                         [status, live_filters, live_curves, watch_seen], show_progress="hidden")

        with gr.Tab(t("alexnet.filters")) as filters_tab:
            gr.Markdown(t("alexnet.filters_note"))
            filters_button = gr.Button(t("alexnet.show_filters"), variant="primary")
            filters_plot = gr.Plot(show_label=False)

        with gr.Tab(t("alexnet.neighbours"), elem_id="alexnet-fig4") as neighbours_tab:
            gallery_size = len(views.load_gallery().images)
            gr.Markdown(views.load_gallery().name)
            query = gr.State(None)
            with gr.Row():
                with gr.Column(scale=1):
                    index = gr.Slider(0, gallery_size - 1, value=0, step=1, label=t("alexnet.gallery_index"))
                    random_button = gr.Button(t("alexnet.random"))
                    upload = gr.File(file_types=["image"], type="filepath", label=t("alexnet.upload"))
                    k = gr.Slider(1, 16, value=8, step=1, label=t("alexnet.k"))
                    search_button = gr.Button(t("alexnet.search"), variant="primary")
                with gr.Column(scale=1):
                    query_image = gr.Image(label=t("alexnet.query"), interactive=False, height=240)
                    top5 = gr.Label(num_top_classes=5, label=t("alexnet.top5"), elem_id="alexnet-table2")
            by_features = gr.Gallery(label=t("alexnet.by_features"), columns=8, height="auto", elem_classes="fit-gallery")
            by_pixels = gr.Gallery(label=t("alexnet.by_pixels"), columns=8, height="auto", elem_classes="fit-gallery")
            with gr.Row():
                cls = gr.Dropdown([], label=t("alexnet.class"), allow_custom_value=False)
                method = gr.Radio(list(views.ATTRIBUTIONS), value=views.ATTRIBUTIONS[0], label=t("alexnet.method"))
                explain_button = gr.Button(t("alexnet.explain"), variant="primary")
            attribution = gr.Image(label=t("alexnet.attribution"), interactive=False, height=260)

        with gr.Tab(t("alexnet.ablations"), elem_id="alexnet-fig1"):
            gr.Markdown(t("alexnet.ablation_intro"))
            names = [n for n, e in EXPERIMENTS.items() if e.recipe == "alexnet"]
            with gr.Row():
                experiment = gr.Dropdown([(f"{n}: {EXPERIMENTS[n].figure}", n) for n in names], value=names[0],
                                         label=t("alexnet.experiment"), scale=2)
                group_data = gr.Dropdown(list(DATA_CHOICES), value=default_data(), label=t("alexnet.data"))
                launch_button = gr.Button(t("alexnet.launch"), variant="primary")
            groups = group_choices(names[0])
            group = gr.Dropdown(groups, value=groups[0][1] if groups else None, label=t("alexnet.group"))
            group_plot = gr.Plot(show_label=False)
            notes = gr.Markdown(elem_id="alexnet-ablation-notes")
            group_seen = gr.State(None)
            gr.Timer(3.0).tick(group_tick, [experiment, group, group_seen], [group_plot, notes, group_seen],
                               show_progress="hidden")

    # wiring
    train_button.click(start_watch_run, [data, towers, activation], [watch_run, watch_seen])
    stop_button.click(stop_run, watch_run, None)
    watch_run.change(lambda: None, None, watch_seen)
    refresh.click(refresh_lists, None, [watch_run, model, no_model])
    gr.on([filters_button.click, filters_tab.select], show_filters, model, filters_plot)
    index.release(pick_gallery, index, [query, query_image])
    random_button.click(pick_random, None, [index, query, query_image])
    upload.upload(pick_upload, upload, [query, query_image])
    search_button.click(search, [model, query, k], [top5, by_features, by_pixels, cls])
    neighbours_tab.select(first_search, [model, query, k],
                          [query, query_image, top5, by_features, by_pixels, cls])
    explain_button.click(explain, [model, query, cls, method], attribution)
    experiment.change(choose_experiment, experiment, [group, group_seen])
    group.change(lambda: None, None, group_seen)
    launch_button.click(launch_experiment, [experiment, group_data], [group, group_seen])
