"""Does it reproduce? Claims each paper makes that the bundled runs can check, beside what they measure.

The Reading tab shows these in pass 3. The paper's side is cited; our side is computed from assets/ (reference
curves, bundled models) the first time it is asked for, so it follows the bundled runs when they are retrained.
A claim measured on other data than the paper's says so instead of a verdict.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from explorer.shared import reference_runs
from explorer.shared.i18n import text
from explorer.shared.run_text import label as shown_label
from models.transformer import PAPER_ALPHA
from train.recipes import EXPERIMENTS
from train.recipes.alexnet import STRONG_LRN

VERDICTS = ("yes", "no", "other_data", "missing")
Measurement = tuple[str, str]  # (what our runs measure, in the language asked; one of VERDICTS)


@dataclass(frozen=True)
class Claim:
    lab: str
    key: str                            # reading/strings.py: scorecard.<key> the claim, scorecard.<key>.paper the
    #                                     paper's number, cited
    measure: Callable[..., Measurement]  # measure(lang="en"); raises LookupError when an asset it needs is not bundled


def _bundled(name: str) -> tuple[dict, Path]:
    for recipe in ("alexnet", "resnet"):
        if name in (models := reference_runs.bundled_models(recipe)):
            return models[name]
    raise LookupError(name)


def _curves(lab: str, experiment: str) -> dict[str, tuple[dict, reference_runs.Curves]]:
    runs = {label: (config, curves) for label, config, curves in reference_runs.load(lab, experiment)}
    if not runs:
        raise LookupError(f"{lab}/{experiment}")
    return runs


# -- AlexNet --------------------------------------------------------------------------------------------------
def relu_speedup(lang: str = "en") -> Measurement:
    """Fig. 1: epochs to 25% training error, tanh over ReLU, each at its fastest learning rate (the caption: "chosen
    independently") in the bundled sweep."""
    from explorer.labs.alexnet.views import fastest, fig1_sweep

    best = fastest(fig1_sweep())
    if not {"relu", "tanh"} <= best.keys():
        raise LookupError("no bundled Fig. 1 sweep where both nets reach 25%")
    (relu_cfg, relu), (tanh_cfg, tanh) = best["relu"], best["tanh"]
    ratio = tanh / relu
    return (text("scorecard.ours_relu", lang, ratio=ratio, relu=relu, relu_lr=f"{relu_cfg['lr']:g}", tanh=tanh,
                 tanh_lr=f"{tanh_cfg['lr']:g}"), "yes" if ratio >= 2 else "no")


def colour_split(lang: str = "en") -> Measurement:
    """Fig. 3: mean colourfulness of conv1's kernels per tower of the bundled two-tower AlexNet."""
    from explorer.labs.alexnet import views
    from train.recipes.alexnet import conv1_weights

    vm = views.load_view_model("bundled:alexnet-cifar-two-towers", None)
    gpu1, gpu2 = (float(views.colourfulness(part).mean())
                  for part in views.tower_split(conv1_weights(vm.model), 2))
    return f"GPU 1 {gpu1:.2f}, GPU 2 {gpu2:.2f}", "yes" if abs(gpu2 - gpu1) >= 0.1 else "no"


def _test_error(name: str) -> tuple[dict, float]:
    """A bundled classifier's config and its last test error."""
    config, weights = _bundled(name)
    error = reference_runs.final_test_error(weights.parent)
    if error is None:
        raise LookupError(f"{name} has no test error")
    return config, error


def accuracy_on(name: str, data: str) -> Callable[..., Measurement]:
    """data: a strings key, on what it was measured."""
    def measure(lang: str = "en") -> Measurement:
        return f"{100 * (1 - _test_error(name)[1]):.2f}% ({text(data, lang)})", "other_data"
    return measure


def overfits_without(experiment: str, without: str, full: str, lang: str = "en") -> Measurement:
    """Sec. 4.1-4.2: without augmentation or dropout the net overfits. The ablation's reference run against the full
    recipe's at their end: the gap between test error and training error (mean of the last ten logged values, on
    the training batches), wider without."""
    runs = _curves("alexnet", experiment)

    def errors(label: str) -> tuple[float, float]:
        curves = runs[label][1]
        return 100 * reference_runs.recent(curves, "train_error"), 100 * curves["test_error"][1][-1]

    (train_without, test_without), (train_full, test_full) = errors(without), errors(full)
    gap_without, gap_full = test_without - train_without, test_full - train_full
    return (text("scorecard.ours_overfits", lang, without=shown_label(without, lang), train_without=train_without,
                 test_without=test_without, gap_without=gap_without, full=shown_label(full, lang),
                 train_full=train_full, test_full=test_full, gap_full=gap_full),
            "yes" if gap_without > gap_full else "no")


def lowers_test_error(experiment: str, variant: str, without: str, by: float) -> Callable[..., Measurement]:
    """Sec. 3.3-4.1: LRN (ILSVRC top-1 1.4 points lower; a four-layer CIFAR-10 net's error from 13% to 11%),
    overlapping pooling (top-1 0.4 points lower) and PCA colour shifts (top-1 over 1 point lower) lower the error
    rates. An ablation's reference runs at their end, test error as the mean of the last three evaluations: it
    holds when `variant` tests `by` points or more below `without`."""
    def measure(lang: str = "en") -> Measurement:
        runs = _curves("alexnet", experiment)
        errors = {label: 100 * reference_runs.recent(runs[label][1], "test_error", count=3)
                  for label, _ in EXPERIMENTS[experiment].variants if label in runs}
        return (text("scorecard.list_sep", lang).join(f"{shown_label(label, lang)} {error:.2f}%"
                                                    for label, error in errors.items()),
                "yes" if errors[variant] <= errors[without] - by else "no")
    return measure


# -- ResNet ---------------------------------------------------------------------------------------------------
def training_error_at_common_step(higher: str, lower: str, lang: str = "en") -> Measurement:
    """Fig. 6: training error (mean of the last ten logged values) of two reference runs at the last step both
    reached; the claim holds when the run named `higher` has the higher one."""
    runs = _curves("resnet", "plain-vs-residual")
    end = min(runs[label][1]["train_error"][0][-1] for label in (higher, lower))
    high, low = (reference_runs.recent(runs[label][1], "train_error", end) for label in (higher, lower))
    return (text("scorecard.ours_two_at", lang, first=higher, a=f"{100 * high:.1f}%", second=lower, b=f"{100 * low:.1f}%",
                 end=end), "yes" if high > low else "no")


def healthy_gradients(name: str = "plain-56", lang: str = "en") -> Measurement:
    """Sec. 4.1: with BN the plain net's backward gradients keep healthy norms. At its newest shipped snapshot, the
    smallest per-layer gradient norm against the largest; vanishing gradients shrink by orders of magnitude over
    the layers, so within a factor of 100 counts as healthy."""
    steps, norms = reference_runs.load_snapshots("resnet", "plain-vs-residual", name).get("grad_norm", ([], None))
    if not steps:
        raise LookupError(f"no gradient norms shipped for {name}")
    last = norms[-1]
    ratio = float(last.min() / last.max())
    return (text("scorecard.ours_gradients", lang, name=name, end=steps[-1], layers=len(last), low=f"{last.min():.3g}",
                 high=f"{last.max():.3g}", ratio=ratio), "yes" if ratio >= 0.01 else "no")


def responses_smaller(lang: str = "en") -> Measurement:
    """Fig. 7: mean response std of the 3x3 layers, each bundled ResNet against the plain net of its depth (20, and
    56 where both are bundled; on the CPU: a page load must not ask a Space for a GPU)."""
    import torch

    from explorer.labs.resnet.views import weights_response_std

    def std(name: str) -> float:
        config, weights = _bundled(name)
        return float(weights_response_std(weights, config, torch.device("cpu")).mean())

    deeper = {"resnet56-cifar", "resnet56-cifar-plain"} <= reference_runs.bundled_models("resnet").keys()
    depths = [20, 56] if deeper else [20]
    pairs = [(depth, std(f"resnet{depth}-cifar"), std(f"resnet{depth}-cifar-plain")) for depth in depths]
    return (text("scorecard.list_sep", lang).join(f"ResNet-{d} {residual:.2f}, plain-{d} {plain:.2f}"
                                                for d, residual, plain in pairs),
            "yes" if all(residual < plain for _, residual, plain in pairs) else "no")


def deeper_responds_less(shallow: str = "ResNet-20", deep: str = "ResNet-56", lang: str = "en") -> Measurement:
    """Fig. 7: the deeper ResNet's layers respond less. Mean response std of the two reference runs' shipped
    snapshots (128 test images each) at the last iteration both reached."""
    from explorer.labs.resnet.views import snapshot_at

    profiles = [reference_runs.load_snapshots("resnet", "plain-vs-residual", name).get("response_std", ([], None))
                for name in (shallow, deep)]
    if not all(steps for steps, _ in profiles):
        raise LookupError(f"no layer responses shipped for {shallow} and {deep}")
    end = min(steps[-1] for steps, _ in profiles)
    shallow_std, deep_std = (float(rows[steps.index(snapshot_at(steps, end))].mean()) for steps, rows in profiles)
    return (text("scorecard.ours_two_at", lang, first=shallow, a=f"{shallow_std:.2f}", second=deep, b=f"{deep_std:.2f}",
                 end=end), "yes" if deep_std < shallow_std else "no")


def projections_not_essential(lang: str = "en") -> Measurement:
    """Sec. 4.1, Table 3: "projection shortcuts are not essential". The shortcut options' reference runs at the last
    iteration all reached: test error (mean of the last three evaluations), within a point of each other."""
    runs = _curves("resnet", "shortcuts")
    if len(runs) < 2:
        raise LookupError("fewer than two shortcut options shipped")
    end = min(curves["test_error"][0][-1] for _, curves in runs.values())
    errors = {label: 100 * reference_runs.recent(curves, "test_error", end, count=3)
              for label, (_, curves) in sorted(runs.items())}
    spread = max(errors.values()) - min(errors.values())
    listed = text("scorecard.list_sep", lang).join(f"{shown_label(label, lang)} {error:.2f}%"
                                                   for label, error in errors.items())
    return text("scorecard.ours_spread", lang, listed=listed, spread=spread, end=end), "yes" if spread <= 1 else "no"


def paper_test_error(name: str, paper: float) -> Callable[..., Measurement]:
    """Table 6: a bundled ResNet's test error; within half a point of the paper's counts as reached."""
    def measure(lang: str = "en") -> Measurement:
        config, error = _test_error(name)
        error *= 100
        return (text("scorecard.ours_test_error", lang, error=error, steps=config["steps"]),
                "yes" if error <= paper + 0.5 else "no")
    return measure


# -- Transformer ----------------------------------------------------------------------------------------------
def translator(name: str) -> dict:
    path = reference_runs.MODELS_DIR / name / "config.json"
    if not path.exists():
        raise LookupError(name)
    return json.loads(path.read_text())


def beam_beats_greedy(name: str) -> Callable[..., Measurement]:
    def measure(lang: str = "en") -> Measurement:
        info = translator(name)
        beam, greedy, alpha = info["test_bleu"], info["test_bleu_greedy"], info.get("beam_alpha", PAPER_ALPHA)
        return (text("scorecard.ours_beam", lang, name=name, beam=beam, greedy=greedy, alpha=alpha),
                "yes" if beam > greedy else "no")
    return measure


def bleu_on(name: str, corpus: str) -> Callable[..., Measurement]:
    """corpus: a strings key, on what it was measured."""
    def measure(lang: str = "en") -> Measurement:
        return f"{translator(name)['test_bleu']:.2f} BLEU ({text(corpus, lang)})", "other_data"
    return measure


def attention_beats_recurrence(lang: str = "en") -> Measurement:
    """Tables 1-2: the Transformer reaches higher BLEU than a recurrent model at less training cost. The bundled
    attention-vs-recurrence runs (same data, vocabulary, trainer and time budget on one GPU): each one's last
    validation BLEU and training minutes; it holds when the Transformer ends higher in no more minutes (Table 2's
    cost is GPU time). Counted FLOPs are reported beside: attention does more arithmetic, in parallel."""
    from explorer.labs.transformer import views

    runs = views.recurrence_runs()
    ends = views.quality_at_cost(runs)
    if not {"Transformer", "RNNsearch"} <= ends.keys():
        raise LookupError("attention-vs-recurrence reference runs")
    ours, theirs = ends["Transformer"], ends["RNNsearch"]
    passed = views.minutes_to_reach(dict((label, c) for label, _, c in runs)["Transformer"], theirs["bleu"])
    holds = ours["bleu"] > theirs["bleu"] and ours["minutes"] <= theirs["minutes"]
    return (text("scorecard.ours_recurrence", lang, bleu=ours["bleu"], minutes=ours["minutes"], other=theirs["bleu"],
                 other_minutes=theirs["minutes"])
            + (text("scorecard.ours_passed", lang, bleu=theirs["bleu"], minutes=passed) if passed is not None else "")
            + text("scorecard.ours_flops", lang, flops=f"{ours['flops']:.2e}", other=f"{theirs['flops']:.2e}"),
            "yes" if holds else "no")


CLAIMS = (
    Claim("alexnet", "relu", relu_speedup),
    Claim("alexnet", "colour", colour_split),
    Claim("alexnet", "alexnet_accuracy",
          accuracy_on("alexnet-cifar", "scorecard.on_alexnet_cifar")),
    Claim("alexnet", "lrn_alexnet", lowers_test_error("alexnet-lrn", "LRN", "no LRN", 0.5)),
    Claim("alexnet", "lrn", lowers_test_error("lrn-four-layer", STRONG_LRN, "no LRN", 0.5)),
    Claim("alexnet", "pooling",
          lowers_test_error("alexnet-pooling", "overlapping (z=3, s=2)", "non-overlapping (z=s=2)", 0.3)),
    Claim("alexnet", "augmentation",
          lambda lang="en": overfits_without("alexnet-augment", "none", "crops + flips + PCA colour", lang)),
    Claim("alexnet", "pca_colour",
          lowers_test_error("alexnet-augment", "crops + flips + PCA colour", "crops + flips", 0.5)),
    Claim("alexnet", "dropout", lambda lang="en": overfits_without("alexnet-dropout", "no dropout", "dropout 0.5", lang)),
    Claim("resnet", "degradation", lambda lang="en": training_error_at_common_step("plain-56", "plain-20", lang)),
    Claim("resnet", "deeper_better", lambda lang="en": training_error_at_common_step("ResNet-20", "ResNet-56", lang)),
    Claim("resnet", "shortcuts", projections_not_essential),
    Claim("resnet", "resnet20", paper_test_error("resnet20-cifar", 8.75)),
    Claim("resnet", "resnet56", paper_test_error("resnet56-cifar", 6.97)),
    Claim("resnet", "gradients", lambda lang="en": healthy_gradients(lang=lang)),
    Claim("resnet", "responses", responses_smaller),
    Claim("resnet", "deeper_responses", lambda lang="en": deeper_responds_less(lang=lang)),
    Claim("transformer", "beam", beam_beats_greedy("transformer-en-de")),
    Claim("transformer", "recurrence", attention_beats_recurrence),
    Claim("transformer", "bleu", bleu_on("transformer-en-de", "scorecard.on_multi30k")),
)


@functools.cache
def measured(claim: Claim, lang: str = "en") -> Measurement:
    """What the bundled runs measure for a claim (once per process and language): ("", "missing") where an asset is
    absent."""
    try:
        return claim.measure(lang)
    except (LookupError, OSError):
        return "", "missing"


def rows(lab: str, lang: str) -> list[list[str]]:
    """The lab's claims as table rows: claim, the paper, our runs, verdict."""
    out = []
    for claim in (c for c in CLAIMS if c.lab == lab):
        ours, verdict = measured(claim, lang)
        out.append([text(f"scorecard.{claim.key}", lang), text(f"scorecard.{claim.key}.paper", lang), ours or "–",
                    text(f"scorecard.verdict_{verdict}", lang)])
    return out


def headers(lang: str) -> list[str]:
    return [text(f"scorecard.col_{column}", lang) for column in ("claim", "paper", "ours", "verdict")]


