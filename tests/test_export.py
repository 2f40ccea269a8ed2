"""A finished run becomes a bundled model folder the app loads, with a model card."""
from __future__ import annotations

import json

import pytest
import torch

from models.resnet import cifar_resnet
from train.checkpoint import load_weights
from train.cli import main
from train.export import export_run
from train.store import RunStore


def test_export_writes_weights_config_metrics_and_card(home, tmp_path):
    assert main(["resnet", "--data", "sample", "--depth", "8", "--batch-size", "16", "--steps", "4", "--train-size",
                 "64", "--eval-size", "32", "--val-size", "0", "--log-every", "2", "--quiet"]) == 0
    store = RunStore()
    [run] = store.list_runs()
    out = export_run(store, run.id, "resnet8-test", root=tmp_path)
    assert json.loads((out / "config.json").read_text())["config"]["depth"] == 8
    assert (out / "metrics.csv").read_text().splitlines()[0].startswith("step,")
    card = (out / "README.md").read_text()
    assert "python -m train resnet" in card and "--depth 8" in card and "wall time" in card and "cpu" in card
    weights = load_weights(out / "model.safetensors")
    assert all(v.dtype == torch.float32 for v in weights.values() if v.is_floating_point())
    cifar_resnet(8).load_state_dict(weights)  # every key and shape fits the model


def test_unfinished_runs_are_not_bundled(home, tmp_path):
    store = RunStore()
    run_id = store.create_run("resnet", {"steps": 5})
    with pytest.raises(SystemExit, match="only finished runs"):
        export_run(store, run_id, "x", root=tmp_path)
