"""Score a bundled translator headless: BLEU (sacrebleu, cased, detokenised), length ratio and brevity penalty.

    python -m train.bleu assets/models/transformer-en-de --test 2016 2017 --beam 4 --data /tmp/data/multi30k
    python -m train.bleu assets/models/transformer-en-zh --beam 4          # Tatoeba's held-out test split

Multi30k test sets are read from --data (test_2016_flickr, test_2017_flickr .en/.de .gz; default: the
bundled copy, which holds test 2016 only). Sec. 6.1 decodes with beam 4 and length penalty 0.6.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import sacrebleu
import torch

from train.text_data import BUNDLED, load_corpus, read_lines
from train.translation_task import Translator, load_bundle

MULTI30K_TESTS = ("2016", "2017")


@dataclass
class Score:
    test: str
    bleu: float
    ratio: float      # hypothesis length / reference length (sacrebleu's tokens)
    bp: float         # brevity penalty: exp(1 - 1/ratio) below 1
    seconds: float
    sentences: int

    def line(self, beam: int) -> str:
        return (f"{self.test}: BLEU {self.bleu:.2f}  length ratio {self.ratio:.3f}  BP {self.bp:.3f}  "
                f"({self.sentences} sentences, beam {beam}, {self.seconds:.0f} s)")


def test_pairs(corpus: str, test: str, data: Path | None = None) -> list[tuple[str, str]]:
    """A test set of the model's corpus: Multi30k's test 2016 or 2017 flickr, or Tatoeba's held-out split."""
    if corpus == "multi30k-en-de":
        if test not in MULTI30K_TESTS:
            raise SystemExit(f"Multi30k test sets: {', '.join(MULTI30K_TESTS)}; got {test!r}")
        folder = Path(data) if data else BUNDLED / "multi30k"
        name = f"test_{test}_flickr"
        if not (folder / f"{name}.en.gz").exists():
            raise SystemExit(f"{folder} has no {name}.en.gz: pass --data with the Multi30k files")
        return list(zip(read_lines(folder / f"{name}.en.gz"), read_lines(folder / f"{name}.de.gz")))
    return load_corpus(corpus, offline=True).splits["test"]


def score(translator: Translator, pairs: list[tuple[str, str]], beam: int, test: str = "test") -> Score:
    lang = translator.info.get("tgt_lang", "de")
    tic = time.perf_counter()
    hypotheses = translator.translate_many([s for s, _ in pairs], beam=beam)
    result = sacrebleu.corpus_bleu(hypotheses, [[t for _, t in pairs]], tokenize="zh" if lang == "zh" else "13a")
    return Score(test, result.score, result.sys_len / result.ref_len, result.bp, time.perf_counter() - tic,
                 len(pairs))


def tests_of(corpus: str, asked: list[str] | None) -> list[str]:
    return asked or (list(MULTI30K_TESTS) if corpus == "multi30k-en-de" else ["test"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a bundled model folder (config.json, model.safetensors, tokenizer.json)")
    parser.add_argument("--test", nargs="*", help="Multi30k: 2016 and/or 2017 (default both); Tatoeba: test")
    parser.add_argument("--beam", type=int, default=4, help="1: greedy; 4: sec. 6.1")
    parser.add_argument("--data", help="folder with the Multi30k test files (default: the bundled copy)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args(argv)
    translator = load_bundle(Path(args.model))
    translator.model.to(args.device)
    corpus = translator.info.get("corpus", "multi30k-en-de")
    for test in tests_of(corpus, args.test):
        print(score(translator, test_pairs(corpus, test, args.data), args.beam, test).line(args.beam), flush=True)


if __name__ == "__main__":
    main()
