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
    "transformer.step_title": ("Step {step}: producing “{token}”, cross-attention over the source",
                               "第 {step} 步：生成“{token}”时对源句的交叉注意力"),
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
}
