"""The closed vocabularies sendwatch shares with its users and other tools.

Kept in one place so that the extractor, the status model, the templates and the CLI can never
disagree on a spelling. The order of ``STATUSES`` is seriousness, least serious first.
"""

from __future__ import annotations

STATUSES: tuple[str, ...] = (
    "none",
    "deficit_only",
    "dbv",
    "sv_negotiating",
    "sv_agreed",
    "sv_on_track",
    "sv_off_track",
    "ems",
    "payment_withheld",
    "sv_completed",
)

STATUS_LABELS: dict[str, str] = {
    "none": "No programme news",
    "deficit_only": "Deficit reported",
    "dbv": "Delivering Better Value",
    "sv_negotiating": "Safety valve: negotiating",
    "sv_agreed": "Safety valve: agreed",
    "sv_on_track": "Safety valve: on track",
    "sv_off_track": "Safety valve: off track",
    "ems": "Enhanced monitoring and support",
    "payment_withheld": "Safety valve payments withheld",
    "sv_completed": "Safety valve: completed",
}

# How specific a status is about the council's standing. Papers keep mentioning the deficit and
# DBV work long after a council joins the safety valve programme; such background does not
# undo a more specific standing: a later budget paper that only says "the DSG deficit is £40m"
# leaves a council "on track" where it was. Within the safety valve tier the latest paper
# decides, so "back on track" is still a change.
STANDING_TIER: dict[str, int] = {
    "none": 0,
    "deficit_only": 1,
    "dbv": 2,
    **{status: 3 for status in ("sv_negotiating", "sv_agreed", "sv_on_track", "sv_off_track", "ems", "payment_withheld", "sv_completed")},
}

PLATFORMS: tuple[str, ...] = ("moderngov", "cmis", "listing")

CRAWL_OUTCOMES: tuple[str, ...] = ("ok", "empty", "blocked", "failing")

TEXT_STATES: tuple[str, ...] = ("pending", "ok", "encrypted", "corrupt", "needs_ocr", "timed_out", "too_large", "unsupported")

# Where a stored page's text came from: the file's own text, OCR of a scanned page, a scanned
# page waiting for OCR (Tesseract missing: read once it is installed), or a scan OCR could not
# read in its time (not retried until the document or the extractor changes).
PAGE_SOURCES: tuple[str, ...] = ("text", "ocr", "needs_ocr", "ocr_failed")

# ``exempt``: the platform marks the paper restricted (exempt from publication); it is recorded, never fetched.
FETCH_STATES: tuple[str, ...] = ("pending", "ok", "not_modified", "too_large", "error", "blocked", "gone", "exempt")

# What a paper is (``Document.kind``), decided from its bytes first (``sendwatch.core.formats``).
# Read into text: pdf ... image. Recognised but not read (recorded ``unsupported``, or
# ``encrypted`` for a password-protected Office file): pptx ... office_encrypted. ``other``: fetched,
# of no format sendwatch knows. ``unknown`` is only ever the hint of a link that names no format
# (CMIS ``Document.ashx``) before the paper is fetched.
DOCUMENT_KINDS: tuple[str, ...] = (
    "pdf", "html", "docx", "doc", "odt", "rtf", "xlsx", "xls", "ods", "csv", "text", "image",
    "pptx", "ppt", "odp", "odf", "zip", "ole", "office_encrypted",
    "other", "unknown",
)

FREQUENCIES: tuple[str, ...] = ("immediate", "weekly")

OUTBOX_STATES: tuple[str, ...] = ("pending", "sending", "sent", "failed", "ambiguous", "suppressed")


def standing_tier(status: str) -> int:
    """How specific a status is (see ``STANDING_TIER``); unknown statuses rank lowest."""
    return STANDING_TIER.get(status, -1)


def seriousness(status: str) -> int:
    """Rank of a status for "most serious wins" decisions (the order of ``STATUSES``).

    The order is the one the team's interfaces fix: ``sv_completed`` is the last stage of the
    programme and so outranks everything that can come before it.
    """
    return STATUSES.index(status) if status in STATUSES else -1
