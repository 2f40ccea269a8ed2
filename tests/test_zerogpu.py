"""On a ZeroGPU Space runs train in bounded, resumable GPU chunks; a cancel between chunks holds; no torch.compile."""
from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
import torch

from explorer.serving import gpu, services, zerogpu
from train.launcher import Launcher
from train.store import RunStore

CONFIG = {"data": "sample", "depth": 8, "batch_size": 16, "train_size": 256, "eval_size": 64, "val_size": 0,
          "steps": 8, "log_every": 2, "eval_every": 4, "checkpoint_every": 4, "snapshot_every": 1000,
          "compile": "default"}  # asks for torch.compile, which ZeroGPU does not have


@pytest.fixture
def space(home, monkeypatch):
    """The app as on a ZeroGPU Space, with a stand-in `spaces` whose GPU calls run in this process and record
    (duration, status, step) after each chunk; every chunk trains one log interval; torch.compile is recorded."""
    seen = SimpleNamespace(chunks=[], compiled=[], before=lambda run_id: None, after=lambda run_id: None)

    class FakeSpaces:
        @staticmethod
        def GPU(fn=None, *, duration=60):  # noqa: N802 (the name spaces uses)
            def call(home, run_id):
                seen.before(run_id)
                fn(home, run_id)
                run = RunStore(home).get(run_id)
                seen.chunks.append((duration, run.status, run.step))
                seen.after(run_id)
            return call

    monkeypatch.setattr(gpu, "ZERO_GPU", True)
    monkeypatch.setattr(gpu, "spaces", FakeSpaces, raising=False)
    monkeypatch.setattr(zerogpu, "TRAIN_S", 0.0)
    monkeypatch.setattr(torch, "compile", lambda model, **kw: seen.compiled.append(kw) or model)
    return seen


def ended(run_id: str, timeout: float = 120.0):
    """The run's record once it is neither queued nor running."""
    deadline = time.time() + timeout
    while (run := services.store().get(run_id)).active:
        assert time.time() < deadline, f"still {run.status} at step {run.step}"
        time.sleep(0.1)
    return run


def test_a_run_trains_chunk_by_chunk_to_the_end(space):
    launcher = services.launcher()
    assert isinstance(launcher, zerogpu.ChunkLauncher)
    run_id = launcher.submit("resnet", CONFIG)
    run = ended(run_id)
    assert (run.status, run.step) == ("done", 8), run.message
    # each chunk trains one log interval, then leaves the run queued (not cancelled) for the next one
    assert space.chunks == [(60, "queued", 2), (60, "queued", 4), (60, "queued", 6), (60, "done", 8)]
    metrics = services.store().metrics(run_id)
    assert metrics["loss"][0] == [2, 4, 6, 8] and metrics["test_error"][0] == [4, 8]  # each step once, evals on schedule
    assert space.compiled == []


def test_a_cancel_between_chunks_stops_the_run_resumably(space):
    launcher = services.launcher()
    space.after = lambda run_id: len(space.chunks) == 2 and launcher.cancel(run_id)
    run_id = launcher.submit("resnet", CONFIG)
    run = ended(run_id)
    assert (run.status, run.step) == ("cancelled", 4)
    # the launcher's own tick may start a third chunk before the cancel lands: it must stop at once, untrained
    assert space.chunks[2:] in ([], [(60, "cancelled", 4)])
    launcher.resume(run_id)
    assert ended(run_id).status == "done"
    assert sorted({step for _, _, step in space.chunks}) == [2, 4, 6, 8]
    assert services.store().metrics(run_id)["loss"][0] == [2, 4, 6, 8]


def test_a_cancel_while_waiting_for_a_gpu_is_not_lost(space):
    launcher = services.launcher()  # cancelling never signals: the run's pid is this test's process
    space.before = lambda run_id: len(space.chunks) == 1 and launcher.cancel(run_id)
    run_id = launcher.submit("resnet", CONFIG)
    assert ended(run_id).status == "cancelled"
    deadline = time.time() + 30  # the cancel lands before the second chunk's call has finished recording
    while len(space.chunks) < 2 and time.time() < deadline:
        time.sleep(0.05)
    assert space.chunks == [(60, "queued", 2), (60, "cancelled", 2)]


def test_a_refused_gpu_call_fails_the_run_with_its_reason(space):
    def refuse(run_id):
        raise RuntimeError("ZeroGPU quota exceeded")

    space.before = refuse
    run = ended(services.launcher().submit("resnet", CONFIG))
    assert run.status == "failed" and "quota exceeded" in run.message and space.chunks == []


def test_off_zerogpu_runs_keep_their_own_processes(home):
    assert not gpu.ZERO_GPU and type(services.launcher()) is Launcher
