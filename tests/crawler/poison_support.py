"""Scrapy spider middlewares that break their crawl process on a demo "poison" page.

They stand in for a parser's bug meeting hostile bytes: ``CrashOnPoison`` as a segmentation
fault in native code (the process dies at once, with no Python exception to catch, taking
every council it was crawling with it), ``SpinOnPoison`` as a loop that never ends (the
process lives, but its reactor, and so every council in it, stands still). Tests pass them to
``crawl_councils`` through ``extra_settings``.
"""

from __future__ import annotations

import ctypes
from typing import Any

from sendwatch.demo.site import POISON_HEADER

CRASH_ON_POISON = {"SPIDER_MIDDLEWARES": {"tests.crawler.poison_support.CrashOnPoison": 10}}
SPIN_ON_POISON = {"SPIDER_MIDDLEWARES": {"tests.crawler.poison_support.SpinOnPoison": 10}}


class CrashOnPoison:
    def process_spider_input(self, response: Any, spider: Any = None) -> None:
        if response.headers.get(POISON_HEADER):
            ctypes.string_at(0)  # reads address 0: SIGSEGV


class SpinOnPoison:
    def process_spider_input(self, response: Any, spider: Any = None) -> None:
        while response.headers.get(POISON_HEADER):
            pass
