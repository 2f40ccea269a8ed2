"""How much first-layer kernels look like Fig. 3 of Krizhevsky et al. 2012, measured (pure numpy).

Fig. 3 shows conv1's 96 kernels after ImageNet training: smooth oriented edges and gratings of several
frequencies, and colour blobs; GPU 1's kernels "largely color-agnostic", GPU 2's "largely color-specific"
(sec. 3.2). Every function takes kernels (K, 3, k, k) and returns one number per kernel:

- `neighbour_correlation`: how smooth a kernel is (1: smooth, about 0: noise, as at a random init);
- `spectrum`: where its 2-D Fourier power peaks (spatial frequency in cycles per pixel, orientation) and
  how oriented that power is (0: isotropic like noise or a blob, 1: all of it along one orientation);
- `colourfulness`: the share of its energy that differs between R, G and B.

`summary` averages them (per tower too); `card_lines` writes them beside a random-init control for a model card.
"""
from __future__ import annotations

import numpy as np

FFT_SIZE = 32  # kernels are zero-padded to this side before the FFT, for a finer frequency grid


def _kernels(weights: np.ndarray) -> np.ndarray:
    w = np.asarray(weights, np.float64)
    if w.ndim != 4 or w.shape[1] != 3:
        raise ValueError(f"expected RGB kernels of shape (K, 3, k, k), got {w.shape}")
    return w


def neighbour_correlation(weights: np.ndarray) -> np.ndarray:
    """(K, 3, k, k) -> (K,): how smooth each kernel is. The correlation of horizontally adjacent weights and that of
    vertically adjacent ones, averaged; each pools the three colour channels, every channel centred on its own mean
    (so a colour blob's offsets between channels do not count as smoothness, and a channel left empty does not
    count against it). About 0 for a random init (-1/(k(k-1)) on average, as for any finite sample: -0.05 for
    5x5); near 1 for a smooth edge or blob.
    """
    w = _kernels(weights)

    def corr(a: np.ndarray, b: np.ndarray) -> np.ndarray:  # (K, 3, ...) pairs -> (K,)
        a = a.reshape(*a.shape[:2], -1)
        b = b.reshape(*b.shape[:2], -1)
        a, b = a - a.mean(-1, keepdims=True), b - b.mean(-1, keepdims=True)
        denom = np.sqrt((a ** 2).sum((1, 2)) * (b ** 2).sum((1, 2)))
        return (a * b).sum((1, 2)) / np.where(denom > 0, denom, 1)

    both = corr(w[..., :, :-1], w[..., :, 1:]) + corr(w[..., :-1, :], w[..., 1:, :])
    return (both / 2).astype(np.float32)


def spectrum(weights: np.ndarray) -> dict[str, np.ndarray]:
    """(K, 3, k, k) -> per kernel: `frequency` (cycles per pixel, 0 to 0.5) and `orientation` (degrees in [0, 180),
    the direction of the peak's wave vector: 0 = vertical stripes) of the peak of its Fourier power (summed over
    channels, each channel's mean removed), and `orientedness`: |sum P e^(2i theta)| / sum P over all nonzero
    frequencies, 0 for power spread over all orientations, 1 for power along a single one."""
    w = _kernels(weights)
    w = w - w.mean(axis=(2, 3), keepdims=True)
    power = (np.abs(np.fft.fft2(w, s=(FFT_SIZE, FFT_SIZE))) ** 2).sum(1)  # (K, N, N)
    f = np.fft.fftfreq(FFT_SIZE)
    fy, fx = np.meshgrid(f, f, indexing="ij")
    radius, theta = np.hypot(fx, fy), np.arctan2(fy, fx)
    power = power * (radius > 0)
    peak = power.reshape(len(w), -1).argmax(1)
    total = power.sum(axis=(1, 2))
    oriented = np.abs((power * np.exp(2j * theta)).sum(axis=(1, 2))) / np.where(total > 0, total, 1)
    return {"frequency": radius.ravel()[peak].astype(np.float32),
            "orientation": (np.degrees(theta.ravel()[peak]) % 180).astype(np.float32),
            "orientedness": oriented.astype(np.float32)}


def colourfulness(weights: np.ndarray) -> np.ndarray:
    """(K, 3, k, k) -> (K,) in [0, 1]: the share of each kernel's energy that differs between R, G and B.

    0 for a grey kernel (the same weights in every channel), 2/3 for one that uses a single channel
    (and for random noise), 1 for pure colour opponency (channels summing to zero, e.g. red against green).
    Fig. 3: kernels on GPU 1 are "largely color-agnostic", those on GPU 2 "largely color-specific".
    """
    w = _kernels(weights)
    w = w - w.mean(axis=(1, 2, 3), keepdims=True)
    chroma = w - w.mean(axis=1, keepdims=True)
    total = (w ** 2).sum(axis=(1, 2, 3))
    return ((chroma ** 2).sum(axis=(1, 2, 3)) / np.where(total > 0, total, 1)).astype(np.float32)


def tower_split(weights: np.ndarray, towers: int) -> list[np.ndarray]:
    """conv1's kernels per GPU: the first half feeds tower 1's conv2 group, the second half tower 2's."""
    return np.split(np.asarray(weights), towers) if towers > 1 else [np.asarray(weights)]


def summary(weights: np.ndarray, towers: int = 1) -> dict[str, float]:
    """Means over the kernels: smoothness, orientedness, peak frequency (median) and colourfulness, the last per
    tower as well where there are two (`colourfulness_gpu1`, `colourfulness_gpu2`)."""
    shape = spectrum(weights)
    out = {"neighbour_correlation": float(neighbour_correlation(weights).mean()),
           "orientedness": float(shape["orientedness"].mean()),
           "peak_frequency": float(np.median(shape["frequency"])),
           "colourfulness": float(colourfulness(weights).mean())}
    if towers > 1:
        for i, part in enumerate(tower_split(weights, towers), 1):
            out[f"colourfulness_gpu{i}"] = float(colourfulness(part).mean())
    return out


MEASURES = {  # name: what it says, for a model card
    "neighbour_correlation": "mean correlation of neighbouring weights (smoothness; the target is >= 0.6)",
    "orientedness": "mean orientedness of the Fourier power (0: isotropic, 1: one orientation)",
    "peak_frequency": "median peak spatial frequency, cycles per pixel (0.5: a checkerboard)",
    "colourfulness": "mean colourfulness (0: grey, 2/3: noise or one channel)",
    "colourfulness_gpu1": "GPU 1's mean colourfulness (Fig. 3: largely colour-agnostic)",
    "colourfulness_gpu2": "GPU 2's mean colourfulness (Fig. 3: largely colour-specific)",
}


def card_lines(trained: np.ndarray, control: np.ndarray, towers: int = 1) -> list[str]:
    """A markdown table of `summary` for the trained kernels beside the same network's random init."""
    ours, init = summary(trained, towers), summary(control, towers)
    k = np.asarray(trained).shape
    lines = [f"conv1's {k[0]} kernels ({k[2]}x{k[3]}x3), measured by `train.filter_measures` (Fig. 3):", "",
             "| measure | trained | random init (same network and seed) |", "| --- | --- | --- |"]
    return lines + [f"| {MEASURES[name]} | {ours[name]:.3f} | {init[name]:.3f} |" for name in ours]
