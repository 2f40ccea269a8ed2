"""Execute one stored run: build its task, resume from its newest good checkpoint, record everything."""
from __future__ import annotations

import contextlib
import json
import os
import platform
import signal
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from train import signals
from train.checkpoint import newest_good_checkpoint
from train.recipes import get_recipe
from train.runtime import Dist, pick_device, seed_everything
from train.store import ACTIVE, RunStore, atomic_write
from train.trainer import Listener, Trainer


class AlreadyRunning(RuntimeError):
    """Another live process is training the run: two would interleave its metrics and checkpoints."""


class StoreRecorder(Listener):
    """Writes a run's events into the run store (rank 0 only)."""

    def __init__(self, store: RunStore, run_id: str):
        self.store, self.run_id = store, run_id

    def on_metrics(self, step: int, values: dict[str, float]) -> None:
        self.store.log_metrics(self.run_id, step, values)

    def on_snapshot(self, step: int, name: str, array: np.ndarray) -> None:
        self.store.save_snapshot(self.run_id, step, name, array)

    def on_checkpoint(self, step: int, path: Path) -> None:
        self.store.update(self.run_id, step=step, message=f"checkpoint at step {step}")


def execute(store: RunStore, run_id: str, listeners: Sequence[Listener] = (), ranks: Dist = Dist(), *,
            max_seconds: float | None = None, overrides: dict[str, Any] | None = None) -> str:
    """Run (or resume) run_id to its end; returns its final status. Errors are recorded, then raised.

    With max_seconds, the run pauses at its first log step past that time (counted from now), saves a
    checkpoint and is queued again for its next chunk (ZeroGPU Spaces train in such chunks). overrides
    change config fields for this execution only, e.g. {"compile": "off"} where torch.compile is unavailable.
    """
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    run = store.get(run_id)
    if ranks.main and run.training_elsewhere():  # e.g. still saving its last checkpoint after a stop
        raise AlreadyRunning(f"run {run_id} is still training in process {run.pid}; stop it, or wait until it has "
                             "stopped, then resume")
    recipe = get_recipe(run.recipe)
    cfg = recipe.config_cls.from_dict({**run.config, **(overrides or {})})
    stop = threading.Event()
    trainer, leg_open = None, False
    if ranks.main:  # a queued or claimed run keeps a stop request that arrived before this process began
        fresh = {} if run.status in ACTIVE else {"stop_requested": 0}
        store.update(run_id, status="running", pid=os.getpid(), message="starting", **fresh)
    try:
        restore_sigterm = _on_sigterm(stop.set)
        if ranks.main and (stop.is_set() or store.stop_requested(run_id)):  # cancelled while this process started
            restore_sigterm()
            store.update(run_id, status="cancelled", pid=None, message=f"cancelled before training began, at step "
                         f"{run.step}; resume to continue")
            return "cancelled"
        device = pick_device(cfg.device, ranks)
        seed_everything(cfg.seed)
        task = recipe.build_task(cfg, device, ranks)
        if ranks.main and hasattr(task, "save_files"):  # files a run's views need, e.g. a tokenizer
            task.save_files(store.run_dir(run_id))
        found = newest_good_checkpoint(store.checkpoints(run_id))
        state = found[1] if found else None
        first_step = getattr(task, "start_step", 0)  # > 0 for a run that goes on from exported weights
        if ranks.main:
            start = state["step"] if state else first_step
            start_leg(store, run_id, device, ranks, start)
            leg_open = True  # end_leg closes it, whatever happens next
            store.truncate_metrics(run_id, start)
            resumed = f"resumed at step {start}" if state else "started"
            store.update(run_id, message=f"{resumed} on {device.type}, data: {getattr(task, 'data_name', '')}")
        trainer = Trainer(task, cfg, device, checkpoint_dir=store.checkpoint_dir(run_id),
                          listeners=[StoreRecorder(store, run_id), *listeners] if ranks.main else [],
                          should_stop=lambda: stop.is_set() or store.stop_requested(run_id), ranks=ranks,
                          d_model=getattr(task, "d_model", None), start_step=first_step)
        status = trainer.fit(state, deadline=deadline)
        restore_sigterm()
    except BaseException as exc:
        if ranks.main:
            _record_failure(store, run_id, exc)
        raise
    finally:
        if leg_open:
            end_leg(store, run_id, trainer.step if trainer else start)
    if status == "paused":  # queued for its next chunk, unless cancelled while this one saved its checkpoint
        status = "cancelled" if store.stop_requested(run_id) else "queued"
    if ranks.main:
        said = "paused" if status == "queued" else status
        store.update(run_id, status=status, pid=None, message=f"{said} at step {trainer.step}")
    return status


def start_leg(store: RunStore, run_id: str, device: torch.device, ranks: Dist, step: int) -> None:
    """Where this run trains from `step`: one leg, appended at every start or resume, for model cards."""
    device_name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "CPU"
    entry = {"time": time.time(), "step": step, "device": device.type, "device_name": device_name,
             "processes": ranks.world_size, "cpu_threads": torch.get_num_threads(), "torch": torch.__version__,
             "host": platform.node()}
    _write_legs(store, run_id, [*legs(store, run_id), entry])


def end_leg(store: RunStore, run_id: str, step: int) -> None:
    """Close the current leg: when it stopped, and at which step (also after a crash, where it can)."""
    if entries := legs(store, run_id):
        entries[-1].update(end=time.time(), end_step=step)
        with contextlib.suppress(OSError):  # e.g. the disk is full: the run's own error says so
            _write_legs(store, run_id, entries)


def legs(store: RunStore, run_id: str) -> list[dict[str, Any]]:
    """The run's legs, oldest first: start time and step, device, threads, torch; end and end_step once closed."""
    path = store.run_dir(run_id) / "environment.json"
    return json.loads(path.read_text()) if path.exists() else []


def training_minutes(entries: list[dict[str, Any]]) -> float | None:
    """Minutes spent training over all legs; None if one never closed (killed, or recorded before legs closed)."""
    if not entries or any("end" not in e for e in entries):
        return None
    return sum(e["end"] - e["time"] for e in entries) / 60


def _write_legs(store: RunStore, run_id: str, entries: list[dict[str, Any]]) -> None:
    path = store.run_dir(run_id) / "environment.json"
    atomic_write(path, lambda p: p.write_text(json.dumps(entries, indent=1)))


def _on_sigterm(handler) -> Callable[[], None]:
    """SIGTERM stops the run gracefully (final checkpoint); only possible in the main thread. Returns the undo."""
    if threading.current_thread() is not threading.main_thread():  # e.g. a ZeroGPU chunk (explorer/serving/zerogpu.py)
        return lambda: None
    previous = signal.signal(signal.SIGTERM, lambda *_: handler())
    if signals.TERM.is_set():  # SIGTERM came while the process started (train/signals.py)
        handler()
    return lambda: signal.signal(signal.SIGTERM, previous)


def _record_failure(store: RunStore, run_id: str, exc: BaseException) -> None:
    status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
    reason = "disk full: free some space, then resume" if isinstance(exc, OSError) and exc.errno == 28 else str(exc)
    try:
        store.update(run_id, status=status, pid=None, message=f"{type(exc).__name__}: {reason}"[:1000])
    except Exception:  # the store itself cannot be written (e.g. disk full); reconcile() will mark it later
        pass
