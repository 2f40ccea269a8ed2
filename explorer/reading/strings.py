"""The Reading tab's strings: its labels, the scorecard's headings, verdicts and claims, and one entry per block
of guide text (explorer/reading/guide.py), as the Markdown shows it: {key: (english, chinese)}, merged by
explorer/shared/i18n.py, so the whole tab switches with the UI language in the browser."""
from __future__ import annotations

from collections.abc import Sequence

from explorer.reading.guide import GUIDES, SECTIONS, Guide, Text
from explorer.shared.strings import LANGUAGES

LABELS = {
    "reading.intro": (
        ("Read each paper the way S. Keshav suggests in *How to Read a Paper* (2007): in three passes, each "
         "deeper than the last. **Pass 1** (5-10 minutes): title, abstract and conclusion. What kind of paper "
         "is it, and what does it claim? **Pass 2** (about an hour): the figures and tables; open each one's "
         "live reproduction in the lab tabs. **Pass 3** (a few hours): rebuild the work in your head, then close "
         "the paper and try to recall it. Your ticks are kept in this browser only."),
        ("按照 S. Keshav 在《How to Read a Paper》（2007）中建议的方法，分三遍阅读每篇论文，一遍比一遍深入。"
         "**第一遍**（5–10 分钟）：读标题、摘要和结论。这是一篇什么样的论文？它声称了什么？**第二遍**（约一小时）："
         "读懂每张图和表，并在各实验室标签页中打开它的实时复现。**第三遍**（几个小时）：在脑中重建整项工作，然后合上"
         "论文，试着回忆。你的勾选只保存在本浏览器中。")),
    "reading.pass1": ("Pass 1 · the bird's-eye view", "第一遍 · 鸟瞰全文"),
    "reading.pass1.done": ("I have read the title, abstract and conclusion", "我已读完标题、摘要和结论"),
    "reading.pass2": ("Pass 2 · figures and tables, live", "第二遍 · 图表与实时复现"),
    "reading.open": ("Open the live reproduction", "打开实时复现"),
    "reading.seen": ("I have understood it", "我已看懂"),
    "reading.open_rebuild": ("Open the live comparison with recurrence", "打开与循环模型的实时对比"),
    "reading.pass3": ("Pass 3 · rebuild the paper", "第三遍 · 重建整篇论文"),
    "reading.problem": ("What problem?", "要解决什么问题？"),
    "reading.method": ("What method?", "用了什么方法？"),
    "reading.experiments": ("How were the experiments done?", "实验是怎么做的？"),
    "reading.recall": ("#### Close the paper and recall\n\nTick a question once you can answer it without looking.",
                       "#### 合上论文，试着回忆\n\n不看论文也能回答的问题，就勾上它。"),
    "reading.reset": ("Clear all my ticks", "清除我的全部勾选"),
}


def _pair(text: Text) -> tuple[str, str]:
    return tuple(text[lang] for lang in LANGUAGES)


def guide_strings(guides: Sequence[Guide] = GUIDES) -> dict[str, tuple[str, str]]:
    """One I18n entry per block of guide text, as the Markdown shows it: {key: (english, chinese)}."""
    strings: dict[str, tuple[str, str]] = {}
    for g in guides:
        strings[f"reading.{g.lab}.skim"] = _pair(g.skim)
        for ex in g.exhibits:
            strings[f"reading.{g.lab}.{ex.ref}"] = tuple(
                f"**{ex.title[lang]}**\n\n{ex.look_for[lang]}" for lang in LANGUAGES)
        for section in SECTIONS:
            strings[f"reading.{g.lab}.{section}"] = tuple(
                f"#### {heading}\n\n{getattr(g, section)[lang]}"
                for heading, lang in zip(LABELS[f"reading.{section}"], LANGUAGES, strict=True))
        for i, prompt in enumerate(g.recall, 1):
            strings[f"reading.{g.lab}.recall{i}"] = _pair(prompt)
    return strings


SCORECARD = {
    "scorecard.title": ("**Does it reproduce?** The paper's checkable claims beside what this app's bundled runs "
                        "measure (computed from `assets/`; model cards and `assets/reference/README.md` say how "
                        "each was trained).",
                        "**能复现吗？** 论文中可检验的结论，与本应用内置训练结果的实测值对照（由 `assets/` 计算；"
                        "各模型卡片和 `assets/reference/README.md` 说明了训练方式）。"),
    "scorecard.col_claim": ("claim", "结论"),
    "scorecard.col_paper": ("the paper", "论文"),
    "scorecard.col_ours": ("our runs", "我们的训练"),
    "scorecard.col_verdict": ("reproduced?", "是否复现"),
    "scorecard.verdict_yes": ("yes", "是"),
    "scorecard.verdict_no": ("no", "否"),
    "scorecard.verdict_other_data": ("other data: not comparable", "数据不同，不可直接比较"),
    "scorecard.verdict_missing": ("not measured: asset not bundled", "未测：缺少内置结果"),
    "scorecard.relu": ("ReLU reaches 25% training error faster than tanh (epochs, tanh over ReLU)",
                       "ReLU 比 tanh 更快达到 25% 训练误差（轮数之比，tanh / ReLU）"),
    "scorecard.colour": ("the two GPUs' first-layer kernels split into colour-agnostic and colour-specific "
                         "(mean colourfulness)",
                         "两块 GPU 上的第一层卷积核分化为与颜色无关和针对颜色两类（平均色彩度）"),
    "scorecard.alexnet_accuracy": ("how well the network classifies held-out images",
                                   "网络对未见图像的分类效果"),
    "scorecard.augmentation": ("data augmentation (crops, flips, PCA colour shifts) reduces overfitting",
                               "数据增强（裁剪、翻转、PCA 颜色扰动）减轻过拟合"),
    "scorecard.pca_colour": ("PCA colour shifts lower test error against crops and flips alone (the CIFAR AlexNet "
                             "here; by 0.5 points or more)",
                             "PCA 颜色扰动比只用裁剪和翻转测试误差更低（此处为 CIFAR AlexNet；至少低 0.5 个百分点）"),
    "scorecard.lrn_alexnet": ("local response normalisation lowers the whole net's test error (the CIFAR AlexNet "
                              "here, LRN with the paper's constants)",
                              "局部响应归一化降低整个网络的测试误差（此处为 CIFAR AlexNet，LRN 用论文的常数）"),
    "scorecard.lrn": ("local response normalisation lowers test error (Fig. 1's four-layer net here)",
                      "局部响应归一化降低测试误差（此处为图 1 的四层网络）"),
    "scorecard.pooling": ("overlapping pooling (3x3 windows, stride 2) lowers test error against non-overlapping "
                          "2x2 windows (the CIFAR AlexNet here; by 0.3 points or more)",
                          "重叠池化（3x3 窗口，步长 2）比不重叠的 2x2 窗口测试误差更低"
                          "（此处为 CIFAR AlexNet；至少低 0.3 个百分点）"),
    "scorecard.dropout": ("dropout reduces overfitting", "dropout 减轻过拟合"),
    "scorecard.degradation": ("degradation: the deeper plain net has the higher training error",
                              "退化问题：更深的普通网络训练误差更高"),
    "scorecard.deeper_better": ("with shortcuts, the deeper net has the lower training error",
                                "有捷径连接时，更深的网络训练误差更低"),
    "scorecard.shortcuts": ("projection shortcuts are not essential: options A, B and C test within a point of "
                            "each other (ResNet-20 here)",
                            "投影捷径并非必需：A、B、C 三种方案的测试误差相差不到 1 个百分点（此处为 ResNet-20）"),
    "scorecard.resnet20": ("ResNet-20's CIFAR-10 test error on the paper's schedule",
                           "ResNet-20 按论文训练计划在 CIFAR-10 上的测试误差"),
    "scorecard.resnet56": ("ResNet-56's CIFAR-10 test error on the paper's schedule",
                           "ResNet-56 按论文训练计划在 CIFAR-10 上的测试误差"),
    "scorecard.gradients": ("the degradation is not caused by vanishing gradients",
                            "退化并非由梯度消失造成"),
    "scorecard.responses": ("residual functions are closer to zero: smaller layer responses (std)",
                            "残差函数更接近零：各层响应（标准差）更小"),
    "scorecard.deeper_responses": ("the deeper the ResNet, the closer to zero its residual functions",
                                   "残差网络越深，残差函数越接近零"),
    "scorecard.beam": ("beam search beats greedy decoding (test BLEU)", "束搜索优于贪心解码（测试集 BLEU）"),
    "scorecard.recurrence": ("the Transformer reaches higher BLEU than the recurrent baseline at less training cost",
                             "Transformer 以更少的训练代价达到比循环基线更高的 BLEU"),
    "scorecard.bleu": ("translation quality of the base model (BLEU)", "基础模型的翻译质量（BLEU）"),
    # the papers' numbers beside each claim
    "scorecard.relu.paper": ("about 6x (Fig. 1)", "约 6 倍（图 1）"),
    "scorecard.colour.paper": ("GPU 1 colour-agnostic, GPU 2 colour-specific (Fig. 3)",
                               "GPU 1 与颜色无关，GPU 2 针对颜色（图 3）"),
    "scorecard.alexnet_accuracy.paper": ("37.5% top-1 error, ILSVRC-2010 (Table 1)",
                                         "ILSVRC-2010 上 top-1 错误率 37.5%（表 1）"),
    "scorecard.lrn_alexnet.paper": ("top-1 and top-5 error 1.4 and 1.2 points lower, ILSVRC (sec. 3.3)",
                                    "ILSVRC 上 top-1 和 top-5 错误率分别降低 1.4 和 1.2 个百分点（第 3.3 节）"),
    "scorecard.lrn.paper": ("a four-layer CNN on CIFAR-10: 13% test error without LRN, 11% with (sec. 3.3)",
                            "CIFAR-10 上的四层 CNN：无 LRN 测试误差 13%，有 LRN 11%（第 3.3 节）"),
    "scorecard.pooling.paper": ("top-1 and top-5 error 0.4 and 0.3 points lower, ILSVRC (sec. 3.4)",
                                "ILSVRC 上 top-1 和 top-5 错误率分别降低 0.4 和 0.3 个百分点（第 3.4 节）"),
    "scorecard.augmentation.paper": ("without it, substantial overfitting (sec. 4.1)",
                                     "没有它会严重过拟合（第 4.1 节）"),
    "scorecard.pca_colour.paper": ("top-1 error over 1 point lower, ILSVRC (sec. 4.1)",
                                   "ILSVRC 上 top-1 错误率降低超过 1 个百分点（第 4.1 节）"),
    "scorecard.dropout.paper": ("without it, substantial overfitting (sec. 4.2)", "没有它会严重过拟合（第 4.2 节）"),
    "scorecard.degradation.paper": ("plain-56 above plain-20 (Fig. 6 left)", "plain-56 高于 plain-20（图 6 左）"),
    "scorecard.deeper_better.paper": ("ResNet-56 below ResNet-20 (Fig. 6 middle)",
                                      "ResNet-56 低于 ResNet-20（图 6 中）"),
    "scorecard.shortcuts.paper": ("ResNet-34 top-1 error A 25.03%, B 24.52%, C 24.19% (Table 3)",
                                  "ResNet-34 top-1 错误率 A 25.03%、B 24.52%、C 24.19%（表 3）"),
    "scorecard.resnet20.paper": ("8.75% test error (Table 6)", "测试误差 8.75%（表 6）"),
    "scorecard.resnet56.paper": ("6.97% test error (Table 6)", "测试误差 6.97%（表 6）"),
    "scorecard.gradients.paper": ("plain nets with BN keep healthy gradient norms: not vanishing gradients (sec. 4.1)",
                                  "有批归一化的普通网络梯度范数正常：不是梯度消失（第 4.1 节）"),
    "scorecard.responses.paper": ("residual responses smaller than plain (Fig. 7)",
                                  "残差网络的响应小于普通网络（图 7）"),
    "scorecard.deeper_responses.paper": ("the deeper ResNet, the smaller its responses (Fig. 7)",
                                         "残差网络越深，响应越小（图 7）"),
    "scorecard.beam.paper": ("beam 4, length penalty 0.6 (sec. 6.1)", "束宽 4，长度惩罚 0.6（第 6.1 节）"),
    "scorecard.recurrence.paper": ("base model 27.3 BLEU for 3.3e18 training FLOPs; GNMT + RL 24.6 for 2.3e19 "
                                   "(WMT 2014 En-De, Table 2)",
                                   "基础模型 27.3 BLEU，训练 3.3e18 FLOPs；GNMT + RL 24.6，2.3e19"
                                   "（WMT 2014 英德，表 2）"),
    "scorecard.bleu.paper": ("27.3 BLEU, WMT 2014 En-De, base model (Table 2)",
                             "WMT 2014 英德，基础模型 27.3 BLEU（表 2）"),
    # the scorecard's "ours" column (explorer/reading/scorecard.py)
    "scorecard.list_sep": (", ", "，"),
    "scorecard.ours_relu": ("{ratio:.2f}x, each net's fastest lr (ReLU {relu:.1f} epochs at lr {relu_lr}, tanh {tanh:.1f} "
                            "at {tanh_lr})",
                            "{ratio:.2f} 倍，各取最快的学习率（ReLU 在学习率 {relu_lr} 时 {relu:.1f} 轮，tanh 在 {tanh_lr} 时 "
                            "{tanh:.1f} 轮）"),
    "scorecard.ours_overfits": ("{without}: training {train_without:.1f}%, test {test_without:.1f}% (gap "
                                "{gap_without:.1f} points); {full}: {train_full:.1f}%, {test_full:.1f}% (gap {gap_full:.1f})",
                                "{without}：训练 {train_without:.1f}%，测试 {test_without:.1f}%（差距 {gap_without:.1f} "
                                "个百分点）；{full}：{train_full:.1f}%，{test_full:.1f}%（差距 {gap_full:.1f}）"),
    "scorecard.ours_two_at": ("{first} {a}, {second} {b} ({end:,} iterations)", "{first} {a}，{second} {b}（{end:,} 次迭代）"),
    "scorecard.ours_gradients": ("{name} at {end:,} iterations: {layers} layers, norms {low} to {high} (smallest / "
                                 "largest {ratio:.2f})",
                                 "{name} 在 {end:,} 次迭代时：{layers} 层，范数从 {low} 到 {high}（最小 / 最大 {ratio:.2f}）"),
    "scorecard.ours_spread": ("{listed} (spread {spread:.2f} points, {end:,} iterations)",
                              "{listed}（相差 {spread:.2f} 个百分点，{end:,} 次迭代）"),
    "scorecard.ours_test_error": ("{error:.2f}% ({steps:,} iterations, CIFAR-10 JPEG mirror)",
                                  "{error:.2f}%（{steps:,} 次迭代，CIFAR-10 JPEG 镜像）"),
    "scorecard.ours_beam": ("{name}: beam 4 with length penalty α = {alpha} {beam:.2f}, greedy {greedy:.2f} BLEU",
                            "{name}：束宽 4、长度惩罚 α = {alpha} {beam:.2f}，贪心解码 {greedy:.2f} BLEU"),
    "scorecard.ours_recurrence": ("Transformer {bleu:.2f} BLEU after {minutes:.1f} min, RNNsearch {other:.2f} after "
                                  "{other_minutes:.1f} min (Multi30k En-De validation, greedy, one H200)",
                                  "Transformer {minutes:.1f} 分钟后 {bleu:.2f} BLEU，RNNsearch {other_minutes:.1f} 分钟后 "
                                  "{other:.2f}（Multi30k 英德验证集，贪心解码，一块 H200）"),
    "scorecard.ours_passed": ("; the Transformer passed {bleu:.2f} at {minutes:.1f} min",
                              "；Transformer 在 {minutes:.1f} 分钟时超过 {bleu:.2f}"),
    "scorecard.ours_flops": ("; counted FLOPs {flops} against {other}", "；统计的浮点运算量 {flops}，对方 {other}"),
    "scorecard.on_alexnet_cifar": ("CIFAR-10 JPEG mirror, 5 conv + 3 FC scaled to 32x32",
                                   "CIFAR-10 JPEG 镜像，5 个卷积层 + 3 个全连接层，缩放到 32x32"),
    "scorecard.on_multi30k": ("Multi30k test 2016, N=3 d_model=256", "Multi30k 2016 测试集，N=3 d_model=256"),
}


STRINGS = {**LABELS, **SCORECARD, **guide_strings()}
