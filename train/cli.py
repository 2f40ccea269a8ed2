"""`python -m train`: train a recipe or run an experiment from the shell, into the run store the app reads.

    python -m train --help                      # recipes and experiments
    python -m train resnet --depth 56 --plain   # one run
    python -m train plain-vs-residual --preset lecture
    python -m train --resume RUN_ID             # continue from the newest checkpoint
    python -m train --resume RUN_ID --compile reduce-overhead   # ... with another torch.compile mode
    python -m train --list                      # runs in the store
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
import time
import typing
from pathlib import Path
from typing import Any

import torch

from train.config import COMPILE_MODES, ConfigError, TrainConfig
from train.recipes import EXPERIMENTS, RECIPES, experiment_configs, get_recipe
from train.runtime import init_distributed
from train.store import RunStore, new_run_id
from train.trainer import Listener


class ProgressBar(Listener):
    """A tqdm bar per run (plain lines where tqdm is missing)."""

    def __init__(self, title: str):
        self.title, self.bar, self.shown = title, None, {}

    def on_start(self, step: int, total: int) -> None:
        try:
            from tqdm import tqdm
            self.bar = tqdm(total=total, initial=step, desc=self.title, unit="step", dynamic_ncols=True)
        except ImportError:
            print(f"{self.title}: step {step}/{total}")

    def on_metrics(self, step: int, values: dict[str, float]) -> None:
        keep = ("loss", "train_error", "test_error", "val_error", "bleu", "images_per_s", "tokens_per_s")
        self.shown.update({k: f"{v:.4g}" for k, v in values.items() if k in keep})
        if self.bar is None:
            print(f"{self.title}: step {step} " + " ".join(f"{k}={v}" for k, v in self.shown.items()), flush=True)
            return
        self.bar.update(step - self.bar.n)
        self.bar.set_postfix(self.shown, refresh=False)

    def on_end(self, step: int, status: str) -> None:
        if self.bar is not None:
            self.bar.close()
        print(f"{self.title}: {status} at step {step}", flush=True)


def add_config_options(parser: argparse.ArgumentParser, cls: type[TrainConfig]) -> None:
    """One --option per config field, typed from the dataclass; defaults stay the recipe's."""
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        kind = hints[f.name]
        flag = "--" + f.name.replace("_", "-")
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        helptext = f"default: {default}"
        if kind is bool:
            parser.add_argument(flag, dest=f.name, action=argparse.BooleanOptionalAction, default=None, help=helptext)
        elif typing.get_origin(kind) is tuple:
            parser.add_argument(flag, dest=f.name, type=int, nargs="*", default=None, help=helptext)
        else:
            parser.add_argument(flag, dest=f.name, type=kind, default=None, help=helptext)


def add_common_options(parser: argparse.ArgumentParser, default: object) -> None:
    """Options accepted before or after the recipe name."""
    parser.add_argument("--home", default=default, help="run store folder (default: $PAPERLAB_HOME or the user cache)")
    parser.add_argument("--quiet", action="store_true", default=default, help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m train", description="Train the papers' models into the Paper Lab run store.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="recipes:\n" + "".join(f"  {r.name:20} {r.summary}\n" for r in RECIPES.values())
        + "experiments:\n" + "".join(f"  {e.name:20} {e.figure}: {e.summary}\n" for e in EXPERIMENTS.values()))
    parser.add_argument("--resume", metavar="RUN_ID", help="continue a stored run from its newest checkpoint")
    parser.add_argument("--compile", dest="resume_compile", choices=COMPILE_MODES,
                        help="with --resume: torch.compile mode for this go only (the run's recipe is unchanged)")
    parser.add_argument("--list", action="store_true", help="list the runs in the store")
    parser.add_argument("--nice", type=int, default=0,
                        help="lower this process's CPU priority by N (os.nice): a shared machine's clicks come first")
    add_common_options(parser, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="name", metavar="RECIPE|EXPERIMENT")
    for name, item in [*RECIPES.items(), *EXPERIMENTS.items()]:
        recipe = get_recipe(getattr(item, "recipe", name))
        p = sub.add_parser(name, help=item.summary, description=item.summary)
        p.add_argument("--preset", choices=sorted(item.presets), help="named settings, e.g. lecture")
        p.add_argument("--label", default="", help="a name shown in the app")
        if name in EXPERIMENTS:
            p.add_argument("--parallel", type=int, default=0,
                           help="train this many runs at once, each in its own process (default: 4 on a GPU, 1 on a CPU)")
        add_common_options(p, argparse.SUPPRESS)
        add_config_options(p, recipe.config_cls)
    return parser


def lower_priority(by: int) -> None:
    """os.nice(by); and where Linux schedules by session (autogroup), the session's nice too when this process leads
    its session, as a launched run does (train/launcher.py): else that session gets as much CPU as the app's whole
    session, niced or not. Run from a terminal, the terminal's session is left as it is."""
    os.nice(by)
    if os.getsid(0) == os.getpid():
        with contextlib.suppress(OSError):  # no autogroup (a kernel without it)
            Path("/proc/self/autogroup").write_text(str(by))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.home, args.quiet = getattr(args, "home", None), getattr(args, "quiet", False)
    if args.nice:
        lower_priority(args.nice)
    store = RunStore(args.home)
    if args.list:
        for run in store.list_runs():
            print(f"{run.id}  {run.status:11} {run.step:>7}/{run.total_steps:<7} {run.title}")
        return 0
    if args.resume:
        overrides = {"compile": args.resume_compile} if args.resume_compile else None
        return run_all(store, [args.resume], quiet=args.quiet, overrides=overrides)
    if args.resume_compile:
        parser.error("--compile before a recipe name goes with --resume; after it, it sets the new run's mode")
    if not args.name:
        parser.print_help()
        return 2
    overrides = {k: tuple(v) if isinstance(v, list) else v for k, v in vars(args).items()
                 if v is not None and k not in ("resume", "list", "nice", "home", "quiet", "name", "preset", "label", "parallel")}
    try:
        if args.name in EXPERIMENTS:
            runs = experiment_configs(args.name, args.preset, **overrides)
            recipe = EXPERIMENTS[args.name].recipe
        else:
            recipe = args.name
            runs = [(args.label or args.name, get_recipe(recipe).config(args.preset, **overrides))]
    except (ConfigError, ValueError, TypeError) as exc:
        parser.error(str(exc))
    ranks = init_distributed(runs[0][1].device)
    ids = create_runs(store, recipe, runs, group=args.name if args.name in EXPERIMENTS else None, main=ranks.main)
    parallel = getattr(args, "parallel", 0) or (4 if torch.cuda.is_available() else 1)
    if parallel > 1 and len(ids) > 1 and not ranks.active:
        return run_parallel(store, ids, parallel, quiet=args.quiet)
    try:
        return run_all(store, ids, quiet=args.quiet or not ranks.main)
    finally:
        if torch.distributed.is_initialized():
            # leave together: a rank that exits while another still talks to it, or without destroying
            # the group, aborts in gloo ("terminate called without an active exception")
            torch.distributed.barrier()
            torch.distributed.destroy_process_group()


def create_runs(store: RunStore, recipe: str, runs: list[tuple[str, TrainConfig]], *, group: str | None,
                main: bool) -> list[str]:
    """Rank 0 creates the records; under torchrun the other ranks receive the same ids."""
    ids: list[Any] = []
    if main:
        group_id = f"{group}-{new_run_id()}" if group else None
        ids = [store.create_run(recipe, cfg.to_dict(), label=label, group_id=group_id) for label, cfg in runs]
    import torch.distributed as dist
    if dist.is_initialized():
        box = [ids]
        dist.broadcast_object_list(box, src=0)
        ids = box[0]
    return ids


def run_parallel(store: RunStore, ids: list[str], parallel: int, *, quiet: bool) -> int:
    """Small runs fill one GPU better side by side than one after another (each alone is launch-bound)."""
    from train.launcher import spawn

    waiting, running, failed = list(ids), {}, 0
    while waiting or running:
        while waiting and len(running) < parallel:
            run_id = waiting.pop(0)
            running[run_id] = spawn(store, run_id)
            store.claim(run_id, running[run_id].pid)
        time.sleep(2)
        for run_id, proc in list(running.items()):
            if proc.poll() is not None:
                del running[run_id]
                failed += proc.returncode != 0
        if not quiet:
            runs = [store.get(i) for i in ids]
            print(" | ".join(f"{r.title} {r.step}/{r.total_steps} {r.status}" for r in runs), flush=True)
    return 1 if failed else 0


def run_all(store: RunStore, ids: list[str], *, quiet: bool, overrides: dict | None = None) -> int:
    from train.runner import execute

    ranks = init_distributed("auto")
    failed = 0
    for run_id in ids:
        run = store.get(run_id)
        if run.status == "done":
            print(f"{run_id} is already done", file=sys.stderr)
            continue
        listeners = [] if quiet else [ProgressBar(run.title)]
        try:
            execute(store, run_id, listeners, ranks, overrides=overrides)
        except KeyboardInterrupt:
            print(f"\ninterrupted; continue with: python -m train --resume {run_id}", file=sys.stderr)
            return 130
        except Exception as exc:
            print(f"{run_id} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            failed += 1
        if not quiet:
            print(f"run {run_id}; resume or inspect it in the app's Runs tab")
    return 1 if failed else 0
