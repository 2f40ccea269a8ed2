"""A bounded load test: 8 concurrent sessions of 3 requests each, while a training run goes (tools/loadtest.py)."""
from __future__ import annotations

import pytest

from tools import loadtest
from train.store import RunStore


@pytest.fixture
def models(home):
    """Seed models, trained by the CLI before the app starts (its model lists are read at start-up)."""
    return loadtest.seed(home)


def test_loopback_only():
    assert loadtest.check_loopback("http://127.0.0.1:7860/")
    with pytest.raises(SystemExit, match="only loopback"):
        loadtest.check_loopback("http://example.org:7860/")


def test_eight_sessions_mixing_requests_while_a_run_trains(models, server, home):
    results, training = loadtest.with_training(server, RunStore(home),
                                               lambda: loadtest.run_load(server, models, clients=8, requests=3,
                                                                         timeout=240))
    assert results.failures == []
    assert results.requests == 8 * 3 and all(len(results.latencies[kind]) == 6 for kind in loadtest.KINDS)
    assert " was running at step " in training and "now cancelled" in training
    print(loadtest.report(results, 8))
