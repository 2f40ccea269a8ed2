"""Training on a ZeroGPU Space: each run trains in time-bounded chunks, one `spaces.GPU` call each.

There a GPU exists only inside a decorated call, in a forked process, for at most its duration, and
torch.compile is unavailable; a `python -m train` process (train/launcher.py) would never get one.
So the launcher's queue stays, but starting a queued run means one chunk in a daemon thread of the
app: the call resumes the run from its newest checkpoint, trains for about TRAIN_S seconds, saves a
checkpoint to the run store and leaves the run queued again (or done, cancelled, failed). The store
shows its progress between chunks, and the thread's tick starts the next chunk at once.
"""
from __future__ import annotations

import os
import threading

from explorer.serving.gpu import gpu
from train.launcher import Launcher
from train.runner import execute
from train.store import RunStore

CHUNK_S = 60  # the duration each GPU call asks for
TRAIN_S = 40  # training time within it: the rest builds the task, finishes a log interval and saves the checkpoint


def train_chunk(home: str, run_id: str) -> str:
    """One chunk, in ZeroGPU's forked process: resume run_id, train about TRAIN_S seconds, checkpoint; its status."""
    store = RunStore(home)  # its own database connection: one must not cross a fork
    if store.stop_requested(run_id):  # cancelled while it waited for a GPU
        store.update(run_id, status="cancelled", pid=None, message=f"cancelled at step {store.get(run_id).step}")
        return "cancelled"
    return execute(store, run_id, max_seconds=TRAIN_S, overrides={"compile": "off"})


class ChunkLauncher(Launcher):
    """The Launcher's queue and API; each start is one GPU chunk run from a thread of this process."""

    def __init__(self, store: RunStore, **limits: int):
        super().__init__(store, **limits)
        self.chunk = gpu(train_chunk, duration=CHUNK_S)  # decorated before the app launches, as ZeroGPU expects

    def _launch(self, run_id: str) -> None:
        if self.store.claim(run_id, os.getpid()):
            self.store.update(run_id, message="waiting for a GPU")
            threading.Thread(target=self._drive, args=(run_id,), name=f"chunk-{run_id}", daemon=True).start()

    def _drive(self, run_id: str) -> None:
        """Run one chunk, then tick: the run, queued again unless it ended, takes the next free slot."""
        try:
            self.chunk(str(self.store.home), run_id)
        except Exception as exc:  # e.g. the GPU quota is used up; execute has already recorded training errors
            if self.store.get(run_id).active:
                self.store.update(run_id, status="failed", pid=None, message=f"GPU call failed: {exc}"[:1000])
        self.tick()

    def _signal(self, run_id: str, pid: int | None, why: str) -> None:
        """Never a signal (the run's pid is this app's or ZeroGPU's worker): the stop request in the store stops it at
        its next log step, with a final checkpoint; queued between chunks, cancel() has cancelled it at once."""
