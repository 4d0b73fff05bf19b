"""Live progress of a cycle on stderr: a progress bar on a terminal, plain lines otherwise.

Both show the same truth, from the cycle's ``progress`` events: councils done of the total,
papers fetched and read, the time elapsed and an estimate of the crawl's time left. Stage
lines (``» crawl``) and one line per council as it ends are printed either way; plain mode adds
a progress line at most every ``PLAIN_EVERY_SECONDS``, one when the crawl ends and one with the
final counts, so a log of a long cycle shows it moving without a line per paper.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any, TextIO

import click

PLAIN_EVERY_SECONDS = 5.0


def council_line(data: dict[str, Any]) -> str:
    detail = f"{data['documents_new']} new, {data['documents_changed']} changed"
    if data.get("reason") and data["outcome"] != "ok":
        detail += f" ({data['reason']})"
    return f"  {data['slug']:<40} {data['outcome']:<8} {detail}"


def progress_line(data: dict[str, Any]) -> str:
    left = data.get("crawl_seconds_left")
    estimate = f", about {_clock(left)} of crawling left" if left is not None else ""
    return (
        f"  progress: {data['councils_done']}/{data['councils_total']} councils, "
        f"{data['papers_fetched']} papers fetched, {data['papers_read']} read, {_clock(data['elapsed_seconds'])} elapsed{estimate}"
    )


def _clock(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}" if whole >= 3600 else f"{whole // 60}:{whole % 60:02d}"


class CycleProgress:
    """A ``progress`` callback for ``run_cycle``; use as a context manager (it owns the bar)."""

    def __init__(self, stream: TextIO | None = None, terminal: bool | None = None):
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self._bar: Any = None
        self._task: Any = None
        self._last_plain = 0.0
        self._last: dict[str, Any] | None = None
        self._printed: dict[str, Any] | None = None
        self._told_crawl_ended = False

    def __enter__(self) -> CycleProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self._close_bar()

    def __call__(self, event: str, data: dict[str, Any]) -> None:
        if event == "stage":
            self._echo(f"» {data['stage']}")
        elif event == "council":
            self._echo(council_line(data))
        elif event == "progress":
            self._progress(data)

    def _progress(self, data: dict[str, Any]) -> None:
        self._last = data
        if self.terminal:
            self._show_bar(data)
            return
        now = time.monotonic()
        crawl_ended = not data["crawling"] and not self._told_crawl_ended
        if now - self._last_plain >= PLAIN_EVERY_SECONDS or crawl_ended:
            self._told_crawl_ended = self._told_crawl_ended or crawl_ended
            self._plain(data, now)

    def _plain(self, data: dict[str, Any], now: float) -> None:
        self._last_plain, self._printed = now, data
        self._echo(progress_line(data))

    def _show_bar(self, data: dict[str, Any]) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        if self._bar is None:
            self._bar = Progress(
                TextColumn("councils"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[papers]}"),
                TimeElapsedColumn(),
                TextColumn("{task.fields[left]}"),
                console=Console(file=self.stream),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("crawl", total=data["councils_total"], papers="", left="")
        left = data.get("crawl_seconds_left")
        self._bar.update(
            self._task,
            completed=data["councils_done"],
            total=data["councils_total"],
            papers=f"{data['papers_fetched']} papers fetched, {data['papers_read']} read",
            left=f"about {_clock(left)} left" if left is not None else "",
        )

    def _echo(self, line: str) -> None:
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False)
        else:
            click.echo(line, file=self.stream)

    def _close_bar(self) -> None:
        """Stop the bar; leave the final counts as a line (in plain mode, if not just printed)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        if self._last is not None and self._last != self._printed:
            self._plain(self._last, time.monotonic())
