"""Speed of the AlexNet lab's views on this machine: `python -m tools.bench_alexnet [--threads N]`.

Prints one line per measurement (median of several repeats) beside the issue's target:
filter grid figure < 0.3 s; a neighbour query over 10,000 indexed gallery images < 0.3 s;
top-5 plus one 32-step Integrated Gradients attribution < 3 s. Weights are random: speed does
not depend on them.
"""
from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import torch

from explorer.labs.alexnet import views
from explorer.labs.alexnet.figures import make_filter_figure
from models.alexnet import alexnet, cifar_alexnet, one_weird_trick_alexnet
from train.data import CIFAR10_CLASSES, CIFAR10_MEAN, CIFAR10_STD
from train.recipes.alexnet import conv1_weights

GALLERY_SIZE = 10_000


def median_time(fn: Callable[[], object], repeats: int = 5) -> float:
    fn()  # warm-up: caches, allocator, lazy imports
    times = []
    for _ in range(repeats):
        tic = time.perf_counter()
        fn()
        times.append(time.perf_counter() - tic)
    return statistics.median(times)


def report(name: str, seconds: float, target: float) -> None:
    print(f"{name:62} {seconds * 1000:8.1f} ms   target < {target * 1000:.0f} ms   "
          f"{'ok' if seconds < target else 'SLOW'}", flush=True)


def gallery_of(size: int) -> views.Gallery:
    """The app's gallery, repeated up to `size` images when only the 1,000-image sample is here."""
    base = views.load_gallery()
    reps = -(-size // len(base.images))
    images, labels = np.tile(base.images, (reps, 1, 1, 1))[:size], np.tile(base.labels, reps)[:size]
    name = base.name if reps == 1 else f"{base.name} repeated to {size}"
    return views.Gallery(images, labels, base.classes, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {args.threads} threads")

    for title, model, towers in (("paper AlexNet, 96 kernels 11x11, two towers", alexnet(), 2),
                                 ("torchvision layout, 64 kernels 11x11", one_weird_trick_alexnet(), 1),
                                 ("CIFAR AlexNet, 48 kernels 5x5", cifar_alexnet(), 1)):
        weights = conv1_weights(model)
        report(f"filter grid figure (to JSON): {title}",
               median_time(lambda w=weights, n=towers: make_filter_figure(w, n, "conv1").to_json()), 0.3)

    vm = views.ViewModel("bench:cifar", "CIFAR AlexNet", cifar_alexnet().eval(), CIFAR10_CLASSES, 32,
                         CIFAR10_MEAN, CIFAR10_STD, 1)
    gallery = gallery_of(GALLERY_SIZE)
    tic = time.perf_counter()
    index = views.feature_index(vm, gallery)
    views.pixel_index(gallery)
    print(f"indexing {len(gallery.images):,} images ({gallery.name}), once per checkpoint: "
          f"{time.perf_counter() - tic:.1f} s", flush=True)
    query = gallery.images[123]

    def neighbours() -> None:
        features, pixels, _ = views.query_vectors(vm, query, gallery)
        index.nearest(features, 8, exclude=123)
        views.pixel_index(gallery).nearest(pixels, 8, exclude=123)
    report(f"neighbour query, features + pixels, k=8 over {len(gallery.images):,}", median_time(neighbours), 0.3)

    def explain(model_vm: views.ViewModel) -> Callable[[], object]:
        image = views.fit_square(query, model_vm.image_size)

        def run() -> None:  # what the tab does: top-5, then explain the top class
            top = views.top_k(model_vm, image)
            views.attribute(model_vm, image, model_vm.classes.index(next(iter(top))), steps=32)
        return run
    report("top-5 + Integrated Gradients (32 steps), CIFAR AlexNet", median_time(explain(vm), 3), 3.0)
    imagenet = views.ViewModel("bench:imagenet", "ImageNet AlexNet", one_weird_trick_alexnet().eval(),
                               tuple(str(i) for i in range(1000)), 224, views.IMAGENET_MEAN, views.IMAGENET_STD, 1)
    report("top-5 + Integrated Gradients (32 steps), ImageNet AlexNet 224x224", median_time(explain(imagenet), 3), 3.0)


if __name__ == "__main__":
    main()
