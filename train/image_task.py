"""Image classification on uint8 arrays held on the device: the task behind the AlexNet and ResNet recipes."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from train.config import ConfigError, TrainConfig, choose
from train.data import (
    ImageData,
    epoch_order,
    load_images,
    normalize,
    pca_basis,
    pca_color,
    random_crop_flip,
    step_generator,
)
from train.runtime import Dist

AUGMENTATIONS = ("none", "flip", "crop_flip", "crop_flip_pca")


@dataclass
class ImageTrainConfig(TrainConfig):
    """Data options shared by the image recipes."""

    data: str = "cifar10"          # cifar10 | sample | path of an ImageFolder root
    augment: str = "crop_flip"     # none | flip | crop_flip | crop_flip_pca (AlexNet's colour PCA)
    train_size: int = 0            # train on the first N images only (0: all); lecture presets use it
    val_size: int = 0              # hold out N training images as validation (ResNet: 5000)
    eval_size: int = 2000          # evaluate on N test (and validation) images (0: all)
    channels_last: bool = True     # memory format for convolutions (faster on GPUs and recent CPUs)
    recode_quality: int = 0        # JPEG-code every image once more at this quality, grid moved 4 px (0: as stored)

    def __post_init__(self) -> None:
        super().__post_init__()
        choose(self.augment, AUGMENTATIONS, "augment")
        for name in ("train_size", "val_size", "eval_size"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be >= 0, got {getattr(self, name)}")
        if not 0 <= self.recode_quality <= 95:
            raise ConfigError(f"recode_quality must be a JPEG quality from 1 to 95, or 0 (off), got {self.recode_quality}")


class ImageClassificationTask:
    """Batches drawn from a fixed per-epoch order, augmented on the device; cross-entropy loss."""

    throughput_name = "images_per_s"

    def __init__(self, cfg: ImageTrainConfig, device: torch.device, ranks: Dist, model: nn.Module,
                 data: ImageData | None = None,
                 snapshot_fns: dict[str, Callable[[nn.Module], np.ndarray]] | None = None):
        self.cfg, self.device, self.ranks = cfg, device, ranks
        data = data or load_images(cfg.data)
        if cfg.recode_quality:
            from train.recompress import recode_images
            data = recode_images(data, cfg.recode_quality)
        data, val_x, val_y = data.split_validation(cfg.val_size)
        train_x, train_y = data.train_x, data.train_y
        if cfg.train_size:
            train_x, train_y = train_x[: cfg.train_size], train_y[: cfg.train_size]
        if len(train_y) < cfg.batch_size:
            raise ConfigError(f"batch_size {cfg.batch_size} is larger than the {len(train_y)} training images")
        if cfg.batch_size % ranks.world_size:
            raise ConfigError(f"batch_size {cfg.batch_size} must divide evenly over {ranks.world_size} processes")
        self.data_name, self.classes = data.name, data.classes
        self.train_x = torch.from_numpy(np.ascontiguousarray(train_x)).to(device)  # uint8 (N, H, W, 3)
        self.train_y = torch.from_numpy(train_y).to(device)
        limit = cfg.eval_size or None
        self.eval_sets = {"test": (data.test_x[:limit], data.test_y[:limit])}
        if len(val_y):
            self.eval_sets["val"] = (val_x[:limit], val_y[:limit])
        self.pca = tuple(t.to(device) for t in pca_basis(train_x)) if cfg.augment == "crop_flip_pca" else None
        self.model = model.to(memory_format=torch.channels_last) if cfg.channels_last else model
        self.snapshot_fns = snapshot_fns or {}

    def prepare(self, x_uint8: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """uint8 (N, H, W, 3) -> augmented, normalised float (N, 3, H, W) on the device."""
        x = normalize(x_uint8)
        if generator is not None and self.cfg.augment != "none":
            x = random_crop_flip(x, generator, pad=0 if self.cfg.augment == "flip" else 4)
            if self.pca is not None:
                x = pca_color(x, self.pca, generator)
        return x.contiguous(memory_format=torch.channels_last) if self.cfg.channels_last else x

    def batches(self, start_step: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n, batch = len(self.train_y), self.cfg.batch_size
        per_epoch = n // batch  # the last partial batch of each epoch is dropped
        local = batch // self.ranks.world_size
        step, order_epoch, order = start_step, -1, None
        while True:
            epoch, i = divmod(step, per_epoch)
            if epoch != order_epoch:  # one shuffle per epoch, moved to the device once
                order, order_epoch = epoch_order(n, self.cfg.seed, epoch).to(self.device), epoch
            idx = order[i * batch:(i + 1) * batch][self.ranks.rank * local:(self.ranks.rank + 1) * local]
            generator = step_generator(self.cfg.seed + 7 * self.ranks.rank, step, self.device)
            yield self.prepare(self.train_x[idx], generator), self.train_y[idx]
            step += 1

    def train_loss(self, model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]):
        x, y = batch
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        correct = (logits.argmax(1) == y).sum().float()
        return loss, {"correct": correct, "count": float(len(y))}

    def train_metrics(self, sums: dict[str, float]) -> dict[str, float]:
        # Training error as the papers plot it: on augmented batches, in training mode.
        return {"train_error": 1 - sums["correct"] / sums["count"]}

    @torch.no_grad()
    def evaluate(self, model: nn.Module) -> dict[str, float]:
        model.eval()
        out = {}
        for split, (xs, ys) in self.eval_sets.items():
            loss, correct = 0.0, 0
            for start in range(0, len(ys), 500):
                x = self.prepare(torch.from_numpy(xs[start:start + 500]).to(self.device))
                y = torch.from_numpy(ys[start:start + 500]).to(self.device)
                logits = model(x).float()
                loss += F.cross_entropy(logits, y, reduction="sum").item()
                correct += (logits.argmax(1) == y).sum().item()
            out[f"{split}_error"] = 1 - correct / len(ys)
            out[f"{split}_loss"] = loss / len(ys)
        return out

    def snapshots(self, model: nn.Module) -> dict[str, np.ndarray]:
        return {name: fn(model) for name, fn in self.snapshot_fns.items()}
