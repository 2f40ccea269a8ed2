"""Process-wide services the tabs share: the run store and the run launcher (created on first use)."""
from __future__ import annotations

import functools
import os

from explorer.serving import gpu
from train.launcher import Launcher
from train.store import RunStore


@functools.cache
def store() -> RunStore:
    return RunStore()


@functools.cache
def launcher() -> Launcher:
    """Runs training at a time: one on a CPU (it uses every core), four on a GPU, and on a ZeroGPU Space one,
    in chunks (explorer/serving/zerogpu.py); at most 8 waiting."""
    if gpu.ZERO_GPU:
        from explorer.serving.zerogpu import ChunkLauncher

        kind, default = ChunkLauncher, 1
    else:
        import torch

        kind, default = Launcher, 4 if torch.cuda.is_available() else 1
    run = kind(store(), max_running=int(os.environ.get("PAPERLAB_MAX_RUNNING", default)))
    run.start()
    return run
