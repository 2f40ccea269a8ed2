"""Run configurations: plain dataclasses with the papers' defaults, saved as JSON with each run."""
from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any, Self

OPTIMIZERS = ("sgd", "adam")
SCHEDULES = ("constant", "step", "cosine", "inverse_sqrt")
DEVICES = ("auto", "cpu", "cuda", "mps")
COMPILE_MODES = ("auto", "off", "default", "reduce-overhead", "max-autotune")


class ConfigError(ValueError):
    """A configuration value is out of range; the message says which and what is allowed."""


@dataclass
class TrainConfig:
    """What every trainer needs: steps, optimiser, schedule, logging and checkpoint cadence."""

    seed: int = 0
    steps: int = 1000               # optimiser steps in the whole run
    batch_size: int = 128           # global batch (split across ranks under torchrun)
    optimizer: str = "sgd"          # sgd | adam
    lr: float = 0.1
    momentum: float = 0.9           # SGD momentum, or Adam's beta1
    beta2: float = 0.999            # Adam only
    eps: float = 1e-8               # Adam only
    weight_decay: float = 0.0
    schedule: str = "step"          # constant | step | cosine | inverse_sqrt
    milestones: tuple[int, ...] = ()  # step decay: multiply lr by gamma at these steps
    gamma: float = 0.1
    warmup_steps: int = 0           # cosine and inverse_sqrt warm up linearly over these
    clip_norm: float = 0.0          # clip the gradients' global norm to this (0: off; RNNsearch: 1)
    minutes: float = 0.0            # time budget: the run ends, done, after this much training (0: steps alone)
    log_every: int = 20             # read metrics off the device every N steps (a host sync)
    eval_every: int = 200
    checkpoint_every: int = 500
    snapshot_every: int = 50
    device: str = "auto"            # auto | cpu | cuda | mps
    amp: bool = True                # bf16 autocast where the hardware has bf16 (CUDA, AVX512-BF16/AMX CPUs)
    compile: str = "auto"           # auto (CUDA graphs on GPUs, off on CPUs) | off | default | reduce-overhead | max-autotune

    def __post_init__(self) -> None:
        self.milestones = tuple(int(m) for m in self.milestones)
        positive = ("steps", "batch_size", "log_every", "eval_every", "checkpoint_every", "snapshot_every")
        for name in positive:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name} must be a whole number of at least 1, got {value!r}")
        for name in ("lr", "momentum", "beta2", "eps", "weight_decay", "gamma", "clip_norm", "minutes"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) or value < 0:
                raise ConfigError(f"{name} must be a finite number >= 0, got {value!r}")
        if self.lr <= 0:
            raise ConfigError(f"lr must be greater than 0, got {self.lr}")
        if self.warmup_steps < 0:
            raise ConfigError(f"warmup_steps must be >= 0, got {self.warmup_steps}")
        if self.schedule == "inverse_sqrt" and self.warmup_steps < 1:
            raise ConfigError("the inverse_sqrt schedule needs warmup_steps >= 1 (the paper uses 4000)")
        choose(self.optimizer, OPTIMIZERS, "optimizer")
        choose(self.schedule, SCHEDULES, "schedule")
        choose(self.device, DEVICES, "device")
        if isinstance(self.compile, bool):  # records written before compile took a mode
            self.compile = "auto" if self.compile else "off"
        choose(self.compile, COMPILE_MODES, "compile")

    @property
    def warmup_error(self) -> float:
        """Train at a tenth of the lr until the training error falls below this; 0: no such warm-up (ResNet-110's,
        sec. 4.2, is 0.8)."""
        return 0.0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Self:
        """Build from a dict, ignoring unknown keys so older run records still load."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})


def choose(value: str, allowed: tuple[str, ...], name: str) -> str:
    """Check that value is one of allowed, with a message listing them."""
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value

