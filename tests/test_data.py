"""Image data: the bundled sample, any ImageFolder, CIFAR-10 offline, and on-device augmentation; Tatoeba's split."""
from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from PIL import Image

from train import data
from train.data import DataUnavailable, load_cifar10, load_images, normalize, pca_basis, pca_color, random_crop_flip


def test_bundled_sample_is_balanced_cifar(home):
    sample = load_images("sample")
    assert sample.train_x.shape == (1000, 32, 32, 3) and sample.train_x.dtype == np.uint8
    assert np.bincount(sample.test_y).tolist() == [100] * 10
    assert sample.classes[0] == "airplane" and "JPEG" in sample.name


def test_image_folder_converts_any_image_and_caches(home, tmp_path):
    root = tmp_path / "pets"
    modes = {"RGB": (40, 30), "L": (8, 8), "RGBA": (64, 64), "CMYK": (33, 17), "P": (1, 1)}
    for label in ("cat", "dog"):
        (root / label).mkdir(parents=True)
        for i, (mode, size) in enumerate(modes.items()):
            Image.new(mode, size, color=i * 40 if mode in ("L", "P") else None).save(
                root / label / f"{i}.{'jpg' if mode in ('RGB', 'L', 'CMYK') else 'png'}")
    images = load_images(str(root))
    assert images.classes == ("cat", "dog")
    assert images.train_x.shape[1:] == (32, 32, 3) and len(images.train_y) + len(images.test_y) == 10
    assert list((home / "data" / "folders").glob("*.npz"))
    assert load_images(str(root)).train_x.tolist() == images.train_x.tolist()  # served from the cache
    assert set(images.train_y[:4].tolist()) == {0, 1}  # shuffled: a prefix holds both classes


def test_cifar10_offline_says_what_to_do(home, monkeypatch):
    def offline(self):
        raise OSError("network is unreachable")

    monkeypatch.setattr("torchvision.datasets.CIFAR10.download", offline)
    with pytest.raises(DataUnavailable, match="sample"):
        load_cifar10(home / "c10")
    with pytest.raises(DataUnavailable, match="not cached"):
        load_cifar10(home / "c10", download=False)
    with pytest.raises(DataUnavailable, match="unknown data source"):
        load_images("/no/such/folder")


def test_download_progress_is_reported(home, monkeypatch):
    seen = []

    def slow_download(self):
        path = home / "c10" / "cifar-10-python.tar.gz"
        for size in (10, 20):
            path.write_bytes(b"x" * size)
            __import__("time").sleep(0.7)
        raise OSError("cut off")

    monkeypatch.setattr("torchvision.datasets.CIFAR10.download", slow_download)
    with pytest.raises(DataUnavailable):
        load_cifar10(home / "c10", progress=lambda done, total: seen.append((done, total)))
    assert seen and all(total == data.CIFAR10_BYTES for _, total in seen) and max(d for d, _ in seen) >= 10


def test_crop_and_flip_move_pixels_not_values():
    x = normalize(torch.randint(0, 256, (64, 32, 32, 3), dtype=torch.uint8))
    g = torch.Generator().manual_seed(0)
    out = random_crop_flip(x, g)
    assert out.shape == x.shape
    flipped_only = random_crop_flip(x, torch.Generator().manual_seed(0), pad=0)
    same = [(flipped_only[i] == x[i]).all() or (flipped_only[i] == x[i].flip(2)).all() for i in range(64)]
    assert all(same) and not all((flipped_only[i] == x[i]).all() for i in range(64))
    # a crop keeps a 32x32 window of the zero-padded image: the centre 24x24 of the original survives somewhere
    assert not torch.equal(out, x)


def test_pca_colour_shifts_each_image_by_one_rgb_offset():
    images = np.random.default_rng(0).integers(0, 256, (100, 8, 8, 3), dtype=np.uint8)
    x = normalize(torch.from_numpy(images))
    out = pca_color(x, pca_basis(images), torch.Generator().manual_seed(1))
    shift = out - x
    assert torch.allclose(shift, shift[:, :, :1, :1].expand_as(shift), atol=1e-5)
    assert shift.abs().max() > 0


def test_recoding_on_a_shifted_grid_loses_what_an_aligned_one_keeps(home, tmp_path, capsys):
    from train.recompress import main, recode_images, recompress_folder

    source = tmp_path / "mirror"
    (source / "train" / "cat").mkdir(parents=True)
    for i, pixels in enumerate(load_images("sample").train_x[:12]):  # coded as the mirror's images are
        Image.fromarray(pixels).save(source / "train" / "cat" / f"{i}.jpg", quality=75, subsampling=2)

    def mean_change(shift: int) -> float:
        target = tmp_path / f"shift-{shift}"
        assert recompress_folder(source, target, quality=75, shift=shift) == 12
        before = [np.asarray(Image.open(source / "train" / "cat" / f"{i}.jpg").convert("RGB"), float) for i in range(12)]
        after = [np.asarray(Image.open(target / "train" / "cat" / f"{i}.png"), float) for i in range(12)]
        assert all(a.shape == (32, 32, 3) for a in after)
        return float(np.mean([np.abs(a - b).mean() for a, b in zip(after, before)]))

    aligned, shifted = mean_change(0), mean_change(4)
    assert aligned < 0.5 and shifted > 2  # on its own grid JPEG nearly repeats itself; moved, it loses more
    # a run's recode_quality option loads exactly the pixels the recoded copy stores
    in_memory = recode_images(load_images(str(source)), quality=75)
    assert np.array_equal(in_memory.train_x, load_images(str(tmp_path / "shift-4")).train_x)
    assert "coded once more at quality 75" in in_memory.name

    with pytest.raises(SystemExit):
        main([str(tmp_path / "nowhere"), str(tmp_path / "out")])
    assert "is not a folder" in capsys.readouterr().err


def test_a_run_with_recode_quality_trains_on_its_images_coded_once_more(home):
    from train.config import ConfigError
    from train.image_task import ImageClassificationTask, ImageTrainConfig
    from train.runtime import Dist

    def task(**options) -> ImageClassificationTask:
        cfg = ImageTrainConfig(data="sample", batch_size=8, **options)
        return ImageClassificationTask(cfg, torch.device("cpu"), Dist(), torch.nn.Flatten())

    stored, recoded = task(), task(recode_quality=75)
    change = (recoded.train_x.float() - stored.train_x.float()).abs().mean().item()
    assert 1 < change < 10 and "coded once more" in recoded.data_name  # a JPEG coding's loss, not other images
    assert np.abs(recoded.eval_sets["test"][0].astype(float) - stored.eval_sets["test"][0]).mean() > 1  # test too
    with pytest.raises(ConfigError, match="recode_quality"):
        ImageTrainConfig(recode_quality=101)


def test_recoded_images_are_cached_by_content(home, monkeypatch):
    from train import recompress

    sample = load_images("sample")
    first = recompress.recode_images(sample, 75)
    assert len(list((home / "data" / "recoded").glob("*.npz"))) == 1

    def no_coding(*args):
        raise AssertionError("recoded again")

    monkeypatch.setattr(recompress, "recode", no_coding)
    again = recompress.recode_images(sample, 75)  # a resumed run loads it: no second coding
    assert np.array_equal(again.train_x, first.train_x) and np.array_equal(again.test_x, first.test_x)
    with pytest.raises(AssertionError, match="recoded again"):
        recompress.recode_images(sample, 50)  # another quality is other pixels
    changed = data.ImageData(sample.train_x[::-1], sample.train_y, sample.test_x, sample.test_y, sample.classes, "x")
    with pytest.raises(AssertionError, match="recoded again"):
        recompress.recode_images(changed, 75)  # and so are other images


# -- Tatoeba's split by sentence groups ---------------------------------------------------------------------
def leaks(splits: dict[str, list[tuple[str, str]]], held_out: str) -> int:
    """Pairs of `held_out` whose normalised English or Chinese sentence occurs in another split."""
    from train.text_data import normalise

    seen = [{normalise(p[side]) for name, pairs in splits.items() if name != held_out for p in pairs}
            for side in (0, 1)]
    return sum(normalise(e) in seen[0] or normalise(z) in seen[1] for e, z in splits[held_out])


def paraphrase_corpus(clusters: int = 300) -> list[tuple[str, str]]:
    """A made-up corpus of paraphrase clusters: each English sentence has translations differing in punctuation
    and spacing (full-width and ASCII), each Chinese one English variants differing in case and punctuation, and
    clusters chain (a pair shares its Chinese with the next cluster's first pair)."""
    pairs = []
    for c in range(clusters):
        size = 1 + c % 4
        pairs += [(f"Sentence number {c}.", f"第{c}句话。"), (f"sentence NUMBER {c}!", f"第 {c} 句话！")][:size]
        pairs += [(f"Another one, {c}?", f"第{c}句话?")] * (size > 2)
        if c % 7 == 0:
            pairs.append((f"sentence number {c}", f"第{c + 1}句话"))  # joins cluster c to cluster c + 1
    random.Random(0).shuffle(pairs)
    return pairs


def test_group_split_keeps_every_test_sentence_out_of_training():
    from train.text_data import group_split, sentence_groups

    pairs = paraphrase_corpus()
    groups = sentence_groups(pairs)
    assert len(groups) < 300 and sorted(i for g in groups for i in g) == list(range(len(pairs)))
    splits = group_split(pairs, 60, seed=0)
    assert sorted(p for s in splits.values() for p in s) == sorted(pairs)
    assert 50 <= len(splits["test"]) <= 60 and 50 <= len(splits["val"]) <= 60
    assert leaks(splits, "test") == leaks(splits, "val") == 0
    assert group_split(pairs, 60, seed=0) == splits and group_split(pairs, 60, seed=1) != splits
    # a split by pairs, as before, leaks
    shuffled = pairs[:]
    random.Random(0).shuffle(shuffled)
    assert leaks({"test": shuffled[:60], "train": shuffled[60:]}, "test") > 0


def test_tatoeba_split_has_no_test_sentence_in_training():
    """On the real corpus (the bundled copy of Tatoeba's cmn-eng.txt, which training reads)."""
    from train.text_data import load_tatoeba

    corpus = load_tatoeba()
    assert len(corpus.splits["test"]) == len(corpus.splits["val"]) == 1000
    assert leaks(corpus.splits, "test") == leaks(corpus.splits, "val") == 0
