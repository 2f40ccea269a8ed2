"""Reference runs: train the bundled models and reference curves side by side within a time budget.

    python -m train.reference --data /tmp/cifar --minutes 7 --out /tmp/reference

Every run of the plan below is first timed for PROBE_SECONDS, all of them at once (the same mix of
processes as the real runs, so the timings include their contention for the GPU); each run's
schedule is then shortened, if it must be, to fit the budget: steps and learning-rate milestones
scaled by one factor, never lengthened past the recipe's (the paper's) schedule. Then all runs train
side by side, each in its own `python -m train --resume` process, into the run store; at the deadline
the unfinished ones stop with a checkpoint (`python -m train --resume RUN_ID` continues them). With
--paper nothing is scaled: every run keeps the paper's schedule, and calling again with the same run
store continues the unfinished runs (and keeps the finished ones), so a long schedule is finished over several goes.
--compile MODE trains and continues the runs with that torch.compile mode (the plan's is off: many processes
start at once); how a run executes is not part of what it trains, so a run begun eagerly continues compiled.
Finished runs are exported into OUT/models/<name> (train.export: fp16 safetensors, metrics, model
card whose command reproduces that one model) and their curves into OUT/reference/<lab>/<experiment>/.
Runs that share a name are candidates: the best by its score (test error, or validation BLEU) is kept.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from train.config import COMPILE_MODES
from train.recipes import EXPERIMENTS, get_recipe
from train.recipes.alexnet import FIG1, FIG3, RAW_PIXEL_LRN_ALPHA
from train.recipes.recurrent import REFERENCE as SEQ2SEQ_REFERENCE
from train.recipes.recurrent import VARIANTS as SEQ2SEQ_VARIANTS
from train.recipes.resnet import variant_label
from train.runner import legs, training_minutes
from train.store import RunStore
from train.trainer import Listener

PROBE_SECONDS = 20.0  # how long the probes time their steps, all at once
REFERENCE_SNAPSHOTS = ("grad_norm", "response_std")  # shipped beside a curve: per-layer profiles over training (sec. 4.1, Fig. 7)
EXECUTION = ("compile", "device")  # config fields that change how a run executes, not what it trains


@dataclass(frozen=True)
class Reference:
    name: str                          # OUT/models/<name>, or the curve's file name
    recipe: str
    overrides: Mapping[str, Any] = field(default_factory=dict)
    curves: str = ""                   # OUT/reference/<curves>/<label>.csv, e.g. "resnet/plain-vs-residual"
    also: tuple[str, ...] = ()         # more such folders: experiments whose baseline variant this run is
    bundle: bool = True                # export the model (False: its curves only)

    def config(self, **more: Any):
        return get_recipe(self.recipe).config(None, **{**self.overrides, **more})


def plan(data: str) -> list[Reference]:
    """What the app bundles: Fig. 6's four CIFAR nets, ResNet-20 on recoded images and with seed 1, the shortcut
    options, the CIFAR AlexNets, Fig. 3's filter models and the AlexNet ablations, Fig. 1's curves and learning-rate
    sweep, sec. 3.3's four-layer LRN check, two translators, RNNsearch and its Transformer twin.

    Names listed twice are candidates trained side by side; export_all keeps the better.
    """
    cifar = {"data": data, "val_size": 0, "eval_size": 0, "compile": "off"}  # all 50k to train, all 10k to test
    resnet20_also = ("resnet/shortcuts", "resnet/jpeg", "resnet/resnet-seed")  # ResNet-20 is their baseline
    resnets = [Reference(f"resnet{depth}-cifar{'-plain' if plain else ''}", "resnet",
                         {**cifar, "depth": depth, "plain": plain}, curves="resnet/plain-vs-residual",
                         also=resnet20_also if (depth, plain) == (20, False) else ())
               for plain in (True, False) for depth in (20, 56)]
    # What one more JPEG coding costs ResNet-20 over the paper's schedule (the mirror's own coding cannot be undone)
    recoded = Reference("resnet20-cifar-recoded", "resnet", {**cifar, "depth": 20, "recode_quality": 75},
                        curves="resnet/jpeg", bundle=False)
    # The same recipe with another seed: how far apart two runs of ResNet-20 end, beside the JPEG and shortcut gaps
    seed = Reference("resnet20-cifar-seed-1", "resnet", {**cifar, "depth": 20, "seed": 1}, curves="resnet/resnet-seed",
                     bundle=False)
    # Sec. 3.3's shortcut options at 20 layers: B and C beside ResNet-20, which is option A
    shortcuts = [Reference(f"resnet20-cifar-{option.lower()}", "resnet", {**cifar, "depth": 20, "shortcut": option},
                           curves="resnet/shortcuts", bundle=False) for option in ("B", "C")]
    # The bundled AlexNets, on sec. 5's schedule as the time budget cut it (and a candidate twice as long). Their
    # curves are sec. 3.2's one-against-two-towers ablation; alexnet-cifar is the baseline of the other ablations
    # of sec. 3-4 too, whose other variants each change one thing of it on its schedule (the seed alone, to show
    # how far apart two runs of one recipe end).
    bundled = {**cifar, "steps": 23_198, "milestones": (11_599, 19_332)}
    baseline = {"curves": "alexnet/alexnet-towers",
                "also": ("alexnet/alexnet-dropout", "alexnet/alexnet-augment", "alexnet/alexnet-lrn",
                         "alexnet/alexnet-pooling", "alexnet/alexnet-seed")}
    alexnets = [Reference("alexnet-cifar", "alexnet", bundled, **baseline),
                Reference("alexnet-cifar", "alexnet", {**cifar, "steps": 60_000, "milestones": (30_000, 50_000)},
                          **baseline),
                Reference("alexnet-cifar-two-towers", "alexnet",
                          {**cifar, "towers": 2, "steps": 21_904, "milestones": (10_952, 18_254)},
                          curves="alexnet/alexnet-towers")]
    # Fig. 3's filter models, one tower and two (recipes.alexnet.FIG3): the paper's conv1 on CIFAR-10 resized to 128
    fig3 = {**cifar, **FIG3, "steps": 40_000, "milestones": (20_000, 34_000)}
    filters = [Reference("alexnet-cifar-fig3", "alexnet", fig3),
               Reference("alexnet-cifar-fig3-two-towers", "alexnet", {**fig3, "towers": 2})]
    ablations = [Reference(f"alexnet-cifar-{name}", "alexnet", {**bundled, **change}, curves=f"alexnet/{experiment}",
                           bundle=False)
                 for experiment, name, change in (("alexnet-dropout", "no-dropout", {"dropout": 0.0}),
                                                  ("alexnet-augment", "no-augment", {"augment": "none"}),
                                                  ("alexnet-augment", "crop-flip", {"augment": "crop_flip"}),
                                                  ("alexnet-lrn", "no-lrn", {"lrn": False}),
                                                  ("alexnet-lrn", "strong-lrn", {"lrn_alpha": RAW_PIXEL_LRN_ALPHA}),
                                                  ("alexnet-lrn", "lrn-scale-only", {"lrn_alpha": 0.0}),
                                                  ("alexnet-pooling", "no-overlap", {"overlap": False}),
                                                  ("alexnet-seed", "seed-1", {"seed": 1}))]
    # Fig. 1 on all 50,000 images, as in the paper (about 40 epochs of batch 128; lr 0.01 for both)
    units = (("ReLU", "relu"), ("tanh", "tanh"))
    fig1_all = {**cifar, **FIG1, "train_size": 0, "batch_size": 128, "log_every": 20}
    fig1 = [Reference(label, "alexnet", {**fig1_all, "eval_size": 0, "steps": 16_000, "eval_every": 400,
                                         "activation": act}, curves="alexnet/relu-vs-tanh", bundle=False)
            for label, act in units]
    # Fig. 1's caption: each net's learning rate "chosen independently": 10 epochs at each of several rates
    fig1_sweep = [Reference(f"{label}-{init}-lr{lr:g}", "alexnet",
                            {**fig1_all, "eval_size": 1000, "steps": 3900, "eval_every": 390, "snapshot_every": 3900,
                             "checkpoint_every": 3900, "activation": act, "init": init, "lr": lr},
                            curves="alexnet/relu-vs-tanh-lr-sweep", bundle=False)
                  for init, rates in (("pytorch", (0.0025, 0.005, 0.01, 0.02, 0.04)), ("paper", (0.01, 0.04)))
                  for lr in rates for label, act in units]
    # Sec. 3.3's CIFAR-10 check of LRN ("a four-layer CNN achieved a 13% test error rate without normalization and
    # 11% with normalization"): Fig. 1's net with sec. 5's recipe, crops and flips, 20 epochs (a CPU's afternoon)
    four_layer = {**cifar, "arch": "four_layer", "init": "pytorch", "augment": "crop_flip", "steps": 8000,
                  "milestones": (6000,), "eval_every": 500, "log_every": 20}
    lrn_check = [Reference(f"four-layer-{name}", "alexnet", {**four_layer, **change}, curves="alexnet/lrn-four-layer",
                           bundle=False)
                 for name, change in (("no-lrn", {}), ("lrn", {"arch": "four_layer_lrn"}),
                                      ("strong-lrn", {"arch": "four_layer_lrn", "lrn_alpha": RAW_PIXEL_LRN_ALPHA}))]
    # Small Transformers (N=3, d_model=256, h=8): sized for assets/ (about 15 MB in fp16). Issue #32: ~100+ epochs,
    # two regularisations compete for en-de; the bundled ones come from `python -m train.translation_job` (the same
    # recipes, cut by a time budget, with sec. 6.1's checkpoint averaging)
    small = {"n_layers": 3, "d_model": 256, "d_ff": 1024, "n_heads": 8, "vocab_size": 8000, "batch_size": 6000,
             "dropout": 0.3, "warmup_steps": 4000, "steps": 15_000, "eval_size": 500, "eval_every": 2000,
             "checkpoint_every": 500, "log_every": 50, "offline": True, "compile": "off"}
    translators = [Reference("transformer-en-de", "translate", {**small, **change})
                   for change in ({"attn_dropout": 0.1, "relu_dropout": 0.1}, {"warmup_steps": 2000})]
    translators.append(Reference("transformer-en-zh", "translate", {**small, "corpus": "tatoeba-en-zh", "dropout": 0.2,
                                                                    "attn_dropout": 0.1, "relu_dropout": 0.1}))
    # Tables 1-2's claim, attention against recurrence: RNNsearch (bundled) and a Transformer twin (curves only) with
    # the same minutes of training each (--paper keeps that time budget; train.recipes.recurrent)
    contest = [Reference("rnnsearch-en-de" if variant["arch"] == "rnnsearch" else "transformer-en-de-twin", "seq2seq",
                         {**SEQ2SEQ_REFERENCE, **variant}, curves="transformer/attention-vs-recurrence",
                         bundle=variant["arch"] == "rnnsearch")
               for _, variant in SEQ2SEQ_VARIANTS]
    return [*resnets, recoded, seed, *shortcuts, *alexnets, *filters, *ablations, *fig1, *fig1_sweep, *lrn_check,
            *translators, *contest]


def label(ref: Reference, folder: str | None = None) -> str:
    """A curve's name in a curves folder (default: ref.curves): the variant of the folder's experiment whose settings
    the run has (e.g. "plain-56", "two towers"), so the lab draws it beside the user's runs of that variant; else
    a ResNet's "ResNet-8" or the reference's name."""
    config = ref.config().to_dict()
    own = variant_label(config["depth"], config["plain"]) if ref.recipe == "resnet" else ref.name
    experiment = EXPERIMENTS.get((ref.curves if folder is None else folder).partition("/")[2])
    variants = experiment.variants if experiment else ()
    return next((name for name, variant in variants if all(config.get(k) == v for k, v in variant.items())), own)


def scaled(ref: Reference, factor: float):
    """The reference's config with its schedule shortened by `factor` (at most 1): steps and milestones."""
    cfg = ref.config()
    factor = min(1.0, factor)
    steps = max(1, round(cfg.steps * factor))
    milestones = tuple(max(1, round(m * factor)) for m in cfg.milestones)
    return ref.config(steps=steps, milestones=milestones,
                      eval_every=min(cfg.eval_every, steps), checkpoint_every=min(cfg.checkpoint_every, steps))


# -- probing ------------------------------------------------------------------------------------------
class Stopwatch(Listener):
    """Times steps over `seconds` of training, from the first log step after `warmup` steps at which every probe
    is ready (a file barrier): all probes then time the same seconds, so each sees the others' load on the GPU."""

    def __init__(self, warmup: int, seconds: float, barrier: Path, parties: int):
        self.warmup, self.seconds, self.barrier, self.parties = warmup, seconds, barrier, parties
        self.start: tuple[int, float] | None = None
        self.last: tuple[int, float] | None = None

    def on_metrics(self, step: int, values: dict[str, float]) -> None:
        if self.start is None and step >= self.warmup:
            (self.barrier / str(os.getpid())).touch()
            give_up = time.time() + 180
            while len(list(self.barrier.iterdir())) < self.parties and time.time() < give_up:
                time.sleep(0.05)
            self.start = (step, time.perf_counter())
        elif self.start is not None:
            self.last = (step, time.perf_counter())

    def finished(self) -> bool:
        return self.start is not None and time.perf_counter() - self.start[1] >= self.seconds

    def seconds_per_step(self) -> float:
        if self.start is None or self.last is None:
            raise RuntimeError("the probe ended before it was timed")
        return (self.last[1] - self.start[1]) / (self.last[0] - self.start[0])


def seconds_per_step(recipe: str, overrides: Mapping[str, Any], *, barrier: Path, parties: int = 1,
                     seconds: float = PROBE_SECONDS, warmup: int = 20) -> float:
    """Seconds per training step of one reference, timed over `seconds` once all `parties` probes are warm."""
    from train.bench import train_unrecorded

    watch = Stopwatch(warmup, seconds, barrier, parties)
    train_unrecorded(recipe, {**overrides, "steps": 10**9, "log_every": 10}, [watch], should_stop=watch.finished)
    return watch.seconds_per_step()


def probe_all(refs: list[Reference], seconds: float = PROBE_SECONDS) -> list[float]:
    """Seconds per step of every reference, all timed together, each in its own process (NaN where it failed)."""
    with tempfile.TemporaryDirectory() as barrier:
        procs = [subprocess.Popen([sys.executable, "-m", "train.reference", "--probe", ref.recipe,
                                   json.dumps(dict(ref.overrides)), "--barrier", barrier, str(len(refs)),
                                   "--probe-seconds", str(seconds)], stdout=subprocess.PIPE, text=True)
                 for ref in refs]
        while any(proc.poll() is None for proc in procs):
            for i, proc in enumerate(procs):  # a failed probe must not keep the others waiting at the barrier
                if proc.poll():
                    (Path(barrier) / f"failed-{i}").touch()
            time.sleep(0.5)
        return [float(proc.stdout.read().strip().splitlines()[-1]) if proc.returncode == 0 else math.nan
                for proc in procs]


# -- training -----------------------------------------------------------------------------------------
def train_all(store: RunStore, refs: list[Reference], budget_s: float, *, paper: bool = False, overhead: float = 1.2,
              probe_seconds: float = PROBE_SECONDS, compile_mode: str | None = None,
              log=print) -> list[tuple[Reference, str]]:
    """Train all references at once until done or `budget_s` from now; (reference, run id) pairs.

    By default each schedule is first scaled to fit (probing); with paper=True every run keeps its full
    schedule, stops at the deadline with a checkpoint, and a later call continues the unfinished ones.
    compile_mode, if given, is the torch.compile mode of this call's training (not of the probes).
    """
    from train.launcher import spawn

    deadline = time.time() + budget_s
    configs = [ref.config() for ref in refs] if paper else scale_to_fit(refs, deadline, overhead, probe_seconds, log)
    runs, procs, adopted = [], {}, []
    for ref, cfg in zip(refs, configs):
        if cfg is None:
            continue
        earlier = stored(store, ref, cfg)
        run_id = earlier.id if earlier else store.create_run(ref.recipe, cfg.to_dict(), label=label(ref),
                                                             group_id="reference")
        runs.append((ref, run_id))
        if earlier and earlier.status == "done":  # trained by an earlier call: exported again, not retrained
            continue
        if earlier and earlier.training_elsewhere():  # an earlier call's process outlived it: watched, not doubled
            log(f"{ref.name:28} {label(ref):10} still training in process {earlier.pid}: watching it")
            adopted.append(run_id)
            continue
        store.update(run_id, status="queued", stop_requested=0)
        procs[run_id] = spawn(store, run_id, compile_mode=compile_mode)
        store.claim(run_id, procs[run_id].pid)

    def adopted_training() -> bool:
        return any(store.get(i).training_elsewhere() for i in adopted)

    next_log = time.time() + 30
    while (any(p.poll() is None for p in procs.values()) or adopted_training()) and time.time() < deadline:
        time.sleep(1)  # a run that ends early frees the GPU for the next job at once
        if time.time() >= next_log:
            next_log += 30
            log(" | ".join(f"{r.label} {r.step}/{r.total_steps}" for r in (store.get(i) for _, i in runs)))
    for run_id in adopted:  # the deadline: stop with a checkpoint, resumable later
        store.request_stop(run_id)
    for run_id, proc in procs.items():
        if proc.poll() is None:
            store.request_stop(run_id)
            proc.send_signal(signal.SIGTERM)
    for proc in procs.values():
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()  # its newest checkpoint stays
    stopping = time.time() + 60
    while adopted_training() and time.time() < stopping:
        time.sleep(1)
    store.reconcile()  # runs whose process died are marked interrupted
    return runs


def scale_to_fit(refs: list[Reference], deadline: float, overhead: float, probe_seconds: float, log) -> list:
    """Each reference's config with its schedule shortened to end by the deadline (None where probing failed)."""
    costs = probe_all(refs, probe_seconds)
    left = deadline - time.time() - 20  # process start, data loading, the final evaluation
    configs = []
    for ref, cost in zip(refs, costs):
        if math.isnan(cost):
            log(f"{ref.name:28} {label(ref):10} skipped: its probe failed (see the output above)")
            configs.append(None)
            continue
        full = ref.config().steps
        configs.append(scaled(ref, left / (full * cost * overhead)))
        log(f"{ref.name:28} {label(ref):10} {cost * 1000:7.2f} ms/step  {configs[-1].steps:6}/{full} steps")
    return configs


def recipe_of(recipe: str, config: dict[str, Any]) -> dict[str, Any]:
    """What a run's config trains, as the store holds it (lists, not tuples), with the defaults of options newer than
    the record; how it executes (EXECUTION) left out."""
    config_cls = get_recipe(recipe).config_cls
    return {k: v for k, v in json.loads(config_cls.from_dict(config).to_json()).items() if k not in EXECUTION}


def stored(store: RunStore, ref: Reference, cfg):
    """The reference run with this config (how it was executed aside) that an earlier call trained: a finished one,
    else one to continue."""
    config = recipe_of(ref.recipe, cfg.to_dict())
    same = [run for run in store.list_runs(group_id="reference")
            if run.recipe == ref.recipe and recipe_of(ref.recipe, run.config) == config]
    return next((run for run in same if run.status == "done"), same[0] if same else None)


# -- export ---------------------------------------------------------------------------------------
def score(store: RunStore, run_id: str) -> float:
    """Higher is better: validation BLEU for translators, test accuracy for image classifiers."""
    metrics = store.metrics(run_id)
    if "bleu" in metrics:
        return metrics["bleu"][1][-1]
    return 1 - metrics["test_error"][1][-1] if "test_error" in metrics else float("-inf")


def sidecar(config: dict[str, Any]) -> dict[str, Any]:
    """A reference run's config, with the training images an epoch covers for image runs (Fig. 1's x-axis)."""
    if "data" not in config:
        return config
    from train.data import load_images

    data, _, _ = load_images(config["data"]).split_validation(config.get("val_size", 0))
    return {**config, "train_images": min(config.get("train_size") or len(data.train_y), len(data.train_y))}


def write_snapshots(store: RunStore, run_id: str, path: Path) -> None:
    """A run's per-layer profiles over training (REFERENCE_SNAPSHOTS) as one small .npz: <name>_steps, <name>.
    A kind whose files did not travel with a carried store is left out."""
    arrays = {}
    for name in REFERENCE_SNAPSHOTS:
        steps = store.snapshot_steps(run_id, name)
        try:
            profiles = [store.load_snapshot(run_id, name, step)[1] for step in steps]
        except FileNotFoundError:
            continue
        if steps:
            arrays[f"{name}_steps"] = np.array(steps)
            arrays[name] = np.stack(profiles).astype(np.float32)
    if arrays:
        np.savez_compressed(path, **arrays)


def export_all(store: RunStore, runs: list[tuple[Reference, str]], out: Path) -> dict[str, Any]:
    """Per name, the best candidate (finished first, then by score): its model and its curves; returns a summary."""
    from train.export import export_run

    out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, list[dict[str, Any]]] = {}
    chosen: dict[str, tuple[Reference, dict[str, Any]]] = {}
    for ref, run_id in runs:
        run = store.get(run_id)
        entry = {"run_id": run_id, "label": label(ref), "status": run.status, "step": run.step,
                 "total_steps": run.total_steps, "score": score(store, run_id), "minutes": training_minutes(legs(store, run_id))}
        summary.setdefault(ref.name, []).append(entry)
        rank = (entry["status"] == "done", entry["score"])
        if ref.name not in chosen or rank > (chosen[ref.name][1]["status"] == "done", chosen[ref.name][1]["score"]):
            chosen[ref.name] = ref, entry
    for ref, entry in chosen.values():
        for folder in filter(None, (ref.curves, *ref.also)):
            path = out / "reference" / folder / f"{label(ref, folder)}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(store.metrics_csv(entry["run_id"]))
            path.with_suffix(".json").write_text(json.dumps(sidecar(store.get(entry["run_id"]).config), indent=1))
            write_snapshots(store, entry["run_id"], path.with_suffix(".npz"))
        if ref.bundle and entry["status"] == "done" and store.checkpoints(entry["run_id"]):  # (a store carried
            # between machines keeps no checkpoint of a finished run: it was exported where it finished)
            entry["exported"] = str(export_run(store, entry["run_id"], ref.name, root=out / "models"))
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="cifar10", help="CIFAR-10: cifar10 (download) or an ImageFolder root")
    parser.add_argument("--minutes", type=float, default=60, help="time budget for probing and training")
    parser.add_argument("--out", default="reference-runs", help="folder for exported models, curves, summary")
    parser.add_argument("--home", help="run store (default: $PAPERLAB_HOME or the user cache)")
    parser.add_argument("--only", nargs="*", help="names of the references to train (default: all)")
    parser.add_argument("--paper", action="store_true",
                        help="full schedules, no scaling; unfinished runs continue on the next call (same --home)")
    parser.add_argument("--compile", choices=COMPILE_MODES,
                        help="torch.compile mode of the training runs (default: the plan's, off); runs continue with it")
    parser.add_argument("--probe-seconds", type=float, default=PROBE_SECONDS, help="how long the probes time steps")
    parser.add_argument("--probe", nargs=2, metavar=("RECIPE", "OVERRIDES"), help=argparse.SUPPRESS)
    parser.add_argument("--barrier", nargs=2, metavar=("DIR", "PARTIES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        folder, parties = args.barrier
        print(seconds_per_step(args.probe[0], json.loads(args.probe[1]), barrier=Path(folder), parties=int(parties),
                               seconds=args.probe_seconds))
        return
    if args.home:  # the run processes and the data cache must use the same store
        os.environ["PAPERLAB_HOME"] = args.home
    refs = [r for r in plan(args.data) if not args.only or r.name in args.only]
    # the run processes share the cores: one thread each where there are many, all of them for a single run on a CPU
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // max(1, len(refs)))))
    store, out = RunStore(args.home), Path(args.out)
    from train.data import load_images
    load_images(args.data)  # decode and cache once, before the processes that share it start
    runs = train_all(store, refs, args.minutes * 60, paper=args.paper, probe_seconds=args.probe_seconds,
                     compile_mode=args.compile, log=lambda line: print(line, flush=True))
    summary = export_all(store, runs, out)
    for name, entries in summary.items():
        for e in entries:
            print(f"{name:28} {e['label']:10} {e['status']:9} {e['step']:6}/{e['total_steps']:<6} "
                  f"score {e['score']:.4f}  {_minutes(e['minutes'])}{'  exported' if 'exported' in e else ''}")


def _minutes(minutes: float | None) -> str:
    return "time not recorded" if minutes is None else f"{minutes:.1f} min of training"


if __name__ == "__main__":
    main()
