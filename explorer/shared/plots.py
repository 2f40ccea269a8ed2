"""Figure builders shared by the tabs: plotly figures from plain numbers, and the tables read off them.

Every gr.Plot gets PNG and SVG download buttons and, in presenter mode, projector-sized text in the
browser (explorer/shared/shell.js), so figure builders here and in the tabs need not do anything for either.
"""
from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from explorer.shared import reference_runs, run_text
from explorer.shared.i18n import text
from explorer.shared.user_text import shown

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
FONT = dict(family="Noto Sans, Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif",
            size=14)  # explorer/shared/shell.css's faces


def base_layout(fig: go.Figure, title: str, x_title: str, y_title: str, *, height: int = 420,
                legend_below: bool = False) -> go.Figure:
    """The app's plot style; the legend sits above the plot, or at the figure's foot where it is long (many runs):
    placed on the figure, not the plot area, so that it stays clear of the x-axis title at any height and text size."""
    legend = (dict(orientation="h", yref="container", yanchor="bottom", y=0) if legend_below
              else dict(orientation="h", yanchor="bottom", y=1.02))
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, height=height, font=FONT,
                      template="plotly_white", margin=dict(l=60, r=20, t=60, b=130 if legend_below else 50),
                      legend=dict(**legend, xanchor="left", x=0))
    return fig


def error_tags(lang: str) -> dict[str, str]:
    """How training and test error are named beside a run's label in legends."""
    return {"train_error": text("common.train_error", lang), "test_error": text("common.test_error", lang)}


def curves_figure(series: Sequence[tuple[str, dict[str, tuple[list[int], list[float]]]]], names: Sequence[str],
                  *, title: str = "", x_title: str = "iteration", y_title: str = "", percent: bool = False,
                  dashes: dict[str, str] | None = None, tags: dict[str, str] | None = None,
                  lang: str = "en") -> go.Figure:
    """One line per (run, metric): runs by colour, metrics by dash (e.g. train dashed, test solid as in Fig. 6).

    series: (run label, {metric name: (steps, values)}) for each run, as RunStore.metrics returns; tags: how a
    metric is named in the legend (default: its own name); an experiment's variant label is named in lang.
    """
    dashes, tags = dashes or {}, tags or {}
    fig = go.Figure()
    for i, (label, metrics) in enumerate(series):
        for name in names:
            if name not in metrics:
                continue
            steps, values = metrics[name]
            ys = [100 * v for v in values] if percent else values
            fig.add_trace(go.Scatter(x=steps, y=ys, mode="lines+markers" if len(steps) < 30 else "lines",
                                     name=f"{shown(run_text.label(label, lang), markdown=False)} {tags.get(name, name)}",
                                     line=dict(color=PALETTE[i % len(PALETTE)], dash=dashes.get(name, "solid"))))
    return base_layout(fig, title, x_title, y_title + (" (%)" if percent else ""), legend_below=True)  # many runs


def ends_markdown(runs: Sequence[tuple[str, dict, reference_runs.Curves]], lang: str, note: str = "") -> str:
    """Where each run ends, as the papers plot it: its last step, training error (mean of the last ten logged
    values), test error (mean of the last three evaluations) and the gap between them; `note` says what to read
    off it. "" where no run has been tested yet."""
    rows = []
    for label, _, metrics in runs:
        if "test_error" not in metrics or "train_error" not in metrics:
            continue
        train, test = (100 * reference_runs.recent(metrics, metric, count=count)
                       for metric, count in (("train_error", 10), ("test_error", 3)))
        end = metrics["train_error"][0][-1]
        rows.append(f"| {shown(run_text.label(label, lang))} | {end:,} | {train:.1f}% | {test:.2f}% | {test - train:.1f} |")
    if not rows:
        return ""
    title = text("common.ends_title", lang, note=note).rstrip()
    return "\n".join([title, "", text("common.ends_columns", lang), "|---|---|---|---|---|", *rows])


def png_bytes(image: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="PNG")
    return buf.getvalue()


def png_uri(image: np.ndarray) -> str:
    """An image for a go.Image trace's source: far smaller in the page than its pixels as numbers."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(image)).decode()
