"""Reference runs: schedules scale to a budget, the best candidate is exported, the labs find the bundled curves."""
from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from explorer.labs.alexnet import figures as alexnet_figures
from explorer.labs.alexnet import tab as alexnet_tab
from explorer.labs.alexnet import views as alexnet_views
from explorer.labs.resnet import tab as resnet_tab
from explorer.shared import experiment_panel, plots, reference_runs
from explorer.shared.user_text import shown
from train.recipes import EXPERIMENTS, experiment_configs
from train.reference import Reference, export_all, label, plan, scaled, write_snapshots
from train.runner import execute
from train.store import RunStore


def group_tick(experiment, group_id, seen, request):
    """The AlexNet ablation panel's plot, notes and what it has shown (the shared panel's last three outputs)."""
    return experiment_panel.tick(alexnet_tab.LAB, experiment, group_id, seen, request)[2:]


def test_a_schedule_shrinks_with_its_milestones_and_never_grows():
    resnet56 = next(r for r in plan("cifar10") if r.name == "resnet56-cifar")
    half = scaled(resnet56, 0.5)
    assert (half.steps, half.milestones) == (32_000, (16_000, 24_000))
    assert scaled(resnet56, 3.0).steps == 64_000  # the paper's schedule is the most it trains


def test_the_gpu_script_trains_runs_of_the_plan():
    """docs/gpu-reference-runs.sh is run by hand on a lent GPU, minutes at a time: its jobs must name real runs."""
    script = Path(__file__).resolve().parent.parent / "docs" / "gpu-reference-runs.sh"
    subprocess.run(["bash", "-n", str(script)], check=True)  # it parses
    text = script.read_text()
    jobs = re.findall(r"^[AB]_ONLY=\$\{[AB]_ONLY-(.*)\}$", text, re.MULTILINE)
    suggested = re.findall(r"A_ONLY=([\w-]+) ", text)  # what its notes tell a next session to train, if anything
    assert len(jobs) == 2 and jobs[0]
    assert set(" ".join([*jobs, *suggested]).split()) <= {ref.name for ref in plan("cifar10")}


def test_reference_labels_are_the_labs_experiment_labels():
    """The labs look reference curves up by the labels their own experiments give runs."""
    experiments = ("plain-vs-residual", "shortcuts", "relu-vs-tanh", "alexnet-towers", "alexnet-dropout", "alexnet-augment",
                   "alexnet-lrn", "lrn-four-layer", "alexnet-pooling", "alexnet-seed", "jpeg", "resnet-seed")
    for experiment in experiments:  # every variant has a run; the baseline of sec. 3-4's ablations is alexnet-cifar
        folder = f"{EXPERIMENTS[experiment].recipe}/{experiment}"
        expected = {name for name, _ in experiment_configs(experiment)}
        assert {label(r, folder) for r in plan("cifar10") if folder in (r.curves, *r.also)} == expected


def test_bundled_reference_runs_load_with_their_configs():
    for lab, experiment in (("resnet", "plain-vs-residual"), ("alexnet", "relu-vs-tanh"), ("alexnet", "alexnet-towers"),
                            ("alexnet", "alexnet-augment"), ("alexnet", "alexnet-dropout"), ("alexnet", "alexnet-lrn"),
                            ("alexnet", "lrn-four-layer"), ("alexnet", "alexnet-pooling"), ("alexnet", "alexnet-seed"),
                            ("resnet", "jpeg")):
        runs = reference_runs.load(lab, experiment)
        assert {name for name, _, _ in runs} == {name for name, _ in experiment_configs(experiment)}
        for _, config, metrics in runs:
            steps, errors = metrics["train_error"]
            assert steps == sorted(steps) and all(0 <= e <= 1 for e in errors) and config["train_images"] == 50_000
    assert reference_runs.load("alexnet", "no-such-experiment") == []
    sweep = {name for name, _, _ in reference_runs.load("alexnet", alexnet_views.SWEEP)}  # Fig. 1 at several rates
    assert sweep == {r.name for r in plan("cifar10") if r.curves == f"alexnet/{alexnet_views.SWEEP}"}


def test_fig1_reference_is_offered_first_and_drawn_in_epochs(home, monkeypatch, tmp_path):
    choices = experiment_panel.group_choices(alexnet_tab.LAB, "relu-vs-tanh")
    assert choices[0][1] == alexnet_tab.REFERENCE
    figure = alexnet_figures.make_fig1_figure(reference_runs.load("alexnet", "relu-vs-tanh"))
    lines = [trace for trace in figure.data if trace.mode == "lines"]
    assert {trace.name for trace in lines} == {"ReLU", "tanh"}
    assert 40 < max(lines[0].x) < 42  # 16,000 steps of 128 over 50,000 images: 41 epochs
    with monkeypatch.context() as patch:  # a checkout without reference runs for an ablation: the lab says so
        patch.setattr(reference_runs, "load", functools.partial(reference_runs.load, root=tmp_path))
        assert experiment_panel.group_choices(alexnet_tab.LAB, "alexnet-pooling") == []
        plot, note, seen = group_tick("alexnet-pooling", None, None, None)
        assert plot is None
        assert "--only alexnet-cifar alexnet-cifar-no-overlap`" in note
        assert group_tick("alexnet-pooling", None, seen, None)[2] == seen   # said once, not every tick
    notes = {}
    for experiment in ("alexnet-towers", "alexnet-dropout", "alexnet-augment", "alexnet-lrn", "alexnet-pooling",
                       "alexnet-seed"):
        assert experiment_panel.group_choices(alexnet_tab.LAB, experiment)[0][1] == alexnet_tab.REFERENCE  # every variant ships
        plot, notes[experiment], _ = group_tick(experiment, alexnet_tab.REFERENCE, None, None)
        assert {trace.name for trace in plot.data} >= {f"{name} test" for name, _ in experiment_configs(experiment)}
        assert "yet" not in notes[experiment]
        assert all(f"| {shown(name)} | " in notes[experiment] for name, _ in experiment_configs(experiment))  # where each ends
    assert "| conv1 | 0.0" in notes["alexnet-lrn"] and "| conv2 | 0.0" in notes["alexnet-lrn"]  # how little LRN does
    seeds = notes["alexnet-seed"]  # why a second seed, how far the two end apart, and every ablation against that
    assert "A yardstick" in seeds and "(14.94% at its end); the two seeds end **0.25 points** apart" in seeds
    assert "| sec. 3.3 | no LRN | 23,198 | 16.10% | +1.16 | yes |" in seeds  # LRN's gain is more than chance ...
    assert "| sec. 3.4 | non-overlapping (z=s=2) | 23,198 | 14.85% | -0.10 | no |" in seeds  # ... pooling's is not
    # the two-tower net stops sooner (its own schedule): weighed against seed 0 where it stops
    assert "| sec. 3.2, Fig. 2 | two towers | 21,904 | 16.19% | +0.93 | yes |" in seeds
    assert seeds.count("| sec. ") == 8 and "| seed 1 |" not in seeds.split("Against this yardstick")[1]


def test_without_its_second_seed_the_seed_ablation_names_it_and_measures_nothing(monkeypatch, tmp_path):
    folder = tmp_path / "alexnet" / "alexnet-seed"
    folder.mkdir(parents=True)
    for suffix in (".csv", ".json"):  # a checkout with seed 0 alone
        (folder / f"seed 0{suffix}").write_bytes((reference_runs.REFERENCE_DIR / "alexnet" / "alexnet-seed" /
                                                  f"seed 0{suffix}").read_bytes())
    monkeypatch.setattr(reference_runs, "load", functools.partial(reference_runs.load, root=tmp_path))
    _, note, _ = group_tick("alexnet-seed", alexnet_tab.REFERENCE, None, None)
    assert "| seed 0 | 23,198 |" in note and "A yardstick" in note
    assert "yet: **seed 1**" in note and "--only alexnet-cifar-seed-1`" in note and "Against this yardstick" not in note


def test_the_resnet_lab_weighs_every_reference_run_against_two_seeds_of_resnet20(monkeypatch, tmp_path):
    shutil.copytree(reference_runs.REFERENCE_DIR / "resnet", tmp_path / "resnet")
    load = reference_runs.load  # read once per process: cleared below, where the test adds a run
    monkeypatch.setattr(reference_runs, "load", functools.partial(load, root=tmp_path))
    request = SimpleNamespace(headers={"accept-language": "en"})
    folder = tmp_path / "resnet" / "resnet-seed"
    for suffix in (".csv", ".json", ".npz"):  # seed 1 not trained yet: no yardstick, no table
        (folder / f"seed 1{suffix}").unlink(missing_ok=True)
    assert resnet_tab.seed_view(request).startswith("Seed 1's reference run is not in this checkout yet")
    seed0 = (folder / "seed 0.csv").read_text().splitlines()
    column = seed0[0].split(",").index("test_error")
    seed1 = [row.split(",") for row in seed0[1:]]
    for row in seed1:  # seed 1: seed 0's run, half a point worse at every evaluation
        if row[column]:
            row[column] = str(float(row[column]) + 0.005)
    (folder / "seed 1.csv").write_text("\n".join([seed0[0], *(",".join(row) for row in seed1)]) + "\n")
    (folder / "seed 1.json").write_text((folder / "seed 0.json").read_text().replace('"seed": 0', '"seed": 1'))
    load.cache_clear()
    table = resnet_tab.seed_view(request)
    assert "the two seeds end **0.50 points** apart" in table and "(12.07% at its end)" in table
    rows = {row.split(" | ")[1]: row.split(" | ")[2:] for row in table.splitlines() if row.startswith("| ")}
    assert set(rows) - {"run"} == {"plain-20", "plain-56", "ResNet-56", "option B", "option C", "coded once more"}
    assert rows["coded once more"] == ["64,000", "13.51%", "+1.44", "yes |"]  # one more coding: more than chance
    # option C stops at 50,700 iterations: weighed against ResNet-20 there, within the seeds' spread
    assert rows["option C"][0] == "50,700" and rows["option C"][-1] == "no |"
    assert rows["plain-56"][-1] == "yes |" and rows["ResNet-56"][2].startswith("-")  # Fig. 6: depth helps ResNets
    # seed 1 still training (40,000 of 64,000 iterations): the seeds are measured where both have come, as said
    (folder / "seed 1.csv").write_text("\n".join([seed0[0], *(",".join(row) for row in seed1 if int(row[0]) <= 40_000)]))
    load.cache_clear()
    table = resnet_tab.seed_view(request)
    assert "seed 1 has trained 40,000 of its 64,000 iterations so far, and there the two seeds are **0.50 points**" in table
    assert "(12.07% at its end)" in table and sum(row.startswith("| ") for row in table.splitlines()) == 7


def test_the_table_under_a_labs_curves_gives_where_each_run_ends_as_the_papers_plot_it():
    def logged(values, every):
        return [every * (i + 1) for i in range(len(values))], values

    runs = [("none", {}, {"train_error": logged([0.5] * 10 + [0.01] * 10, 10),
                          "test_error": logged([0.5, 0.2, 0.2, 0.23], 50)}),
            ("full", {}, {"train_error": logged([0.3] * 5, 10)})]  # not tested yet: left out
    table = plots.ends_markdown(runs, "en", "Read the gap.")
    assert table.splitlines()[0].endswith("evaluations. Read the gap.")
    assert table.splitlines()[-1] == "| none | 200 | 1.0% | 21.00% | 20.0 |"
    assert "| full |" not in table and "训练误差" in plots.ends_markdown(runs, "zh")
    assert plots.ends_markdown(runs[1:], "en") == ""
    fig6 = resnet_tab.ends_of("plain-vs-residual", [], reference_runs.load("resnet", "plain-vs-residual"), "en")
    assert "degradation" in fig6
    plain = shown("plain-")  # labels come Markdown-escaped (issue #30: user text shown as text)
    ends = {row.split(" | ")[0][2:].replace("\\", ""): row.split(" | ")[2] for row in fig6.splitlines()
            if row.startswith(f"| {plain}")}
    assert float(ends["plain-56 (reference)"][:-1]) > float(ends["plain-20 (reference)"][:-1])  # Fig. 6 left
    beside = resnet_tab.ends_of("shortcuts", runs[:1], reference_runs.load("resnet", "shortcuts"), "en")
    assert f"| {shown('option A (reference)')} | 64,000 |" in beside and "| none | 200 |" in beside  # live runs after
    jpeg = resnet_tab.ends_of("jpeg", [], reference_runs.load("resnet", "jpeg"), "en")
    tested = {row.split(" | ")[0][2:].replace("\\", ""): float(row.split(" | ")[3][:-1]) for row in jpeg.splitlines()
              if f" {shown('(reference)')} |" in row}
    assert tested["coded once more (reference)"] > tested["as stored (reference)"] + 0.5  # one more coding costs


def test_reference_curves_that_leave_variants_out_name_them_and_how_to_train_them():
    shipped = ["no LRN", "LRN"]  # sec. 3.3's ablation with its other two variants not trained
    note = alexnet_tab.missing_markdown("alexnet-lrn", shipped, "en")
    assert "yet: **LRN at raw-pixel strength (alpha 0.41), LRN scale only (alpha 0)**" in note
    assert "--only alexnet-cifar-strong-lrn alexnet-cifar-lrn-scale-only`" in note
    assert "alexnet-cifar-lrn-scale-only" in alexnet_tab.missing_markdown("alexnet-lrn", shipped, "zh")
    everything = [name for name, _ in experiment_configs("alexnet-lrn")]
    assert alexnet_tab.missing_markdown("alexnet-lrn", everything, "en") == ""


@pytest.mark.parametrize("kind", ["grad_norm", "response_std"])
def test_layer_profiles_open_on_the_reference_runs_at_an_iteration_all_reached(home, kind):
    """Sec. 4.1's gradient norms and Fig. 7's responses over training, offline: Fig. 6's reference runs ship them."""

    runs, slider = resnet_tab.refresh_profile_runs(kind, None)
    names = ("ResNet-20", "ResNet-56", "plain-20", "plain-56")
    assert runs["value"] == [resnet_tab.REFERENCE_PREFIX + name for name in names]  # no runs of one's own yet
    lasts = [resnet_tab.reference_profiles(kind)[name][1][-1] for name in names]
    assert slider["value"] == min(lasts) and slider["maximum"] == 64_000
    figure = resnet_tab.training_profiles(kind, runs["value"], slider["value"], None)
    panels = 2 if kind == "response_std" else 1                # Fig. 7 adds the panel sorted by magnitude
    assert [(trace.name.split(" · ")[0], len(trace.y)) for trace in figure.data] == [
        (name, 19 if name.endswith("20") else 55) for name in names for _ in range(panels)]
    shown = [int(trace.name.split(" · ")[1].replace(",", "")) for trace in figure.data]  # each run's newest snapshot
    assert all(slider["value"] - 1000 < step <= slider["value"] for step in shown)        # at or before the slider
    assert all(0 < y < 100 for trace in figure.data for y in trace.y)  # trained nets: no vanishing, no exploding
    style = {trace.name.split(" · ")[0]: (trace.line.color, trace.line.dash) for trace in figure.data}
    assert style["plain-56"] == (style["ResNet-56"][0], "dash") and style["ResNet-56"][1] == "solid"  # as in Fig. 6
    assert style["ResNet-20"][0] != style["ResNet-56"][0]


def test_fig7_reference_runs_respond_as_the_paper_finds(home):
    """Fig. 7 at the last iteration all four reached: residual below plain at each depth, ResNet-56 below ResNet-20."""

    runs, slider = resnet_tab.refresh_profile_runs("response_std", None)
    mean = {name.split(" · ")[0]: float(np.mean(values)) for name, _, values in
            (resnet_tab.layer_profile("response_std", key, slider["value"]) for key in runs["value"])}
    assert mean["ResNet-20"] < mean["plain-20"] and mean["ResNet-56"] < mean["plain-56"]
    assert mean["ResNet-56"] < mean["ResNet-20"]


def test_reading_curves_skips_empty_cells(tmp_path: Path):
    folder = tmp_path / "resnet" / "exp"
    folder.mkdir(parents=True)
    (folder / "plain-56.csv").write_text("step,test_error,train_error\n100,,0.5\n200,0.45,0.4\n")
    (folder / "plain-56.json").write_text(json.dumps({"depth": 56}))
    [(name, config, metrics)] = reference_runs.load("resnet", "exp", root=tmp_path)
    assert (name, config) == ("plain-56", {"depth": 56})
    assert metrics == {"train_error": ([100, 200], [0.5, 0.4]), "test_error": ([200], [0.45])}


def test_export_keeps_the_better_candidate_and_writes_curves(home, tmp_path: Path):
    store = RunStore(home)
    tiny = {"data": "sample", "train_size": 128, "eval_size": 100, "batch_size": 32, "steps": 4, "log_every": 2,
            "eval_every": 4, "checkpoint_every": 4, "snapshot_every": 100, "val_size": 0}
    candidates = [Reference("resnet8-cifar", "resnet", {**tiny, "depth": 8, "plain": False, "lr": lr},
                            curves="resnet/test", also=("resnet/baseline",)) for lr in (0.1, 0.05)]
    runs = []
    for ref in candidates:
        run_id = store.create_run(ref.recipe, ref.config().to_dict(), label=label(ref))
        execute(store, run_id)
        runs.append((ref, run_id))
    worse, better = sorted(runs, key=lambda r: store.metrics(r[1])["test_error"][1][-1], reverse=True)
    store.log_metrics(better[1], 4, {"test_error": 0.0})  # make the choice unambiguous
    summary = export_all(store, runs, tmp_path)
    entries = {e["run_id"]: e for e in summary["resnet8-cifar"]}
    assert "exported" in entries[better[1]] and "exported" not in entries[worse[1]]
    bundle = tmp_path / "models" / "resnet8-cifar"
    assert json.loads((bundle / "config.json").read_text())["config"]["lr"] == better[0].overrides["lr"]
    [(name, config, metrics)] = reference_runs.load("resnet", "test", root=tmp_path / "reference")
    assert name == "ResNet-8" and config["train_images"] == 128 and metrics["test_error"][1][-1] == 0.0
    assert reference_runs.load("resnet", "baseline", root=tmp_path / "reference")[0][2] == metrics  # and its also
    steps, norms = reference_runs.load_snapshots("resnet", "test", "ResNet-8", root=tmp_path / "reference")["grad_norm"]
    assert steps == store.snapshot_steps(better[1], "grad_norm") and norms.shape == (len(steps), 7)  # 7 3x3 layers
    np.testing.assert_allclose(norms[-1], store.load_snapshot(better[1], "grad_norm")[1], rtol=1e-6)
    assert reference_runs.load_snapshots("resnet", "test", "ResNet-8", root=tmp_path / "reference")[
        "response_std"][1].shape == (len(steps), 7)                                           # and Fig. 7's
    for kind in ("grad_norm", "response_std"):   # a store carried without one kind's files, then without both
        for path in (store.run_dir(worse[1]) / "snapshots").glob(f"{kind}-*"):
            path.unlink()
        write_snapshots(store, worse[1], tmp_path / f"without-{kind}.npz")
    assert set(reference_runs.load_snapshots("", "", "without-grad_norm", root=tmp_path)) == {"response_std"}
    assert not (tmp_path / "without-response_std.npz").exists()


def test_a_probe_times_its_steps_after_the_barrier(home, tmp_path: Path):
    from train.reference import seconds_per_step

    cost = seconds_per_step("resnet", {"data": "sample", "depth": 8, "batch_size": 32, "val_size": 0, "eval_size": 50},
                            barrier=tmp_path, parties=1, seconds=1.0, warmup=10)
    assert 0 < cost < 10  # seconds a step of ResNet-8 on 32 images: positive, and plausible even on a loaded CPU
    assert len(list(tmp_path.iterdir())) == 1  # it marked itself ready at the barrier


def test_fig7_offers_bundled_resnets_and_measures_them(home, tmp_path: Path, monkeypatch):
    """A bundled model (as train.export writes it) is a Fig. 7 choice beside run checkpoints, and is measured."""
    import gradio as gr

    from train.export import export_run

    store = RunStore(home)
    tiny = {"data": "sample", "depth": 8, "train_size": 64, "eval_size": 50, "batch_size": 32, "steps": 2,
            "log_every": 1, "eval_every": 2, "checkpoint_every": 2, "snapshot_every": 100, "val_size": 0}
    run_id = store.create_run("resnet", Reference("r8", "resnet", tiny).config().to_dict(), label="ResNet-8")
    execute(store, run_id)
    export_run(store, run_id, "resnet8-test", root=tmp_path)
    monkeypatch.setattr(reference_runs, "MODELS_DIR", tmp_path)
    monkeypatch.setattr(resnet_tab, "store", lambda: store)
    keys = [key for _, key in resnet_tab.checkpoint_choices()]
    assert keys == [f"{run_id}:2", "bundled:resnet8-test"]
    assert resnet_tab.refresh_checkpoints()["value"] == keys
    name, config, path = resnet_tab.find_weights("bundled:resnet8-test")
    assert (name, config["depth"], path.suffix) == ("resnet8-test", 8, ".safetensors")
    figure = resnet_tab.show_responses(keys, None)
    assert {trace.name for trace in figure.data} == {"ResNet-8 · step 2", "resnet8-test"}
    with pytest.raises(gr.Error):
        resnet_tab.show_responses([], None)


def test_paper_schedules_continue_where_the_last_budget_ended(home):
    from train.reference import train_all

    store = RunStore(home)
    ref = Reference("resnet8-cifar", "resnet", {"data": "sample", "depth": 8, "train_size": 64, "eval_size": 50,
                                                 "batch_size": 32, "steps": 6, "log_every": 2, "eval_every": 6,
                                                 "checkpoint_every": 2, "snapshot_every": 100, "val_size": 0})
    [(_, first)] = train_all(store, [ref], 0.0, paper=True, log=lambda line: None)  # the budget ends at once
    assert store.get(first).status != "done"
    [(_, again)] = train_all(store, [ref], 600.0, paper=True, log=lambda line: None)
    assert again == first and store.get(first).status == "done" and store.get(first).step == 6
    assert [r.id for r in store.list_runs(group_id="reference")] == [first]
    finished = store.get(first).updated
    [(_, third)] = train_all(store, [ref], 600.0, paper=True, log=lambda line: None)  # done: kept, not retrained
    assert third == first and store.get(first).updated == finished
    assert [r.id for r in store.list_runs(group_id="reference")] == [first]
    for path in store.checkpoints(first):  # carried to another machine without them: not bundled, not an error
        path.unlink()
    [entry] = export_all(store, [(ref, first)], home / "out")[ref.name]
    assert entry["status"] == "done" and "exported" not in entry


def test_a_run_still_training_from_an_earlier_call_is_watched_not_started_twice(home):
    """Killing `python -m train.reference` leaves its trainers running; calling it again must not add a second."""
    import subprocess
    import sys

    from train.reference import train_all

    store = RunStore(home)
    ref = Reference("resnet8-cifar", "resnet", {"data": "sample", "depth": 8, "train_size": 64, "eval_size": 50,
                                                 "batch_size": 32, "steps": 6, "log_every": 2, "eval_every": 6,
                                                 "checkpoint_every": 2, "snapshot_every": 100, "val_size": 0})
    [(_, run_id)] = train_all(store, [ref], 0.0, paper=True, log=lambda line: None)
    trainer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(4)"])  # the earlier call's trainer
    store.update(run_id, status="running", pid=trainer.pid)
    lines = []
    [(_, again)] = train_all(store, [ref], 1.0, paper=True, log=lines.append)
    assert again == run_id and any(f"still training in process {trainer.pid}" in line for line in lines)
    assert trainer.poll() is not None  # waited for it to stop (here: to end) before returning
    assert store.stop_requested(run_id) and store.get(run_id).step < 6  # asked to stop at the deadline, not retrained


def test_how_a_run_executes_is_not_what_it_trains(home):
    from train.reference import stored

    store = RunStore(home)
    ref = Reference("resnet8-cifar", "resnet", {"data": "sample", "depth": 8, "steps": 6})
    run_id = store.create_run("resnet", ref.config(compile="off").to_dict(), label="ResNet-8", group_id="reference")
    assert stored(store, ref, ref.config(compile="reduce-overhead", device="cuda")).id == run_id  # continued as is
    assert stored(store, ref, ref.config(steps=12)) is None  # another schedule is another run
    older = {k: v for k, v in ref.config(steps=24).to_dict().items() if k != "recode_quality"}  # before the option
    old_id = store.create_run("resnet", older, label="ResNet-8", group_id="reference")
    assert stored(store, ref, ref.config(steps=24)).id == old_id  # an option a record predates has its default
    assert stored(store, ref, ref.config(steps=24, recode_quality=75)) is None


def test_bundled_models_are_listed_with_their_headline_number(tmp_path: Path):
    from explorer.shared.reference_runs import bundled_label

    classifier, translator, bare = (tmp_path / name for name in ("net", "translator", "bare"))
    for folder in (classifier, translator, bare):
        folder.mkdir()
    (classifier / "metrics.csv").write_text("step,loss,test_error\n10,2.0,0.5\n20,1.0,\n30,0.5,0.1495\n")
    (translator / "config.json").write_text(json.dumps({"test_bleu": 38.25, "val_bleu": 36.5}))
    assert bundled_label(classifier) == "net (bundled · test 85.05%)"
    assert bundled_label(translator) == "translator (bundled · BLEU 38.25)"
    assert bundled_label(bare) == "bare (bundled)"


def test_pages_that_show_the_same_panel_share_one_drawing(home):
    """A lecture hall's pages open on the same reference curves: drawn once per language, and drawn anew when a run of
    the group chosen logs a step."""
    import dataclasses

    drawn = []
    lab = dataclasses.replace(alexnet_tab.LAB, draw=lambda *args: (drawn.append(args[-1]) or object(), "notes"))
    zh = SimpleNamespace(headers={"cookie": "paperlab-lang=zh"})
    pages = [experiment_panel.tick(lab, "relu-vs-tanh", alexnet_tab.REFERENCE, None, None) for _ in range(3)]
    assert drawn == ["en"] and all(page[2] is pages[0][2] for page in pages)
    experiment_panel.tick(lab, "relu-vs-tanh", alexnet_tab.REFERENCE, None, zh)
    assert drawn == ["en", "zh"]
    store = RunStore()
    run_id = store.create_run("alexnet", {"steps": 5}, group_id="relu-vs-tanh-20261206-000000-abcdef")
    group = store.get(run_id).group_id
    before = experiment_panel.tick(lab, "relu-vs-tanh", group, None, None)
    assert experiment_panel.tick(lab, "relu-vs-tanh", group, None, None)[2] is before[2] and len(drawn) == 3
    store.log_metrics(run_id, 1, {"train_error": 0.9})
    assert experiment_panel.tick(lab, "relu-vs-tanh", group, None, None)[2] is not before[2] and len(drawn) == 4
