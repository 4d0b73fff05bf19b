"""Reading that overlaps crawling: each council's new papers are read as soon as it commits.

Why: with every council crawled at once, the crawl stage is mostly waiting on polite delays,
and a cycle that read only after the last council would leave the CPUs idle for the crawl and
the crawl idle for the reading. A thread here takes the councils that committed new or changed
papers and runs the extract stage (``extractors.pipeline.extract_documents``, with its bounded
readers and its guarantees: one bad paper never stops the others, papers whose results could
not be stored stay pending) over them, batch after batch. The cycle's own extract stage still
runs after the crawl, over every council: it reads whatever this left (papers of a batch in
progress when the crawl was stopped, or left pending), so nothing depends on this thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from extractors.pipeline import extract_documents
from sendwatch.core.config import Config
from sendwatch.core.storage import Database

log = logging.getLogger("sendwatch.cycle")


class ReadingBehind(threading.Thread):
    """Reads councils' papers as they are handed over (``council_committed``), until ``finish``."""

    def __init__(self, config: Config, database: Database, on_read: Callable[[int], None] | None = None):
        super().__init__(daemon=True, name="reading-behind-the-crawl")
        self.config = config
        self.database = database
        self.on_read = on_read
        self.read = 0  # papers processed so far, every batch together
        self.errors: list[str] = []
        self._waiting: list[str] = []
        self._changed = threading.Condition()
        self._finishing = False
        self._abandon = False

    def council_committed(self, slug: str) -> None:
        with self._changed:
            self._waiting.append(slug)
            self._changed.notify()

    def finish(self, abandon: bool = False) -> int:
        """Read what is waiting (or, with ``abandon``, only finish the batch in progress); then
        return how many papers were processed in all."""
        with self._changed:
            self._finishing, self._abandon = True, abandon
            self._changed.notify()
        self.join()
        return self.read

    def run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._waiting or self._finishing)
                if self._abandon or not self._waiting:
                    return
                batch, self._waiting = self._waiting, []
            done_before = self.read

            def counted(processed: int, done_before: int = done_before) -> None:
                self.read = done_before + processed
                if self.on_read is not None:
                    self.on_read(self.read)

            try:
                extract_documents(self.config, self.database, slugs=batch, on_read=counted)
            except Exception as error:  # the cycle's extract stage reads these again
                log.exception("reading_behind_failed", extra={"event": "reading_behind_failed", "councils": batch})
                self.errors.append(f"{type(error).__name__}: {error}")
