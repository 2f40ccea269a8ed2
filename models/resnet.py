"""Deep Residual Learning for Image Recognition (He, Zhang, Ren, Sun 2015).

CIFAR-10 networks of section 4.2: a 3x3 conv, then 3 stages of n blocks with 16, 32, 64
filters on 32x32, 16x16, 8x8 maps, global average pooling and a 10-way fc: 6n+2 layers.
Each network comes as *plain* (no shortcuts, Fig. 6 left) or *residual* (Fig. 6 right).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

CIFAR_DEPTHS = (20, 32, 44, 56, 110)  # n = 3, 5, 7, 9, 18
SHORTCUTS = ("A", "B", "C")  # sec. 3.3 / 4.1: zero-padding identity, projection when needed, all projections


@dataclass
class CifarResNetConfig:
    depth: int = 20          # 6n+2 layers
    plain: bool = False      # True: the same stack without shortcuts
    shortcut: str = "A"      # A | B | C; the paper's CIFAR nets use A (sec. 4.2)
    num_classes: int = 10

    def __post_init__(self) -> None:
        if (self.depth - 2) % 6 or self.depth < 8:
            raise ValueError(f"CIFAR ResNet depth must be 6n+2 (20, 32, 44, 56, 110), got {self.depth}")
        if self.shortcut not in SHORTCUTS:
            raise ValueError(f"shortcut must be one of A, B, C; got {self.shortcut!r}")

    @property
    def blocks_per_stage(self) -> int:
        return (self.depth - 2) // 6


class PadShortcut(nn.Module):
    """Option A: identity with stride-2 subsampling and zero-padded extra channels; no parameters."""

    def __init__(self, in_planes: int, planes: int, stride: int):
        super().__init__()
        self.stride, self.extra = stride, planes - in_planes

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride > 1:
            x = x[:, :, :: self.stride, :: self.stride]
        return F.pad(x, (0, 0, 0, 0, self.extra // 2, self.extra - self.extra // 2)) if self.extra else x


def projection(in_planes: int, planes: int, stride: int) -> nn.Module:
    """Options B/C: a 1x1 convolution W_s x (eq. 2) with batch norm."""
    return nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))


def make_shortcut(option: str, in_planes: int, planes: int, stride: int) -> nn.Module:
    changes = stride != 1 or in_planes != planes
    if option == "C" or (option == "B" and changes):
        return projection(in_planes, planes, stride)
    if option == "A" and changes:
        return PadShortcut(in_planes, planes, stride)
    return nn.Identity()


class BasicBlock(nn.Module):
    """Two 3x3 convs (Fig. 2); BN after each conv, ReLU after the addition (sec. 3.4)."""

    expansion = 1

    def __init__(self, in_planes: int, planes: int, stride: int = 1, *, shortcut: nn.Module | None = None):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = shortcut  # None: a plain block

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))  # the response Fig. 7 measures: after BN, before the addition
        if self.shortcut is not None:
            out = out + self.shortcut(x)
        return F.relu(out)


class CifarResNet(nn.Module):
    """The 6n+2-layer CIFAR network of sec. 4.2, residual or plain."""

    def __init__(self, cfg: CifarResNetConfig = CifarResNetConfig()):
        super().__init__()
        self.cfg = cfg
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        in_planes, stages = 16, []
        for planes, stride in ((16, 1), (32, 2), (64, 2)):
            blocks = []
            for i in range(cfg.blocks_per_stage):
                s = stride if i == 0 else 1
                shortcut = None if cfg.plain else make_shortcut(cfg.shortcut, in_planes, planes, s)
                blocks.append(BasicBlock(in_planes, planes, s, shortcut=shortcut))
                in_planes = planes
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = stages
        self.fc = nn.Linear(64, cfg.num_classes)
        for m in self.modules():  # He initialisation (ref. [13] of the paper)
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.bn1(self.conv1(x)))             # (B, 16, 32, 32)
        x = self.layer3(self.layer2(self.layer1(x)))    # (B, 64, 8, 8)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def cifar_resnet(depth: int = 20, *, plain: bool = False, shortcut: str = "A", num_classes: int = 10) -> CifarResNet:
    return CifarResNet(CifarResNetConfig(depth, plain, shortcut, num_classes))
