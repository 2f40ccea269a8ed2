"""The Runs tab's numbers: the store's runs as table rows and choices, and their curves (no plotly)."""
from __future__ import annotations

import time
from typing import Any

from explorer.serving.services import store
from explorer.shared import run_text
from explorer.shared.i18n import text
from train.store import RunRecord

COLUMNS = ("id", "label", "recipe", "status", "step", "updated", "message")  # keys runs.col_<name>


def headers(lang: str = "en") -> list[str]:
    return [text(f"runs.col_{name}", lang) for name in COLUMNS]


def title(run: RunRecord, lang: str = "en") -> str:
    """A run's name in lists and legends: its label (an experiment's variant name translated), else recipe and id."""
    return run_text.label(run.label, lang) if run.label else run.title


def run_rows(runs: list[RunRecord], lang: str = "en") -> list[list[Any]]:
    """The table's rows, statuses and the trainer's messages in lang."""
    return [[r.id, run_text.label(r.label, lang), r.recipe, run_text.status(r.status, lang), f"{r.step}/{r.total_steps}",
             time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r.updated)), run_text.message(r.message[:120], lang)]
            for r in runs]


def run_choices(runs: list[RunRecord], lang: str = "en") -> list[tuple[str, str]]:
    return [(f"{title(r, lang)} · {run_text.status(r.status, lang)} · {r.id}", r.id) for r in runs]


def run_series(run_ids: list[str], lang: str = "en") -> list[tuple[str, dict]]:
    """(title, metrics) of each run that is still in the store, in the order asked."""
    series = []
    for run_id in run_ids:
        try:
            run = store().get(run_id)
        except KeyError:
            continue
        series.append((title(run, lang), store().metrics(run_id)))
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
