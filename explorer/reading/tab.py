"""Reading tab: each paper read in three passes (S. Keshav, "How to Read a Paper", 2007).

Language: every text of the guide (explorer/reading/guide.py) becomes an I18n key in STRINGS, built
below, so the whole tab switches with the UI language in the browser like any other label, with no
server round trip: Gradio translates I18nData given as a Markdown value or as a Checkbox, Button,
Accordion or Tab label. A Markdown value translates one key, so each block of text is one key.
Jumps (pass 2): a button opens, client-side, the lab's element `<lab>-<ref>` (e.g. "resnet-fig6"): a
sub-tab of the lab, or an element inside one; explorer/shared/shell.js selects the tabs around it and scrolls to it.
Ticks: kept in the browser's localStorage through gr.BrowserState, restored when this tab is first opened.
"""
from __future__ import annotations

import json
from collections.abc import Sequence

import gradio as gr

from explorer.reading import scorecard
from explorer.reading.guide import GUIDES, REBUILD, SECTIONS, Guide
from explorer.shared import layout
from explorer.shared.i18n import language, t

STORAGE_KEY = "paperlab-reading-ticks"
# Fixed so that ticks survive a server restart; reading progress is not a secret (the page receives it).
STORAGE_SECRET = "paperlab-reading"



def tick_ids(guide: Guide) -> list[str]:
    """Ids of a paper's checkboxes, in page order: pass 1 done, each exhibit understood, each recall prompt."""
    return ([f"{guide.lab}.pass1"] + [f"{guide.lab}.{ex.ref}" for ex in guide.exhibits]
            + [f"{guide.lab}.recall{i}" for i in range(1, len(guide.recall) + 1)])


def ticks_to_store(ids: Sequence[str], values: Sequence[bool]) -> dict[str, bool]:
    """What the browser keeps: the ticked ids (a missing id is unticked)."""
    return {tick: True for tick, value in zip(ids, values, strict=True) if value}


def ticks_from_store(ids: Sequence[str], stored: object) -> list[bool]:
    """Checkbox values for ids from what the browser kept; anything unreadable counts as unticked."""
    kept = stored if isinstance(stored, dict) else {}
    return [kept.get(tick) is True for tick in ids]


def jump_js(target: str) -> str:
    """Browser code: open the lab tab and sub-tab that hold the element `target`, and scroll to it (explorer/shared/shell.js)."""
    return f"() => window.paperlab.reveal({json.dumps(target)})"


def _paper(guide: Guide) -> tuple[list[gr.Checkbox], gr.Dataframe]:
    """One paper's three passes; returns its checkboxes in tick_ids order and its reproduction table."""
    lab = guide.lab
    gr.Markdown(f'<span lang="en">{guide.citation}</span>')  # as published: English in both languages
    with gr.Accordion(t("reading.pass1")):
        gr.Markdown(t(f"reading.{lab}.skim"))
        boxes = [gr.Checkbox(label=t("reading.pass1.done"))]
    with gr.Accordion(t("reading.pass2")):
        for ex in guide.exhibits:
            with gr.Row():
                with gr.Column(scale=3):
                    gr.Markdown(t(f"reading.{lab}.{ex.ref}"))
                with gr.Column(scale=1, min_width=220):
                    button = gr.Button(t("reading.open"), size="sm", variant="primary")
                    button.click(None, js=jump_js(guide.target(ex)))
                    boxes.append(gr.Checkbox(label=t("reading.seen")))
    with gr.Accordion(t("reading.pass3")):
        for section in SECTIONS:
            gr.Markdown(t(f"reading.{lab}.{section}"))
        if lab in REBUILD:
            gr.Button(t("reading.open_rebuild"), size="sm", variant="primary").click(None, js=jump_js(REBUILD[lab]))
        gr.Markdown(t("scorecard.title"))
        table = gr.Dataframe(interactive=False, wrap=True, column_widths=["30%", "24%", "30%", "16%"],
                             elem_id=f"reading-{lab}-scorecard")
        gr.Markdown(t("reading.recall"))
        boxes += [gr.Checkbox(label=t(f"reading.{lab}.recall{i}")) for i in range(1, len(guide.recall) + 1)]
    return boxes, table


def build() -> None:
    gr.Markdown(t("reading.intro"))
    saved = gr.BrowserState({}, storage_key=STORAGE_KEY, secret=STORAGE_SECRET)
    ids: list[str] = []
    boxes: list[gr.Checkbox] = []
    tables: list[gr.Dataframe] = []
    with layout.tabs(elem_id="reading-papers"):
        for guide in GUIDES:
            with gr.Tab(t(f"tab.{guide.lab}"), id=f"reading-{guide.lab}", elem_id=f"reading-{guide.lab}"):
                ids += tick_ids(guide)
                paper_boxes, table = _paper(guide)
                boxes += paper_boxes
                tables.append(table)
    with gr.Row():
        reset = gr.Button(t("reading.reset"), size="sm", variant="stop", scale=0)

    def save(*values: bool) -> dict[str, bool]:
        return ticks_to_store(ids, values)

    def restore(stored: object, *shown: bool) -> list:
        ticks = ticks_from_store(ids, stored)
        return [gr.skip() if tick == old else tick for tick, old in zip(ticks, shown, strict=True)]

    quiet = {"show_progress": "hidden", "api_visibility": "private"}
    gr.on([box.input for box in boxes], save, inputs=boxes, outputs=saved, **quiet)
    # The stored ticks arrive when the BrowserState mounts (the first visit of this tab), as a change; changes
    # made by save or reset then echo back here, and those leave the boxes as they are.
    saved.change(restore, inputs=[saved, *boxes], outputs=boxes, **quiet)
    reset.click(lambda: [False] * len(boxes) + [{}], outputs=[*boxes, saved], **quiet)
    gr.on(layout.on_screen(), scorecards, outputs=tables, **quiet)


def scorecards(request: gr.Request) -> list[gr.Dataframe]:
    """Each paper's reproduction table in the page's language (measured once per process, on first demand)."""
    lang = language(request)
    return [gr.Dataframe(value=scorecard.rows(guide.lab, lang), headers=scorecard.headers(lang)) for guide in GUIDES]
