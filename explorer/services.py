"""Process-wide services the tabs share: the run store and the run launcher (created on first use)."""
from __future__ import annotations

import functools
import os
from collections.abc import Mapping

from explorer import gpu
from train.launcher import Launcher
from train.limits import RunLimits
from train.store import RunStore


def public_mode(env: Mapping[str, str] | None = None) -> bool:
    """True on a Hugging Face Space (SPACE_ID set) or when PAPERLAB_PUBLIC=1 (explorer/deployment.py)."""
    env = os.environ if env is None else env
    return bool(env.get("SPACE_ID")) or env.get("PAPERLAB_PUBLIC", "") == "1"


@functools.cache
def store() -> RunStore:
    return RunStore()


@functools.cache
def launcher() -> Launcher:
    """Runs training at a time: one on a CPU (it uses every core), four on a GPU, and on a ZeroGPU Space one,
    in chunks (explorer/zerogpu.py); at most 8 waiting. In public mode each run is held to RunLimits."""
    if gpu.ZERO_GPU:
        from explorer.zerogpu import ChunkLauncher

        kind, default = ChunkLauncher, 1
    else:
        import torch

        kind, default = Launcher, 4 if torch.cuda.is_available() else 1
    run = kind(store(), max_running=int(os.environ.get("PAPERLAB_MAX_RUNNING", default)),
               limits=RunLimits.from_env() if public_mode() else None)
    run.start()
    return run
