"""Reference runs bundled with the app: curves in assets/reference/<lab>/<experiment>/<label>.csv (+ <label>.json),
models in assets/models/<name>/ (model.safetensors, config.json, a model card).

`python -m train.reference` writes them: each run's metrics as RunStore.metrics_csv writes them (one
row per step, one column per metric, an empty cell where a metric was not measured) and a sidecar
with its config and the number of training images. The labs draw them beside the user's own runs.
"""
from __future__ import annotations

import csv
import functools
import json
from pathlib import Path

import numpy as np

from explorer.shared.i18n import text
from train.data import ASSETS

REFERENCE_DIR = ASSETS / "reference"
MODELS_DIR = ASSETS / "models"
Curves = dict[str, tuple[list[int], list[float]]]  # metric name -> (steps, values), as RunStore.metrics returns


def read_curves(path: Path) -> Curves:
    curves: Curves = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            for name, value in row.items():
                if name != "step" and value and value.strip():
                    steps, values = curves.setdefault(name, ([], []))
                    steps.append(int(row["step"]))
                    values.append(float(value))
    return curves


@functools.cache
def load(lab: str, experiment: str, root: Path = REFERENCE_DIR) -> list[tuple[str, dict, Curves]]:
    """(label, config, metrics) of each reference run of an experiment, by label; [] when there are none.

    Read once per process (the files ship with the app); the result is shared, so callers must not change it."""
    runs = []
    for path in sorted((root / lab / experiment).glob("*.csv")):
        sidecar = path.with_suffix(".json")
        config = json.loads(sidecar.read_text()) if sidecar.exists() else {}
        runs.append((path.stem, config, read_curves(path)))
    return runs


@functools.cache
def load_snapshots(lab: str, experiment: str, name: str, root: Path = REFERENCE_DIR) -> dict[str, tuple[list[int],
                                                                                                       np.ndarray]]:
    """A reference run's per-layer profiles over training, from <name>.npz beside its curve (as
    train.reference.write_snapshots writes it): {kind: (steps, array of one row per step)}; {} where none ship."""
    path = root / lab / experiment / f"{name}.npz"
    if not path.exists():
        return {}
    with np.load(path) as saved:
        return {kind: (saved[f"{kind}_steps"].tolist(), saved[kind]) for kind in saved.files
                if not kind.endswith("_steps")}


def bundled_models(recipe: str, root: Path | None = None) -> dict[str, tuple[dict, Path]]:
    """{name: (run config, weights file)} of the bundled models (root: assets/models) a recipe trained, by name."""
    out = {}
    for path in sorted((root or MODELS_DIR).glob("*/config.json")):
        meta = json.loads(path.read_text())
        if meta.get("recipe") == recipe:
            out[path.parent.name] = meta["config"], path.parent / "model.safetensors"
    return out


def recent(curves: Curves, metric: str, until: float = float("inf"), count: int = 10) -> float:
    """A metric as the papers plot it, smoothed: the mean of its last `count` logged values up to step `until`."""
    steps, values = curves[metric]
    return float(np.mean([v for s, v in zip(steps, values) if s <= until][-count:]))


def final_test_error(folder: Path) -> float | None:
    """The last test error in a bundled model's metrics.csv; None where it has none."""
    metrics = read_curves(folder / "metrics.csv") if (folder / "metrics.csv").exists() else {}
    return metrics["test_error"][1][-1] if "test_error" in metrics else None


@functools.cache
def bundled_label(folder: Path, lang: str = "en") -> str:
    """A bundled model's name with its headline number, for model lists: "alexnet-cifar (bundled · test 85.05%)".

    The number is the held-out test BLEU in config.json for translators, else the last test accuracy in metrics.csv.
    """
    meta = json.loads((folder / "config.json").read_text()) if (folder / "config.json").exists() else {}
    error = final_test_error(folder)
    if "test_bleu" in meta:
        score = text("common.bundled_bleu", lang, bleu=meta["test_bleu"])
    elif error is not None:
        score = text("common.bundled_test", lang, accuracy=100 * (1 - error))
    else:
        score = ""
    return text("common.bundled_label", lang, name=folder.name, score=score)
