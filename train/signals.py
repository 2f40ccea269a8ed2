"""SIGTERM from the process's first moment: a run asked to stop while Python still imports torch stops as a cancel,
not as a crash (the launcher sends SIGTERM right after it sets the run's stop request)."""
from __future__ import annotations

import signal
import threading

TERM = threading.Event()  # set by SIGTERM; the runner stops at its next chance (train/runner.py)


def install() -> None:
    """Catch SIGTERM into TERM (only possible in the main thread; elsewhere, e.g. a ZeroGPU chunk, a no-op)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: TERM.set())
