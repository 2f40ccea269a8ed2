"""Translation training (sec. 5 of "Attention Is All You Need") and the translator the lab and benchmarks use.

Sec. 5.1: batches of sentence pairs grouped by length, bounded by token count. Sec. 5.3: Adam with
beta1 0.9, beta2 0.98, eps 1e-9 and the warmup / inverse-square-root schedule of eq. 3. Sec. 5.4:
label smoothing 0.1. BLEU is sacrebleu's (its `zh` tokenizer for Chinese), on greedy or beam output.
"""
from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sacrebleu
import torch
import torch.nn.functional as F
from safetensors.torch import load_model, save_model
from tokenizers import Tokenizer

from models.flops import training_flops
from models.recurrent import RNNSearch, RNNSearchConfig
from models.transformer import NORMS, PAPER_ALPHA, Transformer, TransformerConfig, beam_search, greedy_decode
from train.checkpoint import newest_good_checkpoint
from train.config import ConfigError, TrainConfig, choose
from train.runtime import Dist
from train.store import RunStore, atomic_write
from train.text_data import (
    BOS,
    CORPORA,
    EOS,
    PAD,
    ParallelCorpus,
    corpus_tokenizer,
    encode,
    load_corpus,
    load_tokenizer,
    print_progress,
    save_tokenizer,
)

TOKENIZER_FILE = "tokenizer.json"


@dataclass
class TranslationConfig(TrainConfig):
    """Defaults: the base model trained as in sec. 5 (100k steps of ~25k target tokens on 8 GPUs)."""

    corpus: str = "multi30k-en-de"   # multi30k-en-de | tatoeba-en-zh
    vocab_size: int = 8000           # shared BPE vocabulary (the paper: 37k for the larger WMT 2014 en-de)
    n_layers: int = 6
    d_model: int = 512
    d_ff: int = 2048
    n_heads: int = 8
    dropout: float = 0.1
    attn_dropout: float = 0.0        # not in the paper: on attention weights (tensor2tensor's)
    relu_dropout: float = 0.0        # not in the paper: inside the FFN (tensor2tensor's)
    norm: str = "post"               # post (the paper) | pre
    share_embeddings: bool = True
    label_smoothing: float = 0.1     # sec. 5.4
    max_sentence_tokens: int = 100   # longer training pairs are skipped
    eval_size: int = 500             # BLEU on the first N validation pairs (0: all)
    eval_beam: int = 1               # 1: greedy (fast); 4 with length penalty 0.6 is the paper's
    offline: bool = False            # use the bundled Multi30k copy without trying GitHub
    init_from: str = ""              # not in the paper: an exported model folder whose weights and vocabulary the
    #                                  run starts from, eq. 3 going on at its step (Adam's moments start afresh)
    # sec. 5.3 optimiser and schedule; lr multiplies eq. 3 (1.0 is the paper)
    optimizer: str = "adam"
    lr: float = 1.0
    momentum: float = 0.9
    beta2: float = 0.98
    eps: float = 1e-9
    schedule: str = "inverse_sqrt"
    warmup_steps: int = 4000
    steps: int = 100_000
    batch_size: int = 25_000         # tokens per batch, padding included, largest of source and target
    log_every: int = 50
    eval_every: int = 1000
    checkpoint_every: int = 1000
    snapshot_every: int = 1000

    def __post_init__(self) -> None:
        super().__post_init__()
        choose(self.corpus, tuple(CORPORA), "corpus")
        choose(self.norm, NORMS, "norm")
        if not 0 <= self.label_smoothing < 1:
            raise ConfigError(f"label_smoothing must be in [0, 1), got {self.label_smoothing}")
        if self.vocab_size < 100:
            raise ConfigError(f"vocab_size must be at least 100, got {self.vocab_size}")
        if self.batch_size < self.max_sentence_tokens:
            raise ConfigError(f"batch_size ({self.batch_size} tokens) must hold one sentence of "
                              f"max_sentence_tokens ({self.max_sentence_tokens})")
        if self.eval_beam < 1 or self.eval_size < 0:
            raise ConfigError("eval_beam must be >= 1 and eval_size >= 0")
        try:
            self.model_config(self.vocab_size)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc

    def model_config(self, vocab: int) -> TransformerConfig:
        return TransformerConfig(src_vocab=vocab, tgt_vocab=vocab, n_layers=self.n_layers, d_model=self.d_model,
                                 d_ff=self.d_ff, n_heads=self.n_heads, dropout=self.dropout,
                                 attn_dropout=self.attn_dropout, relu_dropout=self.relu_dropout, norm=self.norm,
                                 share_embeddings=self.share_embeddings, tie_output=True, pad_id=PAD)


# The models a translation run or bundle may hold, by class name (a bundle's config.json says which: "architecture")
ARCHITECTURES = {"Transformer": (Transformer, TransformerConfig), "RNNSearch": (RNNSearch, RNNSearchConfig)}


def build_model(model_cfg: TransformerConfig | RNNSearchConfig) -> Transformer | RNNSearch:
    """The model of a model config: the Transformer, or RNNsearch (Bahdanau et al. 2015; train.recipes.recurrent)."""
    return next(cls for cls, config_cls in ARCHITECTURES.values() if isinstance(model_cfg, config_cls))(model_cfg)


def token_batches(lengths: Sequence[tuple[int, int]], max_tokens: int) -> list[list[int]]:
    """Sec. 5.1: pairs sorted by length, cut into batches of at most max_tokens (padded) tokens per side."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i][1], lengths[i][0], i))
    batches, current, longest = [], [], 0
    for i in order:
        longest_if_added = max(longest, *lengths[i])
        if current and longest_if_added * (len(current) + 1) > max_tokens:
            batches.append(current)
            current, longest_if_added = [], max(lengths[i])
        current.append(i)
        longest = longest_if_added
    if current:
        batches.append(current)
    return batches


def pad_batch(rows: Sequence[Sequence[int]], device: torch.device | str = "cpu") -> torch.Tensor:
    out = torch.full((len(rows), max(len(r) for r in rows)), PAD, dtype=torch.long)
    for i, row in enumerate(rows):
        out[i, : len(row)] = torch.tensor(row, dtype=torch.long)
    return out.to(device)


def corpus_bleu(hypotheses: Sequence[str], references: Sequence[str], lang: str) -> float:
    """sacrebleu BLEU; Chinese is scored with its character-level `zh` tokenizer."""
    return sacrebleu.corpus_bleu(list(hypotheses), [list(references)], tokenize="zh" if lang == "zh" else "13a").score


class TranslationTask:
    """Token-count batches of one corpus; label-smoothed cross-entropy; validation loss and BLEU."""

    throughput_name = "tokens_per_s"

    def __init__(self, cfg: TranslationConfig, device: torch.device, ranks: Dist = Dist(),
                 corpus: ParallelCorpus | None = None):
        self.cfg, self.device, self.ranks = cfg, device, ranks
        corpus = corpus or load_corpus(cfg.corpus, print_progress, offline=cfg.offline)
        self.corpus, self.data_name = corpus, f"{corpus.name} ({corpus.origin})"
        start = load_bundle(cfg.init_from) if cfg.init_from else None
        self.tokenizer = start.tokenizer if start else corpus_tokenizer(corpus, cfg.vocab_size)
        self.start_step = int(start.info.get("steps", 0)) if start else 0
        limit = cfg.max_sentence_tokens
        pairs = [(encode(self.tokenizer, s, limit + 1), encode(self.tokenizer, t, limit + 1))
                 for s, t in corpus.splits["train"]]
        self.pairs = [(s, t) for s, t in pairs if len(s) <= limit and len(t) + 1 <= limit]
        if not self.pairs:
            raise ConfigError(f"no training pair has at most {limit} tokens")
        self.batch_list = token_batches([(len(s), len(t) + 1) for s, t in self.pairs],
                                        cfg.batch_size // ranks.world_size)
        # padded once, pinned on CUDA: a step's copy to the GPU does not wait for the host
        pin = device.type == "cuda"
        self.padded = [tuple(t.pin_memory() if pin else t for t in self.pad(batch)) for batch in self.batch_list]
        self.d_model = cfg.d_model  # the Trainer scales eq. 3 by d_model^-0.5
        self.model = build_model(cfg.model_config(self.tokenizer.get_vocab_size()))
        if start:
            copy_weights(start.model, self.model, cfg.init_from)
        self.val = corpus.splits["val"][: cfg.eval_size or None]

    def pad(self, batch: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        """Sources (B, S) and targets <s> y1 .. yn </s> (B, T + 1) of the pairs at these indices."""
        rows = [self.pairs[j] for j in batch]
        return pad_batch([s for s, _ in rows]), pad_batch([[BOS, *t] for _, t in rows])

    def save_files(self, folder: Path) -> None:
        """The vocabulary travels with the run: views and exports read it from the run folder."""
        save_tokenizer(self.tokenizer, folder / TOKENIZER_FILE)

    def batches(self, start_step: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Batch order reshuffled every epoch (seeded): resuming at any step gives the same batches."""
        world, per_epoch = self.ranks.world_size, len(self.batch_list)
        step = start_step
        while True:
            index = step * world + self.ranks.rank
            epoch, i = divmod(index, per_epoch)
            order = list(range(per_epoch))
            random.Random(self.cfg.seed * 100_003 + epoch).shuffle(order)
            src, tgt = self.padded[order[i]]
            yield src.to(self.device, non_blocking=True), tgt.to(self.device, non_blocking=True)
            step += 1

    def train_loss(self, model, batch):
        src, tgt = batch
        logits = model(src, tgt[:, :-1])   # teacher forcing: predict y_t from y_<t (B, T, V)
        loss = F.cross_entropy(logits.flatten(0, 1).float(), tgt[:, 1:].flatten(), ignore_index=PAD,
                               label_smoothing=self.cfg.label_smoothing)
        return loss, {"count": (tgt[:, 1:] != PAD).sum().float(),
                      "flops": training_flops(self.model, src.size(0), src.size(1), tgt.size(1) - 1)}

    def train_metrics(self, sums: dict[str, float]) -> dict[str, float]:
        return {}

    @torch.no_grad()
    def evaluate(self, model) -> dict[str, float]:
        model.eval()
        translator = Translator(model, self.tokenizer, {"tgt_lang": self.corpus.tgt_lang})
        sources, references = [s for s, _ in self.val], [t for _, t in self.val]
        nll, tokens = 0.0, 0
        for start in range(0, len(self.val), 100):
            src = pad_batch([encode(self.tokenizer, s, 256) for s in sources[start:start + 100]], self.device)
            tgt = pad_batch([[BOS, *encode(self.tokenizer, t, 256)] for t in references[start:start + 100]],
                            self.device)
            logits = model(src, tgt[:, :-1]).float()
            nll += F.cross_entropy(logits.flatten(0, 1), tgt[:, 1:].flatten(), ignore_index=PAD, reduction="sum").item()
            tokens += (tgt[:, 1:] != PAD).sum().item()
        hypotheses = translator.translate_many(sources, beam=self.cfg.eval_beam)
        return {"val_loss": nll / tokens, "bleu": corpus_bleu(hypotheses, references, self.corpus.tgt_lang)}

    def snapshots(self, model) -> dict[str, np.ndarray]:
        return {}


# -- inference: a model with its vocabulary -----------------------------------------------------------
@dataclass
class Translation:
    source_ids: list[int]       # source tokens, ending in </s>
    output_ids: list[int]       # the translation, without <s> and </s>
    text: str


@dataclass
class Translator:
    """A trained model, its tokenizer and a description (corpus, languages, steps, BLEU) for display."""

    model: Transformer | RNNSearch
    tokenizer: Tokenizer
    info: dict[str, Any] = field(default_factory=dict)
    max_source_tokens: int = 128

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    @property
    def alpha(self) -> float:
        """Beam search's length penalty: sec. 6.1's 0.6, or the value a bundle chose on its validation split."""
        return float(self.info.get("beam_alpha", PAPER_ALPHA))

    def source_ids(self, text: str) -> list[int]:
        return encode(self.tokenizer, text, self.max_source_tokens)

    @torch.no_grad()
    def translate(self, text: str, beam: int = 1, gates: dict[str, torch.Tensor] | None = None) -> Translation:
        """Greedy (beam 1) or beam search with length penalty self.alpha; output at most source + 50 tokens."""
        self.model.eval()
        ids = self.source_ids(text)
        src = torch.tensor([ids], device=self.device)
        max_len = min(len(ids) + 50, self.model.cfg.max_len - 1)
        out = self.decode(src, beam, max_len, gates)[0]
        return Translation(ids, out, self.tokenizer.decode(out))

    def decode(self, src: torch.Tensor, beam: int, max_len: int, gates: dict[str, torch.Tensor] | None = None,
               alpha: float | None = None):
        """Greedy (beam 1) or beam search (sec. 6.1; length penalty alpha, default self.alpha) of a padded batch
        src (B, S)."""
        if beam == 1:
            return greedy_decode(self.model, src, BOS, EOS, max_len, gates)
        return beam_search(self.model, src, BOS, EOS, max_len, beam, self.alpha if alpha is None else alpha, gates)

    @torch.no_grad()
    def translate_many(self, texts: Sequence[str], beam: int = 1, gates: dict[str, torch.Tensor] | None = None,
                       batch: int = 100, alpha: float | None = None) -> list[str]:
        """Translations of many sentences, in batches of similar source length (little padding)."""
        self.model.eval()
        ids = [self.source_ids(t) for t in texts]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out: list[str] = [""] * len(ids)
        for start in range(0, len(order), batch):
            chunk = order[start:start + batch]
            max_len = min(max(len(ids[i]) for i in chunk) + 50, self.model.cfg.max_len - 1)
            rows = self.decode(pad_batch([ids[i] for i in chunk], self.device), beam, max_len, gates, alpha)
            for i, text in zip(chunk, self.tokenizer.decode_batch(rows)):
                out[i] = text
        return out

    @torch.no_grad()
    def attention_maps(self, source_ids: Sequence[int], output_ids: Sequence[int],
                       gates: dict[str, torch.Tensor] | None = None) -> dict[str, np.ndarray]:
        """Every map of one teacher-forced pass over <s> + output: {kind: (N, H, T_q, T_k)} as float32 arrays.

        encoder: source x source; decoder: decoder inputs (<s> y1..yn) x the same; cross: one row per
        produced token (y1..yn </s>) over the source.
        """
        self.model.eval()
        src = torch.tensor([list(source_ids)], device=self.device)
        tgt = torch.tensor([[BOS, *output_ids]], device=self.device)
        _, maps = self.model(src, tgt, gates, need_weights=True)
        return {kind: m[0].float().cpu().numpy() for kind, m in maps.items()}

    def tokens(self, ids: Sequence[int]) -> list[str]:
        return [self.tokenizer.id_to_token(i) for i in ids]


def load_bundle(folder: Path) -> Translator:
    """An exported model folder: config.json, model.safetensors, tokenizer.json (README.md is the model card)."""
    folder = Path(folder)
    if not (folder / "config.json").is_file():
        raise ConfigError(f"{folder} is not an exported model folder (config.json, model.safetensors, tokenizer.json)")
    meta = json.loads((folder / "config.json").read_text())
    model_cls, config_cls = ARCHITECTURES[meta.get("architecture", "Transformer")]
    model = model_cls(config_cls(**meta["model"]))
    load_model(model, folder / "model.safetensors")  # fp16 on disk, cast into the fp32 parameters
    return Translator(model.eval(), load_tokenizer(folder / TOKENIZER_FILE), {**meta, "source": str(folder)})


def copy_weights(source: torch.nn.Module, target: torch.nn.Module, folder: str) -> None:
    """A bundle's weights into a run's model of the same shape; the run keeps its own dropout."""
    def shape(model: torch.nn.Module) -> dict[str, Any]:
        return {"architecture": type(model).__name__,
                **{k: v for k, v in asdict(model.cfg).items() if "dropout" not in k}}
    ours, theirs = shape(target), shape(source)
    differ = [f"{k} {theirs[k]} (this run: {ours.get(k)})" for k in theirs if ours.get(k) != theirs[k]]
    if differ:
        raise ConfigError(f"init_from {folder}: its model has {', '.join(differ)}; give the run the same shape")
    target.load_state_dict(source.state_dict())


def load_run(store: RunStore, run_id: str) -> Translator:
    """A stored translation run at its newest checkpoint (it may still be training)."""
    from train.recipes import get_recipe  # (train.recipes imports this module)

    run = store.get(run_id)
    cfg = get_recipe(run.recipe).config_cls.from_dict(run.config)
    tok_path = store.run_dir(run_id) / TOKENIZER_FILE
    found = newest_good_checkpoint(store.checkpoints(run_id))
    if found is None or not tok_path.exists():
        raise FileNotFoundError(f"run {run_id} has no checkpoint yet: wait for its first one")
    tokenizer = load_tokenizer(tok_path)
    model = build_model(cfg.model_config(tokenizer.get_vocab_size()))
    model.load_state_dict(found[1]["model"])
    corpus_langs = cfg.corpus.split("-")[-2:]
    info = {"name": run.title, "corpus": cfg.corpus, "src_lang": corpus_langs[0], "tgt_lang": corpus_langs[1],
            "steps": found[1]["step"], "source": f"run {run_id}", "model": asdict(model.cfg)}
    metrics = store.metrics(run_id)
    if "bleu" in metrics:
        info["val_bleu"] = metrics["bleu"][1][-1]
    return Translator(model.eval(), tokenizer, info)


def export_bundle(translator: Translator, folder: Path, **info: Any) -> Path:
    """Write a model folder load_bundle reads: fp16 safetensors, the tokenizer and config.json with info."""
    folder = Path(folder)
    # save_model stores a tied matrix once (the embeddings and the output layer share it, sec. 3.4)
    half = copy.deepcopy(translator.model).half()
    atomic_write(folder / "model.safetensors", lambda p: save_model(half, str(p)))
    save_tokenizer(translator.tokenizer, folder / TOKENIZER_FILE)
    meta = {**{k: v for k, v in translator.info.items() if k != "source"}, **info,
            "architecture": type(translator.model).__name__, "model": asdict(translator.model.cfg)}
    atomic_write(folder / "config.json", lambda p: p.write_text(json.dumps(meta, indent=2, ensure_ascii=False)))
    return folder
