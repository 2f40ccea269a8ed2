"""Build assets/samples/cifar10-sample.npz from an ImageFolder copy of CIFAR-10.

    python -m train.make_sample ROOT   # ROOT holds train/<class>/*.jpg and test/<class>/*.jpg

Takes the first PER_CLASS images of each class from each split (file name order), shuffled with seed 0, and keeps
their JPEG files as they are (end to end in one byte array per split); train.data.load_sample decodes them.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from train.data import CIFAR10_CLASSES, SAMPLE
from train.store import atomic_write

PER_CLASS = 100


def make_sample(root: Path, out: Path = SAMPLE, per_class: int = PER_CLASS) -> Path:
    arrays = {}
    for split in ("train", "test"):
        xs, ys = [], []
        for label, name in enumerate(CIFAR10_CLASSES):
            files = sorted((root / split / name).glob("*.jpg"))[:per_class]
            if len(files) < per_class:
                raise SystemExit(f"{root / split / name} has {len(files)} images, {per_class} needed")
            xs += [f.read_bytes() for f in files]
            ys += [label] * per_class
        order = np.random.default_rng(0).permutation(len(ys))  # mixed classes, so any prefix is balanced-ish
        files = [xs[i] for i in order]
        arrays[f"{split}_jpeg"] = np.frombuffer(b"".join(files), np.uint8)
        arrays[f"{split}_ends"] = np.cumsum([len(b) for b in files])
        arrays[f"{split}_y"] = np.asarray(ys, np.uint8)[order]
    return atomic_write(out, lambda p: np.savez_compressed(open(p, "wb"), classes=np.asarray(CIFAR10_CLASSES), **arrays))


if __name__ == "__main__":
    print(make_sample(Path(sys.argv[1])))
