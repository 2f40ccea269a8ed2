"""Attention views of the Transformer lab: the model's runs (on the GPU if any), pure functions on attention
arrays, then plotly figure builders.

Arrays follow Translator.attention_maps: {kind: (N layers, H heads, T_query, T_key)}, rows summing to 1.
Token labels are escaped before they reach plotly, which would otherwise read tags in them.
"""
from __future__ import annotations

import csv
import functools
import html
import json
import math
import re
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import torch

from explorer.serving.devices import device, on_device
from explorer.serving.gpu import gpu
from explorer.shared.reference_runs import MODELS_DIR, REFERENCE_DIR, Curves, read_curves
from models.transformer import Transformer, TransformerConfig, base, big, parameter_count
from train import recurrence_timing
from train.recipes import EXPERIMENTS
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
SPACE_MARK = "␣"  # a piece that is only the '▁' word mark (before a Chinese character, say): a visible space


def display_tokens(tokens: Sequence[str]) -> list[str]:
    """BPE pieces as readers see them: without the '▁' word mark (alone, it shows as SPACE_MARK), tags escaped."""
    return [html.escape(tok.replace("▁", "") or SPACE_MARK) for tok in tokens]


# -- what a model was trained on (issue 31): sentences of its own domain, input already in its target language -----
# German function words that are not also English words, and Multi30k's caption openers ("Zwei Männer ...")
GERMAN_WORDS = frozenset("""der das und ist ein eine einem einen einer eines nicht mit auf zu von sich es ich du sie
    wir ihr auch aber oder für über nach bei wie wer wo weil dass sehr noch schon nur sind wird werden kein keine
    mein meine dein deine unser euer diese dieser dieses jetzt hier heute zwei drei vier fünf mehrere""".split())
SHARED_WORDS = frozenset({"die", "den", "im"})  # German too, but English words: counted beside an umlaut or ß only
GERMAN_LETTERS = frozenset("äöüß")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[^\W\d_]+")


def in_target_language(text: str, tgt_lang: str | None) -> bool:
    """The text reads as the model's target language, not English: for Chinese, Han characters are a third or more of
    its letters; for German, two or more German function words making a fifth of its words, or one beside an umlaut
    or ß (where SHARED_WORDS count too)."""
    if tgt_lang == "zh":
        letters = sum(c.isalpha() for c in text)
        return letters > 0 and len(HAN.findall(text)) * 3 >= letters
    if tgt_lang == "de":
        words, umlaut = WORD.findall(text.lower()), bool(GERMAN_LETTERS & set(text.lower()))
        hits = sum(w in GERMAN_WORDS or (umlaut and w in SHARED_WORDS) for w in words)
        return (hits >= 2 and hits * 5 >= len(words)) or (umlaut and hits >= 1)
    return False


def in_domain_examples(pairs: Sequence[tuple[str, str]], n: int = 3, words: tuple[int, int] = (5, 10)) -> list[str]:
    """n source sentences of a held-out split, in its order, of `words` words (short enough to read on the attention
    maps); one that opens with the same two words as a sentence already chosen is skipped (Tatoeba holds variants)."""
    chosen: list[str] = []
    for source, _ in pairs:
        if len(chosen) == n:
            break
        if words[0] <= len(source.split()) <= words[1] and \
                all(source.split()[:2] != other.split()[:2] for other in chosen):
            chosen.append(source)
    return chosen


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




# -- attention against recurrence (Tables 1-2): the bundled runs and timing, and live measurements --------------
RECURRENCE = "attention-vs-recurrence"   # the experiment (train/recipes/recurrent.py) and its folder in assets/
RECURRENCE_DIR = REFERENCE_DIR / "transformer" / RECURRENCE
RNNSEARCH_MODEL = "rnnsearch-en-de"      # the bundled RNNsearch, for its alignment map
# A few seconds on a laptop CPU; on a busy one, the lengths measured within budget_s
LIVE_TIMING = {"lengths": (8, 16, 32, 64), "batch": 8, "repeats": 3, "width": 32, "budget_s": 10.0}
# Table 1, per layer: complexity, sequential operations, maximum path length
TABLE1 = {"Transformer": ("O(n² · d)", "O(1)", "O(1)"), "RNNsearch": ("O(n · d²)", "O(n)", "O(n)")}


def recurrence_runs(root: Path | None = None) -> list[tuple[str, dict, Curves]]:
    """(label, config, curves) of the bundled Transformer and RNNsearch runs, in the experiment's order; [] where
    none ship. (The folder also holds the timing table, which is not a run's curves.)"""
    folder = root or RECURRENCE_DIR
    runs = []
    for label, _ in EXPERIMENTS[RECURRENCE].variants:
        path = folder / f"{label}.csv"
        if path.exists():
            sidecar = path.with_suffix(".json")
            runs.append((label, json.loads(sidecar.read_text()) if sidecar.exists() else {}, read_curves(path)))
    return runs


def against(curves: Curves, metric: str, cost: str) -> tuple[np.ndarray, np.ndarray]:
    """A metric against a cumulative cost the trainer logs ("seconds" or "flops"), read off at the metric's steps;
    empty arrays where either is missing."""
    if metric not in curves or cost not in curves:
        return np.array([]), np.array([])
    steps, values = curves[metric]
    cost_steps, costs = curves[cost]
    return np.interp(steps, cost_steps, costs), np.array(values)


def quality_at_cost(runs: Sequence[tuple[str, dict, Curves]]) -> dict[str, dict[str, float]]:
    """Where each run ends: {label: {bleu, minutes, flops, step}} at its last BLEU evaluation (runs without one are
    left out)."""
    out = {}
    for label, _, curves in runs:
        seconds, bleu = against(curves, "bleu", "seconds")
        if len(bleu):
            flops = against(curves, "bleu", "flops")[0]
            out[label] = {"bleu": float(bleu[-1]), "minutes": float(seconds[-1]) / 60,
                          "flops": float(flops[-1]) if len(flops) else float("nan"),
                          "step": curves["bleu"][0][-1]}
    return out


def minutes_to_reach(curves: Curves, bleu: float) -> float | None:
    """Training minutes at the first evaluation that scores above `bleu`; None where none does."""
    seconds, values = against(curves, "bleu", "seconds")
    above = np.nonzero(values > bleu)[0]
    return float(seconds[above[0]]) / 60 if len(above) else None


def bleu_at(curves: Curves, cost: str, at: float) -> float | None:
    """BLEU interpolated at a cost ("seconds" or "flops") between two evaluations; None outside the evaluated range."""
    costs, bleu = against(curves, "bleu", cost)
    return float(np.interp(at, costs, bleu)) if len(costs) and costs[0] <= at <= costs[-1] else None


def read_timing(path: Path | None = None) -> list[dict]:
    """Rows {model, length, train_step_ms, encode_ms} of a timing table tools/bench_recurrence wrote; [] without."""
    path = path or RECURRENCE_DIR / "timing-h200.csv"
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return [{"model": r["model"], "length": int(r["length"]), "train_step_ms": float(r["train_step_ms"]),
                 "encode_ms": float(r["encode_ms"])} for r in csv.DictReader(f)]


def timing_rows(rows: object) -> list[dict]:
    """The well-formed rows of a timing table kept in the page's state (anything else is dropped)."""
    def good(row: object) -> bool:
        if not isinstance(row, dict) or row.get("model") not in TABLE1:
            return False
        numbers = [row.get(key) for key in ("length", "train_step_ms", "encode_ms")]
        return all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in numbers)
    return [row for row in rows if good(row)] if isinstance(rows, list) else []


def timing_slopes(rows: Sequence[dict]) -> dict[str, float]:
    """Each model's slope over lengths 8-64 (ms per token) and their ratio; {} where the rows cannot give one."""
    try:
        return recurrence_timing.summary(rows)
    except (ValueError, ZeroDivisionError):
        return {}


def measure_timing() -> list[dict]:
    """Table 1 measured on this machine's CPU at small settings (LIVE_TIMING): a few seconds."""
    return recurrence_timing.measure(**LIVE_TIMING, device="cpu")


def path_lengths(n: int) -> dict[str, np.ndarray]:
    """Table 1's maximum path length, drawn per pair of positions (n, n): how many sequential steps carry word j's
    information to word i inside one layer. Self-attention: one step to every other position; a recurrent layer:
    one step per word in between (|i - j|, in either direction of a bidirectional encoder)."""
    i, j = np.indices((n, n))
    return {"Transformer": (i != j).astype(float), "RNNsearch": np.abs(i - j).astype(float)}


def bundled_rnnsearch(root: Path | None = None) -> Path | None:
    """The bundled RNNsearch folder, or None where it has not landed."""
    folder = (root or MODELS_DIR) / RNNSEARCH_MODEL
    return folder if (folder / "model.safetensors").exists() else None


def alignment(translator: Translator, text: str, beam: int = 1) -> tuple[Translation, np.ndarray]:
    """A translation and its cross-attention (T_out, T_src): RNNsearch's one alignment model (Bahdanau et al.'s
    Fig. 3), or the Transformer's last layer averaged over its heads."""
    result, maps = translate_with_maps(translator, text, beam)
    return result, maps["cross"][-1].mean(0)
