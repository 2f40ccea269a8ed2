"""The run store keeps everything and never takes a path from user text."""
from __future__ import annotations

import os
import subprocess

import numpy as np
import pytest

from train.store import RunStore, atomic_write, check_run_id


def test_round_trip(home):
    store = RunStore()
    run_id = store.create_run("resnet", {"steps": 10, "depth": 20}, label="first")
    run = store.get(run_id)
    assert (run.recipe, run.status, run.config["depth"], run.total_steps, run.label) == ("resnet", "queued", 20, 10, "first")
    store.update(run_id, status="running", pid=os.getpid())
    for step in (1, 2, 3):
        store.log_metrics(run_id, step, {"loss": 1.0 / step, "train_error": 0.5})
    store.log_metrics(run_id, 3, {"test_error": float("nan")})
    table = store.metrics(run_id)
    assert table["loss"] == ([1, 2, 3], [1.0, 0.5, 1 / 3])
    assert np.isnan(table["test_error"][1][0])
    assert store.get(run_id).step == 3
    assert store.metrics_csv(run_id).splitlines()[:2] == ["step,loss,test_error,train_error", "1,1.0,,0.5"]

    filters = np.random.rand(4, 3, 5, 5).astype(np.float32)
    store.save_snapshot(run_id, 2, "conv1", filters)
    store.save_snapshot(run_id, 3, "conv1", filters * 2)
    step, array = store.load_snapshot(run_id, "conv1")
    assert step == 3 and np.allclose(array, filters * 2)
    assert store.load_snapshot(run_id, "conv1", step=2)[1].tolist() == filters.tolist()

    store.truncate_metrics(run_id, after_step=2)
    assert store.metrics(run_id)["loss"][0] == [1, 2]
    assert store.snapshot_steps(run_id, "conv1") == [2]

    # a second store object (another process, in practice) sees the same runs
    assert [r.id for r in RunStore().list_runs()] == [run_id]
    store.update(run_id, status="done", pid=None)
    store.delete(run_id)
    assert store.list_runs() == [] and not store.run_dir(run_id).exists()


@pytest.mark.parametrize("bad", ["../../etc/passwd", "", "20260101-000000-abcdeg", None, 5, "x" * 500,
                                 "20260101-000000-abcdef/../x"])
def test_run_ids_are_validated(home, bad):
    with pytest.raises(KeyError):
        check_run_id(bad)
    with pytest.raises(KeyError):
        RunStore().get(bad)


def test_dead_process_is_marked_interrupted(home):
    store = RunStore()
    run_id = store.create_run("resnet", {"steps": 5})
    proc = subprocess.Popen(["true"])
    proc.wait()
    store.update(run_id, status="running", pid=proc.pid)
    assert store.reconcile() == [run_id]
    assert store.get(run_id).status == "interrupted"


def test_stop_request_cancels_a_queued_run(home):
    store = RunStore()
    run_id = store.create_run("resnet", {"steps": 5})
    store.request_stop(run_id)
    assert store.get(run_id).status == "cancelled" and store.stop_requested(run_id)


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path):
    path = tmp_path / "a.txt"
    atomic_write(path, lambda p: p.write_text("old"))

    def broken(p):
        p.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic_write(path, broken)
    assert path.read_text() == "old" and list(tmp_path.iterdir()) == [path]


def test_wal_switch_waits_out_a_lock_but_not_other_errors():
    """torchrun's ranks open a new store at once; switching to WAL can meet a lock that the busy timeout skips."""
    import sqlite3

    from train.store import _enable_wal

    class Flaky:
        def __init__(self, errors):
            self.errors, self.calls = list(errors), 0

        def execute(self, sql):
            self.calls += 1
            if self.errors:
                raise sqlite3.OperationalError(self.errors.pop(0))

    locked = Flaky(["database is locked", "database is locked"])
    _enable_wal(locked)
    assert locked.calls == 3
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        _enable_wal(Flaky(["disk I/O error"]))
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _enable_wal(Flaky(["database is locked"] * 3), tries=3)
