"""``run --once`` away from a terminal: plain progress lines that tell the truth, then the summary."""

from __future__ import annotations

import re

PROGRESS = re.compile(r"progress: (\d+)/(\d+) councils, (\d+) papers fetched, (\d+) read, (\d+:\d\d) elapsed")


def test_run_once_without_a_terminal_prints_plain_progress_lines_ending_with_the_whole_count(sendwatch) -> None:
    done = sendwatch("run", "--once")

    assert done.returncode == 0, done.stderr
    lines = [PROGRESS.search(line) for line in done.stderr.splitlines()]
    counts = [tuple(int(n) for n in found.groups()[:4]) for found in lines if found]
    assert counts, done.stderr
    assert counts[0][:2] == (0, 4), "the first line says how many councils there are to crawl"
    councils_done, total, fetched, read = counts[-1]
    assert (councils_done, total) == (4, 4)
    new = int(re.search(r"documents: (\d+) new", done.stdout).group(1))  # type: ignore[union-attr]
    assert fetched == new > 0, "a first cycle: every paper fetched is new"
    assert read == fetched, "every fetched paper was read by the end"
    assert all(b >= a for a, b in zip(counts, counts[1:], strict=False)), "counts only grow"
    assert "\x1b[" not in done.stderr, "no terminal control codes in a log"
    assert "brokenshire" in done.stdout and "failing: brokenshire" in done.stdout, "the summary still names failures"
