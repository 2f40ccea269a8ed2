"""Image data: CIFAR-10 through torchvision, any ImageFolder, or the sample bundled in assets/.

Everything ends up as uint8 arrays (N, 32, 32, 3) and int64 labels, the form the CIFAR-10
binary release has, so the trainer can hold a whole data set on the device and augment it there.
"""
from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

ASSETS = Path(__file__).resolve().parent.parent / "assets"
SAMPLE = ASSETS / "samples" / "cifar10-sample.npz"
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
CIFAR10_BYTES = 170_498_071  # size of torchvision's cifar-10-python.tar.gz, for download progress
# Per-channel mean and std of the CIFAR-10 training images (0..1 scale).
CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2470, 0.2435, 0.2616)


class DataUnavailable(RuntimeError):
    """A data set is neither cached nor downloadable; the message says how to get it."""


@dataclass
class ImageData:
    train_x: np.ndarray  # (N, H, W, 3) uint8
    train_y: np.ndarray  # (N,) int64
    test_x: np.ndarray
    test_y: np.ndarray
    classes: tuple[str, ...]
    name: str  # shown beside every number trained on it

    def split_validation(self, size: int) -> tuple[ImageData, np.ndarray, np.ndarray]:
        """Hold out the last `size` training images (ResNet sec. 4.2 uses a 45k/5k split)."""
        if size <= 0:
            return self, self.train_x[:0], self.train_y[:0]
        size = min(size, len(self.train_y) // 5)
        rest = ImageData(self.train_x[:-size], self.train_y[:-size], self.test_x, self.test_y, self.classes, self.name)
        return rest, self.train_x[-size:], self.train_y[-size:]


def data_home() -> Path:
    from train.store import default_home
    return default_home() / "data"


def load_images(source: str = "cifar10", *, download: bool = True,
                progress: Callable[[int, int], None] | None = None) -> ImageData:
    """source: 'cifar10', 'sample' (bundled), 'synthetic' (random, for benchmarks) or an ImageFolder root."""
    if source == "sample":
        return load_sample()
    if source == "synthetic":
        return synthetic_images()
    if source == "cifar10":
        return load_cifar10(download=download, progress=progress)
    path = Path(source).expanduser()
    if path.is_dir():
        return load_image_folder(path, progress=progress)
    raise DataUnavailable(f"unknown data source {source!r}: use cifar10, sample, or the folder of an ImageFolder data set")


def load_sample() -> ImageData:
    """2,000 CIFAR-10 images (100 per class for train and for test) shipped in assets/ for offline use: the mirror's
    own JPEG files (a third of their pixels' size), decoded here."""
    with np.load(SAMPLE) as f:
        return ImageData(decode_jpegs(f["train_jpeg"], f["train_ends"]), f["train_y"].astype(np.int64),
                         decode_jpegs(f["test_jpeg"], f["test_ends"]), f["test_y"].astype(np.int64),
                         tuple(str(c) for c in f["classes"]), "CIFAR-10 sample (bundled, JPEG mirror)")


def decode_jpegs(data: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """(n, 32, 32, 3) uint8 pixels of n JPEG files stored end to end in `data` (bytes), file i ending at ends[i]."""
    starts = np.concatenate([[0], ends[:-1]])
    return np.stack([_read_rgb(io.BytesIO(data[a:b].tobytes()), 32) for a, b in zip(starts, ends)])


def synthetic_images(n: int = 10_000) -> ImageData:
    """Random CIFAR-shaped images and labels (seed 0): for throughput benchmarks, nothing to learn."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (n + 1000, 32, 32, 3), dtype=np.uint8)
    y = rng.integers(0, 10, n + 1000).astype(np.int64)
    return ImageData(x[:n], y[:n], x[n:], y[n:], CIFAR10_CLASSES, "synthetic (random pixels)")


def cifar10_cached(root: Path | None = None) -> bool:
    root = root or data_home()
    return (root / "cifar-10-batches-py" / "data_batch_1").exists()


def load_cifar10(root: Path | None = None, *, download: bool = True,
                 progress: Callable[[int, int], None] | None = None) -> ImageData:
    """torchvision's CIFAR10(download=True) into the cache; offline and not cached: DataUnavailable."""
    from torchvision.datasets import CIFAR10

    root = root or data_home()
    root.mkdir(parents=True, exist_ok=True)
    if not cifar10_cached(root):
        if not download:
            raise DataUnavailable(_cifar_help(root, "it is not cached"))
        watcher = _watch_download(root / "cifar-10-python.tar.gz", CIFAR10_BYTES, progress) if progress else None
        try:
            CIFAR10(root, train=True, download=True)
        except Exception as exc:
            raise DataUnavailable(_cifar_help(root, f"the download failed ({type(exc).__name__}: {exc})")) from exc
        finally:
            if watcher:
                watcher.set()
    train, test = CIFAR10(root, train=True), CIFAR10(root, train=False)
    return ImageData(train.data, np.asarray(train.targets, np.int64), test.data, np.asarray(test.targets, np.int64),
                     tuple(train.classes), "CIFAR-10")


def _cifar_help(root: Path, why: str) -> str:
    return (f"CIFAR-10 is not available: {why}. Connect to the internet and try again (it is saved in {root}), "
            "or choose the bundled sample (data: sample), or give the path of an ImageFolder folder "
            "(train/<class>/*.jpg and test/<class>/*.jpg).")


def _watch_download(path: Path, total: int, progress: Callable[[int, int], None]):
    """Report the growing size of a file torchvision downloads, from a background thread."""
    import threading

    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.5):
            progress(path.stat().st_size if path.exists() else 0, total)
    threading.Thread(target=watch, daemon=True).start()
    return done


def load_image_folder(root: Path, *, size: int = 32,
                      progress: Callable[[int, int], None] | None = None) -> ImageData:
    """An ImageFolder data set (root/train/<class>/..., root/test/<class>/...; or one folder, split 9:1).

    Images are converted to RGB and resized to size x size; the arrays are cached by path and time.
    """
    from torchvision.datasets import ImageFolder

    root = root.resolve()
    key = hashlib.sha256(f"{root}:{root.stat().st_mtime_ns}:{size}:mixed".encode()).hexdigest()[:16]
    cache = data_home() / "folders" / f"{key}.npz"
    if cache.exists():
        with np.load(cache) as f:
            return ImageData(f["train_x"], f["train_y"], f["test_x"], f["test_y"],
                             tuple(str(c) for c in f["classes"]), f"{root.name} (ImageFolder)")
    parts = [root / "train", root / "test"] if (root / "train").is_dir() and (root / "test").is_dir() else [root]
    folders = [ImageFolder(str(p)) for p in parts]
    total, done = sum(len(f) for f in folders), 0
    arrays = []
    for folder in folders:
        xs = np.empty((len(folder), size, size, 3), np.uint8)
        for i, (path, _) in enumerate(folder.samples):
            xs[i] = _read_rgb(path, size)
            done += 1
            if progress and done % 500 == 0:
                progress(done, total)
        # ImageFolder lists images class by class; mix them once, as CIFAR-10's own batches are, so that
        # train_size, val_size and eval_size take a sample of every class
        order = np.random.default_rng(0).permutation(len(xs))
        arrays.append((xs[order], np.asarray(folder.targets, np.int64)[order]))
    if len(arrays) == 1:
        x, y = arrays[0]
        cut = len(y) // 10
        arrays = [(x[cut:], y[cut:]), (x[:cut], y[:cut])]
    (train_x, train_y), (test_x, test_y) = arrays
    classes = np.asarray(folders[0].classes)
    cache.parent.mkdir(parents=True, exist_ok=True)
    from train.store import atomic_write
    atomic_write(cache, lambda p: np.savez(open(p, "wb"), train_x=train_x, train_y=train_y, test_x=test_x,
                                           test_y=test_y, classes=classes))
    return ImageData(train_x, train_y, test_x, test_y, tuple(folders[0].classes), f"{root.name} (ImageFolder)")


def _read_rgb(path: str | io.BytesIO, size: int) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as img:
        img = img.convert("RGB")
        if img.size != (size, size):
            img = img.resize((size, size), Image.Resampling.BILINEAR)
        return np.asarray(img, np.uint8)


# -- on-device batches ------------------------------------------------------------------------
@functools.cache
def channel_stats(device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """CIFAR-10 mean and std as (1, 3, 1, 1) tensors, copied to each device once."""
    return (torch.tensor(CIFAR10_MEAN, device=device).view(1, 3, 1, 1),
            torch.tensor(CIFAR10_STD, device=device).view(1, 3, 1, 1))


def normalize(x: torch.Tensor) -> torch.Tensor:
    """uint8 (N, H, W, 3) -> float (N, 3, H, W), channel-normalised."""
    mean, std = channel_stats(x.device)
    return (x.permute(0, 3, 1, 2).float().div_(255) - mean) / std


def random_crop_flip(x: torch.Tensor, generator: torch.Generator, pad: int = 4, flip: bool = True) -> torch.Tensor:
    """Batched pad-and-crop plus horizontal flip, as ResNet sec. 4.2 and AlexNet sec. 4.1 augment.

    x: float (N, C, H, W) on any device; one gather for the whole batch, no per-sample Python.
    """
    n, c, h, w = x.shape
    if pad:
        x = torch.nn.functional.pad(x, (pad, pad, pad, pad))
        dy = torch.randint(0, 2 * pad + 1, (n, 1), generator=generator, device=x.device)
        dx = torch.randint(0, 2 * pad + 1, (n, 1), generator=generator, device=x.device)
        rows = (dy + torch.arange(h, device=x.device)).view(n, 1, h, 1)
        cols = (dx + torch.arange(w, device=x.device)).view(n, 1, 1, w)
        x = x[torch.arange(n, device=x.device).view(n, 1, 1, 1), torch.arange(c, device=x.device).view(1, c, 1, 1), rows, cols]
    if flip:
        mask = torch.rand(n, generator=generator, device=x.device) < 0.5
        x = torch.where(mask.view(n, 1, 1, 1), x.flip(3), x)
    return x


def pca_basis(images: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """Eigenvalues and eigenvectors of the RGB covariance over the training pixels (AlexNet sec. 4.1)."""
    pixels = images.reshape(-1, 3)[:: max(1, images.shape[0] // 100)].astype(np.float64) / 255
    values, vectors = np.linalg.eigh(np.cov(pixels, rowvar=False))
    return torch.tensor(values, dtype=torch.float32), torch.tensor(vectors, dtype=torch.float32)


def pca_color(x: torch.Tensor, basis: tuple[torch.Tensor, torch.Tensor], generator: torch.Generator,
              sigma: float = 0.1) -> torch.Tensor:
    """AlexNet's colour augmentation: add [p1 p2 p3][a1 l1, a2 l2, a3 l3]^T, a_i ~ N(0, 0.1), per image.

    x: float (N, 3, H, W) normalised images; the shift is divided by the channel std to match.
    """
    values, vectors = basis  # on x's device
    alpha = torch.randn(x.shape[0], 3, generator=generator, device=x.device) * sigma
    shift = (alpha * values) @ vectors.T  # (N, 3) RGB shift on the 0..1 scale
    return x + shift.view(-1, 3, 1, 1) / channel_stats(x.device)[1]


def step_generator(seed: int, step: int, device: torch.device) -> torch.Generator:
    """A generator that depends only on (seed, step): resuming at any step replays the same augmentation."""
    g = torch.Generator(device=device)
    g.manual_seed(seed * 1_000_003 + step)
    return g


def epoch_order(n: int, seed: int, epoch: int) -> torch.Tensor:
    """The shuffled order of epoch `epoch`, the same on every rank and after any resume."""
    g = torch.Generator().manual_seed(seed * 7919 + epoch)
    return torch.randperm(n, generator=g)

