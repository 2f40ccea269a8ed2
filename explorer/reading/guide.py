"""The reading guide as data: three passes through each paper, in English and Chinese.

The passes follow S. Keshav, "How to Read a Paper" (ACM SIGCOMM CCR 37(3), 2007): pass 1 is the
bird's-eye view (title, abstract, conclusion), pass 2 reads every key figure and table, pass 3
rebuilds the work and ends with the paper closed. The texts are ours; numbers and the labels of
figures, tables and equations are cited from the papers. Texts are markdown, {"en": ..., "zh": ...}.
"""
from __future__ import annotations

from dataclasses import dataclass

Text = dict[str, str]  # {"en": markdown, "zh": markdown}
SECTIONS = ("problem", "method", "experiments")  # pass 3, in this order


@dataclass(frozen=True)
class Exhibit:
    """A figure, table or equation of the paper, and what to look for in it."""

    ref: str        # "fig1", "table6", "eq3": the lab shows its live reproduction under elem_id f"{lab}-{ref}"
    title: Text
    look_for: Text


@dataclass(frozen=True)
class Guide:
    """One paper, read in three passes; `lab` is the id of the tab that re-runs it."""

    lab: str
    citation: str
    skim: Text                      # pass 1
    exhibits: tuple[Exhibit, ...]   # pass 2
    problem: Text                   # pass 3
    method: Text
    experiments: Text
    recall: tuple[Text, ...]        # "close the paper and recall" prompts

    def target(self, exhibit: Exhibit) -> str:
        """elem_id of the element in the lab tab that shows the exhibit (TARGETS)."""
        return TARGETS[self.lab, exhibit.ref]


# Where each exhibit is shown: the one mapping from the guide to the labs' elements. An element is named after a figure,
# table or equation only where it reproduces it (f"{lab}-{ref}"); other exhibits open the element that shows what they
# are about, named for what it holds (tests/test_reading.py checks both ways).
TARGETS = {
    ("alexnet", "fig1"): "alexnet-fig1",            # ReLU vs tanh, in epochs, with the speed-up
    ("alexnet", "fig2"): "alexnet-towers",          # the architecture: one tower or two
    ("alexnet", "fig3"): "alexnet-fig3",            # conv1's kernels forming as a run trains
    ("alexnet", "fig4"): "alexnet-fig4",            # predictions and neighbours by feature vector
    ("alexnet", "table1"): "alexnet-live-curves",   # the error curves of one's own run (CIFAR-10, not ILSVRC)
    ("alexnet", "table2"): "alexnet-top5",          # top-5 predictions of the chosen model
    ("resnet", "fig1"): "resnet-depths",            # the depths Fig. 6's panel trains (20 and 56: Fig. 1)
    ("resnet", "fig2"): "resnet-shortcuts",         # the residual block's shortcut options
    ("resnet", "fig5"): "resnet-fig5",              # basic and bottleneck blocks, drawn and costed
    ("resnet", "fig6"): "resnet-fig6",              # plain vs residual on CIFAR-10
    ("resnet", "fig7"): "resnet-fig7",              # layer responses
    ("resnet", "table1"): "resnet-table1",          # the ImageNet architectures, counted
    ("resnet", "table6"): "resnet-ends-plain-vs-residual",  # where each depth ends on CIFAR-10
    **{("transformer", ref): f"transformer-{ref}" for ref in ("fig1", "fig2", "fig3", "eq1", "eq2", "eq3", "table2", "table3")},
    ("transformer", "table1"): "transformer-all-heads",  # every position reaches every other in one step
}


ALEXNET = Guide(
    lab="alexnet",
    citation="A. Krizhevsky, I. Sutskever, G. E. Hinton. *ImageNet Classification with Deep Convolutional "
             "Neural Networks.* NIPS 2012.",
    skim={
        "en": "- **Kind of paper:** an engineering breakthrough: one large convolutional network trained end to end "
              "on ImageNet, with the tricks that made it trainable.\n"
              "- **Abstract, in our words:** five convolutional and three fully connected layers (60 million "
              "parameters, 650,000 neurons) learn from 1.2 million labelled photos of 1000 classes and reach 37.5% "
              "top-1 and 17.0% top-5 test error on ILSVRC-2010. ReLU neurons, a fast two-GPU implementation and "
              "dropout make it work; a variant won ILSVRC-2012 with 15.3% top-5 error against 26.2% for the "
              "runner-up.\n"
              "- **Conclusion, in our words:** depth matters (dropping any middle convolutional layer costs about "
              "2% top-1), purely supervised learning suffices, and results grew with network size and training "
              "time, so bigger GPUs and data sets should push them further.\n"
              "- **Why it matters:** it ended hand-designed features for image recognition and started the deep "
              "learning era in vision.",
        "zh": "- **论文类型：** 一项工程上的突破：在 ImageNet 上端到端训练一个大型卷积网络，并给出让它训练得动的各种"
              "技巧。\n"
              "- **摘要（用我们的话说）：** 五个卷积层加三个全连接层（6000 万参数、65 万个神经元），从 120 万张、"
              "1000 类的带标注照片中学习，在 ILSVRC-2010 测试集上达到 37.5% 的 top-1 错误率和 17.0% 的 top-5 错误率。"
              "ReLU 神经元、高效的双 GPU 实现和 dropout 是成功的关键；它的一个变体以 15.3% 的 top-5 错误率赢得 "
              "ILSVRC-2012，第二名为 26.2%。\n"
              "- **结论（用我们的话说）：** 深度很重要（去掉任何一个中间卷积层，top-1 错误率约上升 2%）；只靠监督学习"
              "就足够；网络越大、训练越久，结果越好，因此更快的 GPU 和更大的数据集还能继续提升效果。\n"
              "- **为什么重要：** 它终结了图像识别中手工设计特征的时代，开启了计算机视觉的深度学习时代。",
    },
    exhibits=(
        Exhibit("fig1", {"en": "Figure 1 · ReLU vs tanh", "zh": "图 1 · ReLU 与 tanh"}, {
            "en": "A four-layer convolutional network on CIFAR-10 reaches 25% training error six times faster with "
                  "ReLUs (solid line) than with tanh units (dashed). The claim is about the time to reach a "
                  "threshold, not about the final error. In the live run, read off the iteration at which each "
                  "curve first drops below 25% and compare the ratio with the paper's six.",
            "zh": "一个四层卷积网络在 CIFAR-10 上，用 ReLU（实线）达到 25% 训练错误率的速度是用 tanh（虚线）的六倍。"
                  "这一结论说的是达到某个阈值所需的时间，而不是最终错误率。在实时训练中，找出两条曲线各自第一次低于 "
                  "25% 的迭代次数，算出比值，再与论文中的六倍对比。"}),
        Exhibit("fig2", {"en": "Figure 2 · the architecture", "zh": "图 2 · 网络结构"}, {
            "en": "Five convolutional layers (96, 256, 384, 384 and 256 kernels; the first 11×11 with stride 4) and "
                  "three fully connected layers (4096, 4096, 1000), split over two GPUs that exchange data only at "
                  "some layers. Follow the feature maps shrink while the channels grow, and find where most of the "
                  "60 million parameters live: in the fully connected layers.",
            "zh": "五个卷积层（分别有 96、256、384、384、256 个卷积核，第一层为 11×11、步长 4）和三个全连接层（4096"
                  "、4096、1000），拆分在两块 GPU 上，只在部分层之间交换数据。留意特征图逐层变小而通道数逐层增加，"
                  "并找出 6000 万参数中的大部分在哪里：在全连接层。"}),
        Exhibit("fig3", {"en": "Figure 3 · first-layer filters", "zh": "图 3 · 第一层卷积核"}, {
            "en": "The 96 learned 11×11×3 kernels: edges at many orientations, stripes of different frequencies and "
                  "colour blobs. The 48 on GPU 1 are mostly colourless, the 48 on GPU 2 mostly coloured, in every "
                  "run. In the lab, watch the filters turn from noise into edges as training proceeds.",
            "zh": "学到的 96 个 11×11×3 卷积核：各种方向的边缘、不同频率的条纹，以及颜色斑块。每次训练中，GPU 1 上"
                  "的 48 个大多与颜色无关，GPU 2 上的 48 个大多带有颜色。在实验室中，观察卷积核如何随训练从噪声变成"
                  "边缘。"}),
        Exhibit("fig4", {"en": "Figure 4 · predictions and neighbours", "zh": "图 4 · 预测结果与近邻图像"}, {
            "en": "Left: the five most probable labels for eight test images; even the mistakes are reasonable "
                  "guesses. Right: the training images whose last hidden layer (4096 numbers) is nearest in "
                  "Euclidean distance to a test image's. They share the object, not the pixels: poses and colours "
                  "differ. In the lab, check whether neighbours agree in class rather than in colour.",
            "zh": "左：八张测试图像各自概率最高的五个标签，即使猜错也大多合理。右：与测试图像在最后一个隐藏层"
                  "（4096 个数）上欧氏距离最近的训练图像。它们相同的是物体，而不是像素：姿态和颜色各不相同。"
                  "在实验室中，看看近邻图像是类别相同，还是只是颜色相近。"}),
        Exhibit("table1", {"en": "Table 1 · ILSVRC-2010 results", "zh": "表 1 · ILSVRC-2010 结果"}, {
            "en": "The CNN's 37.5% top-1 and 17.0% top-5 error against 47.1% / 28.2% for sparse coding and "
                  "45.7% / 25.7% for SIFT with Fisher vectors: about nine points of top-5 error in one step. The "
                  "lab evaluates on the images you trained on (CIFAR-10), so compare gaps, not ImageNet numbers.",
            "zh": "CNN 的 top-1 / top-5 错误率为 37.5% / 17.0%，而稀疏编码为 47.1% / 28.2%，SIFT 加 Fisher 向量为 "
                  "45.7% / 25.7%：top-5 错误率一下子降低了约九个百分点。实验室在你训练所用的数据（CIFAR-10）上评估，"
                  "所以请比较差距，而不是与 ImageNet 的数字直接对比。"}),
        Exhibit("table2", {"en": "Table 2 · ILSVRC-2012 and ensembles", "zh": "表 2 · ILSVRC-2012 与模型集成"}, {
            "en": "One CNN reaches 18.2% top-5 validation error, five averaged 16.4%; pre-training on the full "
                  "ImageNet Fall 2011 release and averaging seven nets gives 15.3% on the test set, against 26.2% "
                  "for the second-best entry. Separate what one network achieves from what averaging adds.",
            "zh": "单个 CNN 的 top-5 验证错误率为 18.2%，五个取平均为 16.4%；先在完整的 ImageNet Fall 2011 数据上预"
                  "训练、再平均七个网络，测试集上达到 15.3%，而第二名为 26.2%。请区分哪些来自单个网络，哪些来自模型"
                  "平均。"}),
    ),
    problem={
        "en": "Recognising objects in real photographs across 1000 classes needs a model with large capacity and "
              "good built-in assumptions about images. Until 2012 the best systems used hand-designed features "
              "(SIFT, Fisher vectors) with shallow classifiers; convolutional networks had the right assumptions "
              "(local, shared weights) but were too expensive to train on 1.2 million high-resolution images.",
        "zh": "要在真实照片中识别 1000 类物体，需要一个容量很大、又对图像有合适先验假设的模型。2012 年以前，最好的系统"
              "使用手工设计的特征（SIFT、Fisher 向量）加浅层分类器；卷积网络的先验假设（局部连接、权重共享）是对的，"
              "但要在 120 万张高分辨率图像上训练，代价太高。",
    },
    method={
        "en": "An eight-layer CNN (5 convolutional + 3 fully connected) with ReLU units (§3.1), split across two GPUs "
              "(§3.2), local response normalisation (§3.3) and overlapping max-pooling (§3.4). Against overfitting: "
              "random 224×224 crops with horizontal flips and PCA colour jitter (§4.1), dropout 0.5 in the first two "
              "fully connected layers (§4.2). SGD with batch 128, momentum 0.9, weight decay 0.0005; learning rate "
              "0.01, divided by 10 whenever validation error stopped improving, three times in all (§5).",
        "zh": "一个八层 CNN（5 个卷积层 + 3 个全连接层），使用 ReLU（§3.1），拆分到两块 GPU 上（§3.2），加上局部响应"
              "归一化（§3.3）和重叠最大池化（§3.4）。为防止过拟合：随机裁剪 224×224 并水平翻转、基于 PCA 的颜色扰动"
              "（§4.1），以及前两个全连接层中比例为 0.5 的 dropout（§4.2）。优化用 SGD，批大小 128，动量 0.9，权重衰减 "
              "0.0005；学习率 0.01，每当验证错误率不再下降就除以 10，共降三次（§5）。",
    },
    experiments={
        "en": "About 90 epochs over five to six days on two GTX 580 GPUs with 3 GB each. Top-1 and top-5 error on "
              "ILSVRC-2010 test (Table 1) and ILSVRC-2012 validation and test (Table 2), averaging the predictions "
              "for ten patches (four corners, centre, and their flips). Ablations in the text: response "
              "normalisation lowers top-1/top-5 error by 1.4%/1.2%, overlapping pooling by 0.4%/0.3%, PCA colour "
              "jitter top-1 by over 1%. Qualitative results: filters (Fig. 3), predictions and neighbours (Fig. 4).",
        "zh": "在两块 3 GB 显存的 GTX 580 上训练约 90 个 epoch，耗时五到六天。在 ILSVRC-2010 测试集（表 1）以及 "
              "ILSVRC-2012 验证集和测试集（表 2）上报告 top-1 和 top-5 错误率，测试时对十个图块（四角、中心及其水平翻"
              "转）的预测取平均。正文中的消融实验：局部响应归一化使 top-1/top-5 错误率降低 1.4%/1.2%，重叠池化降低 "
              "0.4%/0.3%，PCA 颜色扰动使 top-1 降低 1% 以上。定性结果：卷积核（图 3）、预测和近邻图像（图 4）。",
    },
    recall=(
        {"en": "Why does a ReLU network train faster than a tanh one, and which figure shows it?",
         "zh": "为什么 ReLU 网络比 tanh 网络训练得快？哪张图展示了这一点？"},
        {"en": "Sketch the network: how many convolutional and fully connected layers, and what is the first "
               "layer's kernel size and stride?",
         "zh": "画出网络结构：有几个卷积层、几个全连接层？第一层卷积核多大、步长多少？"},
        {"en": "Name the two main defences against overfitting and what each one does.",
         "zh": "说出两种主要的防过拟合手段，以及它们各自的作用。"},
        {"en": "What did the filters on the two GPUs learn differently?",
         "zh": "两块 GPU 上的卷积核学到的东西有什么不同？"},
        {"en": "What top-5 error won ILSVRC-2012, and how far behind was the runner-up?",
         "zh": "ILSVRC-2012 的冠军 top-5 错误率是多少？第二名差了多少？"},
        {"en": "Each ablation in the text is one run per variant (overlapping pooling: 0.4 points of top-1 error). "
               "How would you tell such a gain from chance? (The AlexNet lab's alexnet-seed experiment measures how "
               "far two seeds of one recipe end apart.)",
         "zh": "正文中的每个消融实验，每个变体只训练了一次（重叠池化：top-1 错误率降低 0.4 个百分点）。如何区分这样的"
               "提升和偶然？（AlexNet 实验室中的 alexnet-seed 实验测量了同一配方的两个随机种子最终相差多少。）"},
    ),
)

RESNET = Guide(
    lab="resnet",
    citation="K. He, X. Zhang, S. Ren, J. Sun. *Deep Residual Learning for Image Recognition.* CVPR 2016 "
             "(arXiv:1512.03385, 2015).",
    skim={
        "en": "- **Kind of paper:** a new building block for networks, backed by a careful empirical study.\n"
              "- **Abstract, in our words:** deeper networks are harder to train. If each few layers learn a "
              "residual F(x) = H(x) − x on top of an identity shortcut, very deep networks become easy to optimise "
              "and gain accuracy from depth. ImageNet nets of 152 layers, eight times deeper than VGG yet cheaper, "
              "reach 3.57% top-5 error as an ensemble and won ILSVRC 2015; CIFAR-10 nets of 100 and 1000 layers "
              "are analysed; the features also improve COCO detection by 28% (relative).\n"
              "- **Conclusion, in our words:** there is no separate conclusion section; the introduction states "
              "the two findings: plain networks show higher training error as depth grows while residual networks "
              "stay easy to optimise, and residual networks keep gaining accuracy as they get deeper.\n"
              "- **Why it matters:** shortcut connections became part of almost every deep network since, "
              "the Transformer included.",
        "zh": "- **论文类型：** 提出一种新的网络基本模块，并辅以细致的实验研究。\n"
              "- **摘要（用我们的话说）：** 网络越深越难训练。如果让每几层在恒等捷径之上学习残差 F(x) = H(x) − x，"
              "极深的网络就变得容易优化，并能从深度中获得精度。152 层的 ImageNet 网络比 VGG 深八倍，计算量却更小，"
              "集成后 top-5 错误率为 3.57%，赢得 ILSVRC 2015；文中还分析了 100 层和 1000 层的 CIFAR-10 网络；这些"
              "特征还让 COCO 目标检测相对提升了 28%。\n"
              "- **结论（用我们的话说）：** 论文没有单独的结论一节，引言给出了两点发现：普通网络随深度增加训练误差"
              "反而升高，而残差网络依然容易优化；残差网络越深，精度越高。\n"
              "- **为什么重要：** 此后几乎所有深度网络都用上了捷径连接，Transformer 也不例外。",
    },
    exhibits=(
        Exhibit("fig1", {"en": "Figure 1 · deeper plain networks train worse",
                         "zh": "图 1 · 更深的普通网络反而训练得更差"}, {
            "en": "Plain networks of 20 and 56 layers on CIFAR-10: the 56-layer one has higher training error (left) "
                  "as well as test error (right). Because the training error is worse too, this is not overfitting "
                  "but an optimisation difficulty, the degradation problem. In the lab, compare the training curves, "
                  "not only the test curves.",
            "zh": "CIFAR-10 上 20 层和 56 层的普通网络：56 层网络的训练误差（左）和测试误差（右）都更高。既然训练误"
                  "差也更高，问题就不是过拟合，而是优化困难，即“退化问题”。在实验室中，请比较训练曲线，而不只是测试"
                  "曲线。"}),
        Exhibit("fig2", {"en": "Figure 2 · the residual block", "zh": "图 2 · 残差模块"}, {
            "en": "Two weight layers learn F(x); an identity shortcut adds x back, and the block outputs "
                  "ReLU(F(x) + x). The shortcut costs no parameters and almost no computation. Note where the "
                  "addition sits (before the last ReLU) and what happens when the shapes differ: option A pads "
                  "with zeros, option B projects with 1×1 convolutions.",
            "zh": "两个带权重的层学习 F(x)，恒等捷径再把 x 加回来，模块输出 ReLU(F(x) + x)。捷径不增加参数，几乎不增加"
                  "计算量。注意加法的位置（在最后一个 ReLU 之前），以及形状不一致时怎么办：方案 A 补零，方案 B 用 1×1 "
                  "卷积做投影。"}),
        Exhibit("fig5", {"en": "Figure 5 · basic and bottleneck blocks", "zh": "图 5 · 基本模块与瓶颈模块"}, {
            "en": "Left: two 3×3 convolutions (ResNet-18/34). Right: a 1×1 convolution reduces 256 channels to 64, a "
                  "3×3 works at 64, a 1×1 restores 256 (ResNet-50/101/152). The two blocks cost about the same; the "
                  "bottleneck buys depth. Compare their parameter counts in the lab.",
            "zh": "左：两个 3×3 卷积（ResNet-18/34）。右：先用 1×1 卷积把 256 个通道降到 64，3×3 卷积在 64 个通道上"
                  "计算，再用 1×1 卷积恢复到 256（ResNet-50/101/152）。两种模块的计算量相当，瓶颈结构换来了更大的深"
                  "度。在实验室中比较两者的参数量。"}),
        Exhibit("fig6", {"en": "Figure 6 · CIFAR-10: plain vs residual", "zh": "图 6 · CIFAR-10：普通网络与残差网络"}, {
            "en": "Dashed lines are training error, bold lines test error. Left: plain nets get worse as they get "
                  "deeper. Middle: ResNets get better. Right: 110 and 1202 layers; the 1202-layer net trains just as "
                  "well but tests worse, which the authors attribute to overfitting. The live preset trains short "
                  "plain and residual runs with one fixed seed: watch the order of the curves settle.",
            "zh": "虚线是训练误差，粗线是测试误差。左：普通网络越深越差。中：残差网络越深越好。右：110 层与 1202 层"
                  "；1202 层网络训练得一样好，测试却更差，作者认为原因是过拟合。实时预设用同一个固定随机种子训练较"
                  "短的普通网络和残差网络：观察各条曲线的先后顺序如何逐渐稳定下来。"}),
        Exhibit("fig7", {"en": "Figure 7 · layer response strength", "zh": "图 7 · 各层响应强度"}, {
            "en": "The standard deviation of each 3×3 layer's output (after batch norm, before ReLU), in network "
                  "order (top) and sorted (bottom). ResNets respond more weakly than plain nets, and deeper ResNets "
                  "more weakly still: residual functions stay close to zero, so the identity is a good starting "
                  "point. The lab opens on Fig. 6's four reference runs: drag through training to see when the "
                  "order appears, and check it on your own checkpoints.",
            "zh": "每个 3×3 层输出（批归一化之后、ReLU 之前）的标准差，上图按层的顺序排列，下图按大小排序。残差网络"
                  "的响应比普通网络弱，更深的残差网络更弱：残差函数接近零，说明恒等映射是一个好的起点。在实验室中用"
                  "实验室打开时显示图 6 的四个参考运行：拖动滑块穿过训练过程，看这一顺序何时出现；也可以用你自己的检查点验证。"}),
        Exhibit("table1", {"en": "Table 1 · ImageNet architectures", "zh": "表 1 · ImageNet 网络结构"}, {
            "en": "ResNet-18/34/50/101/152: four stages (conv2_x to conv5_x), their block counts, and 1.8, 3.6, 3.8, "
                  "7.6 and 11.3 billion FLOPs. Even ResNet-152 is cheaper than VGG-16/19 (15.3/19.6 billion). The "
                  "lab's CIFAR networks follow §4.2 instead: 6n+2 layers with 16, 32 and 64 filters.",
            "zh": "ResNet-18/34/50/101/152：四个阶段（conv2_x 到 conv5_x）、每个阶段的模块数，以及 18、36、38、76 和 "
                  "113 亿次浮点运算。即使 ResNet-152 也比 VGG-16/19（153/196 亿次）便宜。实验室中的 CIFAR 网络则按 "
                  "§4.2 构建：6n+2 层，滤波器个数为 16、32、64。"}),
        Exhibit("table6", {"en": "Table 6 · CIFAR-10 error by depth", "zh": "表 6 · CIFAR-10 错误率与深度"}, {
            "en": "ResNet-20/32/44/56/110 reach 8.75, 7.51, 7.17, 6.97 and 6.43% test error with 0.27 to 1.7 million "
                  "parameters; 1202 layers reach 7.93%. Error falls with depth up to 110 layers. Short lab runs end "
                  "higher: compare the ordering and the parameter counts. The bundled ResNet-20 and ResNet-56 train "
                  "on a JPEG-coded copy of CIFAR-10 and end about 3 points higher; the lab's JPEG tab measures what "
                  "a coding costs.",
            "zh": "ResNet-20/32/44/56/110 的测试错误率分别为 8.75%、7.51%、7.17%、6.97% 和 6.43%，参数量从 27 万到 "
                  "170 万；1202 层为 7.93%。直到 110 层，错误率都随深度下降。实验室中的短时训练错误率会更高：请比较"
                  "排序和参数量。内置的 ResNet-20 和 ResNet-56 用经过 JPEG 编码的 CIFAR-10 副本训练，错误率高出约 3 个"
                  "百分点；实验室的 JPEG 子页测量一次编码的代价。"}),
    ),
    problem={
        "en": "A deeper network should do at least as well as a shallower one, since its extra layers could simply "
              "copy their input. Yet past some depth plain networks reach higher training error: the degradation "
              "problem. It is not vanishing gradients (batch normalisation takes care of those) and not "
              "overfitting; solvers just find it hard to make a stack of nonlinear layers behave like the identity.",
        "zh": "更深的网络至少应该和较浅的一样好，因为多出来的层只需原样复制输入即可。然而超过一定深度后，普通网络的训练"
              "误差反而更高，这就是“退化问题”。它既不是梯度消失（批归一化已经解决了这一点），也不是过拟合，而是优化器"
              "很难让一叠非线性层去近似恒等映射。",
    },
    method={
        "en": "Each block fits a residual F(x) = H(x) − x and an identity shortcut adds x back (Fig. 2); when the "
              "identity is nearly optimal, pushing F towards zero is easy. Shortcuts are parameter-free; where the "
              "width grows, option A pads with zeros and option B projects with 1×1 convolutions. ImageNet nets use "
              "3×3 basic blocks (18/34 layers) or 1×1-3×3-1×1 bottlenecks (50/101/152); batch norm follows every "
              "convolution, weights use He initialisation, and there is no dropout.",
        "zh": "每个模块拟合残差 F(x) = H(x) − x，再由恒等捷径把 x 加回来（图 2）；当恒等映射接近最优时，把 F 推向零很"
              "容易。捷径不含参数；在通道数增加的地方，方案 A 补零，方案 B 用 1×1 卷积投影。ImageNet 网络使用 3×3 基本"
              "模块（18/34 层）或 1×1-3×3-1×1 瓶颈模块（50/101/152 层）；每个卷积后都接批归一化，权重用 He 初始化，"
              "不使用 dropout。",
    },
    experiments={
        "en": "ImageNet: plain and residual nets of 18 and 34 layers with the same depth and cost (Table 2, Fig. 4), "
              "shortcut options A/B/C (Table 3), deeper bottleneck nets and ensembles (Tables 4-5). CIFAR-10 (§4.2): "
              "6n+2-layer nets with n = 3, 5, 7, 9, 18 and 200, filters 16/32/64, batch 128, learning rate 0.1 "
              "divided by 10 at 32k and 48k iterations and stopped at 64k, weight decay 0.0001, momentum 0.9, "
              "4-pixel padding with random crops and flips (Fig. 6, Table 6), and the layer responses (Fig. 7). "
              "Finally detection on PASCAL VOC and COCO with Faster R-CNN.",
        "zh": "ImageNet：深度和计算量相同的 18 层、34 层普通网络与残差网络对比（表 2、图 4），捷径方案 A/B/C（表 3），"
              "更深的瓶颈网络与模型集成（表 4–5）。CIFAR-10（§4.2）：6n+2 层网络，n = 3、5、7、9、18 和 200，滤波器"
              "个数 16/32/64，批大小 128，学习率 0.1，在第 3.2 万和 4.8 万次迭代时除以 10，6.4 万次时停止，权重衰减 "
              "0.0001，动量 0.9，四周补 4 个像素后随机裁剪并翻转（图 6、表 6），以及各层响应分析（图 7）。最后用 "
              "Faster R-CNN 在 PASCAL VOC 和 COCO 上做目标检测。",
    },
    recall=(
        {"en": "What is the degradation problem, and why is it not overfitting?",
         "zh": "什么是退化问题？为什么说它不是过拟合？"},
        {"en": "Write a residual block's output in one line. What does the shortcut cost?",
         "zh": "用一行式子写出残差模块的输出。捷径需要付出什么代价？"},
        {"en": "How do shortcut options A, B and C differ, and which one do the CIFAR-10 networks use?",
         "zh": "捷径方案 A、B、C 有什么区别？CIFAR-10 网络用的是哪一种？"},
        {"en": "Give the CIFAR-10 recipe: depth formula, filter counts, learning-rate schedule.",
         "zh": "说出 CIFAR-10 的训练配方：深度公式、滤波器个数、学习率计划。"},
        {"en": "What does Figure 7 show about layer responses, and how does it support residual learning?",
         "zh": "图 7 关于各层响应说明了什么？它如何支持残差学习的思路？"},
        {"en": "The bundled ResNet-20 follows the paper's recipe and schedule, yet the scorecard shows it testing "
               "above Table 6's 8.75%; its images are a JPEG-coded copy of CIFAR-10. How would you measure how much "
               "of the gap the coding explains? (One way is the ResNet lab's JPEG tab: the same recipe on the images "
               "coded once more.)",
         "zh": "内置的 ResNet-20 遵循论文的配方和训练计划，但成绩单显示它的测试错误率高于表 6 的 8.75%；它用的图像是"
               "经过 JPEG 编码的 CIFAR-10 副本。如何测量这一差距中有多少来自编码？（一种方法见 ResNet 实验室的 JPEG 子页："
               "用同样的配方在再编码一次的图像上训练。）"},
        {"en": "Table 3's shortcut options differ by about half a point of top-1 error on ImageNet, one run each. How "
               "would you tell such a gap from chance? (The ResNet lab's Seeds tab trains ResNet-20's recipe twice, "
               "seeds 0 and 1, and weighs every other comparison in the lab against how far the two end apart.)",
         "zh": "表 3 中各捷径方案在 ImageNet 上的 top-1 错误率只差约半个百分点，每种只训练了一次。如何区分这样的差距和"
               "偶然？（ResNet 实验室的“随机种子”子页把 ResNet-20 的配方用种子 0 和 1 各训练一次，并用两者最终的差距衡量"
               "实验室中的其他每个对比。）"},
    ),
)

TRANSFORMER = Guide(
    lab="transformer",
    citation="A. Vaswani, N. Shazeer, N. Parmar, J. Uszkoreit, L. Jones, A. N. Gomez, Ł. Kaiser, I. Polosukhin. "
             "*Attention Is All You Need.* NIPS 2017.",
    skim={
        "en": "- **Kind of paper:** a new architecture for sequence-to-sequence tasks, tested on machine "
              "translation.\n"
              "- **Abstract, in our words:** drop recurrence and convolution; build the encoder and decoder from "
              "attention and position-wise feed-forward layers only. The model is more parallel and trains much "
              "faster: 28.4 BLEU on WMT 2014 English→German, over 2 BLEU above the best earlier results, ensembles "
              "included, and 41.8 BLEU on English→French after 3.5 days on eight GPUs. It also does English "
              "constituency parsing well.\n"
              "- **Conclusion, in our words:** the first transduction model built entirely on attention trains "
              "significantly faster than recurrent or convolutional ones and sets a new state of the art; next, "
              "the authors want attention for images, audio and video, local attention for long inputs, and less "
              "sequential generation.\n"
              "- **Why it matters:** BERT, GPT and nearly every large language model since are Transformers.",
        "zh": "- **论文类型：** 为序列到序列任务提出一种新架构，并在机器翻译上检验。\n"
              "- **摘要（用我们的话说）：** 抛弃循环和卷积，编码器和解码器只由注意力层和逐位置前馈层构成。模型更易"
              "并行，训练快得多：在 WMT 2014 英译德上达到 28.4 BLEU，比此前包括集成模型在内的最好结果高出 2 BLEU "
              "以上；在英译法上用八块 GPU 训练 3.5 天达到 41.8 BLEU。它在英语成分句法分析上同样表现出色。\n"
              "- **结论（用我们的话说）：** 第一个完全基于注意力的序列转换模型，训练速度明显快于循环或卷积模型，并创下"
              "新的最好成绩；作者接下来想把注意力用于图像、音频和视频，用局部注意力处理长输入，并让生成过程不那么依赖"
              "逐步顺序。\n"
              "- **为什么重要：** BERT、GPT 以及此后几乎所有大语言模型都是 Transformer。",
    },
    exhibits=(
        Exhibit("fig1", {"en": "Figure 1 · the model", "zh": "图 1 · 模型结构"}, {
            "en": "An encoder stack (N = 6) of self-attention and feed-forward layers; a decoder stack that adds "
                  "masked self-attention and attention over the encoder's output; every sub-layer wrapped in a "
                  "residual connection and layer norm; embeddings plus positional encodings in, linear and softmax "
                  "out. Trace one token from the input embedding to an output probability.",
            "zh": "编码器由 N = 6 层自注意力和前馈层堆叠而成；解码器在此基础上增加了带掩码的自注意力和对编码器输出的"
                  "注意力；每个子层都包在残差连接和层归一化之中；输入是词嵌入加位置编码，输出经过线性层和 softmax。"
                  "试着追踪一个词元从输入嵌入一直到输出概率的全过程。"}),
        Exhibit("fig2", {"en": "Figure 2 · scaled dot-product and multi-head attention",
                         "zh": "图 2 · 缩放点积注意力与多头注意力"}, {
            "en": "Left: MatMul, Scale, optional Mask, SoftMax, MatMul. Right: h = 8 heads, each projecting Q, K and "
                  "V to d_k = d_v = 64, run in parallel, then concatenated and projected again. In the lab, look at "
                  "the heads one by one: different heads learn different patterns.",
            "zh": "左：矩阵乘法、缩放、可选的掩码、softmax、再一次矩阵乘法。右：h = 8 个头，各自把 Q、K、V 投影到 "
                  "d_k = d_v = 64 维，并行计算后拼接，再做一次投影。在实验室中逐个查看各个头：不同的头学到不同的模"
                  "式。"}),
        Exhibit("eq1", {"en": "Equation 1 · Attention(Q, K, V) = softmax(QKᵀ / √d_k) V",
                        "zh": "公式 1 · Attention(Q, K, V) = softmax(QKᵀ / √d_k) V"}, {
            "en": "Each query takes a weighted average of the values, weighted by how well it matches each key. The "
                  "1/√d_k keeps dot products from growing with d_k and pushing the softmax into regions with tiny "
                  "gradients (§3.2.1). In the live attention map, every row is one query and sums to one.",
            "zh": "每个查询对所有值做加权平均，权重取决于它与各个键的匹配程度。除以 √d_k 是为了不让点积随 d_k 增大，"
                  "把 softmax 推到梯度极小的区域（§3.2.1）。在实时注意力图中，每一行对应一个查询，各行之和为 1。"}),
        Exhibit("eq2", {"en": "Equation 2 · the position-wise feed-forward network", "zh": "公式 2 · 逐位置前馈网络"}, {
            "en": "FFN(x) = max(0, xW₁ + b₁)W₂ + b₂, applied to every position separately, with an inner width of "
                  "d_ff = 2048 (four times d_model). It holds about two thirds of each encoder layer's parameters: "
                  "check it against the parameter count in the lab.",
            "zh": "FFN(x) = max(0, xW₁ + b₁)W₂ + b₂，对每个位置分别计算，中间层宽度 d_ff = 2048（d_model 的四倍）。"
                  "它约占每个编码器层参数量的三分之二：用实验室中的参数统计验证一下。"}),
        Exhibit("eq3", {"en": "Equation 3 · the learning-rate schedule", "zh": "公式 3 · 学习率计划"}, {
            "en": "lrate = d_model^−0.5 · min(step^−0.5, step · warmup_steps^−1.5): a linear warm-up over 4000 steps, "
                  "then decay as 1/√step, peaking near 7·10⁻⁴ for d_model = 512. Put the learning-rate curve next to "
                  "the loss curve: the warm-up keeps the first steps of Adam stable.",
            "zh": "lrate = d_model^−0.5 · min(step^−0.5, step · warmup_steps^−1.5)：前 4000 步线性预热，之后按 "
                  "1/√step 衰减；d_model = 512 时峰值约为 7·10⁻⁴。把学习率曲线和损失曲线放在一起看：预热让 Adam 在最初"
                  "几步保持稳定。"}),
        Exhibit("table1", {"en": "Table 1 · self-attention vs recurrence vs convolution",
                           "zh": "表 1 · 自注意力、循环与卷积的比较"}, {
            "en": "Per layer: self-attention costs O(n²·d) with O(1) sequential steps and O(1) maximum path length; "
                  "recurrence O(n·d²), O(n), O(n); convolution O(k·n·d²), O(1), O(log_k n). Self-attention is "
                  "cheaper than recurrence whenever the sentence length n is below the width d, as it is for "
                  "sentences of subword tokens with d = 512.",
            "zh": "每层的代价：自注意力为 O(n²·d)，顺序操作 O(1)，最长路径 O(1)；循环为 O(n·d²)、O(n)、O(n)；卷积为 "
                  "O(k·n·d²)、O(1)、O(log_k n)。只要句长 n 小于宽度 d，自注意力就比循环便宜；以子词为单位、d = 512 的"
                  "句子正是如此。"}),
        Exhibit("table2", {"en": "Table 2 · BLEU and training cost", "zh": "表 2 · BLEU 与训练代价"}, {
            "en": "Base model: 27.3 BLEU English→German and 38.1 English→French; big model: 28.4 and 41.8, for a "
                  "fraction of the training FLOPs of earlier systems. The scores use beam search (beam 4, length "
                  "penalty 0.6) and averaged checkpoints. The lab reports sacreBLEU for a small model on a small "
                  "corpus: compare trends, not absolute numbers.",
            "zh": "基础模型：英译德 27.3 BLEU，英译法 38.1；大模型：28.4 和 41.8，而训练所需的浮点运算量只是此前系统的"
                  "一小部分。这些分数使用束搜索（束宽 4，长度惩罚 0.6）和检查点平均得到。实验室用 sacreBLEU 评估一个"
                  "在小语料上训练的小模型：请比较趋势，而不是绝对数值。"}),
        Exhibit("table3", {"en": "Table 3 · variations on the base model", "zh": "表 3 · 基础模型的各种变体"}, {
            "en": "Rows (A) to (E) each change one thing, scored on newstest2013: a single head is 0.9 BLEU worse "
                  "than the best setting and too many heads also hurt; a smaller d_k hurts; bigger models do better; "
                  "dropout matters; learned positional embeddings do about as well as sinusoids. Read every row "
                  "against the base line at the top.",
            "zh": "(A) 到 (E) 各行每次只改一处，在 newstest2013 上评分：单头比最佳设置低 0.9 BLEU，头太多同样变差；"
                  "减小 d_k 有害；模型越大越好；dropout 很重要；学习得到的位置嵌入与正弦位置编码效果相当。"
                  "每一行都要和顶部的基础模型对照着读。"}),
        Exhibit("fig3", {"en": "Figures 3-5 · what the heads attend to", "zh": "图 3–5 · 各个注意力头在看什么"}, {
            "en": "Encoder self-attention in layer 5 of 6: some heads follow a long-distance dependency (\"making … "
                  "more difficult\"), two seem to resolve what \"its\" refers to, others track sentence structure. "
                  "In the lab, translate a sentence and look for heads that attend to the previous word, to "
                  "punctuation, or to a related word far away.",
            "zh": "第 5 层（共 6 层）编码器的自注意力：有的头追踪长距离依赖（“making … more difficult”），有两个头"
                  "似乎在判断 “its” 指代什么，还有的头反映句子结构。在实验室中翻译一个句子，找找哪些头关注前一个词"
                  "、标点，或远处的相关词。"}),
    ),
    problem={
        "en": "Recurrent encoder-decoder models read a sentence one token after another. That rules out "
              "parallelism within a sequence and makes information between distant words pass through many "
              "steps. Attention already linked encoder and decoder; can it replace recurrence altogether?",
        "zh": "循环编码器-解码器模型逐个词元地读句子，这使得序列内部无法并行，远距离词之间的信息也要经过许多步才能"
              "传递。注意力机制早已用来连接编码器和解码器，它能否完全取代循环结构？",
    },
    method={
        "en": "Encoder and decoder stacks of N = 6 layers with d_model = 512. Each layer has multi-head "
              "self-attention (h = 8) and a position-wise feed-forward network (d_ff = 2048), each sub-layer inside "
              "a residual connection followed by layer norm. The decoder's self-attention is masked so a position "
              "sees only earlier ones; sinusoidal positional encodings supply word order; the embeddings and the "
              "pre-softmax layer share one matrix, scaled by √d_model. Adam (β₂ = 0.98, ε = 10⁻⁹) with warm-up "
              "(eq. 3), residual dropout 0.1 and label smoothing 0.1.",
        "zh": "编码器和解码器各由 N = 6 层堆叠而成，d_model = 512。每层包含多头自注意力（h = 8）和逐位置前馈网络"
              "（d_ff = 2048），每个子层都放在残差连接中，随后做层归一化。解码器的自注意力带有掩码，使每个位置只能看到"
              "之前的位置；正弦位置编码提供词序信息；词嵌入与 softmax 前的线性层共用一个矩阵，并乘以 √d_model。"
              "优化用 Adam（β₂ = 0.98，ε = 10⁻⁹）加预热（公式 3），残差 dropout 0.1，标签平滑 0.1。",
    },
    experiments={
        "en": "WMT 2014 English→German (4.5 million sentence pairs, a shared byte-pair vocabulary of about 37,000 "
              "tokens) and English→French (36 million sentences, 32,000 word pieces). Batches of about 25,000 "
              "source and 25,000 target tokens on eight P100 GPUs: the base model trains 100,000 steps (12 hours), "
              "the big one 300,000 steps (3.5 days). Beam search and checkpoint averaging; BLEU on newstest2014 "
              "(Table 2), ablations on newstest2013 (Table 3), English constituency parsing on the WSJ (Table 4).",
        "zh": "WMT 2014 英译德（450 万句对，源语言和目标语言共享约 37,000 个词元的字节对编码词表）和英译法（3600 万个"
              "句子，32,000 个词片）。每批约含 25,000 个源语言词元和 25,000 个目标语言词元，在八块 P100 GPU 上训练："
              "基础模型训练 10 万步（12 小时），大模型训练 30 万步（3.5 天）。使用束搜索和检查点平均；在 newstest2014 "
              "上报告 BLEU（表 2），在 newstest2013 上做消融实验（表 3），并在 WSJ 上做英语成分句法分析（表 4）。",
    },
    recall=(
        {"en": "Write scaled dot-product attention and explain why it divides by √d_k.",
         "zh": "写出缩放点积注意力的公式，并解释为什么要除以 √d_k。"},
        {"en": "Why several heads rather than one wide head? What happens with a single head in Table 3?",
         "zh": "为什么用多个头，而不是一个宽的头？表 3 中只用一个头时结果如何？"},
        {"en": "How does the decoder avoid looking at future words while it is trained?",
         "zh": "训练时，解码器如何避免看到后面的词？"},
        {"en": "How does the model know the order of words without recurrence?",
         "zh": "没有循环结构，模型怎么知道词的顺序？"},
        {"en": "Sketch the learning-rate schedule: what is warm-up, and when does the rate peak?",
         "zh": "画出学习率计划：什么是预热？学习率在什么时候达到峰值？"},
        {"en": "Compare self-attention and recurrence per layer: cost, sequential steps, path length.",
         "zh": "逐层比较自注意力和循环结构：计算代价、顺序操作数、最长路径长度。"},
    ),
)

GUIDES: tuple[Guide, ...] = (ALEXNET, RESNET, TRANSFORMER)
