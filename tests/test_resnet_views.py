"""The ResNet lab's computations: layer responses, gradient norms, FLOPs, reference curves, diagrams, snapshots."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from explorer.labs.resnet import views
from models.resnet import cifar_resnet, conv3x3_layers, gradient_norms, response_std


def fresh(depth: int, plain: bool) -> nn.Module:
    torch.manual_seed(0)
    return cifar_resnet(depth, plain=plain)


def trained_a_little(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int = 2) -> nn.Module:
    """A few SGD steps, so the BN running statistics are no longer the identity of a fresh net."""
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    return model


def test_response_std_has_one_value_per_layer_and_tells_plain_from_residual():
    x, y = views.probe_batch("test", 32)
    plain = trained_a_little(fresh(20, True), x, y)
    residual = trained_a_little(fresh(20, False), x, y)
    a, b = response_std(plain, x), response_std(residual, x)
    assert a.shape == b.shape == (19,)  # the first conv and the two 3x3 convs of each of 9 blocks
    assert np.all(a > 0) and np.all(np.isfinite(b))
    assert not np.allclose(a, b, rtol=0.05)
    assert plain.training  # restored after measuring in eval mode


def test_gradient_norms_one_per_layer_differ_and_leave_the_model_alone():
    x, y = views.probe_batch("train", 64)
    plain, residual = fresh(20, True), fresh(20, False)
    before = {k: v.clone() for k, v in plain.state_dict().items()}
    a, b = gradient_norms(plain, x, y), gradient_norms(residual, x, y)
    assert a.shape == b.shape == (len(conv3x3_layers(plain)),) == (19,)
    assert np.all(a > 0) and np.all(b > 0)
    assert not np.allclose(a, b, rtol=0.05)
    assert all(torch.equal(before[k], v) for k, v in plain.state_dict().items())  # BN statistics untouched
    assert all(p.grad is None for p in plain.parameters())


def test_count_mult_adds_of_a_convolution():
    macs = views.count_mult_adds(lambda: nn.Conv2d(3, 8, 3, padding=1, bias=False), (1, 3, 10, 10))
    assert macs == 8 * 10 * 10 * 3 * 3 * 3


def test_bottleneck_costs_about_what_a_basic_block_costs_on_a_4x_wider_signal():
    costs = views.block_costs(64)
    basic, bottleneck = costs["BasicBlock"], costs["Bottleneck"]
    assert (basic["in"], bottleneck["in"]) == (64, 256)
    assert basic["params"] == 2 * 9 * 64 * 64 + 2 * 2 * 64  # two 3x3 convs and two BNs
    assert 0.8 < bottleneck["mult_adds"] / basic["mult_adds"] < 1.2
    assert basic["mult_adds"] == 2 * 9 * 64 * 64 * 56 * 56


def test_imagenet_table_lists_every_depth_beside_the_paper():
    rows = views.imagenet_table()
    assert [r[0] for r in rows] == ["ResNet-18", "ResNet-34", "ResNet-50", "ResNet-101", "ResNet-152"]
    for _, _, params, measured, paper, _ in rows:
        assert params > 10 and abs(measured / paper - 1) < 0.05


def test_snapshot_at_picks_the_newest_at_or_before():
    assert views.snapshot_at([0, 25, 50], 30) == 25
    assert views.snapshot_at([0, 25, 50], 50) == 50
    assert views.snapshot_at([10, 20], 5) == 10


def test_block_diagram_is_valid_svg_naming_both_blocks():
    svg = views.block_diagram_svg(128)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    labels = " ".join(el.text or "" for el in root.iter() if el.tag.endswith("text"))
    assert labels.count("3x3, 128") == 3 and "1x1, 128" in labels and "1x1, 512" in labels
    assert "128-d in" in labels and "512-d in" in labels


def test_resnet_runs_snapshot_layer_gradients_and_responses(home):
    from train.cli import main
    from train.store import RunStore

    args = ["resnet", "--data", "sample", "--depth", "8", "--plain", "--steps", "2", "--batch-size", "16",
            "--eval-size", "50", "--val-size", "0", "--snapshot-every", "1", "--log-every", "1", "--quiet"]
    assert main(args) == 0
    store = RunStore()
    (run,) = store.list_runs()
    assert store.snapshot_steps(run.id, "grad_norm") == [0, 1, 2]
    _, norms = store.load_snapshot(run.id, "grad_norm", 0)
    _, stds = store.load_snapshot(run.id, "response_std")
    assert norms.shape == stds.shape == (7,) and np.all(norms > 0)
    # a checkpoint of the run gives Fig. 7 through the view that the tab uses
    path = store.checkpoints(run.id)[-1]
    assert views.checkpoint_response_std(path, 8, True, "A").shape == (7,)


def test_tab_strings_exist_in_both_languages():
    from explorer.labs.resnet import strings as resnet_strings
    from explorer.labs.resnet import tab as resnet_tab
    from explorer.shared import strings as common_strings

    source = Path(resnet_tab.__file__).read_text()
    used = set(re.findall(r'(?:\bt|\btext)\("([a-z_.]+)"', source))
    known = {**common_strings.STRINGS, **resnet_strings.STRINGS}
    assert used and used <= set(known)
    assert all(en and zh and en != zh for en, zh in resnet_strings.STRINGS.values())


def test_error_figure_puts_plain_nets_left_resnets_right_like_fig6():
    from explorer.labs.resnet.figures import make_fig6_figure

    plain20, resnet20, resnet56 = {"depth": 20, "plain": True}, {"depth": 20, "plain": False}, {"depth": 56}
    live = [("plain-20", plain20, {"train_error": ([10, 20], [0.5, 0.4]), "test_error": ([20], [0.45])})]
    reference = [("plain-20", plain20, {"train_error": ([100], [0.1])}),
                 ("ResNet-20", resnet20, {"test_error": ([100], [0.08])}),
                 ("ResNet-56", resnet56, {"test_error": ([100], [0.07])})]
    fig = make_fig6_figure(live, reference)
    by_name = {trace.name: trace for trace in fig.data}
    assert by_name["plain-20 train"].line.dash == "dash" and by_name["plain-20 test"].line.dash == "solid"
    assert list(by_name["plain-20 test"].y) == pytest.approx([45.0])
    assert by_name["plain-20 train (reference)"].opacity < 1
    assert by_name["plain-20 train (reference)"].line.color == by_name["plain-20 train"].line.color
    assert by_name["plain-20 test"].xaxis == "x" and by_name["ResNet-20 test (reference)"].xaxis == "x2"
    assert by_name["ResNet-20 test (reference)"].line.color == by_name["plain-20 test"].line.color  # one per depth
    assert by_name["ResNet-56 test (reference)"].line.color != by_name["ResNet-20 test (reference)"].line.color
    assert tuple(fig.layout.yaxis.range) == (0, 70)   # 1.5 x the highest last error (45%), to the next 10
    single = make_fig6_figure([], reference[1:])      # ResNets only: one panel, the paper's 0-20%
    assert {trace.xaxis for trace in single.data} == {"x"} and tuple(single.layout.yaxis.range) == (0, 20)
    shortcuts = make_fig6_figure([], [(f"option {o}", {"depth": 20, "shortcut": o}, {"test_error": ([1], [0.1])})
                                       for o in ("A", "B", "C")])
    assert len({trace.line.color for trace in shortcuts.data}) == 3  # one colour per shortcut option at a depth


def test_recode_examples_show_each_class_as_stored_coded_once_more_and_the_difference(home):
    mosaic, change = views.recode_examples()
    assert mosaic.shape == (3 * (4 * 32 + 4), 10 * (4 * 32 + 4), 3) and mosaic.dtype == np.uint8  # 3 rows, 10 classes
    assert 2 < change < 10  # levels of 255: a coding's loss (train.recompress measured 4.8 on the mirror)
    stored, coded = mosaic[2:130, 2:130], mosaic[134:262, 2:130]  # the first image in its first two rows
    assert 0 < np.abs(stored.astype(int) - coded).mean() < 20
    assert np.array_equal(stored[::4, ::4], stored[1::4, 1::4])  # each pixel a 4x4 block: JPEG's blocks stay visible
    difference = views.recode_mosaic(stored[None, ::4, ::4], stored[None, ::4, ::4])[2 * 132 + 2:3 * 132 - 2, 2:-2]
    assert difference.max() == 0  # an image against itself: a black difference


def test_tab_builds_and_its_handlers_answer(home):
    import gradio as gr

    from explorer.labs.resnet import tab as resnet_tab

    with gr.Blocks():
        resnet_tab.build()
    pictures = resnet_tab.recode_view(None)
    assert pictures.data[0].type == "image" and list(pictures.layout.yaxis.ticktext)[1] == "coded once more"
    svg, costs, table = resnet_tab.block_view(64, None)
    assert svg.startswith("<svg") and len(costs["data"]) == 2 and len(table["data"]) == 5
    assert [row[0] for row in resnet_tab.shortcut_table(20, None)["data"]] == ["plain", "A", "B", "C"]
    with pytest.raises(gr.Error):
        resnet_tab.show_responses([], None)
    with pytest.raises(gr.Error):
        resnet_tab.fig6_variants([20, 32, 44, 56], lang="en")
    with pytest.raises(gr.Error):
        resnet_tab.check_data("/no/such/folder", "en")


def test_seeds_of_one_recipe_are_drawn_as_their_mean_and_band():
    """Issue 32 item 4: runs that differ only in their seed become one mean line and a band from the lowest seed to
    the highest; another recipe stays a line of its own."""
    from explorer.labs.resnet.figures import make_fig6_figure

    seeds = [(f"seed {s}", {"depth": 20, "seed": s}, {"test_error": ([1, 2, 3], errors)})
             for s, errors in ((0, [0.5, 0.3, 0.2]), (1, [0.4, 0.35, 0.1]), (2, [0.6, 0.2, 0.15]))]
    other = ("ResNet-56", {"depth": 56, "seed": 0}, {"test_error": ([1, 2, 3], [0.4, 0.2, 0.1])})
    assert [len(group) for group in views.seed_groups([*seeds, other])] == [3, 1]
    steps, mean, low, high = views.mean_band(seeds, "test_error")
    assert steps == [1, 2, 3] and mean == pytest.approx([0.5, 0.85 / 3, 0.15])
    assert list(low) == [0.4, 0.2, 0.1] and list(high) == [0.6, 0.35, 0.2]
    assert views.mean_band(seeds[:1], "test_error") is None       # one seed: no band to draw (the Seeds tab says so)
    early = ("seed 3", {"depth": 20, "seed": 3}, {"test_error": ([1, 2], [0.7, 0.1])})  # a seed still training
    steps, mean, low, high = views.mean_band([seeds[0], early], "test_error")
    assert steps == [1, 2, 3] and mean == pytest.approx([0.6, 0.2, 0.2])  # past its end: the seed that went on
    assert list(low[:2]) == [0.5, 0.1] and list(high[:2]) == [0.7, 0.3] and np.isnan([low[2], high[2]]).all()
    fig = make_fig6_figure([], [*seeds, other])
    bands = [trace for trace in fig.data if trace.fill == "toself"]
    assert len(bands) == 1 and max(bands[0].y) == pytest.approx(60) and min(bands[0].y) == pytest.approx(10)
    lines = {trace.name: trace for trace in fig.data if trace.fill != "toself"}
    assert list(lines["ResNet-20, mean of 3 seeds test (reference)"].y) == pytest.approx([50, 85 / 3, 15])
    assert "ResNet-56 test (reference)" in lines and len(lines) == 2


def test_resnet20_is_drawn_as_its_seeds_mean_and_band_wherever_it_is_drawn(monkeypatch, tmp_path):
    """Issue 32 item 4: where the seed yardstick has another seed of a reference run (ResNet-20), every panel that
    draws that run draws the seeds' mean and band under the run's own name; the ends table keeps the run alone."""
    import functools
    import shutil

    from explorer.labs.resnet import tab
    from explorer.shared import experiment_panel, reference_runs

    seeds = tmp_path / "resnet" / "resnet-seed"
    shutil.copytree(reference_runs.REFERENCE_DIR / "resnet" / "resnet-seed", seeds)
    for suffix in (".csv", ".json", ".npz"):  # seed 1: seed 0's run a point worse, trained to 10,000 iterations
        (seeds / f"seed 1{suffix}").unlink(missing_ok=True)
    header, *rows = (seeds / "seed 0.csv").read_text().splitlines()
    column = header.split(",").index("test_error")
    worse = [",".join(f"{float(v) + 0.01}" if i == column and v else v for i, v in enumerate(row.split(",")))
             for row in rows if int(row.split(",")[0]) <= 10_000]
    (seeds / "seed 1.csv").write_text("\n".join([header, *worse]))
    (seeds / "seed 1.json").write_text((seeds / "seed 0.json").read_text().replace('"seed": 0', '"seed": 1'))
    shortcuts = reference_runs.load("resnet", "shortcuts")  # the shipped option A, B and C
    monkeypatch.setattr(reference_runs, "load", functools.partial(reference_runs.load, root=tmp_path))
    added = views.with_seeds(shortcuts)
    assert [(name, cfg["seed"]) for name, cfg, _ in added[len(shortcuts):]] == [("option A", 1)]
    assert views.with_seeds(added) == added  # a seed already drawn is not added again
    figure, notes = tab.draw_group("shortcuts", None, [], shortcuts, "en")
    names = {trace.name for trace in figure.data}
    assert "option A, mean of 2 seeds test (reference)" in names and "option B test (reference)" in names
    band = next(t for t in figure.data if t.fill == "toself" and "test" in t.name)
    assert max(band.x) == 10_000  # the band ends where seed 1 stops; the mean goes on with seed 0
    line = next(t for t in figure.data if t.name == "option A, mean of 2 seeds test (reference)")
    at = dict(zip(line.x, line.y))
    assert max(line.x) == 64_000 and at[10_000] == pytest.approx(100 * error_at(rows, column, 10_000) + 0.5)
    assert at[11_000] == pytest.approx(100 * error_at(rows, column, 11_000))
    assert notes.count("option A") == 1 and "seed 1" not in notes
    figure, _ = tab.draw_group("shortcuts", experiment_panel.REFERENCE, shortcuts, [], "en")  # reference runs chosen
    assert "option A, mean of 2 seeds test" in {trace.name for trace in figure.data}


def error_at(rows: list[str], column: int, step: int) -> float:
    """Seed 0's test error at `step`, from its csv rows."""
    return next(float(row.split(",")[column]) for row in rows if int(row.split(",")[0]) == step)


def test_fig6_frames_a_live_run_and_keeps_the_users_zoom():
    """Issue 31 item 1: with a 300-iteration run shown, each reference run's whole schedule is drawn over its 300
    iterations (the legend says so), the x-axis spans the live run, and uirevision keeps a zoom across redraws."""
    from explorer.labs.resnet import tab as resnet_tab
    from explorer.labs.resnet.figures import make_fig6_figure

    reference = [("ResNet-20", {"depth": 20, "steps": 64_000}, {"test_error": ([1000, 32_000, 64_000], [0.5, 0.2, 0.1])})]
    live = [("lecture", {"depth": 20, "steps": 300}, {"test_error": ([100, 150], [0.7, 0.6])})]
    fig = make_fig6_figure(live, reference, uirevision="group-1")
    framed = next(trace for trace in fig.data if "reference" in trace.name)
    assert list(framed.x) == pytest.approx([300 / 64, 150, 300]) and list(framed.customdata) == [1000, 32_000, 64_000]
    assert "64,000 iterations drawn over 300" in framed.name
    assert tuple(fig.layout.xaxis.range) == (0, 300) and fig.layout.uirevision == "group-1"
    alone = make_fig6_figure([], reference)                       # nothing live: the reference's own iterations
    assert list(alone.data[0].x) == [1000, 32_000, 64_000] and alone.layout.xaxis.range is None
    first, _ = resnet_tab.draw_group("plain-vs-residual", "g1", live, reference, "en")
    again, _ = resnet_tab.draw_group("plain-vs-residual", "g1", live, reference, "en")
    other, _ = resnet_tab.draw_group("plain-vs-residual", "g2", live, reference, "en")
    assert first.layout.uirevision == again.layout.uirevision != other.layout.uirevision


def test_the_jpeg_tab_says_how_much_of_the_gap_one_more_coding_explains(home, tmp_path, monkeypatch):
    import functools
    import shutil

    from explorer.labs.resnet import tab as resnet_tab
    from explorer.shared import reference_runs
    from explorer.shared.yardstick import end_error

    gap = views.jpeg_gap()
    ends = {name: end_error(curves) for name, _, curves in reference_runs.load("resnet", "jpeg")}
    assert gap["cost"] == pytest.approx(ends["coded once more"] - ends["as stored"]) and gap["cost"] > 0
    error = reference_runs.final_test_error(reference_runs.MODELS_DIR / "resnet20-cifar")
    assert gap["gap"] == pytest.approx(100 * error - 8.75) and gap["share"] == pytest.approx(gap["cost"] / gap["gap"])
    _, notes = resnet_tab.draw_group("jpeg", None, [], reference_runs.load("resnet", "jpeg"), "en")
    assert f"{gap['cost']:.2f} points" in notes and f"{gap['gap']:.2f} points" in notes and "91.25%" in notes
    _, zh = resnet_tab.draw_group("jpeg", None, [], reference_runs.load("resnet", "jpeg"), "zh")
    assert f"{gap['cost']:.2f} 个百分点" in zh
    assert "91.25%" not in resnet_tab.draw_group("shortcuts", None, [], reference_runs.load("resnet", "shortcuts"),
                                                 "en")[1]
    assert views.jpeg_gap("no-such-model") is None
    # against chance: the gap to the paper beside how far two seeds of ResNet-20 end apart (the Seeds tab)
    for name in ("jpeg", "resnet-seed"):
        shutil.copytree(reference_runs.REFERENCE_DIR / "resnet" / name, tmp_path / "resnet" / name)
    seeds = tmp_path / "resnet" / "resnet-seed"
    header, *rows = (seeds / "seed 0.csv").read_text().splitlines()
    column = header.split(",").index("test_error")
    (seeds / "seed 1.csv").write_text("\n".join([header, *(  # seed 1: seed 0's whole run, half a point worse
        ",".join(f"{float(v) + 0.005}" if i == column and v else v for i, v in enumerate(row.split(",")))
        for row in rows)]))
    (seeds / "seed 1.json").write_text((seeds / "seed 0.json").read_text().replace('"seed": 0', '"seed": 1'))
    (seeds / "seed 1.npz").unlink(missing_ok=True)
    load = reference_runs.load  # read once per root
    monkeypatch.setattr(reference_runs, "load", functools.partial(load, root=tmp_path))
    chance = resnet_tab.jpeg_markdown("en").split("**Chance**")[1]
    assert "the two seeds end **0.50 points** apart" in chance and f"{gap['gap'] / 0.5:.0f} times that" in chance
    assert f"one more coding's cost {gap['cost'] / 0.5:.0f} times" in chance
    assert "两个种子最终相差 **0.50 个百分点**" in resnet_tab.jpeg_markdown("zh")
    alone = tmp_path / "no seed 1"  # a checkout without seed 1's run
    shutil.copytree(tmp_path / "resnet", alone / "resnet")
    for suffix in (".csv", ".json"):
        (alone / "resnet" / "resnet-seed" / f"seed 1{suffix}").unlink()
    monkeypatch.setattr(reference_runs, "load", functools.partial(load, root=alone))
    assert "measured in the Seeds tab once seed 1's run ships" in resnet_tab.jpeg_markdown("en")
