"""A finished run becomes a bundled model folder the app loads, with a model card."""
from __future__ import annotations

import json

import pytest
import torch

from models.resnet import cifar_resnet
from train.checkpoint import load_weights
from train.cli import main
from train.export import export_run, model_card
from train.recipes import get_recipe
from train.runner import execute, legs, training_minutes
from train.store import RunStore

TINY = {"data": "sample", "depth": 8, "batch_size": 16, "steps": 4, "train_size": 64, "eval_size": 32, "val_size": 0,
        "log_every": 2}


def test_export_writes_weights_config_metrics_and_card(home, tmp_path):
    assert main(["resnet", "--data", "sample", "--depth", "8", "--batch-size", "16", "--steps", "4", "--train-size",
                 "64", "--eval-size", "32", "--val-size", "0", "--log-every", "2", "--quiet"]) == 0
    store = RunStore()
    [run] = store.list_runs()
    out = export_run(store, run.id, "resnet8-test", root=tmp_path)
    assert json.loads((out / "config.json").read_text())["config"]["depth"] == 8
    assert (out / "metrics.csv").read_text().splitlines()[0].startswith("step,")
    card = (out / "README.md").read_text()
    assert "python -m train resnet" in card and "--depth 8" in card
    assert "minutes over 1 leg(s)" in card and "  - steps 0-4: " in card and "(cpu, 1 process(es)" in card
    weights = load_weights(out / "model.safetensors")
    assert all(v.dtype == torch.float32 for v in weights.values() if v.is_floating_point())
    cifar_resnet(8).load_state_dict(weights)  # every key and shape fits the model


def test_unfinished_runs_are_not_bundled(home, tmp_path):
    store = RunStore()
    run_id = store.create_run("resnet", {"steps": 5})
    with pytest.raises(SystemExit, match="only finished runs"):
        export_run(store, run_id, "x", root=tmp_path)


def test_the_card_gives_each_leg_of_a_resumed_run_its_hardware_and_time(home):
    store = RunStore()
    run_id = store.create_run("resnet", get_recipe("resnet").config(None, **TINY).to_dict())
    assert execute(store, run_id, max_seconds=0) == "queued"  # pauses at its first log step, like a ZeroGPU chunk
    assert execute(store, run_id) == "done"
    first, second = legs(store, run_id)
    assert (first["step"], first["end_step"], second["step"], second["end_step"]) == (0, 2, 2, 4)
    assert training_minutes([first, second]) == pytest.approx(
        (first["end"] - first["time"] + second["end"] - second["time"]) / 60)
    card = model_card(store, run_id, "resnet8-test", half=True)
    assert "minutes over 2 leg(s)" in card and "  - steps 0-2: " in card and "  - steps 2-4: " in card

    del second["end"]  # a leg killed with -9 never closes: the card says what it can
    (store.run_dir(run_id) / "environment.json").write_text(json.dumps([first, second]))
    card = model_card(store, run_id, "resnet8-test", half=True)
    assert "from start to last update (a leg did not record its end)" in card and "  - steps 2-4: " in card
