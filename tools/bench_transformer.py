"""Benchmark: translate a 20-word sentence and capture every attention map (target: under 0.5 s on a CPU).

    python -m tools.bench_transformer [--model assets/models/transformer-en-de] [--bleu N]

Prints the median wall time of translation + maps over several repeats, and with --bleu the sacrebleu
score on the first N sentences of the corpus's test split (greedy and beam 4, length penalty 0.6).
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch

from train.text_data import load_corpus
from train.translation_task import corpus_bleu, load_bundle

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "A young man in a red jacket and a black hat plays a guitar for children on the busy street."  # 20 words


def time_translation(translator, sentence: str, repeats: int, beam: int) -> list[float]:
    times = []
    for _ in range(repeats + 1):  # the first call warms up
        tic = time.perf_counter()
        result = translator.translate(sentence, beam=beam)
        translator.attention_maps(result.source_ids, result.output_ids)
        times.append(time.perf_counter() - tic)
    return times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(ROOT / "assets" / "models" / "transformer-en-de"))
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--bleu", type=int, default=0, help="score the first N test sentences (0: skip, -1: all)")
    args = parser.parse_args()
    translator = load_bundle(Path(args.model))
    print(f"model {args.model}  torch threads {torch.get_num_threads()}  sentence: {len(SENTENCE.split())} words")
    for beam in (1, 4):
        times = time_translation(translator, SENTENCE, args.repeats, beam)
        print(f"beam {beam}: translate + all maps  median {statistics.median(times) * 1000:.0f} ms"
              f"  min {min(times) * 1000:.0f} ms  ({args.repeats} runs)")
    print("translation:", translator.translate(SENTENCE, beam=4).text)
    if args.bleu:
        pairs = load_corpus(translator.info.get("corpus", "multi30k-en-de"), offline=True).splits["test"]
        pairs = pairs if args.bleu < 0 else pairs[: args.bleu]
        sources, refs = [s for s, _ in pairs], [r for _, r in pairs]
        lang = translator.info.get("tgt_lang", "de")
        for beam in (1, 4):
            tic = time.perf_counter()
            bleu = corpus_bleu(translator.translate_many(sources, beam=beam), refs, lang)
            print(f"BLEU beam {beam} on {len(pairs)} test sentences: {bleu:.2f}  ({time.perf_counter() - tic:.0f} s)")


if __name__ == "__main__":
    main()
