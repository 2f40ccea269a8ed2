"""The AlexNet lab's labels, messages and plot titles: {key: (english, chinese)}, merged by explorer/shared/i18n.py."""

STRINGS = {
    "alexnet.intro": (
        ("**ImageNet Classification with Deep Convolutional Neural Networks** (Krizhevsky, Sutskever, Hinton, "
         "NeurIPS 2012). Watch the first-layer filters of Fig. 3 form, look for Fig. 4's neighbours, ask why a "
         "prediction was made, and re-run the ablations of sections 3 and 4 on CIFAR-10."),
        ("**《ImageNet Classification with Deep Convolutional Neural Networks》**（Krizhevsky、Sutskever、Hinton，"
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
    "alexnet.model_info": ("shown by the neighbours, predictions and attributions views (Fig. 4); a run of yours is "
                           "shown only when you choose it here",
                           "用于近邻、预测和归因视图（图 4）；只有在这里选择时才会显示你自己的训练"),
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
    "alexnet.trained_status": ("No run chosen to watch: these are the conv1 kernels and curves of the chosen model "
                               "after training. {shown} Press **Train** to watch new kernels form from noise.",
                               "尚未选择要观看的训练：这里是所选模型训练完成后的 conv1 卷积核和曲线。{shown}"
                               "按 **开始训练** 观看新的卷积核从噪声中形成。"),
    "alexnet.shown": ("Shown: **{title}**, test accuracy **{accuracy:.2%}** ({where}).",
                      "所示模型：**{title}**，测试准确率 **{accuracy:.2%}**（{where}）。"),
    "alexnet.shown_untested": ("Shown: **{title}** (no test accuracy measured here).",
                               "所示模型：**{title}**（此处未测量测试准确率）。"),
    "alexnet.tested_bundled": ("its last evaluation, on the CIFAR-10 test set of the JPEG mirror",
                               "最后一次评估，在 CIFAR-10 JPEG 镜像的测试集上"),
    "alexnet.run_accuracy": ("Test accuracy at its last evaluation: **{accuracy:.2%}**.",
                             "最后一次评估的测试准确率：**{accuracy:.2%}**。"),
    "alexnet.tested_run": ("its last evaluation while training", "训练中的最后一次评估"),
    "alexnet.filter_model": ("model drawn (Fig. 3)", "绘制的模型（图 3）"),
    "alexnet.filter_model_info": (
        "a filter model first: the paper's 11x11 stride-4 conv1; the lab's model above stays Fig. 4's",
        "默认是滤波器模型：论文的 11x11、步长 4 的 conv1；上方的实验室模型仍用于图 4"),
    "alexnet.which_model": ("Which model is which, and how to read the grids", "各个模型是什么，以及如何读这些网格"),
    "alexnet.filter_models_note": (
        ("Fig. 3 is drawn from a **filter model**: the paper's conv1 (96 kernels of 11x11, stride 4, initialised "
         "N(0, 0.01) as in sec. 5) on CIFAR-10 images resized to 128x128 inside the network. The resize is the one "
         "change to conv1 and what it sees, and why: a 32x32 CIFAR image holds no detail at the scale of an 11x11 "
         "stride-4 kernel (the paper's sees 224-pixel photos), and on 32x32 images the lab's 5x5 kernels stay "
         "close to noise (draw `alexnet-cifar` here to measure them). The layers above are narrowed (64-96 kernels, "
         "256 hidden units) so the model stays small. `alexnet-cifar-fig3-two-towers` is drawn first: the paper's "
         "two GPUs, conv1's first 48 kernels on GPU 1 and the others on GPU 2; `alexnet-cifar-fig3` is the same with "
         "one tower. The lab's own model, chosen above the tabs, is the **85% CIFAR AlexNet** `alexnet-cifar` (5x5 "
         "conv1 on 32x32 images): it stays the default for Fig. 4's neighbours, top-5 and attributions."),
        ("图 3 由一个**滤波器模型**绘制：它的 conv1 与论文相同（96 个 11x11 卷积核，步长 4，按第 5 节用 N(0, 0.01) "
         "初始化），输入是在网络内部放大到 128x128 的 CIFAR-10 图像。放大是 conv1 及其输入唯一的改动，原因是："
         "32x32 的 CIFAR 图像在 11x11、步长 4 的卷积核尺度上没有细节（论文的卷积核看的是 224 像素的照片），"
         "而在 32x32 图像上本实验室 5x5 的卷积核几乎仍是噪声（在此选择 `alexnet-cifar` 即可测量）。"
         "更高的层被收窄（64-96 个卷积核，256 个隐藏单元），使模型保持小巧。默认先绘制 "
         "`alexnet-cifar-fig3-two-towers`：论文的两块 GPU，conv1 的前 48 个卷积核在 GPU 1 上，其余在 GPU 2 上；"
         "`alexnet-cifar-fig3` 是同样的单塔模型。本实验室自己的模型（选项卡上方所选）是**准确率 85% 的 CIFAR "
         "AlexNet** `alexnet-cifar`（5x5 的 conv1，输入 32x32 图像）：图 4 的近邻、前 5 预测和归因仍默认用它。")),
    "alexnet.measures_title": ("conv1's {n} kernels measured (`train.filter_measures`) beside the same network at "
                               "its random init:",
                               "conv1 的 {n} 个卷积核的测量值（`train.filter_measures`），与同一网络随机初始化时对比："),
    "alexnet.measures_columns": ("| measure | trained | random init (same network, seed {seed}) |",
                                 "| 测量 | 训练后 | 随机初始化（同一网络，种子 {seed}） |"),
    "alexnet.measure_neighbour_correlation": ("smoothness: correlation of neighbouring weights (Fig. 3-like: ≥ 0.6)",
                                              "平滑度：相邻权重的相关系数（像图 3：≥ 0.6）"),
    "alexnet.measure_orientedness": ("orientedness of the Fourier power (0: isotropic, 1: one orientation)",
                                     "傅里叶功率的方向性（0：各向同性，1：单一方向）"),
    "alexnet.measure_peak_frequency": ("peak spatial frequency, cycles per pixel (median; 0.5: a checkerboard)",
                                       "峰值空间频率，周/像素（中位数；0.5：棋盘格）"),
    "alexnet.measure_colourfulness": ("colourfulness (0: grey, 2/3: noise or one channel)",
                                      "色彩度（0：灰度，2/3：噪声或单一通道）"),
    "alexnet.measure_colourfulness_gpu1": ("GPU 1's colourfulness (the paper: largely colour-agnostic)",
                                           "GPU 1 的色彩度（论文：大多与颜色无关）"),
    "alexnet.measure_colourfulness_gpu2": ("GPU 2's colourfulness (the paper: largely colour-specific)",
                                           "GPU 2 的色彩度（论文：大多针对颜色）"),
    "alexnet.split_weak": (
        ("Each GPU's kernels are sorted from grey to colourful. The towers' colour split is **weak** here: mean "
         "colourfulness {gpu1:.2f} on GPU 1 against {gpu2:.2f} on GPU 2 (random init: {init:.2f}), so both grids "
         "hold grey and coloured kernels and GPU 2's only a few more coloured ones; the paper's split, grey "
         "kernels on one GPU and colour blobs on the other, is much clearer."),
        ("每块 GPU 的卷积核按从灰到彩排序。这里两塔的颜色分化**很弱**：GPU 1 的平均色彩度 {gpu1:.2f}，"
         "GPU 2 为 {gpu2:.2f}（随机初始化：{init:.2f}），所以两组网格里都有灰度和彩色卷积核，GPU 2 的彩色卷积核只多几个；"
         "论文中的分化（一块 GPU 上是灰度卷积核，另一块上是色块）要清楚得多。")),
    "alexnet.split_shows": (
        ("Each GPU's kernels are sorted from grey to colourful: mean colourfulness {gpu1:.2f} on GPU 1 against "
         "{gpu2:.2f} on GPU 2 (random init: {init:.2f})."),
        ("每块 GPU 的卷积核按从灰到彩排序：GPU 1 的平均色彩度 {gpu1:.2f}，GPU 2 为 {gpu2:.2f}"
         "（随机初始化：{init:.2f}）。")),
    "alexnet.trained_elsewhere": ("The chosen model has no training curves here: its kernels are under "
                                  "**First-layer filters**. Press **Train** to watch new kernels form from noise.",
                                  "所选模型在这里没有训练曲线：它的卷积核在 **第一层滤波器** 中。"
                                  "按 **开始训练** 观看新的卷积核从噪声中形成。"),
    "alexnet.indexing": ("computing gallery features", "正在计算图库特征"),
    "alexnet.loading": ("loading the model", "正在加载模型"),
    "alexnet.fig_filters": ("conv1 kernels of {title}", "{title} 的 conv1 卷积核"),
    "alexnet.fig_filters_step": ("conv1 kernels at step {step}", "第 {step} 步的 conv1 卷积核"),
    # subplot titles short enough for a half-width plot at 22 px; the notes under it say how the kernels are sorted
    "alexnet.fig_tower": ("GPU {n}, grey → colourful: {score:.2f}", "GPU {n}，从灰到彩：{score:.2f}"),
    "alexnet.fig_all": ("{n} kernels, grey → colourful: {score:.2f}", "{n} 个卷积核，从灰到彩：{score:.2f}"),
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
    "alexnet.experiment": ("experiment", "实验"),
    # choices and names shown in the page's language
    "alexnet.gallery_sample": ("CIFAR-10 sample (bundled, JPEG mirror) test set",
                               "CIFAR-10 样本测试集（附带，JPEG 镜像）"),
    "alexnet.gallery_full": ("CIFAR-10 test set", "CIFAR-10 测试集"),
    "alexnet.run_source": ("{title} · {id} · step {step} ({status})", "{title} · {id} · 第 {step} 步（{status}）"),
    "alexnet.torchvision_source": ("torchvision ImageNet AlexNet (Krizhevsky 2014, 64 conv1 kernels)",
                                   "torchvision 的 ImageNet AlexNet（Krizhevsky 2014，64 个 conv1 卷积核）"),
    "alexnet.method_integrated": ("Integrated Gradients", "积分梯度"),
    "alexnet.method_occlusion": ("Occlusion", "遮挡"),
    "alexnet.method_saliency": ("Saliency", "显著图"),
    "alexnet.experiment_relu-vs-tanh": ("relu-vs-tanh: Fig. 1", "relu-vs-tanh：图 1"),
    "alexnet.experiment_alexnet-dropout": ("alexnet-dropout: sec. 4.2", "alexnet-dropout：第 4.2 节"),
    "alexnet.experiment_alexnet-augment": ("alexnet-augment: sec. 4.1", "alexnet-augment：第 4.1 节"),
    "alexnet.experiment_alexnet-lrn": ("alexnet-lrn: sec. 3.3", "alexnet-lrn：第 3.3 节"),
    "alexnet.experiment_lrn-four-layer": ("lrn-four-layer: sec. 3.3, CIFAR-10", "lrn-four-layer：第 3.3 节，CIFAR-10"),
    "alexnet.experiment_alexnet-pooling": ("alexnet-pooling: sec. 3.4", "alexnet-pooling：第 3.4 节"),
    "alexnet.experiment_alexnet-towers": ("alexnet-towers: sec. 3.2, Fig. 2", "alexnet-towers：第 3.2 节，图 2"),
    "alexnet.experiment_alexnet-seed": ("alexnet-seed: sec. 3-4", "alexnet-seed：第 3-4 节"),
    "alexnet.class_airplane": ("airplane", "飞机"),
    "alexnet.class_automobile": ("automobile", "汽车"),
    "alexnet.class_bird": ("bird", "鸟"),
    "alexnet.class_cat": ("cat", "猫"),
    "alexnet.class_deer": ("deer", "鹿"),
    "alexnet.class_dog": ("dog", "狗"),
    "alexnet.class_frog": ("frog", "青蛙"),
    "alexnet.class_horse": ("horse", "马"),
    "alexnet.class_ship": ("ship", "船"),
    "alexnet.class_truck": ("truck", "卡车"),
    # the ablations' plot titles (figures.make_group_figure): the experiment's figure and summary (train/recipes)
    "alexnet.title_relu-vs-tanh": (
        "Fig. 1: the four-layer net with ReLU or tanh units: epochs to reach 0.25 training error",
        "图 1：四层网络使用 ReLU 或 tanh 单元，训练误差降到 0.25 所需的轮数"),
    "alexnet.title_alexnet-dropout": (
        "sec. 4.2: dropout 0.5 in FC6 and FC7, or none: the gap between train and test error",
        "第 4.2 节：FC6 和 FC7 中使用 0.5 的 Dropout 或不用：训练误差与测试误差之间的差距"),
    "alexnet.title_alexnet-augment": (
        "sec. 4.1: no augmentation, crops and flips, crops, flips and PCA colour shifts",
        "第 4.1 节：不做增强、裁剪和翻转、裁剪翻转加 PCA 颜色扰动"),
    "alexnet.title_alexnet-lrn": (
        "sec. 3.3: LRN after conv1 and conv2: none, the paper's constants, raw-pixel strength, its scale only",
        "第 3.3 节：conv1 和 conv2 之后的 LRN：不用、论文的常数、原始像素强度、仅缩放"),
    "alexnet.title_lrn-four-layer": (
        "sec. 3.3, CIFAR-10: Fig. 1's four-layer net, LRN after conv1 and conv2: none, paper's, raw-pixel strength",
        "第 3.3 节，CIFAR-10：图 1 的四层网络，conv1 和 conv2 之后的 LRN：不用、论文的、原始像素强度"),
    "alexnet.title_alexnet-pooling": (
        "sec. 3.4: overlapping 3x3 stride-2 pooling against non-overlapping 2x2",
        "第 3.4 节：重叠的 3x3 步长 2 池化与不重叠的 2x2 池化对比"),
    "alexnet.title_alexnet-towers": (
        "sec. 3.2, Fig. 2: one tower against the paper's two-GPU layout (groups of 2 in conv2, conv4, conv5)",
        "第 3.2 节，图 2：单塔与论文的双 GPU 布局（conv2、conv4、conv5 中分 2 组）对比"),
    "alexnet.title_alexnet-seed": (
        "sec. 3-4: the same recipe with another seed: how far apart two runs of it end",
        "第 3-4 节：同一配方换一个随机种子：两次训练最终相差多远"),
}
