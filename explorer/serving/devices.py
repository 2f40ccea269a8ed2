"""Where the labs' inference runs: on the GPU when there is one, else on the CPU.

Models stay cached on the CPU, shared by every user. A function decorated with explorer.serving.gpu.gpu asks
for on_device(model) inside the call, moves its inputs to device(), and returns CPU data (numpy), so it
works the same in a ZeroGPU Space's forked GPU process, on a machine with a GPU, and on a CPU.
"""
from __future__ import annotations

import copy
import functools

import torch
from torch import nn


def device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@functools.lru_cache(maxsize=4)
def _copy_on(model: nn.Module, target: torch.device) -> nn.Module:
    return copy.deepcopy(model).to(target)


def on_device(model: nn.Module) -> nn.Module:
    """The model itself on a CPU; on a GPU a copy there (cached per model), leaving the CPU model as it is."""
    target = device()
    return model if target.type == "cpu" else _copy_on(model, target)
