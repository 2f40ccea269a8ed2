"""AlexNet recipes (Krizhevsky et al. 2012): the CIFAR-10 AlexNet, Fig. 1's four-layer net, the paper's ablations."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from models.alexnet import ACTIVATIONS, INITS, cifar_alexnet, four_layer_net
from train.config import ConfigError, choose
from train.data import CIFAR10_STD
from train.filter_measures import card_lines
from train.image_task import ImageClassificationTask, ImageTrainConfig
from train.recipes import Experiment, Recipe, register

ARCHS = ("alexnet", "four_layer", "four_layer_lrn")
# Sec. 3.3's LRN constants suit raw pixel values with the mean subtracted (sec. 2). These runs see pixels
# standardised per channel, about 255 * std = 64 times smaller, where alpha = 1e-4 leaves LRN all but a constant
# scale; alpha * 64^2 gives it the paper's strength.
RAW_PIXEL_SCALE = 255 * float(np.mean(CIFAR10_STD))
RAW_PIXEL_LRN_ALPHA = 1e-4 * RAW_PIXEL_SCALE ** 2
STRONG_LRN = f"LRN at raw-pixel strength (alpha {RAW_PIXEL_LRN_ALPHA:.2f})"  # the LRN experiments' variant


@dataclass
class AlexNetRunConfig(ImageTrainConfig):
    """Sec. 5: SGD, batch 128, momentum 0.9, weight decay 5e-4, lr 0.01 divided by 10 on plateaus (here: at steps)."""

    arch: str = "alexnet"               # alexnet (CIFAR-sized, see models.alexnet.cifar_alexnet) | four_layer (Fig. 1)
                                        # | four_layer_lrn (the same with LRN after conv1 and conv2, sec. 3.3)
    activation: str = "relu"            # relu | tanh (sec. 3.1, Fig. 1)
    towers: int = 1                     # 2: the two-GPU layout of sec. 3.2
    widths: tuple[int, ...] = (48, 128, 192, 192, 128)  # conv1..conv5 kernels (the paper: 96, 256, 384, 384, 256)
    conv1: tuple[int, ...] = (5, 1, 2)  # conv1's kernel, stride, padding (the paper: 11, 4, 2 on 224x224 inputs)
    hidden: int = 512                   # FC6 and FC7 units (the paper: 4096)
    resize: int = 0                     # > 0: images resized to this side inside the net, before conv1 (see cifar_alexnet)
    lrn: bool = True                    # sec. 3.3 (AlexNet; the four-layer net's is its arch)
    lrn_alpha: float = 1e-4             # sec. 3.3; RAW_PIXEL_LRN_ALPHA: as strong as on the paper's raw pixels
    overlap: bool = True                # sec. 3.4: 3x3 pooling windows with stride 2; False: 2x2
    dropout: float = 0.5                # sec. 4.2
    init: str = "he"                    # paper: N(0, 0.01) with biases 1 (sec. 5); pytorch: its defaults; he
    conv1_init: str = ""                # conv1's own init ("": as init); paper: N(0, 0.01), so what it learns shows
    augment: str = "crop_flip_pca"      # sec. 4.1: crops, flips and PCA colour shifts
    steps: int = 30_000
    batch_size: int = 128
    lr: float = 0.01
    momentum: float = 0.9
    weight_decay: float = 5e-4
    schedule: str = "step"
    milestones: tuple[int, ...] = (15_000, 25_000)
    eval_every: int = 1000
    checkpoint_every: int = 2000

    def __post_init__(self) -> None:
        super().__post_init__()
        choose(self.arch, ARCHS, "arch")
        choose(self.activation, ACTIVATIONS, "activation")
        choose(self.init, INITS, "init")
        choose(self.conv1_init, ("", *INITS), "conv1_init")
        self.widths, self.conv1 = tuple(int(w) for w in self.widths), tuple(int(c) for c in self.conv1)
        if len(self.widths) != 5 or len(self.conv1) != 3:
            raise ConfigError(f"widths needs 5 kernel counts and conv1 (kernel, stride, padding); got {self.widths}, "
                              f"{self.conv1}")
        if self.towers not in (1, 2):
            raise ConfigError(f"towers must be 1 or 2, got {self.towers}")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"dropout must be in [0, 1), got {self.dropout}")
        if self.lrn_alpha < 0:
            raise ConfigError(f"lrn_alpha must be >= 0, got {self.lrn_alpha}")


def build_model(cfg: AlexNetRunConfig) -> nn.Module:
    """The network a run trains, from its config (the app rebuilds it the same way to load a checkpoint)."""
    if cfg.arch != "alexnet":
        lrn_alpha = cfg.lrn_alpha if cfg.arch == "four_layer_lrn" else None
        return four_layer_net(cfg.activation, init=cfg.init, lrn_alpha=lrn_alpha)
    return cifar_alexnet(towers=cfg.towers, activation=cfg.activation, lrn=cfg.lrn, lrn_alpha=cfg.lrn_alpha,
                         pool_kernel=3 if cfg.overlap else 2, dropout=cfg.dropout, init=cfg.init, widths=cfg.widths,
                         conv1=cfg.conv1, hidden=cfg.hidden, resize=cfg.resize,
                         conv1_init=cfg.conv1_init)


def conv1_weights(model: nn.Module) -> np.ndarray:
    """The first layer's kernels, (K, 3, k, k): what Fig. 3 shows."""
    return model.features[0].weight.detach().float().cpu().numpy()


def filter_card(config: dict, state: dict[str, torch.Tensor]) -> list[str]:
    """Fig. 3's measures of a run's conv1 kernels (its weights `state`) beside its network's random init, seeded as
    the run was: markdown lines for its model card."""
    cfg = AlexNetRunConfig.from_dict(config)
    torch.manual_seed(cfg.seed)
    control = conv1_weights(build_model(cfg))
    lines = card_lines(state["features.0.weight"].float().numpy(), control, cfg.towers if cfg.arch == "alexnet" else 1)
    return lines + ["", *conv1_choices(cfg)] if cfg.arch == "alexnet" else lines


def conv1_choices(cfg: AlexNetRunConfig) -> list[str]:
    """How conv1 and what it sees compare with the paper's (sec. 2, 3.5, 5): model-card lines."""
    (kernel, stride, _), side, init = cfg.conv1, cfg.resize or 32, cfg.conv1_init or cfg.init
    inits = {"paper": "N(0, 0.01) as the paper's", "he": "He-normal (the paper: N(0, 0.01))",
             "pytorch": "PyTorch's default (the paper: N(0, 0.01))"}
    seen = (f"CIFAR-10's 32x32 images resized to {side}x{side} (bilinear) inside the network, a change from the "
            "paper" if cfg.resize else "CIFAR-10's 32x32 images as they are")
    why = (" Why: CIFAR images hold no detail finer than their own pixels, and resized they hold none finer than "
           f"{side // 32} pixels, so what conv1 learns is smooth (at 32x32 the bundled 5x5 kernels learned "
           "pixel-level detail: the part they learned peaks at 0.3 cycles per pixel)." if cfg.resize else "")
    return [f"conv1: {cfg.widths[0]} kernels of {kernel}x{kernel}, stride {stride} (the paper: 96, 11x11, stride 4), "
            f"initialised {inits[init]}; it sees {seen}. A kernel spans {kernel / side:.0%} of the image side (the "
            f"paper's: 11 of 224 pixels, 5%), {kernel * 32 / side:.2g} CIFAR pixels.{why}"]


def build_task(cfg: AlexNetRunConfig, device, ranks) -> ImageClassificationTask:
    return ImageClassificationTask(cfg, device, ranks, build_model(cfg), snapshot_fns={"conv1": conv1_weights})


# Lecture presets, sized for a 2-core CPU. WATCH: the conv1 kernels visibly organise into edges and
# colour blobs within a few hundred steps; a snapshot every 4 steps (about every 4 s) animates it.
WATCH = {"train_size": 10_000, "eval_size": 500, "steps": 600, "batch_size": 32, "lr": 0.02, "milestones": (),
         "log_every": 4, "eval_every": 100, "snapshot_every": 4, "checkpoint_every": 100}
# ABLATE: each variant a few minutes; differences in the train/test gap and speed of learning show early.
ABLATE = {"train_size": 5000, "eval_size": 1000, "steps": 400, "batch_size": 64, "lr": 0.02, "milestones": (),
          "log_every": 10, "eval_every": 50, "snapshot_every": 100, "checkpoint_every": 200}
# FIG1: the four-layer net, no regularisation or augmentation. lr 0.01 measured on 5,000 CIFAR-10 (JPEG
# mirror) images: ReLU reaches 25% training error near step 740 (0.05 stalls both nets above 60%).
FIG1 = {"arch": "four_layer", "init": "pytorch", "augment": "none", "weight_decay": 0.0, "train_size": 5000,
        "eval_size": 1000, "lr": 0.01, "steps": 1200, "batch_size": 64, "milestones": (), "log_every": 10,
        "eval_every": 100, "snapshot_every": 100, "checkpoint_every": 400}

# FIG3: a CIFAR-10 AlexNet for Fig. 3's picture. conv1 is the paper's: 96 kernels (48 per GPU), 11x11, stride 4,
# N(0, 0.01) (sec. 5), on images resized to 128x128 inside the net (conv1_choices says why). Measured on the bundled
# 5x5 model (He init): after 23k steps its kernels are still mostly their random init (weight decay removed 6% of
# it), and the part they learned is not smooth either (neighbour correlation 0.12, peaking at 0.3 cycles per pixel:
# CIFAR's pixel-level detail). From N(0, 0.01) what conv1 learns dominates; on resized images it is smooth. The
# layers above are narrowed so that both filter models fit 4 MB in fp16.
FIG3 = {"widths": (96, 64, 96, 96, 64), "conv1": (11, 4, 2), "hidden": 256, "resize": 128, "conv1_init": "paper"}

register(Recipe(
    name="alexnet",
    summary="a CIFAR-10 AlexNet (5 conv + 3 FC, LRN, overlapping pooling, dropout) or Fig. 1's four-layer net",
    config_cls=AlexNetRunConfig,
    build_task=build_task,
    presets={"lecture": WATCH, "ablation": ABLATE, "fig3": FIG3},
))


def ablation(name: str, summary: str, figure: str, variants: dict[str, dict], preset: dict = ABLATE) -> None:
    register(Experiment(name=name, summary=summary, recipe="alexnet", figure=figure,
                        variants=tuple(variants.items()), presets={"lecture": preset}))


ablation("relu-vs-tanh", "the four-layer net with ReLU or tanh units: epochs to reach 0.25 training error", "Fig. 1",
         {"ReLU": {"activation": "relu"}, "tanh": {"activation": "tanh"}}, FIG1)
ablation("alexnet-dropout", "dropout 0.5 in FC6 and FC7, or none: the gap between train and test error",
         "sec. 4.2", {"dropout 0.5": {"dropout": 0.5}, "no dropout": {"dropout": 0.0}})
ablation("alexnet-augment", "no augmentation, crops and flips, crops, flips and PCA colour shifts", "sec. 4.1",
         {"none": {"augment": "none"}, "crops + flips": {"augment": "crop_flip"},
          "crops + flips + PCA colour": {"augment": "crop_flip_pca"}})
ablation("alexnet-lrn", "LRN after conv1 and conv2: none, the paper's constants, raw-pixel strength, its scale only",
         "sec. 3.3",
         {"LRN": {"lrn": True, "lrn_alpha": 1e-4}, "no LRN": {"lrn": False},
          STRONG_LRN: {"lrn": True, "lrn_alpha": RAW_PIXEL_LRN_ALPHA},
          "LRN scale only (alpha 0)": {"lrn": True, "lrn_alpha": 0.0}})
ablation("lrn-four-layer", "Fig. 1's four-layer net, LRN after conv1 and conv2: none, paper's, raw-pixel strength",
         "sec. 3.3, CIFAR-10",
         {"no LRN": {"arch": "four_layer"}, "LRN": {"arch": "four_layer_lrn", "lrn_alpha": 1e-4},
          STRONG_LRN: {"arch": "four_layer_lrn", "lrn_alpha": RAW_PIXEL_LRN_ALPHA}}, FIG1)
ablation("alexnet-pooling", "overlapping 3x3 stride-2 pooling against non-overlapping 2x2", "sec. 3.4",
         {"overlapping (z=3, s=2)": {"overlap": True}, "non-overlapping (z=s=2)": {"overlap": False}})
ablation("alexnet-towers", "one tower against the paper's two-GPU layout (groups of 2 in conv2, conv4, conv5)",
         "sec. 3.2, Fig. 2", {"one tower": {"towers": 1}, "two towers": {"towers": 2}})
ablation("alexnet-seed", "the same recipe with another seed: how far apart two runs of it end", "sec. 3-4",
         {"seed 0": {"seed": 0}, "seed 1": {"seed": 1}})
