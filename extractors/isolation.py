"""Text extraction with a time and memory bound per document, isolated from the caller.

PDF libraries can loop for minutes or swallow gigabytes on a hostile or broken file, and a
crash in native code would take the whole cycle down. Each document is therefore read in a
child process: it gets ``memory_mb`` of address space beyond what it starts with and
``timeout_seconds`` of wall time; a child that overruns is killed and the document recorded as
``timed_out``, one that runs out of memory as ``too_large``, one that crashes as ``corrupt``.
The caller only ever gets a ``TextResult``.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from extractors.text_html import html_to_text
from extractors.text_pdf import read_pdf
from sendwatch.lifetime import die_with_parent

_KILL_GRACE_SECONDS = 5.0


@dataclass
class TextResult:
    """A document's text, page by page, and the state of the extraction."""

    state: str
    pages: list[str] = field(default_factory=list)
    error: str | None = None
    engine: str | None = None

    @property
    def char_count(self) -> int:
        return sum(len(page) for page in self.pages)


def sniff_kind(path: Path, declared: str | None) -> str:
    """'pdf', 'html' or 'unsupported', from the file's first bytes and the declared kind."""
    with open(path, "rb") as handle:
        head = handle.read(2048)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    lowered = head.lstrip().lower()
    if declared in ("html", "minutes") or lowered.startswith((b"<", b"\xef\xbb\xbf<")) or b"&lt;p" in lowered:
        return "html"
    if declared == "pdf":
        return "pdf"  # declared PDF without a PDF header: the PDF reader reports it as corrupt
    if declared in ("txt", "text") or (head and all(b >= 9 for b in head[:512])):
        return "text"
    return "unsupported"


def extract_text(path: Path | str, kind: str | None = None, *, engine: str = "pdfium", max_pages: int = 2000) -> TextResult:
    """Read a stored document in this process (no bounds); see ``extract_text_isolated``."""
    path = Path(path)
    if not path.exists():
        return TextResult("corrupt", error=f"stored file missing: {path}")
    detected = sniff_kind(path, kind)
    if detected == "pdf":
        result = read_pdf(path, engine=engine, max_pages=max_pages)
        return TextResult(result.state, result.pages, result.error, result.engine)
    if detected == "html":
        return TextResult("ok", [html_to_text(path.read_bytes())], None, "html")
    if detected == "text":
        return TextResult("ok", [path.read_text(encoding="utf-8", errors="replace")], None, "text")
    return TextResult("unsupported", error=f"not a PDF or HTML document (declared kind {kind!r})")


class IsolatedReader:
    """A reader child process, reused document after document, replaced whenever it fails.

    Forking a fresh child per document costs tens of milliseconds; a backlog of tens of
    thousands of packs would spend longer forking than reading. One child therefore reads
    document after document. It is killed and replaced when a document overruns its time,
    after it ran out of memory or crashed, and every ``recycle_after`` documents so that
    fragmentation never accumulates. Not thread-safe: one reader per thread.
    """

    def __init__(self, *, timeout_seconds: float = 120.0, memory_mb: int = 1024, engine: str = "pdfium",
                 max_pages: int = 2000, recycle_after: int = 200):
        self.timeout_seconds = timeout_seconds
        self.memory_mb = memory_mb
        self.engine = engine
        self.max_pages = max_pages
        self.recycle_after = recycle_after
        self._context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self._child = None
        self._connection = None
        self._served = 0

    def read(self, path: Path | str, kind: str | None = None) -> TextResult:
        """The document's text, or the state saying why there is none."""
        if self._child is None or not self._child.is_alive() or self._served >= self.recycle_after:
            self._restart()
        self._served += 1
        try:
            self._connection.send((str(path), kind))
            if not self._connection.poll(self.timeout_seconds):
                self.close()
                return TextResult("timed_out", error=f"text extraction took longer than {self.timeout_seconds:g} s")
            state, pages, error, used = self._connection.recv()
        except (EOFError, OSError):
            code = self._stop_child()
            return TextResult("corrupt", error=f"the reader process died (exit code {code}) on this document")
        if state == "too_large":
            self.close()  # a child that hit its memory bound starts afresh
        return TextResult(state, pages, error, used)

    @property
    def pid(self) -> int | None:
        """The current child's process id (None before the first read or after a failure)."""
        return self._child.pid if self._child is not None else None

    def close(self) -> None:
        """Stop the child (a new one starts on the next read)."""
        self._stop_child()

    def __enter__(self) -> "IsolatedReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _restart(self) -> None:
        self._stop_child()
        parent, child_end = self._context.Pipe(duplex=True)
        # A forked child gets a copy of our end of the pipe too; it closes it at once, so that
        # our death reaches it as end-of-file (and, on Linux, as a parent-death SIGKILL).
        inherited = parent if self._context.get_start_method() == "fork" else None
        self._child = self._context.Process(
            target=_child_main, args=(child_end, self.engine, self.max_pages, self.memory_mb, inherited, os.getpid()),
            daemon=True,
        )
        self._child.start()
        child_end.close()
        self._connection = parent
        self._served = 0

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
) -> TextResult:
    """``extract_text`` of one document in a child process bounded in time and memory."""
    with IsolatedReader(timeout_seconds=timeout_seconds, memory_mb=memory_mb, engine=engine, max_pages=max_pages) as reader:
        return reader.read(path, kind)


def _child_main(connection, engine: str, max_pages: int, memory_mb: int, inherited=None,  # type: ignore[no-untyped-def]
                parent: int | None = None) -> None:
    """Runs in the child: bound memory, then answer one request after another until told to stop."""
    if inherited is not None:
        inherited.close()
    die_with_parent(parent)
    _limit_memory(memory_mb)
    while True:
        try:
            path, kind = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            result = extract_text(path, kind, engine=engine, max_pages=max_pages)
            answer = (result.state, result.pages, result.error, result.engine)
        except MemoryError:
            answer = ("too_large", [], f"reading needed more than {memory_mb} MB of memory", None)
        except Exception as error:  # any library failure becomes a recorded state, never a crash upstream
            answer = ("corrupt", [], f"{type(error).__name__}: {error}", None)
        try:
            connection.send(answer)
        except MemoryError:
            connection.send(("too_large", [], f"the text needed more than {memory_mb} MB of memory", None))
        if answer[0] == "too_large":
            return


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


def _stop(child) -> None:  # type: ignore[no-untyped-def]
    if child.is_alive():
        child.kill()
    child.join(_KILL_GRACE_SECONDS)
