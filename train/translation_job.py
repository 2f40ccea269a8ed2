"""Train a translator within a time budget, average its last checkpoints, bundle it and score it (one command).

    python -m train.translation_job transformer-en-de --minutes 9 --out OUT --data /tmp/data/multi30k \
        --average 5 --checkpoint-every 400 --n-layers 3 --d-model 256 ...   (any option of `python -m train translate`)
    python -m train.translation_job rnnsearch-en-de --recipe seq2seq --preset reference --minutes 60 ...
        (RNNsearch, train/recipes/recurrent.py: any option of `python -m train seq2seq`)

The run trains in the run store ($PAPERLAB_HOME) under eq. 3's schedule, which needs no step count, until
--minutes have passed (it stops at a log step with a checkpoint; the recipe's --steps caps it). The weights
of the last --average checkpoints are averaged (sec. 6.1: "averaging the last 5 checkpoints"), exported
into OUT/NAME (fp16 safetensors, tokenizer, config.json, metrics.csv, a model card with the scores) and
scored with beam 4 and length penalty 0.6 on the corpus's test sets; the scores are printed. With several
--alphas the length penalty is chosen on the validation split first, as sec. 6.1 chose it on its development set.
"""
from __future__ import annotations

import argparse
import time
from collections import deque
from pathlib import Path

import torch

from train.bleu import Score, alpha_note, score, test_note, test_pairs, tests_of, tune_alpha
from train.checkpoint import load_weights
from train.cli import ProgressBar, add_config_options
from train.recipes import get_recipe
from train.runner import execute, legs, training_minutes
from train.store import RunStore
from train.trainer import Listener
from train.translation_task import TranslationConfig, export_bundle, load_run


class CheckpointAverager(Listener):
    """Keeps the model weights of the newest `n` checkpoints (float32, on the CPU) and averages them."""

    def __init__(self, n: int):
        self.kept: deque[tuple[int, dict[str, torch.Tensor]]] = deque(maxlen=n)

    def on_checkpoint(self, step: int, path: Path) -> None:
        if not self.kept or self.kept[-1][0] != step:
            self.kept.append((step, load_weights(path)))

    def steps(self) -> list[int]:
        return [step for step, _ in self.kept]

    def average(self) -> dict[str, torch.Tensor]:
        states = [state for _, state in self.kept]
        return {k: sum(s[k] for s in states) / len(states) if states[0][k].is_floating_point() else states[-1][k]
                for k in states[0]}


def describe_model(cfg: TranslationConfig) -> tuple[str, str]:
    """(which paper's model, its size and regularisation) for a model card."""
    if getattr(cfg, "arch", "transformer") == "rnnsearch":
        return ("RNNsearch (Bahdanau et al. 2015)",
                f"- model: bidirectional GRU encoder and GRU decoder with additive attention, n={cfg.hidden_size}, "
                f"m={cfg.emb_size}, n'={cfg.align_size}, l={cfg.maxout_size}, {cfg.vocab_size}-token shared BPE"
                f"{', output tied to the embeddings' if cfg.tie_output else ''}; dropout {cfg.dropout}; label "
                f"smoothing {cfg.label_smoothing}")
    return ("A Transformer (Vaswani et al. 2017, sec. 3)",
            f"- model: N={cfg.n_layers}, d_model={cfg.d_model}, d_ff={cfg.d_ff}, h={cfg.n_heads}, {cfg.vocab_size}-token "
            f"shared BPE, tied embeddings; dropout {cfg.dropout}, attention dropout {cfg.attn_dropout}, ReLU dropout "
            f"{cfg.relu_dropout}; label smoothing {cfg.label_smoothing}")


def model_card(name: str, recipe: str, cfg: TranslationConfig, run, minutes: float | None, device: str,
               averaged: list[int], scores: dict[str, list[Score]], beam: int, alpha: str) -> str:
    """The bundle's README: recipe, time, hardware, the averaged checkpoints, test scores of the last and averaged
    weights."""
    which, model = describe_model(cfg)
    schedule = (f"eq. 3 with warmup {cfg.warmup_steps} and lr x {cfg.lr}" if cfg.schedule == "inverse_sqrt" else
                f"lr {cfg.lr} ({cfg.schedule})")
    rows = [f"| {label} | {s.test} | {s.bleu:.2f} | {s.ratio:.3f} | {s.bp:.3f} |"
            for label, found in scores.items() for s in found]
    took = f"{minutes:.1f} minutes" if minutes is not None else "time not recorded"
    start = (f"going on from the weights of `{cfg.init_from}` (its steps counted in the steps below; Adam's moments "
             "started afresh)" if cfg.init_from else "from scratch")
    return "\n".join([
        f"# {name}", "",
        f"{which} trained on `{cfg.corpus}` {start} by Paper Lab's `python -m train.translation_job`.", "",
        model,
        f"- training: {run.step:,} steps of ~{cfg.batch_size:,} padded tokens per side, Adam (0.9, {cfg.beta2}, "
        f"{cfg.eps}), {schedule}; {took} on {device}",
        f"- weights: the average of the checkpoints at steps {', '.join(f'{s:,}' for s in averaged)} (sec. 6.1), "
        "stored fp16",
        f"- scores: sacrebleu (cased, detokenised; `zh` tokenizer for Chinese), beam {beam}, length penalty {alpha}",
        "",
        "| weights | test | BLEU | length ratio | BP |", "|---|---|---|---|---|", *rows, "",
        "Reproduce:", "", "```bash",
        f"python -m train.translation_job {name} --recipe {recipe} --out OUT --average {len(averaged)} "
        + " ".join(f"--{k.replace('_', '-')} {v}" if not isinstance(v, bool) else
                   f"--{'' if v else 'no-'}{k.replace('_', '-')}" for k, v in sorted(cfg.to_dict().items())
                   if not isinstance(v, (list, tuple)) and k not in ("device", "compile")), "```", ""])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the bundle's folder name, e.g. transformer-en-de")
    parser.add_argument("--recipe", default="translate", choices=("translate", "seq2seq"),
                        help="the Transformer (translate) or RNNsearch and its kin (seq2seq)")
    parser.add_argument("--preset", help="one of the recipe's presets, under the options given here")
    parser.add_argument("--out", default="assets/models", help="the bundle goes into OUT/NAME")
    parser.add_argument("--average", type=int, default=5, help="checkpoints averaged (sec. 6.1: 5)")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--alphas", type=float, nargs="+", default=[0.6],
                        help="length penalties to choose from on the validation split (sec. 6.1: 0.6)")
    parser.add_argument("--data", help="folder with the Multi30k test files (test 2017 is not bundled)")
    parser.add_argument("--home", help="run store (default: $PAPERLAB_HOME or the user cache)")
    parser.add_argument("--test-size", type=int, default=0, help="score the first N test pairs (0: all)")
    recipe = get_recipe(parser.parse_known_args(argv)[0].recipe)
    add_config_options(parser, recipe.config_cls)
    args = parser.parse_args(argv)
    if not args.minutes:
        parser.error("--minutes (the training time budget) is required")
    if args.preset and args.preset not in recipe.presets:
        parser.error(f"--preset: {recipe.name} has {', '.join(recipe.presets)}")
    own = ("name", "recipe", "preset", "out", "average", "beam", "alphas", "data", "home", "test_size")
    overrides = {k: v for k, v in vars(args).items() if v is not None and k not in own}
    cfg = recipe.config(args.preset, **overrides)
    store = RunStore(args.home)
    run_id = store.create_run(recipe.name, cfg.to_dict(), label=args.name)
    averager = CheckpointAverager(args.average)
    tic = time.time()
    status = execute(store, run_id, [averager, ProgressBar(args.name)])
    print(f"{args.name}: run {run_id} {status} at step {store.get(run_id).step} after {(time.time() - tic) / 60:.1f} "
          f"min; averaging the checkpoints at steps {averager.steps()}", flush=True)

    device = "cuda" if torch.cuda.is_available() else "cpu"
    translator, newest = load_run(store, run_id), load_run(store, run_id)   # both at the newest checkpoint
    translator.model.load_state_dict(averager.average())
    translator.info["beam_alpha"] = args.alphas[0]
    translator.model.to(device)
    newest.model.to(device)
    corpus = cfg.corpus
    tests = tests_of(corpus, None if corpus != "multi30k-en-de" or args.data else ["2016"])
    tuning = len(args.alphas) > 1
    pairs = {test: test_pairs(corpus, test, args.data)[: args.test_size or None]
             for test in (*tests, "val") if test != "val" or tuning}
    if tuning:
        for found in tune_alpha(translator, pairs["val"], args.alphas, args.beam).values():
            print(f"{args.name} averaged: {found.line(args.beam)}", flush=True)
    scores = {"last checkpoint": [score(newest, pairs[tests[0]], args.beam, tests[0], translator.alpha)],
              "averaged": [score(translator, pairs[test], args.beam, test) for test in tests]}
    greedy = score(translator, pairs[tests[0]], 1, tests[0])   # what the beam adds (the scorecard's Table 2 row)
    for label, found in scores.items():
        for s in found:
            print(f"{args.name} {label}: {s.line(args.beam)}", flush=True)
    print(f"{args.name} averaged, greedy: {greedy.line(1)}", flush=True)

    run = store.get(run_id)
    out = Path(args.out) / args.name
    translator.model.cpu()
    averaged = {f"test_{s.test}": s.summary() for s in scores["averaged"]}
    alpha = alpha_note(translator.alpha, args.alphas)
    export_bundle(translator, out, name=args.name, steps=run.step, averaged_steps=averager.steps(),
                  scores=averaged, test_bleu=round(scores["averaged"][0].bleu, 2), test_bleu_greedy=round(greedy.bleu, 2),
                  test_bleu_note=test_note(tests[0], args.beam, alpha),
                  train={**run.config, "steps": run.step})  # the steps it trained
    (out / "metrics.csv").write_text(store.metrics_csv(run_id))
    hardware = torch.cuda.get_device_name() if device == "cuda" else "CPU"
    (out / "README.md").write_text(model_card(args.name, recipe.name, cfg, run, training_minutes(legs(store, run_id)), hardware,
                                              averager.steps(), scores, args.beam, alpha))
    print(f"{args.name}: exported to {out}", flush=True)


if __name__ == "__main__":
    main()
