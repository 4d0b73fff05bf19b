"""Text extraction with a time and memory bound per document, isolated from the caller.

PDF libraries can loop for minutes or swallow gigabytes on a hostile or broken file, and a
crash in native code would take the whole cycle down. Each document is therefore read in a
child process: it gets ``memory_mb`` of address space beyond what it starts with and
``timeout_seconds`` of wall time; a child that overruns is killed and the document recorded as
``timed_out``, one that runs out of memory as ``too_large``, one that crashes as ``corrupt``.
The caller only ever gets a ``TextResult``. Scanned pages read by OCR get their own time on
top (``OcrSettings.document_seconds``), granted when the child says it is starting OCR.

Asked to read a paper for a council (``Reading``), the child also analyses it: the analysis of
a hostile paper (a megabyte in one paragraph) is bounded like its text extraction, and never
holds up the cycle in the main process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path

from extractors.paper_reader import read_document
from extractors.paper_text import OcrSettings, Reading, ReadOptions, TextResult
from sendwatch.core.lifetime import die_with_parent

__all__ = ["IsolatedReader", "Reading", "TextResult", "extract_text", "extract_text_isolated"]

_KILL_GRACE_SECONDS = 5.0


def extract_text(
    path: Path | str,
    kind: str | None = None,
    *,
    engine: str = "pdfium",
    max_pages: int = 2000,
    content_type: str | None = None,
    ocr: OcrSettings | None = None,
) -> TextResult:
    """Read a stored document in this process (no bounds); see ``extract_text_isolated``."""
    return read_document(path, kind, content_type, ReadOptions(engine=engine, max_pages=max_pages, ocr=ocr))


class IsolatedReader:
    """A reader child process, reused document after document, replaced whenever it fails.

    Forking a fresh child per document costs tens of milliseconds; a backlog of tens of
    thousands of packs would spend longer forking than reading. One child therefore reads
    document after document. It is killed and replaced when a document overruns its time,
    after it ran out of memory or crashed, and every ``recycle_after`` documents so that
    fragmentation never accumulates. Not thread-safe: one reader per thread.

    A document with scanned pages gets ``ocr.document_seconds`` more time once the child says
    it is starting OCR. The child leads its own process group, so stopping it also stops a
    Tesseract it started.
    """

    def __init__(
        self,
        *,
        timeout_seconds: float = 120.0,
        memory_mb: int = 1024,
        engine: str = "pdfium",
        max_pages: int = 2000,
        recycle_after: int = 200,
        ocr: OcrSettings | None = None,
    ):
        self.timeout_seconds = timeout_seconds
        self.memory_mb = memory_mb
        self.engine = engine
        self.max_pages = max_pages
        self.recycle_after = recycle_after
        self.ocr = ocr
        self._context: ForkContext | SpawnContext = (
            multiprocessing.get_context("fork") if sys.platform.startswith("linux") else multiprocessing.get_context("spawn")
        )
        self._child: BaseProcess | None = None
        self._connection: Connection | None = None
        self._served = 0

    def read(
        self, path: Path | str, kind: str | None = None, content_type: str | None = None, reading: Reading | None = None
    ) -> TextResult:
        """The document's text (and, for a ``reading``, its analysis), or the state saying why there is none."""
        connection = self._connection
        if connection is None or self._child is None or not self._child.is_alive() or self._served >= self.recycle_after:
            connection = self._restart()
        self._served += 1
        allowed = self.timeout_seconds
        deadline = time.monotonic() + allowed
        try:
            connection.send((str(path), kind, content_type, reading))
            while True:
                if not connection.poll(max(0.0, deadline - time.monotonic())):
                    self.close()
                    return TextResult("timed_out", error=f"reading took longer than {allowed:g} s")
                message, payload = connection.recv()
                if message == "ocr":
                    extra = self.ocr.document_seconds if self.ocr is not None else 0.0
                    deadline, allowed = deadline + extra, allowed + extra
                    continue
                result, exiting = payload
                break
        except (EOFError, OSError):
            code = self._stop_child()
            return TextResult("corrupt", error=f"the reader process died (exit code {code}) on this document")
        if exiting:
            self.close()  # a child that hit its memory bound starts afresh
        return result

    @property
    def pid(self) -> int | None:
        """The current child's process id (None before the first read or after a failure)."""
        return self._child.pid if self._child is not None else None

    def close(self) -> None:
        """Stop the child (a new one starts on the next read)."""
        self._stop_child()

    def __enter__(self) -> IsolatedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _restart(self) -> Connection:
        self._stop_child()
        parent, child_end = self._context.Pipe(duplex=True)
        # A forked child gets a copy of our end of the pipe too; it closes it at once, so that
        # our death reaches it as end-of-file (and, on Linux, as a parent-death SIGKILL).
        inherited = parent if self._context.get_start_method() == "fork" else None
        options = ReadOptions(engine=self.engine, max_pages=self.max_pages, ocr=self.ocr)
        child = self._context.Process(
            target=_child_main,
            args=(child_end, options, self.memory_mb, inherited, os.getpid()),
            daemon=True,
        )
        child.start()
        self._child = child
        child_end.close()
        self._connection = parent
        self._served = 0
        return parent

    def _stop_child(self) -> int | None:
        code = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._child is not None:
            _stop(self._child)
            code = self._child.exitcode
            self._child = None
        return code


def extract_text_isolated(
    path: Path | str,
    kind: str | None = None,
    *,
    timeout_seconds: float = 120.0,
    memory_mb: int = 1024,
    engine: str = "pdfium",
    max_pages: int = 2000,
    content_type: str | None = None,
    ocr: OcrSettings | None = None,
) -> TextResult:
    """``extract_text`` of one document in a child process bounded in time and memory."""
    with IsolatedReader(
        timeout_seconds=timeout_seconds, memory_mb=memory_mb, engine=engine, max_pages=max_pages, ocr=ocr
    ) as reader:
        return reader.read(path, kind, content_type)


def _child_main(connection, options: ReadOptions, memory_mb: int, inherited=None, parent: int | None = None) -> None:
    """Runs in the child: lead a process group, bound memory, then answer request after request."""
    if inherited is not None:
        inherited.close()
    die_with_parent(parent)
    try:
        os.setpgrp()
    except OSError:  # not permitted here: Tesseract is then only bounded by its own page time-out
        pass
    _limit_memory(memory_mb)
    options = replace(options, before_ocr=lambda pages: connection.send(("ocr", pages)))
    while True:
        try:
            path, kind, content_type, reading = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        out_of_memory = False
        try:
            result = read_document(path, kind, content_type, options)
            if reading is not None and result.state == "ok":
                result.analysis = _analyse(result, reading)
        except MemoryError:
            result, out_of_memory = TextResult("too_large", error=f"reading needed more than {memory_mb} MB of memory"), True
        except Exception as error:  # any library failure becomes a recorded state, never a crash upstream
            result = TextResult("corrupt", error=f"{type(error).__name__}: {error}")
        try:
            connection.send(("done", (result, out_of_memory)))
        except MemoryError:
            out_of_memory = True
            connection.send(
                ("done", (TextResult("too_large", error=f"the text needed more than {memory_mb} MB of memory"), True))
            )
        if out_of_memory:
            return


def _analyse(result: TextResult, reading: Reading) -> object:
    from extractors.analyse import analyse_pages  # imported by the child only when it analyses

    return analyse_pages(result.pages, list(reading.names), context=reading.context)


def _limit_memory(memory_mb: int) -> None:
    """Cap the child's address space at what it already maps plus ``memory_mb``."""
    try:
        import resource
    except ImportError:  # not on POSIX: run without a memory bound
        return
    current = _mapped_bytes()
    limit = current + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _mapped_bytes() -> int:
    try:
        with open(f"/proc/{os.getpid()}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _stop(child) -> None:
    """Kill the child and whatever it started (its process group), then reap it."""
    if child.is_alive():
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except OSError:  # not a group leader (or already gone): the child alone
            child.kill()
    child.join(_KILL_GRACE_SECONDS)
