"""Training throughput, ours beside the textbook loop, measured in one run on one machine.

    python -m train.bench                    # CIFAR AlexNet, ResNet-20/56 (batch 128), Transformer
    python -m train.bench --data DIR         # an ImageFolder root (train/<class>/...) for both loops
    python -m train.bench --steps 40 --only resnet20
    python -m train.bench --only lrn         # our LRN layer beside PyTorch's nn.LocalResponseNorm

The textbook loop is ../shared/bench/naive_cifar_baseline.py (PIL transforms in a DataLoader, fp32),
run as a subprocess on the same images; the ratio is ours / textbook. Each of our numbers is the
median over timed windows of `--steps` steps after one untimed warm-up window (compilation, caches).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from models.alexnet import TowerLRN, cifar_alexnet, four_layer_net
from train.recipes import get_recipe
from train.runtime import Dist, autocast, pick_device, seed_everything
from train.trainer import Listener, Trainer

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT.parent / "shared" / "bench" / "naive_cifar_baseline.py"
IMAGE_MODELS = {  # name: (recipe, overrides, textbook model or None)
    "alexnet": ("alexnet", {}, None),
    "resnet20": ("resnet", {"depth": 20}, "resnet20"),
    "resnet56": ("resnet", {"depth": 56}, "resnet56"),
}


class Throughput(Listener):
    """Each logged throughput (the task's images_per_s or tokens_per_s)."""

    def __init__(self):
        self.values: list[float] = []

    def on_metrics(self, step: int, values: dict[str, float]) -> None:
        self.values += [v for k, v in values.items() if k.endswith("_per_s")]


def train_unrecorded(recipe_name: str, overrides: dict, listeners, *, should_stop=lambda: False) -> None:
    """Train a recipe outside the run store (no evaluation, snapshots or kept checkpoints): for timing it."""
    never = 10**9
    recipe = get_recipe(recipe_name)
    cfg = recipe.config(None, **{"eval_every": never, "checkpoint_every": never, "snapshot_every": never, **overrides})
    seed_everything(cfg.seed)
    dev = pick_device(cfg.device)
    task = recipe.build_task(cfg, dev, Dist())
    with tempfile.TemporaryDirectory() as tmp:
        Trainer(task, cfg, dev, checkpoint_dir=Path(tmp), listeners=listeners, should_stop=should_stop,
                d_model=getattr(task, "d_model", None)).fit()


def measure(recipe_name: str, overrides: dict, *, steps: int, windows: int, device: str) -> float:
    """Median items/s of our trainer over `windows` timed windows of `steps` steps."""
    meter = Throughput()
    train_unrecorded(recipe_name, {"steps": steps * (windows + 1), "log_every": steps, "device": device, **overrides},
                     [meter])
    return statistics.median(meter.values[1:])


def textbook(model: str, *, data: str | None, steps: int, device: str) -> float | None:
    if not BASELINE.exists():
        return None
    source = ["--data", data] if data else ["--synthetic", "10000"]
    workers = str(min(8, os.cpu_count() or 1))
    out = subprocess.run([sys.executable, str(BASELINE), *source, "--model", model, "--steps", str(steps),
                          "--warmup", str(max(5, steps // 4)), "--workers", workers, "--device", device],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["images_per_s"]


def as_library(layer: TowerLRN) -> torch.nn.LocalResponseNorm:
    """PyTorch's layer with a one-tower TowerLRN's constants (it divides alpha by n)."""
    return torch.nn.LocalResponseNorm(layer.size, layer.alpha * layer.size, layer.beta, layer.k)


def library_lrn(model: torch.nn.Module) -> torch.nn.Module:
    """The same net with PyTorch's nn.LocalResponseNorm in place of each one-tower TowerLRN."""
    for i, layer in enumerate(model.features):
        if isinstance(layer, TowerLRN):
            model.features[i] = as_library(layer)
    return model


def pass_ms(module: torch.nn.Module, shape: tuple[int, ...], device: torch.device, steps: int) -> float:
    """Median ms of a forward and backward pass, under the trainer's autocast and channels_last."""
    module = module.to(device, memory_format=torch.channels_last)
    x = torch.randn(shape, device=device).relu().contiguous(memory_format=torch.channels_last).requires_grad_()

    def step() -> None:
        with autocast(device, True):
            module(x).float().sum().backward()

    step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def compare_lrn(device: torch.device, steps: int) -> None:
    """Our banded-matmul LRN beside the library layer it replaced: each CIFAR AlexNet LRN layer, then whole nets."""
    shapes, x = [], torch.zeros(128, 3, 32, 32)
    with torch.no_grad():
        for layer in cifar_alexnet().features:
            shapes += [tuple(x.shape)] if isinstance(layer, TowerLRN) else []
            x = layer(x)
    rows = [(f"lrn {'x'.join(map(str, shape[1:]))}", TowerLRN(1), as_library(TowerLRN(1)), shape) for shape in shapes]
    rows += [(f"{name} + lrn", build(), library_lrn(build()), (128, 3, 32, 32))
             for name, build in (("alexnet", cifar_alexnet), ("four-layer", lambda: four_layer_net(lrn_alpha=1e-4)))]
    for name, ours, theirs, shape in rows:
        mine, baseline = pass_ms(ours, shape, device, steps), pass_ms(theirs, shape, device, steps)
        print(f"{name:16} {mine:>9.1f} ms {baseline:>9.1f} ms {baseline / mine:6.2f}x"
              "  (forward + backward; textbook: nn.LocalResponseNorm)", flush=True)


def machine(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)}, torch {torch.__version__}"
    return f"{platform.processor() or platform.machine()} CPU, {torch.get_num_threads()} threads, torch {torch.__version__}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="ImageFolder root for both loops (default: synthetic images)")
    parser.add_argument("--steps", type=int, default=0, help="steps per timed window (default: 50 on GPU, 8 on CPU)")
    parser.add_argument("--windows", type=int, default=3)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--only", nargs="*", choices=[*IMAGE_MODELS, "transformer", "lrn"], help="measure only these")
    args = parser.parse_args(argv)
    device = pick_device(args.device)
    steps = args.steps or (50 if device.type == "cuda" else 8)
    print(f"# {machine(device)}; batch 128; {steps} steps x {args.windows} timed windows")
    print(f"{'model':16} {'ours':>12} {'textbook':>12} {'ratio':>7}")
    for name in args.only or [*IMAGE_MODELS, "transformer", "lrn"]:
        if name == "lrn":
            compare_lrn(device, steps * args.windows)
            continue
        if name == "transformer":
            # The paper's base model on a GPU; the lecture-sized model on a CPU.
            sizes = {} if device.type == "cuda" else dict(get_recipe("translate").presets["lecture"])
            rate = measure("translate", {**sizes, "offline": True}, steps=steps, windows=args.windows, device=args.device)
            print(f"{name:16} {rate:>8.0f} tok/s {'-':>12} {'-':>7}  ({'base' if not sizes else 'lecture'} model)",
                  flush=True)
            continue
        recipe, overrides, baseline_model = IMAGE_MODELS[name]
        ours = measure(recipe, {"data": args.data or "synthetic", "batch_size": 128, "val_size": 0, **overrides},
                       steps=steps, windows=args.windows, device=args.device)
        theirs = textbook(baseline_model, data=args.data, steps=steps * args.windows,
                          device=device.type) if baseline_model else None
        ratio = f"{ours / theirs:6.2f}x" if theirs else "-"
        textbook_rate = f"{theirs:>8.0f} im/s" if theirs else f"{'-':>13}"
        print(f"{name:16} {ours:>8.0f} im/s {textbook_rate} {ratio:>7}", flush=True)


if __name__ == "__main__":
    main()
