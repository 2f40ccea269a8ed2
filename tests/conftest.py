"""Shared fixtures: every test gets its own run store folder."""
from __future__ import annotations

import pytest

from explorer import services


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty PAPERLAB_HOME for this test; the app's cached services start fresh."""
    monkeypatch.setenv("PAPERLAB_HOME", str(tmp_path / "home"))
    services.store.cache_clear()
    services.launcher.cache_clear()
    yield tmp_path / "home"
    services.store.cache_clear()
    services.launcher.cache_clear()
