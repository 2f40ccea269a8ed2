"""Start stored runs in their own processes, a bounded number at a time, and stop them exactly.

Why a separate process per run rather than a thread in the web server: the run outlives a
closed browser tab and even a restart of the app (it is started in its own session), it uses
its own cores without holding the server's GIL, and a crash in training cannot take the UI
down. The process writes into the run store, which the UI reads.

The launcher also watches its children from outside: on a shared machine (RunLimits) a run past
its time or memory is stopped, and a run asked to stop that does not (e.g. stuck in one huge
step) is killed after a grace period; either way the run's record says why.
"""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from train.limits import Quota, RunLimits
from train.store import ACTIVE, RunStore, pid_alive

ROOT = Path(__file__).resolve().parent.parent
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class QueueFull(RuntimeError):
    """Too many runs are waiting or training; try again when one has finished."""

    def __init__(self, queued: int, active: int):
        super().__init__(f"{queued} runs are waiting and {active} waiting or training: try again when one has finished")
        self.queued, self.active = queued, active


class QuotaExceeded(RuntimeError):
    """This person ('owner') or this client address ('client') already has its share of active runs."""

    def __init__(self, who: str, active: int, limit: int):
        super().__init__(f"this {who} already has {active} runs queued or training, and may have {limit} at a time")
        self.who, self.active, self.limit = who, active, limit


@dataclass(frozen=True)
class Stopped:
    """What cancel did: 'removed' from the queue, 'stopped' (the process ended), 'stopping' (still saving its
    checkpoint) or 'ended' before (status says how); step: the run's step then."""

    what: str
    step: int
    status: str


class Launcher:
    def __init__(self, store: RunStore, *, max_running: int = 1, max_queued: int = 8, limits: RunLimits | None = None):
        self.store, self.max_running, self.max_queued, self.limits = store, max_running, max_queued, limits
        self.children: dict[str, subprocess.Popen] = {}
        self.started: dict[str, float] = {}              # run id -> time.monotonic() at spawn
        self.stopping: dict[str, tuple[float, str]] = {}  # run id -> (SIGKILL after this time, why: '' = a cancel)
        self._lock = threading.RLock()
        self._thread: threading.Thread | None = None

    # -- admission ------------------------------------------------------------------------------
    def admit(self, count: int, *, owner: str = "", client: str = "", quota: Quota | None = None) -> None:
        """Room for count more active runs: at most max_queued waiting and max_queued + max_running active in all,
        and with a quota, its share for this owner and this client address; else QueueFull or QuotaExceeded."""
        active = self.store.list_runs(statuses=ACTIVE)
        queued = sum(r.status == "queued" for r in active)
        if queued + count > self.max_queued or len(active) + count > self.max_queued + self.max_running:
            raise QueueFull(queued, len(active))
        if quota is not None:
            for who, me, limit in (("owner", owner, quota.per_owner), ("client", client, quota.per_client)):
                mine = sum(getattr(r, who) == me for r in active) if me else 0
                if mine + count > limit:
                    raise QuotaExceeded(who, mine, limit)

    def submit(self, recipe: str, config: dict[str, Any], *, label: str = "", group_id: str | None = None,
               owner: str = "", client: str = "", quota: Quota | None = None) -> str:
        """Queue a run; it starts when a slot is free."""
        return self.submit_many(recipe, [(label, config)], group_id=group_id, owner=owner, client=client,
                                quota=quota)[0]

    def submit_many(self, recipe: str, runs: list[tuple[str, dict[str, Any]]], *, group_id: str | None = None,
                    owner: str = "", client: str = "", quota: Quota | None = None) -> list[str]:
        """Queue (label, config) runs all or none, after admit()."""
        with self._lock:
            self.admit(len(runs), owner=owner, client=client, quota=quota)
            ids = [self.store.create_run(recipe, config, label=label, group_id=group_id, owner=owner, client=client)
                   for label, config in runs]
        self.tick()
        return ids

    def resume(self, run_id: str, quota: Quota | None = None) -> None:
        """Queue an ended run again, counted as a launch by its owner and client address."""
        with self._lock:
            run = self.store.get(run_id)
            if run.status not in ("interrupted", "cancelled", "failed"):
                raise ValueError(f"only interrupted, cancelled or failed runs resume; this one is {run.status}")
            self.admit(1, owner=run.owner, client=run.client, quota=quota)
            self.store.update(run_id, status="queued", stop_requested=0, message="waiting to resume")
        self.tick()

    # -- stopping -------------------------------------------------------------------------------
    def cancel(self, run_id: str, wait_s: float = 0.0) -> Stopped:
        """Stop a run: a queued one leaves the queue at once; a running one saves a checkpoint at its next log step
        (SIGTERM; killed if it has not stopped after the grace period). Waits up to wait_s for it to end."""
        with self._lock:
            run = self.store.get(run_id)
            if not run.active:
                return Stopped("ended", run.step, run.status)
            if self.store.request_stop(run_id):
                return Stopped("removed", run.step, "cancelled")
            self._signal(run_id, run.pid, "")
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline and self.store.get(run_id).status == "running":
            time.sleep(0.1)
            self.tick()
        run = self.store.get(run_id)
        return Stopped("stopping" if run.status == "running" else "stopped", run.step, run.status)

    def _signal(self, run_id: str, pid: int | None, why: str) -> None:
        """SIGTERM the run's process (its handler saves a checkpoint); SIGKILL it after the grace period."""
        grace = self.limits.grace_s if self.limits else RunLimits.grace_s
        self.stopping.setdefault(run_id, (time.monotonic() + grace, why))
        if pid_alive(pid):
            os.kill(pid, signal.SIGTERM)

    def _watch(self) -> None:
        """Past its limits or its grace period, a child is stopped; a child that ended is recorded exactly."""
        now = time.monotonic()
        for run_id in set(self.stopping) - set(self.children):  # signalled, but not a child of this launcher
            del self.stopping[run_id]
        for run_id, proc in list(self.children.items()):
            if proc.poll() is not None:
                self._ended(run_id, proc.returncode)
                continue
            if run_id in self.stopping:
                if now > self.stopping[run_id][0]:
                    kill_session(proc.pid)
                continue
            if self.limits is None:
                continue
            rss = session_rss(proc.pid)
            if rss > self.limits.rss_bytes:
                self.stopping[run_id] = (now, f"stopped by the server: it used {rss / 2**30:.1f} GB of memory, over "
                                              f"this demo's limit of {self.limits.rss_bytes / 2**30:.1f} GB")
                kill_session(proc.pid)  # memory: at once, before it takes the machine
            elif now - self.started[run_id] > self.limits.wall_s:
                self.store.request_stop(run_id)
                self._signal(run_id, proc.pid, f"stopped by the server: it trained longer than this demo's limit of "
                                               f"{self.limits.wall_s / 60:.0f} minutes")

    def _ended(self, run_id: str, returncode: int) -> None:
        """Record how a child ended where it could not say so itself (killed, or stopped before its handler)."""
        del self.children[run_id]
        self.started.pop(run_id, None)
        _, why = self.stopping.pop(run_id, (0.0, ""))
        run = self.store.get(run_id)
        if why:
            status = "failed"
        elif run.status == "running" and run.stop_requested:
            status, why = "cancelled", "cancelled"
        else:
            return  # it recorded its own end (or crashed: reconcile() marks it interrupted)
        self.store.update(run_id, status=status, pid=None, message=f"{why}, at step {run.step}; resume to continue "
                          "from its last checkpoint")

    # -- scheduling -----------------------------------------------------------------------------
    def tick(self) -> None:
        """Reap and watch children, notice dead runs, start queued runs while slots are free."""
        with self._lock:
            self._watch()
            self.store.reconcile()
            running = len(self.store.list_runs(statuses=["running"]))
            queued = sorted(self.store.list_runs(statuses=["queued"]), key=lambda r: r.created)
            for run in queued[: max(0, self.max_running - running)]:
                self._launch(run.id)

    def _launch(self, run_id: str) -> None:
        """Start a queued run in its own process (explorer/serving/zerogpu.py starts GPU chunks instead)."""
        proc = spawn(self.store, run_id, nice=self.limits.nice if self.limits else 0)
        self.children[run_id] = proc
        self.started[run_id] = time.monotonic()
        self.stopping.pop(run_id, None)  # a stop of its previous process, which may still be exiting
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


def kill_session(sid: int) -> None:
    """SIGKILL a run's process and any helpers it started (spawn gives each run its own session)."""
    with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
        os.killpg(sid, signal.SIGKILL)


def session_rss(sid: int) -> int:
    """Resident memory, in bytes, of every process in session sid (a run and any helpers it started)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:  # it ended meanwhile
            continue
        if int(fields[3]) == sid:  # fields after the name: state, ppid, pgrp, session, ..., rss at 22
            total += int(fields[21]) * PAGE
    return total


def spawn(store: RunStore, run_id: str, *, compile_mode: str | None = None, nice: int = 0) -> subprocess.Popen:
    """`python -m train --resume RUN_ID` in a new session, its output in the run folder's log.txt (compile_mode: a
    torch.compile mode for this go, instead of the run's; nice: its CPU priority lowered by this much)."""
    log = open(store.run_dir(run_id) / "log.txt", "ab")
    env = {**os.environ, "PAPERLAB_HOME": str(store.home), "PYTHONUNBUFFERED": "1"}
    mode = (["--compile", compile_mode] if compile_mode else []) + (["--nice", str(nice)] if nice else [])
    try:
        return subprocess.Popen([sys.executable, "-m", "train", "--resume", run_id, *mode, "--quiet"], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    finally:
        log.close()
