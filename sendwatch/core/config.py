"""Load ``config.yaml`` into plain, validated objects.

Why this module exists: every other part of sendwatch takes a ``Config`` (or a piece of one) as
an argument and never reads files or globals itself. Errors point at the file, line and key, and
say what is allowed, because the people editing this file are reporters, not programmers.

Secrets never live in the file: keys ending in ``_env`` name an environment variable.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import re
import ssl
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from sendwatch.core.addresses import AddressError, check_address
from sendwatch.core.documents import is_url
from sendwatch.core.failures import ConfigError, ConfigIssue
from sendwatch.core.money import to_pence
from sendwatch.core.search.query import QueryError, parse_query
from sendwatch.core.vocabulary import PLATFORMS, STATUSES, Frequency, Platform

# "Schools Forum", "Schools' Forum", "School Forum", "Strategic Schools Forum", "Schools Forum (Sub-group)".
DEFAULT_COMMITTEES = ["schools?'? forum"]
DEFAULT_CONFIG_NAME = "config.yaml"
CONFIG_ENV = "SENDWATCH_CONFIG"


class _Strict(BaseModel):
    """Base for every config section: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Schedule(_Strict):
    cycle: str = "0 */6 * * *"
    digest: str = "0 8 * * MON"
    timezone: str = "Europe/London"
    misfire_grace_seconds: int = Field(default=6 * 3600, ge=0)
    # How often the daemon retries mail that a server deferred (4xx), between cycles.
    retry_mail_minutes: float = Field(default=5, gt=0)

    @field_validator("cycle", "digest")
    @classmethod
    def _five_field_cron(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError(f"{value!r} is not a five-field cron expression (minute hour day month weekday)")
        return value

    @model_validator(mode="after")
    def _schedules_that_fire(self) -> Schedule:
        """Parsed by APScheduler itself, as the daemon will, and each must fire some day."""
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone: {self.timezone!r} is not a time zone name (for example Europe/London)") from None
        for name in ("cycle", "digest"):
            expression = getattr(self, name)
            try:
                trigger = self.trigger(name)
            except ValueError as error:
                raise ValueError(f"{name}: {expression!r} is not a valid cron expression: {error}") from None
            if trigger.get_next_fire_time(None, dt.datetime.now(zone)) is None:
                raise ValueError(f"{name}: {expression!r} never fires (no such date)")
        return self

    def trigger(self, name: str):
        """The APScheduler trigger for the ``cycle`` or ``digest`` schedule."""
        from apscheduler.triggers.cron import CronTrigger

        return CronTrigger.from_crontab(getattr(self, name), timezone=ZoneInfo(self.timezone))

    def next_run(self, name: str, now: dt.datetime | None = None) -> dt.datetime | None:
        """When the ``cycle`` or ``digest`` schedule fires next, in the schedule's time zone."""
        zone = ZoneInfo(self.timezone)
        return self.trigger(name).get_next_fire_time(None, (now or dt.datetime.now(zone)).astimezone(zone))


class Crawl(_Strict):
    obey_robots: bool = True
    download_delay: float = Field(default=1.0, ge=0)
    autothrottle: bool = True
    since: dt.date = dt.date(2023, 1, 1)
    window_days_back: int = Field(default=120, ge=0)
    window_days_ahead: int = Field(default=60, ge=0)
    recheck_old_days: int = Field(default=28, ge=1)
    user_agent: str = "sendwatch/0.1 (+https://github.com/sendwatch/sendwatch)"
    contact: str = "sendwatch@example.org"
    timeout_seconds: float = Field(default=60, gt=0)
    retries: int = Field(default=3, ge=0)
    # Seconds before the first retry of a failed request, doubled for each further retry.
    retry_backoff_seconds: float = Field(default=2.0, ge=0)
    # A 429/503's Retry-After is honoured up to this many seconds; a site asking for longer is left for the next crawl.
    retry_after_max_seconds: float = Field(default=300, ge=0)
    max_html_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    max_pdf_bytes: int = Field(default=60 * 1024 * 1024, gt=0)
    # Sites crawled at once (default: all); each at its own polite pace.
    parallel_councils: int | None = Field(default=None, ge=1)
    # Crawl worker processes (default: one per core), each running many councils at once, and
    # the most councils one worker holds in flight (bounds its memory).
    workers: int | None = Field(default=None, ge=1)
    councils_per_worker: int = Field(default=100, ge=1)
    council_timeout_seconds: float = Field(default=3600, gt=0)
    flag_after_cycles: int = Field(default=3, ge=1)


class Extract(_Strict):
    timeout_seconds: float = Field(default=120, gt=0)
    memory_mb: int = Field(default=1024, ge=64)
    max_pages: int = Field(default=2000, ge=1)
    pdf_engine: Literal["pdfium", "pdfminer"] = "pdfium"
    # Scanned pages are read by Tesseract where it is installed (and this is on).
    ocr: bool = True
    ocr_languages: str = Field(default="eng", pattern=r"^[A-Za-z_]+(\+[A-Za-z_]+)*$")
    ocr_dpi: int = Field(default=300, ge=72, le=600)
    ocr_page_seconds: float = Field(default=60, gt=0)
    ocr_document_seconds: float = Field(default=600, gt=0)


class Mail(_Strict):
    transport: Literal["smtp", "file"] = "file"
    host: str = "localhost"
    port: int = Field(default=25, ge=1, le=65535)
    starttls: bool = False
    use_tls: bool = False
    username: str | None = None
    password_env: str = "SENDWATCH_SMTP_PASSWORD"
    from_: str = Field(default="sendwatch <alerts@example.org>", alias="from")
    outbox_dir: Path = Path("outbox")
    timeout_seconds: float = Field(default=30, gt=0)
    max_attempts: int = Field(default=8, ge=1)
    # Temporary failures (4xx, dropped connections) are retried after retry_base_seconds,
    # doubling each time up to retry_max_seconds, until max_attempts.
    retry_base_seconds: float = Field(default=60, gt=0)
    retry_max_seconds: float = Field(default=3600, gt=0)
    # A CA bundle to verify the server's certificate with (an internal relay); default: the system's.
    ca_file: Path | None = None
    # The relay speaks SMTPUTF8, so addresses with non-ASCII letters before the @ can be accepted.
    smtputf8: bool = False
    # run --once and digest --send retry this run's temporary failures for this long, first after
    # linger_retry_seconds, doubling, before leaving them for the daemon or the next cycle.
    linger_seconds: float = Field(default=60, ge=0)
    linger_retry_seconds: float = Field(default=2, gt=0)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _sender_address(self) -> Mail:
        """The envelope sender goes out with every message: checked like any address, now."""
        address = email.utils.parseaddr(self.from_)[1]
        try:
            check_address(address, smtputf8=self.smtputf8)
        except AddressError as error:
            raise ValueError(f"from: {self.from_!r} does not hold a usable sender address ({error})") from None
        return self

    def password(self) -> str | None:
        """The SMTP password, read from the environment at the moment it is needed."""
        return os.environ.get(self.password_env) or None


class Web(_Strict):
    base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    secret_env: str = "SENDWATCH_SECRET"
    # How long an emailed "confirm your subscription" link stays valid.
    confirm_hours: float = Field(default=48, gt=0)
    # Sign-up attempts accepted from one client address per hour (the rest get "try later").
    signups_per_hour: int = Field(default=10, ge=1)
    # Confirmation emails sent to one address per day, however many times it is typed in.
    confirmations_per_day: int = Field(default=3, ge=1)
    # Deliver confirmation emails from the web process at once (else the next cycle sends them).
    send_confirmations: bool = True
    # Reverse proxies (IP addresses) trusted to name the real client in X-Forwarded-For, so
    # rate limits count readers rather than the proxy. Empty: the connecting address counts.
    trusted_proxies: list[str] = Field(default_factory=list)

    def secret(self) -> str | None:
        """The signing secret for unsubscribe and confirmation tokens, from the environment."""
        return os.environ.get(self.secret_env) or None


# The labels extractors give money figures (``extractors.money``) that figure alerts can follow.
FIGURE_ALERT_LABELS = ("cumulative deficit", "forecast", "off track by", "in-year deficit", "DfE contribution", "block transfer")


class FigureAlerts(_Strict):
    """When a council's stated figure of one label moves enough to be news."""

    # The labels followed (subscribers choose among these with their own ``figures``).
    labels: list[str] = Field(default_factory=lambda: ["cumulative deficit", "forecast", "off track by"])
    # A move is news when it is at least min_change_gbp pounds AND at least min_change_percent
    # of the earlier figure (set either to 0 to use only the other).
    min_change_gbp: float = Field(default=1_000_000, ge=0)
    min_change_percent: float = Field(default=10, ge=0)

    @property
    def min_change_pence(self) -> int:
        """``min_change_gbp`` as whole pence, exactly as written (``sendwatch.core.money.to_pence``)."""
        return to_pence(self.min_change_gbp)

    @property
    def min_change_fraction(self) -> Decimal:
        """``min_change_percent`` as an exact fraction (10 -> 0.1), for comparing in whole pence."""
        return Decimal(repr(self.min_change_percent)) / 100

    @field_validator("labels")
    @classmethod
    def _known_labels(cls, values: list[str]) -> list[str]:
        for value in values:
            if value not in FIGURE_ALERT_LABELS:
                raise ValueError(f"{value!r} is not one of {', '.join(FIGURE_ALERT_LABELS)}")
        return values


class Listing(_Strict):
    """Where a council without ModernGov or CMIS keeps its papers, and which links count."""

    pages: list[str] = Field(default_factory=list)
    include_urls: list[str] = Field(default_factory=list)
    exclude_urls: list[str] = Field(default_factory=list)
    include_text: list[str] = Field(default_factory=list)
    exclude_text: list[str] = Field(default_factory=list)

    @field_validator("include_urls", "exclude_urls", "include_text", "exclude_text")
    @classmethod
    def _regexes_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            _check_regex(pattern)
        return patterns


class Council(_Strict):
    slug: str
    name: str
    platform: Platform | None = None
    url: str | None = None
    gss_code: str | None = None
    enabled: bool = True
    committees: list[str] = Field(default_factory=lambda: list(DEFAULT_COMMITTEES))
    aliases: list[str] = Field(default_factory=list)
    listing: Listing | None = None
    # Other hosts this council's papers may come from (a vendor-hosted copy of its site):
    # "host" or "host:port"; see crawler.destinations.
    hosts: list[str] = Field(default_factory=list)

    @field_validator("hosts")
    @classmethod
    def _host_names(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?", value):
                raise ValueError(f"{value!r} is not a host name or address, optionally with :port (no scheme or path)")
        return values

    @field_validator("slug")
    @classmethod
    def _slug_shape(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value):
            raise ValueError(f"{value!r} is not a slug (lower-case letters, digits and single hyphens)")
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://[^/\s]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("committees")
    @classmethod
    def _committee_regexes(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            _check_regex(pattern)
        return patterns

    @field_validator("gss_code")
    @classmethod
    def _gss(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"E\d{8}", value):
            raise ValueError(f"{value!r} is not an English GSS code (E followed by 8 digits)")
        return value

    @model_validator(mode="after")
    def _enabled_needs_where(self) -> Council:
        if self.enabled:
            if self.platform is None:
                raise ValueError(f"platform: an enabled council needs one of {', '.join(PLATFORMS)}")
            if not self.url:
                raise ValueError("url: an enabled council needs the URL of its committee site")
        return self

    @property
    def names(self) -> list[str]:
        """Every name papers may use for this council, for attributing sentences."""
        return [self.name, *self.aliases]


BROKER_SCHEMES = ("redis", "rediss", "amqp", "amqps")


class Executor(_Strict):
    """Who runs the cycle's units of work: this machine's own processes, or workers on any
    number of machines taking tasks from a broker (``sendwatch worker``)."""

    kind: Literal["local", "distributed"] = "local"
    broker: str | None = None
    # The broker queue this deployment's tasks go through: two deployments may share one broker.
    queue: str = Field(default="sendwatch", pattern=r"^[A-Za-z0-9_.-]{1,100}$")
    # A batch of tasks the scheduler waits for is given up (its councils reported failing, its
    # papers left pending for the next cycle) when no task of it has started or finished for
    # this long: no worker is running, or every one is stuck.
    stall_seconds: float = Field(default=900, gt=0)
    # Seconds between a worker's heartbeats; one silent for three of them is reported gone.
    heartbeat_seconds: float = Field(default=5, gt=0)
    # With Redis, a task whose worker's broker connection has been silent this long is delivered
    # again (a live worker's broker stamps itself every second, however long its tasks run);
    # RabbitMQ redelivers the moment the worker's connection drops. Every process of a
    # deployment must agree on it.
    redis_redelivery_seconds: float = Field(default=60, gt=0)

    @field_validator("broker")
    @classmethod
    def _broker_url(cls, value: str | None) -> str | None:
        scheme = value.split("://", 1)[0] if value is not None and "://" in value else ""
        if value is not None and scheme not in BROKER_SCHEMES:
            raise ValueError(f"{value!r} is not a broker URL (redis://host:6379/0 or amqp://user:password@host:5672/)")
        return value

    @model_validator(mode="after")
    def _distributed_needs_a_broker(self) -> Executor:
        if self.kind == "distributed" and not self.broker:
            raise ValueError("broker: the distributed executor needs the URL of its broker (redis://... or amqp://...)")
        return self


class Subscriber(_Strict):
    # Optional only when ``notify`` is given: a channel (Slack, Teams, a webhook...) that gets alerts or the digest.
    email: str | None = None
    councils: list[str] | Literal["all"] = "all"
    frequency: Frequency = "immediate"
    statuses: list[str] | None = None
    # Saved searches: new papers matching any of them are quoted in the subscriber's alert.
    queries: list[str] | None = None
    # Figure alerts by label (figure_alerts.labels): a stated figure of this label moved enough.
    figures: list[str] | None = None
    # Apprise URLs (slack://..., msteams://..., json://host/path) that get the same alerts, or the weekly digest.
    notify: list[str] | None = None

    @field_validator("notify")
    @classmethod
    def _notify_urls(cls, values: list[str] | None) -> list[str] | None:
        for value in values or []:
            if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$", value):
                raise ValueError(f"{value[:40]!r} is not an Apprise URL (scheme://...)")
        return values

    @field_validator("queries")
    @classmethod
    def _queries_parse(cls, values: list[str] | None) -> list[str] | None:
        for value in values or []:
            try:
                parse_query(value)
            except QueryError as error:
                raise ValueError(f"query {value!r}: {error}") from None
        return values

    @model_validator(mode="after")
    def _queries_are_immediate(self) -> Subscriber:
        if self.email is None and not self.notify:
            raise ValueError("a subscriber needs an email, or notify URLs (a channel), or both")
        if self.queries and self.frequency != "immediate":
            raise ValueError("queries are alerted as papers arrive: use frequency: immediate with queries")
        if self.figures and self.frequency != "immediate":
            raise ValueError("figures are alerted as papers arrive: use frequency: immediate with figures")
        for label in self.figures or []:
            if label not in FIGURE_ALERT_LABELS:
                raise ValueError(f"figures: {label!r} is not one of {', '.join(FIGURE_ALERT_LABELS)}")
        return self

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        # Whether the relay can carry a non-ASCII local part is checked against mail.smtputf8 by Config.
        try:
            return check_address(value, smtputf8=True)
        except AddressError as error:
            raise ValueError(str(error)) from None

    @field_validator("statuses")
    @classmethod
    def _known_statuses(cls, values: list[str] | None) -> list[str] | None:
        for value in values or []:
            if value not in STATUSES:
                raise ValueError(f"{value!r} is not one of {', '.join(STATUSES)}")
        return values


class Config(_Strict):
    database: str = "sqlite:///sendwatch.db"
    # A folder (relative to the config file), or an object store's fsspec URL (s3://bucket/prefix).
    data_dir: str = "data"
    # The object store's options (endpoint_url, region...); never credentials, which come from the environment.
    data_options: dict[str, Any] = Field(default_factory=dict)
    schedule: Schedule = Field(default_factory=Schedule)
    crawl: Crawl = Field(default_factory=Crawl)
    extract: Extract = Field(default_factory=Extract)
    mail: Mail = Field(default_factory=Mail)
    web: Web = Field(default_factory=Web)
    councils: list[Council] = Field(default_factory=list)
    subscribers: list[Subscriber] = Field(default_factory=list)
    figure_alerts: FigureAlerts = Field(default_factory=FigureAlerts)
    executor: Executor = Field(default_factory=Executor)
    # Where the file was read from, so relative paths resolve beside it, not beside the caller.
    base_dir: Path = Field(default=Path("."), exclude=True)

    @field_validator("database")
    @classmethod
    def _a_database_url(cls, value: str) -> str:
        """Checked here, not when the first command opens it (which would say only "unexpected error")."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except (ArgumentError, ValueError):
            raise ValueError(
                f"{value!r} is not a database URL (for example sqlite:///sendwatch.db or postgresql+psycopg://user@host/db)"
            ) from None
        return value

    def council(self, slug: str) -> Council:
        """The configured council with this slug, or KeyError naming the slug."""
        for council in self.councils:
            if council.slug == slug:
                return council
        raise KeyError(slug)

    @property
    def enabled_councils(self) -> list[Council]:
        return [council for council in self.councils if council.enabled]

    def resolve(self, path: Path | str) -> Path:
        """A path from the config, made absolute against the config file's folder."""
        path = Path(path)
        return path if path.is_absolute() else (self.base_dir / path).resolve()

    @property
    def documents_root(self) -> str:
        """Where papers are stored: ``data_dir`` as an absolute folder, or its object store URL."""
        return self.data_dir if is_url(self.data_dir) else str(self.resolve(self.data_dir))

    @property
    def local_dir(self) -> Path:
        """This machine's own files (the generated signing key): ``data_dir``, or beside the config
        file when ``data_dir`` is an object store."""
        return self.base_dir / ".sendwatch" if is_url(self.data_dir) else self.resolve(self.data_dir)

    @property
    def database_url(self) -> str:
        """The database URL, with a relative SQLite path resolved beside the config file."""
        prefix = "sqlite:///"
        if self.database.startswith(prefix) and not self.database.startswith(prefix + "/"):
            rest = self.database[len(prefix) :]
            if rest and rest != ":memory:":
                return prefix + str(self.resolve(Path(rest)))
        return self.database


def _check_regex(pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"{pattern!r} is not a valid regular expression ({error})") from None


# --------------------------------------------------------------------------- loading


def default_config_path() -> Path:
    """``$SENDWATCH_CONFIG`` if set, else ``./config.yaml``."""
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_NAME)


def load_config(path: Path | str) -> Config:
    """Read, parse and validate a config file; raise ConfigError listing every problem."""
    path = Path(path)
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([ConfigIssue(shown, None, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([ConfigIssue(shown, None, "", f"cannot be read ({error})")]) from None
    return parse_config(text, shown, base_dir=path.resolve().parent)


def parse_config(text: str, filename: str = DEFAULT_CONFIG_NAME, base_dir: Path | None = None) -> Config:
    """Validate YAML text as a Config; errors carry ``filename`` and line numbers."""
    data, lines = _parse_yaml(text, filename)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([ConfigIssue(filename, 1, "", "the file must be a mapping of keys (database:, councils:, ...)")])
    data = dict(data)
    if "base_dir" in data:
        raise ConfigError([ConfigIssue(filename, lines.get(("base_dir",)), "base_dir", "unknown key")])
    data["base_dir"] = base_dir or Path(".").resolve()
    issues = [ConfigIssue(filename, _line_for(path, lines), _format_path(path), message) for path, message in _cross_checks(data)]
    try:
        config = Config.model_validate(data)
    except ValidationError as error:
        issues = _issues_from(error, filename, lines) + issues
    if issues:
        raise ConfigError(sorted(issues, key=lambda issue: issue.line or 0))
    return config


def _cross_checks(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Checks across entries (unique slugs, subscribers naming real councils) on the raw data.

    Done on the raw data so they are reported together with every other error in one pass.
    """
    problems: list[tuple[tuple[Any, ...], str]] = []
    councils = _list_at(data, "councils")
    first_use: dict[str, int] = {}
    for index, council in enumerate(councils):
        slug = council.get("slug") if isinstance(council, dict) else None
        if not isinstance(slug, str):
            continue
        if slug in first_use:
            problems.append((("councils", index, "slug"), f"duplicate slug {slug!r} (first used by councils[{first_use[slug]}])"))
        first_use.setdefault(slug, index)
    subscribers = _list_at(data, "subscribers")
    problems += _distributed_database(data)
    mail = _dict_at(data, "mail")
    problems += _named_files(mail, data.get("base_dir") or Path("."))
    for index, subscriber in enumerate(subscribers):
        address = subscriber.get("email") if isinstance(subscriber, dict) else None
        if isinstance(address, str) and mail.get("smtputf8") is not True:
            try:
                check_address(address, smtputf8=False)
            except AddressError as error:
                if "mail.smtputf8" in str(error):
                    problems.append(
                        (("subscribers", index, "email"), f"{error}; set mail.smtputf8: true if your relay supports SMTPUTF8")
                    )
        chosen = subscriber.get("councils") if isinstance(subscriber, dict) else None
        if isinstance(chosen, list):
            for position, slug in enumerate(chosen):
                if isinstance(slug, str) and slug not in first_use:
                    problems.append((("subscribers", index, "councils", position), f"{slug!r} is not a configured council slug"))
    return problems


def _distributed_database(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Workers on other machines must share the one database: SQLite (a file) cannot be it."""
    if _dict_at(data, "executor").get("kind") != "distributed":
        return []
    database = data.get("database", Config.model_fields["database"].default)
    if isinstance(database, str) and database.split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres"):
        return []
    return [
        (
            ("executor", "kind"),
            f"the distributed executor needs PostgreSQL as its one database, shared by every worker; database is {database!r}"
            " (use postgresql+psycopg://user@host/db)",
        )
    ]


def _list_at(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _dict_at(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _named_files(mail: dict[str, Any], base_dir: Path) -> list[tuple[tuple[Any, ...], str]]:
    """Files the config names must be there and usable now, not when the first mail goes out."""
    ca_file = mail.get("ca_file")
    if not isinstance(ca_file, str) or not ca_file:
        return []
    path = Path(ca_file) if Path(ca_file).is_absolute() else (Path(base_dir) / ca_file).resolve()
    try:
        ssl.create_default_context(cafile=str(path))
    except FileNotFoundError:
        return [(("mail", "ca_file"), f"{str(path)!r} does not exist")]
    except (OSError, ssl.SSLError) as error:
        return [(("mail", "ca_file"), f"{str(path)!r} cannot be used as a CA bundle ({error.__class__.__name__}: {error})")]
    return []


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping (PyYAML keeps the last one)."""


def _parse_yaml(text: str, filename: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Parse YAML, returning the data and a map from key paths to 1-based line numbers."""
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[tuple[Any, ...], int] = {}
        duplicates: list[ConfigIssue] = []
        _index_lines(node, (), lines, duplicates, filename)
        if duplicates:
            raise ConfigError(duplicates)
        unset = _expand_environment(node, (), filename)
        if unset:
            raise ConfigError(unset)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        last_line = len(text.rstrip().splitlines())
        if line and line > last_line:
            line = last_line  # "found <stream end>": the last written line is where to look
        problem = " ".join(part for part in (error.context, error.problem) if part)
        raise ConfigError([ConfigIssue(filename, line, "", f"invalid YAML: {problem}")]) from None
    except yaml.YAMLError as error:
        raise ConfigError([ConfigIssue(filename, None, "", f"invalid YAML: {error}")]) from None
    except RecursionError:
        raise ConfigError([ConfigIssue(filename, None, "", "invalid YAML: an alias (*name) refers to its own anchor")]) from None
    finally:
        loader.dispose()
    return data, lines


_ENVIRONMENT_REFERENCE = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_ENVIRONMENT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _expand_environment(node: yaml.Node, path: tuple[Any, ...], filename: str) -> list[ConfigIssue]:
    """Replace ``${NAME}`` in string values by that environment variable (``$${`` is a plain ``${``), in place.

    For settings that differ per machine (``database: ${DATABASE_URL}``); secrets still belong in
    the ``*_env`` keys. An unset or empty variable is an error naming its line and key, never an
    empty value that fails later, elsewhere."""
    issues: list[ConfigIssue] = []
    if isinstance(node, yaml.ScalarNode):
        if node.tag != "tag:yaml.org,2002:str" or "$" not in node.value:
            return issues

        def value_of(found: re.Match[str]) -> str:
            if found.group(0) == "$${":
                return "${"
            name = found.group(1)
            value = os.environ.get(name) if _ENVIRONMENT_NAME.fullmatch(name) else None
            if not value:
                why = "is not set in the environment" if _ENVIRONMENT_NAME.fullmatch(name) else "is not a variable name"
                issues.append(ConfigIssue(filename, node.start_mark.line + 1, _format_path(path), f"${{{name}}} {why}"))
                return ""
            return value

        node.value = _ENVIRONMENT_REFERENCE.sub(value_of, node.value)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            issues += _expand_environment(value_node, path + (key_node.value,), filename)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            issues += _expand_environment(item, path + (index,), filename)
    return issues


def _index_lines(node: yaml.Node, path: tuple[Any, ...], lines: dict, duplicates: list, filename: str) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                duplicates.append(
                    ConfigIssue(filename, key_node.start_mark.line + 1, _format_path(path + (key,)), "key written twice")
                )
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _index_lines(value_node, path + (key,), lines, duplicates, filename)
            # A key's own line is more helpful than its value's for scalar values.
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, path + (index,), lines, duplicates, filename)


def _format_path(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _line_for(path: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int | None:
    """The line of the deepest part of ``path`` that exists in the file."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


_FIELD_ALIASES = {"from_": "from"}


def _issues_from(error: ValidationError, filename: str, lines: dict) -> list[ConfigIssue]:
    issues: list[ConfigIssue] = []
    for item in error.errors():
        location = tuple(
            _FIELD_ALIASES.get(part, part) if isinstance(part, str) else part for part in item["loc"] if not _is_union_tag(part)
        )
        message = _message_for(item, location)
        if item["type"] == "value_error" and message.startswith(("platform:", "url:", "cycle:", "digest:", "timezone:", "from:")):
            field, message = message.split(":", 1)
            location = location + (field,)
            message = message.strip()
        issues.append(ConfigIssue(filename, _line_for(location, lines), _format_path(location), message))
    return _dedupe(issues)


def _is_union_tag(part: Any) -> bool:
    """Pydantic adds union member names (``list[str]``, ``literal['all']``) to locations."""
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "bool", "float"})


def _message_for(item: ErrorDetails, location: tuple[Any, ...]) -> str:
    kind = item["type"]
    value = item.get("input")
    if kind == "literal_error":
        expected = item["ctx"]["expected"].replace("'", "").replace(" or ", ", ")
        return f"{value!r} is not one of {expected}"
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(location[:-1])
        return f"unknown key (allowed: {', '.join(allowed)})" if allowed else "unknown key"
    if kind == "value_error":
        return str(item["msg"]).removeprefix("Value error, ")
    return f"{item['msg'].rstrip('.').lower()} (got {value!r})"


def _allowed_keys(location: tuple[Any, ...]) -> list[str]:
    """The keys the config section at ``location`` accepts, for "unknown key" messages."""
    model: Any = Config
    for part in location:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return []
        model = _model_in(field.annotation)
        if model is None:
            return []
    return sorted((field.alias or name) for name, field in model.model_fields.items() if name != "base_dir")


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside an annotation such as ``list[Council]`` or ``Listing | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _dedupe(issues: list[ConfigIssue]) -> list[ConfigIssue]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for issue in issues:
        if (issue.key, issue.message) not in seen:
            seen.add((issue.key, issue.message))
            unique.append(issue)
    return unique
