"""Fast-start benchmark (issue 9): seconds from `python app.py` to the app answering HTTP.

    python -m tools.bench_start [--repeat 3]

Each try starts the app on a free port with an empty run store and polls GET / until it answers 200.
Prints wall seconds and the CPU seconds the app process had used by then (from /proc, Linux): on a
shared machine the wall time depends on the load, the CPU time much less.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far, or None where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14, 15)


def time_to_serve(timeout_s: float = 120.0) -> tuple[float, float | None]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "PAPERLAB_HOME": home, "PAPERLAB_PORT": str(port)}
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            while time.perf_counter() - started < timeout_s:
                if proc.poll() is not None:
                    raise SystemExit(f"app.py exited with code {proc.returncode}; run it directly to see why")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
                        if response.status == 200:
                            return time.perf_counter() - started, cpu_seconds(proc.pid)
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    time.sleep(0.05)
            raise SystemExit(f"app.py did not answer within {timeout_s:.0f} s")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    walls, cpus = [], []
    for i in range(args.repeat):
        wall, cpu = time_to_serve()
        walls.append(wall)
        cpus.append(cpu)
        print(f"try {i + 1}: serving after {wall:.2f} s wall" + (f", {cpu:.2f} s CPU" if cpu is not None else ""))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"median: {statistics.median(walls):.2f} s wall"
          + (f", {statistics.median(cpus):.2f} s CPU" if None not in cpus else "")
          + f" (target 5 s; {os.cpu_count()} cores, load average {load:.1f})")


if __name__ == "__main__":
    main()
