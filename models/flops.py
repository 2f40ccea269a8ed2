"""Training FLOPs of one batch, counted per layer from the models' shapes, so BLEU can be drawn against compute.

A matrix product of (p x q) by (q x r) costs 2pqr FLOPs; element-wise work (softmax, gates, norms) and
embedding look-ups are left out. A training step costs three forward passes: the backward pass computes a
gradient for both operands of every product (the usual 6 x parameters x tokens, counted here layer by
layer so attention's S x T terms and the recurrent steps are in). Shapes are the padded batch's, as computed.
torch.utils.flop_counter.FlopCounterMode counts the same products (tests/test_recurrent.py compares them).
"""
from __future__ import annotations

from torch import nn

from models.recurrent import RNNSearch, RNNSearchConfig
from models.transformer import Transformer, TransformerConfig

BACKWARD_FACTOR = 3  # forward + backward (a gradient for each operand: twice the forward products)


def transformer_forward_flops(cfg: TransformerConfig, batch: int, src_len: int, tgt_len: int) -> float:
    """Sec. 3: N encoder layers (self-attention, FFN) and N decoder layers (masked self-, cross-attention, FFN)."""
    d, b, s, t = cfg.d_model, batch, src_len, tgt_len
    encoder = 8 * b * s * d * d + 4 * b * s * s * d + 4 * b * s * d * cfg.d_ff      # Q K V O; QK^T, AV; FFN
    decoder = (8 * b * t * d * d + 4 * b * t * t * d                                # masked self-attention
               + 4 * b * t * d * d + 4 * b * s * d * d + 4 * b * t * s * d          # cross: Q O on T, K V on S
               + 4 * b * t * d * cfg.d_ff)
    return cfg.n_layers * (encoder + decoder) + 2 * b * t * d * cfg.tgt_vocab       # + the pre-softmax linear


def rnnsearch_forward_flops(cfg: RNNSearchConfig, batch: int, src_len: int, tgt_len: int) -> float:
    """Bahdanau et al. 2015: a bidirectional GRU over S tokens, then T decoder steps of attention, GRU, output."""
    m, n, a, out = cfg.emb_size, cfg.hidden_size, cfg.align_size, cfg.maxout_size
    b, s, t = batch, src_len, tgt_len
    encoder = 2 * b * s * (2 * m * 3 * n + 2 * n * 3 * n)        # two directions, input and recurrent products
    start = 2 * b * n * n + 2 * b * s * 2 * n * a                # s_0 = tanh(W_s h<-_1); keys U_a h_j
    step = (2 * n * a + 2 * s * a + 2 * s * 2 * n                # W_a s_{i-1}; v_a^T tanh(.); c_i = sum a_ij h_j
            + 2 * (m + 2 * n) * 3 * n + 2 * n * 3 * n            # GRU: input [E y; c] and recurrent products
            + 2 * (n + m + 2 * n) * 2 * out + 2 * out * cfg.tgt_vocab)  # maxout output layer, softmax layer
    return encoder + start + b * t * step


def training_flops(model: nn.Module, batch: int, src_len: int, tgt_len: int) -> float:
    """FLOPs of one training step (forward and backward) on a padded batch of (batch, src_len) source tokens and
    (batch, tgt_len) decoder inputs."""
    if isinstance(model, Transformer):
        return BACKWARD_FACTOR * transformer_forward_flops(model.cfg, batch, src_len, tgt_len)
    if isinstance(model, RNNSearch):
        return BACKWARD_FACTOR * rnnsearch_forward_flops(model.cfg, batch, src_len, tgt_len)
    raise TypeError(f"no FLOP count for {type(model).__name__}")
