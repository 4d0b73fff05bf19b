"""ModernGov without its web service: the HTML pages give the same meetings, items and papers."""

from __future__ import annotations

import pytest
from crawl_support import rows, table_sizes

from sendwatch.core.storage.models import AgendaItem, Document, Meeting
from sendwatch.demo.site import sample_council


def found(config) -> dict[str, set]:
    return {
        "meetings": {(m.external_id, m.date, m.title) for m in rows(config, Meeting)},
        "items": {(i.external_id, i.title, i.number) for i in rows(config, AgendaItem)},
        "documents": {(d.url, d.title, d.kind) for d in rows(config, Document)},
        "pdf hashes": {d.sha256 for d in rows(config, Document) if d.kind == "pdf"},
    }


@pytest.mark.parametrize("mode", ["not_found", "error", "html"])
def test_web_service_switched_off_the_html_pages_find_the_same(demo, make_config, crawl, today, mode):
    site = demo([sample_council("northshire", "moderngov", today, mount="/moderngov/")])
    with_service = make_config(site, ["northshire"], folder="service")
    crawl(with_service)
    site.set_web_service("northshire", mode)
    without_service = make_config(site, ["northshire"], folder="pages")

    result = crawl(without_service)["northshire"]

    assert result.outcome == "ok", result
    assert found(without_service) == found(with_service)
    assert any("web service unavailable" in note for note in result.notes)
    assert not [
        path
        for path in site.requests("northshire")
        if "mgWebService" in path and "GetMeetings" in path and site.requests("northshire")[path] > 1
    ]


def test_inline_minutes_read_from_the_pages_match_the_web_service(demo, make_config, crawl, today):
    site = demo([sample_council("northshire", "moderngov", today)])
    with_service = make_config(site, ["northshire"], folder="service")
    crawl(with_service)
    site.set_web_service("northshire", "not_found")
    without_service = make_config(site, ["northshire"], folder="pages")
    crawl(without_service)

    def texts(config):
        return {i.external_id: (i.agenda_html, i.minutes_html) for i in rows(config, AgendaItem)}

    assert texts(without_service) == texts(with_service)
    html_hashes = {d.url: d.sha256 for d in rows(with_service, Document) if d.kind == "html"}
    assert html_hashes == {d.url: d.sha256 for d in rows(without_service, Document) if d.kind == "html"}


def test_switching_to_the_pages_mid_life_changes_nothing_and_downloads_nothing(demo, make_config, crawl, today):
    site = demo([sample_council("northshire", "moderngov", today)])
    config = make_config(site, ["northshire"])
    crawl(config)
    sizes = table_sizes(config)
    site.set_web_service("northshire", "error")
    site.reset_counts()

    result = crawl(config)["northshire"]

    assert result.outcome == "ok"
    assert (result.documents_new, result.documents_changed) == (0, 0)
    assert sum(site.bodies("northshire").values()) == 0
    assert table_sizes(config) == sizes


def test_malformed_xml_falls_back_to_the_pages(demo, make_config, crawl, today):
    site = demo([sample_council("northshire", "moderngov", today)])
    reference = make_config(site, ["northshire"], folder="reference")
    crawl(reference)
    site.fail("northshire", "malformed_xml")
    config = make_config(site, ["northshire"], folder="malformed")

    result = crawl(config)["northshire"]

    assert result.outcome == "ok", result
    assert any("malformed XML" in note for note in result.notes)
    assert found(config) == found(reference)


def test_a_failing_getmeeting_falls_back_for_that_meeting_only(demo, make_config, crawl, today):
    site = demo([sample_council("northshire", "moderngov", today)])
    reference = make_config(site, ["northshire"], folder="reference")
    crawl(reference)
    meeting = site.council("northshire").committees[0].meetings[0]
    site.fail("northshire", "error_500", path=f"GetMeeting?lMeetingId={meeting.id}")
    config = make_config(site, ["northshire"], folder="broken")

    result = crawl(config)["northshire"]

    assert result.outcome == "ok"
    assert found(config) == found(reference)
    assert (
        site.requests("northshire")[
            f"/ieListDocuments.aspx?CId={site.council('northshire').committees[0].id}&MId={meeting.id}&Ver=4"
        ]
        == 1
    )


def test_the_pages_of_earlier_years_are_followed_back_to_since(demo, make_config, crawl, today):
    import datetime as dt

    from sendwatch.demo.site import FORUM, DemoDocument, DemoItem, DemoMeeting

    site = demo([sample_council("northshire", "moderngov", today)])
    last_year = site.publish_meeting(
        "northshire",
        FORUM,
        DemoMeeting(
            date=dt.date(today.year - 1, 12, 3),
            items=[
                DemoItem(
                    "Schools budget 2026-27",
                    "<p>Consultation results.</p>",
                    documents=[DemoDocument("Schools budget consultation", ["Responses from schools."])],
                )
            ],
        ),
    )
    site.set_web_service("northshire", "not_found")
    config = make_config(site, ["northshire"], since=f"{today.year - 1}-06-01")

    crawl(config)

    assert str(last_year.id) in {m.external_id for m in rows(config, Meeting)}
    assert "Schools budget consultation" in {d.title for d in rows(config, Document)}
    assert any("Year=" in path for path in site.requests("northshire"))


def test_the_pages_show_the_reports_pack_and_its_reports_point_at_it(demo, make_config, crawl, today):
    from sendwatch.demo.site import FORUM, DemoDocument

    site = demo([sample_council("northshire", "moderngov", today)])
    meeting = next(c for c in site.council("northshire").committees if c.title == FORUM).meetings[0]
    site.publish_document("northshire", meeting.id, DemoDocument("Public reports pack", ["Every report, bound."]))
    site.set_web_service("northshire", "not_found")
    config = make_config(site, ["northshire"])

    crawl(config)

    row = next(m for m in rows(config, Meeting) if m.external_id == str(meeting.id))
    papers = {d.title: d for d in rows(config, Document, meeting_id=row.id)}
    pack = papers["Public reports pack"]
    assert pack.fetch_state == "ok" and pack.url.endswith(f"documents/g{meeting.id}/Public%20reports%20pack.pdf")
    assert papers["DSG monitoring report"].parent_id == pack.id
    assert all(d.parent_id is None for d in papers.values() if d.kind == "html")
