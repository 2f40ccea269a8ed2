"""Checkpoints: written atomically, read only as tensors (never arbitrary pickles)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file

from train.store import atomic_write

KEEP = 3  # newest checkpoints kept per run; older ones are deleted after a good save


class CheckpointError(RuntimeError):
    """A checkpoint file is missing, truncated, corrupt or not a plain tensor file."""


def checkpoint_path(folder: Path, step: int) -> Path:
    return folder / f"step-{step:09d}.pt"


def save_checkpoint(folder: Path, step: int, state: dict[str, Any]) -> Path:
    """Save a training state; keep the newest KEEP checkpoints."""
    path = atomic_write(checkpoint_path(folder, step), lambda p: torch.save(state, p))
    for old in sorted(folder.glob("step-*.pt"))[:-KEEP]:
        old.unlink(missing_ok=True)
    return path


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Load with weights_only=True: tensors, numbers and containers only; a pickle with code is refused."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises several types for truncated, corrupt or unsafe files
        raise CheckpointError(f"cannot read checkpoint {Path(path).name}: {str(exc).splitlines()[0][:300]}") from exc


def newest_good_checkpoint(paths: list[Path]) -> tuple[Path, dict[str, Any]] | None:
    """The newest checkpoint that loads, skipping corrupt ones (they are kept for inspection)."""
    for path in reversed(paths):
        try:
            return path, load_checkpoint(path)
        except CheckpointError:
            continue
    return None


def load_weights(path: Path) -> dict[str, torch.Tensor]:
    """Weights from a safetensors file or the model part of a training checkpoint, as float32."""
    path = Path(path)
    try:
        state = load_file(str(path)) if path.suffix == ".safetensors" else load_checkpoint(path)["model"]
    except CheckpointError:
        raise
    except Exception as exc:
        raise CheckpointError(f"cannot read weights {path.name}: {str(exc).splitlines()[0][:300]}") from exc
    return {k: v.float() if v.is_floating_point() else v for k, v in state.items()}


def unwrap(model: torch.nn.Module) -> torch.nn.Module:
    """The plain module inside DistributedDataParallel and torch.compile wrappers."""
    model = getattr(model, "module", model)
    return getattr(model, "_orig_mod", model)
