"""Two seeds of one recipe as the yardstick for a lab's other comparisons.

Each ablation or comparison trains one run per variant; a bundled model's recipe trained again with seed 1 shows how
far two runs end apart by chance alone. Every other reference run in the bundled model's curve folders is weighed
against it: its test error against the bundled run's at the same iteration (a run that stops early is compared
where it stops), and whether the difference is larger than the two seeds' (where seed 1 is still training, as far
as it has come).
"""
from __future__ import annotations

from dataclasses import dataclass

from explorer.shared import reference_runs, run_text
from explorer.shared.i18n import text
from train.recipes import EXPERIMENTS
from train.reference import label, plan


def end_error(curves: reference_runs.Curves, until: float = float("inf")) -> float:
    """Test error (%) at the end, as the ends tables give it: the mean of the last three evaluations up to `until`."""
    return 100 * reference_runs.recent(curves, "test_error", until, count=3)


@dataclass(frozen=True)
class Spread:
    """How far the two seeds' test errors (%) are apart at iteration `at`, the last both have reached; `steps` is
    seed 1's planned iterations, `finished` whether it has come as far as seed 0."""
    points: float
    at: int
    steps: int
    finished: bool

    def sentence(self, lang: str) -> str:
        return (text("common.seed_apart", lang, spread=self.points) if self.finished else
                text("common.seed_apart_so_far", lang, spread=self.points, at=self.at, steps=self.steps))


def seed_spread(lab: str, experiment: str) -> tuple[reference_runs.Curves, Spread] | None:
    """Seed 0's curves and how far the two seeds end apart (a seed still training: where both have come); None until
    both seeds are shipped."""
    seeds = {name: (config, curves) for name, config, curves in reference_runs.load(lab, experiment)}
    if len(seeds) < 2:
        return None
    (_, base), (config, other) = (seeds[name] for name, _ in EXPERIMENTS[experiment].variants)
    last = base["test_error"][0][-1]
    both = min(last, other["test_error"][0][-1])
    points = abs(end_error(other, both) - end_error(base, both))
    return base, Spread(points, int(both), int(config.get("steps") or 0), both == last)


def seed_markdown(lab: str, experiment: str, bundled: str, lang: str) -> str:
    """Every reference run beside the bundled model `bundled` (the run the seed experiment's seed 0 is) against how
    far its two seeds end apart; "" until both seeds are shipped."""
    seeds = seed_spread(lab, experiment)
    if seeds is None:
        return ""
    base, spread = seeds
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
            verdict = text(f"scorecard.verdict_{'yes' if abs(error - against) > spread.points else 'no'}", lang)
            figure = run_text.figure(EXPERIMENTS[other_experiment].figure, lang)
            rows.append(f"| {figure} | {run_text.label(name, lang)} | {at:,} | {error:.2f}% | {error - against:+.2f} "
                        f"| {verdict} |")
    title = text("common.seed_title", lang, model=bundled, base=end_error(base), apart=spread.sentence(lang))
    return "\n".join([title, "", text("common.seed_columns", lang), "|---|---|---|---|---|---|", *rows])
