"""config.yaml is validated at start-up; every error names file, line and key, and says what is allowed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sendwatch.core.config import ConfigError, load_config, parse_config

PROJECT_ROOT = Path(__file__).resolve().parents[2]

VALID = """\
database: sqlite:///sendwatch.db
councils:
  - slug: kirklees
    name: Kirklees Council
    platform: moderngov
    url: https://democracy.kirklees.example/
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "config.yaml")
    return [str(issue) for issue in caught.value.issues]


def test_a_minimal_config_gets_sensible_defaults() -> None:
    config = parse_config(VALID)
    council = config.councils[0]
    assert council.committees == ["schools?'? forum"]
    assert council.enabled is True
    assert config.mail.transport == "file"
    assert config.crawl.download_delay == 1.0
    assert config.crawl.obey_robots is True


def test_the_shipped_config_watches_every_english_education_authority() -> None:
    config = load_config(PROJECT_ROOT / "config.yaml")
    assert len(config.councils) == 153
    assert len({council.slug for council in config.councils}) == 153
    assert len({council.gss_code for council in config.councils if council.gss_code}) == 153
    platforms = {council.platform for council in config.enabled_councils}
    assert platforms <= {"moderngov", "cmis"}
    assert all(council.url and council.url.startswith("https://") for council in config.enabled_councils)


def test_councils_without_a_known_platform_are_present_but_disabled_with_a_reason() -> None:
    text = (PROJECT_ROOT / "config.yaml").read_text(encoding="utf-8")
    config = load_config(PROJECT_ROOT / "config.yaml")
    disabled = [council for council in config.councils if not council.enabled]
    assert {council.slug for council in disabled} >= {"east-riding-of-yorkshire", "warrington", "suffolk"}
    for council in disabled:
        block_start = text.index(f"- slug: {council.slug}\n")
        comment_line = text[:block_start].rstrip().splitlines()[-1]
        assert comment_line.strip().startswith("# disabled:"), council.slug


def test_a_wrong_platform_names_line_key_and_the_allowed_values() -> None:
    text = VALID.replace("platform: moderngov", "platform: modgov")
    assert errors_of(text) == ["config.yaml:5: councils[0].platform: 'modgov' is not one of moderngov, cmis, listing"]


def test_an_unknown_key_is_an_error_that_lists_the_allowed_keys() -> None:
    text = VALID + "mail:\n  trasnport: smtp\n"
    (error,) = errors_of(text)
    assert error.startswith("config.yaml:8: mail.trasnport: unknown key (allowed: ")
    assert "transport" in error


def test_a_wrong_type_names_the_value() -> None:
    text = VALID + "crawl:\n  download_delay: soon\n"
    (error,) = errors_of(text)
    assert error.startswith("config.yaml:8: crawl.download_delay: ")
    assert "'soon'" in error


def test_an_enabled_council_needs_a_url() -> None:
    text = VALID.replace("    url: https://democracy.kirklees.example/\n", "")
    assert errors_of(text) == ["config.yaml:3: councils[0].url: an enabled council needs the URL of its committee site"]


def test_a_disabled_council_may_lack_platform_and_url() -> None:
    config = parse_config(VALID + "  - slug: hartlepool\n    name: Hartlepool Council\n    enabled: false\n")
    assert [council.slug for council in config.enabled_councils] == ["kirklees"]


def test_a_duplicate_slug_points_at_the_second_use() -> None:
    text = VALID + "  - slug: kirklees\n    name: Again\n    platform: cmis\n    url: https://x.example/\n"
    assert errors_of(text) == ["config.yaml:7: councils[1].slug: duplicate slug 'kirklees' (first used by councils[0])"]


def test_bad_yaml_is_reported_with_its_line() -> None:
    (error,) = errors_of(VALID + "subscribers: [\n")
    assert error.startswith("config.yaml:7: invalid YAML")


def test_a_key_written_twice_is_an_error_not_a_silent_override() -> None:
    assert errors_of("database: sqlite:///a.db\ndatabase: sqlite:///b.db\n") == ["config.yaml:2: database: key written twice"]


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    text = (
        VALID.replace("platform: moderngov", "platform: modgov")
        + "crawl:\n  retries: many\nsubscribers:\n  - email: not-an-address\n"
    )
    errors = errors_of(text)
    assert [error.split(":")[1] for error in errors] == ["5", "8", "10"]


def test_subscribers_must_name_configured_councils_and_real_statuses() -> None:
    text = VALID + "subscribers:\n  - email: desk@example.org\n    councils: [kirkless]\n    statuses: [off_track]\n"
    assert errors_of(text) == [
        "config.yaml:9: subscribers[0].councils[0]: 'kirkless' is not a configured council slug",
        "config.yaml:10: subscribers[0].statuses: 'off_track' is not one of none, deficit_only, dbv, sv_negotiating, "
        "sv_agreed, sv_on_track, sv_off_track, ems, payment_withheld, sv_completed",
    ]


def test_an_invalid_committee_regex_is_caught_at_load_time() -> None:
    text = VALID + "    committees: ['schools (forum']\n"
    (error,) = errors_of(text)
    assert error.startswith("config.yaml:7: councils[0].committees: 'schools (forum' is not a valid regular expression")


def test_secrets_come_from_the_environment_not_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    config = parse_config(VALID + "mail:\n  password_env: MY_SMTP_SECRET\n")
    monkeypatch.delenv("MY_SMTP_SECRET", raising=False)
    assert config.mail.password() is None
    monkeypatch.setenv("MY_SMTP_SECRET", "hunter2")
    assert config.mail.password() == "hunter2"
    assert "password" not in errors_of(VALID + "mail:\n  password: hunter2\n")[0].split("allowed:")[1].replace("password_env", "")


def test_relative_paths_resolve_beside_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(VALID, encoding="utf-8")
    config = load_config(tmp_path / "config.yaml")
    assert config.database_url == f"sqlite:///{tmp_path / 'sendwatch.db'}"
    assert config.resolve(config.data_dir) == tmp_path / "data"


@pytest.mark.parametrize(
    "broken, expected",
    [
        ("councils: [\n", ":1: invalid YAML"),
        (VALID + "colour: blue\n", ":7: colour: unknown key"),
        (VALID + "crawl:\n  since: yesterday\n", ":8: crawl.since:"),
        (VALID.replace("    url: https://democracy.kirklees.example/\n", ""), ":3: councils[0].url:"),
        (
            VALID + "  - slug: kirklees\n    name: K\n    platform: cmis\n    url: https://k.example/\n",
            ":7: councils[1].slug: duplicate",
        ),
        (VALID + "crawl:\n\tretries: 2\n", ":8: invalid YAML"),
        ("database: ${SENDWATCH_TEST_NEVER_SET}\n", ":1: database: ${SENDWATCH_TEST_NEVER_SET} is not set"),
        ("database: not a url\n", ":1: database: 'not a url' is not a database URL"),
        ("crawl: &loop [*loop]\n", ": invalid YAML: an alias (*name) refers to its own anchor"),
    ],
    ids=[
        "bad-yaml",
        "unknown-key",
        "wrong-type",
        "missing-url",
        "duplicate-slug",
        "tab",
        "unset-env",
        "bad-database",
        "alias-loop",
    ],
)
def test_the_cli_exits_2_with_one_line_per_error_and_no_traceback(tmp_path: Path, broken: str, expected: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(broken, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "sendwatch.cli", "--config", str(path), "councils"], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(str(path) + expected)


def test_saved_searches_figure_alerts_and_channels_are_checked_at_load_time() -> None:
    good = parse_config(
        VALID
        + "figure_alerts: {labels: [forecast], min_change_gbp: 500000, min_change_percent: 5}\n"
        + "subscribers:\n"
        + "  - email: desk@example.org\n    queries: ['\"home to school transport\" cut*']\n    figures: [forecast]\n"
        + "  - notify: ['json://127.0.0.1:8123/hook']\n",
        "config.yaml",
    )
    assert good.figure_alerts.min_change_gbp == 500000 and good.subscribers[1].email is None
    errors = errors_of(
        VALID
        + "figure_alerts: {labels: [deficit]}\n"
        + "subscribers:\n"
        + "  - email: desk@example.org\n    queries: ['\"home to school']\n"
        + "  - councils: all\n"
        + "  - notify: [not a url]\n"
    )
    assert any("figure_alerts.labels" in error and "'deficit' is not one of" in error for error in errors), errors
    assert any("subscribers[0].queries" in error and "closing quote" in error for error in errors), errors
    assert any("subscribers[1]" in error and "needs an email, or notify URLs" in error for error in errors), errors
    assert any("subscribers[2].notify" in error and "not an Apprise URL" in error for error in errors), errors


def test_environment_references_are_expanded_where_set_and_an_error_naming_the_key_where_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SENDWATCH_TEST_DATABASE", "postgresql+psycopg://sendwatch@db.internal/sendwatch")
    monkeypatch.setenv("SENDWATCH_TEST_RELAY", "relay.internal")
    monkeypatch.delenv("SENDWATCH_TEST_PORT", raising=False)
    text = (
        VALID.replace("sqlite:///sendwatch.db", "${SENDWATCH_TEST_DATABASE}")
        + "mail:\n  host: smtp.${SENDWATCH_TEST_RELAY}\n  from: a$${b} <a@example.org>\n"
    )

    config = parse_config(text)
    assert config.database == "postgresql+psycopg://sendwatch@db.internal/sendwatch"
    assert config.mail.host == "smtp.relay.internal" and config.mail.from_.startswith("a${b}")

    with pytest.raises(ConfigError) as error:
        parse_config(text + "  port: ${SENDWATCH_TEST_PORT}\n")
    assert str(error.value) == "config.yaml:10: mail.port: ${SENDWATCH_TEST_PORT} is not set in the environment"
