"""The labs' one live experiment panel, and `poll`, the one place the app creates timers.

A panel trains one group of runs per click (a run per variant of an experiment, queued through
deployment.submit, which applies the public demo's limits), lists the experiment's groups newest first (after
its bundled reference runs, where a lab offers them as a group), stops a group, and redraws the chosen group's
curves and notes only when one of its runs logged a step (Trackio's pattern: a cheap timer reads the newest
step). What differs between labs is a Lab: which configs a click trains and how a group is drawn.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr
from gradio.i18n import I18nData

from explorer.serving import deployment
from explorer.serving.services import launcher, store
from explorer.shared import layout, reference_runs, run_text
from explorer.shared.i18n import error, inform, language, t, text
from explorer.shared.user_text import shown
from train.data import cifar10_cached
from train.recipes import EXPERIMENTS
from train.store import ACTIVE, RunRecord, new_run_id

REFRESH_S = 2.0  # how often a panel looks at the run store
REFERENCE = "reference"  # the group value that shows an experiment's bundled reference runs
Series = tuple[str, dict, reference_runs.Curves]  # (label, run config, metrics), as reference_runs.load gives them


def training() -> bool:
    """Some run is queued or training: only then do live views poll."""
    return bool(store().list_runs(statuses=ACTIVE))


def poll(fn: Callable, inputs: Sequence[gr.components.Component], outputs: Sequence[gr.components.Component], *,
         every: float = REFRESH_S, seen: Any = None, starts: Sequence[Any] = ()) -> gr.State:
    """Call fn(*inputs, seen) every `every` seconds while a run is queued or training; fn returns its outputs and,
    last, what it has now shown (the next tick's `seen`), and gr.skip() for what did not change. Returns the `seen`
    state, so that another event can reset it (None: draw again) or share it.

    An idle page costs nothing: the timer starts asleep. The view coming on screen (layout.on_screen: its tab
    opened, the page loaded with it in front or back in the foreground) calls fn once and wakes the timer where a
    run trains; each event of `starts` (a launch, a run chosen: `train.click`) wakes it; a tick that finds nothing
    training puts it back to sleep. A hidden page sends no ticks (Gradio's Timer)."""
    state = gr.State(seen)
    timer = gr.Timer(every, active=False)

    @functools.wraps(fn)
    def tick(*args, **kwargs):
        return *fn(*args, **kwargs), gr.skip() if training() else gr.Timer(active=False)

    @functools.wraps(fn)
    def wake(*args, **kwargs):
        return *fn(*args, **kwargs), gr.Timer(active=training())

    hidden = dict(show_progress="hidden", api_visibility="undocumented")  # the page's, not an API
    timer.tick(tick, [*inputs, state], [*outputs, state, timer], **hidden)
    gr.on(layout.on_screen(live=True), wake, [*inputs, state], [*outputs, state, timer], **hidden)
    if starts:
        gr.on(starts, lambda: gr.Timer(active=True), None, timer, **hidden)
    return state


@dataclass(frozen=True)
class Lab:
    """What a lab's panels differ in.

    configs(experiment, preset, data, setting, lang): the (label, config dict) of each run a click trains, gr.Error
    where the inputs are not allowed; draw(experiment, group_id, live, reference, lang): the figure (None: nothing to
    draw) and the notes under it, from the group's runs (or the reference runs, where they are the group chosen) and
    the reference runs drawn beside them.
    """

    name: str                                   # the recipe, and the lab's folder in assets/reference/
    configs: Callable[..., list[tuple[str, dict]]]
    draw: Callable[[str, str | None, list[Series], list[Series], str], tuple[Any, str]]
    data_info: str = ""                         # key of the data dropdown's help text
    own_data: bool = False                      # a folder of one's own images may be typed in (lab.configs checks it)
    presets: tuple[tuple[str, str], ...] = ()   # (label key, preset) on a radio; none: the lecture preset
    reference_group: bool = False               # reference runs as a group of their own, else drawn beside each group
    data_choices: tuple[str, ...] = ("cifar10", "sample")


def lab_experiments(lab: Lab) -> list[str]:
    return [name for name, e in EXPERIMENTS.items() if e.recipe == lab.name]


def default_data(lab: Lab) -> str:
    return "cifar10" if "cifar10" in lab.data_choices and cifar10_cached() else lab.data_choices[-1]


def groups(experiment: str) -> dict[str, list[RunRecord]]:
    """The experiment's run groups in the store, newest first (group ids start with the time they were made), each
    with its runs in the order they were queued."""
    found: dict[str, list[RunRecord]] = {}
    for run in store().list_runs():
        if run.group_id and run.group_id.startswith(f"{experiment}-"):
            found.setdefault(run.group_id, []).append(run)
    return {gid: sorted(found[gid], key=lambda r: r.created) for gid in sorted(found, reverse=True)}


def group_runs(group_id: str | None) -> list[RunRecord]:
    return sorted(store().list_runs(group_id=group_id), key=lambda r: r.created) if group_id else []


def group_choices(lab: Lab, experiment: str) -> list[tuple[str | I18nData, str]]:
    """(shown text, group id) of the experiment's groups, newest first, after its reference runs where the lab shows
    them as a group (a label the browser translates, also when a handler returns it)."""
    choices: list[tuple[str | I18nData, str]] = [
        (f"{gid.removeprefix(experiment + '-')} · {', '.join(r.label for r in runs)}", gid)
        for gid, runs in groups(experiment).items()]
    if lab.reference_group and reference_runs.load(lab.name, experiment):
        choices.insert(0, (t("panel.reference_runs"), REFERENCE))
    return choices


def launch(lab: Lab, experiment: str, preset: str, data: str, setting: Any, request: gr.Request | None) -> str:
    """Queue one run per variant as a new group of the experiment; its group id."""
    lang = language(request)
    runs = lab.configs(experiment, preset, data, setting, lang)
    group_id = f"{experiment}-{new_run_id()}"
    deployment.submit(request, lab.name, preset, runs, group_id)
    inform("panel.queued", lang, count=len(runs), name=experiment)
    return group_id


def halt(group_id: str | None, request: gr.Request | None) -> None:
    """Cancel the group's active runs, once the asker may stop each of them."""
    active = [r for r in group_runs(group_id) if r.active]
    for run in active:
        deployment.check_may_control(run, request)
    for run in active:
        launcher().cancel(run.id)
    lang = language(request)
    inform("panel.stopping" if active else "panel.nothing_to_stop", lang, count=len(active))


def status_lines(runs: Sequence[RunRecord], experiment: str, lang: str) -> str:
    lines = [text("panel.run_line", lang, label=shown(run_text.label(r.title, lang)), step=store().last_step(r.id),
                  total=r.total_steps, status=run_text.status(r.status, lang))
             + (f" · {shown(run_text.message(r.message, lang))}" if r.status == "failed" else "") for r in runs]
    return "\n\n".join(lines) or text("panel.no_runs", lang, experiment=experiment)


def tick(lab: Lab, experiment: str, group_id: str | None, seen: str | None, request: gr.Request | None):
    """The panel's outputs (group list, status, figure, notes) and what they show now; gr.skip() for each while no
    run of the group logged a step, the group list did not change and the page's language is the same."""
    lang = language(request)
    choices = group_choices(lab, experiment)
    ids = [gid for _, gid in choices]
    group_id = group_id if group_id in ids else (ids[0] if ids else None)
    runs = [] if group_id == REFERENCE else group_runs(group_id)
    now = json.dumps([experiment, ids, group_id, [(r.id, r.status, store().last_step(r.id)) for r in runs], lang])
    if now == seen:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip(), seen
    figure, notes = drawn(lab, now)
    status = "" if group_id == REFERENCE else status_lines(runs, experiment, lang)
    return gr.update(choices=choices, value=group_id), status, figure, notes, now


@functools.lru_cache(maxsize=64)
def drawn(lab: Lab, now: str) -> tuple[Any, str]:
    """lab.draw's figure and notes for what a panel shows (`now`, as tick keys it: the experiment, its groups, the
    group chosen, its runs' steps, the language), drawn once for every page that shows the same: a lecture hall's
    pages all open on the same reference curves, and drawing them on each page's load was 45% of the server's busy
    time while a page opened (py-spy)."""
    experiment, _, group_id, _, lang = json.loads(now)
    reference = reference_runs.load(lab.name, experiment)
    live = [(r.title, r.config, store().metrics(r.id)) for r in group_runs(group_id if group_id != REFERENCE else None)]
    if group_id == REFERENCE:
        live, reference = list(reference), []
    return lab.draw(experiment, group_id, live, [] if lab.reference_group else list(reference), lang)


def panel(lab: Lab, experiment: str | gr.components.Component, setting: gr.components.Component | None = None,
          *, notes_id: str | None = None) -> None:
    """Train, stop and watch one experiment (or the one a dropdown chooses): setting's value goes to lab.configs."""
    fixed = isinstance(experiment, str)
    chosen, name = (gr.State(experiment), experiment) if fixed else (experiment, experiment.value)
    presets = [value for _, value in lab.presets] or ["lecture"]
    reference = [] if lab.reference_group else reference_runs.load(lab.name, name)
    # the figure first, then its controls (a tab may pass them unrendered: render=False); the timer redraws the
    # figure in the page's language
    plot = gr.Plot(lab.draw(name, None, [], reference, "en")[0] if reference else None, show_label=False,
                   elem_classes=layout.FIGURE)
    for control in (experiment, setting):
        if isinstance(control, gr.components.Component) and not control.is_rendered:
            control.render()
    with gr.Row():
        preset = (gr.Radio([(t(key), value) for key, value in lab.presets], value=presets[0], label=t("panel.preset"))
                  if len(presets) > 1 else gr.State(presets[0]))
        data = gr.Dropdown(list(lab.data_choices), value=default_data(lab), allow_custom_value=lab.own_data,
                           label=t("panel.data"), info=t(lab.data_info) if lab.data_info else None)
    with gr.Row():
        train = gr.Button(t("panel.train"), variant="primary")
        stop = gr.Button(t("panel.stop"), variant="stop")
    first = group_choices(lab, name)
    group = gr.Dropdown(first, value=first[0][1] if lab.reference_group and first else None,
                        label=t("panel.group"), interactive=True)
    status = gr.Markdown()
    notes = gr.Markdown(elem_id=notes_id)
    setting = setting if setting is not None else gr.State(None)

    def refresh(experiment: str, group_id: str | None, seen: str | None, request: gr.Request):
        if experiment not in lab_experiments(lab):
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), seen
        return tick(lab, experiment, group_id, seen, request)

    def start(experiment: str, preset_name: str, data_name: str, value, request: gr.Request):
        if experiment not in lab_experiments(lab) or preset_name not in presets:
            raise error("panel.choose", language(request))
        group_id = launch(lab, experiment, preset_name, data_name, value, request)
        return gr.update(choices=group_choices(lab, experiment), value=group_id), None

    # woken when the group changes: by the user, or by a launch once its runs are stored (train.click could wake
    # the timer before they are, and its first tick would put it back to sleep)
    seen = poll(refresh, [chosen, group], [group, status, plot, notes], starts=[group.change])
    outputs = [group, status, plot, notes, seen]
    train.click(start, [chosen, preset, data, setting], [group, seen]).then(refresh, [chosen, group, seen], outputs)
    stop.click(halt, [group])
    group.input(refresh, [chosen, group, seen], outputs)
    if not fixed:  # another experiment: its reference runs (or its newest group), drawn at once (the timer may sleep)
        chosen.change(lambda: (None, None), None, [group, seen]).then(refresh, [chosen, group, seen], outputs)

