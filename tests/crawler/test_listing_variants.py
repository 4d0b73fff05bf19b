"""Listing pages linking Word and HTML papers whose download script sends no validators."""

from __future__ import annotations

import datetime as dt

import pytest
from crawl_support import rows
from variant_support import crawl_twice, start_site

from sendwatch.core.storage.models import Document


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = start_site("westshire", "listing", {"non_pdf_papers"}, dt.date.today())
    yield crawl_twice(site, "westshire", tmp_path_factory.mktemp("westshire"))
    site.stop()


def test_word_html_and_pdf_papers_are_each_stored_as_what_they_are(crawled):
    assert {d.kind for d in rows(crawled.config, Document)} == {"pdf", "html", "docx"}


def test_papers_without_validators_are_not_downloaded_again(crawled):
    assert crawled.second.outcome == "ok"
    assert sum(crawled.second_bodies.values()) == 0, crawled.second_bodies


def test_pdfs_with_validators_are_still_revalidated(crawled):
    asked = [path for path in crawled.second_requests if path.endswith(".pdf")]
    assert asked and not [path for path in asked if crawled.second_bodies[path]]
