"""RNNsearch: the recurrent encoder-decoder with additive attention of Bahdanau, Cho and Bengio (ICLR 2015),
"Neural Machine Translation by Jointly Learning to Align and Translate", the kind of model that "Attention Is
All You Need" (Table 1: O(n) sequential operations per recurrent layer, O(1) per self-attention layer) replaces.

Read as the paper: the encoder is a bidirectional GRU whose annotations concatenate both directions,
h_j = [h->_j; h<-_j] (sec. 3.2); the decoder is a GRU, s_i = f(s_{i-1}, y_{i-1}, c_i), started at
s_0 = tanh(W_s h<-_1), whose context c_i = sum_j a_ij h_j weighs the annotations by the alignment model
e_ij = v_a^T tanh(W_a s_{i-1} + U_a h_j), a_ij = softmax_j(e_ij) (sec. 3.1, app. A.1.2); the output is a
maxout layer over U_o s_{i-1} + V_o E y_{i-1} + C_o c_i, then a softmax (app. A.2.2). Every output step's
alignment a_i. is returned, so the map of Fig. 3 comes out of any forward pass.

Its interface is the Transformer's (models.transformer): `encode`, `decode` with a per-layer cache (the
decoder state here) and `forward(..., need_weights=True)`, so greedy and beam search and the translator
call either model. Changes from the paper are named options: dropout, one embedding matrix for both
languages, and the output layer tied to it (as the Transformer's sec. 3.4), which make it small enough to bundle.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


@dataclass
class RNNSearchConfig:
    """Defaults are RNNsearch-50 of sec. 4.2 and app. A.2 (vocabulary of 30,000 words per language)."""

    src_vocab: int = 30000
    tgt_vocab: int = 30000
    emb_size: int = 620             # m, word embedding dimension
    hidden_size: int = 1000         # n, the decoder state and each direction of the encoder
    align_size: int = 1000          # n', the alignment model's hidden layer
    maxout_size: int = 500          # l, units of the maxout output layer (each the max of 2)
    dropout: float = 0.0            # not in the paper: on embeddings and on the maxout output
    max_len: int = 1024             # longest output while decoding
    share_embeddings: bool = False  # not in the paper: one matrix E for source and target (needs one vocabulary)
    tie_output: bool = False        # not in the paper: W_o is E (needs maxout_size == emb_size)
    pad_id: int = 0

    def __post_init__(self) -> None:
        for name in ("src_vocab", "tgt_vocab", "emb_size", "hidden_size", "align_size", "maxout_size", "max_len"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout}")
        if self.share_embeddings and self.src_vocab != self.tgt_vocab:
            raise ValueError("share_embeddings needs one shared vocabulary: src_vocab must equal tgt_vocab")
        if self.tie_output and self.maxout_size != self.emb_size:
            raise ValueError(f"tie_output needs maxout_size == emb_size, got {self.maxout_size} and {self.emb_size}")


def small(**changes) -> RNNSearchConfig:
    """Not in the paper: m=128, n=256 (the bundled Transformer's width), tied embeddings: 2.8M parameters, 5.6 MB
    in fp16 with an 8k vocabulary."""
    return RNNSearchConfig(**{"src_vocab": 8000, "tgt_vocab": 8000, "emb_size": 128, "hidden_size": 256,
                              "align_size": 256, "maxout_size": 128, "dropout": 0.3, "share_embeddings": True,
                              "tie_output": True, **changes})


class Encoder(nn.Module):
    """Sec. 3.2: a bidirectional GRU over the source embeddings; padding is packed away, so h<- starts at </s>."""

    def __init__(self, cfg: RNNSearchConfig):
        super().__init__()
        self.rnn = nn.GRU(cfg.emb_size, cfg.hidden_size, batch_first=True, bidirectional=True)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """x: (B, S, m) embeddings, lengths (B,) -> annotations (B, S, 2n), zero at padding."""
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        return pad_packed_sequence(out, batch_first=True, total_length=x.size(1))[0]


def additive_attention(query: torch.Tensor, keys: torch.Tensor, v_a: torch.Tensor,
                       mask: torch.Tensor) -> torch.Tensor:
    """App. A.1.2: a_ij = softmax_j(v_a^T tanh(W_a s_{i-1} + U_a h_j)); masked weights are exactly 0.

    query: W_a s_{i-1} (B, n'), keys: U_a h (B, S, n'), v_a: (n',), mask: (B, S) True at real tokens -> (B, S).
    """
    scores = torch.tanh(keys + query[:, None]) @ v_a                    # (B, S)
    return scores.masked_fill(~mask, float("-inf")).softmax(-1)


class Decoder(nn.Module):
    """Sec. 3.1: the GRU decoder that attends over the annotations before each step, and its output layer."""

    def __init__(self, cfg: RNNSearchConfig):
        super().__init__()
        n, a = cfg.hidden_size, cfg.align_size
        self.init_state = nn.Linear(n, n)                               # W_s, from h<-_1 (app. A.2.2)
        self.w_a = nn.Linear(n, a, bias=False)
        self.u_a = nn.Linear(2 * n, a)
        self.v_a = nn.Parameter(torch.zeros(a))
        self.cell = nn.GRUCell(cfg.emb_size + 2 * n, n)                 # input [E y_{i-1}; c_i]
        self.readout = nn.Linear(n + cfg.emb_size + 2 * n, 2 * cfg.maxout_size)  # [U_o V_o C_o] as one matrix
        self.drop = nn.Dropout(cfg.dropout)

    def start(self, annotations: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The first state s_0 (B, n) and the keys U_a h_j (B, S, n'), computed once per sentence."""
        n = self.init_state.in_features
        return torch.tanh(self.init_state(annotations[:, 0, n:])), self.u_a(annotations)

    def forward(self, emb: torch.Tensor, annotations: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor,
                state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """emb: E y_{i-1} for T steps (B, T, m), state: s_{i-1} before the first -> maxout output t (B, T, l),
        alignments (B, T, S), the state after the last step (B, n). One step at a time: O(T) sequential ops."""
        states, contexts, weights = [], [], []
        for e in emb.unbind(1):                                                     # E y_{i-1} (B, m)
            alpha = additive_attention(self.w_a(state), keys, self.v_a, mask)       # (B, S)
            context = (alpha[:, None] @ annotations)[:, 0]                          # c_i (B, 2n)
            states.append(state)
            contexts.append(context)
            weights.append(alpha)
            state = self.cell(torch.cat([e, context], -1), state)                   # s_i
        # app. A.2.2: t~_i = U_o s_{i-1} + V_o E y_{i-1} + C_o c_i, then a maxout over pairs of units
        t = self.readout(torch.cat([torch.stack(states, 1), emb, torch.stack(contexts, 1)], -1))
        t = t.unflatten(-1, (-1, 2)).amax(-1)                                        # (B, T, l)
        return self.drop(t), torch.stack(weights, 1), state


class RNNSearch(nn.Module):
    """The encoder-decoder of Fig. 1 of Bahdanau et al., with the Transformer's calling conventions."""

    def __init__(self, cfg: RNNSearchConfig):
        super().__init__()
        self.cfg = cfg
        self.src_embed = nn.Embedding(cfg.src_vocab, cfg.emb_size, padding_idx=cfg.pad_id)
        self.tgt_embed = nn.Embedding(cfg.tgt_vocab, cfg.emb_size, padding_idx=cfg.pad_id)
        self.encoder = Encoder(cfg)
        self.decoder = nn.ModuleList([Decoder(cfg)])  # one recurrent layer, in a list as the Transformer's stack
        self.drop = nn.Dropout(cfg.dropout)
        self.generator = nn.Linear(cfg.maxout_size, cfg.tgt_vocab, bias=False)   # W_o
        self._init_weights()
        if cfg.share_embeddings:
            self.tgt_embed.weight = self.src_embed.weight
        if cfg.tie_output:
            self.generator.weight = self.tgt_embed.weight

    def _init_weights(self) -> None:
        """App. A.2.1: recurrent matrices random orthogonal (per gate), v_a zero. Changed: embeddings N(0, 1/m) and
        the other matrices PyTorch's uniform start, not the paper's N(0, 0.01^2) (with it, a tiny copy task trained
        with Adam stays at unigram loss for 400 steps; with this start it is learnt in 150)."""
        for name, p in self.named_parameters():
            if "embed" in name:
                nn.init.normal_(p, std=self.cfg.emb_size ** -0.5)
            elif "weight_hh" in name:
                for gate in p.data.chunk(3):
                    nn.init.orthogonal_(gate)

    def src_mask(self, src: torch.Tensor) -> torch.Tensor:
        """(B, 1, 1, S), True at real tokens: the Transformer's shape, so its decoding functions apply."""
        return (src != self.cfg.pad_id)[:, None, None, :]

    def encode(self, src: torch.Tensor, gates: dict | None = None, need_weights: bool = False):
        """src (B, S) -> annotations (B, S, 2n), src_mask, [] (no self-attention maps)."""
        no_heads(gates)
        mask = self.src_mask(src)
        return self.encoder(self.drop(self.src_embed(src)), mask.sum((1, 2, 3))), mask, []

    def decode(self, tgt: torch.Tensor, memory: torch.Tensor, src_mask: torch.Tensor, gates: dict | None = None,
               need_weights: bool = False, cache: list[dict] | None = None, offset: int = 0):
        """tgt (B, T) shifted right -> logits (B, T, V), [], [alignments (B, 1, T, S)].

        With cache (one dict, from {}) tgt holds only the new tokens: the state s and the keys U_a h are kept
        between calls, so decoding one token at a time equals decoding all at once. offset is not needed.
        """
        no_heads(gates)
        decoder = self.decoder[0]
        if cache is None:
            state, keys = decoder.start(memory)
        else:
            if "memory" not in cache[0]:  # the annotations do not change while decoding
                cache[0]["state"], cache[0]["memory"] = decoder.start(memory)
            state, keys = cache[0]["state"], cache[0]["memory"]
        t, weights, state = decoder(self.drop(self.tgt_embed(tgt)), memory, keys, src_mask[:, 0, 0], state)
        if cache is not None:
            cache[0]["state"] = state
        return self.generator(t), [], [weights[:, None]]

    def forward(self, src: torch.Tensor, tgt: torch.Tensor, gates: dict | None = None, need_weights: bool = False):
        """Teacher forcing: logits (B, T, V); with need_weights also {"cross": (B, 1, 1, T, S)}, the alignments
        (one layer, one head, in the Transformer's layout)."""
        memory, src_mask, _ = self.encode(src, gates)
        logits, _, cross = self.decode(tgt, memory, src_mask, gates)
        return (logits, {"cross": cross[0][:, None]}) if need_weights else logits


def no_heads(gates: dict | None) -> None:
    if gates:
        raise ValueError("RNNsearch has no attention heads to switch off (its one alignment model is not multi-head)")

