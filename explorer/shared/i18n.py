"""English and Chinese for every label, message and plot title.

Each tab module keeps its own STRINGS table, {key: (english, chinese)}; this module merges
them into Gradio's I18n (labels are translated in the browser from its language) and
translates server-side text (messages, plot titles) for the language a request asks for.

Which language: the browser's, until the user picks one with the header switch or Gradio's
Settings panel; the page (explorer/shared/shell.js) then keeps the choice in the cookie COOKIE, which
every request carries, so gr.Error messages and plot titles follow the labels.
"""
from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from http.cookies import CookieError, SimpleCookie

import gradio as gr
from gradio.i18n import I18nData

LANGUAGES = ("en", "zh")
COOKIE = "paperlab-lang"
TAB_MODULES = ("explorer.shared.strings", "explorer.labs.runs.tab", "explorer.reading.tab", "explorer.labs.alexnet.tab",
               "explorer.labs.resnet.tab", "explorer.labs.transformer.tab", "explorer.reading.scorecard")


def t(key: str) -> I18nData:
    """A label translated in the browser; key must be in some module's STRINGS."""
    return I18nData(key)


@functools.cache
def all_strings() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for name in TAB_MODULES:
        table: Mapping[str, tuple[str, str]] = getattr(importlib.import_module(name), "STRINGS", {})
        for key, pair in table.items():
            if key in merged and merged[key] != pair:
                raise ValueError(f"i18n key {key!r} is defined twice with different text")
            merged[key] = pair
    return merged


def build_i18n() -> gr.I18n:
    strings = all_strings()
    return gr.I18n(**{lang: {k: pair[i] for k, pair in strings.items()} for i, lang in enumerate(LANGUAGES)})


def cookie(request: gr.Request, name: str) -> str | None:
    """The value of one cookie the page sent, or None (also for a malformed Cookie header)."""
    try:
        morsel = SimpleCookie(request.headers.get("cookie") or "").get(name)
    except CookieError:
        return None
    return None if morsel is None else morsel.value


def language(request: gr.Request | None) -> str:
    """The page's language: the user's choice (cookie), else 'zh' when the browser prefers Chinese, else 'en'."""
    if request is None:
        return "en"
    if cookie(request, COOKIE) in LANGUAGES:
        return cookie(request, COOKIE)
    first = (request.headers.get("accept-language") or "").split(",")[0].strip().lower()
    return "zh" if first.startswith("zh") else "en"


def text(key: str, lang: str = "en", **values: object) -> str:
    """Server-side translation, for gr.Error / gr.Warning messages and plot titles."""
    pair = all_strings().get(key)
    if pair is None:
        return key
    template = pair[LANGUAGES.index(lang) if lang in LANGUAGES else 0]
    return template.format(**values) if values else template  # labels may hold literal braces (JSON examples)
