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


def extract_text_isolated(
    path: Path | str,
    kind: str | None = None,
    *,
    timeout_seconds: float = 120.0,
    memory_mb: int = 1024,
    engine: str = "pdfium",
    max_pages: int = 2000,
) -> TextResult:
    """``extract_text`` in a child process bounded in time and memory."""
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child_main,
        args=(sender, str(path), kind, engine, max_pages, memory_mb),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout_seconds):
            _stop(child)
            return TextResult("timed_out", error=f"text extraction took longer than {timeout_seconds:g} s")
        try:
            state, pages, error, used = receiver.recv()
        except EOFError:
            child.join(_KILL_GRACE_SECONDS)
            code = child.exitcode
            return TextResult("corrupt", error=f"the reader process died (exit code {code}) on this document")
        return TextResult(state, pages, error, used)
    finally:
        receiver.close()
        _stop(child)


def _child_main(sender, path: str, kind: str | None, engine: str, max_pages: int, memory_mb: int) -> None:  # type: ignore[no-untyped-def]
    """Runs in the child: bound memory, read, send one answer back."""
    _limit_memory(memory_mb)
    try:
        result = extract_text(path, kind, engine=engine, max_pages=max_pages)
        answer = (result.state, result.pages, result.error, result.engine)
    except MemoryError:
        answer = ("too_large", [], f"reading needed more than {memory_mb} MB of memory", None)
    except Exception as error:  # any library failure becomes a recorded state, never a crash upstream
        answer = ("corrupt", [], f"{type(error).__name__}: {error}", None)
    try:
        sender.send(answer)
    except MemoryError:
        sender.send(("too_large", [], f"the text needed more than {memory_mb} MB of memory", None))
    finally:
        sender.close()


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
