"""What the room and a phone see (issue 31, items 4, 5 and 8): Playwright and Debian's chromium against one app.

At a projector's 1280x720 in presenter mode, one click on a lab (or on Fig. 4's sub-tab) shows its main figure whole
without scrolling, no tab label is clipped or hidden in Gradio's "..." menu, and a long legend stays clear of the x-axis
title; on a 390x844 phone every lab is reachable, plot text is small, subplot titles keep apart and tables scroll
sideways instead of breaking words. Screenshots go to artifacts/screenshots/ (docs/screenshots/ holds the README's).
"""
from __future__ import annotations

import pytest
from test_browser import SHOTS, TABS, browser  # noqa: F401  (browser: the module's chromium, a fixture)

from explorer.shared.i18n import text
from explorer.shared.layout import FIGURE

PRESENTER = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
# (lab, sub-tab key or None: the lab opens on it, the main figure's element, its screenshot)
MAIN_FIGURES = (
    ("alexnet", None, f"#alexnet-fig3 .{FIGURE} .js-plotly-plot", None),
    ("alexnet", "alexnet.neighbours", f"#alexnet-fig4 .{FIGURE}", "presenter-1280x720-alexnet-fig4"),
    ("resnet", None, f"#resnet-fig6 .{FIGURE} .js-plotly-plot", "presenter-1280x720-resnet-fig6"),
    ("transformer", None, f"#transformer-eq1 .{FIGURE} .js-plotly-plot", "presenter-1280x720-transformer-step"),
)
DRAWN = {  # a plotly figure has data; a gallery has its images
    "plot": "el => el.data && el.data.length > 0 && el._fullLayout",
    "gallery": "el => el.querySelectorAll('img').length > 0",
}


def open_app(browser, module_server, viewport: dict):  # noqa: F811
    context = browser.new_context(viewport=viewport, locale="en-US")
    page = context.new_page()
    page.goto(module_server[0])
    page.get_by_role("tab", name=TABS[0]).wait_for(timeout=60_000)
    return context, page


def clipped_tabs(page) -> list[str]:
    """Tab labels on screen that are cut, or that sit in Gradio's overflow menu instead of the tab bar."""
    return page.evaluate("""() => [
        ...[...document.querySelectorAll('[role=tab]')].filter(b => b.offsetParent && b.scrollWidth > b.clientWidth),
        ...[...document.querySelectorAll('.overflow-menu, .overflow-dropdown')].filter(m => m.offsetParent),
    ].map(e => e.textContent.trim())""")


def box_of(page, selector: str, kind: str) -> dict:
    page.wait_for_function(f"() => {{ const el = document.querySelector('{selector}'); return el && ({DRAWN[kind]})(el); }}",
                           timeout=120_000)
    page.wait_for_timeout(1_000)  # shell.js fits the figure once what is above it has loaded
    return page.locator(selector).first.bounding_box()


@pytest.fixture
def presenter(browser, module_server):  # noqa: F811
    context, page = open_app(browser, module_server, PRESENTER)
    page.get_by_label(text("app.presenter", "en")).check()
    yield page
    context.close()


@pytest.fixture
def phone(browser, module_server):  # noqa: F811
    context, page = open_app(browser, module_server, PHONE)
    yield page
    context.close()


def test_presenter_mode_shows_each_labs_main_figure_after_one_click(presenter):
    page = presenter
    for lab, sub_tab, selector, shot in MAIN_FIGURES:
        # a click as a mouse makes it (Playwright's own click first scrolls its target into view, under load by ~80 px)
        target = page.get_by_role("tab", name=text(sub_tab, "en")) if sub_tab else page.locator(f"#tab-{lab}-button")
        target.dispatch_event("click")
        box = box_of(page, selector, "gallery" if "fig4" in selector else "plot")
        assert box["y"] >= 0 and box["y"] + box["height"] <= PRESENTER["height"], (selector, box)
        assert box["height"] >= 100 if "fig4" in selector else box["height"] >= 300, (selector, box)
        assert page.evaluate("window.scrollY") == 0  # nothing scrolled: the first screen
        assert clipped_tabs(page) == [], lab
        cut = page.evaluate(f"""() => [...document.querySelectorAll('{selector} .caption-label')]
            .filter(c => c.scrollWidth > c.clientWidth || c.scrollHeight > c.clientHeight).length""")
        assert cut == 0  # Fig. 4's captions whole
        if shot:
            page.screenshot(path=SHOTS / f"{shot}.png")
    font = page.evaluate(f"document.querySelector('{MAIN_FIGURES[2][2]}')._fullLayout.font.size")
    assert font >= 22  # readable from the back of the room


def test_a_long_legend_stays_clear_of_the_x_axis_title_on_the_projector(presenter):
    page = presenter
    page.locator("#tab-resnet-button").click()
    box_of(page, MAIN_FIGURES[2][2], "plot")
    overlaps = page.evaluate(f"""() => {{
        const plot = document.querySelector('{MAIN_FIGURES[2][2]}');
        const legend = plot.querySelector('.legend').getBoundingClientRect();
        return [...plot.querySelectorAll('.xtitle, .x2title')].map(t => t.getBoundingClientRect())
            .filter(t => t.bottom > legend.top && t.top < legend.bottom).length;
    }}""")
    assert overlaps == 0
    assert page.locator(f"#resnet-fig6 .{FIGURE} label[data-testid='block-label']").is_hidden()  # no "Plot" badge


def test_a_reading_jump_lands_on_the_figure_not_the_tab_bar(presenter):
    page = presenter
    page.evaluate("window.paperlab.reveal('resnet-fig6')")
    page.wait_for_function(f"""() => {{
        const figure = document.querySelector('#resnet-fig6 .{FIGURE}');
        return figure && Math.abs(figure.getBoundingClientRect().top) < 2;
    }}""", timeout=15_000)


def test_a_phone_reaches_every_lab_and_reads_fig6(phone):
    page = phone
    for name in TABS:  # every top-level tab on screen, none behind "..."
        page.get_by_role("tab", name=name).click()
        assert page.get_by_role("tab", name=name).get_attribute("aria-selected") == "true"
        assert clipped_tabs(page) == [], name
    page.locator("#tab-resnet-button").click()
    selector = MAIN_FIGURES[2][2]
    box_of(page, selector, "plot")
    layout = page.evaluate(f"""(({{font, width}}) => ({{font: font.size, width}}))(
        document.querySelector('{selector}')._fullLayout)""")
    assert layout == {"font": 11, "width": page.locator(selector).bounding_box()["width"]}  # small text, the page's width
    titles = page.evaluate(f"""() => [...document.querySelectorAll('{selector} .annotation')]
        .map(a => a.getBoundingClientRect()).map(r => [r.left, r.right])""")
    assert len(titles) == 2 and titles[0][1] <= titles[1][0]  # plain networks | ResNets, side by side, apart
    table = page.locator("#resnet-ends-plain-vs-residual table")
    table.wait_for(timeout=20_000)
    tall = page.evaluate("""() => [...document.querySelectorAll('#resnet-ends-plain-vs-residual th,'
        + ' #resnet-ends-plain-vs-residual td')].filter(c => c.getBoundingClientRect().height > 2.5 *
        parseFloat(getComputedStyle(c).fontSize) + 16).map(c => c.textContent)""")
    assert tall == []  # a cell's words on one line: the table scrolls sideways
    page.locator(selector).scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "phone-390x844-resnet.png")
