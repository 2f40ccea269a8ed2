"""Reading tab: the guide's coverage and languages, its jumps into the labs, and ticks kept in the browser."""
from __future__ import annotations

import json
import re
import unicodedata

import gradio as gr
import pytest

import app
from explorer.reading import tab as reading_tab
from explorer.reading.guide import GUIDES, REBUILD, TARGETS
from explorer.shared.i18n import all_strings

# What the reading companion must cover (issue 9): each paper's key figures, tables and equations.
EXPECTED = {
    "alexnet": {"fig1", "fig2", "fig3", "fig4", "table1", "table2"},
    "resnet": {"fig1", "fig2", "fig5", "fig6", "fig7", "table1", "table6"},
    "transformer": {"fig1", "fig2", "eq1", "eq2", "eq3", "table1", "table2", "table3", "fig3"},
}
REF_NAMES = {"fig": ("Figure", "图"), "table": ("Table", "表"), "eq": ("Equation", "公式")}


def has_cjk(s: str) -> bool:
    return any(unicodedata.name(c, "").startswith("CJK UNIFIED") for c in s)


def texts(guide):
    yield guide.skim
    yield guide.problem
    yield guide.method
    yield guide.experiments
    yield from guide.recall
    for ex in guide.exhibits:
        yield ex.title
        yield ex.look_for


@pytest.fixture(scope="module")
def demo():
    with gr.Blocks() as blocks:
        reading_tab.build()
    return blocks


def test_guide_covers_every_paper_and_pass_in_both_languages():
    assert {g.lab: {ex.ref for ex in g.exhibits} for g in GUIDES} == EXPECTED
    for guide in GUIDES:
        assert len(guide.recall) >= 3, guide.lab
        for text in texts(guide):
            assert set(text) == {"en", "zh"}
            assert text["en"].strip() and not has_cjk(text["en"]), text
            assert has_cjk(text["zh"]), text


def test_exhibit_titles_name_their_figure_table_or_equation():
    for guide in GUIDES:
        for ex in guide.exhibits:
            kind, number = re.fullmatch(r"(fig|table|eq)(\d+)", ex.ref).groups()
            en, zh = REF_NAMES[kind]
            assert re.match(rf"{en}s? {number}\b", ex.title["en"]), ex.title
            assert ex.title["zh"].startswith(f"{zh} {number}"), ex.title


def test_every_exhibit_has_a_jump_to_its_lab(demo):
    jumps = [json.loads(re.fullmatch(r"\(\) => window\.paperlab\.reveal\((.+)\)", fn.js).group(1))
             for fn in demo.fns.values() if fn.js and "paperlab.reveal" in fn.js]
    # pass 2's exhibits, then pass 3's live counterpart where the lab has one
    assert jumps == [target for g in GUIDES for target in [*(g.target(ex) for ex in g.exhibits),
                                                            *([REBUILD[g.lab]] if g.lab in REBUILD else [])]]
    assert REBUILD["transformer"] == "transformer-recurrence"  # attention against recurrence (issue 33)
    assert {TARGETS["transformer", ref] for ref in ("table1", "table2")} == {"transformer-table1", "transformer-table2"}


def test_one_mapping_from_exhibits_to_elements_and_numbers_only_where_reproduced(home):
    assert set(TARGETS) == {(g.lab, ex.ref) for g in GUIDES for ex in g.exhibits}  # every exhibit, nothing else
    numbered = {(g.lab, ex.ref) for g in GUIDES for ex in g.exhibits if g.target(ex) == f"{g.lab}-{ex.ref}"}
    for elem_id in tabs_around(app.build_app().get_config_file()):
        found = re.match(r"(alexnet|resnet|transformer)-((?:fig|table|eq)\d+)(?:-|$)", elem_id)
        if found:  # an element named after a figure, table or equation is where the guide opens it
            assert found.groups() in numbered, elem_id


def tabs_around(config: dict) -> dict[str, list[str]]:
    """{elem_id: elem_ids of the tabs around it, outermost first (itself included when it is a tab)}."""
    components = {c["id"]: c for c in config["components"]}
    found: dict[str, list[str]] = {}

    def walk(node: dict, outer: list[str]) -> None:
        component = components.get(node["id"], {"type": "root", "props": {}})
        props = component["props"]
        tabs = [*outer, props.get("elem_id")] if component["type"] == "tabitem" else outer
        if props.get("elem_id"):
            assert props["elem_id"] not in found, f"elem_id {props['elem_id']} is used twice"
            found[props["elem_id"]] = tabs
        for child in node.get("children", []):
            walk(child, tabs)

    walk(config["layout"], [])
    return found


def test_every_jump_target_is_in_a_sub_tab_of_its_lab(home):
    around = tabs_around(app.build_app().get_config_file())
    for guide in GUIDES:
        for ex in guide.exhibits:
            target = guide.target(ex)
            assert target in around, f"no element {target} in the app"
            # the lab's tab, then one of its own tabs: a jump opens both
            assert around[target][0] == f"tab-{guide.lab}" and len(around[target]) >= 2, (target, around[target])
    for lab, target in REBUILD.items():
        assert around[target] == [f"tab-{lab}", target]  # a sub-tab of its lab
    # Tables 1 and 2 open inside the attention-vs-recurrence sub-tab
    assert around["transformer-table1"][:2] == around["transformer-table2"][:2] == ["tab-transformer",
                                                                                     "transformer-recurrence"]


def test_every_text_shown_is_translated(demo):
    strings = all_strings()
    shown = [str(value) for c in demo.get_config_file()["components"] for value in c["props"].values()]
    keys = {json.loads(value.removeprefix("__i18n__"))["key"] for value in shown if value.startswith("__i18n__")}
    assert {f"reading.{g.lab}.{ex.ref}" for g in GUIDES for ex in g.exhibits} <= keys
    for key in keys:
        english, chinese = strings[key]
        assert english.strip() and chinese.strip(), key
        assert has_cjk(chinese) or chinese == english, key  # paper names stay as they are


def test_ticks_round_trip_through_what_the_browser_keeps():
    ids = [tick for guide in GUIDES for tick in reading_tab.tick_ids(guide)]
    assert len(ids) == len(set(ids))
    values = [i % 3 == 0 for i in range(len(ids))]
    stored = json.loads(json.dumps(reading_tab.ticks_to_store(ids, values)))  # as localStorage holds it
    assert reading_tab.ticks_from_store(ids, stored) == values
    # Stale ids from an older guide are ignored; unreadable values count as unticked.
    assert reading_tab.ticks_from_store(ids[:2], {"gone.fig9": True, ids[1]: "yes"}) == [False, False]
    assert reading_tab.ticks_from_store(ids, None) == [False] * len(ids)


def test_tab_saves_and_restores_ticks_through_browser_state(demo):
    state = next(block for block in demo.blocks.values() if isinstance(block, gr.BrowserState))
    assert state.storage_key == reading_tab.STORAGE_KEY and state.secret == reading_tab.STORAGE_SECRET
    save = next(fn for fn in demo.fns.values() if fn.outputs == [state])
    restore = next(fn for fn in demo.fns.values() if fn.inputs and fn.inputs[0] is state)
    boxes = save.inputs
    assert restore.outputs == boxes
    ids = [tick for guide in GUIDES for tick in reading_tab.tick_ids(guide)]
    for tick, box in zip(ids, boxes, strict=True):  # each id names the box it is stored for
        kind = tick.split(".")[1]
        label = {"pass1": "reading.pass1.done"}.get(kind, f"reading.{tick}" if "recall" in kind else "reading.seen")
        assert isinstance(box, gr.Checkbox) and box.label.key == label, tick
    ticked = [i in (0, 7, len(boxes) - 1) for i in range(len(boxes))]
    stored = save.fn(*ticked)
    # A fresh page shows no ticks: restoring fills them in; an echo of what is shown changes nothing.
    assert restore.fn(stored, *[False] * len(boxes)) == [True if t else gr.skip() for t in ticked]
    assert all(update == gr.skip() for update in restore.fn(stored, *ticked))


def test_a_guide_whose_languages_differ_in_sections_is_refused(tmp_path):
    from explorer.reading import guide

    (tmp_path / "lab.en.md").write_text("<!-- a note -->\n## skim\n\nRead it.\n\n## fig9: Figure 9 · a plot\n\nLook.\n")
    (tmp_path / "lab.zh.md").write_text("## skim\n\n读一读。\n")
    assert guide.sections((tmp_path / "lab.en.md").read_text()) == [("skim", "Read it."),
                                                                     ("fig9: Figure 9 · a plot", "Look.")]
    with pytest.raises(ValueError, match="sections differ"):
        guide.load("lab", tmp_path)
