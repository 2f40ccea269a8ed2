"""The Transformer lab's figures (plotly): attention maps (Fig. 3-5), positional encodings, the lr schedule (eq. 3)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.labs.transformer.views import causal_view
from explorer.shared.plots import FONT, PALETTE, base_layout
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
                     head_name: str, mean_name: str) -> go.Figure:
    """One decoding step: a head's cross-attention over the source beside the mean over heads (alone when
    row is None, i.e. the mean itself was chosen)."""
    xs = list(range(len(cols)))
    bars = [] if row is None else [go.Bar(x=xs, y=row, name=head_name, marker_color=PALETTE[0])]
    fig = go.Figure(bars + [go.Bar(x=xs, y=mean_row, name=mean_name, marker_color=PALETTE[4])])
    base_layout(fig, title, "", "weight", height=340)
    fig.update_layout(xaxis=_axis(cols), yaxis_range=[0, 1], barmode="group", showlegend=True)
    return fig


def make_grid_figure(maps: np.ndarray, rows: Sequence[str], cols: Sequence[str], title: str,
                     causal: bool = False) -> go.Figure:
    """All heads at once: a layers x heads grid of heatmaps sharing one colour scale."""
    n_layers, n_heads = maps.shape[:2]
    fig = make_subplots(n_layers, n_heads, horizontal_spacing=0.02, vertical_spacing=0.04,
                        row_titles=[f"L{i + 1}" for i in range(n_layers)],
                        column_titles=[f"H{j + 1}" for j in range(n_heads)])
    pairs = [[(r, c) for c in cols] for r in rows]
    hover = "%{customdata[0]} → %{customdata[1]}: %{z:.2f}<extra></extra>"
    for i in range(n_layers):
        for j in range(n_heads):
            z = causal_view(maps[i, j]) if causal else maps[i, j]
            fig.add_trace(go.Heatmap(z=z, coloraxis="coloraxis", hoverongaps=False, customdata=pairs,
                                     hovertemplate=f"L{i + 1} H{j + 1} " + hover), i + 1, j + 1)
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False, autorange="reversed")
    fig.update_layout(title=title, coloraxis=dict(colorscale="Blues", cmin=0, cmax=1), font=FONT,
                      template="plotly_white", height=max(300, 170 * n_layers + 80),
                      margin=dict(l=40, r=20, t=80, b=20))
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
                            names: tuple[str, str]) -> go.Figure:
    """Attention weights beside captum attributions over the same source tokens."""
    xs = list(range(len(cols)))
    fig = go.Figure([go.Bar(x=xs, y=attention, name=names[0], marker_color=PALETTE[0]),
                     go.Bar(x=xs, y=attributions, name=names[1], marker_color=PALETTE[1])])
    base_layout(fig, title, "", "share", height=360)
    fig.update_layout(xaxis=_axis(cols), barmode="group")
    return fig


def make_positional_figure(max_len: int, d_model: int, title: str) -> go.Figure:
    """Sec. 3.5's sinusoids: position x dimension."""
    fig = go.Figure(go.Heatmap(z=sinusoid_table(max_len, d_model).numpy(), colorscale="RdBu", zmin=-1, zmax=1))
    return base_layout(fig, title, "dimension i", "position", height=380)


def make_lr_figure(steps: np.ndarray, lrs: np.ndarray, title: str, warmup: int) -> go.Figure:
    fig = go.Figure(go.Scatter(x=steps, y=lrs, mode="lines", line=dict(color=PALETTE[0])))
    fig.add_vline(x=warmup, line_dash="dot", annotation_text=f"warmup_steps = {warmup}")
    return base_layout(fig, title, "step", "learning rate", height=340)
