"""Item pipeline: store each fetched body once by SHA-256 and keep only its hash and path.

Reads the ``SENDWATCH_DATA_DIR`` setting (the absolute data folder).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.exceptions import NotConfigured

from crawler.files import store_body
from crawler.items import DocumentFound


class BodyStorePipeline:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir

    @classmethod
    def from_crawler(cls, crawler: Any) -> BodyStorePipeline:
        data_dir = crawler.settings.get("SENDWATCH_DATA_DIR")
        if not data_dir:
            raise NotConfigured("SENDWATCH_DATA_DIR is not set")
        return cls(Path(data_dir))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, DocumentFound) and item.body is not None:
            item.sha256, path = store_body(self.data_dir, item.body, item.kind)
            item.file_path = str(path)
            item.size_bytes = len(item.body)
            item.body = None
        return item
