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
import unicodedata
import urllib.request
from collections.abc import Callable, Iterable, Sequence
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
def normalise(sentence: str) -> str:
    """The sentence as a split compares it: NFKC (full-width forms folded), case-folded, without spaces or
    punctuation (Unicode categories P*, CJK punctuation included)."""
    folded = unicodedata.normalize("NFKC", sentence).casefold()
    return "".join(c for c in folded if not c.isspace() and not unicodedata.category(c).startswith("P"))


def sentence_groups(pairs: Sequence[tuple[str, str]]) -> list[list[int]]:
    """Pairs linked by a shared normalised source or target sentence, transitively (union-find): Tatoeba gives
    one sentence several translations, and one translation several paraphrases. Groups in order of first pair."""
    parent = list(range(len(pairs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[int, str], int] = {}
    for i, pair in enumerate(pairs):
        for side, sentence in enumerate(pair):
            parent[root(i)] = root(first.setdefault((side, normalise(sentence)), i))
    groups: dict[int, list[int]] = {}
    for i in range(len(pairs)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def group_split(pairs: Sequence[tuple[str, str]], held_out: int, seed: int) -> dict[str, list[tuple[str, str]]]:
    """val and test of `held_out` pairs each, made of whole sentence groups drawn in a seeded order, so no
    normalised sentence of test (or val) occurs in another split; groups that would overfill a split are passed."""
    groups = sentence_groups(pairs)
    random.Random(seed).shuffle(groups)
    splits: dict[str, list[tuple[str, str]]] = {"val": [], "test": [], "train": []}
    for group in groups:
        name = next((n for n in ("test", "val") if len(splits[n]) + len(group) <= held_out), "train")
        splits[name] += [pairs[i] for i in group]
    return splits


def load_tatoeba(held_out: int = 1000, seed: int = 0) -> ParallelCorpus:
    """29k English-Chinese pairs; val and test hold `held_out` pairs each, whole sentence groups (group_split)."""
    with gzip.open(BUNDLED / "tatoeba" / "cmn-eng.txt.gz", "rt", encoding="utf-8-sig") as f:
        pairs = [tuple(line.split("\t")[:2]) for line in f if line.count("\t") >= 2]
    return ParallelCorpus("tatoeba-en-zh", "en", "zh", group_split(pairs, held_out, seed),
                          "tatoeba.org (CC-BY 2.0 FR), bundled; val and test split by sentence groups")


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
