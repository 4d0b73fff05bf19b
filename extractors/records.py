"""Frozen records that pickle and copy alike whether their module is compiled or not.

Compiled by mypyc (``SENDWATCH_COMPILE=1``, see setup.py), a frozen dataclass is a native
class without a ``__dict__``: pickle and ``copy`` would restore it by setting its fields one by
one, which its frozen ``__setattr__`` refuses, so a reading could not come back from the
isolated reader process. Rebuilt through their constructor instead, such records come back
equal in both builds. A record using this has every field in its constructor (no
``init=False``) and no ``__post_init__``.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any


def rebuilt_by_constructor(record: Any) -> tuple[type, tuple[Any, ...]]:
    """A frozen dataclass's ``__reduce__``: its class and its fields' values, in order."""
    return type(record), tuple(getattr(record, field.name) for field in fields(record))
