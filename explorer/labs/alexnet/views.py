"""Pure functions behind the AlexNet tab: arrays in, arrays or dicts out (no Gradio, no plotly).

Filters (Fig. 3), the models the views can load, the nearest-neighbour index and top-5 (Fig. 4),
Captum attributions, how much LRN normalises (sec. 3.3), and uploaded images turned into clean RGB arrays.
"""
from __future__ import annotations

import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError
from torch import nn

from explorer.serving.devices import device, on_device
from explorer.serving.gpu import gpu
from explorer.shared import reference_runs, run_text
from explorer.shared.i18n import text
from explorer.shared.reference_runs import Curves, bundled_label, bundled_models, read_curves
from models.alexnet import TowerLRN, imagenet_alexnet
from train.checkpoint import load_weights
from train.data import CIFAR10_CLASSES, CIFAR10_MEAN, CIFAR10_STD, cifar10_cached, load_cifar10, load_sample
from train.filter_measures import colourfulness, summary, tower_split  # noqa: F401 (the views' measures)
from train.recipes.alexnet import RAW_PIXEL_SCALE, AlexNetRunConfig, build_model, conv1_weights
from train.runtime import seeded
from train.store import RunStore

IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
Progress = Callable[[int, int], None]


# -- uploads ------------------------------------------------------------------------------
class ImageInputError(ValueError):
    """An upload that cannot be used; the message says why and what to send instead."""


MIN_SIDE = 8        # smaller images hold nothing to recognise
MAX_SIDE = 512      # larger ones are downscaled on reading (the models see 32 or 224 pixels; a session keeps one)
MAX_PIXELS = 16_000_000  # decoded in full at most (a 16-bit 4000x4000 PNG: about 100 MB while it decodes); a JPEG
                         # up to 64 times larger decodes at 1/8 scale (draft mode), under it


def read_image(source: str | Path | np.ndarray) -> np.ndarray:
    """Any image file or array -> RGB uint8 (H, W, 3), longest side at most MAX_SIDE.

    Grayscale, palette, CMYK and 16-bit images are converted; transparency is flattened onto white;
    EXIF rotation is applied. Too large (over PIL's decompression-bomb limit), too small, damaged
    or non-image input raises ImageInputError.
    """
    if isinstance(source, np.ndarray):
        return np.asarray(_to_rgb(_array_image(source)))
    try:
        with Image.open(source) as img:
            w, h = img.size
            if w * h > (Image.MAX_IMAGE_PIXELS or float("inf")):
                raise ImageInputError(f"the image is {w}x{h} pixels, over the limit of "
                                      f"{Image.MAX_IMAGE_PIXELS / 1e6:.0f} megapixels: scale it down first")
            check_size(w, h)
            img.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale, fast for huge photos
            if img.size[0] * img.size[1] > MAX_PIXELS:  # the size it would decode at, read from the header only
                raise ImageInputError(f"the image is {w}x{h} pixels, over the limit of {MAX_PIXELS / 1e6:.0f} "
                                      "megapixels: scale it down first")
            img = ImageOps.exif_transpose(img)
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            return np.asarray(_to_rgb(img))
    except ImageInputError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageInputError(f"the image is too large to open safely ({exc}): scale it down first") from exc
    except UnidentifiedImageError as exc:
        raise ImageInputError("this file is not an image that can be read: upload a PNG, JPEG, WebP, GIF, BMP "
                              "or TIFF file") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageInputError(f"the image file is damaged or truncated ({exc}): try another file") from exc


def check_size(w: int, h: int) -> None:
    if min(w, h) < MIN_SIDE:
        raise ImageInputError(f"the image is only {w}x{h} pixels: use one at least {MIN_SIDE}x{MIN_SIDE}")


def _array_image(array: np.ndarray) -> Image.Image:
    """A numpy image (H, W), (H, W, 1|3|4), uint8 or float in [0, 1], as a PIL image."""
    a = np.asarray(array)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (3, 4)):
        raise ImageInputError(f"expected an image array of shape (H, W) or (H, W, 3|4), got {a.shape}")
    check_size(a.shape[1], a.shape[0])
    if a.dtype != np.uint8:
        a = np.clip(np.nan_to_num(a.astype(np.float32)) * (255 if a.max(initial=0) <= 1 else 1), 0, 255)
    img = Image.fromarray(a.astype(np.uint8))
    img.thumbnail((MAX_SIDE, MAX_SIDE))
    return img


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):  # 16-bit or float: stretch to 8 bits
        a = np.asarray(img, np.float32)
        a = 255 * (a - a.min()) / max(float(np.ptp(a)), 1e-6)
        return Image.fromarray(a.astype(np.uint8)).convert("RGB")
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")
    return img.convert("RGB")


def fit_square(image: np.ndarray, size: int) -> np.ndarray:
    """Centre-crop to a square and resize to size x size, as the paper fed 256x256 crops (sec. 2)."""
    return np.asarray(ImageOps.fit(Image.fromarray(image), (size, size), Image.Resampling.LANCZOS))


def enlarge(image: np.ndarray, size: int = 224) -> np.ndarray:
    """Nearest-neighbour enlargement so 32x32 images show their pixels instead of a blur."""
    factor = max(1, size // max(image.shape[:2]))
    return image.repeat(factor, 0).repeat(factor, 1)


# -- first-layer filters (Fig. 3) --------------------------------------------------------------
def normalise_kernels(weights: np.ndarray) -> np.ndarray:
    """(K, 3, k, k) kernels -> (K, k, k, 3) in [0, 1], each stretched over its own range for display."""
    w = np.asarray(weights, np.float32).transpose(0, 2, 3, 1)
    lo = w.min(axis=(1, 2, 3), keepdims=True)
    span = w.max(axis=(1, 2, 3), keepdims=True) - lo
    return (w - lo) / np.where(span > 0, span, 1)


def filter_grid(weights: np.ndarray, *, cols: int = 12, scale: int = 4, pad: int = 2,
                scores: np.ndarray | None = None) -> np.ndarray:
    """Kernels (K, 3, k, k) as one RGB uint8 image, rows of `cols` cells on a white background.

    Each cell is the normalised kernel enlarged `scale` times; with scores (K,) in [0, 1] a bar
    under each kernel shows its score. Shape: (rows * (k*scale + bar + pad) + pad, cols * (k*scale + pad) + pad, 3).
    """
    tiles = normalise_kernels(weights)
    n, k = tiles.shape[0], tiles.shape[1]
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    side, bar = k * scale, (max(2, scale) if scores is not None else 0)
    grid = np.ones((rows * (side + bar + pad) + pad, cols * (side + pad) + pad, 3), np.float32)
    for i, tile in enumerate(tiles):
        y, x = pad + (i // cols) * (side + bar + pad), pad + (i % cols) * (side + pad)
        grid[y:y + side, x:x + side] = tile.repeat(scale, 0).repeat(scale, 1)
        if scores is not None:
            grid[y + side + 1:y + side + bar, x:x + side] = 0.85
            grid[y + side + 1:y + side + bar, x:x + round(side * float(np.clip(scores[i], 0, 1)))] = (0.84, 0.15, 0.16)
    return (grid * 255).round().astype(np.uint8)


# -- models the views load -------------------------------------------------------------------
@dataclass(frozen=True)
class ViewModel:
    """A model ready for the views: eval mode on the CPU, with how to prepare its inputs."""

    key: str                    # identifies the weights (path and modification time): the cache key
    title: str
    model: nn.Module
    classes: tuple[str, ...]
    image_size: int             # 32 for CIFAR-10 models, 224 for ImageNet
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    towers: int

    def prepare(self, images: np.ndarray) -> torch.Tensor:
        """uint8 (N, H, W, 3) at any size -> normalised float (N, 3, S, S), S = image_size."""
        x = torch.tensor(images).permute(0, 3, 1, 2).float().div_(255)
        if x.shape[-1] != self.image_size or x.shape[-2] != self.image_size:
            x = nn.functional.interpolate(x, size=(self.image_size,) * 2, mode="bilinear", antialias=True,
                                          align_corners=False)
        return (x - torch.tensor(self.mean).view(1, 3, 1, 1)) / torch.tensor(self.std).view(1, 3, 1, 1)


class ModelUnavailable(RuntimeError):
    """A model cannot be loaded; the message says why and what to do."""


DEFAULT_MODEL = "bundled:alexnet-cifar"  # the 85% CIFAR AlexNet: Fig. 4's neighbours, top-5 and attributions
FILTER_MODELS = ("bundled:alexnet-cifar-fig3-two-towers", "bundled:alexnet-cifar-fig3")  # Fig. 3: towers, one tower


def model_sources(store: RunStore, first: tuple[str, ...] = (DEFAULT_MODEL,), lang: str = "en") -> list[tuple[str, str]]:
    """(label, value) for every AlexNet model the views can show: the bundled ones (`first` leading, so the default
    is a bundled model and never a run that happens to be newest), runs with checkpoints, torchvision's."""
    bundled = [(bundled_label(weights.parent, lang), f"bundled:{name}") for name, (_, weights) in
               bundled_models("alexnet").items()]
    bundled.sort(key=lambda source: first.index(source[1]) if source[1] in first else len(first))
    runs = [(text("alexnet.run_source", lang, title=run.title, id=run.id, step=run.step,
                  status=run_text.status(run.status, lang)), f"run:{run.id}") for run in store.list_runs()
            if run.recipe == "alexnet" and store.checkpoints(run.id)]
    return [*bundled, *runs, (text("alexnet.torchvision_source", lang), "torchvision")]


def test_accuracy(source: str, store: RunStore) -> float | None:
    """A model's test accuracy: a bundled model's or run's last evaluation (metrics), None where it has none (a run
    not evaluated yet, torchvision's model, whose ImageNet numbers are not measured here)."""
    errors = model_curves(source, store).get("test_error") if source.startswith(("bundled:", "run:")) else None
    return 1 - errors[1][-1] if errors and errors[1] else None


def load_view_model(source: str, store: RunStore) -> ViewModel:
    """A model_sources() value -> ViewModel; the newest checkpoint of a run, read-only. Cached per weights file."""
    kind, _, name = source.partition(":")
    if kind == "torchvision":
        return _imagenet_view_model()
    if kind == "run":
        run = store.get(name)
        paths = store.checkpoints(name)
        if not paths:
            raise ModelUnavailable(f"run {name} has no checkpoint yet: wait for its first one")
        config, path = run.config, paths[-1]
    elif kind == "bundled" and name in (bundled := bundled_models("alexnet")):
        config, path = bundled[name]
    else:
        raise ModelUnavailable(f"unknown model {source!r}: pick one from the list")
    try:
        vm = _checkpoint_view_model(json.dumps(config, sort_keys=True), str(path), path.stat().st_mtime_ns)
    except OSError as exc:
        raise ModelUnavailable(f"cannot read {path.name}: {exc}") from exc
    return replace(vm, title=f"{name} ({vm.title})") if kind == "bundled" else vm  # its name, then what it is


def model_curves(source: str, store: RunStore) -> Curves:
    """The training curves behind a model_sources() value: a run's metrics or a bundled model's metrics.csv."""
    kind, _, name = source.partition(":")
    if kind == "run":
        return store.metrics(name)
    weights = bundled_models("alexnet").get(name, (None, None))[1] if kind == "bundled" else None
    metrics = weights.parent / "metrics.csv" if weights else None
    return read_curves(metrics) if metrics and metrics.exists() else {}


def filter_measures(vm: ViewModel, config: dict) -> tuple[dict[str, float], dict[str, float]]:
    """Fig. 3's measures (train.filter_measures.summary) of a model's conv1 kernels and of the random-init control:
    the same network rebuilt from its run config and seed, as train.recipes.alexnet.filter_card rebuilds it."""
    return summary(conv1_weights(vm.model), vm.towers), initial_measures(json.dumps(config, sort_keys=True))


# Building a network draws its init from torch's one global generator: while the random-init control is drawn from its
# seed, no other view of this lab builds a network (in another request's thread it would take some of the control's
# draws). Other labs build networks too, so the bundled filter models' controls are drawn before the app serves
# (warm_filter_controls), and a run's, drawn on request, can differ from its model card's in a busy app.
def warm_filter_controls() -> None:
    """Draw the bundled filter models' random-init controls now, while no request runs (the app's build)."""
    for source in FILTER_MODELS:
        name = source.removeprefix("bundled:")
        if name in bundled_models("alexnet"):
            initial_measures(json.dumps(bundled_models("alexnet")[name][0], sort_keys=True))


@functools.lru_cache(maxsize=8)
def initial_measures(config_json: str) -> dict[str, float]:
    cfg = AlexNetRunConfig.from_dict(json.loads(config_json))
    with seeded(cfg.seed):
        control = conv1_weights(build_model(cfg))
    return summary(control, cfg.towers if cfg.arch == "alexnet" else 1)


def source_config(source: str, store: RunStore) -> dict | None:
    """The run config behind a model_sources() value; None for torchvision's model."""
    kind, _, name = source.partition(":")
    if kind == "run":
        return store.get(name).config
    return bundled_models("alexnet")[name][0] if kind == "bundled" and name in bundled_models("alexnet") else None


@functools.lru_cache(maxsize=4)
def _checkpoint_view_model(config_json: str, path: str, mtime_ns: int) -> ViewModel:
    cfg = AlexNetRunConfig.from_dict(json.loads(config_json))
    with seeded(cfg.seed):  # its random init, drawn and overwritten, leaves others' random state alone
        model = build_model(cfg)
    model.load_state_dict(load_weights(Path(path)))
    towers = cfg.towers if cfg.arch == "alexnet" else 1
    title = f"{cfg.arch}, {cfg.activation}, towers={towers}"  # as its config says: read alike in both languages
    return ViewModel(f"{path}:{mtime_ns}", title, model.eval(), CIFAR10_CLASSES, 32, CIFAR10_MEAN, CIFAR10_STD, towers)


@functools.lru_cache(maxsize=1)
def _imagenet_view_model() -> ViewModel:
    from torchvision.models import AlexNet_Weights

    model = imagenet_alexnet()
    categories = tuple(AlexNet_Weights.IMAGENET1K_V1.meta["categories"])
    return ViewModel("torchvision:IMAGENET1K_V1", "torchvision ImageNet AlexNet", model, categories, 224,
                     IMAGENET_MEAN, IMAGENET_STD, 1)


# -- hidden features, predictions, neighbours (Fig. 4) --------------------------------------------
@torch.no_grad()
def hidden_and_logits(model: nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(last hidden layer's activations (N, D), logits (N, C)): the input of classifier[-1] and its output.

    Computed layer group by layer group (features, torchvision's avgpool if any, classifier) rather than with a
    forward hook: the model is shared by every user, and a hook would also catch other threads' forward passes.
    """
    x = torch.flatten(getattr(model, "avgpool", nn.Identity())(model.features(x)), 1)
    hidden = model.classifier[:-1](x)
    return hidden.float(), model.classifier[-1](hidden).float()


@gpu(duration=60)
def hidden_and_probs(vm: ViewModel, images: np.ndarray, batch: int = 250) -> tuple[np.ndarray, np.ndarray]:
    """(last hidden layer (N, D), class probabilities (N, C)) of uint8 (N, H, W, 3) images, on the GPU if any."""
    model, batch = on_device(vm.model), batch if vm.image_size <= 64 else 25
    parts = [hidden_and_logits(model, vm.prepare(images[i:i + batch]).to(device())) for i in range(0, len(images), batch)]
    return (torch.cat([h for h, _ in parts]).cpu().numpy(),
            torch.cat([logits for _, logits in parts]).softmax(1).cpu().numpy())


def top_k(vm: ViewModel, image: np.ndarray, k: int = 5) -> dict[str, float]:
    """{class: probability} of the k most probable classes for one uint8 (H, W, 3) image (Fig. 4 left)."""
    return ranked(vm, hidden_and_probs(vm, image[None])[1][0], k)


def ranked(vm: ViewModel, probs: np.ndarray, k: int = 5) -> dict[str, float]:
    """{class: probability} of the k largest of one image's class probabilities (C,), most probable first."""
    idx = np.argsort(-probs, kind="stable")[:k]
    return {vm.classes[i]: float(probs[i]) for i in idx}


@dataclass(frozen=True, eq=False)  # hashed by identity: the cached indexes key on it
class Gallery:
    images: np.ndarray   # (N, 32, 32, 3) uint8
    labels: np.ndarray   # (N,)
    classes: tuple[str, ...]
    name: str            # a strings key: which test set it is


@functools.lru_cache(maxsize=1)
def load_gallery() -> Gallery:
    """The CIFAR-10 test set: all 10,000 images when cached, else the bundled 1,000-image sample."""
    data = load_cifar10(download=False) if cifar10_cached() else load_sample()
    return Gallery(data.test_x, data.test_y, data.classes,
                   "alexnet.gallery_full" if cifar10_cached() else "alexnet.gallery_sample")


@dataclass(frozen=True)
class NeighbourIndex:
    """Row vectors and their squared norms, so a query's distances are one matrix-vector product."""

    vectors: np.ndarray  # (N, D) float32
    sq_norms: np.ndarray  # (N,)

    @classmethod
    def of(cls, vectors: np.ndarray) -> NeighbourIndex:
        vectors = np.ascontiguousarray(vectors, np.float32)
        return cls(vectors, np.einsum("nd,nd->n", vectors, vectors))

    def nearest(self, query: np.ndarray, k: int, exclude: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Indices and Euclidean distances of the k nearest rows, nearest first."""
        q = np.asarray(query, np.float32).ravel()
        d2 = self.sq_norms - 2 * (self.vectors @ q) + q @ q
        if exclude is not None:
            d2[exclude] = np.inf
        k = min(k, len(d2) - (exclude is not None))
        idx = np.argpartition(d2, k - 1)[:k]
        idx = idx[np.argsort(d2[idx])]
        return idx, np.sqrt(np.maximum(d2[idx], 0))


_INDEXES: OrderedDict[tuple[str, str], NeighbourIndex] = OrderedDict()
_INDEX_LOCK = threading.Lock()
# One index is built at a time: when a class asks for neighbours at once, the first request builds it and the others
# wait for it instead of each building the same index (measured with `python -m tools.loadtest`).
_BUILD_LOCK = threading.Lock()


def _cached_index(key: tuple[str, str]) -> NeighbourIndex | None:
    with _INDEX_LOCK:
        if key in _INDEXES:
            _INDEXES.move_to_end(key)
            return _INDEXES[key]
    return None


def feature_index(vm: ViewModel, gallery: Gallery, progress: Progress | None = None,
                  chunk: int = 2000) -> NeighbourIndex:
    """Last-hidden-layer features of every gallery image, computed once per (weights, gallery) and cached."""
    key = (vm.key, gallery.name)
    found = _cached_index(key)
    if found is not None:
        return found
    with _BUILD_LOCK:
        return _cached_index(key) or _build_index(key, vm, gallery, progress, chunk)


def _build_index(key: tuple[str, str], vm: ViewModel, gallery: Gallery, progress: Progress | None,
                 chunk: int) -> NeighbourIndex:
    """Features in chunks of images, one (GPU) call each, reporting progress between chunks."""
    n = len(gallery.images)
    parts = []
    for start in range(0, n, chunk):
        parts.append(hidden_and_probs(vm, gallery.images[start:start + chunk])[0])
        if progress:
            progress(min(start + chunk, n), n)
    index = NeighbourIndex.of(np.concatenate(parts))
    with _INDEX_LOCK:
        _INDEXES[key] = index
        while len(_INDEXES) > 4:
            _INDEXES.popitem(last=False)
    return index


@functools.lru_cache(maxsize=2)
def pixel_index(gallery: Gallery) -> NeighbourIndex:
    """Raw pixels as vectors: the baseline Fig. 4 contrasts the feature neighbours with."""
    return NeighbourIndex.of(gallery.images.reshape(len(gallery.images), -1))


def query_vectors(vm: ViewModel, image: np.ndarray, gallery: Gallery) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(feature vector, pixel vector, class probabilities) of a uint8 image, the vectors in the same spaces as the
    two indexes: one forward pass gives Fig. 4's both halves."""
    features, probs = hidden_and_probs(vm, image[None])
    side = gallery.images.shape[1]
    pixels = image if image.shape[:2] == (side, side) else fit_square(image, side)
    return features[0], pixels.astype(np.float32).ravel(), probs[0]


# -- attributions ("why this prediction?") --------------------------------------------------------
ATTRIBUTIONS = ("Integrated Gradients", "Occlusion", "Saliency")


@gpu(duration=60)
def attribute(vm: ViewModel, image: np.ndarray, target: int, method: str = "Integrated Gradients",
              steps: int = 32) -> np.ndarray:
    """Captum attribution of class `target` for one uint8 image: (3, S, S) float, S = vm.image_size.

    Integrated Gradients integrates from the all-mean image (zeros after normalisation); Occlusion
    slides a grey square of 1/8 of the side; Saliency is the absolute input gradient.
    """
    from captum.attr import IntegratedGradients, Occlusion, Saliency

    model, x = on_device(vm.model), vm.prepare(image[None]).to(device()).requires_grad_()
    if method == "Integrated Gradients":
        attr = IntegratedGradients(model).attribute(x, target=target, n_steps=steps, internal_batch_size=steps)
    elif method == "Occlusion":
        window = max(2, vm.image_size // 8)
        attr = Occlusion(model).attribute(x, sliding_window_shapes=(3, window, window),
                                          strides=(3, window // 2, window // 2), target=target,
                                          perturbations_per_eval=64 if vm.image_size <= 64 else 8)
    elif method == "Saliency":
        attr = Saliency(model).attribute(x, target=target)
    else:
        raise ValueError(f"method must be one of {', '.join(ATTRIBUTIONS)}; got {method!r}")
    return attr[0].detach().cpu().numpy()


def overlay(image: np.ndarray, attribution: np.ndarray, alpha: float = 0.6) -> np.ndarray:
    """A heat map of |attribution| (summed over colour channels) over a greyed copy of the image, uint8.

    image: (S, S, 3) uint8 at the attribution's size; the heat is scaled to its 99th percentile.
    """
    heat = np.abs(attribution).sum(0)
    heat = np.clip(heat / max(float(np.percentile(heat, 99)), 1e-12), 0, 1)[..., None]
    hot = np.clip(np.concatenate([3 * heat, 3 * heat - 1, 3 * heat - 2], axis=-1), 0, 1)  # black-red-yellow-white
    grey = image.astype(np.float32).mean(-1, keepdims=True) / 255
    out = (1 - alpha * heat) * grey + alpha * heat * hot
    return (out * 255).round().astype(np.uint8)


# -- local response normalisation (sec. 3.3) -------------------------------------------------------
@torch.no_grad()
def lrn_cuts(model: nn.Module, x: torch.Tensor, scale: float = 1.0) -> list[np.ndarray]:
    """For each LRN layer of model.features, how much it scales each positive response down beyond its constant
    factor k^-beta: 1 - (k / (k + alpha * sum a^2))^beta, read off the layer's output. `scale` multiplies the
    responses each layer sees, as if they were that much larger (the paper's raw pixels: 64 times ours)."""
    lrns, cuts = sum(isinstance(layer, TowerLRN) for layer in model.features), []
    for layer in model.features:
        if len(cuts) == lrns:  # the layers after the last LRN do not matter here
            break
        if isinstance(layer, TowerLRN):
            a = x * scale
            positive = a > 0
            cuts.append((1 - layer(a)[positive] / a[positive] * layer.k ** layer.beta).numpy())
        x = layer(x)
    return cuts


TRAIN_IMAGES = {"cifar10": 50_000, "sample": 1000}


SWEEP = "relu-vs-tanh-lr-sweep"  # assets/reference/alexnet/<SWEEP>/: Fig. 1's nets at several learning rates


def train_images(config: dict) -> int | None:
    """How many images one epoch of a run covers, from its config (None for an ImageFolder of unknown size)."""
    if "train_images" in config:  # reference runs record it (explorer/shared/reference_runs.py)
        return config["train_images"]
    total = TRAIN_IMAGES.get(config.get("data", "cifar10"))
    if total is not None:
        total -= min(config.get("val_size", 0), total // 5)
    size = config.get("train_size", 0)
    return min(size, total) if size and total else size or total


def epochs(config: dict, steps: list[int]) -> list[float]:
    """A run's logged steps as epochs (Fig. 1's x-axis); steps of one batch each where the epoch size is unknown."""
    per_step = config["batch_size"] / (train_images(config) or config["batch_size"])
    return [s * per_step for s in steps]


def first_below(xs: list[float], ys: list[float], level: float) -> float | None:
    """The first x at which y <= level, linearly interpolated between logged points; None if never."""
    for i, (x, y) in enumerate(zip(xs, ys)):
        if y <= level:
            if i == 0 or ys[i - 1] == y:
                return x
            x0, y0 = xs[i - 1], ys[i - 1]
            return x0 + (x - x0) * (y0 - level) / (y0 - y)
    return None


def fig1_sweep(level: float = 0.25) -> list[tuple[dict, float | None, float]]:
    """Fig. 1's caption: each net's learning rate "chosen independently to make training as fast as possible".

    Per bundled sweep run, by units, initialisation and lr: (config, epoch it first reaches `level` training
    error or None, epochs it trained)."""
    out = []
    for _, config, metrics in reference_runs.load("alexnet", SWEEP):
        steps, errors = metrics["train_error"]
        xs = epochs(config, steps)
        out.append((config, first_below(xs, errors, level), xs[-1]))
    return sorted(out, key=lambda row: (row[0]["activation"], row[0]["init"], row[0]["lr"]))


def fastest(sweep: list[tuple[dict, float | None, float]]) -> dict[str, tuple[dict, float]]:
    """activation -> (config, epochs) of its sweep run that reached the level first."""
    best: dict[str, tuple[dict, float]] = {}
    for config, reached, _ in sweep:
        unit = config["activation"]
        if reached is not None and (unit not in best or reached < best[unit][1]):
            best[unit] = config, reached
    return best


@functools.lru_cache(maxsize=2)
def lrn_table(vm: ViewModel, images: int) -> list[tuple[float, float, float, float]]:
    """For each LRN layer of a model (cached per weights file, as its ViewModel is), the mean and largest cut of its
    positive responses on the gallery's first images, as trained and with responses RAW_PIXEL_SCALE times larger."""
    x = vm.prepare(load_gallery().images[:images])
    ours, raw = lrn_cuts(vm.model, x), lrn_cuts(vm.model, x, RAW_PIXEL_SCALE)
    return [(cut.mean(), cut.max(), raw_cut.mean(), raw_cut.max()) for cut, raw_cut in zip(ours, raw)]
