"""Messages of the public deployment (quotas, ownership, queue): {key: (english, chinese)}, merged by explorer/shared/i18n.py."""

STRINGS = {
    "deploy.admin_token": ("Admin token (needed to delete runs on this public demo)",
                           "管理员令牌（在公开演示中删除训练需要）"),
    "deploy.need_lecture": ("This public demo trains the lecture presets only: choose the “lecture” preset.",
                            "公开演示只能训练课堂预设：请选择“lecture”预设。"),
    "deploy.too_big": ("This public demo keeps runs lecture-sized: {field} may be at most {limit} here (you asked "
                       "for {value}). Train bigger runs on your own machine with `python -m train`.",
                       "公开演示只运行课堂规模的训练：这里 {field} 最大为 {limit}（你设置的是 {value}）。"
                       "更大的训练请在自己的机器上用 `python -m train` 运行。"),
    "deploy.too_often": ("This public demo keeps runs lecture-sized: {field} must be at least {limit} here (you "
                         "asked for {value}).",
                         "公开演示只运行课堂规模的训练：这里 {field} 至少为 {limit}（你设置的是 {value}）。"),
    "deploy.data": ("This public demo trains on the bundled sample or on CIFAR-10 only.",
                    "公开演示只能使用随附的样本或 CIFAR-10 进行训练。"),
    "deploy.quota": ("You already have {n} runs queued or training, and each person may have {limit} at a time "
                     "here: wait for one to finish, or stop one.",
                     "你已有 {n} 个训练在排队或运行，这里每人同时最多 {limit} 个：请等其中一个结束，或先停止一个。"),
    "deploy.busy": ("The machine is busy: {n} runs are already waiting. Try again in a few minutes.",
                    "机器正忙：已有 {n} 个训练在排队。请过几分钟再试。"),
    "deploy.write_failed": ("Cannot record the run ({why}): the server's disk may be full. Try again later.",
                            "无法记录该训练（{why}）：服务器磁盘可能已满。请稍后再试。"),
    "deploy.not_yours": ("Only the person who started this run can stop or resume it.",
                         "只有启动该训练的人才能停止或继续它。"),
    "deploy.admin_only": ("Deleting runs on this public demo needs the admin token.",
                          "在公开演示中删除训练需要管理员令牌。"),
    # issue 30: refusals, per-address limits and what a Cancel did
    "deploy.not_finite": ("{field} must be a finite number here (you asked for {value}).",
                          "{field} 必须是有限的数字（你设置的是 {value}）。"),
    "deploy.not_offered": ("This public demo keeps runs lecture-sized: {field} may be {limit} here (you asked for "
                           "{value}).", "公开演示只运行课堂规模的训练：这里 {field} 只能是 {limit}（你设置的是 {value}）。"),
    "deploy.empty": ("empty (the lecture preset's value)", "空（课堂预设的取值）"),
    "deploy.quota_address": ("Your network already has {n} runs queued or training, and each address may have "
                             "{limit} at a time here: wait for one to finish, or stop one.",
                             "你的网络已有 {n} 个训练在排队或运行，这里每个地址同时最多 {limit} 个："
                             "请等其中一个结束，或先停止一个。"),
    "deploy.removed": ("Run {run_id} was removed from the queue at step {step}; resume it to queue it again.",
                       "训练 {run_id} 已从队列中移除（第 {step} 步）；继续训练可重新排队。"),
    "deploy.stopped": ("Run {run_id} stopped at step {step} ({status}); resume it to continue from its last "
                       "checkpoint.", "训练 {run_id} 已在第 {step} 步停止（{status}）；继续训练可从最新检查点接着训练。"),
    "deploy.stopping": ("Run {run_id} is stopping at step {step}: it saves a checkpoint first.",
                        "训练 {run_id} 正在第 {step} 步停止：它会先保存检查点。"),
    "deploy.ended": ("Run {run_id} had already ended ({status}, step {step}): nothing to stop.",
                     "训练 {run_id} 已经结束（{status}，第 {step} 步）：无需停止。"),
}
