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
import torch

from explorer.serving.devices import device, on_device
from explorer.serving.gpu import gpu
from models.transformer import Transformer, TransformerConfig, base, big, parameter_count
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


