"""Who holds something (the cycle lock, a batch of outbox rows), and whether they are provably gone.

A holder is written as ``host:pid:start:node:token``: the host name and process id people read,
the process's start time (so a reused pid is not mistaken for the holder), a short id of the
kernel and pid namespace it runs in (two containers may share a host name), and a random token
(two holders in one process differ). A holder on this machine whose process is gone is dead *now*:
what it held can be taken over at once, with no lease to wait for. A holder elsewhere can only be
judged by its lease.
"""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    start: str
    node: str
    token: str

    @property
    def label(self) -> str:
        """What a person reads: ``host:pid``."""
        return f"{self.host}:{self.pid}"

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.start}:{self.node}:{self.token}"


def new_holder() -> str:
    """A fresh holder string for this process."""
    pid = os.getpid()
    return str(Holder(socket.gethostname(), pid, _start_time(pid) or "-", _node(), uuid.uuid4().hex[:8]))


def parse_holder(text: str | None) -> Holder | None:
    """The holder a string names, or None for a string of another shape (an older sendwatch's)."""
    if not text:
        return None
    parts = text.rsplit(":", 4)
    if len(parts) == 5 and parts[1].isdigit():
        return Holder(parts[0], int(parts[1]), parts[2], parts[3], parts[4])
    parts = text.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit():  # host:pid:token, from sendwatch before this form
        return Holder(parts[0], int(parts[1]), "-", "-", parts[2])
    return None


def holder_label(text: str | None) -> str:
    """``host:pid`` for a holder string, or the string itself when it has another shape."""
    holder = parse_holder(text)
    return holder.label if holder else (text or "unknown")


def is_local(text: str | None) -> bool:
    """Whether the holder runs on this machine (same host name, kernel and pid namespace)."""
    holder = parse_holder(text)
    # An older holder string has no node: its host name is all there is to go by.
    return holder is not None and holder.host == socket.gethostname() and holder.node in (_node(), "-")


def is_dead(text: str | None) -> bool:
    """True only when the holder is provably gone: on this machine, and its process is not running."""
    holder = parse_holder(text)
    if holder is None or not is_local(text):
        return False
    if not _pid_running(holder.pid):
        return True
    started = _start_time(holder.pid)
    return holder.start != "-" and started is not None and started != holder.start


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return _state(pid) != "Z"  # a zombie has finished; only its exit status remains


def _state(pid: int) -> str | None:
    fields = _stat_fields(pid)
    return fields[0] if fields else None


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), else None."""
    fields = _stat_fields(pid)
    return fields[19] if fields and len(fields) > 19 else None


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name (which may hold spaces and parentheses)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


@lru_cache(maxsize=1)
def _node() -> str:
    """A short id of this kernel boot and pid namespace; '-' where neither can be read."""
    parts = []
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            parts.append(handle.read().strip())
    except OSError:
        pass
    try:
        parts.append(str(os.stat("/proc/self/ns/pid").st_ino))
    except OSError:
        pass
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:8] if parts else "-"
