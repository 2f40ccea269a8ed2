"""The Runs tab's numbers: the store's runs as table rows and choices, and their curves (no plotly)."""
from __future__ import annotations

import time
from typing import Any

from explorer.serving.services import store
from train.store import RunRecord

HEADERS = ["id", "label", "recipe", "status", "step", "updated", "message"]


def run_rows(runs: list[RunRecord]) -> list[list[Any]]:
    return [[r.id, r.label, r.recipe, r.status, f"{r.step}/{r.total_steps}",
             time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r.updated)), r.message[:120]] for r in runs]


def run_choices(runs: list[RunRecord]) -> list[tuple[str, str]]:
    return [(f"{r.title} · {r.status} · {r.id}", r.id) for r in runs]


def run_series(run_ids: list[str]) -> list[tuple[str, dict]]:
    """(title, metrics) of each run that is still in the store, in the order asked."""
    series = []
    for run_id in run_ids:
        try:
            run = store().get(run_id)
        except KeyError:
            continue
        series.append((run.title, store().metrics(run_id)))
    return series


def newest_with_points(runs: list[RunRecord]) -> str | None:
    """The id of the newest run (runs come newest first) that has logged a metric, or None."""
    return next((r.id for r in runs if store().metrics(r.id)), None)


def metric_names(run_ids: list[str]) -> list[str]:
    names: set[str] = set()
    for run_id in run_ids:
        try:
            names |= set(store().metrics(run_id))
        except KeyError:
            continue
    return sorted(names)
