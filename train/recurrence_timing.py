"""Table 1 of "Attention Is All You Need", measured: time against sentence length, self-attention beside recurrence.

A recurrent layer needs O(n) sequential operations, a self-attention layer O(1) (its O(n^2 d) work runs in
parallel), so on hardware with parallelism to spare a training step of RNNsearch grows linearly with the
sentence length n while the Transformer's stays nearly flat until n approaches d. Both models are the bundled
references' sizes at one width (the Transformer N=3, d_model=256; RNNsearch n=256, models.recurrent.small),
timed side by side in one process: one training step (forward, backward, Adam) on a batch of sentences of n
tokens on each side, and encoding one sentence of n tokens. tools/bench_recurrence prints and writes the rows;
the Transformer lab measures them live at small settings.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

import torch

from models.recurrent import RNNSearch, small
from models.transformer import Transformer, TransformerConfig

LENGTHS = (8, 16, 32, 64, 128)
SLOPE_SPAN = (8, 64)  # the range: well below d_model, where self-attention's n^2 term is still small
VOCAB = 8000


def reference_models(width: int = 256) -> dict[str, torch.nn.Module]:
    """The two models at one width: the Transformer N=3 (h=8, d_ff=4 d) and RNNsearch with n = width."""
    torch.manual_seed(0)
    transformer = Transformer(TransformerConfig(src_vocab=VOCAB, tgt_vocab=VOCAB, n_layers=3, d_model=width,
                                                d_ff=4 * width, n_heads=8, dropout=0.0))
    rnn = RNNSearch(small(src_vocab=VOCAB, tgt_vocab=VOCAB, hidden_size=width, align_size=width, dropout=0.0))
    return {"Transformer": transformer, "RNNsearch": rnn}


def median_ms(fn: Callable[[], None], device: torch.device, repeats: int) -> float:
    """Median wall-clock milliseconds of fn over `repeats` calls, after one untimed call (allocator, kernels)."""
    def timed() -> float:
        tic = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        return (time.perf_counter() - tic) * 1000
    timed()
    return statistics.median(timed() for _ in range(repeats))


def step_fn(model: torch.nn.Module, batch: int, length: int, device: torch.device) -> Callable[[], None]:
    """One training step on `batch` sentences of `length` tokens on both sides (no padding)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    src = torch.randint(4, VOCAB, (batch, length), device=device)
    tgt = torch.randint(4, VOCAB, (batch, length + 1), device=device)

    def step() -> None:
        logits = model(src, tgt[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), tgt[:, 1:].flatten())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return step


def encode_fn(model: torch.nn.Module, length: int, device: torch.device) -> Callable[[], None]:
    src = torch.randint(4, VOCAB, (1, length), device=device)

    def encode() -> None:
        with torch.no_grad():
            model.encode(src)
    return encode


def measure(lengths: Sequence[int] = LENGTHS, *, batch: int = 32, repeats: int = 5, width: int = 256,
            device: str = "auto", budget_s: float = float("inf")) -> list[dict]:
    """Rows {model, length, train_step_ms, encode_ms}: both models at each length, interleaved, so a change in
    the machine's load falls on both. Lengths after the first two stop once budget_s seconds have passed."""
    dev = torch.device("cuda" if device == "auto" and torch.cuda.is_available() else "cpu" if device == "auto"
                       else device)
    models = {name: m.to(dev).train() for name, m in reference_models(width).items()}
    rows, start = [], time.perf_counter()
    for i, length in enumerate(lengths):
        if i >= 2 and time.perf_counter() - start > budget_s:  # a busy machine: the slope from what was measured
            break
        for name, model in models.items():
            model.train()
            train_ms = median_ms(step_fn(model, batch, length, dev), dev, repeats)
            model.eval()
            rows.append({"model": name, "length": length, "train_step_ms": train_ms,
                         "encode_ms": median_ms(encode_fn(model, length, dev), dev, repeats)})
    return rows


def slope(rows: Sequence[dict], model: str, key: str, span: tuple[int, int] = SLOPE_SPAN) -> float:
    """Least-squares slope of rows[key] against length (ms per token) for one model over the span of lengths."""
    points = [(r["length"], r[key]) for r in rows if r["model"] == model and span[0] <= r["length"] <= span[1]]
    if len({x for x, _ in points}) < 2:
        raise ValueError(f"a slope needs two lengths or more within {span[0]}-{span[1]}, got {[x for x, _ in points]}")
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    return (sum((x - mean_x) * (y - mean_y) for x, y in points)
            / sum((x - mean_x) ** 2 for x, _ in points))


def summary(rows: Sequence[dict]) -> dict[str, float]:
    """Each model's slopes and their ratio, RNNsearch over the Transformer (Table 1's O(n) against O(1))."""
    out = {}
    for key in ("train_step_ms", "encode_ms"):
        rnn, attention = slope(rows, "RNNsearch", key), slope(rows, "Transformer", key)
        out |= {f"{key}_slope_rnnsearch": rnn, f"{key}_slope_transformer": attention,
                f"{key}_slope_ratio": rnn / attention if attention > 0 else float("nan")}  # nan: flat, or noise
    return out
