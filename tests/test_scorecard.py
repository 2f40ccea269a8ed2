"""The reading tab's reproduction tables: claims measured from the bundled assets, verdicts from the numbers."""
from __future__ import annotations

import pytest

from explorer.labs.alexnet import tab as alexnet_tab
from explorer.reading import scorecard
from explorer.shared import reference_runs
from explorer.shared.i18n import text


def curves(errors: dict[str, list[float]], every: int = 100) -> list[tuple[str, dict, dict]]:
    config = {"batch_size": 100, "train_images": 1000}  # ten steps an epoch
    return [(label, config, {"train_error": ([every * (i + 1) for i in range(len(values))], values)})
            for label, values in errors.items()]


def test_every_bundled_claim_is_measured_in_both_languages():
    needs = {"resnet20": reference_runs.MODELS_DIR / "resnet20-cifar",
             "resnet56": reference_runs.MODELS_DIR / "resnet56-cifar",
             "shortcuts": reference_runs.REFERENCE_DIR / "resnet" / "shortcuts",
             "lrn": reference_runs.REFERENCE_DIR / "alexnet" / "lrn-four-layer",
             "lrn_alexnet": reference_runs.REFERENCE_DIR / "alexnet" / "alexnet-lrn",
             "pooling": reference_runs.REFERENCE_DIR / "alexnet" / "alexnet-pooling",
             "pca_colour": reference_runs.REFERENCE_DIR / "alexnet" / "alexnet-augment" / "crops + flips.csv"}
    for claim in scorecard.CLAIMS:
        ours, verdict = scorecard.measured(claim)
        assert (verdict == "missing") == (claim.key in needs and not needs[claim.key].exists()), (claim.key, ours)
    for lang in ("en", "zh"):
        verdicts = {text(f"scorecard.verdict_{v}", lang) for v in scorecard.VERDICTS}
        for lab in ("alexnet", "resnet", "transformer"):
            rows = scorecard.rows(lab, lang)
            assert rows and all(len(row) == len(scorecard.headers(lang)) and all(row) for row in rows)
            assert {row[3] for row in rows} <= verdicts
            assert not any(row[0].startswith("scorecard.") for row in rows)  # every claim has its words
    assert scorecard.rows("alexnet", "zh")[0][0] != scorecard.rows("alexnet", "en")[0][0]


def test_fig6_claims_compare_training_error_where_both_runs_have_trained(monkeypatch):
    runs = curves({"plain-20": [0.5] * 5 + [0.1] * 20, "plain-56": [0.6] * 15})  # plain-20 trained on, further
    monkeypatch.setattr(reference_runs, "load", lambda lab, experiment: runs)
    ours, verdict = scorecard.training_error_at_common_step("plain-56", "plain-20")
    assert verdict == "yes" and "1,500 iterations" in ours  # plain-20's later, lower errors are not compared
    monkeypatch.setattr(reference_runs, "load", lambda lab, experiment: curves({"plain-20": [0.6] * 15,
                                                                               "plain-56": [0.2] * 15}))
    assert scorecard.training_error_at_common_step("plain-56", "plain-20")[1] == "no"


@pytest.mark.parametrize(("tanh_at", "verdict"), [(60, "yes"), (11, "no")])
def test_fig1_speedup_is_the_ratio_of_epochs_to_25_percent_at_each_nets_fastest_lr(monkeypatch, tanh_at, verdict):
    def fall_at(index: int) -> list[float]:  # logged every step, from step 1: 25% first at step index + 1
        return [0.9 if i < index else 0.25 for i in range(80)]

    runs = curves({"ReLU 0.01": fall_at(10), "ReLU 0.1": fall_at(30), "ReLU 1": [0.9] * 80,
                   "tanh 0.01": fall_at(tanh_at), "tanh 0.1": fall_at(tanh_at + 5)}, every=1)
    runs = [(label, {**config, "activation": label.split()[0].lower(), "lr": float(label.split()[1]),
                     "init": "pytorch"}, metrics) for label, config, metrics in runs]
    monkeypatch.setattr(reference_runs, "load", lambda lab, experiment: runs)
    ours, got = scorecard.relu_speedup()
    assert got == verdict
    assert ours.startswith(f"{(tanh_at + 1) / 11:.2f}x, each net's fastest lr (ReLU 1.1 epochs at lr 0.01, "
                           f"tanh {(tanh_at + 1) / 10:.1f} at 0.01)")
    table = alexnet_tab.sweep_markdown("en")
    assert "| ReLU | PyTorch default | 1 | not within 8 |" in table and f"**{(tanh_at + 1) / 11:.1f}x**" in table


def test_the_beam_claim_names_the_length_penalty_each_bundle_decodes_with(monkeypatch, tmp_path):
    chosen = scorecard.beam_beats_greedy("transformer-en-de")
    info = scorecard.translator("transformer-en-de")
    ours, verdict = chosen("en")
    assert f"α = {info['beam_alpha']} {info['test_bleu']:.2f}, greedy {info['test_bleu_greedy']:.2f}" in ours
    assert verdict == ("yes" if info["test_bleu"] > info["test_bleu_greedy"] else "no")
    assert "长度惩罚 α = " in chosen("zh")[0]
    (tmp_path / "unchosen").mkdir()     # a bundle that never chose one decodes with the paper's 0.6
    (tmp_path / "unchosen" / "config.json").write_text('{"test_bleu": 30.0, "test_bleu_greedy": 31.0}')
    monkeypatch.setattr(reference_runs, "MODELS_DIR", tmp_path)
    assert scorecard.beam_beats_greedy("unchosen")("en") == ("unchosen: beam 4 with length penalty α = 0.6 30.00, "
                                                              "greedy 31.00 BLEU", "no")


def test_a_missing_asset_is_reported_not_raised(monkeypatch, tmp_path):
    monkeypatch.setattr(reference_runs, "MODELS_DIR", tmp_path)
    claim = scorecard.Claim("transformer", "beam", scorecard.beam_beats_greedy("transformer-xx"))
    assert scorecard.measured(claim) == ("", "missing")
    with pytest.raises(LookupError):
        scorecard.paper_test_error("nothing", 8.75)()


def test_vanishing_gradients_would_show_in_the_shipped_norms(monkeypatch):
    import numpy as np

    def shipped(norms):
        monkeypatch.setattr(reference_runs, "load_snapshots",
                            lambda lab, experiment, name: {"grad_norm": ([0, 1000], np.array([norms, norms]))})

    shipped(np.geomspace(1e-5, 1, 55))           # shrinking geometrically towards the input: vanishing
    assert scorecard.healthy_gradients()[1] == "no"
    shipped(np.linspace(0.02, 0.2, 55))
    ours, verdict = scorecard.healthy_gradients()
    assert verdict == "yes" and "1,000 iterations" in ours and "0.10" in ours


def test_fig7_depth_claim_compares_the_runs_where_both_have_trained(monkeypatch):
    import numpy as np

    shipped = {"ResNet-20": ([0, 1000, 2000, 3000], np.array([[0.9] * 19, [0.8] * 19, [0.7] * 19, [0.3] * 19])),
               "ResNet-56": ([0, 1000, 2000], np.array([[0.9] * 55, [0.6] * 55, [0.5] * 55]))}
    monkeypatch.setattr(reference_runs, "load_snapshots",
                        lambda lab, experiment, name: {"response_std": shipped[name]})
    assert scorecard.deeper_responds_less() == ("ResNet-20 0.70, ResNet-56 0.50 (2,000 iterations)", "yes")
    shipped["ResNet-56"][1][2] = 0.75       # the deeper net responding more at the common iteration: not as in Fig. 7
    assert scorecard.deeper_responds_less()[1] == "no"
    monkeypatch.setattr(reference_runs, "load_snapshots", lambda lab, experiment, name: {})  # none shipped
    with pytest.raises(LookupError):
        scorecard.deeper_responds_less()


@pytest.mark.parametrize(("ablated_test", "verdict"), [(0.30, "yes"), (0.07, "no")])
def test_an_ablation_overfits_when_its_gap_between_test_and_training_error_is_wider(monkeypatch, ablated_test,
                                                                                      verdict):
    def run(label, train, test):  # training error logged every step; test error at the end
        return label, {}, {"train_error": (list(range(1, 21)), [0.9] * 10 + [train] * 10),
                           "test_error": ([10, 20], [0.5, test])}

    monkeypatch.setattr(reference_runs, "load", lambda lab, experiment: [run("none", 0.01, ablated_test),
                                                                         run("full", 0.08, 0.15)])
    ours, got = scorecard.overfits_without("alexnet-augment", "none", "full")
    assert got == verdict  # gaps: 29 or 6 points without, against 7 with the full recipe
    assert ours.startswith(f"none: training 1.0%, test {100 * ablated_test:.1f}% (gap {100 * ablated_test - 1:.1f} ")
    assert ours.endswith("full: 8.0%, 15.0% (gap 7.0)")
    with pytest.raises(LookupError):  # a variant not trained yet
        scorecard.overfits_without("alexnet-augment", "crops + flips", "full")


@pytest.mark.parametrize(("option_c", "verdict"), [(0.092, "yes"), (0.11, "no")])
def test_shortcut_options_are_compared_by_test_error_where_all_have_trained(monkeypatch, option_c, verdict):
    def run(label, errors):  # evaluated every 1,000 iterations
        return label, {}, {"test_error": ([1000 * (i + 1) for i in range(len(errors))], errors)}

    shipped = [run("option A", [0.3, 0.2, 0.09, 0.09, 0.09, 0.01]),  # A trained on: its later errors are not compared
               run("option B", [0.3, 0.2, 0.085, 0.085, 0.085]), run("option C", [0.3, 0.2, option_c, option_c, option_c])]
    monkeypatch.setattr(reference_runs, "load", lambda lab, experiment: shipped)
    ours, got = scorecard.projections_not_essential()
    assert got == verdict
    assert ours == (f"option A 9.00%, option B 8.50%, option C {100 * option_c:.2f}% "
                    f"(spread {100 * option_c - 8.5:.2f} points, 5,000 iterations)")
    monkeypatch.setattr(reference_runs, "load", lambda lab, experiment: shipped[:1])  # B and C not trained yet
    with pytest.raises(LookupError):
        scorecard.projections_not_essential()


@pytest.mark.parametrize(("strong", "verdict"), [(0.25, "yes"), (0.266, "no")])
def test_lrn_helps_when_at_the_papers_strength_it_tests_half_a_point_below_none(monkeypatch, strong, verdict):
    from train.recipes.alexnet import STRONG_LRN

    def run(label, errors):  # the mean of the last three evaluations counts
        return label, {}, {"test_error": ([500 * (i + 1) for i in range(len(errors))], errors)}

    shipped = [run("no LRN", [0.5, 0.1, 0.26, 0.27, 0.28]), run("LRN", [0.5, 0.27, 0.27, 0.27]),
               run(STRONG_LRN, [0.5, 0.9, strong, strong, strong])]
    monkeypatch.setattr(reference_runs, "load", lambda lab, experiment: shipped)
    measure = scorecard.lowers_test_error("lrn-four-layer", STRONG_LRN, "no LRN", 0.5)
    ours, got = measure()
    assert got == verdict
    assert ours == f"no LRN 27.00%, LRN 27.00%, {STRONG_LRN} {100 * strong:.2f}%"
    monkeypatch.setattr(reference_runs, "load", lambda lab, experiment: shipped[:2])  # the strong run not shipped
    with pytest.raises(LookupError):
        measure()
    ours, got = scorecard.lowers_test_error("alexnet-lrn", "LRN", "no LRN", 0.5)()  # the AlexNet ablation's order: LRN first
    assert (ours, got) == ("LRN 27.00%, no LRN 27.00%", "no")


def recurrence_runs(transformer_bleu: list[float], transformer_seconds: float) -> list[tuple[str, dict, dict]]:
    """Two runs as the trainer logs them: BLEU every 100 steps, cumulative seconds and FLOPs every 50."""
    def run(bleu: list[float], seconds_per_step: float, flops_per_step: float) -> dict:
        log = [50 * (i + 1) for i in range(2 * len(bleu))]
        return {"bleu": ([100 * (i + 1) for i in range(len(bleu))], bleu),
                "seconds": (log, [s * seconds_per_step for s in log]), "flops": (log, [s * flops_per_step for s in log])}
    return [("Transformer", {}, run(transformer_bleu, transformer_seconds / (100 * len(transformer_bleu)), 4e9)),
            ("RNNsearch", {}, run([10.0, 20.0, 30.0], 0.6, 1e9))]  # 180 s, ending at 30 BLEU


@pytest.mark.parametrize(("bleu", "seconds", "verdict"), [([25.0, 31.0, 32.0], 150.0, "yes"),
                                                          ([25.0, 31.0, 32.0], 240.0, "no"),   # more minutes
                                                          ([20.0, 25.0, 29.0], 150.0, "no")])  # lower BLEU
def test_attention_beats_recurrence_when_it_ends_higher_in_no_more_minutes(monkeypatch, bleu, seconds, verdict):
    from explorer.labs.transformer import views

    monkeypatch.setattr(views, "recurrence_runs", lambda: recurrence_runs(bleu, seconds))
    ours, got = scorecard.attention_beats_recurrence()
    assert got == verdict
    assert f"Transformer {bleu[-1]:.2f} BLEU after {seconds / 60:.1f} min" in ours and "RNNsearch 30.00 after 3.0" in ours
    if bleu[1] > 30:  # where it passes RNNsearch's final BLEU, the minute it did
        assert f"passed 30.00 at {seconds / 60 * 2 / 3:.1f} min" in ours
    monkeypatch.setattr(views, "recurrence_runs", lambda: recurrence_runs(bleu, seconds)[1:])
    with pytest.raises(LookupError):
        scorecard.attention_beats_recurrence()


def test_the_bundled_recurrence_runs_give_the_measured_verdict():
    """The H200 runs (4 December): 39.24 against 34.96 BLEU, the Transformer in fewer minutes."""
    from explorer.labs.transformer import views

    runs = views.recurrence_runs()
    if len(runs) < 2:
        pytest.skip("no bundled attention-vs-recurrence runs")
    ends = views.quality_at_cost(runs)
    ours, verdict = scorecard.attention_beats_recurrence()
    assert f"Transformer {ends['Transformer']['bleu']:.2f} BLEU" in ours and f"RNNsearch {ends['RNNsearch']['bleu']:.2f}" in ours
    assert verdict == ("yes" if ends["Transformer"]["bleu"] > ends["RNNsearch"]["bleu"]
                       and ends["Transformer"]["minutes"] <= ends["RNNsearch"]["minutes"] else "no")
