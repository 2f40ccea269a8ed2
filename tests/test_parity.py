"""Accuracy parity with the textbook loop: both sides train the same schedule and test on held-out images."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tools import parity
from train.bench import BASELINE

pytestmark = pytest.mark.skipif(not BASELINE.exists(), reason="the textbook loop (../shared/bench) is not here")


def test_both_loops_learn_what_tells_the_classes_apart_and_are_tested_on_unseen_images(home, tmp_path):
    rng = np.random.default_rng(0)
    for split, count in (("train", 64), ("test", 16)):
        for label, level in (("dark", 40), ("light", 215)):  # brightness alone tells the classes apart
            (tmp_path / "toy" / split / label).mkdir(parents=True)
            for i in range(count):
                pixels = np.clip(level + rng.normal(0, 25, (32, 32, 3)), 0, 255).astype(np.uint8)
                Image.fromarray(pixels).save(tmp_path / "toy" / split / label / f"{i}.png")
    root = str(tmp_path / "toy")
    assert parity.ours(root, 24) > 0.9
    assert parity.textbook(root, 24, workers=0) > 0.9
