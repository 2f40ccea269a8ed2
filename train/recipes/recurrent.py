"""Attention against recurrence on the same data: RNNsearch (Bahdanau et al. 2015) and the Transformer.

"Attention Is All You Need" claims that dropping recurrence makes translation better and cheaper to train
(Table 1: a recurrent layer needs O(n) sequential operations, self-attention O(1); Table 2: higher BLEU at a
fraction of the training cost). The recipe `seq2seq` trains either model on the Transformer's data
pipeline (shared BPE vocabulary, token batches), loss, BLEU and decoding; the experiment
`attention-vs-recurrence` trains both with the same time budget (`minutes`), logging BLEU and loss against
training seconds and training FLOPs (models.flops).
"""
from __future__ import annotations

from dataclasses import dataclass

from models.recurrent import RNNSearchConfig
from models.transformer import TransformerConfig
from train.config import choose
from train.recipes import Experiment, Recipe, register
from train.text_data import PAD
from train.translation_task import TranslationConfig, TranslationTask

ARCHS = ("rnnsearch", "transformer")


@dataclass
class Seq2SeqConfig(TranslationConfig):
    """Defaults: RNNsearch as Bahdanau et al. 2015 trained it (app. A.2: gradient norm clipped at 1), with Adam at
    a constant 1e-3 in place of Adadelta. With arch="transformer" the Transformer's fields (n_layers, d_model, d_ff,
    n_heads, norm) give its model and RNNsearch's are not read; dropout and share_embeddings apply to both."""

    arch: str = "rnnsearch"          # rnnsearch | transformer
    emb_size: int = 620              # RNNsearch's m
    hidden_size: int = 1000          # RNNsearch's n: the decoder state and each direction of the encoder
    align_size: int = 1000           # RNNsearch's n'
    maxout_size: int = 500           # RNNsearch's l
    tie_output: bool = False         # RNNsearch's W_o is the embedding matrix (needs maxout_size == emb_size)
    batch_size: int = 4000           # tokens: about sec. 4.2's minibatches of 80 sentences
    lr: float = 1e-3
    beta2: float = 0.999
    eps: float = 1e-8
    schedule: str = "constant"
    clip_norm: float = 1.0
    compile: str = "off"             # token batches change shape every step, and the decoder loops over them

    def __post_init__(self) -> None:
        choose(self.arch, ARCHS, "arch")
        super().__post_init__()

    def model_config(self, vocab: int) -> TransformerConfig | RNNSearchConfig:
        if self.arch == "transformer":
            return super().model_config(vocab)
        return RNNSearchConfig(src_vocab=vocab, tgt_vocab=vocab, emb_size=self.emb_size, hidden_size=self.hidden_size,
                               align_size=self.align_size, maxout_size=self.maxout_size, dropout=self.dropout,
                               share_embeddings=self.share_embeddings, tie_output=self.tie_output, pad_id=PAD)


# Sec. 5.3's optimiser for the Transformer variant (its lr multiplies eq. 3); RNNsearch keeps the defaults above.
VARIANTS = (("Transformer", {"arch": "transformer", "schedule": "inverse_sqrt", "lr": 1.0, "beta2": 0.98, "eps": 1e-9,
                             "clip_norm": 0.0}),
            ("RNNsearch", {"arch": "rnnsearch"}))
# Both models at one width, each its own minutes on a laptop CPU (fp32: faster than bf16 at these widths).
LECTURE = {"amp": False, "minutes": 3.0, "steps": 100_000, "vocab_size": 4000, "batch_size": 2000, "dropout": 0.1,
           "n_layers": 2, "d_model": 128, "d_ff": 512, "n_heads": 4, "warmup_steps": 300,
           "emb_size": 128, "hidden_size": 128, "align_size": 128, "maxout_size": 128, "tie_output": True,
           "log_every": 10, "eval_every": 100, "eval_size": 200, "checkpoint_every": 100}
# The bundled references, 7.5 minutes of training each on one shared GPU (8 with start and evaluations): the
# Transformer as the bundled transformer-en-de (N=3, d_model=256), RNNsearch at n=256 with m=128 tied embeddings
# (2.8M parameters, 5.6 MB in fp16).
REFERENCE = {"minutes": 7.5, "steps": 1_000_000, "vocab_size": 8000, "batch_size": 6000, "dropout": 0.3,
             "n_layers": 3, "d_model": 256, "d_ff": 1024, "n_heads": 8, "warmup_steps": 1500,
             "emb_size": 128, "hidden_size": 256, "align_size": 256, "maxout_size": 128, "tie_output": True,
             "log_every": 50, "eval_every": 500, "eval_size": 0, "checkpoint_every": 1000, "offline": True,
             "compile": "off"}
PRESETS = {"lecture": LECTURE, "reference": REFERENCE}

register(Recipe(
    name="seq2seq",
    summary="RNNsearch (Bahdanau et al. 2015) or, with --arch transformer, the Transformer, on the translate data",
    config_cls=Seq2SeqConfig,
    build_task=lambda cfg, device, ranks: TranslationTask(cfg, device, ranks),
    presets=PRESETS,
))
register(Experiment(
    name="attention-vs-recurrence",
    summary="the Transformer and RNNsearch with the same time budget: BLEU against seconds and FLOPs",
    recipe="seq2seq",
    figure="Tables 1-2",
    variants=VARIANTS,
    presets=PRESETS,
))
