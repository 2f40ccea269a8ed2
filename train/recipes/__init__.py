"""Named recipes (how to train one model) and experiments (the runs that make one of a paper's figures).

Each lab registers its own in a module of this package; the CLI, the run launcher and the UI
all read the same two tables.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from train.config import TrainConfig
from train.runtime import Dist


@dataclass(frozen=True)
class Recipe:
    name: str
    summary: str
    config_cls: type[TrainConfig]
    build_task: Callable[[Any, torch.device, Dist], Any]  # (config, device, ranks) -> Task
    presets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # named overrides, e.g. "lecture"

    def config(self, preset: str | None = None, **overrides: Any) -> TrainConfig:
        values = dict(self.presets[preset]) if preset else {}
        values.update(overrides)
        return self.config_cls(**values)


@dataclass(frozen=True)
class Experiment:
    """Several runs of one recipe, differing in a few options, compared on one plot."""

    name: str
    summary: str
    recipe: str
    figure: str                                             # the paper's figure or claim
    variants: tuple[tuple[str, Mapping[str, Any]], ...]     # (label, overrides)
    presets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # applied to every variant


RECIPES: dict[str, Recipe] = {}
EXPERIMENTS: dict[str, Experiment] = {}


def register(item: Recipe | Experiment) -> None:
    table = RECIPES if isinstance(item, Recipe) else EXPERIMENTS
    if item.name in RECIPES or item.name in EXPERIMENTS:
        raise ValueError(f"{item.name} is registered twice")
    table[item.name] = item


def get_recipe(name: str) -> Recipe:
    if name not in RECIPES:
        raise KeyError(f"unknown recipe {name!r}; known: {', '.join(sorted(RECIPES))}")
    return RECIPES[name]


def experiment_configs(name: str, preset: str | None = None, **overrides: Any) -> list[tuple[str, TrainConfig]]:
    """(label, config) for each run of an experiment; overrides apply to all of them."""
    exp = EXPERIMENTS[name]
    recipe = get_recipe(exp.recipe)
    shared = {**(exp.presets.get(preset, {}) if preset else {}), **overrides}
    return [(label, recipe.config(None, **{**shared, **variant})) for label, variant in exp.variants]


# Each lab module registers its recipes and experiments when imported.
from train.recipes import alexnet, recurrent, resnet, translation  # noqa: E402,F401
