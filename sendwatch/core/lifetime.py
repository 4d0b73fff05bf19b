"""Processes that end together: children never outlive the sendwatch process that started them,
and SIGTERM (``timeout``, systemd) cleans up like Ctrl-C instead of leaving locks behind.

Why: a crawl or reader child whose parent was killed keeps working for nobody (a crawl child
would even commit after its parent died), holds hundreds of MB, and keeps its siblings' pipes
open. On Linux a child asks the kernel for SIGKILL when its parent goes (``PR_SET_PDEATHSIG``);
elsewhere the child's own loop notices the parent is gone (``parent_alive``).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from collections.abc import Iterator

_PR_SET_PDEATHSIG = 1


def die_with_parent(expected_parent: int | None = None) -> None:
    """Ask to be killed when the parent process exits; exit now if it already has.

    ``expected_parent`` is the parent's pid as seen before the fork (``os.getppid()`` in the
    child at its start is fine): if the parent died before the request took effect, the child
    has already been re-parented and must not go on alone.
    """
    parent = expected_parent if expected_parent is not None else os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: parent_alive() checks remain
            pass
    if os.getppid() != parent:
        os._exit(1)


def leave_forkserver() -> None:
    """In a child started by multiprocessing's fork server: let go of the server's "alive" pipe.

    Every such child inherits the pipe's write end, and the server only stops (taking its
    children with it, through their parent-death signal) when all write ends are closed: while a
    child holds one, the parent's death reaches nobody. A child that starts no processes of its
    own through the server has no use for it.
    """
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    descriptor = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(descriptor, int):
        with contextlib.suppress(OSError):
            os.close(descriptor)
        server._forkserver_alive_fd = None  # type: ignore[union-attr]


def parent_alive(expected_parent: int) -> bool:
    """Whether the process that started us is still our parent (False once it died)."""
    return os.getppid() == expected_parent


class Terminated(KeyboardInterrupt):
    """SIGTERM received: unwinds like Ctrl-C, so ``finally`` blocks release locks and claims."""


@contextlib.contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """While inside, SIGTERM raises ``Terminated`` in the main thread (elsewhere: no change)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise Terminated(f"stopped by signal {signum}")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
