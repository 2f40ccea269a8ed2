"""The AlexNet lab's figures (plotly) from the numbers in views.py: Fig. 1's speed-up, Fig. 3's kernels, curves."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.labs.alexnet import views
from explorer.labs.alexnet.views import epochs, first_below
from explorer.shared.i18n import text
from explorer.shared.plots import PALETTE, base_layout, curves_figure, error_tags, png_uri


def make_filter_figure(weights: np.ndarray, towers: int, title: str, lang: str = "en", *,
                       uirevision: str | None = None) -> go.Figure:
    """Fig. 3: all conv1 kernels, one grid per tower (GPU 1's above GPU 2's), each sorted from grey to colourful so
    the towers' colour split shows as a picture; a colourfulness bar (and hover value) under each kernel."""
    parts = views.tower_split(weights, towers)
    k = weights.shape[-1]
    scale, cols = max(2, 40 // k), 8 if len(parts[0]) <= 32 else 12
    grids, titles = [], []
    for n, part in enumerate(parts, 1):
        scores = views.colourfulness(part)
        order = np.argsort(scores, kind="stable")
        grids.append((views.filter_grid(part[order], cols=cols, scale=scale, scores=scores[order]), scores[order],
                      order + (n - 1) * len(part) + 1))
        titles.append(text("alexnet.fig_tower", lang, n=n, score=float(scores.mean())) if towers > 1
                      else text("alexnet.fig_all", lang, n=len(part), score=float(scores.mean())))
    fig = make_subplots(rows=len(parts), cols=1, subplot_titles=titles, vertical_spacing=0.1 / len(parts))
    pad, bar = 2, max(2, scale)
    for row, (grid, scores, numbers) in enumerate(grids, 1):
        fig.add_trace(go.Image(source=png_uri(grid), hoverinfo="skip"), row=row, col=1)
        index = np.arange(len(scores))
        side = k * scale
        xs = pad + (index % cols) * (side + pad) + side / 2
        ys = pad + (index // cols) * (side + bar + pad) + side / 2
        hover = [text("alexnet.fig_kernel", lang, i=int(i), score=float(s)) for i, s in zip(numbers, scores)]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", marker={"size": side, "opacity": 0}, hovertext=hover,
                                 hoverinfo="text", showlegend=False), row=row, col=1)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor=None)
    width = 760  # nominal: the figure fills its column's width (a fixed width was cut off in half-width columns)
    height = sum(int(width * g.shape[0] / g.shape[1]) for g, _, _ in grids) + 70 * len(grids) + 40
    fig.update_layout(title=title, height=height, margin={"l": 10, "r": 10, "t": 80, "b": 10},
                      template="plotly_white", uirevision=uirevision)
    return fig


def make_run_figure(title: str, metrics: dict, lang: str = "en", *, uirevision: str | None = None) -> go.Figure:
    """A run's training and test error as it trains; uirevision (the run) keeps the user's zoom across redraws."""
    fig = curves_figure([(title, metrics)], ["train_error", "test_error"], percent=True,
                         dashes={"train_error": "dash"}, tags=error_tags(lang), title=text("alexnet.fig_curves", lang),
                         x_title=text("common.iteration", lang), y_title=text("common.error_pct", lang))
    return fig.update_layout(uirevision=uirevision)


def make_fig1_figure(runs: list[tuple[str, dict, dict]], lang: str = "en", level: float = 0.25) -> go.Figure:
    """Fig. 1: training error against epochs, where each run first reaches `level` marked, and the speed-up.

    runs: (label, config, metrics) with ReLU first, as the relu-vs-tanh experiment lists them.
    """
    fig, reached, last = go.Figure(), {}, {}
    for i, (label, config, metrics) in enumerate(runs):
        if "train_error" not in metrics:
            continue
        steps, errors = metrics["train_error"]
        xs = epochs(config, steps)
        last[label] = xs[-1] if xs else 0.0
        color = PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Scatter(x=xs, y=[100 * e for e in errors], mode="lines", name=label, line={"color": color}))
        epoch = first_below(xs, errors, level)
        if epoch is not None:
            reached[label] = epoch
            fig.add_vline(x=epoch, line={"color": color, "dash": "dot"})
            fig.add_trace(go.Scatter(x=[epoch], y=[100 * level], mode="markers", marker={"color": color, "size": 10},
                                     name=text("alexnet.fig_reached", lang, label=label, epoch=epoch)))
    fig.add_hline(y=100 * level, line={"color": "#888", "dash": "dash"})
    labels = [label for label, _, _ in runs]
    if len(labels) == 2 and all(label in reached for label in labels):
        ratio = reached[labels[1]] / max(reached[labels[0]], 1e-9)
        speedup = text("alexnet.fig_speedup", lang, speedup=f"{ratio:.1f}x")
    elif len(labels) == 2 and labels[0] in reached and labels[1] in last:
        # the slower net has not reached the level yet: its epochs so far give a lower bound
        ratio = last[labels[1]] / max(reached[labels[0]], 1e-9)
        speedup = text("alexnet.fig_speedup", lang, speedup=f"≥ {ratio:.1f}x")
    else:
        speedup = text("alexnet.fig_not_yet", lang)
    fig.add_annotation(text=speedup, xref="paper", yref="paper", x=0.99, y=0.98, showarrow=False, xanchor="right",
                       font={"size": 15}, bgcolor="rgba(255,255,255,0.8)")
    return base_layout(fig, text("alexnet.fig_fig1", lang), text("alexnet.fig_epochs", lang),
                       text("alexnet.fig_train_error", lang) + " (%)", height=520, legend_below=True)


def make_group_figure(experiment: str, runs: list[tuple[str, dict, dict]], lang: str = "en", *,
                      uirevision: str | None = None) -> go.Figure:
    """An ablation's curves (Fig. 1's in epochs); uirevision (the group shown) keeps the user's zoom across redraws."""
    if experiment == "relu-vs-tanh":
        return make_fig1_figure(runs, lang).update_layout(uirevision=uirevision)
    fig = curves_figure([(label, metrics) for label, _, metrics in runs], ["train_error", "test_error"],
                         percent=True, dashes={"train_error": "dash"}, tags=error_tags(lang), lang=lang,
                         title=text(f"alexnet.title_{experiment}", lang),
                         x_title=text("common.iteration", lang), y_title=text("common.error_pct", lang))
    return fig.update_layout(uirevision=uirevision)
