"""AlexNet models (Krizhevsky et al. 2012): sizes, shapes, options, initialisation, torchvision weights, recipes."""
from __future__ import annotations

import copy

import pytest
import torch
import torchvision
from torch import nn

from models.alexnet import (
    AlexNetConfig,
    TowerLRN,
    WeightsUnavailable,
    alexnet,
    cifar_alexnet,
    four_layer_net,
    imagenet_alexnet,
    imagenet_weights_path,
    one_weird_trick_alexnet,
)
from train.bench import library_lrn
from train.recipes import EXPERIMENTS, experiment_configs, get_recipe
from train.recipes.alexnet import RAW_PIXEL_LRN_ALPHA, build_model


def count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def convs(model: nn.Module) -> list[nn.Conv2d]:
    return [m for m in model.features if isinstance(m, nn.Conv2d)]


def test_paper_alexnet_has_about_60_million_parameters_and_1000_outputs():
    two, one = alexnet(), alexnet(towers=1)
    assert 60.0e6 < count(two) < 61.5e6        # sec. 3: "60 million parameters"
    assert count(one) > count(two)              # joining the towers adds the cross-GPU connections
    with torch.no_grad():
        assert two.eval()(torch.randn(2, 3, 224, 224)).shape == (2, 1000)
        assert two.features(torch.randn(1, 3, 224, 224)).shape == (1, 256, 6, 6)


def test_torchvision_layout_matches_torchvision():
    ours, theirs = one_weird_trick_alexnet(), torchvision.models.alexnet()
    assert count(ours) == 61_100_840
    ours.load_state_dict(theirs.state_dict())    # same keys and shapes
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        torch.testing.assert_close(ours.eval()(x), theirs.eval()(x))


def test_cifar_models_take_32x32_images():
    x = torch.randn(4, 3, 32, 32)
    with torch.no_grad():
        for model in (cifar_alexnet(), cifar_alexnet(towers=2), cifar_alexnet(pool_kernel=2, lrn=False),
                      four_layer_net("tanh")):
            assert model.eval()(x).shape == (4, 10)


def test_two_towers_split_conv2_conv4_conv5_only():
    groups = [c.groups for c in convs(alexnet(towers=2))]
    assert groups == [1, 2, 1, 2, 2]            # sec. 3.2: conv3 and the FC layers connect across GPUs
    assert [c.groups for c in convs(alexnet(towers=1))] == [1] * 5
    conv2 = convs(alexnet(towers=2))[1]
    assert conv2.weight.shape == (256, 48, 5, 5)  # each kernel sees the 48 maps of its own GPU


def test_two_towers_do_not_mix_before_conv3():
    model = cifar_alexnet(towers=2, dropout=0.0).eval()
    upto_conv3 = model.features[:next(i for i, m in enumerate(model.features) if m is convs(model)[2])]
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        base = upto_conv3(x)
        conv1 = convs(model)[0]
        conv1.weight[:24] += 1.0                  # change only tower 1's conv1 kernels
        changed = upto_conv3(x)
    half = base.shape[1] // 2
    assert not torch.allclose(base[:, :half], changed[:, :half])
    torch.testing.assert_close(base[:, half:], changed[:, half:])  # tower 2 (LRN included) is untouched


def test_activation_switch():
    assert any(isinstance(m, nn.Tanh) for m in cifar_alexnet(activation="tanh").modules())
    assert not any(isinstance(m, nn.ReLU) for m in four_layer_net("tanh").modules())
    assert not any(isinstance(m, nn.Tanh) for m in four_layer_net("relu").modules())
    with pytest.raises(ValueError, match="relu or tanh"):
        AlexNetConfig(activation="sigmoid")


def test_paper_initialisation():
    model = alexnet()
    conv, linear = convs(model), [m for m in model.classifier if isinstance(m, nn.Linear)]
    assert [float(c.bias.detach().mean()) for c in conv] == [0.0, 1.0, 0.0, 1.0, 1.0]
    assert [float(m.bias.detach().mean()) for m in linear] == [1.0, 1.0, 0.0]
    assert abs(float(linear[0].weight.detach().std()) - 0.01) < 1e-3


def test_the_four_layer_net_takes_each_initialisation():
    """Fig. 1's net honours its run's init (it once kept PyTorch's defaults whatever the config said)."""
    first = {init: four_layer_net("tanh", init=init).features[0] for init in ("pytorch", "paper", "he")}
    stds = {init: float(conv.weight.detach().std()) for init, conv in first.items()}
    assert abs(stds["paper"] - 0.01) < 2e-3 and abs(stds["he"] - 5 / 3 / 75 ** 0.5) < 0.03  # tanh gain 5/3, fan-in 75
    assert abs(stds["pytorch"] - 1 / 225 ** 0.5) < 0.02  # kaiming_uniform(a=sqrt(5)): 1/sqrt(3 fan-in)
    assert float(first["paper"].bias.detach().abs().max()) == 0.0 != float(first["pytorch"].bias.detach().abs().max())
    with pytest.raises(ValueError, match="init must be one of"):
        four_layer_net(init="xavier")


def test_lrn_and_pooling_options_change_the_network():
    base = cifar_alexnet()
    assert any(type(m).__name__ == "TowerLRN" for m in base.modules())
    assert not any(type(m).__name__ == "TowerLRN" for m in cifar_alexnet(lrn=False).modules())
    pools = {m.kernel_size for m in cifar_alexnet(pool_kernel=2).modules() if isinstance(m, nn.MaxPool2d)}
    assert pools == {2}
    assert cifar_alexnet(pool_kernel=2).cfg.feature_size == 4 and base.cfg.feature_size == 3
    strong = [m for m in cifar_alexnet(lrn_alpha=0.4).modules() if isinstance(m, TowerLRN)]
    assert len(strong) == 2 and all(m.alpha == 0.4 for m in strong)
    with pytest.raises(ValueError, match="lrn_alpha"):
        cifar_alexnet(lrn_alpha=-1)
    four = [m for m in four_layer_net(lrn_alpha=0.4).modules() if isinstance(m, TowerLRN)]
    assert len(four) == 2 and four[0].alpha == 0.4  # sec. 3.3's four-layer check: after conv1, conv2
    assert not any(isinstance(m, TowerLRN) for m in four_layer_net().modules())  # Fig. 1's net: none


@pytest.mark.parametrize("towers", [1, 2])
def test_tower_lrn_is_the_library_layer_applied_to_each_tower(towers):
    """Our banded-matmul LRN gives nn.LocalResponseNorm's values and gradients, per tower (alpha x n there)."""
    x = (torch.randn(3, 16, 5, 5) * 20).relu().requires_grad_()
    library = nn.LocalResponseNorm(5, alpha=0.01 * 5, beta=0.75, k=2.0)
    expected = torch.cat([library(part) for part in x.chunk(towers, dim=1)], dim=1)
    ours = TowerLRN(towers, alpha=0.01)(x)
    assert (1 - ours / expected.clamp_min(1e-9))[x > 0].max() < 1e-5
    assert float((1 - ours / (x * 2 ** -0.75))[x > 0].mean()) > 0.3  # alpha 0.01 on responses ~20 normalises
    grads = [torch.autograd.grad(y.square().sum(), x)[0] for y in (ours, expected)]
    torch.testing.assert_close(*grads, rtol=1e-4, atol=1e-5)
    if towers == 2:  # kernel 7's window stops at its tower's edge: scaling tower 2 leaves it as it was
        y = x.detach().clone()
        y[:, 8:] *= 3
        torch.testing.assert_close(TowerLRN(2, alpha=0.01)(y)[:, :8], ours[:, :8].detach())


def test_the_lrn_benchmark_times_the_same_net_with_the_library_layer():
    """`python -m train.bench --only lrn` compares like with like: swapping in nn.LocalResponseNorm keeps the function."""
    ours = cifar_alexnet(lrn_alpha=0.05).eval()
    library = library_lrn(copy.deepcopy(ours))
    assert sum(isinstance(m, nn.LocalResponseNorm) for m in library.modules()) == 2
    x = torch.randn(4, 3, 32, 32)
    torch.testing.assert_close(library(x), ours(x), rtol=1e-4, atol=1e-5)


def test_tower_lrn_normalises_in_fp32_under_bf16_autocast():
    """bf16 rounds 2 + alpha * sum to 2 for small sums; the layer sums in fp32 and returns its input's dtype."""
    x = (torch.randn(2, 8, 4, 4) * 20).relu()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        y = TowerLRN(1, alpha=1e-3)(x.bfloat16())
    assert y.dtype == torch.bfloat16
    assert torch.equal(y, TowerLRN(1, alpha=1e-3)(x.bfloat16().float()).bfloat16())  # bf16 sums would round


def test_torchvision_weights_load_from_the_hub_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(WeightsUnavailable, match="not cached"):
        imagenet_alexnet(download=False)
    reference = torchvision.models.alexnet()
    path = imagenet_weights_path()
    assert path.is_relative_to(tmp_path)
    path.parent.mkdir(parents=True)
    torch.save(reference.state_dict(), path)
    model = imagenet_alexnet(download=False, progress=False)
    torch.testing.assert_close(model.features[0].weight, reference.features[0].weight)
    assert not model.training


def test_corrupt_weights_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    path = imagenet_weights_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(WeightsUnavailable, match="could not be loaded"):
        imagenet_alexnet(download=False)


def test_recipe_and_experiments_build_their_models():
    recipe = get_recipe("alexnet")
    assert recipe.config("lecture").snapshot_every <= 4
    for name in ("relu-vs-tanh", "alexnet-dropout", "alexnet-augment", "alexnet-lrn", "lrn-four-layer",
                 "alexnet-pooling", "alexnet-towers", "alexnet-seed"):
        runs = experiment_configs(name, "lecture")
        assert len(runs) >= 2 and "lecture" in EXPERIMENTS[name].presets
        assert len({cfg.to_json() for _, cfg in runs}) == len(runs)   # the variants really differ
    (_, relu), (_, tanh) = experiment_configs("relu-vs-tanh", "lecture")
    assert (relu.arch, relu.activation, tanh.activation) == ("four_layer", "relu", "tanh")
    nets = [build_model(cfg) for _, cfg in experiment_configs("lrn-four-layer", "lecture")]
    alphas = [[m.alpha for m in net.modules() if isinstance(m, TowerLRN)] for net in nets]
    assert alphas == [[], [pytest.approx(1e-4)] * 2, [pytest.approx(RAW_PIXEL_LRN_ALPHA)] * 2]
    assert 0.40 < RAW_PIXEL_LRN_ALPHA < 0.42  # 1e-4 x (255 x CIFAR-10's pixel std, about 0.25)^2
