"""Process-wide services the tabs share: the run store and the run launcher (created on first use)."""
from __future__ import annotations

import functools
import os

from train.launcher import Launcher
from train.store import RunStore


@functools.cache
def store() -> RunStore:
    return RunStore()


@functools.cache
def launcher() -> Launcher:
    """Training processes at a time: one on a CPU (it uses every core), four on a GPU; at most 8 waiting."""
    import torch

    default = 4 if torch.cuda.is_available() else 1
    run = Launcher(store(), max_running=int(os.environ.get("PAPERLAB_MAX_RUNNING", default)))
    run.start()
    return run
