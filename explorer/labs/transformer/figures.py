"""The Transformer lab's figures (plotly): attention maps (Fig. 3-5), positional encodings, the lr schedule (eq. 3),
and attention against recurrence (Tables 1-2)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.labs.transformer.views import against, causal_view
from explorer.shared.i18n import text
from explorer.shared.plots import FONT, PALETTE, base_layout
from explorer.shared.reference_runs import Curves
from models.transformer import sinusoid_table


def _axis(tokens: Sequence[str]) -> dict:
    return dict(tickmode="array", tickvals=list(range(len(tokens))), ticktext=list(tokens), tickangle=-45)


def make_heatmap_figure(weights: np.ndarray, rows: Sequence[str], cols: Sequence[str], title: str,
                        highlight_row: int | None = None, height: int = 460) -> go.Figure:
    """One attention map (Tq, Tk) as a heatmap; NaN cells (masked) stay blank; a row can be outlined."""
    fig = go.Figure(go.Heatmap(z=weights, zmin=0, zmax=1, colorscale="Blues", hoverongaps=False,  # NaN: masked
                               hovertemplate="%{customdata[0]} → %{customdata[1]}: %{z:.2f}<extra></extra>",
                               customdata=[[(r, c) for c in cols] for r in rows]))
    if highlight_row is not None:
        fig.add_shape(type="rect", x0=-0.5, x1=len(cols) - 0.5, y0=highlight_row - 0.5, y1=highlight_row + 0.5,
                      line=dict(color=PALETTE[1], width=3))
    base_layout(fig, title, "", "", height=height)
    fig.update_layout(xaxis=_axis(cols), yaxis={**_axis(rows), "autorange": "reversed", "tickangle": 0})
    return fig


def make_step_figure(row: np.ndarray | None, mean_row: np.ndarray, cols: Sequence[str], title: str,
                     head_name: str, mean_name: str, lang: str = "en") -> go.Figure:
    """One decoding step: a head's cross-attention over the source beside the mean over heads (alone when
    row is None, i.e. the mean itself was chosen)."""
    xs = list(range(len(cols)))
    bars = [] if row is None else [go.Bar(x=xs, y=row, name=head_name, marker_color=PALETTE[0])]
    fig = go.Figure(bars + [go.Bar(x=xs, y=mean_row, name=mean_name, marker_color=PALETTE[4])])
    base_layout(fig, title, "", text("transformer.axis_cross_weight", lang), height=340)
    fig.update_layout(xaxis=_axis(cols), yaxis_range=[0, 1], barmode="group", showlegend=True)
    return fig


def make_grid_figure(maps: np.ndarray, rows: Sequence[str], cols: Sequence[str], title: str,
                     causal: bool = False) -> go.Figure:
    """All heads at once: a layers x heads grid of heatmaps sharing one colour scale; the query tokens label the
    first column's rows, the key tokens the last row's columns."""
    n_layers, n_heads = maps.shape[:2]
    fig = make_subplots(n_layers, n_heads, horizontal_spacing=0.015, vertical_spacing=0.03,
                        row_titles=[f"L{i + 1}" for i in range(n_layers)],
                        column_titles=[f"H{j + 1}" for j in range(n_heads)])
    pairs = [[(r, c) for c in cols] for r in rows]
    hover = "%{customdata[0]} → %{customdata[1]}: %{z:.2f}<extra></extra>"
    for i in range(n_layers):
        for j in range(n_heads):
            z = causal_view(maps[i, j]) if causal else maps[i, j]
            fig.add_trace(go.Heatmap(z=z, coloraxis="coloraxis", hoverongaps=False, customdata=pairs,
                                     hovertemplate=f"L{i + 1} H{j + 1} " + hover), i + 1, j + 1)
    small = dict(size=10)  # eight heads side by side: a cell is a few pixels wide
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False, autorange="reversed")
    for j in range(n_heads):
        fig.update_xaxes({**_axis(cols), "tickangle": -90, "tickfont": small, "showticklabels": True}, row=n_layers, col=j + 1)
    for i in range(n_layers):
        fig.update_yaxes({**_axis(rows), "tickangle": 0, "tickfont": small, "showticklabels": True}, row=i + 1, col=1)
    longest = max(map(len, [*rows, *cols, ""]))
    fig.update_layout(title=title, coloraxis=dict(colorscale="Blues", cmin=0, cmax=1), font=FONT,
                      template="plotly_white", height=max(300, 170 * n_layers + 80 + 7 * longest),
                      margin=dict(l=20 + 7 * longest, r=20, t=80, b=20 + 7 * longest))
    return fig


def make_head_view_figure(weights: np.ndarray, rows: Sequence[str], cols: Sequence[str], title: str,
                          focus: int | None = None, threshold: float = 0.1) -> go.Figure:
    """bertviz-style head view: queries left, keys right, a line per (head, query, key) with opacity = weight.

    weights: (H, Tq, Tk). Lines are grouped into one trace per head and opacity band, so a sentence of
    20 tokens with 8 heads draws ~40 traces, not 3,200. focus limits the lines to one query token.
    """
    n_heads, n_q, n_k = weights.shape
    fig = go.Figure()
    bands = np.linspace(threshold, 1, 6)
    for h in range(n_heads):
        offset = (h - (n_heads - 1) / 2) * 0.012   # heads side by side, so their lines do not hide each other
        for lo, hi in zip(bands[:-1], bands[1:]):
            xs, ys = [], []
            for q in range(n_q) if focus is None else [focus]:
                for k in np.nonzero((weights[h, q] >= lo) & (weights[h, q] < hi + (hi == 1)))[0]:
                    xs += [0.1 + offset, 0.9 + offset, None]
                    ys += [q, int(k), None]
            if xs:
                fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                         line=dict(color=PALETTE[h % len(PALETTE)], width=2),
                                         opacity=float((lo + hi) / 2), legendgroup=f"H{h + 1}"))
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=f"H{h + 1}", legendgroup=f"H{h + 1}",
                                 line=dict(color=PALETTE[h % len(PALETTE)], width=4)))
    top = [", ".join(f"H{h + 1}: {cols[int(weights[h, q].argmax())]}" for h in range(n_heads)) for q in range(n_q)]
    fig.add_trace(go.Scatter(x=[0.02] * n_q, y=list(range(n_q)), mode="text", text=list(rows),
                             textposition="middle left",
                             hovertext=top, hoverinfo="text", showlegend=False))
    fig.add_trace(go.Scatter(x=[0.98] * n_k, y=list(range(n_k)), mode="text", text=list(cols),
                             textposition="middle right", hoverinfo="skip", showlegend=False))
    base_layout(fig, title, "", "", height=max(360, 26 * max(n_q, n_k) + 140))
    fig.update_xaxes(visible=False, range=[-0.35, 1.35])
    fig.update_yaxes(visible=False, autorange="reversed")
    return fig


def make_attribution_figure(attention: np.ndarray, attributions: np.ndarray, cols: Sequence[str], title: str,
                            names: tuple[str, str], lang: str = "en") -> go.Figure:
    """Attention weights beside captum attributions over the same source tokens."""
    xs = list(range(len(cols)))
    fig = go.Figure([go.Bar(x=xs, y=attention, name=names[0], marker_color=PALETTE[0]),
                     go.Bar(x=xs, y=attributions, name=names[1], marker_color=PALETTE[1])])
    base_layout(fig, title, "", text("transformer.axis_share", lang), height=360)
    fig.update_layout(xaxis=_axis(cols), barmode="group")
    return fig


def make_positional_figure(max_len: int, d_model: int, title: str, lang: str = "en") -> go.Figure:
    """Sec. 3.5's sinusoids: position x dimension."""
    fig = go.Figure(go.Heatmap(z=sinusoid_table(max_len, d_model).numpy(), colorscale="RdBu", zmin=-1, zmax=1))
    return base_layout(fig, title, text("transformer.axis_dimension", lang), text("transformer.axis_position", lang),
                       height=380)


def make_lr_figure(steps: np.ndarray, lrs: np.ndarray, title: str, warmup: int, lang: str = "en") -> go.Figure:
    fig = go.Figure(go.Scatter(x=steps, y=lrs, mode="lines", line=dict(color=PALETTE[0])))
    fig.add_vline(x=warmup, line_dash="dot", annotation_text=f"warmup_steps = {warmup}")
    return base_layout(fig, title, text("transformer.axis_step", lang), text("transformer.axis_lr", lang), height=340)


# -- attention against recurrence (Tables 1-2) --------------------------------------------------------------
MODEL_COLOURS = {"Transformer": PALETTE[0], "RNNsearch": PALETTE[1]}


def _colour(label: str) -> str:
    return next((c for name, c in MODEL_COLOURS.items() if name.lower() in label.lower()), PALETTE[2])


def make_cost_figure(series: Sequence[tuple[str, Curves, str]], title: str, axes: dict[str, str],
                     lang: str = "en") -> go.Figure:
    """Table 2's question for two models on one corpus: BLEU (top) and loss (bottom) against training minutes
    (left) and training FLOPs (right). series: (label, curves with cumulative "seconds" and "flops", dash), the
    model named in the label chooses the colour; axes: the titles of "minutes", "flops", "bleu" and "loss"."""
    fig = make_subplots(2, 2, shared_xaxes="columns", horizontal_spacing=0.08, vertical_spacing=0.08)
    for label, curves, dash in series:
        for row, metric in ((1, "bleu"), (2, "val_loss"), (2, "loss")):
            for col, cost, scale in ((1, "seconds", 1 / 60), (2, "flops", 1.0)):
                xs, ys = against(curves, metric, cost)
                if not len(xs):
                    continue
                fig.add_trace(go.Scatter(x=xs * scale, y=ys, mode="lines+markers" if len(xs) < 30 else "lines",
                                         name=text(f"transformer.legend_{metric}", lang, label=label),
                                         legendgroup=label, showlegend=col == 1,
                                         opacity=0.45 if metric == "loss" else 1.0,
                                         line=dict(color=_colour(label), dash=dash, width=1 if metric == "loss" else 2)),
                              row, col)
    base_layout(fig, title, "", "", height=640, legend_below=True)
    fig.update_xaxes(title_text=axes["minutes"], row=2, col=1)
    fig.update_xaxes(title_text=axes["flops"], row=2, col=2)
    fig.update_yaxes(title_text=axes["bleu"], row=1, col=1)
    fig.update_yaxes(title_text=axes["loss"], row=2, col=1)
    return fig


def make_timing_figure(tables: Sequence[tuple[str, Sequence[dict]]], title: str,
                       columns: tuple[str, str], lang: str = "en") -> go.Figure:
    """Table 1's sequential operations, measured: one row of panels per machine (name, rows as
    train.recurrence_timing.measure gives them), a training step (left) and encoding one sentence (right) in ms
    against the sentence length, each model a line."""
    fig = make_subplots(len(tables), 2, subplot_titles=[f"{name}: {col}" for name, _ in tables for col in columns],
                        horizontal_spacing=0.08, vertical_spacing=0.16 if len(tables) > 1 else 0.08)
    for r, (_, rows) in enumerate(tables, start=1):
        for c, key in enumerate(("train_step_ms", "encode_ms"), start=1):
            for model in MODEL_COLOURS:
                points = sorted((row["length"], row[key]) for row in rows if row["model"] == model)
                fig.add_trace(go.Scatter(x=[p[0] for p in points], y=[p[1] for p in points], mode="lines+markers",
                                         name=model, legendgroup=model, showlegend=r == 1 and c == 1,
                                         line=dict(color=MODEL_COLOURS[model])), r, c)
            fig.update_yaxes(title_text="ms", rangemode="tozero", row=r, col=c)
    fig.update_xaxes(title_text=text("transformer.axis_tokens", lang), type="log", tickvals=[8, 16, 32, 64, 128])
    return base_layout(fig, title, "", "", height=360 * len(tables) + 140, legend_below=True)


def make_path_figure(paths: dict[str, np.ndarray], tokens: Sequence[str], title: str) -> go.Figure:
    """Table 1's maximum path length: for each model a (n, n) map of the steps between word i and word j, on one
    colour scale, the number written in each cell."""
    fig = make_subplots(1, len(paths), subplot_titles=list(paths), horizontal_spacing=0.12)
    top = max(float(p.max()) for p in paths.values()) or 1.0
    for col, steps in enumerate(paths.values(), start=1):
        fig.add_trace(go.Heatmap(z=steps, coloraxis="coloraxis", text=steps.astype(int), texttemplate="%{text}",
                                 hovertemplate="%{y} ↔ %{x}: %{z:.0f}<extra></extra>"), 1, col)
        fig.update_xaxes(_axis(tokens), row=1, col=col)
        fig.update_yaxes({**_axis(tokens), "autorange": "reversed", "tickangle": 0}, row=1, col=col)
    fig.update_layout(coloraxis=dict(colorscale="Oranges", cmin=0, cmax=top))
    return base_layout(fig, title, "", "", height=max(380, 24 * len(tokens) + 200))


def make_alignment_figure(maps: Sequence[tuple[str, np.ndarray, Sequence[str], Sequence[str]]],
                          title: str) -> go.Figure:
    """Cross-attention maps side by side: (name, weights (T_out, T_src), output tokens, source tokens) each."""
    fig = make_subplots(1, len(maps), subplot_titles=[name for name, *_ in maps], horizontal_spacing=0.14)
    for col, (name, weights, rows, cols) in enumerate(maps, start=1):
        fig.add_trace(go.Heatmap(z=weights, coloraxis="coloraxis", customdata=[[(r, c) for c in cols] for r in rows],
                                 hovertemplate=name + ": %{customdata[0]} → %{customdata[1]}: %{z:.2f}<extra></extra>"),
                      1, col)
        fig.update_xaxes(_axis(cols), row=1, col=col)
        fig.update_yaxes({**_axis(rows), "autorange": "reversed", "tickangle": 0}, row=1, col=col)
    fig.update_layout(coloraxis=dict(colorscale="Blues", cmin=0, cmax=1))
    longest = max(len(rows) for _, _, rows, _ in maps)
    return base_layout(fig, title, "", "", height=max(420, 26 * longest + 200))
