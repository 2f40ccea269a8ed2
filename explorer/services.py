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
    """One training process at a time on this machine, at most 8 waiting (see train/launcher.py)."""
    run = Launcher(store(), max_running=int(os.environ.get("PAPERLAB_MAX_RUNNING", "1")))
    run.start()
    return run
