"""ResNet recipes (He et al. 2015, sec. 4.2): CIFAR-10 plain and residual networks, and the experiments of Fig. 6."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import torch

from models.resnet import SHORTCUTS, CifarResNetConfig, cifar_resnet, gradient_norms, response_std
from train.image_task import ImageClassificationTask, ImageTrainConfig
from train.recipes import Experiment, Recipe, register
from train.runtime import Dist

PROBE_SIZE = 128  # images in the fixed batches the per-layer snapshots are measured on


@dataclass
class ResNetRunConfig(ImageTrainConfig):
    """Sec. 4.2 recipe: batch 128, lr 0.1, momentum 0.9, wd 1e-4, /10 at 32k and 48k, stop at 64k, 45k/5k split."""

    depth: int = 20                     # 6n+2: 20, 32, 44, 56, 110
    plain: bool = False                 # no shortcuts (Fig. 6 left)
    shortcut: str = "A"                 # A | B | C
    steps: int = 64_000
    batch_size: int = 128
    lr: float = 0.1
    momentum: float = 0.9
    weight_decay: float = 1e-4
    schedule: str = "step"
    milestones: tuple[int, ...] = (32_000, 48_000)
    val_size: int = 5000
    eval_every: int = 1000
    checkpoint_every: int = 2000
    snapshot_every: int = 1000          # per-layer gradient norms and response stds (Fig. 7)
    warmup: bool = True                 # sec. 4.2: from 110 layers, lr 0.01 until the training error is below 80%

    def __post_init__(self) -> None:
        super().__post_init__()
        CifarResNetConfig(self.depth, self.plain, self.shortcut)  # validates depth and shortcut

    @property
    def warmup_error(self) -> float:
        """Sec. 4.2: for ResNet-110 "the initial learning rate of 0.1 is slightly too large to start converging", so
        it trains at 0.01 until the training error is below 80% (about 400 iterations), then goes back to 0.1."""
        return 0.8 if self.warmup and self.depth >= 110 else 0.0


def build_task(cfg: ResNetRunConfig, device: torch.device, ranks: Dist) -> ImageClassificationTask:
    """The image task, snapshotting per-3x3-layer gradient norms and response stds on fixed probe batches."""
    task = ImageClassificationTask(cfg, device, ranks, cifar_resnet(cfg.depth, plain=cfg.plain, shortcut=cfg.shortcut))
    x_train, y_train = task.prepare(task.train_x[:PROBE_SIZE]), task.train_y[:PROBE_SIZE]
    test_x, _ = task.eval_sets["test"]
    x_test = task.prepare(torch.from_numpy(test_x[:PROBE_SIZE]).to(device))
    task.snapshot_fns = {"grad_norm": lambda model: gradient_norms(model, x_train, y_train),
                         "response_std": lambda model: response_std(model, x_test)}
    return task


# Lecture preset, scaled down for a 2-core CPU: 4,000 training images (not 45k), batch 64 (not 128), 300 steps
# (not 64k) with lr 0.1 divided by 10 at step 240; no validation split. Plain-56's training error stays above
# plain-20's (measured in the report of the ResNet lab: `nice python -m train plain-vs-residual --preset lecture`).
LECTURE = {"train_size": 4000, "val_size": 0, "eval_size": 1000, "steps": 300, "batch_size": 64,
           "milestones": (240,), "log_every": 10, "eval_every": 50, "checkpoint_every": 100, "snapshot_every": 50}

register(Recipe(
    name="resnet",
    summary="a CIFAR-10 ResNet or plain network of sec. 4.2 (depth 6n+2)",
    config_cls=ResNetRunConfig,
    build_task=build_task,
    presets={"lecture": LECTURE},
))


def variant_label(depth: int, plain: bool) -> str:
    return f"{'plain' if plain else 'ResNet'}-{depth}"


def plain_vs_residual_variants(depths: Iterable[int]) -> tuple[tuple[str, dict[str, Any]], ...]:
    """Plain then residual at each depth: (label, overrides) pairs, e.g. ("plain-56", {...})."""
    return tuple((variant_label(depth, plain), {"depth": depth, "plain": plain})
                 for plain in (True, False) for depth in depths)


def jpeg_variants(quality: int = 75) -> tuple[tuple[str, dict[str, Any]], ...]:
    """The data as stored, then JPEG-coded once more (train.recompress): what a further coding costs."""
    return ("as stored", {"recode_quality": 0}), ("coded once more", {"recode_quality": quality})


def seed_variants(seeds: Iterable[int] = (0, 1)) -> tuple[tuple[str, dict[str, Any]], ...]:
    """One recipe, several seeds: how far apart its runs end, the yardstick for every other comparison."""
    return tuple((f"seed {seed}", {"seed": seed}) for seed in seeds)


def shortcut_variants(options: Iterable[str] = SHORTCUTS) -> tuple[tuple[str, dict[str, Any]], ...]:
    return tuple((f"option {option}", {"shortcut": option}) for option in options)


def register_experiment(name: str, summary: str, figure: str,
                        variants: tuple[tuple[str, dict[str, Any]], ...]) -> None:
    """An experiment of ResNet runs, with the lecture preset for a laptop."""
    register(Experiment(name=name, summary=summary, recipe="resnet", figure=figure, variants=variants,
                        presets={"lecture": LECTURE}))


register_experiment("plain-vs-residual", "plain and residual networks at depths 20 and 56: the degradation problem",
                    "Fig. 6 (and Fig. 1)", plain_vs_residual_variants((20, 56)))
register_experiment("shortcuts", "a residual network with shortcut option A (zero-padding), B (projections where the "
                    "shape changes), C (all projections)", "Table 3 (on CIFAR-10)", shortcut_variants())
register_experiment("jpeg", "a residual network on the images as stored and on them JPEG-coded once more (quality 75, "
                    "the grid moved 4 pixels): what a coding costs, measured where the CIFAR-10 mirror's own cannot be",
                    "Table 6's gap on the CIFAR-10 JPEG mirror", jpeg_variants())
register_experiment("resnet-seed", "a residual network on the paper's recipe with seeds 0 and 1: how far apart two runs "
                    "of one recipe end, the yardstick for the other comparisons", "sec. 4.2", seed_variants())
