"""The cycle's progress display: plain lines off a terminal, a bar on one, the same counts in both."""

from __future__ import annotations

import io

from sendwatch.commands.progress import CycleProgress, progress_line


def progress(done: int, fetched: int, read: int, crawling: bool = True, left: float | None = None) -> dict:
    return {
        "councils_done": done,
        "councils_total": 3,
        "papers_fetched": fetched,
        "papers_read": read,
        "elapsed_seconds": 75.0,
        "crawl_seconds_left": left,
        "crawling": crawling,
    }


def test_a_progress_line_says_councils_papers_elapsed_and_the_estimate() -> None:
    assert progress_line(progress(1, 20, 5, left=150)) == (
        "  progress: 1/3 councils, 20 papers fetched, 5 read, 1:15 elapsed, about 2:30 of crawling left"
    )
    assert "left" not in progress_line(progress(3, 60, 60, crawling=False))


def test_off_a_terminal_lines_are_rate_limited_but_the_crawl_end_and_final_counts_always_show() -> None:
    stream = io.StringIO()
    with CycleProgress(stream, terminal=False) as show:
        show("stage", {"stage": "crawl"})
        show("progress", progress(0, 0, 0))
        show("progress", progress(1, 10, 0))  # within the rate limit: not printed
        show("council", {"slug": "eastmoor", "outcome": "ok", "documents_new": 10, "documents_changed": 0})
        show("progress", progress(3, 30, 12, crawling=False))
        show("progress", progress(3, 30, 29, crawling=False))  # within the rate limit
        show("progress", progress(3, 30, 30, crawling=False))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "» crawl"
    assert lines[1].startswith("  progress: 0/3 councils")
    assert lines[2].split() == ["eastmoor", "ok", "10", "new,", "0", "changed"]
    assert lines[3].startswith("  progress: 3/3 councils, 30 papers fetched, 12 read")
    assert lines[4].startswith("  progress: 3/3 councils, 30 papers fetched, 30 read"), "the final counts, on closing"
    assert len(lines) == 5


def test_on_a_terminal_a_bar_shows_then_leaves_the_final_counts_as_a_line() -> None:
    stream = io.StringIO()
    with CycleProgress(stream, terminal=True) as show:
        show("progress", progress(1, 10, 2, left=30))
        show("council", {"slug": "eastmoor", "outcome": "failing", "documents_new": 0, "documents_changed": 0, "reason": "500"})
        show("progress", progress(3, 30, 30, crawling=False))
    text = stream.getvalue()
    assert "eastmoor" in text and "(500)" in text
    assert text.rstrip().splitlines()[-1].startswith("  progress: 3/3 councils, 30 papers fetched, 30 read")
