"""Runs tab: launch any recipe, watch runs live, compare them on one plot, cancel, resume, delete, download."""
from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from explorer.labs.runs.figures import overlay_figure
from explorer.labs.runs.views import headers, metric_names, run_choices, run_rows, title
from explorer.serving import deployment
from explorer.serving.services import download_file, store
from explorer.shared import run_text
from explorer.shared.experiment_panel import poll
from explorer.shared.i18n import error, language, t, text
from explorer.shared.user_text import shown
from train.config import ConfigError
from train.data import DataUnavailable, cifar10_cached, load_cifar10
from train.recipes import RECIPES, get_recipe
from train.store import check_run_id

DATA_CHOICES = ("sample", "cifar10")
MAX_OPTIONS_CHARS = 2000


# -- pure functions ------------------------------------------------------------------------


def build_config(recipe_name: str, preset: str | None, data: str, steps: Any, batch_size: Any, lr: Any,
                 options: str) -> dict[str, Any]:
    """Validated config dict for a launch; raises ConfigError or ValueError with a readable message."""
    if not _known(recipe_name, RECIPES):
        raise ConfigError(f"unknown recipe {str(recipe_name)[:40]!r}")
    recipe = get_recipe(recipe_name)
    if preset and not _known(preset, recipe.presets):
        raise ConfigError(f"unknown preset {str(preset)[:40]!r}")
    if data not in DATA_CHOICES:
        raise ConfigError(f"data must be one of {', '.join(DATA_CHOICES)}")
    extra = parse_options(options)
    for name in ("data", "device", "compile"):  # chosen by the app, not by free text
        extra.pop(name, None)
    known = sorted(field.name for field in dataclasses.fields(recipe.config_cls))
    unknown = [name for name in extra if name not in known]
    if unknown:  # else Python's "got an unexpected keyword argument"
        raise UnknownOption(str(unknown[0])[:40], known)
    values: dict[str, Any] = {"data": data, **extra}
    for name, value, kind in (("steps", steps, int), ("batch_size", batch_size, int), ("lr", lr, float)):
        if value is not None and value != "":
            values[name] = _number(name, value, kind)
    return recipe.config(preset or None, **values).to_dict()


class UnknownOption(ConfigError):
    """An option the recipe's config does not have: its name, and the ones it has."""

    def __init__(self, name: str, known: list[str]):
        super().__init__(f"unknown option {name!r}")
        self.name, self.known = name, known


def parse_options(options: str | None) -> dict[str, Any]:
    if not options or not str(options).strip():
        return {}
    if len(options) > MAX_OPTIONS_CHARS:
        raise ValueError(f"at most {MAX_OPTIONS_CHARS} characters")
    value = json.loads(options)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def _number(name: str, value: Any, kind: type) -> int | float:
    number = float(value)
    if kind is int:
        if not number.is_integer():
            raise ConfigError(f"{name} must be a whole number, got {value}")
        return int(number)
    return number


# -- handlers ---------------------------------------------------------------------------------
def launch(recipe_name, preset, data, steps, batch_size, lr, label, options, request: gr.Request):
    lang = language(request)
    try:
        config = build_config(recipe_name, preset, data, steps, batch_size, lr, options)
    except UnknownOption as exc:
        raise error("msg.unknown_option", lang, name=exc.name, recipe=recipe_name, known=", ".join(exc.known)) from None
    except json.JSONDecodeError as exc:
        raise error("msg.bad_json", lang, error=exc.msg) from None
    except (ConfigError, ValueError, TypeError, OverflowError) as exc:
        raise error("msg.bad_options", lang, error=str(exc)[:300]) from None
    [run_id] = deployment.submit(request, recipe_name, preset or None, [(str(label or "")[:100], config)])
    choices = run_choices(store().list_runs(), lang)
    return (text("msg.launched", lang, run_id=run_id), gr.Dropdown(choices=choices, value=[run_id]),
            gr.Dropdown(choices=choices, value=run_id))


def preset_choices(recipe_name: str) -> tuple[list[str], str]:
    """The presets of a recipe ("" = the paper's defaults) and the one to preselect."""
    presets = sorted(RECIPES[recipe_name].presets) if _known(recipe_name, RECIPES) else []
    return [""] + presets, "lecture" if "lecture" in presets else ""


def presets_for(recipe_name: str):
    choices, value = preset_choices(recipe_name)
    return gr.Dropdown(choices=choices, value=value)


def defaults_for(recipe_name: str, preset: str | None) -> tuple[int, int, float]:
    """The steps, batch size and lr a launch would use, shown in the form."""
    if not _known(recipe_name, RECIPES):
        return gr.skip(), gr.skip(), gr.skip()
    recipe = RECIPES[recipe_name]
    cfg = recipe.config(preset if _known(preset, recipe.presets) else None)
    return cfg.steps, cfg.batch_size, cfg.lr


def download_cifar(request: gr.Request, progress=gr.Progress()):
    lang = language(request)
    progress(0, desc="CIFAR-10")
    try:
        load_cifar10(progress=lambda done, total: progress(done / total, desc="CIFAR-10", unit="bytes"))
    except DataUnavailable as exc:
        raise error("msg.cifar_failed", lang, why=exc) from None
    from train.data import data_home
    return text("msg.cifar_ready", lang, where=str(data_home()))


def refresh(selected: list[str] | None, names: list[str] | None, current: str | None, seen: tuple | None,
            request: gr.Request):
    """Timer tick: redraw only when a run's step or status changed since the last tick (the selected run's details
    too: its step and status would otherwise stay as they were when it was chosen)."""
    runs = store().list_runs()
    signature = tuple((r.id, r.step, r.status) for r in runs)
    if signature == seen:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), seen
    ids = {r.id for r in runs}
    selected = [s for s in (selected or []) if _valid(s) and s in ids] or [r.id for r in runs[:1]]
    available = metric_names(selected)
    names = [n for n in (names or []) if n in available] or [n for n in ("train_error", "test_error") if n in available]
    lang = language(request)
    choices = run_choices(runs, lang)
    current = current if _valid(current) and current in ids else (runs[0].id if runs else None)
    return (gr.Dataframe(run_rows(runs, lang), headers=headers(lang)), gr.Dropdown(choices=choices, value=selected),
            gr.Dropdown(choices=available, value=names), overlay_figure(selected, names, lang),
            gr.Dropdown(choices=choices, value=current), details(current, request), signature)


def redraw(selected: list[str] | None, names: list[str] | None, request: gr.Request):
    selected = [s for s in (selected or []) if _valid(s)]
    available = metric_names(selected)
    names = [n for n in (names or []) if n in available]
    return gr.Dropdown(choices=available, value=names), overlay_figure(selected, names, language(request))


def details(run_id: str | None, request: gr.Request | None = None) -> str:
    """The selected run: its name, status and step, the trainer's last message (in the asker's language), its config."""
    if not _valid(run_id):
        return ""
    try:
        run = store().get(run_id)
    except KeyError:
        return ""
    config = json.dumps(run.config, indent=1, sort_keys=True)
    lang = language(request)
    line = text("runs.details", lang, title=shown(title(run, lang)), status=run_text.status(run.status, lang),
                step=run.step, total=run.total_steps)
    return f"{line}\n\n{shown(run_text.message(run.message, lang))}\n\n```json\n{config}\n```"


def _selected_run(run_id: str | None, lang: str) -> str:
    if not run_id:
        raise error("msg.no_run", lang)
    try:
        return store().get(check_run_id(run_id)).id
    except KeyError:
        raise error("msg.unknown_run", lang) from None


def run_action(action: Callable[[str], None], done: str, allowed: Callable[..., None]) -> Callable:
    """A handler that applies action to the selected run and reports `done`; refusals become messages.

    allowed(run, request, admin_token) raises gr.Error when the asker may not (explorer/serving/deployment.py).
    """
    def handler(run_id, admin_token, request: gr.Request):
        lang = language(request)
        run_id = _selected_run(run_id, lang)
        allowed(store().get(run_id), request, admin_token)
        try:
            said = action(run_id)  # None, or (message key, fields) saying what happened
        except (ValueError, RuntimeError) as exc:  # e.g. resuming a finished run, deleting a running one
            raise error("msg.refused", lang, why=exc) from None
        key, fields = said or (done, {})
        return text(key, lang, run_id=run_id, **fields)
    return handler


cancel = run_action(deployment.cancel, "msg.cancelled", deployment.check_may_control)
resume = run_action(deployment.resume, "msg.resumed", deployment.check_may_resume)
delete = run_action(lambda run_id: store().delete(run_id), "msg.deleted",
                    lambda _run, request, token: deployment.check_may_delete(request, token))


def metrics_file(run_id, request: gr.Request) -> str:
    lang = language(request)
    run_id = _selected_run(run_id, lang)
    name = f"{run_id}-metrics-step{store().get(run_id).step}.csv"  # once per (run, step)
    return _download(run_id, name, lambda path: path.write_text(store().metrics_csv(run_id)), lang)


def checkpoint_file(run_id, request: gr.Request) -> str:
    lang = language(request)
    run_id = _selected_run(run_id, lang)
    checkpoints = store().checkpoints(run_id)
    if not checkpoints:
        raise error("msg.no_checkpoint", lang)
    # a copy: Gradio serves files from its temp folders only
    return _download(run_id, f"{run_id}-{checkpoints[-1].name}", lambda path: shutil.copyfile(checkpoints[-1], path),
                     lang)


def _download(run_id: str, name: str, write: Callable[[Path], object], lang: str) -> str:
    """A file for the download box, written by write(path) once per name (explorer/serving/services.py)."""
    try:
        path = download_file(run_id, name, write)
    except OSError as exc:  # e.g. disk full
        raise error("msg.file_failed", lang, why=exc.strerror or exc) from exc
    return str(path)


def _known(name: Any, table: dict) -> bool:
    """name is a key of table (an API client may send a list or a number where a name belongs)."""
    return isinstance(name, str) and name in table


def _valid(run_id: Any) -> bool:
    try:
        check_run_id(run_id)
        return True
    except KeyError:
        return False


# -- layout ------------------------------------------------------------------------------------
def build() -> None:
    deployment.remember_browser()
    recipes = sorted(RECIPES)
    preset_list, first_preset = preset_choices(recipes[0])
    first_steps, first_batch, first_lr = defaults_for(recipes[0], first_preset)
    with gr.Accordion(t("runs.launch"), open=True):
        with gr.Row():
            recipe = gr.Dropdown(recipes, value=recipes[0], label=t("runs.recipe"), elem_id="runs-recipe")
            preset = gr.Dropdown(preset_list, value=first_preset,
                                 label=t("runs.preset"))
            data = gr.Radio(list(DATA_CHOICES), value="cifar10" if cifar10_cached() else "sample", label=t("runs.data"))
        with gr.Row():
            steps = gr.Number(first_steps, label=t("runs.steps"), precision=0, minimum=1)
            batch_size = gr.Number(first_batch, label=t("runs.batch"), precision=0, minimum=1)
            lr = gr.Number(first_lr, label=t("runs.lr"), minimum=0)
            label = gr.Textbox(label=t("runs.label"), max_length=100)
        options = gr.Textbox(label=t("runs.options"), max_length=MAX_OPTIONS_CHARS)
        with gr.Row():
            start = gr.Button(t("runs.start"), variant="primary", elem_id="runs-start")
            get_cifar = gr.Button(t("runs.download_cifar"))
        status = gr.Markdown(elem_id="runs-status")
    table = gr.Dataframe(headers=headers(), label=t("runs.all"), interactive=False, elem_id="runs-table")
    with gr.Row():
        # allow_custom_value: the choices change per session; handlers validate run ids themselves.
        selected = gr.Dropdown([], multiselect=True, label=t("runs.compare"), elem_id="runs-compare", allow_custom_value=True)
        names = gr.Dropdown([], multiselect=True, label=t("runs.metrics"))
    plot = gr.Plot(elem_id="runs-plot")
    with gr.Row():
        current = gr.Dropdown([], label=t("runs.selected"), elem_id="runs-current", allow_custom_value=True)
        cancel_btn = gr.Button(t("runs.cancel"))
        resume_btn = gr.Button(t("runs.resume"))
        delete_btn = gr.Button(t("runs.delete"), variant="stop")
        confirm = gr.Button(t("runs.confirm_delete"), variant="stop", visible=False)
    admin = gr.Textbox("", type="password", label=t("deploy.admin_token"), max_length=200,
                       visible=deployment.public_mode())
    with gr.Row():
        csv_btn = gr.Button(t("runs.csv"))
        ckpt_btn = gr.Button(t("runs.checkpoint"))
        download = gr.File(label=t("runs.file"), interactive=False)
    info = gr.Markdown(elem_id="runs-details")

    recipe.change(presets_for, recipe, preset)
    preset.change(defaults_for, [recipe, preset], [steps, batch_size, lr])
    start.click(launch, [recipe, preset, data, steps, batch_size, lr, label, options], [status, selected, current],
                concurrency_limit=1)
    get_cifar.click(download_cifar, None, status, concurrency_limit=1)
    poll(refresh, [selected, names, current], [table, selected, names, plot, current, info], starts=[current.change])
    gr.on([selected.input, names.input], redraw, [selected, names], [names, plot], show_progress="hidden")
    current.change(details, current, info, show_progress="hidden")
    cancel_btn.click(cancel, [current, admin], status, api_name="cancel")
    resume_btn.click(resume, [current, admin], status, api_name="resume")
    delete_btn.click(lambda: gr.Button(visible=True), None, confirm)
    confirm.click(delete, [current, admin], status, api_name="delete").then(lambda: gr.Button(visible=False), None, confirm)
    csv_btn.click(metrics_file, current, download)
    ckpt_btn.click(checkpoint_file, current, download)
