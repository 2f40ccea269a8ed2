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
         "three evaluations), against `{model}`'s, seed 0, at the same iteration ({base:.2f}% at its end); the two "
         "seeds end **{spread:.2f} points** apart."),
        ("**用这把标尺衡量。** `{model}` 旁边其他每个参考训练的测试错误率（最后三次评估的平均），与 `{model}`（种子 0）"
         "在同一迭代次数时相比（它训练结束时为 {base:.2f}%）；两个种子最终相差 **{spread:.2f} 个百分点**。")),
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
    "common.about_figure": ("About this figure", "关于此图"),  # explorer/shared/layout.py: the collapsed explanation
    "common.about_lab": ("About this lab", "关于本实验"),
}
