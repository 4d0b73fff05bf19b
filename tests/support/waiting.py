"""Waiting for a condition in tests: re-checked on a short tick, failing after a timeout, never a fixed sleep."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, message: str = "condition") -> None:
    """Return as soon as ``condition()`` holds; fail the test if it does not within ``timeout`` s."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        tick.wait(0.02)
