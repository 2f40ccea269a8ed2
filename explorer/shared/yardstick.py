"""Two seeds of one recipe as the yardstick for a lab's other comparisons.

Each ablation or comparison trains one run per variant; a bundled model's recipe trained again with seed 1 shows how
far two runs end apart by chance alone. Every other reference run in the bundled model's curve folders is weighed
against it: its test error against the bundled run's at the same iteration (a run that stops early is compared
where it stops), and whether the difference is larger than the two seeds' (where seed 1 is still training, as far
as it has come).
"""
from __future__ import annotations

from explorer.shared import reference_runs, run_text
from explorer.shared.i18n import text
from train.recipes import EXPERIMENTS
from train.reference import label, plan


def end_error(curves: reference_runs.Curves, until: float = float("inf")) -> float:
    """Test error (%) at the end, as the ends tables give it: the mean of the last three evaluations up to `until`."""
    return 100 * reference_runs.recent(curves, "test_error", until, count=3)


def seed_markdown(lab: str, experiment: str, bundled: str, lang: str) -> str:
    """Every reference run beside the bundled model `bundled` (the run the seed experiment's seed 0 is) against how
    far its two seeds end apart; "" until both seeds are shipped."""
    seeds = {name: (config, curves) for name, config, curves in reference_runs.load(lab, experiment)}
    if len(seeds) < 2:
        return ""
    (_, base), (config, other) = (seeds[name] for name, _ in EXPERIMENTS[experiment].variants)
    base_end, both = end_error(base), min(base["test_error"][0][-1], other["test_error"][0][-1])
    spread = abs(end_error(other, both) - end_error(base, both))  # a seed still training: where both have come
    ref = next(ref for ref in plan("cifar10") if ref.name == bundled)
    rows = []
    for folder in (ref.curves, *ref.also):
        lab_name, _, other_experiment = folder.partition("/")
        if other_experiment == experiment:
            continue
        own = label(ref, folder)
        for name, _, curves in reference_runs.load(lab_name, other_experiment):
            if name == own or "test_error" not in curves:
                continue
            at = curves["test_error"][0][-1]
            error, against = end_error(curves), end_error(base, at)
            verdict = text(f"scorecard.verdict_{'yes' if abs(error - against) > spread else 'no'}", lang)
            figure = run_text.figure(EXPERIMENTS[other_experiment].figure, lang)
            rows.append(f"| {figure} | {run_text.label(name, lang)} | {at:,} | {error:.2f}% | {error - against:+.2f} "
                        f"| {verdict} |")
    apart = (text("common.seed_apart", lang, spread=spread) if both == base["test_error"][0][-1] else
             text("common.seed_apart_so_far", lang, spread=spread, at=both, steps=int(config.get("steps") or 0)))
    title = text("common.seed_title", lang, model=bundled, base=base_end, apart=apart)
    return "\n".join([title, "", text("common.seed_columns", lang), "|---|---|---|---|---|---|", *rows])
