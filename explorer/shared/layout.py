"""Where a lab's blocks go (issue 31): the figure first, then its controls, then what it shows in a collapsed accordion,
so that a lab opens on its figure at 1280x720 on a projector and on a phone; tab labels wrap onto more rows rather than
hide behind Gradio's "..." menu."""
from __future__ import annotations

import gradio as gr

from explorer.shared.i18n import t

FIGURE = "paperlab-figure"  # a lab's main figure: explorer/shared/shell.js fits it to the first screen, jumps land on it


def tabs(**kwargs) -> gr.Tabs:
    """gr.Tabs whose labels wrap onto another row where they do not fit (Gradio's default hides them in a menu)."""
    return gr.Tabs(overflow_behavior="wrap", **kwargs)


def on_screen(*, live: bool = False):
    """The event of a view coming on screen, for views the server draws: a hidden button that
    explorer/shared/shell.js presses when the tab it sits in is first shown (on page load for the tab in front), and
    with live=True again each time its tab is opened or the page comes back to the foreground. A page open thus asks
    only for the views in front, not for every tab's (issue 30: a lecture hall opens the page at once)."""
    return gr.Button(visible="hidden", elem_classes="paperlab-wake" if live else "paperlab-shown").click


def about(*keys: str, lab: bool = False) -> None:
    """Each key's Markdown under one collapsed "About this figure" (or "About this lab"), placed under what it explains."""
    with gr.Accordion(t("common.about_lab" if lab else "common.about_figure"), open=False):
        for key in keys:
            gr.Markdown(t(key))
