"""Deep Residual Learning for Image Recognition (He, Zhang, Ren, Sun 2015).

CIFAR-10 networks of section 4.2: a 3x3 conv, then 3 stages of n blocks with 16, 32, 64
filters on 32x32, 16x16, 8x8 maps, global average pooling and a 10-way fc: 6n+2 layers.
Each network comes as *plain* (no shortcuts, Fig. 6 left) or *residual* (Fig. 6 right).

ImageNet networks of Table 1: ResNet-18/34 of basic blocks, ResNet-50/101/152 of bottleneck
blocks (Fig. 5), on 224x224 inputs. Sec. 4.2's layer-response analysis (Fig. 7) and per-layer
gradient norms are measured on the 3x3 layers listed by `conv3x3_layers`.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
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


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3, 1x1 restore to 4x the width (Fig. 5 right); ReLU after the addition."""

    expansion = 4

    def __init__(self, in_planes: int, planes: int, stride: int = 1, *, shortcut: nn.Module | None = None,
                 stride_in_1x1: bool = True):
        super().__init__()
        s1, s3 = (stride, 1) if stride_in_1x1 else (1, stride)
        self.conv1 = nn.Conv2d(in_planes, planes, 1, s1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, s3, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * self.expansion, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.shortcut = shortcut  # None: a plain block

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.shortcut is not None:
            out = out + self.shortcut(x)
        return F.relu(out)


def make_stage(block: type[BasicBlock | Bottleneck], in_planes: int, planes: int, blocks: int, stride: int,
               shortcut: str | None, **block_options) -> nn.Sequential:
    """`blocks` blocks, the first one striding; shortcut None builds the plain counterpart."""
    layers = []
    for i in range(blocks):
        s, out_planes = (stride if i == 0 else 1), planes * block.expansion
        short = None if shortcut is None else make_shortcut(shortcut, in_planes, out_planes, s)
        layers.append(block(in_planes, planes, s, shortcut=short, **block_options))
        in_planes = out_planes
    return nn.Sequential(*layers)


def he_init(model: nn.Module) -> None:
    """He initialisation of every convolution (ref. [13] of the paper)."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")


class CifarResNet(nn.Module):
    """The 6n+2-layer CIFAR network of sec. 4.2, residual or plain."""

    def __init__(self, cfg: CifarResNetConfig | None = None):
        super().__init__()
        self.cfg = cfg = cfg or CifarResNetConfig()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        n, shortcut = cfg.blocks_per_stage, None if cfg.plain else cfg.shortcut
        self.layer1 = make_stage(BasicBlock, 16, 16, n, 1, shortcut)
        self.layer2 = make_stage(BasicBlock, 16, 32, n, 2, shortcut)
        self.layer3 = make_stage(BasicBlock, 32, 64, n, 2, shortcut)
        self.fc = nn.Linear(64, cfg.num_classes)
        he_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.bn1(self.conv1(x)))             # (B, 16, 32, 32)
        x = self.layer3(self.layer2(self.layer1(x)))    # (B, 64, 8, 8)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def cifar_resnet(depth: int = 20, *, plain: bool = False, shortcut: str = "A", num_classes: int = 10) -> CifarResNet:
    return CifarResNet(CifarResNetConfig(depth, plain, shortcut, num_classes))


# Table 1: block type and blocks per stage (conv2_x .. conv5_x) for each depth.
IMAGENET_LAYERS: dict[int, tuple[type[BasicBlock | Bottleneck], tuple[int, int, int, int]]] = {
    18: (BasicBlock, (2, 2, 2, 2)),
    34: (BasicBlock, (3, 4, 6, 3)),
    50: (Bottleneck, (3, 4, 6, 3)),
    101: (Bottleneck, (3, 4, 23, 3)),
    152: (Bottleneck, (3, 8, 36, 3)),
}
IMAGENET_MULT_ADDS = {18: 1.8e9, 34: 3.6e9, 50: 3.8e9, 101: 7.6e9, 152: 11.3e9}  # Table 1, "FLOPs" row


@dataclass
class ImageNetResNetConfig:
    depth: int = 50              # 18 | 34 | 50 | 101 | 152 (Table 1)
    plain: bool = False          # the plain-18/34 baselines of Table 2
    shortcut: str = "B"          # sec. 4.1: B for the bottleneck nets (Table 2's 18/34 use A)
    stride_in_1x1: bool = True   # the paper's models stride the first 1x1; False: torchvision's "v1.5" (3x3)
    num_classes: int = 1000

    def __post_init__(self) -> None:
        if self.depth not in IMAGENET_LAYERS:
            raise ValueError(f"ImageNet ResNet depth must be one of 18, 34, 50, 101, 152; got {self.depth}")
        if self.shortcut not in SHORTCUTS:
            raise ValueError(f"shortcut must be one of A, B, C; got {self.shortcut!r}")


class ImageNetResNet(nn.Module):
    """Table 1: a 7x7/2 conv and 3x3/2 max pool, four stages of 64..512 planes, average pool, 1000-way fc."""

    def __init__(self, cfg: ImageNetResNetConfig | None = None):
        super().__init__()
        self.cfg = cfg = cfg or ImageNetResNetConfig()
        block, counts = IMAGENET_LAYERS[cfg.depth]
        options = {"stride_in_1x1": cfg.stride_in_1x1} if block is Bottleneck else {}
        shortcut = None if cfg.plain else cfg.shortcut
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        stages, in_planes = [], 64
        for planes, count, stride in zip((64, 128, 256, 512), counts, (1, 2, 2, 2)):
            stages.append(make_stage(block, in_planes, planes, count, stride, shortcut, **options))
            in_planes = planes * block.expansion
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.fc = nn.Linear(in_planes, cfg.num_classes)
        he_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))                # (B, 64, 56, 56)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))        # (B, 512 * expansion, 7, 7)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def imagenet_resnet(depth: int = 50, *, plain: bool = False, shortcut: str = "B", stride_in_1x1: bool = True,
                    num_classes: int = 1000) -> ImageNetResNet:
    return ImageNetResNet(ImageNetResNetConfig(depth, plain, shortcut, stride_in_1x1, num_classes))


# -- sec. 4.2 "Analysis of Layer Responses" -----------------------------------------------------------------

def conv3x3_layers(model: nn.Module) -> list[tuple[str, nn.Conv2d, nn.BatchNorm2d]]:
    """(name, conv, its BN) for every 3x3 layer, input to output: the layers Fig. 7 plots."""
    layers = []
    for name, module in model.named_modules():
        for i in (1, 2, 3):
            conv, bn = getattr(module, f"conv{i}", None), getattr(module, f"bn{i}", None)
            if isinstance(conv, nn.Conv2d) and conv.kernel_size == (3, 3) and isinstance(bn, nn.BatchNorm2d):
                layers.append((f"{name}.conv{i}".lstrip("."), conv, bn))
    return layers


@torch.no_grad()
def response_std(model: nn.Module, x: torch.Tensor) -> np.ndarray:
    """Fig. 7: std of each 3x3 layer's response (after BN, before ReLU or the addition), in eval mode.

    x: (B, 3, H, W) normalised images. Returns (layers,): per channel std over batch and positions,
    averaged over channels.
    """
    stds: list[float] = []
    hooks = [bn.register_forward_hook(lambda m, i, out: stds.append(out.float().std((0, 2, 3)).mean().item()))
             for _, _, bn in conv3x3_layers(model)]
    training = model.training
    try:
        model.eval()
        model(x)
    finally:
        model.train(training)
        for hook in hooks:
            hook.remove()
    return np.asarray(stds, np.float32)


def gradient_norms(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> np.ndarray:
    """L2 norm of the cross-entropy gradient w.r.t. each 3x3 layer's weights, in training mode (batch statistics).

    Works on a copy, so the model's BN running statistics and .grad are untouched. Returns (layers,).
    """
    probe = copy.deepcopy(model).train()
    weights = [conv.weight for _, conv, _ in conv3x3_layers(probe)]
    grads = torch.autograd.grad(F.cross_entropy(probe(x), y), weights)
    return np.asarray([g.norm().item() for g in grads], np.float32)
