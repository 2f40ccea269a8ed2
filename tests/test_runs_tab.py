"""The Runs tab's handlers (issue 31 item 3): a tick never moves the selection, Cancel says what it did to the run
shown, the form's example options are valid for the recipe chosen, the plot opens on a run with points, a delete
clears what showed the run."""
from __future__ import annotations

import json

import gradio as gr
import pytest

from explorer.labs.runs import figures, tab
from explorer.serving import services
from train.recipes import RECIPES

EN = gr.Request(headers={"cookie": "paperlab-lang=en"}, session_hash="runs-en")
ZH = gr.Request(headers={"cookie": "paperlab-lang=zh"}, session_hash="runs-zh")


@pytest.fixture
def store(home, monkeypatch):
    monkeypatch.setenv("PAPERLAB_MAX_RUNNING", "0")  # launched runs stay queued: none trains in these tests
    return services.store()


def launch(recipe="resnet", preset="lecture", data="sample", options="", request=EN):
    return tab.launch(recipe, preset, data, None, None, None, "", options, request)


def sets_value(update) -> bool:
    """A returned gr.Dropdown sets the component's value (not just its choices)."""
    return "value" in update.constructor_args


def test_the_page_opens_on_the_newest_run_with_points_and_ticks_never_move_the_selection(store):
    trained = store.create_run("resnet", {"steps": 4}, label="trained")
    store.log_metrics(trained, 2, {"train_error": 0.5})
    queued = store.create_run("resnet", {"steps": 4}, label="queued")   # newer, no points yet
    first = tab.refresh(None, None, None, None, EN)
    assert first[1].constructor_args["value"] == [trained] and first[4].constructor_args["value"] == trained
    assert [len(trace.x) for trace in first[3].data] == [1]                # drawn, not empty axes

    # a launch selects its run; a tick sent before the launch answered lands after it, with the old selection
    status, selected, current = launch()
    new = current.constructor_args["value"]
    assert selected.constructor_args["value"] == [new] and new not in (trained, queued)
    stale = tab.refresh([trained], ["train_error"], trained, first[6], EN)
    assert not sets_value(stale[1]) and not sets_value(stale[4])          # choices only: the new run stays chosen
    assert new in [value for _, value in stale[1].constructor_args["choices"]]
    empty = tab.refresh(None, None, None, stale[6] + (("x", 0, "queued"),), EN)  # a later tick, nothing chosen
    assert not sets_value(empty[1]) and not sets_value(empty[4])


def test_a_run_without_points_says_so_instead_of_empty_axes(store):
    queued = store.create_run("resnet", {"steps": 4})
    for lang, words in (("en", "No points yet"), ("zh", "还没有数据点")):
        figure = figures.overlay_figure([queued], [], lang)
        assert not figure.data and words in figure.layout.annotations[0].text
    assert tab.redraw([queued], [], EN)[1].layout.annotations[0].text.startswith("No points yet")
    assert figures.overlay_figure([], ["train_error"]) is None            # nothing chosen: the empty plot
    store.create_run("resnet", {"steps": 4})
    first = tab.refresh(None, None, None, None, EN)                       # no run has points: none is plotted
    assert first[1].constructor_args["value"] == [] and first[3] is None


def test_cancel_acts_on_the_run_shown_and_says_truthfully_what_happened(store):
    run_id = launch()[2].constructor_args["value"]
    other = launch()[2].constructor_args["value"]
    assert "removed from the queue" in tab.cancel(run_id, "", EN)
    assert store.get(run_id).status == "cancelled" and store.get(other).status == "queued"  # only the one shown
    for status in ("cancelled", "done", "failed"):
        store.update(run_id, status=status)
        said = tab.cancel(run_id, "", EN)
        assert f"had already ended ({status}" in said and "Asked" not in said
        assert "已经结束" in tab.cancel(run_id, "", ZH)
    with pytest.raises(gr.Error, match="Choose a run first"):
        tab.cancel(None, "", EN)


@pytest.mark.parametrize("recipe", sorted(RECIPES))
def test_every_recipe_accepts_its_own_example_options(recipe, store):
    for preset in ["", *RECIPES[recipe].presets]:
        example = tab.example_options(recipe, preset)
        assert json.loads(example), (recipe, preset)
        tab.build_config(recipe, preset, "sample", None, None, None, example)
    placeholder, data = tab.form_for(recipe, "lecture", ZH)
    assert placeholder.constructor_args["placeholder"] == f"例如 {tab.example_options(recipe, 'lecture')}"
    assert data.constructor_args["visible"] == (recipe in ("alexnet", "resnet"))  # translation reads its corpus


def test_the_default_recipe_launches_its_example(store):
    recipes = sorted(RECIPES)
    _, preset = tab.preset_choices(recipes[0])
    run_id = launch(recipes[0], preset, options=tab.example_options(recipes[0], preset))[2].constructor_args["value"]
    assert store.get(run_id).recipe == recipes[0]


def test_an_example_keeps_only_what_the_preset_accepts(monkeypatch):
    monkeypatch.setitem(tab.EXAMPLE_OPTIONS, "resnet", {"depth": 7, "plain": True})   # depth must be 6n+2
    assert json.loads(tab.example_options("resnet", "lecture")) == {"plain": True}
    assert tab.example_options("no-such-recipe", "") == ""


def test_options_a_recipe_lacks_get_a_clear_message(store):
    with pytest.raises(gr.Error) as said:
        launch("alexnet", "lecture", options='{"depth": 56}')
    message = str(said.value)
    assert "The alexnet recipe has no option depth" in message and "towers" in message
    assert "unexpected keyword" not in message
    with pytest.raises(gr.Error, match="没有选项 depth"):
        launch("alexnet", "lecture", options='{"depth": 56}', request=ZH)


def test_translation_recipes_launch_from_the_form(store):
    for recipe in ("translate", "seq2seq"):
        run_id = launch(recipe, "lecture", data="sample",
                        options=tab.example_options(recipe, "lecture"))[2].constructor_args["value"]
        config = store.get(run_id).config
        assert config["corpus"] == "tatoeba-en-zh" or config["arch"] == "transformer"
        assert "data" not in config


def test_a_delete_clears_the_selection_the_plot_and_the_download(store):
    run_id = launch()[2].constructor_args["value"]
    csv = tab.metrics_file(run_id, EN)
    assert run_id in csv
    assert "deleted" in tab.delete(run_id, "", EN)
    selected, current, plot, download, info, table = tab.cleared(None)
    assert selected.constructor_args["value"] == [] and current.constructor_args["value"] is None
    assert plot is None and download is None and info == ""
    assert run_id not in [value for _, value in selected.constructor_args["choices"]]
    assert all(row[0] != run_id for row in table.constructor_args["value"])
