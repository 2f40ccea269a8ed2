"""The run store: every run's record, metrics and snapshots in SQLite (WAL), its files on disk.

A trainer process writes while the UI process reads, so the database runs in WAL mode
(readers never block the writer) and every file is written to a temporary name and then
moved into place with os.replace, which is atomic: a crash leaves the old file or the new
one, never half of one.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

STATUSES = ("queued", "running", "done", "failed", "cancelled", "interrupted")
ACTIVE = ("queued", "running")
RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
# control characters (tab and newlines become spaces) and bidi overrides, which make text read other than it is written
HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
STALE_AFTER_S = 60.0  # a running run silent this long, with no live process, was interrupted

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    recipe TEXT NOT NULL,
    config TEXT NOT NULL,
    status TEXT NOT NULL,
    group_id TEXT,
    label TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT '',
    client TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    updated REAL NOT NULL,
    pid INTEGER,
    step INTEGER NOT NULL DEFAULT 0,
    total_steps INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    stop_requested INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS metrics (
    run_id TEXT NOT NULL,
    step INTEGER NOT NULL,
    name TEXT NOT NULL,
    value REAL,
    PRIMARY KEY (run_id, name, step)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
    run_id TEXT NOT NULL,
    name TEXT NOT NULL,
    step INTEGER NOT NULL,
    file TEXT NOT NULL,
    PRIMARY KEY (run_id, name, step)
) WITHOUT ROWID;
"""


def default_home() -> Path:
    """$PAPERLAB_HOME if set (on a Space: a mounted storage bucket), else the user's cache folder."""
    if os.environ.get("PAPERLAB_HOME"):
        return Path(os.environ["PAPERLAB_HOME"]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "paperlab"


def check_run_id(run_id: Any) -> str:
    """Return run_id if it has the generated form; user text never becomes a path otherwise."""
    if not isinstance(run_id, str) or not RUN_ID.match(run_id):
        raise KeyError(f"not a run id: {str(run_id)[:40]!r}")
    return run_id


def clean_text(value: str) -> str:
    """value without HIDDEN characters: a label or message as it will read (explorer/shared/user_text.py escapes markup)."""
    return HIDDEN.sub(lambda m: " " if m.group() in "\t\n\r" else "", value)


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Write through write(tmp_path), then move into place; the old file survives any failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped by its parent) is not running
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


@dataclass
class RunRecord:
    id: str
    recipe: str
    config: dict[str, Any]
    status: str
    group_id: str | None
    label: str
    owner: str
    created: float
    updated: float
    pid: int | None
    step: int
    total_steps: int
    message: str
    stop_requested: bool
    client: str = ""  # a hash of the launching client's address (public demos limit runs per address)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def process_alive(self) -> bool:
        """Its recorded process lives and has written within 10 x STALE_AFTER_S."""
        return pid_alive(self.pid) and time.time() - self.updated <= 10 * STALE_AFTER_S

    def training_elsewhere(self) -> bool:
        """Running in another process that is alive (a resume must wait for it)."""
        return self.status == "running" and self.pid != os.getpid() and self.process_alive()

    @property
    def title(self) -> str:
        return self.label or f"{self.recipe} {self.id}"


class RunStore:
    """Runs, metrics and snapshots under one folder: store.db plus runs/<id>/ for files."""

    def __init__(self, home: str | Path | None = None):
        self.home = Path(home) if home else default_home()
        self.home.mkdir(parents=True, exist_ok=True)
        self.db_path = self.home / "store.db"
        self._local = threading.local()
        with self._db() as db:
            db.executescript(SCHEMA)
            if "client" not in {row[1] for row in db.execute("PRAGMA table_info(runs)")}:  # a store from before it
                db.execute("ALTER TABLE runs ADD COLUMN client TEXT NOT NULL DEFAULT ''")

    # -- connection ---------------------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        """One connection per thread; used as a context manager it commits or rolls back."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
            _enable_wal(db)
            db.execute("PRAGMA synchronous=NORMAL")
            db.row_factory = sqlite3.Row
            db.isolation_level = "DEFERRED"
            self._local.db = db
        return db

    def run_dir(self, run_id: str) -> Path:
        return self.home / "runs" / check_run_id(run_id)

    # -- runs -----------------------------------------------------------------------
    def create_run(self, recipe: str, config: dict[str, Any], *, label: str = "", group_id: str | None = None,
                   owner: str = "", client: str = "", status: str = "queued") -> str:
        run_id = new_run_id()
        now = time.time()
        total = int(config.get("steps", 0))
        with self._db() as db:
            db.execute(
                "INSERT INTO runs (id, recipe, config, status, group_id, label, owner, client, created, updated,"
                " total_steps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, recipe, json.dumps(config, sort_keys=True), status, group_id, clean_text(label)[:200], owner,
                 client, now, now, total),
            )
        run_dir = self.run_dir(run_id)
        run_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(run_dir / "config.json", lambda p: p.write_text(json.dumps(
            {"recipe": recipe, "label": label, "config": config}, indent=2, sort_keys=True)))
        return run_id

    def get(self, run_id: str) -> RunRecord:
        row = self._db().execute("SELECT * FROM runs WHERE id = ?", (check_run_id(run_id),)).fetchone()
        if row is None:
            raise KeyError(f"no run {run_id}")
        return _record(row)

    def list_runs(self, *, statuses: Iterable[str] | None = None, group_id: str | None = None) -> list[RunRecord]:
        query, args = "SELECT * FROM runs", []
        where = []
        if statuses is not None:
            statuses = list(statuses)
            where.append(f"status IN ({', '.join('?' * len(statuses))})")
            args += statuses
        if group_id is not None:
            where.append("group_id = ?")
            args.append(group_id)
        if where:
            query += " WHERE " + " AND ".join(where)
        return [_record(r) for r in self._db().execute(query + " ORDER BY created DESC, id DESC", args)]

    def update(self, run_id: str, **fields: Any) -> None:
        allowed = {"status", "pid", "step", "message", "stop_requested", "label", "total_steps"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        if "status" in fields and fields["status"] not in STATUSES:
            raise ValueError(f"unknown status {fields['status']!r}")
        fields.update({k: clean_text(str(fields[k])) for k in ("label", "message") if k in fields})
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self._db() as db:
            db.execute(f"UPDATE runs SET {sets}, updated = ? WHERE id = ?",
                       (*fields.values(), time.time(), check_run_id(run_id)))

    def claim(self, run_id: str, pid: int) -> bool:
        """Mark a queued run as running in process pid; False if it is no longer queued."""
        with self._db() as db:
            cur = db.execute("UPDATE runs SET status = 'running', pid = ?, updated = ? WHERE id = ? AND status = 'queued'",
                             (pid, time.time(), check_run_id(run_id)))
        return cur.rowcount == 1

    def request_stop(self, run_id: str) -> bool:
        """Ask a run to stop: a queued run is cancelled at once (True), a running one at its next log step."""
        with self._db() as db:
            cur = db.execute("UPDATE runs SET status = 'cancelled', updated = ?, message = 'cancelled while queued, at"
                             " step ' || step || '; resume to continue' WHERE id = ? AND status = 'queued'",
                             (time.time(), check_run_id(run_id)))
            db.execute("UPDATE runs SET stop_requested = 1 WHERE id = ?", (run_id,))
        return cur.rowcount == 1

    def stop_requested(self, run_id: str) -> bool:
        row = self._db().execute("SELECT stop_requested FROM runs WHERE id = ?", (check_run_id(run_id),)).fetchone()
        return bool(row and row[0])

    def delete(self, run_id: str) -> None:
        run = self.get(run_id)
        if run.status == "running" and pid_alive(run.pid):
            raise RuntimeError("the run is still running: cancel it first")
        with self._db() as db:
            for table, key in (("metrics", "run_id"), ("snapshots", "run_id"), ("runs", "id")):
                db.execute(f"DELETE FROM {table} WHERE {key} = ?", (run_id,))
        shutil.rmtree(self.run_dir(run_id), ignore_errors=True)

    def reconcile(self) -> list[str]:
        """Mark runs whose process died without saying so (kill -9, reboot) as interrupted."""
        found = []
        for run in self.list_runs(statuses=["running"]):
            if not run.process_alive():
                self.update(run.id, status="interrupted", pid=None,
                            message="the training process stopped unexpectedly; resume to continue from the last checkpoint")
                found.append(run.id)
        return found

    # -- metrics ----------------------------------------------------------------------
    def log_metrics(self, run_id: str, step: int, values: dict[str, float]) -> None:
        rows = [(run_id, int(step), str(k), _finite_or_none(v)) for k, v in values.items()]
        with self._db() as db:
            db.executemany("INSERT OR REPLACE INTO metrics (run_id, step, name, value) VALUES (?, ?, ?, ?)", rows)
            db.execute("UPDATE runs SET step = MAX(step, ?), updated = ? WHERE id = ?", (int(step), time.time(), run_id))

    def truncate_metrics(self, run_id: str, after_step: int) -> None:
        """Drop what a crashed process logged past its last checkpoint; the resumed run logs it again."""
        with self._db() as db:
            db.execute("DELETE FROM metrics WHERE run_id = ? AND step > ?", (check_run_id(run_id), after_step))
            db.execute("DELETE FROM snapshots WHERE run_id = ? AND step > ?", (run_id, after_step))
            db.execute("UPDATE runs SET step = ? WHERE id = ?", (after_step, run_id))

    def metrics(self, run_id: str) -> dict[str, tuple[list[int], list[float]]]:
        """name -> (steps, values), steps increasing."""
        out: dict[str, tuple[list[int], list[float]]] = {}
        rows = self._db().execute("SELECT name, step, value FROM metrics WHERE run_id = ? ORDER BY name, step",
                                  (check_run_id(run_id),))
        for name, step, value in rows:
            steps, values = out.setdefault(name, ([], []))
            steps.append(step)
            values.append(float("nan") if value is None else value)
        return out

    def last_step(self, run_id: str) -> int:
        row = self._db().execute("SELECT MAX(step) FROM metrics WHERE run_id = ?", (check_run_id(run_id),)).fetchone()
        return row[0] or 0

    def metrics_csv(self, run_id: str) -> str:
        """All metrics of a run as CSV text: one row per step, one column per metric."""
        table = self.metrics(run_id)
        names = sorted(table)
        by_step: dict[int, dict[str, float]] = {}
        for name in names:
            for step, value in zip(*table[name]):
                by_step.setdefault(step, {})[name] = value
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["step", *names])
        for step in sorted(by_step):
            writer.writerow([step, *(by_step[step].get(n, "") for n in names)])
        return buf.getvalue()

    # -- snapshots ----------------------------------------------------------------------
    def save_snapshot(self, run_id: str, step: int, name: str, array: np.ndarray) -> Path:
        if not re.match(r"^[a-z0-9_]{1,40}$", name):
            raise ValueError(f"bad snapshot name {name!r}")
        path = self.run_dir(run_id) / "snapshots" / f"{name}-{step:09d}.npy"
        atomic_write(path, lambda p: np.save(open(p, "wb"), np.asarray(array)))
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO snapshots (run_id, name, step, file) VALUES (?, ?, ?, ?)",
                       (run_id, name, int(step), path.name))
        return path

    def snapshot_steps(self, run_id: str, name: str) -> list[int]:
        rows = self._db().execute("SELECT step FROM snapshots WHERE run_id = ? AND name = ? ORDER BY step",
                                  (check_run_id(run_id), name))
        return [r[0] for r in rows]

    def load_snapshot(self, run_id: str, name: str, step: int | None = None) -> tuple[int, np.ndarray] | None:
        """The snapshot at step (default: the newest), as (step, array); None if there is none."""
        query = "SELECT step, file FROM snapshots WHERE run_id = ? AND name = ?"
        args: list[Any] = [check_run_id(run_id), name]
        if step is not None:
            query += " AND step = ?"
            args.append(int(step))
        row = self._db().execute(query + " ORDER BY step DESC LIMIT 1", args).fetchone()
        if row is None:
            return None
        return row[0], np.load(self.run_dir(run_id) / "snapshots" / row[1], allow_pickle=False)

    # -- checkpoints --------------------------------------------------------------------
    def checkpoint_dir(self, run_id: str) -> Path:
        return self.run_dir(run_id) / "checkpoints"

    def checkpoints(self, run_id: str) -> list[Path]:
        """Checkpoint files of a run, oldest first."""
        return sorted(self.checkpoint_dir(run_id).glob("step-*.pt"))


def _enable_wal(db: sqlite3.Connection, tries: int = 100) -> None:
    """Switch to write-ahead logging. Two processes opening a new store at once (torchrun's ranks) can find it
    locked: switching the journal mode does not wait for the busy timeout, so retry for up to 10 s."""
    for attempt in range(tries):
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == tries - 1:
                raise
            time.sleep(0.1)


def _record(row: sqlite3.Row) -> RunRecord:
    values = dict(row)
    values["config"] = json.loads(values["config"])
    values["stop_requested"] = bool(values["stop_requested"])
    return RunRecord(**values)


def _finite_or_none(value: Any) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None
