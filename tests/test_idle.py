"""An open page costs the server nothing while nothing trains: live views poll only while a run is queued or
training, and never while the page is hidden (explorer/shared/experiment_panel.poll, explorer/shared/shell.js).
Opening the page asks only for the views in front (explorer/shared/layout.on_screen).
The server's CPU per idle page is measured by `python -m tools.classroom --idle 120`, not here."""
from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import pytest

from explorer.shared.i18n import text
from tools import classroom
from train.store import RunStore

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None
if (sync_playwright is None or not Path(classroom.CHROMIUM).exists()) and not os.environ.get("CI"):
    pytest.skip("playwright or Debian's chromium is not installed", allow_module_level=True)

IDLE_S = 20


def quiet(page, events: list[float], seconds: float, timeout: float = 90) -> None:
    """Wait until the page has sent its page-load events and then none for `seconds`. (Under load the tabs can
    be drawn before the first load event leaves: an empty list is not yet quiet.)"""
    deadline = time.time() + timeout
    while not events or time.time() - events[-1] < seconds:
        assert time.time() < deadline, f"the page kept sending events: {len(events)} so far"
        page.wait_for_timeout(500)


@contextlib.contextmanager
def open_page(server: str, settle: float):
    """(page, the times of the Gradio events it sent) of a headless Chromium page on the app, once it is quiet for
    `settle` seconds after its page-load events."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=classroom.CHROMIUM, args=classroom.BROWSER_ARGS, headless=True)
        page = browser.new_page()
        events: list[float] = []
        page.on("request", lambda request: classroom.EVENTS in request.url and events.append(time.time()))
        page.goto(server)
        page.get_by_role("tab").first.wait_for(timeout=90_000)
        quiet(page, events, settle)
        yield page, events
        browser.close()


def sent_during(page, events: list[float], seconds: float) -> int:
    before = len(events)
    page.wait_for_timeout(seconds * 1000)
    return len(events) - before


def test_a_page_open_asks_only_for_the_views_in_front(server):
    """A lecture hall opens the page at once: each asks for the front lab's views (2 events; 24 when every tab was
    drawn on load), and a lab's views arrive when it, or its sub-tab, is first opened."""
    with open_page(server, 4) as (page, events):
        assert len(events) <= 3, f"a page open sent {len(events)} events"
        opened = len(events)

        page.get_by_role("tab", name=text("tab.resnet", "en")).click()
        page.locator("#resnet-ends-plain-vs-residual").get_by_text("plain-56").wait_for(timeout=30_000)
        assert len(events) > opened  # drawn now, not before
        before = len(events)
        page.get_by_role("tab", name=text("resnet.seed", "en")).click()  # its yardstick: asked for now
        page.wait_for_function("() => document.querySelector('#resnet-yardstick')?.innerText.trim()", timeout=30_000)
        assert len(events) > before


def test_an_idle_page_polls_only_while_a_run_trains_and_never_while_hidden(server, home):
    with open_page(server, 6) as (page, events):
        assert sent_during(page, events, IDLE_S) == 0  # nothing trains: no polling

        store = RunStore(home)  # a run training (its process: this test), as the app sees one
        run = store.create_run("alexnet", {"steps": 1000}, status="running")
        store.update(run, pid=os.getpid())
        classroom.show(page, False)
        classroom.show(page, True)  # back in the foreground: the views look once and find it training
        assert sent_during(page, events, 8) >= 3  # the wake, then the live view's ticks

        classroom.show(page, False)
        assert sent_during(page, events, 8) == 0  # hidden: no ticks

        store.update(run, status="done")
        classroom.show(page, True)
        page.wait_for_timeout(6000)  # a tick finds nothing training and puts the timers to sleep
        assert sent_during(page, events, 8) == 0
