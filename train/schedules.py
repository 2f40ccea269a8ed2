"""Learning-rate schedules of the three papers, as multipliers of the base lr for LambdaLR."""
from __future__ import annotations

import math
from collections.abc import Callable

import torch

from train.config import TrainConfig

WARMUP_FACTOR = 0.1  # ResNet-110's warm-up (sec. 4.2): 0.01 for its base lr of 0.1


def step_decay(milestones: tuple[int, ...], gamma: float) -> Callable[[int], float]:
    """AlexNet (sec. 5) and ResNet (sec. 4.2): divide the lr by 10 at fixed points."""
    return lambda step: gamma ** sum(step >= m for m in milestones)


def warmup_cosine(warmup: int, total: int) -> Callable[[int], float]:
    """Linear warmup, then half a cosine down to zero at the last step."""
    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total - warmup))
        return 0.5 * (1 + math.cos(math.pi * progress))
    return factor


def inverse_sqrt(warmup: int, d_model: int | None = None) -> Callable[[int], float]:
    """Transformer eq. 3: lr = d_model^-0.5 * min(step^-0.5, step * warmup^-1.5).

    With d_model given the result is the paper's absolute lr (use base lr 1.0); without it
    the curve is scaled to peak at 1.0 at the end of warmup.
    """
    scale = d_model ** -0.5 if d_model else warmup ** 0.5

    def factor(step: int) -> float:
        step = step + 1  # the paper counts steps from 1
        return scale * min(step ** -0.5, step * warmup ** -1.5)
    return factor


def lr_factor(cfg: TrainConfig, d_model: int | None = None) -> Callable[[int], float]:
    match cfg.schedule:
        case "constant":
            return lambda step: 1.0
        case "step":
            return step_decay(cfg.milestones, cfg.gamma)
        case "cosine":
            return warmup_cosine(cfg.warmup_steps, cfg.steps)
        case "inverse_sqrt":
            return inverse_sqrt(cfg.warmup_steps, d_model)
    raise ValueError(cfg.schedule)


def build_optimizer(cfg: TrainConfig, params, *, fused: bool = False) -> torch.optim.Optimizer:
    """SGD with momentum (AlexNet, ResNet) or Adam (Transformer); weight decay on all weights as in the papers."""
    extra = {"fused": True} if fused else {}
    if cfg.optimizer == "sgd":
        return torch.optim.SGD(params, lr=cfg.lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay, **extra)
    return torch.optim.Adam(params, lr=cfg.lr, betas=(cfg.momentum, cfg.beta2), eps=cfg.eps,
                            weight_decay=cfg.weight_decay, **extra)
