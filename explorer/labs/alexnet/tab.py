"""The AlexNet lab (Krizhevsky, Sutskever, Hinton 2012): Fig. 3's filters forming, Fig. 4's neighbours
and predictions, attributions, and the ablations the paper argues for, run live."""
from __future__ import annotations

import functools
import hashlib
import tempfile
from pathlib import Path

import gradio as gr
import numpy as np
import plotly.graph_objects as go

from explorer.labs.alexnet import views
from explorer.labs.alexnet.figures import make_filter_figure, make_group_figure, make_run_figure
from explorer.labs.alexnet.views import fastest, fig1_sweep, lrn_table
from explorer.serving import deployment
from explorer.serving.services import launcher, made_file, store
from explorer.shared import experiment_panel, layout, run_text
from explorer.shared.experiment_panel import REFERENCE
from explorer.shared.i18n import all_strings, error, inform, language, t, text
from explorer.shared.plots import ends_markdown, png_bytes
from explorer.shared.user_text import shown
from explorer.shared.yardstick import seed_markdown
from models.alexnet import WeightsUnavailable
from train.checkpoint import CheckpointError
from train.config import ConfigError
from train.data import cifar10_cached
from train.recipes import EXPERIMENTS, experiment_configs, get_recipe
from train.recipes.alexnet import RAW_PIXEL_LRN_ALPHA, RAW_PIXEL_SCALE, conv1_weights
from train.reference import label as reference_label
from train.reference import plan

WATCH_EVERY_S = 2.5
TRACK_PROGRESS = gr.Progress(track_tqdm=True)  # Gradio injects a live tracker where a handler defaults to one
GALLERY_DISPLAY = 96  # neighbour thumbnails are enlarged to this many pixels
DATA_CHOICES = ("cifar10", "sample")
IMAGE_DIR = Path(tempfile.gettempdir()) / "paperlab-images"


# -- pure helpers ---------------------------------------------------------------------------------


def sweep_markdown(lang: str) -> str:
    """The bundled sweep as a table, and the speed-up of each net's fastest run; "" where none is bundled."""
    sweep = fig1_sweep()
    if not sweep:
        return ""

    def init(config: dict) -> str:
        return text(f"alexnet.init_{config['init']}", lang)

    lines = [text("alexnet.sweep_title", lang), "", text("alexnet.sweep_columns", lang), "|---|---|---|---|"]
    for config, reached, trained in sweep:
        when = f"{reached:.1f}" if reached is not None else text("alexnet.sweep_never", lang, epochs=trained)
        unit = "ReLU" if config["activation"] == "relu" else "tanh"
        lines.append(f"| {unit} | {init(config)} | {config['lr']:g} | {when} |")
    best = fastest(sweep)
    if {"relu", "tanh"} <= best.keys():
        (relu_cfg, relu), (tanh_cfg, tanh) = best["relu"], best["tanh"]
        lines += ["", text("alexnet.sweep_best", lang, relu=relu, tanh=tanh, ratio=tanh / relu, relu_lr=relu_cfg["lr"],
                           tanh_lr=tanh_cfg["lr"], relu_init=init(relu_cfg), tanh_init=init(tanh_cfg))]
    return "\n".join(lines)


def lrn_markdown(experiment: str, lang: str, images: int = 64) -> str:
    """How much LRN normalises in the bundled AlexNet, at this pipeline's pixel scale and at the paper's raw pixel
    scale (sec. 2, 3.3), and what the experiment's variants change; "" where that model is not bundled."""
    try:
        table = lrn_table(views.load_view_model("bundled:alexnet-cifar", store()), images)
    except views.ModelUnavailable:
        return ""
    lines = [text("alexnet.lrn_title", lang, n=images), "", text("alexnet.lrn_columns", lang, scale=RAW_PIXEL_SCALE),
             "|---|---|---|---|---|"]
    for conv, (mean, largest, raw_mean, raw_largest) in zip(("conv1", "conv2"), table):
        lines.append(f"| {conv} | {mean:.3%} | {largest:.2%} | {raw_mean:.0%} | {raw_largest:.0%} |")
    note = text("alexnet.lrn_note", lang, scale=RAW_PIXEL_SCALE, alpha=RAW_PIXEL_LRN_ALPHA)
    if any(variant.get("lrn_alpha") == 0 for _, variant in EXPERIMENTS[experiment].variants):
        note += " " + text("alexnet.lrn_scale_only", lang)
    return "\n".join([*lines, "", note])


def experiment_notes(experiment: str, group_id: str | None, lang: str) -> str:
    """What the lab measures beside an ablation's curves: Fig. 1's learning-rate sweep under its reference runs,
    how much LRN normalises beside those that vary LRN's alpha (sec. 3.3), why two seeds are worth a run."""
    variants = EXPERIMENTS[experiment].variants
    if any("lrn_alpha" in variant for _, variant in variants):
        return lrn_markdown(experiment, lang)
    if all(variant.keys() == {"seed"} for _, variant in variants):
        yardstick = seed_markdown("alexnet", "alexnet-seed", "alexnet-cifar", lang)
        return "\n\n".join(filter(None, [text("alexnet.seed_note", lang), yardstick]))
    return sweep_markdown(lang) if (experiment, group_id) == ("relu-vs-tanh", REFERENCE) else ""


def chosen(value, options) -> bool:
    """value is one of the options (an API client may send a list or a number where a name belongs)."""
    return isinstance(value, str) and value in options


def image_file(image: np.ndarray) -> str:
    """The image as a PNG file named by its content (services.made_file).

    Why not return the array: Gradio rewrites its cached file of an array output in place on every call that
    draws the same picture, so one user could download the file while another's call rewrites it, and get
    half of it (1 request in 120 under `python -m tools.loadtest`). A file output is copied atomically.
    """
    data = png_bytes(image)
    return str(made_file(IMAGE_DIR, f"{hashlib.sha256(data).hexdigest()[:32]}.png", data))


# -- reading the store -------------------------------------------------------------------------------
def alexnet_runs(lang: str = "en") -> list[tuple[str, str]]:
    return [(f"{r.title} · {r.id} ({run_text.status(r.status, lang)})", r.id) for r in store().list_runs()
            if r.recipe == "alexnet"]


def run_towers(config: dict) -> int:
    return int(config.get("towers", 1)) if config.get("arch", "alexnet") == "alexnet" else 1


def default_data() -> str:
    return "cifar10" if cifar10_cached() else "sample"


# -- event handlers ----------------------------------------------------------------------------------
def start_watch_run(data: str, towers: str, activation: str, request: gr.Request):
    lang = language(request)
    if not chosen(data, DATA_CHOICES) or not chosen(towers, ("1", "2")):
        raise error("alexnet.msg_choose", lang)
    try:
        cfg = get_recipe("alexnet").config("lecture", data=data, towers=int(towers), activation=activation)
    except ConfigError as exc:
        raise error("alexnet.msg_cannot_start", lang, why=exc) from exc
    label = f"AlexNet {towers} tower {activation} (watch)"
    [run_id] = deployment.submit(request, "alexnet", "lecture", [(label, cfg.to_dict())])
    inform("alexnet.msg_started", lang, run=run_id)
    return gr.Dropdown(choices=alexnet_runs(), value=run_id), None


def stop_run(run_id: str | None, request: gr.Request) -> None:
    try:
        run = store().get(run_id)
    except KeyError:
        raise error("alexnet.msg_no_run", language(request)) from None
    deployment.check_may_control(run, request)
    launcher().cancel(run.id)


def watch_tick(run_id: str | None, source: str | None, seen: tuple | None, request: gr.Request):
    """Redraw the live filter grid and curves only when a new step or snapshot arrived; with no run to watch,
    show the lab's chosen model as trained, so the tab opens on trained kernels rather than empty plots."""
    lang = language(request)
    if not run_id:
        return trained_view(source, seen, lang)
    try:
        run = store().get(run_id)
    except KeyError:
        return gr.skip(), gr.skip(), gr.skip(), seen
    status = text("alexnet.status", lang, title=shown(run.title), status=run_text.status(run.status, lang),
                  step=run.step, total=run.total_steps, message=shown(run_text.message(run.message, lang)))
    accuracy = views.test_accuracy(f"run:{run_id}", store())
    if accuracy is not None:
        status += " " + text("alexnet.run_accuracy", lang, accuracy=accuracy)
    snapshot_steps = store().snapshot_steps(run_id, "conv1")
    now = (run_id, store().last_step(run_id), snapshot_steps[-1] if snapshot_steps else -1)
    if now == seen:
        return status, gr.skip(), gr.skip(), seen
    snapshot = store().load_snapshot(run_id, "conv1")
    filters = (make_filter_figure(snapshot[1], run_towers(run.config),
                                  text("alexnet.fig_filters_step", lang, step=snapshot[0]), lang, uirevision=run_id)
               if snapshot else gr.skip())
    return status, filters, make_run_figure(run.title, store().metrics(run_id), lang, uirevision=run_id), now


def trained_view(source: str | None, seen: tuple | None, lang: str):
    """The chosen model's conv1 kernels and training curves; the torchvision model is shown only on request."""
    now = ("trained", source, lang)
    if now == seen or not isinstance(source, str):
        return gr.skip(), gr.skip(), gr.skip(), seen
    if not source.startswith(("bundled:", "run:")):  # torchvision's: its weights download on request only
        return text("alexnet.trained_elsewhere", lang), None, None, now
    try:
        vm = views.load_view_model(source, store())
    except (views.ModelUnavailable, CheckpointError, KeyError, RuntimeError):
        return gr.skip(), gr.skip(), gr.skip(), now  # the filters tab says why, on request
    curves = views.model_curves(source, store())
    return (text("alexnet.trained_status", lang, shown=shown_line(source, vm, lang)),
            trained_filters(source, vm, lang),
            make_run_figure(vm.title, curves, lang, uirevision=source) if curves else None, now)


def shown_line(source: str, vm: views.ViewModel, lang: str) -> str:
    """Which model a view shows and how well it tests (its last evaluation), in one line."""
    accuracy = views.test_accuracy(source, store())
    if accuracy is None:
        return text("alexnet.shown_untested", lang, title=vm.title)
    where = "alexnet.tested_bundled" if source.startswith("bundled:") else "alexnet.tested_run"
    return text("alexnet.shown", lang, title=vm.title, accuracy=accuracy, where=text(where, lang))


def refresh_lists(source: str | None, filter_source: str | None, request: gr.Request | None = None):
    """The run and model lists again (also on load: in the page's language); the chosen models stay chosen (a new run
    is never chosen for the user)."""
    lang = language(request)
    sources = views.model_sources(store(), lang=lang)
    values = [value for _, value in sources]
    filters = views.model_sources(store(), views.FILTER_MODELS, lang)
    return (gr.update(choices=alexnet_runs(lang)),  # the run watched stays as it is: no value here
            gr.Dropdown(choices=sources, value=source if source in values else default_model(sources)),
            gr.Dropdown(choices=filters, value=filter_source if filter_source in values
                        else default_model(filters, views.FILTER_MODELS)),
            gr.Markdown(visible=len(sources) == 1))


def default_model(sources: list[tuple[str, str]], preferred: tuple[str, ...] = (views.DEFAULT_MODEL,)) -> str:
    """The first preferred model that is offered, else the first offered (torchvision's where nothing is bundled)."""
    values = [value for _, value in sources]
    return next((value for value in preferred if value in values), values[0])


def load_model(source: str | None, lang: str, progress: gr.Progress | None = None) -> views.ViewModel:
    if not source or not isinstance(source, str):
        raise error("alexnet.msg_pick_model", lang)
    if progress is not None:
        progress(0, desc=text("alexnet.loading", lang))
    try:
        return views.load_view_model(source, store())
    except (views.ModelUnavailable, WeightsUnavailable, CheckpointError, KeyError, RuntimeError) as exc:
        raise error("alexnet.msg_model", lang, why=exc) from exc


def show_filters(source: str, request: gr.Request, progress=TRACK_PROGRESS):
    """Fig. 3 of the chosen filter model, which model it is and how well it tests, and its measures beside the random
    init's."""
    lang = language(request)
    vm = load_model(source, lang, progress)
    return shown_line(source, vm, lang), trained_filters(source, vm, lang), measures_markdown(source, vm, lang)


# A lecture hall opens the same few models: their Fig. 3 (75 ms of the server's CPU to draw) and its measures (10 ms)
# are drawn once per model weights and language. Each entry keeps its model alive (1-4 MB for CIFAR AlexNets).
@functools.lru_cache(maxsize=8)
def trained_filters(source: str, vm: views.ViewModel, lang: str) -> go.Figure:
    """Fig. 3 of a model's conv1 kernels, titled with the model."""
    return make_filter_figure(conv1_weights(vm.model), vm.towers, text("alexnet.fig_filters", lang, title=vm.title),
                              lang, uirevision=source)


WEAK_SPLIT = 0.1  # a difference of mean colourfulness between the towers below this is called weak


@functools.lru_cache(maxsize=8)
def measures_markdown(source: str, vm: views.ViewModel, lang: str) -> str:
    """Fig. 3's measures (train.filter_measures) of the model's conv1 beside its random init, and how far apart the
    towers' colourfulness is; "" for torchvision's model (no run config to rebuild its init from)."""
    config = views.source_config(source, store())
    if config is None:
        return ""
    ours, init = views.filter_measures(vm, config)
    lines = [text("alexnet.measures_title", lang, n=conv1_weights(vm.model).shape[0]), "",
             text("alexnet.measures_columns", lang, seed=config.get("seed", 0)), "|---|---|---|"]
    lines += [f"| {text(f'alexnet.measure_{name}', lang)} | {ours[name]:.3f} | {init[name]:.3f} |" for name in ours]
    if "colourfulness_gpu1" in ours:
        gpu1, gpu2 = ours["colourfulness_gpu1"], ours["colourfulness_gpu2"]
        key = "alexnet.split_weak" if abs(gpu2 - gpu1) < WEAK_SPLIT else "alexnet.split_shows"
        lines += ["", text(key, lang, gpu1=gpu1, gpu2=gpu2, init=init["colourfulness_gpu1"])]
    return "\n".join(lines)


def show_model(source: str, request: gr.Request) -> str:
    """Which model the neighbours, predictions and attributions view shows, and how well it tests."""
    lang = language(request)
    if not isinstance(source, str):  # an API client can send anything
        return text("alexnet.msg_pick_model", lang)
    try:
        return shown_line(source, views.load_view_model(source, store()), lang)
    except (views.ModelUnavailable, WeightsUnavailable, CheckpointError, KeyError, RuntimeError) as exc:
        return text("alexnet.msg_model", lang, why=exc)


def pick_gallery(index: float):
    gallery = views.load_gallery()
    i = int(np.clip(np.nan_to_num(float(index or 0)), 0, len(gallery.images) - 1))
    return {"image": gallery.images[i], "index": i}, image_file(views.enlarge(gallery.images[i]))


def pick_random():
    i = int(np.random.default_rng().integers(len(views.load_gallery().images)))
    return (i, *pick_gallery(i))


def pick_upload(path: str | None, request: gr.Request):
    if not path:
        return gr.skip(), gr.skip()
    try:
        image = views.read_image(path)
    except views.ImageInputError as exc:
        raise error("alexnet.msg_image", language(request), why=exc) from exc
    return {"image": image, "index": None}, image_file(image)


def model_and_query(source: str, query: dict | None, lang: str, progress: gr.Progress | None = None):
    """The chosen model and the query image cropped and resized to its input size."""
    if not query:
        raise error("alexnet.msg_no_query", lang)
    vm = load_model(source, lang, progress)
    return vm, views.fit_square(query["image"], vm.image_size)


def search(source: str, query: dict | None, k: float, request: gr.Request, progress=TRACK_PROGRESS):
    """Top-5 (Fig. 4 left) and the k nearest gallery images by features and by pixels (Fig. 4 right)."""
    lang = language(request)
    vm, image = model_and_query(source, query, lang, progress)
    gallery = views.load_gallery()
    index = views.feature_index(vm, gallery, lambda done, total: progress((done, total),
                                                                          desc=text("alexnet.indexing", lang)))
    features, pixels, probs = views.query_vectors(vm, image, gallery)
    k = int(np.clip(np.nan_to_num(float(k or 1)), 1, 16))  # the slider's range, whatever the API sends

    def shown(found: tuple[np.ndarray, np.ndarray]) -> list[tuple[np.ndarray, str]]:
        return [(image_file(views.enlarge(gallery.images[i], GALLERY_DISPLAY)),
                 text("alexnet.caption", lang, cls=class_name(gallery.classes[gallery.labels[i]], lang), d=d))
                for i, d in zip(*found)]

    top = views.ranked(vm, probs)
    by_features = shown(index.nearest(features, k, exclude=query["index"]))
    by_pixels = shown(views.pixel_index(gallery).nearest(pixels, k, exclude=query["index"]))
    return ({class_name(name, lang): p for name, p in top.items()}, by_features, by_pixels,
            gr.Dropdown(choices=[(class_name(name, lang), name) for name in vm.classes], value=next(iter(top))))


def class_name(name: str, lang: str) -> str:
    """A CIFAR-10 class in lang; ImageNet's thousand (torchvision's model) as they are."""
    key = f"alexnet.class_{name}"
    return text(key, lang) if key in all_strings() else name


def first_search(source: str, query: dict | None, k: float, request: gr.Request, progress=TRACK_PROGRESS):
    """Opening the neighbours view searches the gallery's first image, so Fig. 4 is there before any click."""
    if query:
        return (gr.skip(),) * 6
    query, shown = pick_gallery(0)
    return (query, shown, *search(source, query, k, request, progress))


def explain(source: str, query: dict | None, cls: str | None, method: str, request: gr.Request):
    """The query with a Captum attribution of the chosen class (default: the top prediction) over it."""
    lang = language(request)
    if not chosen(method, views.ATTRIBUTIONS):
        raise error("alexnet.msg_choose", lang)
    vm, image = model_and_query(source, query, lang)
    cls = cls if isinstance(cls, str) and cls in vm.classes else None
    if query.get("index") is None:  # an upload: explained for its sender alone
        return image_file(attribution_picture(vm, image, cls, method))
    return image_file(gallery_attribution(vm, query["index"], cls, method))


def attribution_picture(vm: views.ViewModel, image: np.ndarray, cls: str | None, method: str) -> np.ndarray:
    """The model-sized image with the attribution of class cls (None: the top prediction) over it, enlarged."""
    target = vm.classes.index(cls or next(iter(views.top_k(vm, image, 1))))
    return views.enlarge(views.overlay(image, views.attribute(vm, image, target, method)))


@functools.lru_cache(maxsize=64)  # 64 pictures of 150 KB
def gallery_attribution(vm: views.ViewModel, index: int, cls: str | None, method: str) -> np.ndarray:
    """attribution_picture of a gallery image, remembered: a class explains the same few (the neighbours view opens
    on the first for everyone), at 0.1 s of the server's CPU each."""
    return attribution_picture(vm, views.fit_square(views.load_gallery().images[index], vm.image_size), cls, method)


def reference_names(experiment: str, variants: list[str]) -> str:
    """The references (`python -m train.reference --only ...`) that train these variants' curves."""
    folder = f"alexnet/{experiment}"
    refs = [ref for ref in plan("cifar10") if folder in (ref.curves, *ref.also)]
    return " ".join(dict.fromkeys(ref.name for ref in refs if reference_label(ref, folder) in variants))


def missing_markdown(experiment: str, shipped: list[str], lang: str) -> str:
    """Which of the experiment's variants have no bundled reference runs (all of them: what to do meanwhile), and the
    command that trains them."""
    missing = [name for name, _ in experiment_configs(experiment) if name not in shipped]
    if not missing:
        return ""
    how = text("alexnet.how_to_train", lang, names=reference_names(experiment, missing))
    if not shipped:
        return text("alexnet.no_reference", lang, how=how)
    return text("alexnet.missing_reference", lang, variants=", ".join(missing), how=how)


# -- the experiment panel's part --------------------------------------------------------------------
def experiment_runs(experiment: str, preset: str, data: str, setting, lang: str) -> list[tuple[str, dict]]:
    """One run per variant of an ablation, at the lecture preset (its own where the experiment sets one)."""
    if not chosen(data, DATA_CHOICES):
        raise error("alexnet.msg_choose", lang)
    try:
        return [(label, cfg.to_dict()) for label, cfg in experiment_configs(experiment, "lecture", data=data)]
    except ConfigError as exc:
        raise error("alexnet.msg_cannot_start", lang, why=exc) from exc


def draw_group(experiment: str, group_id: str | None, runs: list, reference: list, lang: str):
    """A group's curves (Fig. 1 in epochs) and the experiment's notes; with nothing to show, which reference runs are
    still to be trained."""
    if not group_id:
        return None, "\n\n".join(filter(None, [missing_markdown(experiment, [], lang),
                                                experiment_notes(experiment, None, lang)]))
    names = [name for name, _, _ in runs]
    notes = [missing_markdown(experiment, names, lang) if group_id == REFERENCE else "",
             ends_markdown(runs, lang, text("alexnet.ends_note", lang)), experiment_notes(experiment, group_id, lang)]
    return make_group_figure(experiment, runs, lang, uirevision=group_id), "\n\n".join(filter(None, notes))


LAB = experiment_panel.Lab("alexnet", experiment_runs, draw_group, reference_group=True, data_info="alexnet.data_info")


# -- layout and wiring ---------------------------------------------------------------------------------
def build() -> None:
    views.warm_filter_controls()
    sources = views.model_sources(store())
    model = gr.Dropdown(sources, value=default_model(sources), label=t("alexnet.model"),  # rendered under the figures
                        info=t("alexnet.model_info"), scale=4, elem_id="alexnet-model", render=False)
    with layout.tabs():
        with gr.Tab(t("alexnet.watch"), elem_id="alexnet-fig3"):
            with gr.Row():
                live_filters = gr.Plot(show_label=False, elem_classes=layout.FIGURE)
                live_curves = gr.Plot(show_label=False, elem_id="alexnet-live-curves", elem_classes=layout.FIGURE)
            with gr.Row():
                data = gr.Dropdown(list(DATA_CHOICES), value=default_data(), label=t("alexnet.data"),
                                   info=t("alexnet.data_info"))
                towers = gr.Radio(["1", "2"], value="2", label=t("alexnet.towers"), elem_id="alexnet-towers")
                activation = gr.Radio(["relu", "tanh"], value="relu", label=t("alexnet.activation"))
            with gr.Row():
                train_button = gr.Button(t("alexnet.train"), variant="primary")
                stop_button = gr.Button(t("alexnet.stop"), variant="stop")
                # no run is chosen for the user: the view shows the chosen model until they pick or start one
                watch_run = gr.Dropdown(alexnet_runs(), value=None, label=t("alexnet.run"), scale=3)
            status = gr.Markdown()
            layout.about("alexnet.watch_intro")
            watch_seen = experiment_panel.poll(watch_tick, [watch_run, model], [status, live_filters, live_curves],
                                               every=WATCH_EVERY_S, starts=[watch_run.change])

        with gr.Tab(t("alexnet.filters"), elem_id="alexnet-filters") as filters_tab:
            filter_sources = views.model_sources(store(), views.FILTER_MODELS)
            filters_plot = gr.Plot(show_label=False, elem_id="alexnet-filters-plot")
            with gr.Row():
                filter_model = gr.Dropdown(filter_sources, value=default_model(filter_sources, views.FILTER_MODELS),
                                           label=t("alexnet.filter_model"), info=t("alexnet.filter_model_info"),
                                           scale=4, elem_id="alexnet-filter-model")
                filters_button = gr.Button(t("alexnet.show_filters"), variant="primary", scale=1)
            filters_shown = gr.Markdown(elem_id="alexnet-filters-shown")
            filters_measures = gr.Markdown(elem_id="alexnet-filter-measures")
            with gr.Accordion(t("alexnet.which_model"), open=False):
                gr.Markdown(t("alexnet.filter_models_note"))
                gr.Markdown(t("alexnet.filters_note"))

        with gr.Tab(t("alexnet.neighbours"), elem_id="alexnet-fig4") as neighbours_tab:
            gallery_size = len(views.load_gallery().images)
            neighbours_shown = gr.Markdown(elem_id="alexnet-neighbours-shown")
            query = gr.State(None)
            with gr.Row():  # Fig. 4: a query image, and the training images nearest to it by feature vector
                with gr.Column(scale=1, min_width=200):
                    query_image = gr.Image(label=t("alexnet.query"), interactive=False, height=240)
                    top5 = gr.Label(num_top_classes=5, label=t("alexnet.top5"), elem_id="alexnet-top5")
                with gr.Column(scale=4):
                    by_features = gr.Gallery(label=t("alexnet.by_features"), columns=8, height="auto",
                                             elem_classes=["fit-gallery", layout.FIGURE])
                    by_pixels = gr.Gallery(label=t("alexnet.by_pixels"), columns=8, height="auto",
                                           elem_classes="fit-gallery")
            with gr.Row():
                index = gr.Slider(0, gallery_size - 1, value=0, step=1, label=t("alexnet.gallery_index"))
                k = gr.Slider(1, 16, value=8, step=1, label=t("alexnet.k"))
                with gr.Column():
                    random_button = gr.Button(t("alexnet.random"))
                    search_button = gr.Button(t("alexnet.search"), variant="primary")
            upload = gr.File(file_types=["image"], type="filepath", label=t("alexnet.upload"))
            gr.Markdown(t(views.load_gallery().name))
            with gr.Row():
                cls = gr.Dropdown([], label=t("alexnet.class"), allow_custom_value=False)
                method = gr.Radio([(t(f"alexnet.method_{name.split()[0].lower()}"), name) for name in views.ATTRIBUTIONS],
                                  value=views.ATTRIBUTIONS[0], label=t("alexnet.method"))
                explain_button = gr.Button(t("alexnet.explain"), variant="primary")
            attribution = gr.Image(label=t("alexnet.attribution"), interactive=False, height=260)

        with gr.Tab(t("alexnet.ablations"), elem_id="alexnet-fig1"):
            names = [n for n, e in EXPERIMENTS.items() if e.recipe == "alexnet"]
            experiment = gr.Dropdown([(t(f"alexnet.experiment_{n}"), n) for n in names], value=names[0],
                                     label=t("alexnet.experiment"), render=False)
            experiment_panel.panel(LAB, experiment, notes_id="alexnet-ablation-notes")
            layout.about("alexnet.ablation_intro")
    with gr.Row():
        model.render()
        refresh = gr.Button(t("alexnet.refresh"), scale=1)
    no_model = gr.Markdown(t("alexnet.no_model"), visible=len(sources) == 1)
    layout.about("alexnet.intro", lab=True)

    # wiring
    train_button.click(start_watch_run, [data, towers, activation], [watch_run, watch_seen])
    stop_button.click(stop_run, watch_run, None)
    watch_run.change(lambda: None, None, watch_seen)
    gr.on([refresh.click, layout.on_screen(live=True)], refresh_lists, [model, filter_model],
          [watch_run, model, filter_model, no_model])
    gr.on([filters_button.click, filters_tab.select, filter_model.input], show_filters, filter_model,
          [filters_shown, filters_plot, filters_measures])
    gr.on([model.change, neighbours_tab.select], show_model, model, neighbours_shown)
    index.release(pick_gallery, index, [query, query_image])
    random_button.click(pick_random, None, [index, query, query_image])
    upload.upload(pick_upload, upload, [query, query_image])
    search_button.click(search, [model, query, k], [top5, by_features, by_pixels, cls])
    neighbours_tab.select(first_search, [model, query, k],
                          [query, query_image, top5, by_features, by_pixels, cls])
    explain_button.click(explain, [model, query, cls, method], attribution)

