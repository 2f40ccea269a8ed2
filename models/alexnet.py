"""ImageNet Classification with Deep Convolutional Neural Networks (Krizhevsky, Sutskever, Hinton 2012).

Three networks, all with `features` (convolutions) and `classifier` (fully connected) groups as
in torchvision, so the last hidden layer is the input of `classifier[-1]`:

- `alexnet()`: the paper's ImageNet network (sec. 3.5, Fig. 2), 224x224 input, about 61M parameters.
- `cifar_alexnet()`: the same design sized for 32x32 CIFAR-10 images (see `cifar_alexnet`).
- `four_layer_net()`: the small CIFAR-10 network of Fig. 1 (ReLU versus tanh), with LRN for sec. 3.3's check.

`one_weird_trick_alexnet()` is torchvision's variant of the network; `imagenet_alexnet()` loads
torchvision's ImageNet weights into it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

ACTIVATIONS = ("relu", "tanh")
INITS = ("paper", "pytorch", "he")


@dataclass
class AlexNetConfig:
    """Defaults are the paper's ImageNet network (sec. 3); every change from it is a named option."""

    num_classes: int = 1000
    image_size: int = 224                             # the input's side
    resize: int = 0                                   # > 0: inputs resized (bilinear) to resize x resize before conv1,
                                                      # so small images meet conv1 at the paper's pixel scale
    widths: tuple[int, ...] = (96, 256, 384, 384, 256)  # conv1..conv5 kernels, both GPUs together (Fig. 2)
    conv1: tuple[int, int, int] = (11, 4, 2)          # kernel, stride, padding: 11x11 stride 4 -> 55x55 maps
    hidden: int = 4096                                # FC6 and FC7 units
    towers: int = 2                                   # sec. 3.2: two GPUs; 1 = one tower, every layer connected
    activation: str = "relu"                          # sec. 3.1: relu; tanh for the Fig. 1 comparison
    lrn: bool = True                                  # sec. 3.3: after conv1 and conv2
    lrn_alpha: float = 1e-4                           # sec. 3.3's alpha, set for raw pixel values (sec. 2)
    pool_kernel: int = 3                              # sec. 3.4: z=3, s=2 overlaps; z=2 is the non-overlapping baseline
    dropout: float = 0.5                              # sec. 4.2: in FC6 and FC7
    init: str = "paper"                               # sec. 5: N(0, 0.01), biases 1 or 0; "pytorch": its defaults;
                                                      # "he": He et al. 2015 normal init, biases 0
    conv1_init: str = ""                              # conv1's own init, one of INITS ("": as `init`)

    def __post_init__(self) -> None:
        self.widths, self.conv1 = tuple(self.widths), tuple(self.conv1)
        if len(self.widths) != 5 or len(self.conv1) != 3:
            raise ValueError("widths needs 5 kernel counts (conv1..conv5) and conv1 (kernel, stride, padding)")
        if self.towers not in (1, 2) or any(w % self.towers for w in self.widths):
            raise ValueError(f"towers must be 1 or 2 and divide every width {self.widths}; got {self.towers}")
        if self.conv1_init not in ("", *INITS):
            raise ValueError(f"conv1_init must be '' (as init) or one of {', '.join(INITS)}; got {self.conv1_init!r}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be relu or tanh; got {self.activation!r}")
        if self.pool_kernel not in (2, 3):
            raise ValueError(f"pool_kernel must be 3 (overlapping, z=3 s=2) or 2 (z=s=2); got {self.pool_kernel}")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be in [0, 1); got {self.dropout}")
        if self.lrn_alpha < 0:
            raise ValueError(f"lrn_alpha must be >= 0; got {self.lrn_alpha}")
        if self.resize < 0:
            raise ValueError(f"resize must be 0 (off) or the side conv1 sees; got {self.resize}")
        if self.feature_size < 1:
            raise ValueError(f"image_size {self.image_size} is too small for this network")

    @property
    def feature_size(self) -> int:
        """Side of conv5's pooled maps: 6 for 224x224 inputs (Fig. 2)."""
        kernel, stride, pad = self.conv1
        size = ((self.resize or self.image_size) + 2 * pad - kernel) // stride + 1
        for _ in range(3):  # max-pooling after conv1, conv2 and conv5, stride 2
            size = (size - self.pool_kernel) // 2 + 1
        return size


class TowerLRN(nn.Module):
    """Local response normalisation (sec. 3.3) within each tower, as each GPU normalised its own kernels.

    b = a / (k + alpha * sum a^2)^beta, the sum over the n adjacent kernel maps of the same tower. The paper's
    alpha is not divided by n (PyTorch's `nn.LocalResponseNorm` divides it). Its constants suit the paper's inputs,
    raw pixel values with the mean subtracted (sec. 2): on inputs scaled by 1/c the same strength needs alpha * c^2.
    The sum is one matmul with a banded 0/1 matrix, in fp32 under autocast (bf16 cannot resolve 2 + 1e-4 * sum):
    the library layer's value, about twice as fast on a CPU (`python -m train.bench --only lrn`).
    """

    def __init__(self, towers: int, size: int = 5, alpha: float = 1e-4, beta: float = 0.75, k: float = 2.0):
        super().__init__()
        self.towers, self.size, self.alpha, self.beta, self.k = towers, size, alpha, beta, k

    def window(self, channels: int, device: torch.device) -> torch.Tensor:
        """(C, C) 0/1 matrix: 1 where kernel j is in kernel i's window, n wide and within i's tower."""
        i = torch.arange(channels, device=device)
        tower = i // (channels // self.towers)
        near = (i[:, None] - i[None, :]).abs() <= self.size // 2
        return (near & (tower[:, None] == tower[None, :])).float()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        with torch.autocast(x.device.type, enabled=False):
            a = x.float()
            sums = torch.matmul(self.window(c, x.device), a.square().reshape(b, c, h * w)).reshape(b, c, h, w)
            return (a * (self.k + self.alpha * sums).pow(-self.beta)).to(x.dtype)

    def extra_repr(self) -> str:
        return f"towers={self.towers}, size={self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


def activation(name: str) -> nn.Module:
    return nn.ReLU(inplace=True) if name == "relu" else nn.Tanh()


class AlexNet(nn.Module):
    """Five convolutional and three fully connected layers (sec. 3.5, Fig. 2)."""

    def __init__(self, cfg: AlexNetConfig | None = None):
        super().__init__()
        self.cfg = cfg = cfg or AlexNetConfig()
        c1, c2, c3, c4, c5 = cfg.widths
        kernel, stride, pad = cfg.conv1
        # conv2, conv4 and conv5 see only their own GPU's maps (groups); conv3 and the FC layers see both.
        g = cfg.towers

        def block(*layers: nn.Module) -> list[nn.Module]:
            return [layers[0], activation(cfg.activation), *layers[1:]]

        def pool() -> nn.Module:
            return nn.MaxPool2d(cfg.pool_kernel, 2)

        def lrn() -> list[nn.Module]:
            return [TowerLRN(g, alpha=cfg.lrn_alpha)] if cfg.lrn else []

        self.features = nn.Sequential(
            *block(nn.Conv2d(3, c1, kernel, stride, pad), *lrn(), pool()),
            *block(nn.Conv2d(c1, c2, 5, padding=2, groups=g), *lrn(), pool()),
            *block(nn.Conv2d(c2, c3, 3, padding=1)),
            *block(nn.Conv2d(c3, c4, 3, padding=1, groups=g)),
            *block(nn.Conv2d(c4, c5, 3, padding=1, groups=g), pool()),
        )
        self.classifier = nn.Sequential(
            nn.Dropout(cfg.dropout), nn.Linear(c5 * cfg.feature_size ** 2, cfg.hidden), activation(cfg.activation),
            nn.Dropout(cfg.dropout), nn.Linear(cfg.hidden, cfg.hidden), activation(cfg.activation),
            nn.Linear(cfg.hidden, cfg.num_classes),
        )
        convs = [m for m in self.features if isinstance(m, nn.Conv2d)]
        linears = [m for m in self.classifier if isinstance(m, nn.Linear)]
        initialise(convs + linears, cfg.init, cfg.activation, ones=[convs[1], convs[3], convs[4], *linears[:2]])
        if cfg.conv1_init:
            initialise(convs[:1], cfg.conv1_init, cfg.activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.cfg.resize:                         # (B, 3, resize, resize)
            x = F.interpolate(x, size=(self.cfg.resize,) * 2, mode="bilinear", align_corners=False)
        x = self.features(x)                        # (B, c5, 6, 6) for 224x224 inputs
        return self.classifier(torch.flatten(x, 1))


def initialise(layers: list[nn.Module], init: str, activation_name: str, ones: list[nn.Module] = ()) -> None:
    """'paper' (sec. 5): weights from N(0, 0.01), biases 1 in the `ones` layers (the paper: conv2, conv4, conv5 and
    the hidden FC layers), else 0; 'he': He-normal weights for the activation, zero biases; 'pytorch': as built."""
    if init not in INITS:
        raise ValueError(f"init must be one of {', '.join(INITS)}; got {init!r}")
    if init == "pytorch":
        return
    for m in layers:
        if init == "paper":
            nn.init.normal_(m.weight, 0.0, 0.01)
        else:
            nn.init.kaiming_normal_(m.weight, nonlinearity=activation_name)
        nn.init.constant_(m.bias, 1.0 if init == "paper" and any(m is o for o in ones) else 0.0)


class FourLayerNet(nn.Module):
    """Fig. 1's four-layer CIFAR-10 network: three 5x5 convolutions with pooling and one FC layer.

    Sized as cuda-convnet's quick CIFAR-10 model (32, 32, 64 kernels, 3/2 pooling), no
    regularisation, as the paper's figure used; the activation is the only variable. init: PyTorch's
    defaults, or 'paper' (sec. 5's N(0, 0.01), zero biases) or 'he' (see `initialise`). lrn_alpha: LRN
    after conv1 and conv2 with this alpha, for sec. 3.3's CIFAR-10 check of a four-layer net (None: no LRN).
    """

    def __init__(self, activation_name: str = "relu", num_classes: int = 10, init: str = "pytorch",
                 lrn_alpha: float | None = None):
        super().__init__()
        if activation_name not in ACTIVATIONS:
            raise ValueError(f"activation must be relu or tanh; got {activation_name!r}")

        def lrn() -> list[nn.Module]:
            return [] if lrn_alpha is None else [TowerLRN(1, alpha=lrn_alpha)]

        self.features = nn.Sequential(
            nn.Conv2d(3, 32, 5, padding=2), activation(activation_name), *lrn(), nn.MaxPool2d(3, 2),   # (B, 32, 15, 15)
            nn.Conv2d(32, 32, 5, padding=2), activation(activation_name), *lrn(), nn.MaxPool2d(3, 2),  # (B, 32, 7, 7)
            nn.Conv2d(32, 64, 5, padding=2), activation(activation_name), nn.MaxPool2d(3, 2),          # (B, 64, 3, 3)
        )
        self.classifier = nn.Sequential(nn.Linear(64 * 3 * 3, num_classes))
        initialise([m for m in self.modules() if isinstance(m, (nn.Conv2d, nn.Linear))], init, activation_name)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.features(x), 1))


def alexnet(*, towers: int = 2, **options) -> AlexNet:
    """The paper's ImageNet AlexNet; towers=1 joins the two GPUs' halves into one network."""
    return AlexNet(AlexNetConfig(towers=towers, **options))


def cifar_alexnet(*, towers: int = 1, **options) -> AlexNet:
    """AlexNet's design for 32x32 CIFAR-10 images: 5 conv + 3 FC, ReLU, LRN, 3/2 pooling, dropout.

    Scaling from the paper: conv1 is 5x5 with stride 1 (11x11 stride 4 would leave 6x6 maps of a
    32x32 image); kernel counts are halved, (48, 128, 192, 192, 128), one of the paper's GPUs;
    FC6 and FC7 have 512 units for conv5's 128 x 3 x 3 maps (the paper: 4096 for 256 x 6 x 6);
    10 outputs. He initialisation by default: with N(0, 0.01), or PyTorch's default, the signal
    shrinks through the eight layers (conv5's output std is about 0.02 for unit inputs) and the
    loss stays at ln 10 for hundreds of steps (both remain options).
    """
    values = {"num_classes": 10, "image_size": 32, "widths": (48, 128, 192, 192, 128), "conv1": (5, 1, 2),
              "hidden": 512, "init": "he"}
    return AlexNet(AlexNetConfig(towers=towers, **{**values, **options}))


def one_weird_trick_alexnet(num_classes: int = 1000) -> AlexNet:
    """torchvision's layout (Krizhevsky 2014, "One weird trick"): 64, 192, 384, 256, 256 kernels, no LRN,
    one tower; 61,100,840 parameters and the same state-dict keys, so torchvision's weights load into it.
    """
    return AlexNet(AlexNetConfig(num_classes=num_classes, widths=(64, 192, 384, 256, 256), towers=1, lrn=False,
                                 init="pytorch"))


def four_layer_net(activation_name: str = "relu", num_classes: int = 10, init: str = "pytorch",
                   lrn_alpha: float | None = None) -> FourLayerNet:
    return FourLayerNet(activation_name, num_classes, init, lrn_alpha)


# -- torchvision's ImageNet weights ----------------------------------------------------------
class WeightsUnavailable(RuntimeError):
    """The pretrained weights are neither cached nor downloadable; the message says how to get them."""


def imagenet_weights_path() -> Path:
    """Where torch.hub keeps torchvision's AlexNet weights ($TORCH_HOME/hub/checkpoints/...)."""
    from torchvision.models import AlexNet_Weights

    return Path(torch.hub.get_dir()) / "checkpoints" / Path(AlexNet_Weights.IMAGENET1K_V1.url).name


def imagenet_alexnet(*, download: bool = True, progress: bool = True) -> AlexNet:
    """`one_weird_trick_alexnet()` with torchvision's ImageNet weights (IMAGENET1K_V1), in eval mode.

    Downloads with torch.hub's tqdm progress bar when not cached; offline: WeightsUnavailable.
    """
    from torchvision.models import AlexNet_Weights

    weights, path = AlexNet_Weights.IMAGENET1K_V1, imagenet_weights_path()
    if not path.exists() and not download:
        raise WeightsUnavailable(f"torchvision's ImageNet AlexNet weights are not cached at {path}")
    try:
        state = weights.get_state_dict(progress=progress, check_hash=True)
    except Exception as exc:  # URLError, timeouts, a truncated file: all mean "not available here"
        raise WeightsUnavailable(
            f"torchvision's ImageNet AlexNet weights could not be loaded ({type(exc).__name__}: {exc}). "
            f"Connect to the internet and try again, or copy {path.name} from {weights.url} to {path}.") from exc
    model = one_weird_trick_alexnet()
    model.load_state_dict(state)
    return model.eval()
