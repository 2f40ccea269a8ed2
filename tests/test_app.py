"""The app starts, answers gradio_client calls, and launches a run that trains in the background."""
from __future__ import annotations

import time

import pytest
from gradio_client import Client

import app
from train.store import RunStore


def test_launch_options_are_safe():
    options = app.launch_options("127.0.0.1", 7860)
    assert options["ssr_mode"] is False and options["run_history"] is False and options["share"] is False
    assert options["max_file_size"]


def test_app_answers_and_launches_a_background_run(server, home):
    client = Client(server, verbose=False)
    message, *_ = client.predict("resnet", "", "sample", 6, 16, 0.05, "from the api",
                                '{"depth": 8, "train_size": 256, "eval_size": 64, "val_size": 0, "log_every": 2}',
                                api_name="/launch")
    assert "queued" in message
    store = RunStore(home)
    [run] = store.list_runs()
    assert run.label == "from the api" and run.config["depth"] == 8
    deadline = time.time() + 120
    while (now := store.get(run.id)).status != "done":  # one read: the run may finish between two
        assert now.status in ("queued", "running"), now.message
        assert time.time() < deadline
        time.sleep(0.5)
    assert store.metrics(run.id)["loss"][0] == [2, 4, 6]
    with pytest.raises(Exception, match="only interrupted, cancelled or failed runs resume"):
        client.predict(run.id, api_name="/resume")
    with pytest.raises(Exception, match="Choose a run first"):
        client.predict(None, api_name="/delete")
    assert "deleted" in client.predict(run.id, api_name="/delete")
    assert store.list_runs() == []


def test_bad_launch_options_get_a_clear_error(server):
    client = Client(server, verbose=False)
    with pytest.raises(Exception, match="JSON"):
        client.predict("resnet", "", "sample", 6, 16, 0.05, "", "{not json", api_name="/launch")
    with pytest.raises(Exception, match="6n\\+2"):
        client.predict("resnet", "", "sample", 6, 16, 0.05, "", '{"depth": 7}', api_name="/launch")
    with pytest.raises(Exception, match="not in the list of choices|data must be"):
        client.predict("resnet", "", "/etc", 6, 16, 0.05, "", "", api_name="/launch")


def test_the_runs_plot_is_empty_until_a_run_is_chosen(home):
    from explorer.labs.runs import figures as runs_figures
    from explorer.labs.runs import tab as runs_tab
    from explorer.serving import services

    services.store.cache_clear()
    assert runs_figures.overlay_figure([], ["train_error"]) is None
    assert runs_figures.overlay_figure(["20260101-000000-abcdef"], ["train_error"]) is None  # unknown ids are left out
    store = services.store()
    run_id = store.create_run("resnet", {"steps": 4}, label="mine")
    store.log_metrics(run_id, 2, {"train_error": 0.5})
    figure = runs_figures.overlay_figure([run_id], ["train_error"])
    assert [(list(trace.x), list(trace.y)) for trace in figure.data] == [([2], [50.0])]
    store.update(run_id, step=2)
    shown = runs_tab.refresh(None, None, run_id, None, None)
    assert "step 2/4" in shown[5]                         # the chosen run's details follow its training
    store.update(run_id, step=3)
    assert "step 3/4" in runs_tab.refresh(None, None, run_id, shown[6], None)[5]
