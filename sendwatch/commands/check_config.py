"""``sendwatch check-config``: validate the config file and summarise it."""

from __future__ import annotations

import json
from collections import Counter

import click

from sendwatch.core.config import Config


def summarise(config: Config) -> list[str]:
    """Human lines describing what a valid config will do."""
    enabled = config.enabled_councils
    platforms = Counter(council.platform for council in enabled)
    disabled = len(config.councils) - len(enabled)
    by_platform = ", ".join(f"{count} {platform}" for platform, count in sorted(platforms.items())) or "none"
    frequencies = Counter(subscriber.frequency for subscriber in config.subscribers)
    mail = config.mail
    mail_line = f"smtp via {mail.host}:{mail.port}" if mail.transport == "smtp" else f"files in {config.resolve(mail.outbox_dir)}"
    return [
        f"councils: {len(config.councils)} configured, {len(enabled)} enabled ({by_platform}), {disabled} disabled",
        f"subscribers: {len(config.subscribers)} in the file"
        + (f" ({', '.join(f'{n} {f}' for f, n in sorted(frequencies.items()))})" if frequencies else ""),
        f"database: {config.database}",
        f"documents stored in: {config.documents_root}",
        f"mail: {mail_line}",
        f"schedule: cycle '{config.schedule.cycle}', digest '{config.schedule.digest}' ({config.schedule.timezone}); "
        f"next cycle {_when(config.schedule.next_run('cycle'))}, next digest {_when(config.schedule.next_run('digest'))}",
        f"crawl: delay {config.crawl.download_delay}s per site, robots.txt {'obeyed' if config.crawl.obey_robots else 'IGNORED'}, "
        f"window {config.crawl.window_days_back} days back to {config.crawl.window_days_ahead} ahead",
        f"crawl at once: {_sites_at_once(config)}, in {config.crawl.workers or 'one per core'} worker process"
        f"{'es' if config.crawl.workers != 1 else ''} of at most {config.crawl.councils_per_worker} councils each",
    ]


def _sites_at_once(config: Config) -> str:
    cap = config.crawl.parallel_councils
    return "every site" if cap is None else f"at most {cap} site{'s' if cap != 1 else ''}"


def _when(moment) -> str:
    return moment.strftime("%a %d %b %Y %H:%M %Z") if moment else "never"


@click.command("check-config")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the file, whether it is valid, the summary).")
@click.pass_obj
def check_config(runtime, as_json: bool) -> None:
    """Validate the config file and summarise what it configures.

    Exits 2 with one line per problem (file:line: key: message) when it is invalid.

    Example: sendwatch --config config.yaml check-config
    """
    config = runtime.config
    if as_json:
        click.echo(json.dumps({"config": str(runtime.config_path), "valid": True, "summary": summarise(config)}, indent=2))
        return
    click.echo(f"{runtime.config_path}: valid")
    for line in summarise(config):
        click.echo(f"  {line}")
