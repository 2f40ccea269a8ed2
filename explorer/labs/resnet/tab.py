"""The ResNet lab: the degradation problem (Fig. 6), shortcut options, layer responses (Fig. 7), gradients, bottlenecks.

Pure computations live in explorer/labs/resnet/views.py; this module holds the figure builders, then the layout
and its event wiring. Training runs go through the launcher into the run store; timers redraw from the store.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import gradio as gr
import numpy as np
import plotly.graph_objects as go

from explorer.labs.resnet import views
from explorer.labs.resnet.figures import make_fig6_figure, make_layer_figure, make_recode_figure
from explorer.labs.resnet.views import Profile, Series
from explorer.serving import deployment
from explorer.serving.services import store
from explorer.shared import experiment_panel, layout, reference_runs, run_text
from explorer.shared.i18n import error, language, t, text, warn
from explorer.shared.plots import ends_markdown
from explorer.shared.yardstick import seed_markdown, seed_spread
from models.resnet import CIFAR_DEPTHS, SHORTCUTS
from train.checkpoint import CheckpointError
from train.config import ConfigError
from train.data import cifar10_cached
from train.recipes import get_recipe
from train.recipes.resnet import jpeg_variants, plain_vs_residual_variants, seed_variants, shortcut_variants
from train.store import RunRecord

PLANES = (64, 128, 256, 512)  # stage widths of Table 1




def recode_view(request: gr.Request) -> go.Figure:
    return make_recode_figure(language(request))


def ends_of(experiment: str, live: Sequence[Series], reference: Sequence[Series], lang: str = "en") -> str:
    """Where the experiment's runs end, the reference runs first and named so, as in the plot's legend."""
    runs = [(f"{run_text.label(label, lang)} ({text('resnet.reference', lang)})", cfg, curves)
            for label, cfg, curves in reference]
    return ends_markdown([*runs, *live], lang, text(f"resnet.ends_{experiment}", lang))


def seed_view(request: gr.Request) -> str:
    """Every other ResNet reference run weighed against two seeds of ResNet-20 (explorer.shared.yardstick)."""
    lang = language(request)
    return seed_markdown("resnet", "resnet-seed", "resnet20-cifar", lang) or text("resnet.seed_missing", lang)


def resnet_runs() -> list[RunRecord]:
    return [r for r in store().list_runs() if r.recipe == "resnet"]


def checkpoint_choices(lang: str = "en") -> list[tuple[str, str]]:
    """(shown text, "run_id:step") for every checkpoint of every ResNet run, newest run first, then the bundled
    models ("bundled:name")."""
    out = []
    for run in resnet_runs():
        for path in reversed(store().checkpoints(run.id)):
            step = int(path.stem.removeprefix("step-"))
            out.append((text("resnet.checkpoint_choice", lang, title=run.title, step=step, id=run.id),
                        f"{run.id}:{step}"))
    return out + [(reference_runs.bundled_label(weights.parent, lang), f"bundled:{name}")
                  for name, (_, weights) in reference_runs.bundled_models("resnet").items()]


def find_weights(key: str) -> tuple[str, dict, Path]:
    """A checkpoint_choices() value -> (shown name, run config, weights file); KeyError if there is none."""
    kind, _, name = key.partition(":")
    if kind == "bundled":
        config, path = reference_runs.bundled_models("resnet")[name]
        return name, config, path
    run_id, _, step = key.rpartition(":")
    try:
        run, step = store().get(run_id), int(step)
        path = next(p for p in store().checkpoints(run_id) if p.stem == f"step-{step:09d}")
    except (ValueError, StopIteration):  # not a run's checkpoint, or since deleted
        raise KeyError(key) from None
    return f"{run.title} · step {step:,}", run.config, path


def check_choice(value, choices: Sequence, lang: str) -> None:
    """Refuse a value the component does not offer (an API client can send anything)."""
    if not any(value == choice and type(value) is type(choice) for choice in choices):
        raise error("resnet.choose", lang)


def is_folder(path: str) -> bool:
    try:
        return Path(path).expanduser().is_dir()
    except (OSError, ValueError):  # a name too long for the filesystem, a NUL byte
        return False


def check_data(data: str, lang: str) -> str:
    data = (data or "").strip() if isinstance(data, str) else ""
    # a folder of one's own images works locally; on a public demo user text never touches the filesystem
    if data not in ("cifar10", "sample") and (deployment.public_mode() or not is_folder(data)):
        raise error("resnet.bad_data", lang, data=data[:80])
    if data == "cifar10" and not cifar10_cached():
        warn("resnet.downloading", lang)
    return data


# -- the experiment panel's part -------------------------------------------------------------------------

def run_configs(experiment: str, preset_name: str, data_name: str, value, lang: str) -> list[tuple[str, dict]]:
    """The experiment's runs at the tab's setting (depths, or one depth), with the preset and data chosen."""
    check_choice(preset_name, ("lecture", "paper"), lang)
    data_name = check_data(data_name, lang)
    recipe = get_recipe("resnet")
    try:
        return [(label, recipe.config(None if preset_name == "paper" else preset_name,
                                      **{"data": data_name, **overrides}).to_dict())
                for label, overrides in VARIANTS[experiment](value, lang=lang)]
    except ConfigError as exc:
        raise error("resnet.cannot_start", lang, why=exc) from exc


def draw_group(experiment: str, group_id: str | None, live: list[Series], reference: list[Series], lang: str):
    """Fig. 6's panels (no plot where there is nothing to draw: not axes around nothing), with every other seed of a
    reference run (views.with_seeds), and where each run ends."""
    if group_id == experiment_panel.REFERENCE:
        drawn_live, drawn_reference = views.with_seeds(live), reference
    else:
        drawn_live, drawn_reference = live, views.with_seeds(reference)
    figure = (make_fig6_figure(drawn_live, drawn_reference, lang, uirevision=f"{experiment}:{group_id}")
              if live or reference else None)
    notes = [ends_of(experiment, live, reference, lang), jpeg_markdown(lang) if experiment == "jpeg" else ""]
    return figure, "\n\n".join(filter(None, notes))


def jpeg_markdown(lang: str) -> str:
    """How much of the bundled ResNet-20's gap to Table 6 one more JPEG coding explains, from the lab's own runs, and
    how it compares with what two seeds of the same recipe are apart."""
    gap, seeds = views.jpeg_gap(), seed_spread("resnet", "resnet-seed")
    if not gap:
        return ""
    if seeds:
        _, spread = seeds
        gap_times, cost_times = (gap[key] / spread.points if spread.points else float("inf") for key in ("gap", "cost"))
        chance = text("resnet.jpeg_chance", lang, apart=spread.sentence(lang), gap_times=gap_times,
                      cost_times=cost_times)
    else:
        chance = text("resnet.jpeg_no_chance", lang)
    return text("resnet.jpeg_gap", lang, **gap, chance=chance)


def fig6_variants(depths: list[int], *, lang: str):
    if not depths:
        raise error("resnet.pick_depth", lang)
    if len(depths) > 3:
        raise error("resnet.too_many", lang)
    for depth in depths:
        check_choice(depth, CIFAR_DEPTHS, lang)
    return plain_vs_residual_variants(sorted(depths))


def at_depth(variants: Sequence[tuple[str, dict]]) -> Callable[..., tuple[tuple[str, dict], ...]]:
    """An experiment's variants at the depth its tab's dropdown chooses (experiment_panel's `variants`)."""
    def chosen(depth: int, *, lang: str):
        check_choice(depth, CIFAR_DEPTHS, lang)
        return tuple((label, {**overrides, "depth": depth}) for label, overrides in variants)
    return chosen


VARIANTS = {"plain-vs-residual": fig6_variants, "shortcuts": at_depth(shortcut_variants(SHORTCUTS)),
            "jpeg": at_depth(jpeg_variants()), "resnet-seed": at_depth(seed_variants())}
LAB = experiment_panel.Lab("resnet", run_configs, draw_group, data_info="resnet.data_info", own_data=True,
                           presets=(("panel.preset_lecture", "lecture"), ("panel.preset_paper", "paper")))


def shortcut_table(depth: int, request: gr.Request) -> dict:
    lang = language(request)
    check_choice(depth, CIFAR_DEPTHS, lang)
    counts = views.shortcut_params(depth)
    rows = [[text("resnet.no_shortcut", lang) if option == "plain" else option, f"{n:,}", f"{n - counts['plain']:,}"]
            for option, n in counts.items()]
    return {"data": rows, "headers": [text(k, lang) for k in ("resnet.option", "resnet.params", "resnet.extra")]}


def show_responses(keys: list[str], request: gr.Request, progress=gr.Progress()):
    lang = language(request)
    if not keys:
        raise error("resnet.pick_checkpoint", lang)
    profiles = []
    for key in progress.tqdm(keys, desc=text("resnet.measuring", lang)):
        try:
            name, cfg, path = find_weights(str(key))
        except KeyError:
            raise error("resnet.missing_checkpoint", lang, name=str(key)[:80]) from None
        try:
            profiles.append((name, cfg, views.checkpoint_response_std(
                path, cfg.get("depth", 20), cfg.get("plain", False), cfg.get("shortcut", "A"))))
        except (CheckpointError, RuntimeError) as exc:  # corrupt, truncated or another architecture's weights
            raise error("resnet.cannot_read", lang, name=name, why=exc) from exc
    return make_layer_figure(profiles, text("resnet.responses_title", lang), text("resnet.std", lang), lang,
                             sorted_panel=True)


def refresh_checkpoints(request: gr.Request | None = None):
    """Every choice (in the page's language); selected: the newest checkpoint of each of the first four runs or bundled
    models."""
    choices = checkpoint_choices(language(request))
    firsts: dict[str, str] = {}
    for _, key in choices:
        firsts.setdefault(key if key.startswith("bundled:") else key.rpartition(":")[0], key)
    return gr.update(choices=choices, value=list(firsts.values())[:4])


def init_gradients(depth: int, request: gr.Request):
    lang = language(request)
    check_choice(depth, CIFAR_DEPTHS, lang)
    profiles = [(f"{'plain' if plain else 'ResNet'}-{depth}", {"depth": depth, "plain": plain},
                 views.initial_gradient_norms(int(depth), plain)) for plain in (True, False)]
    return make_layer_figure(profiles, text("resnet.init_title", lang), text("resnet.grad_norm", lang), lang,
                             log_y=True)


REFERENCE_PREFIX = "reference:"  # run choices that are Fig. 6's reference runs, by label
# Per-layer profiles that ResNet runs snapshot over training: kind -> (title, y-axis title, plot options)
PROFILES = {"grad_norm": ("resnet.gradients_at", "resnet.grad_norm", {"log_y": True}),             # sec. 4.1
            "response_std": ("resnet.responses_at", "resnet.std", {"sorted_panel": True})}        # Fig. 7


def reference_profiles(kind: str) -> dict[str, tuple[dict, list[int], np.ndarray]]:
    """Fig. 6's reference runs that ship a per-layer profile over training: label -> (config, steps, one row per
    step)."""
    out = {}
    for name, config, _ in reference_runs.load("resnet", "plain-vs-residual"):
        shipped = reference_runs.load_snapshots("resnet", "plain-vs-residual", name)
        if kind in shipped:
            out[name] = config, *shipped[kind]
    return out


def refresh_profile_runs(kind: str, request: gr.Request):
    """Runs that logged `kind`, then the reference runs; chosen: the first four runs, else the references, at the
    last iteration all of them reached."""
    runs = [r for r in resnet_runs() if store().snapshot_steps(r.id, kind)]
    references = reference_profiles(kind)
    suffix = f" ({text('resnet.reference', language(request))})"
    choices = [(f"{r.title} · {r.id}", r.id) for r in runs] + [(name + suffix, REFERENCE_PREFIX + name)
                                                              for name in references]
    lasts = {r.id: store().snapshot_steps(r.id, kind)[-1] for r in runs[:4]} or \
        {REFERENCE_PREFIX + name: steps[-1] for name, (_, steps, _) in references.items()}
    top = max([1, *(r.total_steps for r in runs), *(steps[-1] for _, steps, _ in references.values())])
    return (gr.update(choices=choices, value=list(lasts)),
            gr.update(maximum=top, value=min(lasts.values(), default=0)))


def layer_profile(kind: str, key: str, step: int) -> Profile | None:
    """A run's or reference run's profile at its newest snapshot at or before step, its iteration in the legend."""
    if key.startswith(REFERENCE_PREFIX):
        name = key.removeprefix(REFERENCE_PREFIX)
        config, steps, rows = reference_profiles(kind).get(name, ({}, [], None))
        if not steps:
            return None
        found = views.snapshot_at(steps, step)
        return f"{name} · {found:,}", config, rows[steps.index(found)]
    try:
        steps = store().snapshot_steps(key, kind)
    except KeyError:  # not a run id
        return None
    if not steps:
        return None
    run = store().get(key)
    found, values = store().load_snapshot(key, kind, views.snapshot_at(steps, step))
    return f"{run.title} · {found:,}", run.config, values


def training_profiles(kind: str, run_ids: list[str], step: int, request: gr.Request):
    lang = language(request)
    step = int(np.clip(np.nan_to_num(float(step or 0)), 0, 2**62))
    found = [layer_profile(kind, str(key), step) for key in (run_ids if isinstance(run_ids, list) else [])]
    profiles = [profile for profile in found if profile]
    if not profiles:
        raise error("resnet.pick_run", lang)
    title, y_title, options = PROFILES[kind]
    return make_layer_figure(profiles, text(title, lang, step=step), text(y_title, lang), lang, **options)


def through_training(kind: str) -> None:
    """A run picker, an iteration slider and the per-layer `kind` of the chosen runs there: the user's runs and
    Fig. 6's reference runs, drawn from their snapshots (nothing is measured)."""
    def list_runs(request: gr.Request):
        return refresh_profile_runs(kind, request)

    def draw(run_ids: list[str], step: int, request: gr.Request):
        return training_profiles(kind, run_ids, step, request)

    def draw_if_any(run_ids: list[str], step: int, request: gr.Request):
        """After the run list refreshes: draw when there are runs, stay quiet when there are none."""
        return draw(run_ids, step, request) if run_ids else gr.skip()

    plot = gr.Plot(elem_classes=layout.FIGURE)
    with gr.Row():
        runs = gr.Dropdown([], multiselect=True, label=t("resnet.runs"), scale=4)
        refresh = gr.Button(t("resnet.refresh"), scale=1)
    step = gr.Slider(0, 1, value=0, step=1, label=t("resnet.step"))
    gr.on([layout.on_screen(live=True), refresh.click], list_runs, None, [runs, step]).then(
        draw_if_any, [runs, step], [plot])
    gr.on([runs.input, step.release], draw, [runs, step], [plot])


def block_view(planes: int, request: gr.Request):
    lang = language(request)
    check_choice(planes, PLANES, lang)
    costs = views.block_costs(planes)
    rows = [[text(f"resnet.block_{name}", lang), c["in"], f"{c['params']:,}", f"{c['mult_adds'] / 1e6:,.1f}M"]
            for name, c in costs.items()]
    headers = [text(k, lang) for k in ("resnet.block", "resnet.input", "resnet.params", "resnet.mult_adds")]
    table = [text(k, lang) for k in ("resnet.network", "resnet.stages", "resnet.params_m", "resnet.measured",
                                     "resnet.paper", "resnet.difference")]
    stages = []
    for network, stage, *numbers in views.imagenet_table():
        block, counts = stage.split(" ", 1)  # "Bottleneck [3, 4, 6, 3]": the block's name in lang
        stages.append([network, f"{text(f'resnet.block_{block}', lang)} {counts}", *numbers])
    return (views.block_diagram_svg(planes, lang), {"data": rows, "headers": headers}, {"data": stages, "headers": table})


# -- layout and wiring --------------------------------------------------------------------------------------

def build() -> None:
    with layout.tabs():
        with gr.Tab(t("resnet.fig6"), elem_id="resnet-fig6"):
            depths = gr.CheckboxGroup(list(CIFAR_DEPTHS), value=[20, 56], label=t("resnet.depths"),
                                      elem_id="resnet-depths", render=False)
            experiment_panel.panel(LAB, "plain-vs-residual", depths, notes_id="resnet-ends-plain-vs-residual")
            layout.about("resnet.fig6_help")

        with gr.Tab(t("resnet.shortcuts"), elem_id="resnet-shortcuts"):
            depth = gr.Dropdown(list(CIFAR_DEPTHS), value=20, label=t("resnet.depth"), render=False)
            experiment_panel.panel(LAB, "shortcuts", depth, notes_id="resnet-ends-shortcuts")
            params = gr.Dataframe(interactive=False, elem_id="resnet-shortcut-params")
            gr.on([layout.on_screen(), depth.change], shortcut_table, [depth], [params])
            layout.about("resnet.shortcuts_help")

        with gr.Tab(t("resnet.responses"), elem_id="resnet-fig7"):
            through_training("response_std")
            gr.Markdown(t("resnet.measure_checkpoints"))
            responses = gr.Plot(elem_id="resnet-fig7-measured")
            with gr.Row():
                checkpoints = gr.Dropdown([], multiselect=True, label=t("resnet.checkpoints"), scale=4)
                refresh = gr.Button(t("resnet.refresh"), scale=1)
            show = gr.Button(t("resnet.show"), variant="primary")
            gr.on([refresh.click, layout.on_screen(live=True)], refresh_checkpoints, None, [checkpoints])
            show.click(show_responses, [checkpoints], [responses])
            layout.about("resnet.responses_help")

        with gr.Tab(t("resnet.gradients")):
            init_plot = gr.Plot(elem_classes=layout.FIGURE)
            grad_depth = gr.Dropdown(list(CIFAR_DEPTHS), value=56, label=t("resnet.depth"))
            gr.on([layout.on_screen(), grad_depth.change], init_gradients, [grad_depth], [init_plot])
            through_training("grad_norm")
            layout.about("resnet.gradients_help")

        with gr.Tab(t("resnet.bottleneck"), elem_id="resnet-fig5"):
            diagram = gr.HTML()
            planes = gr.Radio(list(PLANES), value=64, label=t("resnet.planes"))
            costs = gr.Dataframe(interactive=False)
            gr.Markdown(t("resnet.imagenet_title"))
            imagenet = gr.Dataframe(interactive=False, elem_id="resnet-table1")
            gr.on([layout.on_screen(), planes.change], block_view, [planes], [diagram, costs, imagenet])
            layout.about("resnet.bottleneck_help")

        with gr.Tab(t("resnet.jpeg"), elem_id="resnet-jpeg"):
            recoded = gr.Plot(elem_id="resnet-jpeg-images")
            gr.on(layout.on_screen(), recode_view, None, [recoded])
            jpeg_depth = gr.Dropdown(list(CIFAR_DEPTHS), value=20, label=t("resnet.depth"), render=False)
            experiment_panel.panel(LAB, "jpeg", jpeg_depth, notes_id="resnet-ends-jpeg")
            layout.about("resnet.jpeg_help")

        with gr.Tab(t("resnet.seed"), elem_id="resnet-seed"):
            seed_depth = gr.Dropdown(list(CIFAR_DEPTHS), value=20, label=t("resnet.depth"), render=False)
            experiment_panel.panel(LAB, "resnet-seed", seed_depth, notes_id="resnet-ends-resnet-seed")
            yardstick = gr.Markdown(elem_id="resnet-yardstick")
            gr.on(layout.on_screen(), seed_view, None, [yardstick])
            layout.about("resnet.seed_help")
    layout.about("resnet.intro", lab=True)
