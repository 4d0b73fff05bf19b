"""Text from papers written into Markdown stays the words it is: read back through the Markdown
renderer Apprise uses for HTML services, a hostile quote formats nothing and links nowhere."""

from __future__ import annotations

import re

import pytest
from apprise.conversion.format import markdown_to_html

from sendwatch.core.formatting import http_date, markdown_link, markdown_text, names_list
from sendwatch.core.search.snippets import Snippet

HOSTILE = [
    "The deficit is *£12m* and __rising__",
    "See [the real figures](https://evil.example/phish) now",
    "![logo](https://evil.example/pixel.png) tracked",
    "Raw <a href='https://evil.example'>HTML</a> and <script>alert(1)</script>",
    "An autolink <https://evil.example/auto> in a quote",
    "`DROP TABLE` in code and ~~struck~~ words",
    "# A heading of its own",
    "> a quote inside the quote",
    "- a list item",
    "+ another list item",
    "1. a numbered item",
    "3) another numbered item",
    "--- a rule?",
    "Pipes | make | tables",
    "Entities &lt;b&gt; stay as typed",
    r"A back\slash and \*escapes\* of its own",
]


def rendered(markdown: str) -> str:
    """The HTML Apprise makes of our Markdown for an HTML service, without its paragraph wrapper."""
    return re.sub(r"^<p>|</p>$", "", markdown_to_html(markdown).strip())


def as_html_text(words: str) -> str:
    return words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.mark.parametrize("words", HOSTILE)
def test_hostile_text_renders_as_exactly_its_own_words(words: str) -> None:
    html = rendered(markdown_text(words))
    assert html.replace("&quot;", '"').replace("&#x27;", "'") == as_html_text(words)


@pytest.mark.parametrize("words", HOSTILE)
def test_hostile_text_inside_a_blockquote_stays_one_plain_quote(words: str) -> None:
    html = markdown_to_html(f"> {markdown_text(words)}")
    inner = re.fullmatch(r"<blockquote>\s*<p>(.*)</p>\s*</blockquote>", html.strip(), re.DOTALL)
    assert inner is not None, html
    assert inner.group(1).replace("&quot;", '"').replace("&#x27;", "'") == as_html_text(words)


def test_ordinary_punctuation_is_left_readable() -> None:
    assert markdown_text("St. Helens: high-needs (DSG) deficit, 2024/25 — £4.7m!") == (
        "St. Helens: high-needs (DSG) deficit, 2024/25 — £4.7m!"
    )


def test_text_is_folded_onto_one_line_and_cut_like_a_header() -> None:
    assert markdown_text("first line\r\n\n# second *line*") == r"first line # second \*line\*"  # a # mid-line is no heading
    assert markdown_text("x" * 50, 10) == "x" * 9 + "…"


def test_a_link_keeps_its_label_plain_and_its_address_whole() -> None:
    link = markdown_link("Report](https://evil.example) [x", "https://council.example/a_(b)/report.pdf#page=2")
    assert rendered(link) == ('<a href="https://council.example/a_(b)/report.pdf#page=2">Report](https://evil.example) [x</a>')


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "/relative", "https://a.example/x y", None])
def test_a_link_to_anything_but_an_absolute_http_address_is_its_label_alone(url: object) -> None:
    assert markdown_link("The *report*", url) == r"The \*report\*"


def test_a_snippet_marks_only_its_matched_words_in_bold() -> None:
    snippet = Snippet((("1. Costs of ", False), ("transport", True), (" rose *sharply* [see](https://evil.example)", False)))
    assert rendered(snippet.markdown()) == ("1. Costs of <strong>transport</strong> rose *sharply* [see](https://evil.example)")


def test_names_are_listed_as_a_sentence_says_them() -> None:
    assert names_list([]) == ""
    assert names_list(["Eastbury"]) == "Eastbury"
    assert names_list(["Eastbury", "Westford"]) == "Eastbury and Westford"
    assert names_list(["Eastbury", "Northshire", "Westford"]) == "Eastbury, Northshire and Westford"


def test_a_long_list_of_names_counts_the_rest() -> None:
    names = [f"Council {number}" for number in range(1, 16)]
    assert names_list(names, shown=3) == "Council 1, Council 2, Council 3 and 12 more"


def test_an_http_date_is_read_as_utc_and_anything_else_is_none() -> None:
    import datetime as dt

    assert http_date("Wed, 02 Dec 2026 17:00:00 GMT") == dt.datetime(2026, 12, 2, 17, 0, tzinfo=dt.timezone.utc)
    assert http_date("Wed, 02 Dec 2026 17:00:00") == dt.datetime(2026, 12, 2, 17, 0, tzinfo=dt.timezone.utc)
    assert http_date("soon") is None
    assert http_date("") is None
