"""Start stored runs in their own processes, a bounded number at a time.

Why a separate process per run rather than a thread in the web server: the run outlives a
closed browser tab and even a restart of the app (it is started in its own session), it uses
its own cores without holding the server's GIL, and a crash in training cannot take the UI
down. The process writes into the run store, which the UI reads.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from train.store import RunStore, pid_alive

ROOT = Path(__file__).resolve().parent.parent


class QueueFull(RuntimeError):
    """Too many runs are waiting; try again when one has finished."""


class Launcher:
    def __init__(self, store: RunStore, *, max_running: int = 1, max_queued: int = 8):
        self.store, self.max_running, self.max_queued = store, max_running, max_queued
        self.children: dict[str, subprocess.Popen] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, recipe: str, config: dict[str, Any], *, label: str = "", group_id: str | None = None,
               owner: str = "") -> str:
        """Queue a run; it starts when a slot is free."""
        with self._lock:
            if len(self.store.list_runs(statuses=["queued"])) >= self.max_queued:
                raise QueueFull(f"{self.max_queued} runs are already waiting: try again when one has finished")
            run_id = self.store.create_run(recipe, config, label=label, group_id=group_id, owner=owner)
        self.tick()
        return run_id

    def resume(self, run_id: str) -> None:
        run = self.store.get(run_id)
        if run.status not in ("interrupted", "cancelled", "failed"):
            raise ValueError(f"only interrupted, cancelled or failed runs resume; this one is {run.status}")
        self.store.update(run_id, status="queued", stop_requested=0, message="waiting to resume")
        self.tick()

    def cancel(self, run_id: str) -> None:
        """Ask the run to stop; it saves a final checkpoint and can be resumed later."""
        run = self.store.get(run_id)
        self.store.request_stop(run_id)
        if run.status == "running" and pid_alive(run.pid):
            os.kill(run.pid, signal.SIGTERM)

    def tick(self) -> None:
        """Reap finished children, notice dead runs, start queued runs while slots are free."""
        with self._lock:
            for run_id, proc in list(self.children.items()):
                if proc.poll() is not None:
                    del self.children[run_id]
            self.store.reconcile()
            running = len(self.store.list_runs(statuses=["running"]))
            queued = sorted(self.store.list_runs(statuses=["queued"]), key=lambda r: r.created)
            for run in queued[: max(0, self.max_running - running)]:
                self._launch(run.id)

    def _launch(self, run_id: str) -> None:
        """Start a queued run in its own process (explorer/serving/zerogpu.py starts GPU chunks instead)."""
        proc = spawn(self.store, run_id)
        self.children[run_id] = proc
        self.store.claim(run_id, proc.pid)

    def start(self, interval_s: float = 1.0) -> None:
        """Tick in a daemon thread for as long as the process lives."""
        if self._thread is None:
            stopped = threading.Event()
            def loop() -> None:
                while not stopped.wait(interval_s):
                    try:
                        self.tick()
                    except Exception as exc:  # keep scheduling; the next tick retries
                        print(f"launcher: {exc}", file=sys.stderr)
            self._thread = threading.Thread(target=loop, name="run-launcher", daemon=True)
            self._thread.start()


def spawn(store: RunStore, run_id: str, *, compile_mode: str | None = None) -> subprocess.Popen:
    """`python -m train --resume RUN_ID` in a new session, its output in the run folder's log.txt (compile_mode: a
    torch.compile mode for this go, instead of the run's)."""
    log = open(store.run_dir(run_id) / "log.txt", "ab")
    env = {**os.environ, "PAPERLAB_HOME": str(store.home), "PYTHONUNBUFFERED": "1"}
    mode = ["--compile", compile_mode] if compile_mode else []
    try:
        return subprocess.Popen([sys.executable, "-m", "train", "--resume", run_id, *mode, "--quiet"], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    finally:
        log.close()
