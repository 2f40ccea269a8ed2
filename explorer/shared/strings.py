"""Strings used by more than one tab: {key: (english, chinese)}, in the order of LANGUAGES (see explorer/shared/i18n.py)."""

LANGUAGES = ("en", "zh")

STRINGS = {
    "app.title": ("## Paper Lab: read AlexNet, ResNet and the Transformer by re-running them",
                  "## Paper Lab：通过重新运行来阅读 AlexNet、ResNet 和 Transformer"),
    "app.presenter": ("Presenter mode", "演示模式"),
    "app.language": ("Language", "语言"),
    "app.lang_code": ("en", "zh"),  # read by explorer/shared/shell.js: the language the page shows
    "app.download_png": ("Download as PNG", "下载 PNG 图片"),  # plot toolbar tips, set by explorer/shared/shell.js
    "app.download_svg": ("Download as SVG", "下载 SVG 矢量图"),
    "tab.alexnet": ("AlexNet (2012)", "AlexNet (2012)"),
    "tab.resnet": ("ResNet (2015)", "ResNet (2015)"),
    "tab.transformer": ("Transformer (2017)", "Transformer (2017)"),
    "tab.runs": ("Runs", "训练记录"),
    "tab.reading": ("Reading", "阅读指南"),
    "common.iteration": ("iteration", "迭代次数"),
    "common.error_pct": ("error", "错误率"),
    "common.train_error": ("train", "训练"),
    "common.test_error": ("test", "测试"),
    "common.ends_title": (
        ("**Where each run ends**: training error is the mean of its last ten logged values (on its training "
         "batches, in training mode), test error of its last three evaluations. {note}"),
        "**各运行的最终结果**：训练误差取最后十个记录值的平均（在训练批次上、训练模式下），测试误差取最后三次评估的平均。{note}"),
    "common.ends_columns": ("| run | iterations | training error | test error | gap (points) |",
                            "| 运行 | 迭代次数 | 训练误差 | 测试误差 | 差距（百分点） |"),
    "common.seed_title": (
        ("**Against this yardstick.** The test error of every other reference run beside `{model}` (mean of its last "
         "three evaluations), against `{model}`'s, seed 0, at the same iteration ({base:.2f}% at its end); {apart}"),
        ("**用这把标尺衡量。** `{model}` 旁边其他每个参考训练的测试错误率（最后三次评估的平均），与 `{model}`（种子 0）"
         "在同一迭代次数时相比（它训练结束时为 {base:.2f}%）；{apart}")),
    "common.seed_apart": ("the two seeds end **{spread:.2f} points** apart.", "两个种子最终相差 **{spread:.2f} 个百分点**。"),
    "common.seed_apart_so_far": (
        ("seed 1 has trained {at:,} of its {steps:,} iterations so far, and there the two seeds are **{spread:.2f} "
         "points** apart (a yardstick from partway through the schedule)."),
        ("种子 1 目前只训练了 {steps:,} 次迭代中的 {at:,} 次；在这一点上两个种子相差 **{spread:.2f} 个百分点**"
         "（这把标尺取自训练计划的中途）。")),
    "common.seed_columns": (
        "| experiment | run | iterations | test error | against seed 0 | more than the seeds differ? |",
        "| 实验 | 训练 | 迭代次数 | 测试错误率 | 与种子 0 相比 | 超出两个种子之差？ |"),
    # the labs' experiment panel (explorer/shared/experiment_panel.py)
    "panel.preset": ("Settings", "设置"),
    "panel.preset_lecture": ("lecture (minutes on a CPU)", "课堂（CPU 上几分钟）"),
    "panel.preset_paper": ("paper (sec. 4.2, 64k iterations)", "论文（第 4.2 节，64k 次迭代）"),
    "panel.data": ("Data", "数据"),
    "panel.train": ("Train", "开始训练"),
    "panel.stop": ("Stop these runs", "停止这些训练"),
    "panel.group": ("Runs shown", "显示的训练"),
    "panel.no_runs": (("No runs yet: press **Train**. Runs started from the command line "
                       "(`python -m train {experiment} --preset lecture`) appear here too."),
                       ("还没有训练：请点击**开始训练**。"
                        "在命令行中启动的训练（`python -m train {experiment} --preset lecture`）"
                       "也会显示在这里。")),
    "panel.run_line": ("**{label}**: step {step:,} of {total:,} · {status}",
                        "**{label}**：第 {step:,} / {total:,} 步 · {status}"),
    "panel.queued": ("{count} runs of {name} queued; they train one after another.",
                     "已排队 {name} 的 {count} 次训练，将依次进行。"),
    "panel.stopping": ("Stopping {count} runs; each saves a checkpoint and can be resumed in the Runs tab.",
                        "正在停止 {count} 次训练；每次训练都会保存检查点，可在“训练记录”页继续。"),
    "panel.nothing_to_stop": ("None of these runs is queued or running.", "这些训练都没有在排队或运行。"),
    "panel.reference_runs": ("reference runs (bundled: all 50,000 training images)",
                               "参考运行（内置：全部 50,000 张训练图像）"),
    "panel.choose": ("Choose one of the listed options.", "请从列表中选择一项。"),
    # toast titles (explorer/shared/i18n.py error, warn, inform)
    "toast.error": ("Error", "错误"),
    "toast.warning": ("Warning", "警告"),
    "toast.info": ("Info", "提示"),
    # runs as the trainer stores them, in English, translated for display (explorer/shared/run_text.py)
    "status.queued": ("queued", "排队中"),
    "status.running": ("running", "训练中"),
    "status.done": ("done", "已完成"),
    "status.failed": ("failed", "失败"),
    "status.cancelled": ("cancelled", "已取消"),
    "status.interrupted": ("interrupted", "已中断"),
    "status.paused": ("paused", "已暂停"),
    "runmsg.starting": ("starting", "正在启动"),
    "runmsg.waiting": ("waiting to resume", "等待继续"),
    "runmsg.started": ("started on {device}, data: {data}", "已在 {device} 上开始，数据：{data}"),
    "runmsg.resumed": ("resumed at step {step} on {device}, data: {data}", "已在 {device} 上从第 {step} 步继续，数据：{data}"),
    "runmsg.checkpoint": ("checkpoint at step {step}", "已在第 {step} 步保存检查点"),
    "runmsg.ended": ("{status} at step {step}", "{status}（第 {step} 步）"),
    "runmsg.cancelled_early": ("cancelled before training began, at step {step}; resume to continue",
                               "训练开始前已取消（第 {step} 步）；可点“继续训练”"),
    "runmsg.cancelled_queued": ("cancelled while queued, at step {step}; resume to continue",
                                "排队时已取消（第 {step} 步）；可点“继续训练”"),
    "runmsg.stopped": ("{why}, at step {step}; resume to continue from its last checkpoint",
                       "{why}（第 {step} 步）；可从最后的检查点继续训练"),
    "runmsg.memory": ("stopped by the server: it used {used} GB of memory, over this demo's limit of {limit} GB",
                      "已被服务器停止：占用内存 {used} GB，超过本演示的上限 {limit} GB"),
    "runmsg.too_long": ("stopped by the server: it trained longer than this demo's limit of {limit} minutes",
                        "已被服务器停止：训练时间超过本演示的上限 {limit} 分钟"),
    "runmsg.vanished": ("the training process stopped unexpectedly; resume to continue from the last checkpoint",
                        "训练进程意外停止；可从最后的检查点继续训练"),
    "runmsg.failed": ("{error}: {why}", "出错（{error}）：{why}"),
    # the experiments' variant names (train/recipes), as run labels and legends show them
    "variant.dropout 0.5": ("dropout 0.5", "Dropout 0.5"),
    "variant.no dropout": ("no dropout", "无 Dropout"),
    "variant.none": ("none", "无增强"),
    "variant.crops + flips": ("crops + flips", "裁剪 + 翻转"),
    "variant.crops + flips + PCA colour": ("crops + flips + PCA colour", "裁剪 + 翻转 + PCA 颜色扰动"),
    "variant.no LRN": ("no LRN", "无 LRN"),
    "variant.LRN at raw-pixel strength (alpha 0.41)": ("LRN at raw-pixel strength (alpha 0.41)",
                                                       "原始像素强度的 LRN（α = 0.41）"),
    "variant.LRN scale only (alpha 0)": ("LRN scale only (alpha 0)", "仅缩放的 LRN（α = 0）"),
    "variant.overlapping (z=3, s=2)": ("overlapping (z=3, s=2)", "重叠池化（z=3, s=2）"),
    "variant.non-overlapping (z=s=2)": ("non-overlapping (z=s=2)", "非重叠池化（z=s=2）"),
    "variant.one tower": ("one tower", "单塔"),
    "variant.two towers": ("two towers", "双塔"),
    "variant.seed 0": ("seed 0", "种子 0"),
    "variant.seed 1": ("seed 1", "种子 1"),
    "variant.option A": ("option A", "选项 A"),
    "variant.option B": ("option B", "选项 B"),
    "variant.option C": ("option C", "选项 C"),
    "variant.as stored": ("as stored", "原样存储"),
    "variant.coded once more": ("coded once more", "再编码一次"),
    # the experiments' figures (train/recipes: Experiment.figure), as the yardstick tables name them
    "figure.Fig. 1": ("Fig. 1", "图 1"),
    "figure.sec. 4.2": ("sec. 4.2", "第 4.2 节"),
    "figure.sec. 4.1": ("sec. 4.1", "第 4.1 节"),
    "figure.sec. 3.3": ("sec. 3.3", "第 3.3 节"),
    "figure.sec. 3.3, CIFAR-10": ("sec. 3.3, CIFAR-10", "第 3.3 节，CIFAR-10"),
    "figure.sec. 3.4": ("sec. 3.4", "第 3.4 节"),
    "figure.sec. 3.2, Fig. 2": ("sec. 3.2, Fig. 2", "第 3.2 节，图 2"),
    "figure.sec. 3-4": ("sec. 3-4", "第 3-4 节"),
    "figure.Tables 1-2": ("Tables 1-2", "表 1-2"),
    "figure.Fig. 6 (and Fig. 1)": ("Fig. 6 (and Fig. 1)", "图 6（及图 1）"),
    "figure.Table 3 (on CIFAR-10)": ("Table 3 (on CIFAR-10)", "表 3（在 CIFAR-10 上）"),
    "figure.Table 6's gap on the CIFAR-10 JPEG mirror": ("Table 6's gap on the CIFAR-10 JPEG mirror",
                                                         "表 6 的差距（CIFAR-10 JPEG 镜像）"),
    # bundled models in model lists (explorer/shared/reference_runs.py bundled_label)
    "common.bundled_label": ("{name} (bundled{score})", "{name}（附带{score}）"),
    "common.bundled_test": (" · test {accuracy:.2f}%", " · 测试准确率 {accuracy:.2f}%"),
    "common.bundled_bleu": (" · BLEU {bleu:.2f}", " · BLEU {bleu:.2f}"),
    "common.about_figure": ("About this figure", "关于此图"),  # explorer/shared/layout.py: the collapsed explanation
    "common.about_lab": ("About this lab", "关于本实验"),
}
