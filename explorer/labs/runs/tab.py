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
from explorer.labs.runs.views import headers, metric_names, newest_with_points, run_choices, run_rows, title
from explorer.serving import deployment
from explorer.serving.services import download_file, store
from explorer.shared import layout, run_text
from explorer.shared.experiment_panel import poll
from explorer.shared.i18n import error, language, t, text
from explorer.shared.user_text import shown
from train.config import ConfigError
from train.data import DataUnavailable, cifar10_cached, load_cifar10
from train.recipes import RECIPES, get_recipe
from train.store import check_run_id

DATA_CHOICES = ("sample", "cifar10")
MAX_OPTIONS_CHARS = 2000
APP_CHOSEN = ("data", "device", "compile")  # set by the form and the server, not by "More options"
# The options box's example per recipe (its placeholder): a variant the paper trains, e.g. Fig. 6's plain-56
EXAMPLE_OPTIONS: dict[str, dict[str, Any]] = {
    "alexnet": {"towers": 2, "lrn": False},                  # sec. 3.2's two GPUs, sec. 3.3 without LRN
    "resnet": {"depth": 56, "plain": True},                  # Fig. 6 left
    "translate": {"corpus": "tatoeba-en-zh", "dropout": 0.2},
    "seq2seq": {"arch": "transformer", "dropout": 0.2},
}


class UnknownOptions(ConfigError):
    """Options the recipe's config has no field for (the form says which it has)."""

    def __init__(self, recipe: str, names: list[str], known: list[str]):
        super().__init__(f"{recipe} has no option {', '.join(names)}")
        self.recipe, self.names, self.known = recipe, names, known


# -- pure functions ------------------------------------------------------------------------


def build_config(recipe_name: str, preset: str | None, data: str, steps: Any, batch_size: Any, lr: Any,
                 options: str) -> dict[str, Any]:
    """Validated config dict for a launch; raises ConfigError or ValueError with a readable message."""
    if not _known(recipe_name, RECIPES):
        raise ConfigError(f"unknown recipe {str(recipe_name)[:40]!r}")
    recipe = get_recipe(recipe_name)
    if preset and not _known(preset, recipe.presets):
        raise ConfigError(f"unknown preset {str(preset)[:40]!r}")
    extra = parse_options(options)
    for name in APP_CHOSEN:
        extra.pop(name, None)
    unknown = sorted(str(name)[:40] for name in set(extra) - set(option_names(recipe_name)))
    if unknown:
        raise UnknownOptions(recipe_name, unknown, option_names(recipe_name))
    values: dict[str, Any] = dict(extra)
    if takes_data(recipe_name):
        if data not in DATA_CHOICES:
            raise ConfigError(f"data must be one of {', '.join(DATA_CHOICES)}")
        values["data"] = data
    for name, value, kind in (("steps", steps, int), ("batch_size", batch_size, int), ("lr", lr, float)):
        if value is not None and value != "":
            values[name] = _number(name, value, kind)
    return recipe.config(preset or None, **values).to_dict()


def option_names(recipe_name: str) -> list[str]:
    """The fields of a recipe's config that "More options" may set."""
    return [f.name for f in dataclasses.fields(RECIPES[recipe_name].config_cls) if f.name not in APP_CHOSEN]


def takes_data(recipe_name: Any) -> bool:
    """The recipe reads the form's Data choice (the image recipes; a translation recipe's data is its corpus)."""
    return _known(recipe_name, RECIPES) and any(f.name == "data" for f in dataclasses.fields(RECIPES[recipe_name].config_cls))


def example_options(recipe_name: Any, preset: Any) -> str:
    """JSON for the options box's placeholder: EXAMPLE_OPTIONS's entry, each option kept only where the recipe and
    preset accept it ("" for an unknown recipe)."""
    if not _known(recipe_name, RECIPES):
        return ""
    recipe = RECIPES[recipe_name]
    preset = preset if _known(preset, recipe.presets) else None
    example = {}
    for name, value in EXAMPLE_OPTIONS.get(recipe_name, {"seed": 1}).items():
        try:
            recipe.config(preset, **{**example, name: value})
        except (ConfigError, ValueError, TypeError):
            continue
        example[name] = value
    return json.dumps(example)


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
    """Queue a run and select it (the plot and the Cancel button then act on it)."""
    lang = language(request)
    try:
        config = build_config(recipe_name, preset, data, steps, batch_size, lr, options)
    except json.JSONDecodeError as exc:
        raise error("msg.bad_json", lang, error=exc.msg, line=exc.lineno, col=exc.colno) from None
    except UnknownOptions as exc:
        raise error("msg.unknown_options", lang, recipe=exc.recipe, names=", ".join(exc.names),
                    known=", ".join(exc.known)) from None
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


def form_for(recipe_name, preset, request: gr.Request):
    """The options box's example for this recipe and preset, and the Data choice only where the recipe reads it."""
    example = example_options(recipe_name, preset)
    hint = text("runs.options_example", language(request), example=example) if example else ""
    return gr.Textbox(placeholder=hint), gr.Radio(visible=takes_data(recipe_name))


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
    too: its step and status would otherwise stay as they were when it was chosen).

    A tick never sets which runs are chosen: it may have left the page before a launch selected the new run and
    land after it. Only the page's first call (seen is None) chooses, where nothing is: the newest run with points."""
    runs = store().list_runs()
    signature = tuple((r.id, r.step, r.status) for r in runs)
    if signature == seen:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), seen
    lang = language(request)
    choices = run_choices(runs, lang)
    chosen, now = gr.Dropdown(choices=choices), gr.Dropdown(choices=choices)
    selected = [s for s in (selected or []) if _valid(s)]
    if seen is None and not selected:
        selected = [run_id] if (run_id := newest_with_points(runs)) else []
        chosen = gr.Dropdown(choices=choices, value=selected)
        if not _valid(current) and runs:
            current = selected[0] if selected else runs[0].id
            now = gr.Dropdown(choices=choices, value=current)
    available = metric_names(selected)
    names = [n for n in (names or []) if n in available] or [n for n in ("train_error", "test_error") if n in available]
    return (gr.Dataframe(run_rows(runs, lang), headers=headers(lang)), chosen, gr.Dropdown(choices=available, value=names),
            overlay_figure(selected, names, lang), now, details(current, request), signature)


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


def run_action(action: Callable[[str], Any], allowed: Callable[..., None], done: str | None = None) -> Callable:
    """A handler that applies action to the selected run and says what happened; refusals become messages.

    action returns (message key, fields) saying what it did, or None for `done`; allowed(run, request, admin_token)
    raises gr.Error when the asker may not (explorer/serving/deployment.py).
    """
    def handler(run_id, admin_token, request: gr.Request):
        lang = language(request)
        run_id = _selected_run(run_id, lang)
        allowed(store().get(run_id), request, admin_token)
        try:
            said = action(run_id)
        except (ValueError, RuntimeError) as exc:  # e.g. resuming a finished run, deleting a running one
            raise error("msg.refused", lang, why=exc) from None
        key, fields = said or (done, {})
        return text(key, lang, run_id=run_id, **fields)
    return handler


cancel = run_action(deployment.cancel, deployment.check_may_control)  # says whether it stopped or had ended
resume = run_action(deployment.resume, deployment.check_may_resume, "msg.resumed")
delete = run_action(lambda run_id: store().delete(run_id),
                    lambda _run, request, token: deployment.check_may_delete(request, token), "msg.deleted")


def cleared(request: gr.Request):
    """After a delete: no run chosen, no plot, no details, and an empty download box (it may hold the deleted run's
    CSV); the lists without the run."""
    lang, runs = language(request), store().list_runs()
    choices = run_choices(runs, lang)
    return gr.Dropdown(choices=choices, value=[]), gr.Dropdown(choices=choices, value=None), None, None, "", \
        gr.Dataframe(run_rows(runs, lang), headers=headers(lang))


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
        options = gr.Textbox(label=t("runs.options"), max_length=MAX_OPTIONS_CHARS, elem_id="runs-options")
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
        download = gr.File(label=t("runs.file"), interactive=False, elem_id="runs-download")
    info = gr.Markdown(elem_id="runs-details")

    recipe.change(presets_for, recipe, preset)
    preset.change(defaults_for, [recipe, preset], [steps, batch_size, lr])
    gr.on([layout.on_screen(), recipe.change, preset.change], form_for, [recipe, preset], [options, data],
          show_progress="hidden")
    start.click(launch, [recipe, preset, data, steps, batch_size, lr, label, options], [status, selected, current],
                concurrency_limit=1).success(redraw, [selected, names], [names, plot], show_progress="hidden")
    get_cifar.click(download_cifar, None, status, concurrency_limit=1)
    poll(refresh, [selected, names, current], [table, selected, names, plot, current, info], starts=[current.change])
    gr.on([selected.input, names.input], redraw, [selected, names], [names, plot], show_progress="hidden")
    current.change(details, current, info, show_progress="hidden")
    cancel_btn.click(cancel, [current, admin], status, api_name="cancel")
    resume_btn.click(resume, [current, admin], status, api_name="resume")
    delete_btn.click(lambda: gr.Button(visible=True), None, confirm)
    confirm.click(delete, [current, admin], status, api_name="delete").success(
        cleared, None, [selected, current, plot, download, info, table]).then(lambda: gr.Button(visible=False), None,
                                                                              confirm)
    csv_btn.click(metrics_file, current, download)
    ckpt_btn.click(checkpoint_file, current, download)
