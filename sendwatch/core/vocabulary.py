"""The closed vocabularies sendwatch shares with its users and other tools.

Each vocabulary is written once, as a ``Literal`` type; its tuple (for loops, click choices and
messages) is derived from it with ``get_args``. Config fields, model columns, dataclasses and
function signatures use the types, so the type checker holds every spelling in the code to the
one written here. The order of ``STATUSES`` is seriousness, least serious first.
"""

from __future__ import annotations

from typing import Literal, get_args

# What the papers say about one council's own position, least serious first.
Status = Literal[
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
]
STATUSES: tuple[Status, ...] = get_args(Status)

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
    **dict.fromkeys(STATUSES[STATUSES.index("sv_negotiating") :], 3),
}

# What a sentence of evidence is: a statement of the council's position, or a risk or
# hypothetical (shown, never deciding).
EvidenceKind = Literal["signal", "warning"]
EVIDENCE_KINDS: tuple[EvidenceKind, ...] = get_args(EvidenceKind)

# Evidence decides a status only as a signal at or above this confidence: the same bar for a
# document's verdict (extractors) and for the status history built from evidence (alerts).
MIN_CONFIDENCE = 0.45

Platform = Literal["moderngov", "cmis", "listing"]
PLATFORMS: tuple[Platform, ...] = get_args(Platform)

# How one crawl of a council ended.
CrawlOutcome = Literal["ok", "empty", "blocked", "failing"]
CRAWL_OUTCOMES: tuple[CrawlOutcome, ...] = get_args(CrawlOutcome)

# A council's crawl health as people see it (``sendwatch.core.health``): its last crawl's outcome,
# or why there is none.
CrawlHealth = Literal["ok", "empty", "blocked", "failing", "never_checked", "disabled"]
CRAWL_HEALTHS: tuple[CrawlHealth, ...] = get_args(CrawlHealth)

# What a council with no programme news is, said plainly by its health: checked and quiet is
# news of a kind; never checked, failing or blocked is not (``formatting.status_words``).
QUIET_WORDS: dict[str, str] = {
    "ok": "Checked: no programme news",
    "empty": "Checked: no papers found",
    "blocked": "Not read: blocked by robots.txt",
    "failing": "Not read: crawl failing",
    "never_checked": "Not checked yet",
    "disabled": "Not watched",
}
# Beside a status found earlier, what the latest crawl says about it now.
HEALTH_NOTES: dict[str, str] = {
    "ok": "",
    "empty": "last check found no papers",
    "blocked": "last check blocked by robots.txt",
    "failing": "last check failed",
    "never_checked": "not checked yet",
    "disabled": "no longer watched",
}

# What a spider reports beside its findings: an error, a refusal (at the entry point: the
# council is blocked), or a note on something it worked around (a fallback taken).
ProblemKind = Literal["error", "blocked", "note"]
PROBLEM_KINDS: tuple[ProblemKind, ...] = get_args(ProblemKind)

TextState = Literal["pending", "ok", "encrypted", "corrupt", "needs_ocr", "timed_out", "too_large", "unsupported"]
TEXT_STATES: tuple[TextState, ...] = get_args(TextState)

# Where a stored page's text came from: the file's own text, OCR of a scanned page, a scanned
# page waiting for OCR (Tesseract missing: read once it is installed), or a scan OCR could not
# read in its time (not retried until the document or the extractor changes).
PageSource = Literal["text", "ocr", "needs_ocr", "ocr_failed"]
PAGE_SOURCES: tuple[PageSource, ...] = get_args(PageSource)

# ``exempt``: the platform marks the paper restricted (exempt from publication); it is recorded,
# never fetched.
FetchState = Literal["pending", "ok", "not_modified", "too_large", "error", "blocked", "gone", "exempt"]
FETCH_STATES: tuple[FetchState, ...] = get_args(FetchState)

# What a paper is (``Document.kind``), decided from its bytes first (``sendwatch.core.formats``).
# Read into text: pdf ... image. Recognised but not read (recorded ``unsupported``, or
# ``encrypted`` for a password-protected Office file): pptx ... office_encrypted. ``other``:
# fetched, of no format sendwatch knows. ``unknown`` is only ever the hint of a link that names
# no format (CMIS ``Document.ashx``) before the paper is fetched.
DocumentKind = Literal[
    "pdf", "html", "docx", "doc", "odt", "rtf", "xlsx", "xls", "ods", "csv", "text", "image",
    "pptx", "ppt", "odp", "odf", "zip", "ole", "office_encrypted",
    "other", "unknown",
]  # fmt: skip
DOCUMENT_KINDS: tuple[DocumentKind, ...] = get_args(DocumentKind)

Frequency = Literal["immediate", "weekly"]
FREQUENCIES: tuple[Frequency, ...] = get_args(Frequency)

# Where a subscription came from.
SubscriberSource = Literal["config", "cli", "web"]
SUBSCRIBER_SOURCES: tuple[SubscriberSource, ...] = get_args(SubscriberSource)

# What an outbox message is, and the states a row is stored in (``alerts.mailq`` shows them to
# operators as ``MAIL_STATES``).
MessageKind = Literal["alert", "digest", "confirm"]
MESSAGE_KINDS: tuple[MessageKind, ...] = get_args(MessageKind)
OutboxState = Literal["pending", "claimed", "sending", "sent", "failed", "ambiguous", "suppressed"]
OUTBOX_STATES: tuple[OutboxState, ...] = get_args(OutboxState)

CycleState = Literal["running", "done", "interrupted"]
CYCLE_STATES: tuple[CycleState, ...] = get_args(CycleState)


def standing_tier(status: str) -> int:
    """How specific a status is (see ``STANDING_TIER``); unknown statuses rank lowest."""
    return STANDING_TIER.get(status, -1)


def seriousness(status: str) -> int:
    """Rank of a status for "most serious wins" decisions (the order of ``STATUSES``).

    The order is the one the team's interfaces fix: ``sv_completed`` is the last stage of the
    programme and so outranks everything that can come before it.
    """
    return STATUSES.index(status) if status in STATUSES else -1


# The distributed executor's units of work, and where each task stands in the ``tasks`` table.
TaskKind = Literal["crawl", "read", "send", "noop"]
TASK_KINDS: tuple[TaskKind, ...] = get_args(TaskKind)
TaskState = Literal["queued", "running", "done", "failed", "cancelled"]
TASK_STATES: tuple[TaskState, ...] = get_args(TaskState)
