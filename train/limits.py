"""What one launch may cost on a shared machine, and how long and how large one run may grow there.

A public demo (a Hugging Face Space; see explorer/serving/deployment.py) trains lecture-sized runs only. Every field of
every recipe's config is classified here, so a new field cannot slip through unclassified (tests/test_deployment.py
checks that each one is):

- CAPPED: raises the cost of a step or the number of steps (model size, data per step, evaluation size): at most
  the largest value the recipe's lecture presets use. ZERO_MEANS_ALL fields take 0 for "everything" (minutes: no
  time budget): over any cap but a preset's own 0.
- FLOORED: how often something extra runs (evaluation, snapshots, a host sync): at least the smallest preset value.
- PRESET_ONLY: a setting that changes the cost by a factor (fp32 instead of bf16, torch.compile's autotuning, a
  forced device, recoding every image), or names a path on the server (init_from): only the values the lecture
  presets use.
- COST_FREE: does not change what a step costs, or only by a small bounded factor among a few validated choices.

Outside the config, the launcher (train/launcher.py) enforces RunLimits from outside the training process.
"""
from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from train.recipes import EXPERIMENTS, RECIPES

CAPPED = ("steps", "minutes", "batch_size", "train_size", "val_size", "eval_size", "depth", "n_layers", "d_model",
          "d_ff", "n_heads", "vocab_size", "max_sentence_tokens", "eval_beam", "hidden", "emb_size", "hidden_size",
          "align_size", "maxout_size")
ZERO_MEANS_ALL = ("train_size", "eval_size", "minutes")  # minutes 0: no time budget, the steps alone
# Beyond the presets: the ResNet lab offers Fig. 6's deepest net (sec. 4.2) with the lecture preset, a step 5.5 times
# ResNet-20's; RunLimits still bounds its time and memory.
RAISED_CAPS = {("resnet", "depth"): 110}
FLOORED = ("log_every", "eval_every", "checkpoint_every", "snapshot_every")
PRESET_ONLY = ("device", "amp", "compile", "recode_quality", "widths", "conv1", "resize", "init_from")
ALSO_ALLOWED = {"compile": ("off",)}  # cheaper than any preset's choice
PUBLIC_DATA = ("sample", "cifar10")  # data: the bundled sample or CIFAR-10; never a path on the server
COST_FREE = {
    "seed": "which random numbers",
    "optimizer": "sgd or adam: Adam's two moments are bounded by the capped model size",
    "lr": "a number the step multiplies by", "momentum": "likewise", "beta2": "likewise", "eps": "likewise",
    "weight_decay": "likewise", "gamma": "likewise", "label_smoothing": "likewise", "dropout": "likewise",
    "lrn_alpha": "likewise", "attn_dropout": "likewise", "relu_dropout": "likewise",
    "clip_norm": "one norm over the gradients each step",
    "schedule": "how lr changes, one number per step", "milestones": "likewise (the options text is capped)",
    "warmup_steps": "likewise", "warmup": "likewise",
    "data": f"checked apart: one of {', '.join(PUBLIC_DATA)}",
    "augment": "per-batch work on the capped batch", "channels_last": "a memory layout",
    "arch": "validated choices; alexnet, the default, is the largest", "activation": "relu or tanh",
    "towers": "1 or 2 (grouped convolutions: no more work)", "lrn": "on or off", "overlap": "3x3 or 2x2 pooling",
    "init": "initial weights", "conv1_init": "likewise",
    "plain": "with or without shortcuts", "shortcut": "A, B or C: 1x1 projections at most",
    "corpus": "two corpora of similar size", "norm": "post or pre", "share_embeddings": "one or two embedding tables",
    "tie_output": "one or two output tables, of capped sizes",
    "offline": "where the bundled corpus is read from",
}


class Refused(ValueError):
    """A config a public demo does not train: why (a key of REASONS) and the field, its limit and value."""

    def __init__(self, why: str, field: str, limit: Any, value: Any):
        super().__init__(f"{field}: {why} (limit {limit!r}, got {value!r})")
        self.why, self.field, self.limit, self.value = why, field, limit, value


def lecture_limits(recipe: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, tuple]]:
    """(caps, floors, allowed values) of the recipe's fields over its lecture preset and its experiments' ones."""
    presets = [RECIPES[recipe].presets.get("lecture", {})]
    presets += [e.presets.get("lecture", {}) | v for e in EXPERIMENTS.values() if e.recipe == recipe
                for _, v in e.variants]
    base = RECIPES[recipe].config("lecture" if "lecture" in RECIPES[recipe].presets else None).to_dict()
    values = {field: [preset.get(field, base[field]) for preset in presets] for field in base}
    caps = {f: max([*v, RAISED_CAPS.get((recipe, f), v[0])], key=lambda x, f=f: _size(f, x))
            for f, v in values.items() if f in CAPPED}
    floors = {f: min(v) for f, v in values.items() if f in FLOORED}
    allowed = {f: tuple(dict.fromkeys([*map(_frozen, v), *ALSO_ALLOWED.get(f, ())])) for f, v in values.items()
               if f in PRESET_ONLY}
    return caps, floors, allowed


def check_finite(config: Mapping[str, Any]) -> None:
    """Refused('not_finite') for a NaN or infinite number anywhere in the config (JSON options may hold them)."""
    for field, value in config.items():
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(item, float) and not math.isfinite(item):
                raise Refused("not_finite", field, None, item)


def check_lecture_sized(recipe: str, config: Mapping[str, Any]) -> None:
    """Refused unless every field is within lecture_limits(recipe); fields the config lacks take the cap."""
    check_finite(config)
    if config.get("data", PUBLIC_DATA[0]) not in PUBLIC_DATA:
        raise Refused("data", "data", PUBLIC_DATA, config["data"])
    caps, floors, allowed = lecture_limits(recipe)
    for field, limit in caps.items():
        value = config.get(field, limit)
        if not _number(value):
            raise Refused("not_finite", field, limit, value)
        if _size(field, value) > _size(field, limit):
            raise Refused("too_big", field, limit, value)
    for field, limit in floors.items():
        value = config.get(field, limit)
        if not _number(value) or value < limit:
            raise Refused("too_often", field, limit, value)
    for field, values in allowed.items():
        if field in config and _frozen(config[field]) not in values:
            raise Refused("not_offered", field, values, config[field])


def _size(field: str, value: Any) -> Any:
    """value as a size to compare: a ZERO_MEANS_ALL field's 0 is larger than any number."""
    return math.inf if field in ZERO_MEANS_ALL and value == 0 else value


def _frozen(value: Any) -> Any:
    """A list (as a config read back from JSON holds a tuple field) as a tuple, to compare with a preset's."""
    return tuple(value) if isinstance(value, list) else value


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class RunLimits:
    """How long and how large one run may grow on a shared machine; the launcher stops it past either."""

    wall_s: float = 30 * 60       # lecture presets take minutes on a 2-core CPU (train/recipes/*.py)
    rss_bytes: int = 4 << 30      # ResNet-110 lecture run: 2.0 GB at most (measured); ResNet-1202 passed 12 GB before step 1
    grace_s: float = 20.0         # after SIGTERM, time to save a checkpoint before SIGKILL
    nice: int = 10                # CPU priority lowered by this: on a 2-core Space the students' clicks come first

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RunLimits:
        """PAPERLAB_RUN_MAX_MINUTES and PAPERLAB_RUN_MAX_GB override the defaults."""
        env = os.environ if env is None else env
        minutes, gb = env.get("PAPERLAB_RUN_MAX_MINUTES"), env.get("PAPERLAB_RUN_MAX_GB")
        return cls(wall_s=float(minutes) * 60 if minutes else cls.wall_s,
                   rss_bytes=int(float(gb) * (1 << 30)) if gb else cls.rss_bytes)


@dataclass(frozen=True)
class Quota:
    """Active (queued or running) runs one person (owner id) and one client address may have at a time."""

    per_owner: int = 6    # a whole Fig. 6 experiment (3 depths, plain and residual) fits
    per_client: int = 6   # a lecture hall behind one NAT shares it: raise PAPERLAB_RUNS_PER_ADDRESS there

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Quota:
        env = os.environ if env is None else env
        per_client = env.get("PAPERLAB_RUNS_PER_ADDRESS")
        return cls(per_client=int(per_client) if per_client else cls.per_client)
