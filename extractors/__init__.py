"""Extractors: text from council papers, page by page, and what it says about the council.

Public API:
    analyse_pages(pages, council_names) -> Analysis  (verdict, confidence, evidence, figures)
    extractors.pipeline.extract_documents(config, database, slugs=None, reprocess=False)
    extractors.evaluate.evaluate_corpus(directory) -> Scores

``EXTRACTOR_VERSION`` changes whenever rules or text handling change, so stored documents are
re-read with the new version.
"""

from extractors.analyse import Analysis, analyse_pages
from extractors.money import Money
from extractors.reading import Signal

EXTRACTOR_VERSION = "2026.12.13"

__all__ = ["EXTRACTOR_VERSION", "Analysis", "Money", "Signal", "analyse_pages"]
