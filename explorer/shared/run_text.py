"""Runs as the trainer wrote them, read in the page's language: statuses, messages and the experiments' variant labels
are stored in English (train/ is headless and knows no languages), so they are translated when shown.

A message is matched against the English side of each "runmsg.*" template in explorer/shared/strings.py (its
{fields} match any text) and refilled in the Chinese one; a field that is itself a status or a message is
translated too. Text that matches no template (a label a user typed) is shown as it is.
"""
from __future__ import annotations

import functools
import re

from explorer.shared.i18n import all_strings, text

STATUS = "status."
MESSAGE = "runmsg."
VARIANT = "variant."
FIGURE = "figure."


def _named(kind: str, value: str, lang: str) -> str:
    """value in lang where kind + value is a string key, else value as it is."""
    return text(kind + value, lang) if kind + value in all_strings() else value


def label(value: str, lang: str) -> str:
    """A run's label in lang where it is an experiment's variant name ("seed 0"), else as it is (a user's label)."""
    return _named(VARIANT, value, lang)


def figure(value: str, lang: str) -> str:
    """An experiment's figure ("Table 3 (on CIFAR-10)") in lang; an unknown one as it is."""
    return _named(FIGURE, value, lang)


def status(value: str, lang: str) -> str:
    """A run's status ("done", "queued", ...) in lang; an unknown one as it is."""
    return _named(STATUS, value, lang)


@functools.cache
def _patterns() -> list[tuple[re.Pattern, str]]:
    """(regex of a template's English side, its key), the most literal text first so the most specific wins
    ("checkpoint at step {step}" before "{status} at step {step}")."""
    out = []
    for key, (english, _) in all_strings().items():
        if key.startswith(MESSAGE):
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(english))
            out.append((len(re.sub(r"\{\w+\}", "", english)), re.compile(pattern + r"\Z"), key))
    return [(pattern, key) for _, pattern, key in sorted(out, key=lambda item: -item[0])]


def message(value: str, lang: str) -> str:
    """A trainer's or launcher's message ("done at step 300") in lang."""
    if lang == "en":
        return value
    for pattern, key in _patterns():
        found = pattern.match(value)
        if found:
            fields = {name: status(part, lang) if STATUS + part in all_strings() else message(part, lang)
                      for name, part in found.groupdict().items()}
            return text(key, lang, **fields)
    return value
