"""The ResNet lab's figures (plotly) from the numbers in views.py: Fig. 6's error curves, Fig. 7's layer responses."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.labs.resnet import views
from explorer.labs.resnet.views import Profile, Series
from explorer.shared import run_text
from explorer.shared.i18n import text
from explorer.shared.plots import FONT, PALETTE, base_layout, error_tags, png_uri
from models.resnet import SHORTCUTS
from train.recipes.resnet import variant_label

DEPTH_ORDER = (20, 56, 32, 44, 110)               # colour order: Fig. 6's two depths first, blue and red


def arch_colour(cfg: dict) -> str:
    """One colour per architecture in every ResNet plot: per depth, and per shortcut option at a depth; another for
    a net trained on its images coded once more, and for another seed."""
    depth, shortcut = cfg.get("depth", 20), cfg.get("shortcut", "A")
    i = DEPTH_ORDER.index(depth) if depth in DEPTH_ORDER else len(DEPTH_ORDER)
    i += 3 * (SHORTCUTS.index(shortcut) if shortcut in SHORTCUTS else 0) + 4 * bool(cfg.get("recode_quality"))
    i += 5 * bool(cfg.get("seed"))
    return PALETTE[i % len(PALETTE)]


def make_fig6_figure(live: Sequence[Series], reference: Sequence[Series], lang: str = "en", *,
                     uirevision: str | None = None) -> go.Figure:
    """Fig. 6: plain networks left and ResNets right on one error axis (one panel where only one kind is shown).

    A colour per architecture (arch_colour), so plain-56 above plain-20 on the left and ResNet-56 below
    ResNet-20 on the right read at a glance; training error dashed, test error solid; reference runs faint under
    live ones. Runs of one recipe with several seeds are drawn as their mean and a band from the lowest to the highest
    seed. While live runs are shown the plot frames them: each reference run's whole schedule is drawn over the live
    runs' (the same fraction of each schedule at each x), so a 300-iteration lecture run fills the plot. The y-axis
    stops above the last errors (the paper shows 0-20%); uirevision keeps the user's zoom across redraws.
    """
    everything = [*reference, *live]
    kinds = [plain for plain in (True, False) if any(bool(cfg.get("plain")) == plain for _, cfg, _ in everything)]
    kinds = kinds or [False]
    fig = make_subplots(1, len(kinds), shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=[text("resnet.panel_plain" if plain else "resnet.panel_residual", lang)
                                        for plain in kinds])
    frame = max((views.schedule(cfg) for _, cfg, _ in live), default=0)
    last = []  # each curve's last error (%)
    for is_reference, series in ((True, reference), (False, live)):
        for group in views.seed_groups(list(series)):
            last += _draw_group(fig, group, is_reference, bool(live), frame if is_reference else 0,
                                kinds.index(bool(group[0][1].get("plain"))) + 1, lang)
    base_layout(fig, text("resnet.curves_title", lang), "", text("common.error_pct", lang) + " (%)", height=540,
                legend_below=True)
    fig.update_xaxes(title_text=text("common.iteration", lang), range=[0, frame] if frame else None)
    fig.update_yaxes(range=[0, max(20, min(100, 10 * int(np.ceil(1.5 * max(last, default=0) / 10))))])
    return fig.update_layout(uirevision=uirevision)


def _draw_group(fig: go.Figure, group: Sequence[Series], is_reference: bool, faint: bool, frame: int, col: int,
                lang: str) -> list[float]:
    """One run's curves, or several seeds' mean and band, into Fig. 6's panel `col`; the last errors (%) drawn. With
    `frame`, a reference run's schedule is drawn over the first `frame` iterations (the legend says so)."""
    label, cfg, curves = group[0]
    label = run_text.label(label, lang)
    color, faint = arch_colour(cfg), is_reference and faint
    total = views.schedule(cfg)
    scale = frame / total if frame and total else 1.0
    suffix = ""
    if is_reference:
        suffix = (f" ({text('resnet.reference_framed', lang, total=total, frame=frame)})" if scale != 1
                  else f" ({text('resnet.reference', lang)})")
    if len(group) > 1:  # one variant's seeds keep its name; runs named by their seeds take the net's
        net = label if len({name for name, _, _ in group}) == 1 else variant_label(cfg.get("depth", 20), cfg.get("plain"))
        label = text("resnet.seeds_mean", lang, net=net, n=len(group))
    tag, dash, last = error_tags(lang), {"train_error": "dash", "test_error": "solid"}, []
    hover = "%{customdata:,} " + text("common.iteration", lang) + ": %{y:.2f}%<extra>%{fullData.name}</extra>"
    for name in ("train_error", "test_error"):
        band = views.mean_band(list(group), name) if len(group) > 1 else None
        if band is None and (name not in curves or not curves[name][0]):
            continue
        steps, values = (band[0], band[1]) if band else curves[name]
        xs = [scale * s for s in steps]
        if band:
            both = ~np.isnan(band[2])  # where two seeds or more have come
            edge = [x for x, shown in zip(xs, both) if shown]
            fig.add_trace(go.Scatter(x=[*edge, *edge[::-1]], y=[*(100 * band[3][both]), *(100 * band[2][both][::-1])],
                                     fill="toself", fillcolor=color, opacity=0.18, line={"width": 0}, hoverinfo="skip",
                                     name=text("resnet.seeds_band", lang, label=label, metric=tag[name]) + suffix),
                          row=1, col=col)
        last.append(100 * float(values[-1]))
        fig.add_trace(go.Scatter(x=xs, y=[100 * v for v in values], customdata=steps, hovertemplate=hover,
                                 mode="lines", name=f"{label} {tag[name]}{suffix}", opacity=0.35 if faint else 1.0,
                                 line={"color": color, "dash": dash[name], "width": 1.2 if faint else 2.2}),
                      row=1, col=col)
    return last


def make_recode_figure(lang: str = "en") -> go.Figure:
    """The JPEG tab's pictures: what `recode_quality` does to the bundled sample's images, pixel by pixel."""
    mosaic, change = views.recode_examples()
    fig = go.Figure(go.Image(source=png_uri(mosaic), hoverinfo="skip"))
    third = mosaic.shape[0] / 3
    fig.update_yaxes(tickvals=[third * (i + 0.5) for i in range(3)], showgrid=False, zeroline=False,
                     ticktext=[text(f"resnet.recode_{row}", lang) for row in ("stored", "coded", "difference")])
    fig.update_xaxes(visible=False)
    fig.update_layout(title=text("resnet.recode_title", lang, change=change), height=420, font=FONT,
                      margin={"l": 130, "r": 10, "t": 60, "b": 10}, template="plotly_white")
    return fig


def make_layer_figure(profiles: Sequence[Profile], title: str, y_title: str, lang: str = "en", *,
                      sorted_panel: bool = False, log_y: bool = False) -> go.Figure:
    """One line per network over its 3x3 layers, coloured as in Fig. 6, plain nets dashed; with sorted_panel a
    second panel sorted descending (Fig. 7)."""
    rows = 2 if sorted_panel else 1
    fig = make_subplots(rows=rows, cols=1, vertical_spacing=0.14)
    for label, cfg, values in profiles:
        panels = (values, np.sort(values)[::-1]) if sorted_panel else (values,)
        line = {"color": arch_colour(cfg), "dash": "dash" if cfg.get("plain") else "solid"}
        for row, ys in enumerate(panels, start=1):
            fig.add_trace(go.Scatter(x=np.arange(1, len(ys) + 1), y=ys, mode="lines+markers", name=label,
                                     legendgroup=label, showlegend=row == 1, line=line, marker={"size": 4}),
                          row=row, col=1)
    base_layout(fig, title, "", y_title, height=320 * rows + 80)
    fig.update_xaxes(title_text=text("resnet.layer_index" if sorted_panel else "resnet.layer", lang), row=1, col=1)
    if sorted_panel:
        fig.update_xaxes(title_text=text("resnet.layer_sorted", lang), row=2, col=1)
    fig.update_yaxes(title_text=y_title, type="log" if log_y else "linear")
    fig.update_layout(font=FONT)
    return fig
