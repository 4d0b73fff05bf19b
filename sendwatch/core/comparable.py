"""Names and titles compared as a reader means them, not as someone happened to type them.

Councils write one committee many ways: "Schools’ Forum" (a typographic apostrophe), "Schools
Forum", "Schools  Forum" (two spaces), "Children & Young People" and "Children and Young
People", "Forum – Sub-group" with an en dash. Council names vary the same way: "Brighton &
Hove" and "Brighton and Hove", "King’s Lynn" and "Kings Lynn", "Stoke-on-Trent" and "Stoke on
Trent". Someone looking for one types one of them. ``comparable_text`` is the one rule that makes
all of these the same text, and ``text_contains`` the one test every filter on what a person
types uses (``search --committee`` and the web search's committee box; the sign-up page's
council finder and the dashboard's ``q``; a council named on the command line), so they all
answer alike.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["comparable_text", "text_contains"]

# Straight, typographic and look-alike apostrophes: dropped, so "schools' forum" is "schools forum".
_APOSTROPHES = re.compile("['\u2018\u2019\u201b\u02bc\u2032`\u00b4]")
# Hyphen-minus, the Unicode hyphens and dashes, the minus sign: all read as a space.
_DASHES = re.compile("[-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")


def comparable_text(text: str) -> str:
    """``text`` case-folded, without apostrophes, with dashes as spaces, '&' as 'and', and every
    run of whitespace one space: "Schools’  Forum – Children & Young People" is
    "schools forum children and young people"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DASHES.sub(" ", _APOSTROPHES.sub("", text)).replace("&", " and ")
    return " ".join(text.split())


def text_contains(text: str | None, words: str) -> bool:
    """Whether ``text`` (a committee's title, a council's name) contains ``words``, both compared
    as ``comparable_text``."""
    return text is not None and comparable_text(words) in comparable_text(text)
