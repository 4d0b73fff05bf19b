"""Committee titles compared as a reader means them, not as a council happened to type them.

Councils write one committee many ways: "Schools’ Forum" (a typographic apostrophe), "Schools
Forum", "Schools  Forum" (two spaces), "Children & Young People" and "Children and Young
People", "Forum – Sub-group" with an en dash. Someone filtering by committee types one of them.
``comparable_title`` is the one rule that makes all of these the same text, and
``title_contains`` the one test every filter on committee titles uses (``search --committee``,
the web search page's committee box), so they all answer alike.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["comparable_title", "title_contains"]

# Straight, typographic and look-alike apostrophes: dropped, so "schools' forum" is "schools forum".
_APOSTROPHES = re.compile("['\u2018\u2019\u201b\u02bc\u2032`\u00b4]")
# Hyphen-minus, the Unicode hyphens and dashes, the minus sign: all read as a space.
_DASHES = re.compile("[-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")


def comparable_title(text: str) -> str:
    """``text`` case-folded, without apostrophes, with dashes as spaces, '&' as 'and', and every
    run of whitespace one space: "Schools’  Forum – Children & Young People" is
    "schools forum children and young people"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DASHES.sub(" ", _APOSTROPHES.sub("", text)).replace("&", " and ")
    return " ".join(text.split())


def title_contains(title: str | None, words: str) -> bool:
    """Whether a committee's title contains ``words``, both compared as ``comparable_title``."""
    return title is not None and comparable_title(words) in comparable_title(title)
