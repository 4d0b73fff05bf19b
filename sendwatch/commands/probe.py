"""``sendwatch probe``: what sendwatch finds on a council's site, without storing anything."""

from __future__ import annotations

import json

import click

from crawler.probe import ProbeReport, probe_site
from crawler.variants import VARIANTS
from sendwatch.commands.choosing import council_slugs
from sendwatch.core.config import Config
from sendwatch.core.vocabulary import PLATFORMS

_SHOWN_MEETINGS = 12


@click.command()
@click.argument("url", required=False)
@click.option("--council", "slug", metavar="SLUG", help="Probe a configured council (its platform, URL and patterns).")
@click.option("--platform", type=click.Choice(PLATFORMS), help="Skip detection: the site runs this platform.")
@click.option(
    "--committee",
    "committees",
    multiple=True,
    metavar="REGEX",
    help="Committee title pattern (repeatable; default the config's default, the schools forum).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout and nothing else.")
@click.option("--log-level", default=None, metavar="LEVEL", help="Show Scrapy's own log at this level, for debugging.")
@click.pass_obj
def probe(
    runtime,
    url: str | None,
    slug: str | None,
    platform: str | None,
    committees: tuple[str, ...],
    as_json: bool,
    log_level: str | None,
) -> None:
    """Show what sendwatch finds on a council's site: platform and variant, committees (and which
    the patterns select), meetings since crawl.since, papers by format, the robots.txt verdict
    and what a first crawl would fetch.

    The site is walked as a first crawl would walk it, just as politely, but papers are not
    downloaded and nothing is stored: no database, no files. Crawl settings come from the
    config file when there is one. Exits 1 when the site could not be read (unreachable,
    refused by robots.txt, or no platform recognised).

    Example: sendwatch probe https://democracy.example.gov.uk/ --json
    """
    if bool(url) == bool(slug):
        raise click.UsageError("give a URL or --council SLUG (one of them)")
    runtime.validate_if_present()
    config = runtime.config if runtime.config_path.exists() else Config()
    council = None
    if slug:
        [slug] = council_slugs(config, [slug])
        council = config.council(slug)
        if not council.platform or not council.url:
            raise click.ClickException(f"council {slug!r} has no platform or url to probe")
    address = url or (council.url if council else None)
    if not address:
        raise click.UsageError("give a URL or --council SLUG (one of them)")
    try:
        report = probe_site(
            address, config.crawl, platform=platform, committees=list(committees) or None, council=council, log_level=log_level
        )
    except (TimeoutError, RuntimeError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2) if as_json else render(report))
    if report.outcome in ("failing", "blocked") and not (report.meetings or report.papers):
        raise click.exceptions.Exit(1)


def render(report: ProbeReport) -> str:
    """The report as a reader takes it in: one labelled line or block per question."""
    lines = [
        f"Probe of {report.url}",
        *_block("platform", f"{report.platform or 'unknown'} ({report.detected_by})", []),
        *_block("robots.txt", f"{report.robots}: {report.robots_detail}", []),
    ]
    lines += _block(
        "variants",
        "",
        [f"{code}: {VARIANTS.get(code, '')}" + (f" [{detail}]" if detail else "") for code, detail in report.variants.items()]
        or ["the usual shapes"],
    )
    selected = [c for c in report.committees if c.selected]
    lines += _block(
        "committees",
        f"{len(report.committees)} seen, {len(selected)} selected by {', '.join(report.patterns)}",
        [f"{'*' if c.selected else ' '} {c.external_id:>6}  {c.title}" for c in report.committees],
    )
    in_window = [m for m in report.meetings if m.in_window]
    shown = [
        f"{m.date.isoformat() if m.date else '(no date)'}  {m.external_id:>6}  {m.title or ''}"
        + (f"  [{m.status}]" if m.status and m.status.lower() not in ("confirmed", "scheduled") else "")
        + ("" if m.in_window else "  (before the window)")
        for m in report.meetings[:_SHOWN_MEETINGS]
    ]
    if len(report.meetings) > _SHOWN_MEETINGS:
        shown.append(f"... and {len(report.meetings) - _SHOWN_MEETINGS} more (--json lists them all)")
    lines += _block(
        "meetings",
        f"{len(report.meetings)} since {report.since.isoformat()}, {len(in_window)} in the window "
        f"{report.window[0].isoformat()} to {report.window[1].isoformat()}",
        shown,
    )
    formats = ", ".join(f"{kind} {count}" for kind, count in report.papers_by_format.items()) or "none"
    lines += _block(
        "papers",
        f"{len(report.to_fetch)} to fetch ({formats}); {len(report.exempt)} exempt, left alone; "
        f"{report.item_texts} item texts read from the pages",
        [],
    )
    lines += _block(
        "a crawl",
        f"would fetch {report.pages} pages and {len(report.to_fetch)} papers (this probe sent {report.requests} requests)",
        [],
    )
    lines += _block("outcome", report.outcome + (f": {report.reason}" if report.reason else ""), [])
    lines += _block("problems", "", report.problems or ["none"])
    return "\n".join(lines)


def _block(label: str, summary: str, rows: list[str]) -> list[str]:
    """A labelled block: the summary on the label's line (or the first row, without one), rows beneath."""
    head, *rest = ([summary] if summary else []) + rows or [""]
    return [f"  {label:<10}  {head}"] + [f"{'':14}{row}" for row in rest]
