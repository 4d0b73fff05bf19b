"""Imported once by the fork server so every council's child process starts with Scrapy warm.

Scrapy imports its middlewares, extensions and download handlers lazily, when a crawler is
built: about 1.5 s per child, more than a small council's whole crawl. Importing them here,
before the fork, makes that cost paid once. Nothing here installs a Twisted reactor (each child
installs its own).
"""

from __future__ import annotations

from scrapy.settings import default_settings
from scrapy.utils.misc import load_object


def component_paths() -> set[str]:
    """Dotted paths of the components Scrapy's default settings name."""
    paths: set[str] = set()
    for name in dir(default_settings):
        value = getattr(default_settings, name)
        if isinstance(value, dict):
            paths |= {key for key in value if isinstance(key, str) and key.startswith("scrapy.")}
            paths |= {item for item in value.values() if isinstance(item, str) and item.startswith("scrapy.")}
        elif isinstance(value, str) and value.startswith("scrapy.") and value.count(".") >= 2:
            paths.add(value)
    return paths


def warm_up() -> None:
    for path in sorted(component_paths()):
        try:
            load_object(path)
        except Exception:  # an optional component whose dependency is missing: the child will say so
            continue


warm_up()
