"""Attention Is All You Need (Vaswani et al. 2017): the encoder-decoder Transformer of section 3.

Read top to bottom as the paper: scaled dot-product attention (3.2.1, eq. 1), multi-head attention
(3.2.2), the position-wise feed-forward network (3.3), embeddings scaled by sqrt(d_model) (3.4),
sinusoidal positional encoding (3.5), encoder and decoder stacks with a residual connection and layer
norm around every sub-layer (3.1), then greedy and batched beam search (sec. 6.1: beam 4, length penalty 0.6).

Every attention call can also return its weights, so one forward pass yields every map (encoder
self, decoder self, encoder-decoder; per layer and head). Without maps the fast path calls
`F.scaled_dot_product_attention`. Heads can be switched off with per-head gates (B x H masks are not
stored on the model, so users who share one model never see each other's settings).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

NORMS = ("post", "pre")
KINDS = ("encoder", "decoder", "cross")  # the three attention types of sec. 3.2.3


@dataclass
class TransformerConfig:
    """Defaults are the base model of Table 3; `small()` is a CPU-sized variant."""

    src_vocab: int = 37000          # sec. 5.1: shared source-target BPE vocabulary of about 37k tokens
    tgt_vocab: int = 37000
    n_layers: int = 6               # N, sec. 3.1
    d_model: int = 512
    d_ff: int = 2048                # inner layer of the FFN, sec. 3.3
    n_heads: int = 8                # h, sec. 3.2.2: d_k = d_v = d_model / h = 64
    dropout: float = 0.1            # P_drop on sub-layer outputs and embedding sums, sec. 5.4
    attn_dropout: float = 0.0       # not in the paper: dropout on attention weights (tensor2tensor's attention_dropout)
    relu_dropout: float = 0.0       # not in the paper: dropout inside the FFN, after the ReLU (tensor2tensor's)
    max_len: int = 1024             # positions covered by the sinusoid table
    norm: str = "post"              # post: LayerNorm(x + Sublayer(x)) (sec. 3.1) | pre: x + Sublayer(LayerNorm(x))
    share_embeddings: bool = True   # sec. 3.4: source and target embeddings are one matrix (needs one vocabulary)
    tie_output: bool = True         # sec. 3.4: the pre-softmax linear reuses the target embedding matrix
    pad_id: int = 0

    def __post_init__(self) -> None:
        if self.norm not in NORMS:
            raise ValueError(f"norm must be 'post' or 'pre', got {self.norm!r}")
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model ({self.d_model}) must be divisible by n_heads ({self.n_heads})")
        if self.share_embeddings and self.src_vocab != self.tgt_vocab:
            raise ValueError("share_embeddings needs one shared vocabulary: src_vocab must equal tgt_vocab")
        for name in ("src_vocab", "tgt_vocab", "n_layers", "d_model", "d_ff", "n_heads", "max_len"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("dropout", "attn_dropout", "relu_dropout"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"{name} must be in [0, 1), got {getattr(self, name)}")


def base(**changes) -> TransformerConfig:
    """Table 3, base: N=6, d_model=512, d_ff=2048, h=8, P_drop=0.1 (65M parameters with a 37k vocabulary)."""
    return TransformerConfig(**changes)


def big(**changes) -> TransformerConfig:
    """Table 3, big: N=6, d_model=1024, d_ff=4096, h=16, P_drop=0.3 (213M parameters)."""
    return TransformerConfig(**{"d_model": 1024, "d_ff": 4096, "n_heads": 16, "dropout": 0.3, **changes})


def small(**changes) -> TransformerConfig:
    """Not in the paper: N=3, d_model=192, d_ff=768, h=4, sized to train on a laptop CPU."""
    return TransformerConfig(**{"n_layers": 3, "d_model": 192, "d_ff": 768, "n_heads": 4, **changes})


# -- 3.2 attention ---------------------------------------------------------------------------------
def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None = None,
              need_weights: bool = False, dropout: float = 0.0) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Eq. 1: softmax(Q K^T / sqrt(d_k)) V. mask is True where attending is allowed; masked weights are exactly 0.

    q: (B, H, T, d_k), k and v: (B, H, S, d_k), mask broadcastable to (B, H, T, S); dropout: on the weights
    (training only). Returns the output (B, H, T, d_k) and, with need_weights, the weights (B, H, T, S).
    """
    if not need_weights:
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout), None
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))    # (B, H, T, S)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = scores.softmax(dim=-1)
    return F.dropout(weights, dropout) @ v, weights


class MultiHeadAttention(nn.Module):
    """Sec. 3.2.2: h heads attend in parallel on learned projections; their outputs are concatenated and projected."""

    def __init__(self, d_model: int, n_heads: int, dropout: float = 0.0):
        super().__init__()
        self.n_heads, self.d_k, self.dropout = n_heads, d_model // n_heads, dropout
        self.w_q, self.w_k, self.w_v, self.w_o = (nn.Linear(d_model, d_model) for _ in range(4))

    def split(self, x: torch.Tensor) -> torch.Tensor:
        return x.unflatten(-1, (self.n_heads, self.d_k)).transpose(1, 2)   # (B, T, D) -> (B, H, T, d_k)

    def keys_values(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.split(self.w_k(x)), self.split(self.w_v(x))

    def forward(self, x: torch.Tensor, kv: tuple[torch.Tensor, torch.Tensor], mask: torch.Tensor | None,
                gate: torch.Tensor | None = None, need_weights: bool = False):
        """x: (B, T, D) queries; kv: projected keys and values (B, H, S, d_k); gate: (H,) multiplies each head."""
        drop = self.dropout if self.training else 0.0
        out, weights = attention(self.split(self.w_q(x)), *kv, mask, need_weights, drop)
        if gate is not None:
            out = out * gate.view(1, -1, 1, 1).to(out.dtype)
        return self.w_o(out.transpose(1, 2).flatten(2)), weights


class FeedForward(nn.Sequential):
    """Sec. 3.3, eq. 2: FFN(x) = max(0, x W1 + b1) W2 + b2, applied to each position alone (optional dropout
    after the ReLU, kept inside slot 1 so the weights keep their names)."""

    def __init__(self, d_model: int, d_ff: int, dropout: float = 0.0):
        super().__init__(nn.Linear(d_model, d_ff), nn.Sequential(nn.ReLU(), nn.Dropout(dropout)),
                         nn.Linear(d_ff, d_model))


class Residual(nn.Module):
    """Sec. 3.1: LayerNorm(x + Dropout(Sublayer(x))); norm="pre" gives x + Dropout(Sublayer(LayerNorm(x)))."""

    def __init__(self, d_model: int, dropout: float, norm: str):
        super().__init__()
        self.norm, self.pre, self.drop = nn.LayerNorm(d_model), norm == "pre", nn.Dropout(dropout)

    def inputs(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x) if self.pre else x

    def add(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        x = x + self.drop(y)
        return x if self.pre else self.norm(x)


# -- 3.4, 3.5 embeddings and positions --------------------------------------------------------------
class Embedding(nn.Module):
    """Sec. 3.4: learned token embeddings multiplied by sqrt(d_model)."""

    def __init__(self, vocab: int, d_model: int, pad_id: int):
        super().__init__()
        self.lut, self.scale = nn.Embedding(vocab, d_model, padding_idx=pad_id), math.sqrt(d_model)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.lut(tokens) * self.scale


def sinusoid_table(max_len: int, d_model: int) -> torch.Tensor:
    """Sec. 3.5: PE(pos, 2i) = sin(pos / 10000^(2i/d_model)), PE(pos, 2i+1) = cos(...); (max_len, d_model)."""
    pos = torch.arange(max_len, dtype=torch.float32)[:, None]
    freq = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model))
    table = torch.zeros(max_len, d_model)
    table[:, 0::2] = torch.sin(pos * freq)
    table[:, 1::2] = torch.cos(pos * freq[: d_model // 2])
    return table


class PositionalEncoding(nn.Module):
    """Adds the sinusoids to the embeddings (from position `offset` when decoding one token at a time)."""

    def __init__(self, d_model: int, max_len: int, dropout: float):
        super().__init__()
        self.register_buffer("table", sinusoid_table(max_len, d_model), persistent=False)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, offset: int = 0) -> torch.Tensor:
        if offset + x.size(1) > self.table.size(0):
            raise ValueError(f"sequence of {offset + x.size(1)} tokens is longer than max_len {self.table.size(0)}")
        return self.drop(x + self.table[offset: offset + x.size(1)])


# -- 3.1 encoder and decoder stacks -----------------------------------------------------------------
class EncoderLayer(nn.Module):
    """Self-attention, then the FFN, each inside a residual connection."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.n_heads, cfg.attn_dropout)
        self.ffn = FeedForward(cfg.d_model, cfg.d_ff, cfg.relu_dropout)
        self.res1, self.res2 = (Residual(cfg.d_model, cfg.dropout, cfg.norm) for _ in range(2))

    def forward(self, x, mask, gate=None, need_weights=False):
        h = self.res1.inputs(x)
        y, weights = self.self_attn(h, self.self_attn.keys_values(h), mask, gate, need_weights)
        x = self.res1.add(x, y)
        return self.res2.add(x, self.ffn(self.res2.inputs(x))), weights


class DecoderLayer(nn.Module):
    """Masked self-attention, encoder-decoder attention over the encoder output, then the FFN."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.n_heads, cfg.attn_dropout)
        self.cross_attn = MultiHeadAttention(cfg.d_model, cfg.n_heads, cfg.attn_dropout)
        self.ffn = FeedForward(cfg.d_model, cfg.d_ff, cfg.relu_dropout)
        self.res1, self.res2, self.res3 = (Residual(cfg.d_model, cfg.dropout, cfg.norm) for _ in range(3))

    def forward(self, x, memory, src_mask, tgt_mask, gates=(None, None), need_weights=False, cache=None):
        """cache (incremental decoding): {} on the first step; holds this layer's past keys and values."""
        h = self.res1.inputs(x)
        k, v = self.self_attn.keys_values(h)
        if cache is not None:
            if "k" in cache:
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)   # (B, H, t, d_k)
            cache["k"], cache["v"] = k, v
        y, self_w = self.self_attn(h, (k, v), tgt_mask, gates[0], need_weights)
        x = self.res1.add(x, y)
        if cache is None:
            mem_kv = self.cross_attn.keys_values(memory)
        else:  # the encoder output does not change while decoding: project it once
            if "memory" not in cache:
                cache["memory"] = self.cross_attn.keys_values(memory)
            mem_kv = cache["memory"]
        y, cross_w = self.cross_attn(self.res2.inputs(x), mem_kv, src_mask, gates[1], need_weights)
        x = self.res2.add(x, y)
        return self.res3.add(x, self.ffn(self.res3.inputs(x))), self_w, cross_w


def causal_mask(t: int, device: torch.device) -> torch.Tensor:
    """Sec. 3.2.3: position i may attend to positions <= i only; (t, t), True = allowed."""
    return torch.ones(t, t, dtype=torch.bool, device=device).tril()


class Transformer(nn.Module):
    """The encoder-decoder of Figure 1."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.cfg = cfg
        self.src_embed = Embedding(cfg.src_vocab, cfg.d_model, cfg.pad_id)
        self.tgt_embed = Embedding(cfg.tgt_vocab, cfg.d_model, cfg.pad_id)
        self.positions = PositionalEncoding(cfg.d_model, cfg.max_len, cfg.dropout)
        self.encoder = nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.n_layers))
        self.decoder = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.n_layers))
        # pre-norm leaves the last residual sum un-normalised: one final LayerNorm per stack
        self.enc_norm = nn.LayerNorm(cfg.d_model) if cfg.norm == "pre" else nn.Identity()
        self.dec_norm = nn.LayerNorm(cfg.d_model) if cfg.norm == "pre" else nn.Identity()
        self.generator = nn.Linear(cfg.d_model, cfg.tgt_vocab, bias=False)
        self._init_weights()
        # sec. 3.4 weight sharing: the modules stay separate (attribution hooks the source embedding
        # alone), the matrix is one Parameter
        if cfg.share_embeddings:
            self.tgt_embed.lut.weight = self.src_embed.lut.weight
        if cfg.tie_output:
            self.generator.weight = self.tgt_embed.lut.weight

    def _init_weights(self) -> None:
        """Xavier-uniform matrices (as the reference tensor2tensor code); embeddings N(0, d_model^-0.5)."""
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)
        for emb in (self.src_embed, self.tgt_embed):
            nn.init.normal_(emb.lut.weight, std=self.cfg.d_model ** -0.5)
            emb.lut.weight.data[self.cfg.pad_id].zero_()

    def src_mask(self, src: torch.Tensor) -> torch.Tensor:
        """Padding is never attended: (B, 1, 1, S), True at real tokens."""
        return (src != self.cfg.pad_id)[:, None, None, :]

    def encode(self, src: torch.Tensor, gates: dict[str, torch.Tensor] | None = None, need_weights: bool = False):
        """src (B, S) -> memory (B, S, D), src_mask, encoder self-attention maps [(B, H, S, S)] * N."""
        mask, gate = self.src_mask(src), (gates or {}).get("encoder")
        x = self.positions(self.src_embed(src))
        maps = []
        for i, layer in enumerate(self.encoder):
            x, w = layer(x, mask, None if gate is None else gate[i], need_weights)
            maps.append(w)
        return self.enc_norm(x), mask, maps

    def decode(self, tgt: torch.Tensor, memory: torch.Tensor, src_mask: torch.Tensor,
               gates: dict[str, torch.Tensor] | None = None, need_weights: bool = False,
               cache: list[dict] | None = None, offset: int = 0):
        """tgt (B, T) shifted right -> logits (B, T, V), self maps [(B, H, T, T)] * N, cross maps [(B, H, T, S)] * N.

        With cache (one dict per layer) tgt holds only the new tokens, at positions offset.. .
        """
        gates = gates or {}
        t = tgt.size(1)
        tgt_mask = None  # incremental: the new token may see every cached position
        if cache is None:  # (T, T) causal & (B, 1, 1, T) padding -> (B, 1, T, T)
            tgt_mask = causal_mask(t, tgt.device) & (tgt != self.cfg.pad_id)[:, None, None, :]
        x = self.positions(self.tgt_embed(tgt), offset)
        self_maps, cross_maps = [], []
        for i, layer in enumerate(self.decoder):
            layer_gates = tuple(None if kind not in gates else gates[kind][i] for kind in ("decoder", "cross"))
            x, sw, cw = layer(x, memory, src_mask, tgt_mask, layer_gates, need_weights,
                              None if cache is None else cache[i])
            self_maps.append(sw)
            cross_maps.append(cw)
        return self.generator(self.dec_norm(x)), self_maps, cross_maps

    def forward(self, src: torch.Tensor, tgt: torch.Tensor, gates: dict[str, torch.Tensor] | None = None,
                need_weights: bool = False):
        """Teacher forcing: logits (B, T, V); with need_weights also {kind: (B, N, H, T_q, T_k)} for all three kinds."""
        memory, src_mask, enc_maps = self.encode(src, gates, need_weights)
        logits, self_maps, cross_maps = self.decode(tgt, memory, src_mask, gates, need_weights)
        if not need_weights:
            return logits
        maps = {"encoder": enc_maps, "decoder": self_maps, "cross": cross_maps}
        return logits, {kind: torch.stack(m, 1) for kind, m in maps.items()}


# -- 6.1 decoding ------------------------------------------------------------------------------------
@torch.no_grad()
def greedy_decode(model: Transformer, src: torch.Tensor, bos: int, eos: int, max_len: int,
                  gates: dict[str, torch.Tensor] | None = None) -> list[list[int]]:
    """The most probable next token at every step, for a batch; incremental (cached keys and values)."""
    memory, src_mask, _ = model.encode(src, gates)
    cache: list[dict] = [{} for _ in model.decoder]
    token = torch.full((src.size(0), 1), bos, dtype=torch.long, device=src.device)
    out, done = [], torch.zeros(src.size(0), dtype=torch.bool, device=src.device)
    for step in range(max_len):
        logits, _, _ = model.decode(token, memory, src_mask, gates, cache=cache, offset=step)
        token = logits[:, -1].argmax(-1, keepdim=True)    # (B, 1)
        out.append(token)
        done |= token[:, 0] == eos
        if done.all():
            break
    rows = torch.cat(out, 1).tolist()
    return [row[:row.index(eos)] if eos in row else row for row in rows]


PAPER_ALPHA = 0.6  # sec. 6.1's length penalty, chosen there on the development set


def length_penalty(length: int | torch.Tensor, alpha: float):
    """Wu et al. 2016 (GNMT), used in sec. 6.1 with alpha = 0.6: ((5 + |Y|) / 6)^alpha."""
    return ((5 + length) / 6) ** alpha


@torch.no_grad()
def beam_search(model: Transformer, src: torch.Tensor, bos: int, eos: int, max_len: int, beam: int = 4,
                alpha: float = PAPER_ALPHA, gates: dict[str, torch.Tensor] | None = None) -> list[list[int]]:
    """Sec. 6.1: beam search for a batch src (B, S); a finished hypothesis scores log P(Y) / length_penalty(|Y|).

    Live hypotheses are ranked by log-probability, as in tensor2tensor. A sentence stops once no live
    hypothesis can beat its best finished one: log-probabilities only fall as a hypothesis grows and the
    penalty is largest at max_len, so a live score s can at best become s / length_penalty(max_len).
    At max_len the live hypotheses compete with the finished ones. |Y| counts </s>.
    """
    b, k, device = src.size(0), beam, src.device
    memory, src_mask, _ = model.encode(src, gates)
    memory, src_mask = memory.repeat_interleave(k, 0), src_mask.repeat_interleave(k, 0)   # (B*K, S, D)
    cache: list[dict] = [{} for _ in model.decoder]
    seqs = torch.full((b * k, 1), bos, dtype=torch.long, device=device)                  # (B*K, 1 + t)
    scores = torch.full((b, k), float("-inf"), device=device)
    scores[:, 0] = 0.0   # the K beams of a sentence start identical: expand only the first
    best = torch.full((b,), float("-inf"), device=device)                                # best finished score
    best_seq = torch.full((b, max_len), eos, dtype=torch.long, device=device)            # ... and its tokens
    done = torch.zeros(b, dtype=torch.bool, device=device)
    rows = torch.arange(b, device=device)
    bound = length_penalty(max_len, alpha)
    for step in range(max_len):
        logits, _, _ = model.decode(seqs[:, -1:], memory, src_mask, gates, cache=cache, offset=step)
        vocab = logits.size(-1)
        cand = scores[..., None] + logits[:, -1].float().log_softmax(-1).view(b, k, vocab)  # (B, K, V)
        top, idx = cand.flatten(1).topk(2 * k)                                             # (B, 2K)
        beam_idx, token = idx // vocab, idx % vocab
        # finished: the best candidate that ends in </s>, length-normalised
        ended = torch.where(token == eos, top, float("-inf")) / length_penalty(step + 1, alpha)
        new_best, pick = ended.max(1)
        better = (new_best > best) & ~done
        prefix = seqs[rows * k + beam_idx[rows, pick], 1:]                                 # (B, step)
        best_seq[:, :step] = torch.where(better[:, None], prefix, best_seq[:, :step])
        best_seq[:, step:] = torch.where(better[:, None], eos, best_seq[:, step:])
        best = torch.where(better, new_best, best)
        # live: the K best candidates that do not end in </s> (2K candidates hold at least K of them)
        scores, keep = torch.where(token == eos, float("-inf"), top).topk(k)                # (B, K)
        source = (rows[:, None] * k + beam_idx.gather(1, keep)).flatten()                  # (B*K,)
        seqs = torch.cat([seqs[source], token.gather(1, keep).flatten()[:, None]], 1)
        for layer_cache in cache:  # follow the surviving hypotheses (all they cache but the shared memory)
            layer_cache.update({key: value[source] for key, value in layer_cache.items() if key != "memory"})
        done |= best >= scores[:, 0] / bound
        if done.all():
            break
    else:  # max_len reached: the live hypotheses compete too
        live = scores[:, 0] / length_penalty(max_len, alpha)
        better = (live > best) & ~done
        best_seq = torch.where(better[:, None], seqs[rows * k, 1:], best_seq)
    out = best_seq.tolist()
    return [row[:row.index(eos)] if eos in row else row for row in out]


def parameter_count(model: nn.Module) -> int:
    """Distinct parameters (a shared embedding matrix counts once)."""
    return sum(p.numel() for p in model.parameters())
