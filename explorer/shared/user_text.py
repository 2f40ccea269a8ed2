"""Text another user typed (a run's label, its message), made safe to show wherever others see it (issue #30)."""
from __future__ import annotations

import html
import re
from typing import Any

from train.store import clean_text

MARKDOWN = re.compile(r"[\\`*_{}\[\]()#+\-.!|~=:]")  # what Markdown could read as markup (< > & go as HTML)


def shown(value: Any, *, markdown: bool = True) -> str:
    """The text as it reads: no control or bidi characters, HTML escaped, and for Markdown (markdown=True) its markup
    too; markdown=False: for plot labels."""
    plain = clean_text(str(value))
    return html.escape(MARKDOWN.sub(lambda m: "\\" + m.group(), plain) if markdown else plain)
