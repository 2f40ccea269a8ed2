"""English and Chinese for every label, message and plot title.

Each lab, the reading companion and serving keep their strings as data in a `strings.py` beside their code, one
shape for all: STRINGS = {key: (english, chinese)}. This module imports those tables (and no UI module), merges
them into Gradio's I18n (labels are translated in the browser from its language) and
translates server-side text (messages, plot titles) for the language a request asks for.

Which language: the browser's, until the user picks one with the header switch or Gradio's
Settings panel; the page (explorer/shared/shell.js) then keeps the choice in the cookie COOKIE, which
every request carries, so messages and plot titles follow the labels. Toasts come only from error(), warn() and
inform() here (tests/test_boundaries.py forbids raw gr.Error, gr.Warning and gr.Info): title and message both in the
asker's language (Gradio's page shows its own English titles: explorer/shared/shell.js renames them, toast.* keys).
"""
from __future__ import annotations

import functools
from http.cookies import CookieError, SimpleCookie

import gradio as gr
from gradio.i18n import I18nData

from explorer.labs.alexnet import strings as alexnet_strings
from explorer.labs.resnet import strings as resnet_strings
from explorer.labs.runs import strings as runs_strings
from explorer.labs.transformer import strings as transformer_strings
from explorer.reading import strings as reading_strings
from explorer.serving import strings as serving_strings
from explorer.shared import strings as shared_strings
from explorer.shared.strings import LANGUAGES

COOKIE = "paperlab-lang"
TABLES = (shared_strings.STRINGS, serving_strings.STRINGS, runs_strings.STRINGS, reading_strings.STRINGS,
          alexnet_strings.STRINGS, resnet_strings.STRINGS, transformer_strings.STRINGS)


def t(key: str) -> I18nData:
    """A label translated in the browser; key must be in some strings.py's STRINGS."""
    return I18nData(key)


@functools.cache
def all_strings() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for table in TABLES:
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
    """Server-side translation, for messages and plot titles."""
    pair = all_strings().get(key)
    if pair is None:
        return key
    template = pair[LANGUAGES.index(lang) if lang in LANGUAGES else 0]
    return template.format(**values) if values else template  # labels may hold literal braces (JSON examples)


def error(key: str, lang: str, **values: object) -> gr.Error:
    """An error toast in lang, to raise: its title and the message `key` (filled with values)."""
    return gr.Error(text(key, lang, **values), title=text("toast.error", lang))


def warn(key: str, lang: str, **values: object) -> None:
    """Show a warning toast in lang; the handler goes on."""
    gr.Warning(text(key, lang, **values), title=text("toast.warning", lang))


def inform(key: str, lang: str, **values: object) -> None:
    """Show an information toast in lang."""
    gr.Info(text(key, lang, **values), title=text("toast.info", lang))
