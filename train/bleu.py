"""Score a bundled translator headless: BLEU (sacrebleu, cased, detokenised), length ratio and brevity penalty.

    python -m train.bleu assets/models/transformer-en-de --test 2016 2017 --beam 4 --data /tmp/data/multi30k
    python -m train.bleu assets/models/transformer-en-zh --beam 4          # Tatoeba's held-out test split
    python -m train.bleu assets/models/transformer-en-de --tune-alpha 0.6 1.0 1.4 --data /tmp/data/multi30k

Multi30k test sets are read from --data (test_2016_flickr, test_2017_flickr, val .en/.de .gz; default: the
bundled copy, which holds test 2016 and val). Sec. 6.1 decodes with beam 4 and length penalty alpha = 0.6,
"chosen after experimentation on the development set": --tune-alpha does the same on the corpus's validation
split, records the best alpha in the bundle's config.json (the app decodes with it) and scores the tests with it.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import sacrebleu
import torch

from train.store import atomic_write
from train.text_data import BUNDLED, load_corpus, read_lines
from train.translation_task import Translator, load_bundle

MULTI30K_TESTS = ("2016", "2017")
MULTI30K_FILES = {"2016": "test_2016_flickr", "2017": "test_2017_flickr", "val": "val"}


@dataclass
class Score:
    test: str
    bleu: float
    ratio: float      # hypothesis length / reference length (sacrebleu's tokens)
    bp: float         # brevity penalty: exp(1 - 1/ratio) below 1
    seconds: float
    sentences: int
    alpha: float      # the length penalty (beam search only)

    def summary(self) -> dict[str, float]:
        """What a bundle's config.json records."""
        return {"bleu": round(self.bleu, 2), "length_ratio": round(self.ratio, 3), "bp": round(self.bp, 3)}

    def line(self, beam: int) -> str:
        decoding = f"beam {beam}, alpha {self.alpha}" if beam > 1 else "greedy"
        return (f"{self.test}: BLEU {self.bleu:.2f}  length ratio {self.ratio:.3f}  BP {self.bp:.3f}  "
                f"({self.sentences} sentences, {decoding}, {self.seconds:.0f} s)")


def test_pairs(corpus: str, test: str, data: Path | None = None) -> list[tuple[str, str]]:
    """A test set of the model's corpus: Multi30k's test 2016 or 2017 flickr, or Tatoeba's held-out split; "val":
    the corpus's validation split."""
    if corpus == "multi30k-en-de":
        if test not in MULTI30K_FILES:
            raise SystemExit(f"Multi30k test sets: {', '.join(MULTI30K_FILES)}; got {test!r}")
        folder = Path(data) if data else BUNDLED / "multi30k"
        name = MULTI30K_FILES[test]
        if not (folder / f"{name}.en.gz").exists():
            raise SystemExit(f"{folder} has no {name}.en.gz: pass --data with the Multi30k files")
        return list(zip(read_lines(folder / f"{name}.en.gz"), read_lines(folder / f"{name}.de.gz")))
    return load_corpus(corpus, offline=True).splits["val" if test == "val" else "test"]


def score(translator: Translator, pairs: list[tuple[str, str]], beam: int, test: str = "test",
          alpha: float | None = None) -> Score:
    """BLEU of the translations of pairs; beam search with length penalty alpha (default: the translator's)."""
    lang = translator.info.get("tgt_lang", "de")
    tic = time.perf_counter()
    hypotheses = translator.translate_many([s for s, _ in pairs], beam=beam, alpha=alpha)
    result = sacrebleu.corpus_bleu(hypotheses, [[t for _, t in pairs]], tokenize="zh" if lang == "zh" else "13a")
    return Score(test, result.score, result.sys_len / result.ref_len, result.bp, time.perf_counter() - tic,
                 len(pairs), translator.alpha if alpha is None else alpha)


def tests_of(corpus: str, asked: list[str] | None) -> list[str]:
    return asked or (list(MULTI30K_TESTS) if corpus == "multi30k-en-de" else ["test"])


def tune_alpha(translator: Translator, val: list[tuple[str, str]], alphas: list[float], beam: int) -> dict[float, Score]:
    """Sec. 6.1's choice of the length penalty on the development set: each alpha's validation BLEU. The best one
    becomes the translator's alpha."""
    found = {alpha: score(translator, val, beam, "val", alpha) for alpha in alphas}
    translator.info["beam_alpha"] = max(found, key=lambda a: found[a].bleu)
    translator.info["beam_alpha_val_bleu"] = {str(a): round(s.bleu, 2) for a, s in found.items()}
    return found


def alpha_note(alpha: float, alphas=()) -> str:
    """The length penalty, and the alphas it was chosen from on the validation split (sec. 6.1) if there were any."""
    alphas = [str(a) for a in alphas]
    return f"{alpha} (chosen on the validation split from {', '.join(alphas)}, sec. 6.1)" if len(alphas) > 1 else f"{alpha}"


def test_note(test: str, beam: int, alpha: str) -> str:
    """How a bundle's headline test score was measured (its config.json's test_bleu_note)."""
    return f"{test}, sacrebleu, beam {beam}, length penalty {alpha}, averaged checkpoints"


def record(folder: Path, translator: Translator, scores: list[Score], beam: int) -> None:
    """The bundle's config.json takes the translator's alpha, its validation scores and these test scores."""
    meta = json.loads((folder / "config.json").read_text())
    meta.update({k: translator.info[k] for k in ("beam_alpha", "beam_alpha_val_bleu")},
                scores={f"test_{s.test}": s.summary() for s in scores},
                test_bleu=round(scores[0].bleu, 2),
                test_bleu_note=test_note(scores[0].test, beam,
                                         alpha_note(translator.alpha, translator.info["beam_alpha_val_bleu"])))
    atomic_write(folder / "config.json", lambda p: p.write_text(json.dumps(meta, indent=2, ensure_ascii=False)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a bundled model folder (config.json, model.safetensors, tokenizer.json)")
    parser.add_argument("--test", nargs="*", help="Multi30k: 2016 and/or 2017 (default both); Tatoeba: test")
    parser.add_argument("--beam", type=int, default=4, help="1: greedy; 4: sec. 6.1")
    parser.add_argument("--data", help="folder with the Multi30k test files (default: the bundled copy)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--tune-alpha", type=float, nargs="+", metavar="ALPHA",
                        help="choose the length penalty on the validation split and record it and the test scores "
                             "in the bundle (default: decode with the bundle's alpha, 0.6 unless it chose one)")
    args = parser.parse_args(argv)
    translator = load_bundle(Path(args.model))
    translator.model.to(args.device)
    corpus = translator.info.get("corpus", "multi30k-en-de")
    if args.tune_alpha:
        for found in tune_alpha(translator, test_pairs(corpus, "val", args.data), args.tune_alpha, args.beam).values():
            print(found.line(args.beam), flush=True)
        print(f"alpha {translator.alpha} scores best on validation", flush=True)
    scores = [score(translator, test_pairs(corpus, test, args.data), args.beam, test)
              for test in tests_of(corpus, args.test)]
    for found in scores:
        print(found.line(args.beam), flush=True)
    if args.tune_alpha:
        record(Path(args.model), translator, scores, args.beam)
        print(f"alpha {translator.alpha} and these scores are recorded in {args.model}/config.json", flush=True)


if __name__ == "__main__":
    main()
