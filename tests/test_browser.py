"""Real-browser journeys: Playwright driving Debian's chromium, headless. Screenshots go to artifacts/."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root, in a closed network: no sandbox, no background calls home (they fail and slow the start).
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
TABS = ("AlexNet (2012)", "ResNet (2015)", "Transformer (2017)", "Runs", "Reading")


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM).exists():
        return "Debian's chromium is not installed (apt-get install chromium)"
    return None


if _missing() and not os.environ.get("CI"):  # in CI a missing browser is a failure, not a skip
    pytest.skip(_missing(), allow_module_level=True)


@pytest.fixture
def page(server):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
        page.goto(server)
        page.get_by_role("tab", name=TABS[0]).wait_for(timeout=60_000)
        yield page
        browser.close()


def plotted_points(page, elem_id: str) -> int:
    return page.evaluate(f"""() => {{
        const plot = document.querySelector('#{elem_id} .js-plotly-plot');
        return plot && plot.data ? plot.data.reduce((n, trace) => n + trace.x.length, 0) : 0;
    }}""")


def test_every_tab_opens(page):
    for name in TABS:
        page.get_by_role("tab", name=name).click()
        page.wait_for_timeout(500)
        assert page.get_by_role("tab", name=name).get_attribute("aria-selected") == "true"
        page.screenshot(path=SHOTS / f"tab-{name.split()[0].lower()}.png", full_page=True)
    assert not page.get_by_text("Error", exact=True).is_visible()


def test_a_run_started_in_the_browser_draws_a_growing_curve(page):
    page.get_by_role("tab", name="Runs").click()
    page.locator("#runs-start").click()
    page.get_by_text("is queued").wait_for(timeout=30_000)
    page.wait_for_function("""() => {
        const plot = document.querySelector('#runs-plot .js-plotly-plot');
        return plot && plot.data && plot.data.some(t => t.x.length > 0);
    }""", timeout=90_000)
    first = plotted_points(page, "runs-plot")
    page.wait_for_function(f"""() => {{
        const plot = document.querySelector('#runs-plot .js-plotly-plot');
        return plot.data.reduce((n, t) => n + t.x.length, 0) > {first};
    }}""", timeout=90_000)
    page.screenshot(path=SHOTS / "runs-live.png", full_page=True)
    assert plotted_points(page, "runs-plot") > first
