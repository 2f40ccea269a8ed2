"""ResNet recipes (He et al. 2015, sec. 4.2): CIFAR-10 plain and residual networks."""
from __future__ import annotations

from dataclasses import dataclass

from models.resnet import CifarResNetConfig, cifar_resnet
from train.image_task import ImageClassificationTask, ImageTrainConfig
from train.recipes import Experiment, Recipe, register


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

    def __post_init__(self) -> None:
        super().__post_init__()
        CifarResNetConfig(self.depth, self.plain, self.shortcut)  # validates depth and shortcut


# Lecture preset: 4,000 training images, 300 steps of batch 64, lr 0.1 held then /10 at step 240:
# enough for plain-56's training error to sit above plain-20's on a 2-core CPU in a few minutes.
LECTURE = {"train_size": 4000, "val_size": 0, "eval_size": 1000, "steps": 300, "batch_size": 64,
           "milestones": (240,), "log_every": 10, "eval_every": 50, "checkpoint_every": 100}

register(Recipe(
    name="resnet",
    summary="a CIFAR-10 ResNet or plain network of sec. 4.2 (depth 6n+2)",
    config_cls=ResNetRunConfig,
    build_task=lambda cfg, device, ranks: ImageClassificationTask(
        cfg, device, ranks, cifar_resnet(cfg.depth, plain=cfg.plain, shortcut=cfg.shortcut)),
    presets={"lecture": LECTURE},
))

register(Experiment(
    name="plain-vs-residual",
    summary="plain and residual networks at depths 20 and 56: the degradation problem",
    recipe="resnet",
    figure="Fig. 6 (and Fig. 1)",
    variants=tuple((f"{'plain' if plain else 'ResNet'}-{depth}", {"depth": depth, "plain": plain})
                   for plain in (True, False) for depth in (20, 56)),
    presets={"lecture": LECTURE},
))
