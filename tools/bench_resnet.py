"""Benchmark: seconds per training step of the CIFAR networks, and what the lecture preset costs on this machine.

    python -m tools.bench_resnet [--depths 20 56] [--batch 64] [--repeats 10]

Prints the measured step time of each plain and residual network and the projected wall time of the
plain-vs-residual lecture runs (training steps only; evaluation, snapshots and process start come on top).
"""
from __future__ import annotations

import argparse
import os
import time

import torch
import torch.nn.functional as F

from models.resnet import cifar_resnet
from train.recipes.resnet import LECTURE


def seconds_per_step(depth: int, plain: bool, batch: int, repeats: int) -> float:
    """Median wall time of one SGD step (forward, backward, update) on random channels-last images."""
    torch.manual_seed(0)
    model = cifar_resnet(depth, plain=plain).to(memory_format=torch.channels_last).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    x = torch.randn(batch, 3, 32, 32).contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 10, (batch,))
    times = []
    for i in range(repeats + 2):  # two warm-up steps
        tic = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()
        if i >= 2:
            times.append(time.perf_counter() - tic)
    return sorted(times)[len(times) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depths", type=int, nargs="+", default=[20, 56])
    parser.add_argument("--batch", type=int, default=LECTURE["batch_size"])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    steps = LECTURE["steps"]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, load average {os.getloadavg()[0]:.1f}")
    total = 0.0
    for plain in (True, False):
        for depth in args.depths:
            s = seconds_per_step(depth, plain, args.batch, args.repeats)
            total += s * steps
            print(f"{'plain' if plain else 'ResNet'}-{depth:<4} {s * 1000:7.1f} ms/step  {args.batch / s:7.0f} images/s"
                  f"  {steps} lecture steps: {s * steps:6.1f} s   cumulative {total:6.1f} s")


if __name__ == "__main__":
    main()
