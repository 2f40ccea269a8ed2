"""The training loop: learns, is deterministic, and resumes exactly where it stopped."""
from __future__ import annotations

import json
import math
import time

import pytest
import torch

from train.checkpoint import checkpoint_path, load_checkpoint, newest_good_checkpoint
from train.config import ConfigError, TrainConfig
from train.recipes import get_recipe
from train.recipes.resnet import ResNetRunConfig
from train.runtime import Dist, seed_everything, seeded
from train.schedules import inverse_sqrt, lr_factor, step_decay, warmup_cosine
from train.trainer import Listener, Trainer

TINY = dict(data="sample", depth=8, batch_size=16, steps=20, log_every=5, eval_every=10, eval_size=64, val_size=0,
            checkpoint_every=10, snapshot_every=10, train_size=256, milestones=(15,))


class Collect(Listener):
    def __init__(self):
        self.metrics = {}

    def on_metrics(self, step, values):
        self.metrics.setdefault(step, {}).update(values)


def make_trainer(tmp_path, listeners=(), stop_at=None, **overrides):
    recipe = get_recipe("resnet")
    cfg = recipe.config(None, **{**TINY, **overrides})
    seed_everything(cfg.seed)
    task = recipe.build_task(cfg, torch.device("cpu"), Dist())
    stop = (lambda: trainer.step >= stop_at) if stop_at else (lambda: False)
    trainer = Trainer(task, cfg, torch.device("cpu"), checkpoint_dir=tmp_path / "ckpt", listeners=listeners,
                      should_stop=stop)
    return trainer


def weights(trainer):
    return torch.cat([p.detach().flatten() for p in trainer.model.parameters()])


def test_resume_continues_exactly(tmp_path):
    straight = make_trainer(tmp_path / "a")
    assert straight.fit() == "done"

    first = make_trainer(tmp_path / "b", stop_at=10)
    assert first.fit() == "cancelled" and first.step == 10
    path, state = newest_good_checkpoint(sorted((tmp_path / "b" / "ckpt").glob("*.pt")))
    assert state["step"] == 10
    seen = Collect()
    second = make_trainer(tmp_path / "b", listeners=[seen])
    assert second.fit(state) == "done" and second.step == 20
    assert sorted(seen.metrics) == [15, 20]
    assert torch.equal(weights(straight), weights(second))


def test_deadline_pauses_at_a_log_step_and_chunks_end_like_one_run(tmp_path):
    short = dict(steps=10, log_every=2, eval_every=4, checkpoint_every=4, snapshot_every=1000, milestones=(8,))
    straight = Collect()
    whole = make_trainer(tmp_path / "a", [straight], **short)
    whole.fit()
    seen, statuses, state = Collect(), [], None
    while not statuses or statuses[-1] == "paused":  # each chunk's deadline has passed: it stops at its first log step
        chunk = make_trainer(tmp_path / "b", [seen], **short)
        statuses.append(chunk.fit(state, deadline=time.monotonic()))
        state = load_checkpoint(checkpoint_path(tmp_path / "b" / "ckpt", chunk.step))
    assert statuses == ["paused"] * 4 + ["done"] and chunk.step == 10
    # a pause only checkpoints: evaluations (steps 4, 8, 10) and logs come at the same steps as in one run
    assert {step: sorted(v) for step, v in seen.metrics.items()} == {step: sorted(v) for step, v in straight.metrics.items()}
    assert torch.equal(weights(whole), weights(chunk))


def test_resnet110_warms_up_at_a_tenth_of_the_lr_until_its_training_error_falls_below_80_percent():
    recipe = get_recipe("resnet")
    assert recipe.config(None, depth=110).warmup_error == 0.8  # sec. 4.2
    assert recipe.config(None, depth=56).warmup_error == 0.0 and recipe.config(None, depth=110, warmup=False).warmup_error == 0.0
    assert "warmup" in recipe.config(None).to_dict()  # a run's record says whether it warmed up


@pytest.mark.parametrize("threshold", [1.01, 1e-6])  # crossed at the first log step; never crossed
def test_a_warm_up_ends_where_the_training_error_falls_below_its_threshold_and_resumes_so(tmp_path, monkeypatch,
                                                                                         threshold):
    monkeypatch.setattr(ResNetRunConfig, "warmup_error", property(lambda cfg: threshold))
    straight, seen = make_trainer(tmp_path / "a", [Collect()]), Collect()
    straight.fit()
    lr = {step: values["lr"] for step, values in straight.listeners[0].metrics.items() if "lr" in values}
    assert lr[5] == pytest.approx(0.01)  # warming up: a tenth of the lr
    assert lr[10] == pytest.approx(0.1 if threshold > 1 else 0.01)  # back to the lr once the error is below
    assert lr[15] == pytest.approx(0.01 if threshold > 1 else 0.001)  # the milestone divides either
    first = make_trainer(tmp_path / "b", stop_at=10)
    first.fit()
    _, state = newest_good_checkpoint(sorted((tmp_path / "b" / "ckpt").glob("*.pt")))
    assert state["warming"] is (threshold < 1)
    second = make_trainer(tmp_path / "b", [seen])
    second.fit(state)
    assert [seen.metrics[step]["lr"] for step in (15, 20)] == [lr[15], lr[20]]
    assert torch.equal(weights(straight), weights(second))


def test_same_seed_same_loss_and_learning(tmp_path):
    runs = []
    for name in ("a", "b"):
        seen = Collect()
        make_trainer(tmp_path / name, [seen], steps=40, lr=0.05, augment="none", train_size=64).fit()
        runs.append(seen.metrics)
    assert runs[0][40]["loss"] == runs[1][40]["loss"]
    assert runs[0][40]["loss"] < runs[0][5]["loss"]  # 40 steps on 64 images: the loss falls


def test_a_seeded_block_draws_the_same_and_leaves_other_threads_random_state_alone():
    import threading

    def draw(seed, out):
        for _ in range(20):
            with seeded(seed):
                out.append(torch.randn(4))

    outs = [[], []]
    threads = [threading.Thread(target=draw, args=(seed, out)) for seed, out in zip((0, 1), outs)]
    torch.manual_seed(7)
    expected = torch.randn(3)
    torch.manual_seed(7)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert torch.equal(torch.randn(3), expected)  # this thread's stream went on as if nothing drew
    for seed, out in zip((0, 1), outs):
        torch.manual_seed(seed)
        first = torch.randn(4)
        assert all(torch.equal(t, first) for t in out)


def test_diverging_run_says_so(tmp_path):
    with pytest.raises(RuntimeError, match="lower the learning rate"):
        make_trainer(tmp_path, lr=1e6, schedule="constant").fit()


def test_corrupt_checkpoint_falls_back_to_the_previous_one(tmp_path):
    trainer = make_trainer(tmp_path)
    trainer.fit()
    paths = sorted((tmp_path / "ckpt").glob("*.pt"))
    assert len(paths) == 2
    paths[-1].write_bytes(paths[-1].read_bytes()[:100])  # truncated, as after a crash mid-copy
    path, state = newest_good_checkpoint(paths)
    assert path == paths[0] and state["step"] == 10


def test_checkpoint_with_code_is_refused(tmp_path):
    class Payload:
        def __reduce__(self):
            return (print, ("pwned",))

    path = tmp_path / "evil.pt"
    torch.save({"step": 1, "model": Payload()}, path)
    with pytest.raises(RuntimeError, match="cannot read checkpoint"):
        load_checkpoint(path)


def test_schedules_follow_the_papers():
    decay = step_decay((32_000, 48_000), 0.1)
    assert [decay(s) for s in (0, 31_999, 32_000, 48_000)] == [1, 1, pytest.approx(0.1), pytest.approx(0.01)]
    rate = inverse_sqrt(4000, d_model=512)  # eq. 3 peaks at step 4000 at 512^-0.5 * 4000^-0.5
    assert rate(3999) == pytest.approx(512 ** -0.5 * 4000 ** -0.5)
    assert rate(99) < rate(3999) and rate(15_999) == pytest.approx(rate(3999) / 2, rel=1e-3)
    cosine = warmup_cosine(10, 110)
    assert cosine(0) == pytest.approx(0.1) and cosine(60) == pytest.approx(0.5) and cosine(110) == pytest.approx(0)
    assert lr_factor(TrainConfig(schedule="constant"))(10**6) == 1


@pytest.mark.parametrize("bad", [dict(lr=-1), dict(lr=math.nan), dict(steps=0), dict(optimizer="adagrad"),
                                 dict(schedule="inverse_sqrt", warmup_steps=0), dict(batch_size=2.5)])
def test_bad_configs_are_refused_with_a_reason(bad):
    with pytest.raises(ConfigError):
        TrainConfig(**bad)


def test_config_json_round_trip():
    """As the run store keeps a config (JSON: lists, not tuples) and reads it back."""
    cfg = get_recipe("resnet").config("lecture", depth=56, plain=True)
    again = type(cfg).from_dict(json.loads(cfg.to_json()))
    assert again == cfg and again.milestones == cfg.milestones
