"""Accuracy parity: our trainer against the textbook loop, same images, model and schedule.

    python -m tools.parity --data /tmp/cifar --steps 4000

Both train the CIFAR ResNet-20 of sec. 4.2 (batch 128, SGD momentum 0.9, weight decay 1e-4, lr 0.1 divided by 10
at half and three quarters of the steps, pad-4 crops and flips) on all training images and test on all test
images. The textbook side is ../shared/bench/naive_cifar_baseline.py's model and augmentation (torchvision
transforms in a DataLoader, fp32) with a learning-rate schedule and a test pass added; ours is the trainer the
reference runs use (`python -m train resnet`). Where the two agree, a shortfall against the paper's numbers lies in
the data or the schedule, not in the trainer. Prints one line per loop: test accuracy and minutes.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import time

import torch
import torch.nn.functional as F
from torchvision import transforms

from train.bench import BASELINE, train_unrecorded
from train.data import load_images
from train.trainer import Listener


class LastTestError(Listener):
    def __init__(self):
        self.value = float("nan")

    def on_metrics(self, step: int, values: dict[str, float]) -> None:
        self.value = values.get("test_error", self.value)


def ours(data: str, steps: int) -> float:
    """Our trainer's test accuracy after `steps` steps of the schedule."""
    meter = LastTestError()
    train_unrecorded("resnet", {"data": data, "depth": 20, "val_size": 0, "eval_size": 0, "steps": steps,
                                "milestones": (steps // 2, steps * 3 // 4), "eval_every": steps, "log_every": 100},
                     [meter])
    return 1 - meter.value


def textbook(data: str, steps: int, workers: int) -> float:
    """The textbook loop's test accuracy after `steps` steps of the same schedule (CPU, fp32)."""
    spec = importlib.util.spec_from_file_location("naive_cifar_baseline", BASELINE)
    naive = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(naive)
    images = load_images(data)
    torch.manual_seed(0)
    train = naive.ArrayDataset(images.train_x, images.train_y)
    loader = torch.utils.data.DataLoader(train, batch_size=128, shuffle=True, drop_last=True, num_workers=workers,
                                         persistent_workers=workers > 0)
    model = naive.CifarResNet(3)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, [steps // 2, steps * 3 // 4], gamma=0.1)
    done = 0
    model.train()
    while done < steps:
        for x, y in loader:
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            done += 1
            if done == steps:
                break
    to_input = transforms.Compose(train.transform.transforms[-2:])  # ToTensor, Normalize: no augmentation
    model.eval()
    with torch.no_grad():
        correct = sum(int((model(torch.stack([to_input(x) for x in images.test_x[i:i + 500]])).argmax(1)
                           == torch.from_numpy(images.test_y[i:i + 500])).sum())
                      for i in range(0, len(images.test_y), 500))
    return correct / len(images.test_y)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="ImageFolder root (train/<class>/..., test/<class>/...)")
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1), help="textbook DataLoader workers")
    args = parser.parse_args(argv)
    if not BASELINE.exists():
        parser.error(f"the textbook loop is not at {BASELINE}")
    print(f"# ResNet-20, {args.steps} steps of 128, lr drops at {args.steps // 2} and {args.steps * 3 // 4}; "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for name, run in (("ours", lambda: ours(args.data, args.steps)),
                      ("textbook", lambda: textbook(args.data, args.steps, args.workers))):
        start = time.perf_counter()
        accuracy = run()
        print(f"{name:9} test accuracy {100 * accuracy:.2f}%  ({(time.perf_counter() - start) / 60:.1f} min)",
              flush=True)


if __name__ == "__main__":
    main()
