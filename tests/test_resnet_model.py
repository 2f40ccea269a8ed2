"""The ResNet architectures against the paper: Table 6 parameter counts, shortcut options, Table 1 FLOPs."""
from __future__ import annotations

import pytest
import torch

from explorer.labs.resnet.views import count_mult_adds, count_params
from models.resnet import (
    CIFAR_DEPTHS,
    IMAGENET_LAYERS,
    IMAGENET_MULT_ADDS,
    SHORTCUTS,
    Bottleneck,
    PadShortcut,
    cifar_resnet,
    conv3x3_layers,
    imagenet_resnet,
)

TABLE6_PARAMS = {20: 0.27e6, 32: 0.46e6, 44: 0.66e6, 56: 0.85e6, 110: 1.7e6}
TORCHVISION_PARAMS = {18: 11_689_512, 34: 21_797_672, 50: 25_557_032, 101: 44_549_160, 152: 60_192_808}


@pytest.mark.parametrize("depth", CIFAR_DEPTHS)
def test_cifar_parameter_counts_match_table6(depth):
    assert count_params(cifar_resnet(depth)) == pytest.approx(TABLE6_PARAMS[depth], rel=0.02)


@pytest.mark.parametrize("depth", CIFAR_DEPTHS)
def test_option_a_adds_no_parameters_and_projections_do(depth):
    plain = count_params(cifar_resnet(depth, plain=True))
    a, b, c = (count_params(cifar_resnet(depth, shortcut=s)) for s in SHORTCUTS)
    assert a == plain
    assert plain < b < c
    # B projects only the two stage transitions: 1x1 convs 16->32 and 32->64, each with a BN
    assert b - plain == 16 * 32 + 2 * 32 + 32 * 64 + 2 * 64


def test_plain_networks_have_no_shortcuts_and_residual_ones_do():
    blocks = lambda model: [m for m in model.modules() if hasattr(m, "shortcut")]  # noqa: E731
    assert all(b.shortcut is None for b in blocks(cifar_resnet(56, plain=True)))
    assert all(b.shortcut is not None for b in blocks(cifar_resnet(56)))
    assert sum(isinstance(b.shortcut, PadShortcut) for b in blocks(cifar_resnet(56, shortcut="A"))) == 2
    assert not any(isinstance(m, PadShortcut) for m in cifar_resnet(20, shortcut="C").modules())


@pytest.mark.parametrize("depth", CIFAR_DEPTHS)
@torch.no_grad()
def test_cifar_output_shapes_for_every_option(depth):
    x = torch.randn(2, 3, 32, 32)
    for model in [cifar_resnet(depth, plain=True), *(cifar_resnet(depth, shortcut=s) for s in SHORTCUTS)]:
        assert model.eval()(x).shape == (2, 10)
    assert len(conv3x3_layers(cifar_resnet(depth))) == depth - 1  # every layer but the fc is a 3x3 conv


def test_option_a_shortcut_subsamples_and_zero_pads():
    x = torch.randn(2, 16, 8, 8)
    out = PadShortcut(16, 32, 2)(x)
    assert out.shape == (2, 32, 4, 4)
    assert torch.equal(out[:, 8:24], x[:, :, ::2, ::2])
    assert out[:, :8].abs().sum() == 0 and out[:, 24:].abs().sum() == 0


@pytest.mark.parametrize("depth", IMAGENET_LAYERS)
def test_imagenet_flops_match_table1(depth):
    measured = count_mult_adds(lambda: imagenet_resnet(depth), (1, 3, 224, 224))
    assert measured == pytest.approx(IMAGENET_MULT_ADDS[depth], rel=0.05)


@pytest.mark.parametrize("depth", IMAGENET_LAYERS)
def test_imagenet_parameters_and_shapes(depth):
    with torch.device("meta"):
        model = imagenet_resnet(depth)
        out = model(torch.empty(2, 3, 224, 224))
    assert out.shape == (2, 1000)
    assert count_params(model) == TORCHVISION_PARAMS[depth]  # torchvision's resnetN: same layers, B shortcuts
    bottleneck = IMAGENET_LAYERS[depth][0] is Bottleneck
    assert any(isinstance(m, Bottleneck) for m in model.modules()) == bottleneck


@torch.no_grad()
def test_imagenet_forward_on_real_data_and_options():
    x = torch.randn(2, 3, 64, 64)
    for model in (imagenet_resnet(18), imagenet_resnet(50, plain=True), imagenet_resnet(50, shortcut="A")):
        out = model.eval()(x)
        assert out.shape == (2, 1000) and torch.isfinite(out).all()
    # torchvision's "v1.5" moves the stride to the 3x3: same weights, more multiply-adds
    v15 = count_mult_adds(lambda: imagenet_resnet(50, stride_in_1x1=False), (1, 3, 224, 224))
    v1 = count_mult_adds(lambda: imagenet_resnet(50), (1, 3, 224, 224))
    assert v15 > 1.03 * v1


@pytest.mark.parametrize("bad", [dict(depth=21), dict(depth=4), dict(shortcut="D")])
def test_cifar_config_errors_say_what_is_allowed(bad):
    with pytest.raises(ValueError, match="6n\\+2|A, B, C"):
        cifar_resnet(**bad)


def test_imagenet_config_errors():
    with pytest.raises(ValueError, match="18, 34, 50, 101, 152"):
        imagenet_resnet(42)
