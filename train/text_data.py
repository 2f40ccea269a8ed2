"""Parallel text for the Transformer: Multi30k English-German, Tatoeba English-Chinese, and BPE vocabularies.

Multi30k (Elliott et al. 2016) is downloaded from the dataset's GitHub repository and cached; offline,
the copy bundled in assets/text is used. Tatoeba (CC-BY 2.0 FR) ships bundled with its attribution.
Vocabularies are byte-pair encodings (Sennrich et al. 2016, as in sec. 5.1 of the Transformer paper)
learned with `tokenizers`, one vocabulary shared by both languages (sec. 5.1: "shared source-target").
Chinese is written without spaces, so every Han character (and punctuation mark) is its own
pre-token: BPE then merges nothing across characters and spacing is restored exactly on decoding.
"""
from __future__ import annotations

import gzip
import random
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

from train.store import atomic_write, default_home

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "assets" / "text"
MULTI30K_URL = "https://raw.githubusercontent.com/multi30k/dataset/master/data/task1/raw/{name}.gz"
MULTI30K_SPLITS = {"train": "train", "val": "val", "test": "test_2016_flickr"}
SPECIALS = ("<pad>", "<unk>", "<s>", "</s>")
PAD, UNK, BOS, EOS = range(4)
# one pre-token per CJK character or punctuation mark
ISOLATED = r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{P}]"

Progress = Callable[[float, str], None]


def print_progress(fraction: float, desc: str) -> None:
    print(f"{desc} ({fraction:.0%})", flush=True)


@dataclass
class ParallelCorpus:
    name: str
    src_lang: str
    tgt_lang: str
    splits: dict[str, list[tuple[str, str]]]  # train | val | test -> (source, target) pairs
    origin: str                                # where the text came from (shown in the UI and model cards)


# -- Multi30k -------------------------------------------------------------------------------------
def fetch_multi30k(folder: Path, progress: Progress | None = None, timeout: float = 10.0) -> Path:
    """Download the six raw en/de files into folder (once); raises OSError when offline."""
    names = [f"{split}.{lang}" for split in MULTI30K_SPLITS.values() for lang in ("en", "de")]
    for i, name in enumerate(names):
        path = folder / f"{name}.gz"
        if not path.exists():
            if progress:
                progress(i / len(names), f"downloading Multi30k {name}")
            with urllib.request.urlopen(MULTI30K_URL.format(name=name), timeout=timeout) as response:
                data = response.read()
            atomic_write(path, lambda p: p.write_bytes(data))  # noqa: B023 (called at once)
    return folder


def multi30k_folder(progress: Progress | None = None, offline: bool = False) -> tuple[Path, str]:
    """The cached download, a fresh download, or the bundled copy, in that order."""
    cache = default_home() / "data" / "multi30k"
    if not offline:
        try:
            return fetch_multi30k(cache, progress), "github.com/multi30k/dataset"
        except OSError:  # offline or blocked: the bundled files are the same data
            pass
    return BUNDLED / "multi30k", "bundled copy of github.com/multi30k/dataset"


def read_lines(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def load_multi30k(progress: Progress | None = None, offline: bool = False) -> ParallelCorpus:
    folder, origin = multi30k_folder(progress, offline)
    splits = {split: list(zip(read_lines(folder / f"{name}.en.gz"), read_lines(folder / f"{name}.de.gz")))
              for split, name in MULTI30K_SPLITS.items()}
    return ParallelCorpus("multi30k-en-de", "en", "de", splits, origin)


# -- Tatoeba ----------------------------------------------------------------------------------------
def load_tatoeba(held_out: int = 1000, seed: int = 0) -> ParallelCorpus:
    """29k English-Chinese pairs; a fixed shuffle holds out `held_out` pairs each for val and test."""
    with gzip.open(BUNDLED / "tatoeba" / "cmn-eng.txt.gz", "rt", encoding="utf-8-sig") as f:
        pairs = [tuple(line.split("\t")[:2]) for line in f if line.count("\t") >= 2]
    random.Random(seed).shuffle(pairs)
    splits = {"val": pairs[:held_out], "test": pairs[held_out:2 * held_out], "train": pairs[2 * held_out:]}
    return ParallelCorpus("tatoeba-en-zh", "en", "zh", splits, "tatoeba.org (CC-BY 2.0 FR), bundled")


CORPORA = {"multi30k-en-de": load_multi30k, "tatoeba-en-zh": lambda progress=None, offline=False: load_tatoeba()}


def load_corpus(name: str, progress: Progress | None = None, offline: bool = False) -> ParallelCorpus:
    if name not in CORPORA:
        raise ValueError(f"unknown corpus {name!r}; choose one of {', '.join(CORPORA)}")
    return CORPORA[name](progress=progress, offline=offline)


# -- BPE --------------------------------------------------------------------------------------------
def new_tokenizer() -> Tokenizer:
    """BPE over words marked with a leading '▁' (so decoding restores spaces), CJK split per character."""
    tok = Tokenizer(models.BPE(unk_token=SPECIALS[UNK]))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Metaspace(prepend_scheme="first"),
                                                 pre_tokenizers.Split(Regex(ISOLATED), behavior="isolated")])
    tok.decoder = decoders.Metaspace(prepend_scheme="first")
    return tok


def train_tokenizer(texts: Iterable[str], vocab_size: int) -> Tokenizer:
    """Learn a shared BPE vocabulary of vocab_size tokens (specials first: <pad>=0, <unk>=1, <s>=2, </s>=3)."""
    tok = new_tokenizer()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=list(SPECIALS), min_frequency=2,
                                  show_progress=False)
    tok.train_from_iterator(texts, trainer)
    return tok


def corpus_tokenizer(corpus: ParallelCorpus, vocab_size: int) -> Tokenizer:
    """The corpus's shared vocabulary, learned on its training split only."""
    return train_tokenizer((s for pair in corpus.splits["train"] for s in pair), vocab_size)


def save_tokenizer(tok: Tokenizer, path: Path) -> Path:
    return atomic_write(path, lambda p: p.write_text(tok.to_str(), encoding="utf-8"))


def load_tokenizer(path: Path) -> Tokenizer:
    return Tokenizer.from_file(str(path))


def encode(tok: Tokenizer, text: str, max_tokens: int) -> list[int]:
    """Token ids followed by </s>, truncated to max_tokens in all."""
    return tok.encode(text).ids[: max_tokens - 1] + [EOS]
