"""Structured logs: one line per event, as ``key=value`` text or as JSON.

Loggers are given an ``event`` name and fields through ``extra={...}``; this formatter prints
them all on one line so a log can be grepped by a person or parsed by a machine.
"""

from __future__ import annotations

import json
import logging
import sys

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _fields(record: logging.LogRecord) -> dict[str, object]:
    return {key: value for key, value in vars(record).items() if key not in _STANDARD}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        parts = [self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), record.levelname.lower(), record.getMessage()]
        parts += [
            f"{key}={json.dumps(value, default=str) if not isinstance(value, (int, float)) else value}"
            for key, value in _fields(record).items()
            if key != "event"
        ]
        text = " ".join(parts)
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def configure(json_lines: bool = False, level: int = logging.INFO) -> None:
    """Send sendwatch's logs to stderr, one line per event."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else KeyValueFormatter())
    root = logging.getLogger("sendwatch")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
