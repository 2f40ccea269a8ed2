"""AlexNet lab views: filter grids, neighbours, predictions, attributions, uploads, model loading, the tab."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from explorer.labs.alexnet import figures, views
from explorer.labs.alexnet import tab as alexnet_tab
from explorer.shared.reference_runs import bundled_models, final_test_error
from train import filter_measures
from train.checkpoint import load_weights, save_checkpoint
from train.data import ASSETS, CIFAR10_CLASSES, CIFAR10_MEAN, CIFAR10_STD, load_sample
from train.recipes import get_recipe
from train.recipes.alexnet import build_model, conv1_weights, filter_card
from train.store import RunStore


@pytest.fixture(scope="module")
def vm() -> views.ViewModel:
    torch.manual_seed(0)
    cfg = get_recipe("alexnet").config(towers=2)
    return views.ViewModel("test:cifar", "test", build_model(cfg).eval(), CIFAR10_CLASSES, 32, CIFAR10_MEAN,
                           CIFAR10_STD, 2)


@pytest.fixture(scope="module")
def gallery() -> views.Gallery:
    data = load_sample()
    return views.Gallery(data.test_x[:300], data.test_y[:300], data.classes, "sample-300")


# -- filters --------------------------------------------------------------------------------------
def test_filter_grid_size_and_range():
    weights = np.random.default_rng(0).normal(size=(10, 3, 5, 5))
    grid = views.filter_grid(weights, cols=4, scale=2, pad=1)
    assert grid.shape == (3 * (10 + 1) + 1, 4 * (10 + 1) + 1, 3) and grid.dtype == np.uint8
    with_bars = views.filter_grid(weights, cols=4, scale=2, pad=1, scores=np.full(10, 0.5))
    assert with_bars.shape == (3 * (10 + 2 + 1) + 1, 4 * (10 + 1) + 1, 3)
    tiles = views.normalise_kernels(weights)
    assert tiles.shape == (10, 5, 5, 3)
    np.testing.assert_allclose(tiles.min(axis=(1, 2, 3)), 0)
    np.testing.assert_allclose(tiles.max(axis=(1, 2, 3)), 1)


def test_the_views_measure_with_train_filter_measures_not_a_copy():
    assert views.colourfulness is filter_measures.colourfulness and views.tower_split is filter_measures.tower_split


def test_each_towers_grid_is_sorted_grey_to_colourful_with_the_kernels_numbers_kept():
    rng = np.random.default_rng(0)
    grey = np.repeat(rng.normal(size=(4, 1, 5, 5)), 3, axis=1)
    noise = rng.normal(size=(4, 3, 5, 5))
    weights = np.concatenate([noise, grey, grey[:2], noise[:2], noise[2:], grey[2:]])  # GPU 1: 8, GPU 2: 8
    fig = figures.make_filter_figure(weights, 2, "conv1", uirevision="run-1")
    hovers = [trace.hovertext for trace in fig.data if trace.type == "scatter"]
    for tower, texts in enumerate(hovers):
        scores = [float(text.rsplit(" ", 1)[1]) for text in texts]
        numbers = [int(text.split(":")[0].split()[1]) for text in texts]
        assert scores == sorted(scores) and scores[0] < 0.01 < 0.5 < scores[-1]   # grey first, noise last
        assert sorted(numbers) == list(range(8 * tower + 1, 8 * tower + 9))      # every kernel of its GPU, once
        first = numbers[0] - 1
        assert filter_measures.colourfulness(weights[first:first + 1])[0] == pytest.approx(scores[0], abs=0.006)
    means = [filter_measures.colourfulness(part).mean() for part in np.split(weights, 2)]
    assert [f"{m:.2f}" in title.text for m, title in zip(means, fig.layout.annotations)] == [True, True]
    assert fig.layout.uirevision == "run-1"   # the user's zoom survives the redraws of a live run


def test_two_tower_filter_figure_shows_the_halves_apart(vm):
    weights = conv1_weights(vm.model)
    assert [len(p) for p in views.tower_split(weights, 2)] == [24, 24]
    fig = figures.make_filter_figure(weights, 2, "conv1")
    assert sum(trace.type == "image" for trace in fig.data) == 2
    hover = [h for trace in fig.data if trace.type == "scatter" for h in trace.hovertext]
    numbers = [int(h.split(":")[0].split()[1]) for h in hover]
    assert sorted(numbers[:24]) == list(range(1, 25)) and sorted(numbers[24:]) == list(range(25, 49))


# -- features, neighbours, predictions ---------------------------------------------------------------
def test_hidden_layer_is_the_input_of_the_last_fc(vm):
    x = vm.prepare(np.zeros((3, 32, 32, 3), np.uint8))
    hidden, logits = views.hidden_and_logits(vm.model, x)
    assert hidden.shape == (3, 512) and logits.shape == (3, 10)
    torch.testing.assert_close(vm.model.classifier[-1](hidden), logits)
    assert not vm.model.classifier[-1]._forward_pre_hooks   # the hook is removed


def test_nearest_neighbour_by_features_is_the_image_itself(vm, gallery):
    calls = []
    index = views.feature_index(vm, gallery, lambda done, total: calls.append((done, total)), chunk=100)
    assert calls[-1] == (300, 300) and index.vectors.shape == (300, 512)
    assert views.feature_index(vm, gallery) is index            # cached per weights and gallery
    for i in (0, 17, 299):
        features, pixels, _ = views.query_vectors(vm, gallery.images[i], gallery)
        found, distances = index.nearest(features, 5)
        assert found[0] == i and distances[0] == pytest.approx(0, abs=1e-2)
        assert np.all(np.diff(distances) >= 0)
        assert views.pixel_index(gallery).nearest(pixels, 1)[0][0] == i
        assert i not in index.nearest(features, 5, exclude=i)[0]


def test_top5_is_a_sorted_distribution(vm, gallery):
    top = views.top_k(vm, gallery.images[0])
    assert len(top) == 5 and set(top) <= set(CIFAR10_CLASSES)
    probs = list(top.values())
    assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-6
    assert views.ranked(vm, views.query_vectors(vm, gallery.images[0], gallery)[2]) == top  # the search's one pass


@pytest.mark.parametrize("method", views.ATTRIBUTIONS)
def test_attributions_have_the_image_shape_and_are_not_all_zero(vm, gallery, method):
    attribution = views.attribute(vm, gallery.images[3], target=2, method=method, steps=8)
    assert attribution.shape == (3, 32, 32)
    assert np.abs(attribution).sum() > 0
    shown = views.overlay(gallery.images[3], attribution)
    assert shown.shape == (32, 32, 3) and shown.dtype == np.uint8


# -- uploads -----------------------------------------------------------------------------------------
def save(tmp_path, name: str, image: Image.Image, **options) -> str:
    path = tmp_path / name
    image.save(path, **options)
    return str(path)


def test_lrn_cuts_are_the_papers_formula_and_grow_with_the_responses_scale():
    """Sec. 3.3: b = a / (k + alpha * sum over n neighbouring maps of a^2)^beta; the cut is what it takes beyond k^-beta."""
    torch.manual_seed(0)
    model = build_model(get_recipe("alexnet").config(None, lrn_alpha=0.01)).eval()
    x = torch.randn(4, 3, 32, 32)
    cuts = views.lrn_cuts(model, x)
    with torch.no_grad():
        a = model.features[1](model.features[0](x))  # conv1 and its ReLU: what the first LRN sees
    padded = torch.nn.functional.pad(a.pow(2), (0, 0, 0, 0, 2, 2))  # n = 5 maps centred on each one
    sums = sum(padded[:, i:i + a.shape[1]] for i in range(5))
    expected = 1 - (2 / (2 + 0.01 * sums)) ** 0.75
    assert len(cuts) == 2 and np.allclose(cuts[0], expected[a > 0].numpy(), atol=1e-5)
    assert cuts[0].mean() > 1e-3
    larger = views.lrn_cuts(model, x, scale=64.0)
    assert all(big.mean() > 10 * small.mean() for big, small in zip(larger, cuts))
    without = build_model(get_recipe("alexnet").config(None, lrn_alpha=0.0)).eval()
    assert all(np.abs(cut).max() < 1e-6 for cut in views.lrn_cuts(without, x))  # alpha 0: only the constant k^-beta


def test_uploads_are_converted_to_rgb(tmp_path):
    rgba = Image.new("RGBA", (40, 30), (255, 0, 0, 0))                      # fully transparent red
    assert views.read_image(save(tmp_path, "a.png", rgba))[0, 0].tolist() == [255, 255, 255]
    grey = views.read_image(save(tmp_path, "g.png", Image.new("L", (20, 20), 80)))
    assert grey.shape == (20, 20, 3) and grey[0, 0].tolist() == [80, 80, 80]
    cmyk = views.read_image(save(tmp_path, "c.jpg", Image.new("CMYK", (16, 16), (0, 255, 255, 0))))
    assert cmyk.shape == (16, 16, 3) and cmyk[0, 0, 0] > 200 > cmyk[0, 0, 1]
    big = views.read_image(save(tmp_path, "big.jpg", Image.new("RGB", (3000, 1500), (0, 0, 255))))
    assert max(big.shape[:2]) <= views.MAX_SIDE
    assert views.read_image(np.random.default_rng(0).random((12, 12))).shape == (12, 12, 3)
    assert views.fit_square(big, 32).shape == (32, 32, 3)


def test_bad_uploads_get_clear_messages(tmp_path, monkeypatch):
    (tmp_path / "notes.png").write_text("hello, I am not a picture")
    with pytest.raises(views.ImageInputError, match="not an image"):
        views.read_image(str(tmp_path / "notes.png"))
    good = save(tmp_path, "good.png", Image.new("RGB", (64, 64), (10, 200, 30)))
    data = open(good, "rb").read()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(views.ImageInputError, match="damaged or truncated"):
        views.read_image(str(tmp_path / "cut.png"))
    with pytest.raises(views.ImageInputError, match="1x1"):
        views.read_image(save(tmp_path, "dot.png", Image.new("RGB", (1, 1))))
    with pytest.raises(views.ImageInputError, match="shape"):
        views.read_image(np.zeros((4, 20, 20, 3)))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)    # 8000x8000 and beyond, scaled down for speed
    with pytest.raises(views.ImageInputError, match="over the limit.*scale it down"):
        views.read_image(save(tmp_path, "40.png", Image.new("RGB", (40, 40))))
    with pytest.raises(views.ImageInputError, match="too large.*scale it down"):   # PIL's own bomb check
        views.read_image(good)


# -- models from the run store ------------------------------------------------------------------------
def test_runs_with_checkpoints_become_view_models(home):
    store = RunStore(home)
    cfg = get_recipe("alexnet").config(towers=2)
    run_id = store.create_run("alexnet", cfg.to_dict(), label="mine")
    store.create_run("alexnet", cfg.to_dict(), label="no checkpoint yet")
    model = build_model(cfg)
    save_checkpoint(store.checkpoint_dir(run_id), 10, {"step": 10, "model": model.state_dict()})
    sources = views.model_sources(store)
    values = [value for _, value in sources]
    assert values[0] == "bundled:alexnet-cifar" and values[-1] == "torchvision"   # a run never leads the list
    assert values.index(f"run:{run_id}") > values.index("bundled:alexnet-cifar-two-towers")
    assert "bundled:alexnet-cifar-two-towers" in values  # the model shipped in assets/models
    bundled = views.load_view_model("bundled:alexnet-cifar-two-towers", store)
    assert bundled.towers == 2 and bundled.title == "alexnet-cifar-two-towers (alexnet, relu, towers=2)"
    vm = views.load_view_model(f"run:{run_id}", store)
    assert vm.towers == 2 and vm.image_size == 32 and not vm.model.training
    np.testing.assert_array_equal(conv1_weights(vm.model), conv1_weights(model))
    with pytest.raises(views.ModelUnavailable):
        views.load_view_model("bundled:../../etc", store)


def test_bundled_models_reproduce_fig3s_colour_split(home):
    """Fig. 3: kernels on GPU 1 are greyer than those on GPU 2 in the two-tower model (the one-tower model is default)."""
    store = RunStore(home)
    values = [value for _, value in views.model_sources(store)]
    assert values[0] == "bundled:alexnet-cifar"  # no runs yet: the most accurate bundled model opens
    vm = views.load_view_model("bundled:alexnet-cifar-two-towers", store)
    gpu1, gpu2 = (views.colourfulness(part).mean() for part in views.tower_split(conv1_weights(vm.model), 2))
    assert gpu1 < gpu2 - 0.1


# -- the tab -------------------------------------------------------------------------------------------
def test_fig1_marks_where_each_run_reaches_25_percent():
    assert views.first_below([0, 1, 2], [0.5, 0.3, 0.1], 0.25) == pytest.approx(1.25)
    assert views.first_below([0, 1], [0.5, 0.4], 0.25) is None
    config = {"data": "sample", "train_size": 0, "batch_size": 100}
    assert views.train_images(config) == 1000
    relu = {"train_error": ([10, 20, 30], [0.5, 0.2, 0.1])}     # 25% at step 18.33: epoch 1.83
    tanh = {"train_error": ([10, 20, 100], [0.6, 0.5, 0.2])}    # 25% at step 86.67: epoch 8.67
    fig = figures.make_fig1_figure([("ReLU", config, relu), ("tanh", config, tanh)])
    assert "4.7x" in fig.layout.annotations[0].text
    slower = {"train_error": ([10, 20, 50], [0.6, 0.5, 0.4])}   # not at 25% by step 50 (epoch 5): at least 2.7x
    fig = figures.make_fig1_figure([("ReLU", config, relu), ("tanh", config, slower)])
    assert "≥ 2.7x" in fig.layout.annotations[0].text


def test_tab_builds(home):
    import gradio as gr

    with gr.Blocks():
        alexnet_tab.build()


def test_the_lab_opens_on_the_chosen_model_as_trained(home):
    """Issue 6: before any click, Fig. 3's live view shows trained kernels and curves, and Fig. 4 a search."""
    import gradio as gr

    status, filters, curves, seen = alexnet_tab.watch_tick(None, "bundled:alexnet-cifar", None, None)
    assert "after training" in status and filters.data[0].type == "image"
    assert max(curves.data[0].x) > 20_000                      # the bundled run's curves, from its metrics.csv
    assert [trace.name.split()[-1] for trace in curves.data] == ["train", "test"]   # named for people, not columns
    assert alexnet_tab.watch_tick(None, "bundled:alexnet-cifar", seen, None)[1:] == (gr.skip(), gr.skip(), seen)
    status, filters, curves, seen = alexnet_tab.watch_tick(None, "torchvision", None, None)
    assert "First-layer filters" in status and filters is curves is None   # never a download from a timer

    def quiet(*args, **kwargs):
        return None

    query, shown, top5, by_features, by_pixels, cls = alexnet_tab.first_search("bundled:alexnet-cifar", None, 4,
                                                                               None, progress=quiet)
    assert query["index"] == 0 and len(top5) == 5 and cls.value == next(iter(top5))
    assert len(by_features) == len(by_pixels) == 4
    assert alexnet_tab.first_search("bundled:alexnet-cifar", query, 4, None, progress=quiet) == (gr.skip(),) * 6


def test_large_uploads_are_refused_from_their_header_or_decoded_reduced(tmp_path, monkeypatch):
    """A 9400x9400 16-bit PNG (687 KB) was decoded in full: +0.8 GB each. Here scaled down: 2 megapixels at most."""
    from PIL import ImageFile

    monkeypatch.setattr(views, "MAX_PIXELS", 2_000_000)
    png = save(tmp_path, "deep.png", Image.new("I;16", (2000, 1500)))  # 3 megapixels, 16 bits each
    jpeg = save(tmp_path, "photo.jpg", Image.new("RGB", (2000, 1500), (0, 0, 255)))
    decoded = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda img: decoded.append(img.size) or load(img))
    with pytest.raises(views.ImageInputError, match="2000x1500 pixels, over the limit of 2 megapixels"):
        views.read_image(png)
    assert decoded == []  # refused before a single pixel was decoded
    assert views.read_image(jpeg).shape == (384, 512, 3) and set(decoded) == {(1000, 750)}  # JPEG: at half scale


# -- which model each view shows (issue 31 item 2) and Fig. 3's filter models (issue 32 item 1) ----------------------
def test_a_new_run_never_becomes_the_labs_model(home):
    """After a user's run checkpoints, refreshing the lists keeps the bundled model, and the user's own choice."""
    store = RunStore(home)
    cfg = get_recipe("alexnet").config()
    run_id = store.create_run("alexnet", cfg.to_dict(), label="a 60-step run")
    save_checkpoint(store.checkpoint_dir(run_id), 60, {"step": 60, "model": build_model(cfg).state_dict()})
    runs, model, filter_model, _ = alexnet_tab.refresh_lists(None, None)
    assert model.value == "bundled:alexnet-cifar" and filter_model.value == "bundled:alexnet-cifar-fig3-two-towers"
    assert f"run:{run_id}" in [value for _, value in model.choices] and "value" not in runs
    _, model, filter_model, _ = alexnet_tab.refresh_lists(f"run:{run_id}", "bundled:alexnet-cifar-fig3")
    assert (model.value, filter_model.value) == (f"run:{run_id}", "bundled:alexnet-cifar-fig3")   # chosen by the user


def test_every_view_says_which_model_and_how_well_it_tests(home):
    store = RunStore(home)
    cfg = get_recipe("alexnet").config()
    run_id = store.create_run("alexnet", cfg.to_dict(), label="mine")
    save_checkpoint(store.checkpoint_dir(run_id), 60, {"step": 60, "model": build_model(cfg).state_dict()})
    assert "no test accuracy" in alexnet_tab.show_model(f"run:{run_id}", None)
    store.log_metrics(run_id, 50, {"test_error": 0.8})
    store.log_metrics(run_id, 60, {"test_error": 0.75})
    assert "25.00%" in alexnet_tab.show_model(f"run:{run_id}", None)                    # its last evaluation
    assert "25.00%" in alexnet_tab.watch_tick(run_id, "bundled:alexnet-cifar", None, None)[0]   # watching it too
    error = final_test_error(ASSETS / "models" / "alexnet-cifar")
    line = alexnet_tab.show_model("bundled:alexnet-cifar", None)
    assert "alexnet-cifar" in line and f"{1 - error:.2%}" in line and "JPEG mirror" in line
    status = alexnet_tab.watch_tick(None, "bundled:alexnet-cifar", None, None)[0]
    assert f"{1 - error:.2%}" in status


def test_fig3_shows_the_filter_models_measures_beside_the_random_init(home):
    """The measures are train.filter_measures' on the model's kernels, and the control is the model card's: the
    same network rebuilt from its config and seed (train.recipes.alexnet.filter_card)."""
    source = "bundled:alexnet-cifar-fig3-two-towers"
    shown, fig, measures = alexnet_tab.show_filters(source, None, progress=None)
    error = final_test_error(ASSETS / "models" / "alexnet-cifar-fig3-two-towers")
    assert "alexnet-cifar-fig3-two-towers" in shown and f"{1 - error:.2%}" in shown
    assert sum(trace.type == "image" for trace in fig.data) == 2 and fig.layout.uirevision == source
    config, weights = bundled_models("alexnet")["alexnet-cifar-fig3-two-towers"]
    card = filter_card(config, load_weights(weights))
    card_numbers = [row.split("|")[2:4] for row in card if row.startswith("| ") and row[2].isalpha()][1:]
    ours = [row.split("|")[2:4] for row in measures.splitlines() if row.startswith("| ")][1:]
    assert ours == card_numbers and len(ours) == 6                               # trained and init, all six measures
    vm = views.load_view_model(source, RunStore(home))
    trained = filter_measures.summary(conv1_weights(vm.model), 2)
    assert trained["neighbour_correlation"] > 0.6 and float(ours[0][1]) < 0.1    # smooth, against the init's noise
    gpu1, gpu2 = trained["colourfulness_gpu1"], trained["colourfulness_gpu2"]
    assert gpu1 < gpu2 and ("weak" in measures) == (gpu2 - gpu1 < alexnet_tab.WEAK_SPLIT)
    assert f"{gpu1:.2f}" in measures and f"{gpu2:.2f}" in measures
    one = alexnet_tab.show_filters("bundled:alexnet-cifar-fig3", None, progress=None)[2]
    assert "GPU" not in one and len([row for row in one.splitlines() if row.startswith("| ")]) == 5


def test_a_class_opening_fig3_has_it_drawn_once_per_model_and_language(home, monkeypatch):
    """Fig. 3 takes the server 75 ms to draw, and a lecture hall opens the same model: drawn once, in each language."""
    import gradio as gr

    drawn = []
    monkeypatch.setattr(alexnet_tab, "make_filter_figure", lambda *args, **kw: drawn.append(args[3]) or object())
    alexnet_tab.trained_filters.cache_clear()
    source, zh = "bundled:alexnet-cifar-fig3", gr.Request(headers={"cookie": "paperlab-lang=zh"})
    figures = [alexnet_tab.show_filters(source, None, progress=None)[1] for _ in range(3)]
    figures.append(alexnet_tab.watch_tick(None, source, None, None)[1])  # the live view opens on the same picture
    assert drawn == ["en"] and all(fig is figures[0] for fig in figures)
    alexnet_tab.show_filters(source, zh, progress=None)
    assert drawn == ["en", "zh"]
    alexnet_tab.trained_filters.cache_clear()


def test_a_gallery_images_attribution_is_computed_once_and_an_uploads_each_time(home, monkeypatch):
    """A class explains the same gallery images: each (model, image, class, method) once; an upload is its
    sender's alone. The remembered picture is the one computed anew."""
    computed, attribute = [], views.attribute
    monkeypatch.setattr(views, "attribute", lambda *args, **kw: computed.append(args[2]) or attribute(*args, **kw))
    alexnet_tab.gallery_attribution.cache_clear()
    source, gallery = "bundled:alexnet-cifar", views.load_gallery()
    query, upload = {"image": gallery.images[4], "index": 4}, {"image": gallery.images[4], "index": None}
    pictures = [alexnet_tab.explain(source, query, "cat", "Saliency", None) for _ in range(2)]
    assert len(computed) == 1 and pictures[0] == pictures[1]
    assert alexnet_tab.explain(source, upload, "cat", "Saliency", None) == pictures[0] and len(computed) == 2
    alexnet_tab.explain(source, query, ["not", "a", "class"], "Saliency", None)  # the top class: asked anew
    alexnet_tab.explain(source, query, "dog", "Saliency", None)
    assert len(computed) == 4 and computed[-1] == views.CIFAR10_CLASSES.index("dog")
    alexnet_tab.gallery_attribution.cache_clear()
