"""Attention views of the Transformer lab: the model's runs (on the GPU if any), pure functions on attention
arrays, then plotly figure builders.

Arrays follow Translator.attention_maps: {kind: (N layers, H heads, T_query, T_key)}, rows summing to 1.
Token labels are escaped before they reach plotly, which would otherwise read tags in them.
"""
from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from dataclasses import asdict, replace

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from explorer.serving.devices import device, on_device
from explorer.serving.gpu import gpu
from explorer.shared.plots import FONT, PALETTE, base_layout
from models.transformer import Transformer, TransformerConfig, base, big, parameter_count, sinusoid_table
from train.schedules import inverse_sqrt
from train.text_data import BOS, EOS, PAD
from train.translation_task import Translation, Translator

KIND_AXES = {"encoder": ("source", "source"), "decoder": ("target", "target"), "cross": ("target", "source")}


# -- runs of the model: one (GPU) call each, CPU data out ------------------------------------------------
def _on_device(translator: Translator, gates: dict[str, torch.Tensor] | None) -> tuple[Translator, dict | None]:
    """The translator with its model on device() (a copy, on a GPU), and the gates moved there too."""
    moved = {kind: g.to(device()) for kind, g in gates.items()} if gates else None
    return replace(translator, model=on_device(translator.model)), moved


@gpu(duration=60)
def translate_with_maps(translator: Translator, text: str, beam: int = 1) -> tuple[Translation, dict[str, np.ndarray]]:
    """The translation of `text` and every attention map of its teacher-forced pass (Translator.attention_maps)."""
    translator, _ = _on_device(translator, None)
    result = translator.translate(text, beam=beam)
    return result, translator.attention_maps(result.source_ids, result.output_ids)


@gpu(duration=120)
def translations(translator: Translator, texts: Sequence[str], gates: dict[str, torch.Tensor] | None = None) -> list[str]:
    """Greedy translations of many sentences, with the heads that `gates` zeroes switched off."""
    translator, gates = _on_device(translator, gates)
    return translator.translate_many(texts, gates=gates)


# -- pure functions -------------------------------------------------------------------------------------
def display_tokens(tokens: Sequence[str]) -> list[str]:
    """BPE pieces as readers see them: without the '▁' word mark, with tags escaped."""
    return [html.escape(tok.replace("▁", "") or "▁") for tok in tokens]


def head_or_mean(maps: np.ndarray, layer: int, head: int | None) -> np.ndarray:
    """(N, H, Tq, Tk) -> (Tq, Tk): one head, or the mean over heads when head is None."""
    return maps[layer].mean(0) if head is None else maps[layer, head]


def causal_view(weights: np.ndarray) -> np.ndarray:
    """Decoder self-attention with future positions as NaN, so the mask shows as blank cells, not as zeros."""
    out = weights.astype(float).copy()
    out[np.triu_indices_from(out, k=1)] = np.nan
    return out


def head_gates(off: Sequence[str], n_layers: int, n_heads: int) -> dict[str, torch.Tensor] | None:
    """Labels 'kind L<l> H<h>' (1-based) of heads to switch off -> {kind: (N, H) gates of 0 and 1}."""
    if not off:
        return None
    gates = {kind: torch.ones(n_layers, n_heads) for kind in KIND_AXES}
    for label in off:
        kind, layer, head = label.split()
        gates[kind][int(layer[1:]) - 1, int(head[1:]) - 1] = 0.0
    return gates


def head_labels(kind: str, n_layers: int, n_heads: int) -> list[str]:
    return [f"{kind} L{layer + 1} H{head + 1}" for layer in range(n_layers) for head in range(n_heads)]


@gpu(duration=60)
def attribution(model: Transformer, source_ids: Sequence[int], output_ids: Sequence[int], step: int,
                n_steps: int = 32) -> np.ndarray:
    """Integrated gradients (captum) of log p(output token `step`) w.r.t. each source token's embedding.

    The baseline is the <pad> embedding (zero); returns |attribution| per source token, normalised to sum 1.
    """
    model = on_device(model).eval()
    src = torch.tensor([list(source_ids)], device=device())
    tgt = torch.tensor([[BOS, *output_ids][: step + 1]], device=device())
    target = [*output_ids, EOS][step]

    def log_prob(src_batch: torch.Tensor) -> torch.Tensor:
        logits = model(src_batch, tgt.expand(src_batch.size(0), -1))
        return logits[:, -1].float().log_softmax(-1)[:, target]

    from captum.attr import LayerIntegratedGradients  # lazy: captum pulls in matplotlib, ~1 s of app start-up

    ig = LayerIntegratedGradients(log_prob, model.src_embed)
    with torch.enable_grad():
        attr = ig.attribute(src, baselines=torch.full_like(src, PAD), n_steps=n_steps)
    scores = attr[0].sum(-1).abs().detach().cpu().numpy()
    return scores / max(scores.sum(), 1e-12)


def lr_curve(d_model: int, warmup: int, factor: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Eq. 3 at the given settings: (steps, learning rates)."""
    fn = inverse_sqrt(warmup, d_model)
    xs = np.unique(np.linspace(0, steps - 1, min(steps, 400)).astype(int))
    return xs + 1, np.array([factor * fn(int(s)) for s in xs])


def model_sizes(cfg: TransformerConfig) -> dict[str, tuple[int, float]]:
    """Parameters and fp32 megabytes of this model and Table 3's base and big (at this model's vocabulary)."""
    sizes = {}
    vocab = {"src_vocab": cfg.src_vocab, "tgt_vocab": cfg.tgt_vocab}
    named = (("this model", cfg), ("base (paper: 65M)", base(**vocab)), ("big (paper: 213M)", big(**vocab)))
    for name, model_cfg in named:
        n = _parameters(tuple(sorted(asdict(model_cfg).items())))
        sizes[name] = (n, n * 4 / 2**20)
    return sizes


@functools.lru_cache(maxsize=16)
def _parameters(fields: tuple) -> int:
    with torch.device("meta"):  # shapes only, no memory
        return parameter_count(Transformer(TransformerConfig(**dict(fields))))


# -- figures ---------------------------------------------------------------------------------------------
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
