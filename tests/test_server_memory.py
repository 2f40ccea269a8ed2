"""The server's threads share two malloc arenas (explorer/serving/memory.py), counted by glibc's own malloc_info."""
from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COUNT_ARENAS = """
import ctypes, ctypes.util, sys, tempfile, threading
import torch
from explorer.serving.memory import limit_malloc_arenas
if sys.argv[1] == "capped":
    assert limit_malloc_arenas()
def churn():  # allocations from many threads at once, as requests on Gradio's thread pool make
    for _ in range(200):
        torch.randn(64, 64) @ torch.randn(64, 64)
threads = [threading.Thread(target=churn) for _ in range(16)]
[t.start() for t in threads]; [t.join() for t in threads]
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
with tempfile.NamedTemporaryFile(suffix=".xml") as f:
    out = ctypes.c_void_p(libc.fopen(f.name.encode(), b"w"))
    libc.malloc_info(0, out)
    libc.fclose(out)
    print(open(f.name).read().count("<heap nr="))
"""


def arenas(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", COUNT_ARENAS, mode], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=True)
    return int(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc arenas are glibc's")
def test_request_threads_share_two_malloc_arenas_instead_of_one_each():
    assert arenas("default") > 2 >= arenas("capped")
