"""Bounded load tests: 8 concurrent sessions of 3 requests each while a training run goes (tools/loadtest.py), and
a small class with its probe student (tools/classroom.py)."""
from __future__ import annotations

import json

import pytest

from tools import classroom, loadtest
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


def test_a_small_class_with_its_probe_student(tmp_path, capsys):
    """The classroom tool end to end: 4 students open the page, then ask 3 questions each, 2 at a time (one launches
    a run), and the probe student in its own process asks each kind at least once; no failure, every answer counted."""
    out = tmp_path / "class.json"
    assert classroom.main(["--students", "4", "--active", "2", "--rounds", "3", "--json", str(out)]) == 0
    found = json.loads(out.read_text())
    assert found["failures"] == 0 and found["kinds"]["open"]["n"] == 4 and found["kinds"]["launch"]["n"] == 1
    assert sum(found["kinds"][kind]["n"] for kind in loadtest.KINDS if kind in found["kinds"]) == 4 * 3
    assert all(found["probe"][kind]["n"] >= 1 for kind in loadtest.KINDS)
    assert found["server_cpu_s"] > 0 and found["rss_mb"]["peak"] >= found["rss_mb"]["start"] > 0
    assert found["launches_refused"] == 0 and found["rss_again_mb"]["after"] > 0
    assert "probe: translate" in capsys.readouterr().out


def test_a_launch_refused_for_a_full_queue_is_the_apps_answer_not_a_failure():
    from explorer.shared.i18n import text

    busy = text("deploy.busy", "en", n=8)
    assert classroom.refused_launch(f"launch: Error: '{busy}'")
    assert not classroom.refused_launch(f"translate: Error: '{busy}'")   # only a launch may be refused so
    assert not classroom.refused_launch("launch: ReadTimeout: timed out")
