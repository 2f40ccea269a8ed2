"""Pure computations behind the ResNet lab: per-layer probes, parameters, FLOPs, block diagrams, JPEG recoding.

Arrays and dicts in, arrays, dicts and SVG text out; no Gradio here, so each is tested directly.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from explorer.serving.devices import device
from explorer.serving.gpu import gpu
from explorer.shared import reference_runs
from explorer.shared.i18n import text
from explorer.shared.reference_runs import Curves
from explorer.shared.yardstick import end_error
from models.resnet import (
    IMAGENET_LAYERS,
    IMAGENET_MULT_ADDS,
    SHORTCUTS,
    BasicBlock,
    Bottleneck,
    cifar_resnet,
    gradient_norms,
    imagenet_resnet,
    response_std,
)
from train.checkpoint import load_weights
from train.data import load_sample, normalize
from train.recompress import recode_array
from train.reference import recipe_of
from train.runtime import seeded

Series = tuple[str, dict, Curves]  # (label, run config, metrics), as reference_runs.load gives them
Profile = tuple[str, dict, np.ndarray]            # (legend name, run config, one value per 3x3 layer)
STAGE_SIZE = {64: 56, 128: 28, 256: 14, 512: 7}  # Table 1: feature-map side of each stage's width at 224x224


# -- probes on fixed batches --------------------------------------------------------------------------------

@functools.cache
def probe_batch(split: str = "test", size: int = 256) -> tuple[torch.Tensor, torch.Tensor]:
    """A fixed, unaugmented batch of the bundled CIFAR-10 sample: (x (size, 3, 32, 32), labels (size,))."""
    data = load_sample()
    xs, ys = (data.test_x, data.test_y) if split == "test" else (data.train_x, data.train_y)
    return normalize(torch.from_numpy(xs[:size])), torch.from_numpy(ys[:size])


@functools.cache
def recode_examples(quality: int = 75) -> tuple[np.ndarray, float]:
    """What `recode_quality` does to images: a mosaic of the bundled sample's first test image of each class (as
    recode_mosaic draws them), and the mean change over all its test images, in levels of 255."""
    data = load_sample()
    coded = recode_array(data.test_x, quality)  # the test images only, kept in memory: the sample ships with the app
    firsts = np.unique(data.test_y, return_index=True)[1]
    return recode_mosaic(data.test_x[firsts], coded[firsts]), float(np.abs(coded.astype(np.float32) - data.test_x).mean())


def recode_mosaic(stored: np.ndarray, coded: np.ndarray, scale: int = 4, gain: int = 8, pad: int = 2) -> np.ndarray:
    """Three rows of images side by side: as stored, coded once more, and their difference times `gain`; each pixel
    a scale x scale block, so the 8x8 JPEG blocks stay visible; white gaps between images."""
    difference = np.clip(np.abs(coded.astype(np.int16) - stored) * gain, 0, 255).astype(np.uint8)
    rows = []
    for images in (stored, coded, difference):
        big = images.repeat(scale, axis=1).repeat(scale, axis=2)
        tiles = [np.pad(tile, ((pad, pad), (pad, pad), (0, 0)), constant_values=255) for tile in big]
        rows.append(np.concatenate(tiles, axis=1))
    return np.concatenate(rows, axis=0)


def model_from_weights(path: Path, config: dict) -> nn.Module:
    """The CIFAR network a run's config describes, with the weights of one of its checkpoints."""
    model = cifar_resnet(config.get("depth", 20), plain=config.get("plain", False),
                         shortcut=config.get("shortcut", "A"))
    model.load_state_dict(load_weights(path))
    return model.eval()


def weights_response_std(path: Path, config: dict, on: torch.device) -> np.ndarray:
    """Fig. 7 for one set of weights, on the bundled sample's test images, computed on device `on`."""
    return response_std(model_from_weights(path, config).to(on), probe_batch("test")[0].to(on))


@functools.lru_cache(maxsize=64)
@gpu(duration=30)
def checkpoint_response_std(path: Path, depth: int, plain: bool, shortcut: str) -> np.ndarray:
    """Fig. 7 for one checkpoint (on the GPU if any); cached per checkpoint file."""
    return weights_response_std(path, {"depth": depth, "plain": plain, "shortcut": shortcut}, device())


@functools.lru_cache(maxsize=16)
@gpu(duration=30)
def initial_gradient_norms(depth: int, plain: bool, seed: int = 0) -> np.ndarray:
    """Per-3x3-layer gradient norms of a freshly initialised network on a fixed batch of sample training images."""
    with seeded(seed):  # the weights are drawn on the CPU, then moved: the same network on any device
        model = cifar_resnet(depth, plain=plain)
    x, y = probe_batch("train", 64)
    return gradient_norms(model.to(device()), x.to(device()), y.to(device()))


def snapshot_at(steps: list[int], step: int) -> int:
    """The newest snapshot step at or before step (the first one when step is earlier than all)."""
    earlier = [s for s in steps if s <= step]
    return earlier[-1] if earlier else steps[0]


# -- curves: seeds, framing, the JPEG gap ----------------------------------------------------------------------

def recipe_key(config: dict) -> str:
    """A run's recipe but for its seed and data, as seed groups compare it: with the defaults of options newer than
    the run's record (train.reference.recipe_of)."""
    return repr(sorted((k, v) for k, v in recipe_of("resnet", config).items() if k not in ("seed", "data")))


def seed_groups(series: list[Series]) -> list[list[Series]]:
    """Runs grouped by their recipe_key, in the order they come: runs of one recipe with several seeds form one group
    (Fig. 6 draws their mean and band), every other run a group of its own."""
    groups: dict[str, list[Series]] = {}
    for run in series:
        groups.setdefault(recipe_key(run[1]), []).append(run)
    return list(groups.values())


def with_seeds(reference: list[Series]) -> list[Series]:
    """Reference runs with the seed yardstick's other seeds of any of them, named as the run they repeat, so ResNet-20
    is drawn as its seeds' mean and band wherever it is drawn (Fig. 6, option A, the images as stored)."""
    keyed = [(recipe_key(config), config.get("seed", 0), name) for name, config, _ in reference]
    names, shown = {key: name for key, _, name in keyed}, {(key, seed) for key, seed, _ in keyed}
    added = []
    for _, config, curves in reference_runs.load("resnet", "resnet-seed"):
        key = recipe_key(config)
        if key in names and (key, config.get("seed", 0)) not in shown:
            added.append((names[key], config, curves))
    return [*reference, *added]


def mean_band(runs: list[Series], metric: str) -> tuple[list[int], np.ndarray, np.ndarray, np.ndarray] | None:
    """(steps, mean, lowest, highest) of a metric over the runs; None where fewer than two runs logged it. A step is
    kept where every run that got that far logged it, and summarised over those runs: past the end of a seed that
    stopped early the line follows the seeds that went on, and where one goes on alone there is no band (NaN)."""
    logged = [dict(zip(*curves[metric])) for _, _, curves in runs if metric in curves and curves[metric][0]]
    if len(logged) < 2:
        return None
    steps = sorted(s for s in set().union(*logged) if all(s in run for run in logged if max(run) >= s))
    values = [[run[step] for run in logged if step in run] for step in steps]
    mean = np.array([np.mean(v) for v in values])
    low, high = (np.array([bound(v) if len(v) > 1 else np.nan for v in values]) for bound in (min, max))
    return steps, mean, low, high


def schedule(config: dict) -> int:
    """A run's planned iterations (its config's steps; 0 where unknown)."""
    return int(config.get("steps") or 0)


TABLE6_RESNET20_ERROR = 8.75  # % test error of ResNet-20 on CIFAR-10, He et al. 2015, Table 6


def jpeg_gap(bundled: str = "resnet20-cifar") -> dict[str, float] | None:
    """The JPEG tab's numbers: the end test error (%) of ResNet-20 on the mirror's images as stored and coded once
    more (the jpeg reference runs), what that coding costs, and the bundled ResNet-20's distance to Table 6; None
    until both runs and the model ship."""
    ends = {name: end_error(curves) for name, _, curves in reference_runs.load("resnet", "jpeg")}
    error = reference_runs.final_test_error(reference_runs.MODELS_DIR / bundled)
    if not {"as stored", "coded once more"} <= ends.keys() or error is None:
        return None
    stored, coded, gap = ends["as stored"], ends["coded once more"], 100 * error - TABLE6_RESNET20_ERROR
    return {"stored": stored, "coded": coded, "cost": coded - stored, "accuracy": 100 - 100 * error, "gap": gap,
            "paper": 100 - TABLE6_RESNET20_ERROR, "share": (coded - stored) / gap if gap > 0 else float("nan")}


# -- parameters and FLOPs -----------------------------------------------------------------------------------

def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def count_mult_adds(build: Callable[[], nn.Module], input_shape: tuple[int, ...]) -> int:
    """Multiply-adds of one forward pass, the paper's "FLOPs" (Table 1), measured by torch's flop counter.

    The model is built on the meta device, so nothing is computed or allocated; torch counts a
    multiply-add as 2 FLOPs, hence the halving.
    """
    from torch.utils.flop_counter import FlopCounterMode  # lazy: it imports triton, slow at app start-up

    with torch.device("meta"):
        model, x = build(), torch.empty(input_shape)
        with FlopCounterMode(display=False) as counter:
            model(x)
    return counter.get_total_flops() // 2


@functools.cache
def imagenet_table() -> list[list]:
    """Table 1 beside our measurement: depth, block, parameters (M), mult-adds (1e9) measured and in the paper."""
    rows = []
    for depth, (block, counts) in IMAGENET_LAYERS.items():
        measured = count_mult_adds(lambda d=depth: imagenet_resnet(d), (1, 3, 224, 224))
        with torch.device("meta"):
            params = count_params(imagenet_resnet(depth))
        paper = IMAGENET_MULT_ADDS[depth]
        rows.append([f"ResNet-{depth}", f"{block.__name__} {list(counts)}", round(params / 1e6, 1),
                     round(measured / 1e9, 2), paper / 1e9, f"{100 * (measured / paper - 1):+.1f}%"])
    return rows


@functools.cache
def shortcut_params(depth: int) -> dict[str, int]:
    """Parameters of the CIFAR network at depth, plain and with each shortcut option (Table 6 counts option A)."""
    return {"plain": count_params(cifar_resnet(depth, plain=True)),
            **{option: count_params(cifar_resnet(depth, shortcut=option)) for option in SHORTCUTS}}


def block_costs(planes: int) -> dict[str, dict[str, float]]:
    """Fig. 5 at a stage's width: the basic block on planes-d input, the bottleneck on 4*planes-d input.

    Returns {block: {"in": input width, "params": weights of the block's convs and BNs, "mult_adds": per image}},
    measured on the stage's 224x224 map size (56 for 64 planes ... 7 for 512).
    """
    side = STAGE_SIZE.get(planes, 56)
    out = {}
    for block in (BasicBlock, Bottleneck):
        width = planes * block.expansion  # identity shortcut: both blocks keep their input's shape

        def build(b=block, w=width) -> nn.Module:
            return b(w, planes, shortcut=nn.Identity())
        out[block.__name__] = {"in": width, "params": count_params(build()),
                               "mult_adds": count_mult_adds(build, (1, width, side, side))}
    return out


# -- diagrams -----------------------------------------------------------------------------------------------

def block_diagram_svg(planes: int = 64, lang: str = "en") -> str:
    """Fig. 5 as SVG: the basic block (left) and the bottleneck block (right) at a stage's width."""
    basic = [(f"3x3, {planes}", 9 * planes * planes), (f"3x3, {planes}", 9 * planes * planes)]
    wide = 4 * planes
    bottleneck = [(f"1x1, {planes}", wide * planes), (f"3x3, {planes}", 9 * planes * planes),
                  (f"1x1, {wide}", planes * wide)]
    parts = [_block_svg(60, f"{planes}-d", basic, lang), _block_svg(400, f"{wide}-d", bottleneck, lang)]
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 680 390" role="img" '
            'style="max-width:680px;width:100%;font-family:sans-serif">'
            '<defs><marker id="rn-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>'
            + "".join(parts) + "</svg>")


def _block_svg(left: float, width_label: str, layers: list[tuple[str, int]], lang: str) -> str:
    """One block: a column of conv boxes (weights beside each), ReLUs between, the identity shortcut on the right."""
    box_w, box_h, gap, top = 170, 40, 34, 50
    cx = left + box_w / 2
    arrow = 'stroke="#444" stroke-width="1.6" marker-end="url(#rn-arrow)"'
    svg = [f'<text x="{cx}" y="22" text-anchor="middle" font-size="15" font-weight="600">'
           f'{text("resnet.svg_input", lang, width=width_label)}</text>',
           f'<line x1="{cx}" y1="28" x2="{cx}" y2="{top}" {arrow}/>']
    y = top
    for i, (name, weights) in enumerate(layers):
        svg.append(f'<rect x="{left}" y="{y}" width="{box_w}" height="{box_h}" rx="6" fill="#e8f0fb" stroke="#1f77b4"/>'
                   f'<text x="{cx}" y="{y + 25}" text-anchor="middle" font-size="15">{name}</text>'
                   f'<text x="{left - 6}" y="{y + 25}" text-anchor="end" font-size="11" fill="#666">'
                   f'{_short(weights)}</text>')
        y += box_h
        label = "relu" if i < len(layers) - 1 else ""
        svg.append(f'<line x1="{cx}" y1="{y}" x2="{cx}" y2="{y + gap}" {arrow}/>'
                   f'<text x="{cx + 8}" y="{y + gap / 2 + 4}" font-size="12" fill="#666">{label}</text>')
        y += gap
    # the addition, the shortcut curving round the column, and the final ReLU
    svg.append(f'<circle cx="{cx}" cy="{y + 12}" r="12" fill="white" stroke="#444"/>'
               f'<text x="{cx}" y="{y + 17}" text-anchor="middle" font-size="16">+</text>'
               f'<path d="M{cx},{top - 12} C{left + box_w + 60},{top - 12} {left + box_w + 60},{y + 12} {cx + 12},'
               f'{y + 12}" fill="none" {arrow}/>'
               f'<text x="{left + box_w + 30}" y="{(top + y) / 2}" font-size="12" fill="#d62728" '
               f'transform="rotate(90 {left + box_w + 30} {(top + y) / 2})" text-anchor="middle">'
               f'{text("resnet.svg_identity", lang)}</text>'
               f'<line x1="{cx}" y1="{y + 24}" x2="{cx}" y2="{y + 54}" {arrow}/>'
               f'<text x="{cx + 8}" y="{y + 43}" font-size="12" fill="#666">relu</text>')
    return "".join(svg)


def _short(n: float) -> str:
    """12345 -> '12.3k' weights."""
    exponent = min(int(math.log10(max(n, 1)) // 3), 3)
    return f"{n / 10 ** (3 * exponent):.3g}{['', 'k', 'M', 'G'][exponent]}"
