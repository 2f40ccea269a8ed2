"""Shared fixtures: a fresh run store folder per test, and the app served from it."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.serving import services
from explorer.shared import experiment_panel

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def panels_draw_anew():
    """The panels' figures, remembered for a lecture hall (experiment_panel.drawn), are drawn anew in each test: a
    test may put other reference runs under them."""
    experiment_panel.drawn.cache_clear()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty PAPERLAB_HOME for this test; the app's cached services start fresh."""
    monkeypatch.setenv("PAPERLAB_HOME", str(tmp_path / "home"))
    services.store.cache_clear()
    services.launcher.cache_clear()
    yield tmp_path / "home"
    services.store.cache_clear()
    services.launcher.cache_clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(home: Path) -> Iterator[str]:
    """`python app.py` on a free port with its run store in `home`; yields the URL once it answers."""
    port = free_port()
    env = {**os.environ, "PAPERLAB_HOME": str(home), "PAPERLAB_PORT": str(port), "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 90
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert proc.poll() is None, proc.stdout.read()
            assert time.time() < deadline, "the app did not start within 90 s"
            time.sleep(0.3)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def server(home):
    with serve(home) as url:
        yield url


@pytest.fixture(scope="module")
def module_server(tmp_path_factory):
    """One app for all the tests of a module (the browser journeys): (URL, its PAPERLAB_HOME)."""
    home = tmp_path_factory.mktemp("home")
    with serve(home) as url:
        yield url, home
