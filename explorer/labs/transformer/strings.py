"""The Transformer lab's labels, messages and plot titles: {key: (english, chinese)}, merged by explorer/shared/i18n.py."""

KNIFE_SENTENCES = 100  # test pairs re-translated to measure what switching heads off costs (the help text says so)

STRINGS = {
    "transformer.intro": (
        "Type an English sentence: a Transformer trained from scratch translates it, and every attention map of "
        "the one forward pass is kept, so you can walk through the decoding token by token.",
        "输入一句英文：一个从零训练的 Transformer 会翻译它，并保留这次前向计算中的每一张注意力图，"
        "让你逐个词元地回看解码过程。"),
    "transformer.model": ("Model", "模型"),
    "transformer.refresh": ("Refresh list", "刷新列表"),
    "transformer.source": ("Sentence to translate", "要翻译的句子"),
    "transformer.beam": ("Beam size (1 = greedy; the paper uses 4)", "束宽（1 为贪心；论文用 4）"),
    "transformer.translate": ("Translate", "翻译"),
    "transformer.output": ("Translation", "译文"),
    "transformer.step_tab": ("Step by step", "逐步解码"),
    "transformer.step": ("Output token", "输出词元"),
    "transformer.layer": ("Layer", "层"),
    "transformer.head": ("Head", "头"),
    "transformer.mean": ("mean of heads", "各头平均"),
    "transformer.grid_tab": ("All heads", "所有注意力头"),
    "transformer.kind": ("Attention", "注意力类型"),
    "transformer.kind_encoder": ("encoder self-attention", "编码器自注意力"),
    "transformer.kind_decoder": ("decoder self-attention (masked)", "解码器自注意力（带掩码）"),
    "transformer.kind_cross": ("encoder-decoder attention", "编码器-解码器注意力"),
    "transformer.head_view_tab": ("Head view", "连线视图"),
    "transformer.focus": ("Focus on token", "聚焦词元"),
    "transformer.all_tokens": ("all tokens", "全部词元"),
    "transformer.knife_tab": ("Heads under the knife", "切除注意力头"),
    "transformer.knife_help": (
        "Tick heads to switch them off (their output is multiplied by 0), then re-translate. BLEU is measured "
        f"on the first {KNIFE_SENTENCES} test sentences, greedy, with and without those heads.",
        f"勾选要关闭的注意力头（其输出乘以 0），然后重新翻译。BLEU 在前 {KNIFE_SENTENCES} 个测试句上用贪心解码测量，"
        "比较关闭前后的差别。"),
    "transformer.knife_run": ("Re-translate and measure BLEU", "重新翻译并测量 BLEU"),
    "transformer.attr_tab": ("Attention vs attribution", "注意力与归因"),
    "transformer.attr_run": ("Compute attribution", "计算归因"),
    "transformer.attr_help": (
        "Integrated gradients (captum) of the chosen output token's log-probability with respect to each source "
        "token's embedding, next to the cross-attention averaged over all layers and heads.",
        "用 captum 的积分梯度，计算所选输出词元的对数概率对每个源词元嵌入的归因，并与所有层、所有头平均后的"
        "交叉注意力并排比较。"),
    "transformer.paper_tab": ("Inside the paper", "论文细节"),
    "transformer.train_tab": ("Train your own", "自己训练"),
    "transformer.corpus": ("Corpus", "语料"),
    "transformer.train": ("Train a lecture-sized model (a few minutes on a CPU)",
                          "训练一个课堂规模的模型（CPU 上几分钟）"),
    # server-side messages and titles
    "transformer.no_model": ("No translation model yet: train one below (Train your own) or add a folder "
                             "assets/models/transformer-*.", "还没有翻译模型：请在下方“自己训练”中训练一个，"
                             "或添加 assets/models/transformer-* 模型文件夹。"),
    "transformer.empty": ("Type a sentence to translate first.", "请先输入要翻译的句子。"),
    "transformer.truncated": ("The text was cut to its first {n} characters (the model was trained on short "
                              "captions).", "文本已截断为前 {n} 个字符（模型是在短句描述上训练的）。"),
    "transformer.unknown": ("{n} token(s) are outside the model's vocabulary and read as <unk> (emoji or "
                            "scripts it never saw).", "有 {n} 个词元不在模型词表中，被当作 <unk>（模型没见过的"
                            "表情符号或文字）。"),
    "transformer.load_failed": ("Could not load this model: {error}", "无法加载该模型：{error}"),
    "transformer.translate_first": ("Translate a sentence first.", "请先翻译一个句子。"),
    "transformer.step_title": ("Step {step}: producing “{token}”", "第 {step} 步：生成“{token}”"),
    "transformer.axis_cross_weight": ("cross-attention", "交叉注意力"),
    "transformer.map_title": ("Layer {layer}, {head}", "第 {layer} 层，{head}"),
    "transformer.grid_title": ("{kind}: layers × heads", "{kind}：层 × 头"),
    "transformer.head_view_title": ("{kind}, layer {layer}: line opacity = attention weight",
                                    "{kind}，第 {layer} 层：线条透明度 = 注意力权重"),
    "transformer.knife_result": ("BLEU on {n} test sentences: {before:.1f} with all heads, {after:.1f} with {off} "
                                 "head(s) off ({delta:+.1f}).", "在 {n} 个测试句上的 BLEU：全部注意力头 {before:.1f}，"
                                 "关闭 {off} 个头后 {after:.1f}（{delta:+.1f}）。"),
    "transformer.attr_title": ("Output token “{token}”: where it looks, and what it depends on",
                               "输出词元“{token}”：注意力看向哪里，结果依赖什么"),
    "transformer.attention": ("attention (mean of layers and heads)", "注意力（各层各头平均）"),
    "transformer.attribution": ("integrated gradients |attribution|", "积分梯度 |归因|"),
    "transformer.pe_title": ("Positional encoding (sec. 3.5)", "位置编码（第 3.5 节）"),
    "transformer.lr_title": ("Learning rate, eq. 3 (d_model={d}, warmup={w})",
                             "学习率，公式 3（d_model={d}，warmup={w}）"),
    "transformer.sizes": ("| model | parameters | fp32 size |\n|---|---|---|\n{rows}",
                          "| 模型 | 参数量 | fp32 大小 |\n|---|---|---|\n{rows}"),
    "transformer.curves_title": ("Training: loss and validation BLEU", "训练：损失与验证集 BLEU"),
    "transformer.choose": ("Choose one of the listed options.", "请从列表中选择一项。"),
    "transformer.submitted": ("Run {run} queued: it appears in the model list when its first checkpoint is saved.",
                              "训练 {run} 已排队：保存第一个检查点后会出现在模型列表中。"),
    # attention against recurrence (Tables 1-2)
    "transformer.recurrence_tab": ("Attention vs recurrence", "注意力与循环"),
    "transformer.recurrence_intro": (
        "The paper's central claim: without recurrence, translation gets better and cheaper to train. Here the "
        "Transformer and RNNsearch (Bahdanau et al. 2015, the recurrent encoder-decoder with attention it replaces) "
        "are trained on the same data (Multi30k En-De), with the same BPE vocabulary, trainer, time budget and BLEU.",
        "论文的核心论断：去掉循环结构后，翻译质量更好、训练更省。这里 Transformer 与 RNNsearch（Bahdanau 等人 2015 年"
        "提出的带注意力的循环编码器-解码器，即它所取代的模型）在同样的数据（Multi30k 英德）上训练，使用同样的 BPE 词表、"
        "训练器、时间预算和 BLEU。"),
    "transformer.cost_head": (
        "### 1. Quality against training cost (Table 2)\nSolid lines: both models trained side by side for the same "
        "minutes on one H200 (bundled). Dashed: your own runs of the experiment `attention-vs-recurrence` (lecture "
        "preset: a few minutes each on a CPU; `python -m train attention-vs-recurrence --preset lecture`).",
        "### 1. 质量与训练代价（表 2）\n实线：两个模型在同一块 H200 上以相同分钟数并排训练（随应用附带）。虚线：你自己运行的 "
        "`attention-vs-recurrence` 实验（课堂预设：CPU 上每个几分钟；`python -m train attention-vs-recurrence "
        "--preset lecture`）。"),
    "transformer.cost_title": ("BLEU and loss against training time and training FLOPs",
                               "BLEU 与损失随训练时间和训练 FLOPs 的变化"),
    "transformer.cost_minutes": ("training minutes", "训练分钟数"),
    "transformer.cost_flops": ("training FLOPs (counted, models/flops.py)", "训练 FLOPs（按层计数，models/flops.py）"),
    "transformer.cost_bleu": ("validation BLEU (greedy)", "验证集 BLEU（贪心）"),
    "transformer.cost_loss": ("loss (validation; faint: training)", "损失（验证集；浅色：训练）"),
    "transformer.yours": ("yours", "你的"),
    "transformer.cost_columns": ("| run | BLEU at the end | minutes | training FLOPs | steps |\n|---|---|---|---|---|",
                                 "| 运行 | 最终 BLEU | 分钟 | 训练 FLOPs | 步数 |\n|---|---|---|---|---|"),
    "transformer.cost_verdict": (
        "**{first}** passes {second}'s final BLEU ({bleu:.2f}) after {minutes:.1f} minutes of training, against "
        "{second}'s {total:.1f}. Per minute it does {ratio:.1f}x the arithmetic of {second}: its FLOPs run in "
        "parallel, where a recurrent layer waits for the previous word.",
        "**{first}** 训练 {minutes:.1f} 分钟后即超过 {second} 的最终 BLEU（{bleu:.2f}），而 {second} 用了 {total:.1f} "
        "分钟。它每分钟完成的运算量是 {second} 的 {ratio:.1f} 倍：它的运算可以并行，而循环层要等待上一个词。"),
    "transformer.cost_same_flops": (
        "At RNNsearch's final training FLOPs ({flops:.3g}) the Transformer scored {bleu:.1f} BLEU, against "
        "RNNsearch's {other:.1f}: compare the two by arithmetic in the right-hand panels.",
        "在 RNNsearch 最终的训练 FLOPs（{flops:.3g}）处，Transformer 的 BLEU 为 {bleu:.1f}，RNNsearch 为 {other:.1f}："
        "按运算量比较两者，请看右侧的图。"),
    "transformer.cost_not_passed": ("{first} has not passed {second}'s final BLEU ({bleu:.2f}) yet.",
                                    "{first} 尚未超过 {second} 的最终 BLEU（{bleu:.2f}）。"),
    "transformer.timing_head": (
        "### 2. Sequential operations, measured (Table 1)\nTime of one training step (32 sentences of n tokens, "
        "forward, backward, Adam) and of encoding one sentence, against its length n. A recurrent layer takes n steps "
        "one after another; self-attention takes one, whose O(n² · d) work runs in parallel.",
        "### 2. 顺序操作数的实测（表 1）\n一次训练步（32 个长为 n 的句子，前向、反向、Adam）和编码一个句子所用的时间随"
        "句长 n 的变化。循环层要一步接一步走 n 步；自注意力只需一步，其 O(n² · d) 的计算并行完成。"),
    "transformer.timing_title": ("Time against sentence length", "时间随句长的变化"),
    "transformer.timing_step": ("training step", "训练一步"),
    "transformer.timing_encode": ("encode one sentence", "编码一个句子"),
    "transformer.timing_h200": ("NVIDIA H200 (bundled)", "NVIDIA H200（附带）"),
    "transformer.timing_here": ("this machine's CPU", "本机 CPU"),
    "transformer.timing_measure": ("Measure on this machine (a few seconds)", "在本机上测量（几秒钟）"),
    "transformer.table1": (
        "| per layer (Table 1) | complexity | sequential operations | maximum path length | {machines} |\n"
        "|---|---|---|---|---|\n{rows}\n\nSlope: least squares over n = 8-64, ms per token of a training step. "
        "Live: width 32, batch 8 (the H200's: width 256, batch 32).",
        "| 每层（表 1） | 复杂度 | 顺序操作数 | 最大路径长度 | {machines} |\n|---|---|---|---|---|\n{rows}\n\n"
        "斜率：n = 8-64 上的最小二乘拟合，训练一步每个词元的毫秒数。本机实测：宽度 32，批大小 8（H200 上：宽度 256，"
        "批大小 32）。"),
    "transformer.slope": ("slope (ms per token)", "斜率（毫秒/词元）"),
    "transformer.ratio": ("RNNsearch's slope is {ratio:.0f}x the Transformer's",
                          "RNNsearch 的斜率是 Transformer 的 {ratio:.0f} 倍"),
    "transformer.flat": ("the Transformer's slope is within noise of flat", "Transformer 的斜率在噪声范围内接近零"),
    "transformer.path_head": (
        "### 3. Path length\nHow many sequential steps carry word j's information to word i inside one layer: one "
        "for self-attention, one per word in between for a recurrent layer. Below: where each model looks while it "
        "translates the same sentence: RNNsearch's one alignment model beside the Transformer's cross-attention "
        "(last layer, mean of the heads).",
        "### 3. 路径长度\n在一层之内，词 j 的信息要经过多少个顺序步骤才能到达词 i：自注意力只需一步，循环层则每隔一个词"
        "就要一步。下方：两个模型翻译同一个句子时各自看向哪里：RNNsearch 唯一的对齐模型，旁边是 Transformer 的交叉注意力"
        "（最后一层，各头平均）。"),
    "transformer.path_sentence": ("Sentence (English)", "句子（英文）"),
    "transformer.path_show": ("Show path lengths and attention", "显示路径长度与注意力"),
    "transformer.path_title": ("Steps between word i and word j in one layer", "一层之内词 i 与词 j 之间的步数"),
    "transformer.align_title": ("Where each model looks while translating", "各模型翻译时看向哪里"),
    "transformer.align_transformer": ("Transformer (last layer, mean of heads)", "Transformer（最后一层，各头平均）"),
    "transformer.rnnsearch_missing": (
        "The bundled RNNsearch (assets/models/rnnsearch-en-de) is missing from this checkout: only the Transformer's "
        "map is drawn. Rebuild it with `python -m train.translation_job rnnsearch-en-de --recipe seq2seq --preset "
        "reference --minutes 55`, or pick your own RNNsearch run.",
        "此副本中缺少附带的 RNNsearch（assets/models/rnnsearch-en-de）：只画出 Transformer 的注意力图。可用 "
        "`python -m train.translation_job rnnsearch-en-de --recipe seq2seq --preset reference --minutes 55` 重新训练，"
        "或选择你自己的 RNNsearch 运行。"),
    "transformer.no_translator": ("No bundled English→German model to draw an attention map with.",
                                  "没有可用于绘制注意力图的英→德附带模型。"),
    # what each bundled model was trained on and what it measures (issue 32)
    "transformer.note_transformer-en-de": (
        "Trained on Multi30k En-De (29k image captions): 2,737 steps on a GPU, then 4,863 more on a 2-core CPU going "
        "on from those weights over two sessions. Test 2016 BLEU 39.04 with sec. 6.1's beam search (beam 4, stopping "
        "once no open hypothesis can beat the best finished one) and its average of the last five checkpoints; 31.95 "
        "on test 2017 flickr; greedy decoding 38.10. At 2,737 steps it scored 37.43 and 30.10, at 5,150 38.98 and "
        "31.86. Published small Transformers reach about 41 on test 2016.",
        "在 Multi30k 英德（2.9 万条图片描述）上训练：先在 GPU 上训练 2,737 步，再分两次从这些权重出发在 2 核 CPU 上多训练 "
        "4,863 步。使用第 6.1 节的束搜索（束宽 4，当没有未完成的假设能超过最好的已完成假设时停止）并按该节平均最后 5 个"
        "检查点，test 2016 的 BLEU 为 39.04；test 2017 flickr 上为 31.95；贪心解码为 38.10。训练 2,737 步时为 37.43 和 "
        "30.10，5,150 步时为 38.98 和 31.86。已发表的小型 Transformer 在 test 2016 上约为 41。"),
    "transformer.note_transformer-en-zh": (
        "Trained on Tatoeba En-Zh, split by sentence groups so that no test sentence (English or Chinese, after "
        "normalising case, spaces and punctuation) occurs in training or validation. Test BLEU 35.77 (beam 4 of sec. "
        "6.1, averaged checkpoints, sacrebleu's zh tokenizer). The earlier model's 38.25 was measured on a random "
        "pair-level split that leaked: 211 of its 1,000 test Chinese sentences were seen in training (33.8 on the "
        "pairs whose two sides were both unseen).",
        "在 Tatoeba 英中上训练，按句子组划分，使任何测试句（英文或中文，统一大小写、空格和标点后）都不出现在训练集或验证集"
        "中。测试集 BLEU 35.77（第 6.1 节的束宽 4，检查点平均，sacrebleu 的 `zh` 分词）。之前模型的 38.25 是在一个随机的"
        "句对级划分上测得的，存在泄漏：1,000 个测试中文句中有 211 个在训练中出现过（两侧都未见过的句对上为 33.8）。"),
    "transformer.note_rnnsearch-en-de": (
        "RNNsearch (Bahdanau et al. 2015; n=256, m=128) trained on Multi30k En-De with the Transformer's data, "
        "vocabulary and trainer: test 2016 BLEU 35.62, test 2017 flickr 27.67 (beam 4, length penalty 0.6, the last "
        "3 checkpoints averaged), after 56 minutes on a 2-core CPU (3,250 steps). The bundled Transformer scored "
        "37.43 and 30.10 after 6.7 minutes on one GPU (2,737 steps), 39.04 and 31.95 after 206 more on the CPU.",
        "RNNsearch（Bahdanau 等人 2015；n=256，m=128）在 Multi30k 英德上训练，数据、词表和训练器与 Transformer 相同："
        "test 2016 的 BLEU 为 35.62，test 2017 flickr 为 27.67（束宽 4，长度惩罚 0.6，平均最后 3 个检查点），在 2 核 "
        "CPU 上训练 56 分钟（3,250 步）。附带的 Transformer 在一块 GPU 上训练 6.7 分钟（2,737 步）后得分为 37.43 和 "
        "30.10，再在该 CPU 上训练 206 分钟后为 39.04 和 31.95。"),
    "transformer.beam_note": ("Beam search here is sec. 6.1's: beam 4 with length penalty α = {alpha}.",
                              "这里的束搜索按第 6.1 节：束宽 4，长度惩罚 α = {alpha}。"),
    "transformer.beam_note_chosen": (
        "Beam search here is sec. 6.1's, beam 4, with the length penalty chosen the way the paper chose it, on the "
        "validation set: α = {alpha} scores {bleu} BLEU there, the paper's 0.6 {paper}.",
        "这里的束搜索按第 6.1 节，束宽 4；长度惩罚按论文的做法在验证集上选定：α = {alpha} 在验证集上得 {bleu} BLEU，"
        "论文的 0.6 得 {paper}。"),
    # plot axes and legends (explorer/labs/transformer/figures.py)
    "transformer.axis_share": ("share", "占比"),
    "transformer.axis_dimension": ("dimension i", "维度 i"),
    "transformer.axis_position": ("position", "位置"),
    "transformer.axis_step": ("step", "步数"),
    "transformer.axis_lr": ("learning rate", "学习率"),
    "transformer.axis_tokens": ("n (tokens)", "n（词元数）"),
    "transformer.legend_bleu": ("{label} bleu", "{label} BLEU"),
    "transformer.legend_val_loss": ("{label} val_loss", "{label} 验证损失"),
    "transformer.legend_loss": ("{label} (train) loss", "{label} 训练损失"),
    "transformer.size_this": ("this model", "本模型"),
    "transformer.size_base": ("base (paper: 65M)", "基础模型（论文：65M）"),
    "transformer.size_big": ("big (paper: 213M)", "大模型（论文：213M）"),
    "transformer.run_choice": ("{title} · step {step} · {status}", "{title} · 第 {step} 步 · {status}"),
    "transformer.info_steps": ("steps {steps}", "{steps} 步"),
    "transformer.curve_loss": ("loss", "训练损失"),
    "transformer.curve_val_loss": ("val_loss", "验证损失"),
    "transformer.curve_bleu": ("bleu", "BLEU"),
    "transformer.knife_encoder": ("encoder", "编码器"),
    "transformer.knife_decoder": ("decoder", "解码器"),
    "transformer.knife_cross": ("cross", "交叉"),
    # what the chosen model was trained on, and input it refuses (issue 31)
    "transformer.trained_on_multi30k-en-de": (
        "Trained on **Multi30k** English→German: {n:,} pairs of **image captions** (people, animals, streets, sports). "
        "Sentences of another kind (everyday speech, news, questions) come out poorly. Try one of its held-out test "
        "sentences:",
        "训练数据：**Multi30k** 英→德，{n:,} 对**图片描述**（人物、动物、街道、运动）。其他类型的句子（日常对话、新闻、"
        "问句）译得很差。试试它的留出测试集中的句子："),
    "transformer.trained_on_tatoeba-en-zh": (
        "Trained on **Tatoeba** English→Chinese: {n:,} pairs of **short everyday sentences**. Image captions and long or "
        "technical sentences come out poorly. Try one of its held-out test sentences:",
        "训练数据：**Tatoeba** 英→中，{n:,} 对**简短的日常句子**。图片描述和长句、专业句子译得很差。试试它的留出测试集中的"
        "句子："),
    "transformer.in_target": (
        "This model translates English into {target}, and this text is {target} already: it is not translated. Type an "
        "English sentence, or click one of the examples under the input.",
        "该模型把英文译成{target}，而这段文字已经是{target}，因此不翻译。请输入英文句子，或点击输入框下方的示例。"),
    "transformer.lang_de": ("German", "德语"),
    "transformer.lang_zh": ("Chinese", "中文"),
}
