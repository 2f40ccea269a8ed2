"""What a training run costs a student's click, with the run at the app's CPU priority and niced (RunLimits.nice).

    python -m tools.bench_priority [--clicks 20] [--nice 10]

In one process: a fresh run store and the launcher train the ResNet lecture preset on the bundled sample (as a
public Space does), while this process, at the app's priority, translates a sentence with the bundled En-De
Transformer (the classroom's most common click) again and again. Prints p50/p95 of the click with no run, with a run
at nice 0 and with a run at --nice, and the ratios to no run.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from explorer.shared.reference_runs import MODELS_DIR
from train.launcher import Launcher
from train.limits import RunLimits
from train.store import RunStore
from train.translation_task import load_bundle

SENTENCE = "A man in a blue shirt is standing on a ladder cleaning windows."
RUN = {"data": "sample", "steps": 100_000, "eval_every": 10_000}


def clicks(translator, count: int) -> np.ndarray:
    seconds = []
    for _ in range(count):
        start = time.perf_counter()
        with torch.inference_mode():
            translator.translate(SENTENCE, beam=4)
        seconds.append(time.perf_counter() - start)
    return np.array(seconds)


def with_run(store: RunStore, nice: int, translator, count: int) -> np.ndarray:
    launch = Launcher(store, limits=RunLimits(nice=nice) if nice else None)
    run_id = launch.submit("resnet", RUN, label=f"nice {nice}")
    while (launch.tick(), store.get(run_id).step)[1] < 2:  # training, past its start-up
        time.sleep(0.5)
    try:
        return clicks(translator, count)
    finally:
        launch.cancel(run_id, wait_s=60)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--nice", type=int, default=RunLimits.nice)
    args = parser.parse_args(argv)
    translator = load_bundle(Path(MODELS_DIR) / "transformer-en-de")
    clicks(translator, 3)  # warm-up
    with tempfile.TemporaryDirectory() as home:
        store = RunStore(home)
        results = {"no run": clicks(translator, args.clicks),
                   "a run at nice 0": with_run(store, 0, translator, args.clicks),
                   f"a run at nice {args.nice}": with_run(store, args.nice, translator, args.clicks)}
    alone = np.median(results["no run"])
    print(f"translate (beam 4), {args.clicks} clicks each, torch threads {torch.get_num_threads()}")
    for name, seconds in results.items():
        p50, p95 = np.percentile(seconds, [50, 95])
        print(f"  {name:18} p50 {p50:.3f} s  p95 {p95:.3f} s  p50 / no run {p50 / alone:.2f}x")


if __name__ == "__main__":
    main()
