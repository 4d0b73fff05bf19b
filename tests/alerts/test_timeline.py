"""A council's status history, derived from a sequence of dated papers."""

from __future__ import annotations

import datetime as dt

from alerts_support import Papers

from alerts.timeline import council_timeline

D = dt.date


def _northshire_year(papers: Papers):  # type: ignore[no-untyped-def]
    """A year of Northshire's schools forum papers, in the order they were published."""
    council = papers.council("northshire", "Northshire County Council")
    june = papers.document(council, "DSG Safety Valve Agreement update", meeting=D(2023, 6, 15))
    papers.evidence(
        june,
        "sv_agreed",
        "The Council signed its Safety Valve agreement with the Department for Education on 17 March 2023.",
        page=3,
    )
    papers.figure(june, 41_300_000, "£41.3m", "dfe contribution", page=3)

    october = papers.document(council, "High Needs Block monitoring, quarter 2", meeting=D(2023, 10, 12))
    papers.evidence(
        october,
        "sv_on_track",
        "The quarter 2 return shows the authority remains on track against the trajectory in its agreement.",
        page=4,
    )

    # Same meeting day, two reports: activity "on track" in one, the council off track in the other.
    january_a = papers.document(council, "SEND Transformation Programme progress", meeting=D(2024, 1, 18))
    papers.evidence(
        january_a, "sv_on_track", "The new specialist places programme is on track to open 120 places by September.", page=2
    )
    january_b = papers.document(council, "Safety Valve quarter 3 monitoring return", meeting=D(2024, 1, 18))
    papers.evidence(
        january_b,
        "sv_off_track",
        "The authority is not on track to meet Agreement Condition 2, with an in-year overspend of £6.2m.",
        page=5,
    )
    papers.figure(january_b, 6_200_000, "£6.2m", "off track by", page=5, year="2023/24")

    # Other councils' troubles: the extractor marks these as not about Northshire.
    march = papers.document(council, "National context: safety valve programme", meeting=D(2024, 3, 14))
    papers.evidence(
        march,
        "payment_withheld",
        "Five local authorities have already had their safety valve payments suspended by the DfE.",
        page=1,
        confidence=0.3,
    )
    papers.evidence(
        march,
        "payment_withheld",
        "If the revised plan is not accepted, the DfE may withhold the next instalment.",
        page=2,
        kind="warning",
    )

    # Back on track: an agenda pack and the report inside it say so (one source, not two).
    pack = papers.document(council, "Schools Forum agenda pack, 20 June 2024", meeting=D(2024, 6, 20))
    report = papers.document(council, "Appendix B: Safety Valve quarter 4 return", parent=pack, published=D(2024, 6, 12))
    back = (
        "Following the recovery actions agreed in March, the authority is now back on track against its safety valve trajectory."
    )
    papers.evidence(pack, "sv_on_track", back, page=41)
    papers.evidence(report, "sv_on_track", back, page=3)

    # The January off-track return again, attached to a later meeting under a new link.
    repeat = papers.document(
        council,
        "Safety Valve quarter 3 monitoring return (for information)",
        meeting=D(2024, 9, 19),
        url="https://democracy.northshire.example.gov.uk/documents/s999/repeat.pdf",
        sha256=january_b.sha256,
    )
    papers.evidence(
        repeat,
        "sv_off_track",
        "The authority is not on track to meet Agreement Condition 2, with an in-year overspend of £6.2m.",
        page=5,
    )
    return council


def test_history_follows_the_papers_in_date_order(database):
    with database.session() as session:
        council = _northshire_year(Papers(session))
        timeline = council_timeline(session, council.id)

    assert [(period.status, period.since) for period in timeline] == [
        ("sv_agreed", D(2023, 6, 15)),
        ("sv_on_track", D(2023, 10, 12)),
        ("sv_off_track", D(2024, 1, 18)),  # same-day conflict: the more serious report wins
        ("sv_on_track", D(2024, 6, 20)),  # back on track is a change; the repeat in September is not
    ]


def test_each_period_keeps_the_sentence_that_established_it(database):
    with database.session() as session:
        council = _northshire_year(Papers(session))
        timeline = council_timeline(session, council.id)

    off_track = timeline[2]
    assert [item["quote"] for item in off_track.evidence_json()] == [
        "The authority is not on track to meet Agreement Condition 2, with an in-year overspend of £6.2m."
    ]
    evidence = off_track.evidence_json()[0]
    assert evidence["page"] == 5 and evidence["date"] == "2024-01-18"
    assert evidence["link"].endswith("#page=5")
    assert off_track.figures[0]["amount_gbp"] == 6_200_000 and off_track.figures[0]["label"] == "off track by"


def test_pack_and_the_report_inside_it_are_one_source(database):
    with database.session() as session:
        council = _northshire_year(Papers(session))
        back_on_track = council_timeline(session, council.id)[-1]

    assert len(back_on_track.evidence) == 1
    assert back_on_track.evidence[0].date == D(2024, 6, 20)  # the report takes its pack's meeting date


def test_undated_papers_fall_back_to_publication_then_first_seen(database):
    with database.session() as session:
        papers = Papers(session)
        council = papers.council("westbury")
        published = papers.document(council, "Cabinet report: DSG deficit", published=D(2024, 2, 1))
        papers.evidence(published, "deficit_only", "The cumulative DSG deficit is forecast to reach £18.4m by 31 March 2024.")
        seen = papers.document(council, "DBV grant letter", first_seen=dt.datetime(2024, 5, 2, 9, 30, tzinfo=dt.timezone.utc))
        papers.evidence(seen, "dbv", "Westbury has been invited to take part in the Delivering Better Value in SEND programme.")
        timeline = council_timeline(session, council.id)

    assert [(p.status, p.since) for p in timeline] == [("deficit_only", D(2024, 2, 1)), ("dbv", D(2024, 5, 2))]


def test_warnings_and_doubtful_sentences_alone_give_no_status(database):
    with database.session() as session:
        papers = Papers(session)
        council = papers.council("westbury")
        doc = papers.document(council, "Risk register", meeting=D(2024, 4, 4))
        papers.evidence(
            doc,
            "ems",
            "Should the deficit continue to grow, the authority could be placed under enhanced monitoring.",
            kind="warning",
        )
        papers.evidence(
            doc, "sv_off_track", "Most councils on the programme are struggling to hit their targets.", confidence=0.4
        )
        assert council_timeline(session, council.id) == []


def test_later_background_papers_never_undo_a_more_specific_standing(database):
    """A budget paper that only mentions the deficit, or DBV work, is not news for a safety valve council."""
    with database.session() as session:
        papers = Papers(session)
        council = papers.council("westvale", "Westvale Borough Council")
        dbv = papers.document(council, "Delivering Better Value update", meeting=D(2023, 2, 9))
        papers.evidence(dbv, "dbv", "Westvale joined the Delivering Better Value programme in the second tranche.", page=1)
        deficit = papers.document(council, "Revenue budget 2023/24", meeting=D(2023, 3, 2))
        papers.evidence(
            deficit, "deficit_only", "The cumulative DSG deficit is forecast to reach £18.4m by 31 March 2024.", page=6
        )
        agreed = papers.document(council, "Safety valve agreement", meeting=D(2023, 7, 6))
        papers.evidence(
            agreed, "sv_agreed", "The Council signed its safety valve agreement with the Department on 30 June 2023.", page=2
        )
        budget = papers.document(council, "Medium term financial plan", meeting=D(2023, 11, 16))
        papers.evidence(budget, "deficit_only", "The high needs block deficit stood at £21.2m at the end of quarter 2.", page=9)
        papers.evidence(
            budget, "dbv", "Workstreams begun under Delivering Better Value continue to report to the Forum.", page=10
        )
        off = papers.document(council, "Safety valve quarter 3 return", meeting=D(2024, 1, 25))
        papers.evidence(off, "sv_off_track", "The authority is behind the trajectory agreed with the DfE by £3.1m.", page=4)
        timeline = council_timeline(session, council.id)

    assert [(period.status, period.since) for period in timeline] == [
        ("dbv", D(2023, 2, 9)),  # the deficit paper of March does not undo DBV membership
        ("sv_agreed", D(2023, 7, 6)),  # the November budget paper changes nothing
        ("sv_off_track", D(2024, 1, 25)),
    ]
