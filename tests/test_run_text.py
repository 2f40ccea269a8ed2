"""Runs read in the page's language (issue 31 item 6): statuses, the trainer's messages and variant labels are stored
in English and translated when shown; an unknown launch option gets a message, not Python's TypeError."""
from __future__ import annotations

import pytest

from explorer.labs.runs import tab as runs_tab
from explorer.labs.runs import views as runs_views
from explorer.serving import services
from explorer.shared import run_text
from train.recipes import RECIPES


@pytest.mark.parametrize(("stored", "chinese"), [
    ("done at step 300", "已完成（第 300 步）"),
    ("checkpoint at step 100", "已在第 100 步保存检查点"),
    ("resumed at step 100 on cuda, data: cifar10", "已在 cuda 上从第 100 步继续，数据：cifar10"),
    ("cancelled, at step 40; resume to continue from its last checkpoint", "已取消（第 40 步）；可从最后的检查点继续训练"),
    ("a label someone typed", "a label someone typed"),
])
def test_messages_are_translated_when_shown(stored, chinese):
    assert run_text.message(stored, "zh") == chinese
    assert run_text.message(stored, "en") == stored


def test_the_runs_table_reads_in_chinese(home):
    run_id = services.store().create_run("resnet", RECIPES["resnet"].config("lecture").to_dict(), label="seed 0",
                                         status="done")
    services.store().update(run_id, step=300, message="done at step 300")
    [row] = runs_views.run_rows(services.store().list_runs(), "zh")
    assert runs_views.headers("zh")[:4] == ["编号", "名称", "配方", "状态"]
    assert (row[1], row[3], row[6]) == ("种子 0", "已完成", "已完成（第 300 步）")
    assert "`done` · step 300/300" in runs_tab.details(run_id)  # no request: English


def test_an_unknown_option_names_itself_and_the_known_ones():
    with pytest.raises(runs_tab.UnknownOptions) as caught:
        runs_tab.build_config("alexnet", "lecture", "sample", None, None, None, '{"depth": 56}')
    assert caught.value.names == ["depth"] and "arch" in caught.value.known


def test_the_ablation_titles_say_what_the_experiments_say():
    """The AlexNet ablations' plot titles (explorer/labs/alexnet/strings.py) copy train/recipes' figure and summary in
    English: they must not drift apart."""
    from explorer.shared.i18n import text
    from train.recipes import EXPERIMENTS

    for name, experiment in EXPERIMENTS.items():
        if experiment.recipe == "alexnet":
            assert text(f"alexnet.title_{name}", "en") == f"{experiment.figure}: {experiment.summary}", name
            assert text(f"alexnet.title_{name}", "zh") != text(f"alexnet.title_{name}", "en"), name


def test_every_experiments_figure_reads_in_chinese():
    """The yardstick tables name each experiment's figure (train/recipes, stored in English) in the page's language."""
    from train.recipes import EXPERIMENTS

    for experiment in EXPERIMENTS.values():
        assert run_text.figure(experiment.figure, "en") == experiment.figure
        assert not any(word in run_text.figure(experiment.figure, "zh") for word in ("Fig", "Table", "sec", "gap"))
    assert run_text.figure("Table 3 (on CIFAR-10)", "zh") == "表 3（在 CIFAR-10 上）"
