"""Item pipeline: store each fetched body once by SHA-256 and keep only its hash and path.

Reads the ``SENDWATCH_DATA_DIR`` setting (the absolute data folder, or an object store's URL)
and ``SENDWATCH_DATA_OPTIONS`` (the store's options, ``data_options`` in the config).
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured

from crawler.items import DocumentFound
from sendwatch.core.documents import DocumentStore


class BodyStorePipeline:
    def __init__(self, store: DocumentStore):
        self.store = store

    @classmethod
    def from_crawler(cls, crawler: Any) -> BodyStorePipeline:
        data_dir = crawler.settings.get("SENDWATCH_DATA_DIR")
        if not data_dir:
            raise NotConfigured("SENDWATCH_DATA_DIR is not set")
        return cls(DocumentStore(data_dir, crawler.settings.getdict("SENDWATCH_DATA_OPTIONS")))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, DocumentFound) and item.body is not None:
            item.sha256, item.file_path = self.store.put(item.body, item.kind)
            item.size_bytes = len(item.body)
            item.body = None
        return item
