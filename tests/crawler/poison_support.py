"""A Scrapy spider middleware that crashes its crawl process on a demo "poison" page.

It stands in for a native parser's bug meeting hostile bytes (a segmentation fault): the
process dies at once, with no Python exception to catch, taking every council it was crawling
with it. Tests pass it to ``crawl_councils`` through ``extra_settings``.
"""

from __future__ import annotations

import ctypes
from typing import Any

from sendwatch.demo.site import POISON_HEADER

CRASH_ON_POISON = {"SPIDER_MIDDLEWARES": {"tests.crawler.poison_support.CrashOnPoison": 10}}


class CrashOnPoison:
    def process_spider_input(self, response: Any, spider: Any = None) -> None:
        if response.headers.get(POISON_HEADER):
            ctypes.string_at(0)  # reads address 0: SIGSEGV
