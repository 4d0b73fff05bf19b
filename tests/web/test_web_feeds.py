"""Atom feeds, the CSV/JSON exports of current statuses, and the digest archive."""

from __future__ import annotations

import base64
import csv
import io
import json
import xml.etree.ElementTree as ElementTree

import pytest
from sqlalchemy import select
from web_support import SECRET

from alerts.digest import queue_digests
from sendwatch.core.storage.models import Digest, Subscriber, utcnow
from sendwatch.core.tokens import DigestView, make_digest_view_token, make_token

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(start_site, sqlite_url):  # type: ignore[no-untyped-def]
    return start_site(sqlite_url)


def test_changes_feed_is_valid_atom_with_each_change_and_first_sightings_marked_as_such(site) -> None:
    response = site.client.get("/feeds/changes.atom")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    kinds = [(e.findtext(f"{ATOM}title"), e.find(f"{ATOM}category").get("term")) for e in entries]
    assert kinds == [  # newest first; a first sighting is not a change, and says so
        ("Northshire County Council: Safety valve: agreed → Safety valve: off track", "change"),
        ("Eastshire Council: first seen as Enhanced monitoring and support", "first-seen"),
        ("Northshire County Council: first seen as Safety valve: agreed", "first-seen"),
    ]
    entry = entries[0]
    assert entry.findtext(f"{ATOM}id") == "tag:sendwatch,2024:change:north-off-track"
    links = {link.get("rel"): link.get("href") for link in entry.findall(f"{ATOM}link")}
    assert links["alternate"] == f"{site.url}/councils/northshire"
    assert links["related"].endswith("DSG%20Management%20Plan.pdf#page=7")
    summary = entry.findtext(f"{ATOM}summary")
    assert "<img src=x onerror=" in summary  # plain text in a text construct: shown, never run
    assert "javascript:" not in response.text


def test_council_feed_has_only_that_council(site) -> None:
    north = ElementTree.fromstring(site.client.get("/councils/northshire/feed.atom").content)
    assert len(north.findall(f"{ATOM}entry")) == 2
    east = ElementTree.fromstring(site.client.get("/councils/eastshire/feed.atom").content)
    assert [entry.find(f"{ATOM}category").get("term") for entry in east.findall(f"{ATOM}entry")] == ["first-seen"]
    assert east.findtext(f"{ATOM}title") == "sendwatch: Eastshire Council status changes"
    assert site.client.get("/councils/atlantis/feed.atom").status_code == 404


def test_feed_survives_control_characters_in_scraped_text(site) -> None:
    from web_support import change_status

    with site.database.session() as session:
        change_status(
            session,
            "westvale",
            "dbv",
            "sv_negotiating",
            utcnow().date(),
            "Officers\x0b are\x00 negotiating\x1b a safety valve agreement.",
            "west-neg",
        )
    feed = ElementTree.fromstring(site.client.get("/feeds/changes.atom").content)
    assert "Officers are negotiating a safety valve agreement." in feed.findtext(f"{ATOM}entry/{ATOM}summary")


def test_json_export_matches_status_json(site) -> None:
    rows = site.client.get("/export/statuses.json").json()
    assert [row["council"] for row in rows] == ["eastshire", "northshire", "westvale", "southbrook"]
    north = rows[1]
    assert set(north) == {
        *("council", "name", "status", "since", "evidence", "figures"),
        *("previous", "detected_at", "checked_at", "health", "gss_code"),
    }
    assert north["previous"] == "sv_agreed" and north["health"] == "ok" and north["detected_at"].endswith("Z")
    assert north["status"] == "sv_off_track" and north["since"] == "2024-09-12"
    assert set(north["evidence"][0]) == {"url", "title", "date", "page", "quote"}
    assert north["figures"] == [{"amount_gbp": 6200000, "text": "£6.2m", "label": "off track by"}]


def test_csv_export_has_a_row_per_council_and_no_live_formulas(site) -> None:
    response = site.client.get("/export/statuses.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["council"] for row in rows] == ["eastshire", "northshire", "westvale", "southbrook"]
    north = rows[1]
    assert north["status_label"] == "Safety valve: off track" and north["figure_gbp"] == "6200000"
    assert north["evidence_quote"].startswith("Members noted") or north["evidence_quote"].startswith("The authority")
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())
    assert rows[3]["status"] == "none" and rows[3]["since"] == ""


def test_digest_archive_lists_and_shows_past_digests(site) -> None:
    archive = site.client.get("/digests")
    assert archive.status_code == 200 and "Week to" in archive.text
    page = site.client.get("/digests/1")
    assert "<h1>Weekly digest</h1>" in page.text and "All weekly digests" in page.text  # the email's own HTML
    emailed = site.client.get("/digests/1/email")
    assert "<h1>Weekly digest</h1>" in emailed.text
    assert "script-src" not in emailed.headers["content-security-policy"]
    assert site.client.get("/digests/999").status_code == 404


def _widened(token: str, councils: str) -> str:
    """The token with other councils written into it, its signature left as it was."""
    payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["c"] = councils
    forged = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=").decode()
    return f"{forged}.{signature}"


def test_a_signed_view_shows_a_subscribers_councils_and_a_changed_one_is_refused(site) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    with site.database.session() as session:  # a weekly subscriber of one council, with a notification URL
        session.add(
            Subscriber(
                email="specialist@send.example.org",
                councils=["northshire"],
                frequency="weekly",
                confirmed_at=now,
                notify=["json://127.0.0.1:9/hook"],
            )
        )
        session.flush()
        queue_digests(session, site.config, now)
        [week] = session.scalars(select(Digest)).all()
        week_id, subscriber = week.id, session.scalars(select(Subscriber)).one()
        manage = make_token(SECRET.encode(), subscriber.id, subscriber.email, "manage")
    token = make_digest_view_token(SECRET.encode(), DigestView(week_id, "northshire"))

    mine = site.client.get(f"/digests/{week_id}", params={"view": token})
    assert mine.status_code == 200
    assert "sendwatch weekly digest" in mine.text and "Your councils only: Northshire County Council." in mine.text
    assert f'href="/digests/{week_id}"' in mine.text  # and the way to every council's week
    assert site.client.get(f"/digests/{week_id}/email", params={"view": token}).status_code == 200
    national = site.client.get(f"/digests/{week_id}")
    assert national.status_code == 200 and "<h1>Weekly digest</h1>" in national.text and "Your councils" not in national.text

    for changed in (
        _widened(token, "eastshire,northshire"),  # more councils than were signed
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature altered
        token[: len(token) // 2],  # cut short
        manage,  # signed, but for another purpose
        make_digest_view_token(b"another secret", DigestView(week_id, "northshire")),
    ):
        for path in (f"/digests/{week_id}", f"/digests/{week_id}/email"):
            refused = site.client.get(path, params={"view": changed})
            assert refused.status_code == 400, (changed, refused.text)
            assert "This link is not valid" in refused.text and "Your councils" not in refused.text
    another_week = site.client.get(f"/digests/{week_id + 1}", params={"view": token})
    assert another_week.status_code == 400 and "This link is not valid" in another_week.text


# --------------------------------------------------------------------------- validators, history, calendar

VALIDATED = ["/feeds/changes.atom", "/councils/northshire/feed.atom", "/export/statuses.csv", "/export/statuses.json"]


@pytest.mark.parametrize("path", [*VALIDATED, "/export/history.csv", "/export/history.json", "/calendar.ics"])
def test_a_repeated_request_with_its_validator_gets_304_until_the_data_changes(site, path) -> None:
    from web_support import change_status

    first = site.client.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert site.client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert site.client.get(path, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304  # weak match
    assert site.client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    with site.database.session() as session:
        change_status(
            session, "northshire", "sv_off_track", "ems", utcnow().date(), "Northshire is now under enhanced monitoring.", "n-ems"
        )
    changed = site.client.get(path, headers={"If-None-Match": etag})
    if path != "/calendar.ics":  # the calendar holds meetings, and none changed
        assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_an_empty_feed_is_dated_by_its_data_not_by_the_request(start_site, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from sqlalchemy import func, select

    from sendwatch.core.storage.models import Council

    site = start_site(sqlite_url, seed=False)
    first = site.client.get("/feeds/changes.atom")
    feed = ElementTree.fromstring(first.content)
    assert feed.findall(f"{ATOM}entry") == []
    with site.database.session() as session:
        watched_since = session.scalar(select(func.min(Council.created_at)))
    updated = dt.datetime.fromisoformat(feed.findtext(f"{ATOM}updated").replace("Z", "+00:00"))
    assert updated == watched_since.replace(tzinfo=dt.timezone.utc)  # when sendwatch began watching: stable
    assert site.client.get("/feeds/changes.atom", headers={"If-None-Match": first.headers["etag"]}).status_code == 304


def test_the_history_export_has_every_period_with_gss_codes(site) -> None:
    rows = list(csv.DictReader(io.StringIO(site.client.get("/export/history.csv").text)))
    north = [row for row in rows if row["council"] == "northshire"]
    assert [(row["status"], row["since"], row["until"], row["current"]) for row in north] == [
        ("sv_agreed", "2023-03-16", "2024-09-12", "false"),
        ("sv_off_track", "2024-09-12", "", "true"),
    ]
    assert {row["gss_code"] for row in north} == {"E10000099"}
    as_json = site.client.get("/export/history.json").json()
    assert [row["status"] for row in as_json if row["council"] == "northshire"] == ["sv_agreed", "sv_off_track"]
    assert as_json[0].keys() == rows[0].keys()


def test_upcoming_meetings_are_an_icalendar_feed_linked_from_the_dashboard(site) -> None:
    import datetime as dt

    from web_support import council

    from sendwatch.core.storage.models import Committee, Meeting

    with site.database.session() as session:
        north = council(session, "northshire")
        forum = Committee(council_id=north.id, external_id="c1", title="Schools Forum, extraordinary; budget")
        session.add(forum)
        session.flush()
        ahead = utcnow().date() + dt.timedelta(days=10)
        session.add_all(
            [
                Meeting(
                    council_id=north.id, committee_id=forum.id, external_id="m-ahead", date=ahead, url="https://x.example/m1"
                ),
                Meeting(council_id=north.id, committee_id=forum.id, external_id="m-gone", date=ahead, status="Cancelled"),
                Meeting(council_id=north.id, committee_id=forum.id, external_id="m-later", date=ahead, status="Postponed"),
                Meeting(council_id=north.id, committee_id=forum.id, external_id="m-past", date=dt.date(2020, 1, 1)),
            ]
        )
    dashboard = site.client.get("/").text
    assert '<a href="/calendar.ics" type="text/calendar">' in dashboard and "Schools Forum, extraordinary" in dashboard
    for path in ("/calendar.ics", "/councils/northshire/calendar.ics"):
        response = site.client.get(path)
        assert response.headers["content-type"].startswith("text/calendar")
        body = response.text
        assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and body.endswith("END:VCALENDAR\r\n")
        assert body.count("BEGIN:VEVENT") == 1  # the cancelled, postponed and past meetings are left out
        assert f"DTSTART;VALUE=DATE:{ahead:%Y%m%d}" in body and "URL:https://x.example/m1" in body
        unfolded = body.replace("\r\n ", "")
        assert "SUMMARY:Northshire County Council: Schools Forum\\, extraordinary\\; budget" in unfolded
        assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert "BEGIN:VEVENT" not in site.client.get("/councils/eastshire/calendar.ics").text
    assert site.client.get("/councils/atlantis/calendar.ics").status_code == 404


def test_a_meeting_with_a_published_time_is_a_timed_event_and_one_without_stays_all_day(site) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    import icalendar
    from web_support import council

    from sendwatch.core.storage.models import Committee, Meeting

    ahead = utcnow().date() + dt.timedelta(days=10)
    with site.database.session() as session:
        north = council(session, "northshire")
        forum = Committee(council_id=north.id, external_id="c1", title="Schools Forum")
        cabinet = Committee(council_id=north.id, external_id="c2", title="Cabinet")
        session.add_all([forum, cabinet])
        session.flush()
        meetings = [
            Meeting(council_id=north.id, committee_id=forum.id, external_id="timed", date=ahead, start_time=dt.time(14, 0)),
            Meeting(council_id=north.id, committee_id=cabinet.id, external_id="all-day", date=ahead),
        ]
        session.add_all(meetings)
        session.flush()
        ids = {f"meeting-{meeting.id}" for meeting in meetings}

    body = site.client.get("/calendar.ics").text
    parsed = icalendar.Calendar.from_ical(body)  # read back as a calendar client reads it
    assert not [error for component in parsed.walk() for error in getattr(component, "errors", [])]
    events = {str(event["SUMMARY"]): event for event in parsed.walk("VEVENT")}
    assert list(events) == ["Northshire County Council: Cabinet", "Northshire County Council: Schools Forum"]  # all-day first

    timed = events["Northshire County Council: Schools Forum"]
    starts, ends = timed.decoded("DTSTART"), timed.decoded("DTEND")
    assert isinstance(starts, dt.datetime) and starts.utcoffset() == dt.timedelta(0)  # written in UTC ("...Z")
    assert starts.astimezone(ZoneInfo("Europe/London")) == dt.datetime.combine(ahead, dt.time(14, 0), ZoneInfo("Europe/London"))
    assert ends - starts == dt.timedelta(hours=2)
    assert "starting at 14:00 UK time" in str(timed["DESCRIPTION"]) and "no end time" in str(timed["DESCRIPTION"])
    assert "VTIMEZONE" not in body and "TZID" not in body

    all_day = events["Northshire County Council: Cabinet"]
    assert all_day.decoded("DTSTART") == ahead and not isinstance(all_day.decoded("DTSTART"), dt.datetime)
    assert all_day.decoded("DTEND") == ahead + dt.timedelta(days=1)
    assert {str(event["UID"]).split("@")[0] for event in events.values()} == ids
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))

    dashboard = site.client.get("/").text
    assert f'<time datetime="{ahead.isoformat()}T14:00">' in dashboard and f"{ahead.day} {ahead:%B %Y}, 14:00</time>" in dashboard
    assert f'<time datetime="{ahead.isoformat()}">{ahead.day} {ahead:%B %Y}</time>' in dashboard


def test_a_timed_event_ends_at_the_councils_planned_finish_and_else_allows_two_hours_and_says_why(site) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    import icalendar
    from web_support import council

    from sendwatch.core.storage.models import Committee, Meeting

    london = ZoneInfo("Europe/London")
    ahead = utcnow().date() + dt.timedelta(days=10)
    at = {clock: dt.datetime.combine(ahead, dt.time.fromisoformat(clock), london) for clock in ("10:00", "13:15")}
    with site.database.session() as session:
        north = council(session, "northshire")
        committees = {title: Committee(council_id=north.id, external_id=title, title=title) for title in "ABCD"}
        session.add_all(committees.values())
        session.flush()
        session.add_all(
            [  # A: a finish after the start; B: none published; C: one not after the start; D: a finish but no start
                Meeting(council_id=north.id, committee_id=committees["A"].id, external_id="a", date=ahead,
                        start_time=dt.time(10, 0), end_time=dt.time(13, 15)),
                Meeting(council_id=north.id, committee_id=committees["B"].id, external_id="b", date=ahead,
                        start_time=dt.time(10, 0)),
                Meeting(council_id=north.id, committee_id=committees["C"].id, external_id="c", date=ahead,
                        start_time=dt.time(10, 0), end_time=dt.time(10, 0)),
                Meeting(council_id=north.id, committee_id=committees["D"].id, external_id="d", date=ahead,
                        end_time=dt.time(13, 15)),
            ]
        )  # fmt: skip

    parsed = icalendar.Calendar.from_ical(site.client.get("/calendar.ics").text)
    events = {str(event["SUMMARY"]).rsplit(" ", 1)[-1]: event for event in parsed.walk("VEVENT")}
    ends = {name: event.decoded("DTEND") for name, event in events.items()}
    about = {name: str(event["DESCRIPTION"]) for name, event in events.items()}

    assert events["A"].decoded("DTSTART") == at["10:00"] and ends["A"] == at["13:15"]
    assert ends["A"].utcoffset() == dt.timedelta(0)  # written in UTC, as the start is
    assert "plans it to finish at 13:15 UK time" in about["A"] and "allowance" not in about["A"]

    assert ends["B"] - events["B"].decoded("DTSTART") == dt.timedelta(hours=2)
    assert "publishes no end time" in about["B"] and "2 hours shown are sendwatch's allowance" in about["B"]

    assert ends["C"] - events["C"].decoded("DTSTART") == dt.timedelta(hours=2)
    assert "planned finish (10:00) is not after its start" in about["C"] and "allowance" in about["C"]

    assert events["D"].decoded("DTSTART") == ahead and ends["D"] == ahead + dt.timedelta(days=1)  # all day: no start
