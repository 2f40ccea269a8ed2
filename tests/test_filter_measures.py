"""Fig. 3's measures of first-layer kernels (train.filter_measures), and the filter models that are measured by them."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from models.alexnet import cifar_alexnet
from train.cli import main
from train.export import export_run
from train.filter_measures import card_lines, colourfulness, neighbour_correlation, spectrum, summary
from train.recipes import get_recipe
from train.recipes.alexnet import build_model, conv1_weights, filter_card
from train.store import RunStore


def grating(freq: float, degrees: float, k: int = 11, colour=(1.0, 1.0, 1.0)) -> np.ndarray:
    """(3, k, k): a cosine grating, `freq` cycles per pixel, wave vector at `degrees` (0: vertical stripes)."""
    y, x = np.mgrid[:k, :k] - k // 2
    t = np.radians(degrees)
    wave = np.cos(2 * np.pi * freq * (x * np.cos(t) + y * np.sin(t)))
    return np.asarray(colour)[:, None, None] * wave


def blob(k: int = 11, colour=(1.0, -1.0, 0.0)) -> np.ndarray:
    y, x = np.mgrid[:k, :k] - k // 2
    return np.asarray(colour)[:, None, None] * np.exp(-(x ** 2 + y ** 2) / 8)


def test_smooth_kernels_correlate_with_their_neighbours_and_noise_does_not():
    noise = np.random.default_rng(0).normal(size=(200, 3, 5, 5))
    assert abs(neighbour_correlation(noise).mean() + 1 / 20) < 0.03  # a random init: about -1/(k(k-1))
    smooth = np.stack([grating(0.06, 30), blob(), grating(0.1, 120)])
    assert (neighbour_correlation(smooth) > 0.75).all()
    checkerboard = np.ones((3, 1, 1)) * (-1.0) ** np.add.outer(np.arange(5), np.arange(5))
    assert neighbour_correlation(checkerboard[None]) == pytest.approx([-1.0], abs=1e-6)


@pytest.mark.parametrize("freq, degrees", [(0.125, 0), (0.1875, 45), (0.25, 90), (0.0625, 135)])
def test_spectrum_finds_a_gratings_frequency_and_orientation(freq, degrees):
    shape = spectrum(grating(freq, degrees)[None])
    assert shape["frequency"][0] == pytest.approx(freq, abs=0.035)  # the FFT grid: 1/32 cycles per pixel
    assert shape["orientation"][0] == pytest.approx(degrees, abs=8)
    assert shape["orientedness"][0] > (0.6 if freq >= 0.1 else 0.3)  # under a cycle in 11 px: an edge, less oriented


def test_gratings_are_oriented_and_noise_and_blobs_are_not():
    noise = np.random.default_rng(1).normal(size=(100, 3, 11, 11))
    assert spectrum(noise)["orientedness"].mean() < 0.15
    assert spectrum(blob()[None])["orientedness"][0] < 0.05
    assert spectrum(np.stack([grating(0.15, a) for a in (10, 60, 100)]))["orientedness"].min() > 0.6


def test_colourfulness_grey_single_channel_and_opponent():
    grey, red, opponent = grating(0.1, 0), grating(0.1, 0, colour=(1, 0, 0)), blob(colour=(1, -1, 0))
    assert colourfulness(np.stack([grey, red, opponent])) == pytest.approx([0, 2 / 3, 1], abs=0.01)


def test_summary_gives_each_tower_its_colourfulness_and_the_card_both_columns():
    grey = np.stack([grating(0.1, a) for a in range(0, 180, 30)])
    coloured = np.stack([grating(0.1, a, colour=(1, -1, 0)) for a in range(0, 180, 30)])
    both = summary(np.concatenate([grey, coloured]), towers=2)
    assert both["colourfulness_gpu1"] == pytest.approx(0, abs=1e-6) and both["colourfulness_gpu2"] == pytest.approx(1)
    noise = np.random.default_rng(2).normal(size=(12, 3, 11, 11))
    lines = card_lines(np.concatenate([grey, coloured]), noise, towers=2)
    row = next(line for line in lines if line.startswith("| mean correlation of neighbouring weights"))
    trained, init = (float(cell) for cell in row.split("|")[2:4])
    assert trained > 0.6 > init
    assert sum(line.startswith("| GPU") for line in lines) == 2


def test_fig3_model_takes_cifar_images_and_resizes_them_for_the_papers_conv1():
    model = build_model(get_recipe("alexnet").config("fig3", towers=2))
    conv1 = model.features[0]
    assert conv1.weight.shape == (96, 3, 11, 11) and conv1.stride == (4, 4)
    assert model.cfg.feature_size == 3  # 128 -> 31 -> 15 -> 7 -> 3, as 224 -> 55 -> 27 -> 13 -> 6 in Fig. 2
    maps = []
    conv1.register_forward_hook(lambda m, i, o: maps.append(o.shape))
    with torch.no_grad():
        assert model.eval()(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    assert maps == [(2, 96, 31, 31)]


def test_conv1_init_paper_draws_conv1_alone_from_n_0_001():
    torch.manual_seed(0)
    model = cifar_alexnet(conv1=(11, 4, 2), widths=(96, 64, 96, 96, 64), resize=128, conv1_init="paper")
    conv1, conv2 = model.features[0], model.features[4]
    assert conv1.weight.std().item() == pytest.approx(0.01, rel=0.05) and not conv1.bias.any()
    assert conv2.weight.std().item() == pytest.approx((2 / (96 * 25)) ** 0.5, rel=0.05)  # He, as the rest


def test_both_fig3_models_fit_4_mb_in_fp16():
    sizes = [2 * sum(p.numel() for p in build_model(get_recipe("alexnet").config("fig3", towers=t)).parameters())
             for t in (1, 2)]
    assert sum(sizes) <= 4e6


def test_filter_card_puts_the_trained_kernels_beside_the_same_seeds_init():
    cfg = get_recipe("alexnet").config("fig3", seed=3)
    torch.manual_seed(3)
    init = build_model(cfg).state_dict()
    row = next(line for line in filter_card(cfg.to_dict(), init) if "neighbouring" in line)
    trained, control = row.split("|")[2:4]
    assert trained == control  # an untrained run measures as its control: the same network and seed
    torch.manual_seed(4)
    assert not np.array_equal(conv1_weights(build_model(cfg)), init["features.0.weight"].numpy())


def test_an_exported_alexnet_card_reports_the_filter_measures(home, tmp_path):
    assert main(["alexnet", "--preset", "fig3", "--data", "sample", "--steps", "2", "--batch-size", "8",
                 "--train-size", "32", "--eval-size", "16", "--log-every", "1", "--quiet"]) == 0
    store = RunStore()
    [run] = store.list_runs()
    card = (export_run(store, run.id, "fig3-test", root=tmp_path) / "README.md").read_text()
    assert "conv1's 96 kernels (11x11x3)" in card and "| random init (same network and seed) |" in card
