"""JPEG-code an ImageFolder data set once more, on a shifted grid, and store it losslessly.

    python -m train.recompress /tmp/cifar /tmp/cifar-twice --quality 75 --shift 4

The CIFAR-10 mirror in ../shared/data is the original 32x32 images coded as JPEG at quality 75 with
4:2:0 chroma. What that coding costs a ResNet cannot be measured without the original pixels, but
what one more coding of the same kind costs can: each image is padded by `shift` pixels (reflected),
coded again, and cropped back, so the 8x8 blocks fall across the mirror's own and drop detail that
the first coding kept. Saved as PNG, so nothing else is lost; the layout (train/<class>/...) is kept.
The image recipes' `recode_quality` option does the same to the images in memory as a run loads them.
"""
from __future__ import annotations

import argparse
import hashlib
import io
from pathlib import Path

import numpy as np
from PIL import Image

from train.data import ImageData, data_home
from train.store import atomic_write


def recode(image: Image.Image, quality: int = 75, shift: int = 4) -> Image.Image:
    """The image after a JPEG round trip (4:2:0 chroma) with its block grid moved by `shift` pixels."""
    pixels = np.asarray(image.convert("RGB"))
    padded = np.pad(pixels, ((shift, shift), (shift, shift), (0, 0)), mode="reflect")
    buffer = io.BytesIO()
    Image.fromarray(padded).save(buffer, "JPEG", quality=quality, subsampling=2)
    with Image.open(buffer) as coded:
        return coded.convert("RGB").crop((shift, shift, shift + pixels.shape[1], shift + pixels.shape[0]))


def recode_array(images: np.ndarray, quality: int = 75, shift: int = 4) -> np.ndarray:
    """uint8 images (N, H, W, 3), each after recode()."""
    coded = [np.asarray(recode(Image.fromarray(x), quality, shift)) for x in images]
    return np.stack(coded) if coded else images


def recode_images(data: ImageData, quality: int = 75, shift: int = 4) -> ImageData:
    """The same images, train and test, each after recode(): the pixels recompress_folder would store.

    Cached on disk by content (CIFAR-10 takes seconds to recode, and a run resumed chunk by chunk loads it each time).
    """
    digest = hashlib.blake2b(f"{quality}:{shift}".encode(), digest_size=12)
    for images in (data.train_x, data.test_x):
        digest.update(np.ascontiguousarray(images).data)
    cache = data_home() / "recoded" / f"{digest.hexdigest()}.npz"
    if cache.exists():
        with np.load(cache) as f:
            train_x, test_x = f["train_x"], f["test_x"]
    else:
        train_x, test_x = (recode_array(images, quality, shift) for images in (data.train_x, data.test_x))
        atomic_write(cache, lambda path: np.savez(open(path, "wb"), train_x=train_x, test_x=test_x))
    return ImageData(train_x, data.train_y, test_x, data.test_y, data.classes,
                     f"{data.name}, JPEG-coded once more at quality {quality}")


def recompress_folder(source: Path, target: Path, quality: int = 75, shift: int = 4) -> int:
    """Every image under source, recoded into the same relative path under target (as .png); how many."""
    paths = sorted(p for p in source.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".png"})
    for path in paths:
        out = (target / path.relative_to(source)).with_suffix(".png")
        out.parent.mkdir(parents=True, exist_ok=True)
        with Image.open(path) as image:
            recode(image, quality, shift).save(out)
    return len(paths)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="an ImageFolder root (train/<class>/..., test/<class>/...)")
    parser.add_argument("target", type=Path, help="where the recoded copy goes")
    parser.add_argument("--quality", type=int, default=75, help="JPEG quality (the mirror's is 75)")
    parser.add_argument("--shift", type=int, default=4, help="pixels the block grid moves (half a block)")
    args = parser.parse_args(argv)
    if not args.source.is_dir():
        parser.error(f"{args.source} is not a folder")
    count = recompress_folder(args.source, args.target, args.quality, args.shift)
    print(f"{count} images recoded into {args.target}")


if __name__ == "__main__":
    main()
