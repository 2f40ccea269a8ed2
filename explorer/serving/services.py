"""Process-wide services the tabs share: the run store and the run launcher (created on first use)."""
from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from explorer.serving import gpu
from train.launcher import Launcher
from train.limits import RunLimits
from train.store import RunStore, atomic_write, check_run_id

DOWNLOADS = Path(tempfile.gettempdir()) / "paperlab-downloads"  # one folder per run, one file per (run, step, kind)
KEEP_RUNS = 16       # download folders kept, the most recently used; older ones are removed
KEEP_FILES = 512     # files kept in a folder of made files (e.g. the AlexNet lab's pictures), the newest
PRUNE_SHARE = 8      # ... pruned once per KEEP_FILES / PRUNE_SHARE new files: it lists the folder, under the lock
SERVING_S = 60.0     # a file this young may still be on its way into Gradio's cache: never removed
_files_lock = threading.RLock()  # made files: written, touched and pruned one at a time
_made_since_prune: dict[Path, int] = {}  # new files per folder of made files since it was last pruned


def public_mode(env: Mapping[str, str] | None = None) -> bool:
    """True on a Hugging Face Space (SPACE_ID set) or when PAPERLAB_PUBLIC=1 (explorer/serving/deployment.py)."""
    env = os.environ if env is None else env
    return bool(env.get("SPACE_ID")) or env.get("PAPERLAB_PUBLIC", "") == "1"


@functools.cache
def store() -> RunStore:
    return RunStore()


@functools.cache
def launcher() -> Launcher:
    """Runs training at a time: one on a CPU (it uses every core), four on a GPU, and on a ZeroGPU Space one,
    in chunks (explorer/serving/zerogpu.py); at most 8 waiting. In public mode each run is held to RunLimits."""
    if gpu.ZERO_GPU:
        from explorer.serving.zerogpu import ChunkLauncher

        kind, default = ChunkLauncher, 1
    else:
        import torch

        kind, default = Launcher, 4 if torch.cuda.is_available() else 1
    run = kind(store(), max_running=int(os.environ.get("PAPERLAB_MAX_RUNNING", default)),
               limits=RunLimits.from_env() if public_mode() else None)
    run.start()
    return run


def download_file(run_id: str, name: str, write: Callable[[Path], object]) -> Path:
    """DOWNLOADS/<run_id>/<name>, written by write(path) the first time only: a name carries what it holds (e.g. the
    run's step), so downloading it again makes no new file. The run's other files and the least recently used
    runs' folders beyond KEEP_RUNS are removed (Gradio has copied them into its own cache by then)."""
    folder = DOWNLOADS / check_run_id(run_id)
    path = folder / name
    with _files_lock:
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(path, write)
            prune(folder, keep=1)
        os.utime(folder)  # recently used
        prune(DOWNLOADS, keep=KEEP_RUNS)
    return path


def made_file(folder: Path, name: str, data: bytes) -> Path:
    """folder/name holding `data`, named by it: written whole the first time, touched on each use after. Under the
    lock prune takes, so no file is removed between its use here and Gradio copying it into its cache (outside
    the lock, 2 of 100 neighbour searches of a 150-student class got 403 for a picture pruned meanwhile). The folder is
    pruned to KEEP_FILES once per KEEP_FILES / PRUNE_SHARE new files: pruned on each, a class's neighbour searches
    (16 new pictures each) queued on the lock while it listed 512 files (p50 21 s at 30 students asking)."""
    path = folder / name
    with _files_lock:
        try:
            os.utime(path)  # in use again: prune spares young files
        except FileNotFoundError:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)  # whole or not at all: a reader never sees half a file
            _made_since_prune[folder] = _made_since_prune.get(folder, 0) + 1
            if _made_since_prune[folder] >= max(1, KEEP_FILES // PRUNE_SHARE):
                _made_since_prune[folder] = 0
                prune(folder, KEEP_FILES)
    return path


def prune(folder: Path, keep: int = KEEP_FILES) -> None:
    """Remove all but the `keep` newest entries of folder (files or folders), sparing those under SERVING_S old."""
    with _files_lock:
        entries = []
        with os.scandir(folder) as listing:
            for entry in listing:
                with contextlib.suppress(FileNotFoundError):  # another app process on this machine pruned it
                    entries.append((entry.stat().st_mtime, entry.path, entry.is_dir()))
        for mtime, path, is_dir in sorted(entries, reverse=True)[keep:]:
            if time.time() - mtime > SERVING_S:
                if is_dir:
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(path)
