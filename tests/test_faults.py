"""Faults the app must survive: a restart during a run, kill -9, a full disk, a corrupt checkpoint in the views."""
from __future__ import annotations

import os
import signal
import sqlite3
import time

import gradio as gr
import pytest
import torch

from explorer.labs.alexnet import tab as alexnet_tab
from explorer.labs.resnet import tab as resnet_tab
from explorer.labs.runs import tab as runs_tab
from explorer.serving import deployment, services
from models.resnet import cifar_resnet
from train import checkpoint
from train.checkpoint import load_checkpoint, save_checkpoint
from train.launcher import Launcher
from train.recipes import get_recipe
from train.recipes.alexnet import build_model
from train.runner import execute, legs
from train.store import RunStore

TINY = {"data": "sample", "depth": 8, "batch_size": 16, "train_size": 256, "eval_size": 64, "val_size": 0,
        "log_every": 2, "eval_every": 1000, "snapshot_every": 1000, "milestones": ()}
REQUEST = gr.Request(headers={"cookie": "paperlab-lang=en"}, session_hash="faults")


def wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.2)


def tiny_config(**overrides) -> dict:
    return get_recipe("resnet").config(None, **{**TINY, **overrides}).to_dict()


def test_app_restart_finds_the_run_and_kill_9_resumes_it_exactly(home):
    before = Launcher(RunStore())  # the app before its restart
    run_id = before.submit("resnet", tiny_config(steps=150, checkpoint_every=6))
    wait_for(lambda: RunStore().get(run_id).step >= 8)
    del before  # the app stops; its training process lives on in its own session

    services.store.cache_clear()  # ... and the app starts again
    services.launcher.cache_clear()
    deployment.configure(gr.Blocks())
    table = runs_tab.refresh(None, None, None, None, REQUEST)[0].constructor_args["value"]
    assert [row[3] for row in table if row[0] == run_id] == ["running"]

    pid = services.store().get(run_id).pid
    os.kill(pid, signal.SIGKILL)  # the machine loses the process too
    wait_for(lambda: services.store().get(run_id).status == "interrupted", timeout=30)  # the launcher's tick notices
    stopped = services.store().get(run_id)
    assert "resume" in stopped.message and stopped.step < 150

    assert "continue" in runs_tab.resume(run_id, "", REQUEST)
    wait_for(lambda: services.store().get(run_id).status == "done")
    assert services.store().metrics(run_id)["loss"][0] == list(range(2, 151, 2))  # nothing lost, nothing twice


def disk_full_on_second_checkpoint(monkeypatch) -> None:
    calls = []
    real_save = torch.save

    def save(state, path):
        calls.append(path)
        if len(calls) == 2:
            open(path, "wb").write(b"half a checkpo")
            raise OSError(28, "No space left on device")
        real_save(state, path)

    monkeypatch.setattr(checkpoint.torch, "save", save)


def database_full_at_step_6(monkeypatch) -> None:
    real_log = RunStore.log_metrics

    def log_metrics(self, run_id, step, values):
        if step == 6:
            raise sqlite3.OperationalError("database or disk is full")
        real_log(self, run_id, step, values)

    monkeypatch.setattr(RunStore, "log_metrics", log_metrics)


@pytest.mark.parametrize("fault, reason", [(disk_full_on_second_checkpoint, "disk full: free some space"),
                                           (database_full_at_step_6, "database or disk is full")])
def test_a_write_failure_fails_the_run_cleanly_and_it_resumes(home, monkeypatch, fault, reason):
    store = RunStore()
    run_id = store.create_run("resnet", tiny_config(steps=12, checkpoint_every=4))
    with monkeypatch.context() as patch:
        fault(patch)
        with pytest.raises((OSError, sqlite3.Error)):
            execute(store, run_id)
    run = store.get(run_id)
    assert run.status == "failed" and reason in run.message and run.pid is None
    [good] = store.checkpoints(run_id)  # the checkpoint before the failure, whole; no temporary file left
    assert good.name == "step-000000004.pt" and load_checkpoint(good)["step"] == 4
    assert sorted(p.name for p in good.parent.iterdir()) == [good.name]

    assert execute(store, run_id) == "done"
    assert store.metrics(run_id)["loss"][0] == list(range(2, 13, 2))
    crashed, resumed = legs(store, run_id)  # the failed leg is closed too, so model cards can add up the time
    assert crashed["step"] == 0 and crashed["end_step"] >= 4 and (resumed["step"], resumed["end_step"]) == (4, 12)


def test_a_corrupt_checkpoint_is_a_clear_error_for_that_run_only(home):
    store = services.store()
    runs = {}
    for name in ("good", "corrupt"):
        alex = get_recipe("alexnet").config("lecture", data="sample")
        runs["alexnet", name] = store.create_run("alexnet", alex.to_dict(), label=name, status="done")
        save_checkpoint(store.checkpoint_dir(runs["alexnet", name]), 5, {"model": build_model(alex).state_dict()})
        res = tiny_config(steps=5)
        runs["resnet", name] = store.create_run("resnet", res, label=name, status="done")
        save_checkpoint(store.checkpoint_dir(runs["resnet", name]), 5, {"model": cifar_resnet(8).state_dict()})
    for lab in ("alexnet", "resnet"):
        [path] = store.checkpoints(runs[lab, "corrupt"])
        path.write_bytes(path.read_bytes()[:1000])  # truncated, as by a crash of an older, non-atomic writer

    with pytest.raises(gr.Error, match="Cannot load this model: cannot read checkpoint step-000000005.pt"):
        alexnet_tab.show_filters(f"run:{runs['alexnet', 'corrupt']}", REQUEST, progress=None)
    assert alexnet_tab.show_filters(f"run:{runs['alexnet', 'good']}", REQUEST, progress=None)[1].data

    with pytest.raises(gr.Error, match="Cannot read the checkpoint corrupt · step 5 .*the other checkpoints"):
        resnet_tab.show_responses([f"{runs['resnet', 'corrupt']}:5"], REQUEST, progress=gr.Progress())
    figure = resnet_tab.show_responses([f"{runs['resnet', 'good']}:5"], REQUEST, progress=gr.Progress())
    assert len(figure.data[0].y) == 7  # depth 8 = 6n+2 with n=1: the stem and six 3x3 layers in three blocks


def test_a_full_disk_while_preparing_a_download_is_a_clear_error(home, monkeypatch):
    run_id = services.store().create_run("resnet", tiny_config(steps=5))

    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch, pytest.raises(gr.Error, match="No space left on device.*disk may be full"):
        patch.setattr(services, "atomic_write", full)
        runs_tab.metrics_file(run_id, REQUEST)
    assert runs_tab.metrics_file(run_id, REQUEST).endswith(f"{run_id}-metrics-step0.csv")
