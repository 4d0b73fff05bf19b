"""Reading a paper like a specialist reporter: each status, and each trap real papers set.

The sentences are written for these tests in the register of schools forum minutes and
cabinet reports. The council reading them is the fictional "Westshire County Council".
"""

from __future__ import annotations

import pytest

from extractors import analyse_pages

COUNCIL = ["Westshire County Council", "WCC"]


def verdict(*pages: str, names: list[str] = COUNCIL) -> str:
    return analyse_pages(list(pages), names).verdict


# ------------------------------------------------------------------ every status


@pytest.mark.parametrize(
    "text, status",
    [
        ("The Forum noted the timetable for the admissions consultation and thanked officers.", "none"),
        ("The cumulative DSG deficit at 31 March 2025 was £27.3m, driven by high needs placements.", "deficit_only"),
        ("Westshire is one of the authorities taking part in the Delivering Better Value in SEND programme.", "dbv"),
        ("The DfE has invited the council to enter discussions about a safety valve agreement.", "sv_negotiating"),
        ("In March 2024 Westshire signed a safety valve agreement with the Department for Education.", "sv_agreed"),
        ("The Q2 return confirmed that the council remains on track against its safety valve agreement.", "sv_on_track"),
        ("The council is not on track to meet condition 4 of the safety valve agreement.", "sv_off_track"),
        ("Following the Q3 return the DfE placed Westshire into enhanced monitoring and support.", "ems"),
        (
            "The DfE has withheld the council's safety valve instalment for 2025/26 while the plan is reviewed.",
            "payment_withheld",
        ),
        (
            "Westshire has completed its safety valve agreement: the final instalment was received in March and the deficit has been eliminated.",
            "sv_completed",
        ),
    ],
)
def test_every_status_is_read_from_a_plain_statement(text: str, status: str) -> None:
    assert verdict(text) == status


def test_the_key_sentence_may_be_on_a_later_page_and_is_cited_with_it() -> None:
    pages = [
        "Item 1. Apologies. Item 2. Minutes of the last meeting were agreed.",
        "Item 3. Admissions update.",
        "Item 4. The DfE has paused the council's safety valve payments pending a review of the revised plan.",
    ]
    analysis = analyse_pages(pages, COUNCIL)
    assert analysis.verdict == "payment_withheld"
    assert analysis.deciding is not None and analysis.deciding.page == 3
    assert "paused" in analysis.deciding.quote


# ------------------------------------------------------------------ traps from domain.md


def test_both_polarities_in_one_paragraph_off_track_wins() -> None:
    text = (
        "Recruitment to the new specialist outreach team is on track. However the council is not on track "
        "to deliver the fourth condition of the agreement, as independent placements continue to grow."
    )
    assert verdict("The council has a safety valve agreement with the DfE. " + text) == "sv_off_track"


def test_describing_the_reporting_process_is_not_a_result() -> None:
    text = (
        "Under the safety valve agreement, each quarterly return to the DfE shows whether the council is on "
        "or off track against every milestone of the plan."
    )
    assert verdict(text) != "sv_on_track"
    assert verdict(text) != "sv_off_track"


def test_other_councils_payments_are_not_this_councils() -> None:
    text = (
        "Nationally, a handful of other councils have seen their safety valve instalments suspended by the DfE. "
        "Members asked what this might mean for the programme."
    )
    assert verdict(text) not in ("payment_withheld",)


def test_most_las_struggling_while_this_la_is_in_a_good_position() -> None:
    text = (
        "Westshire has a safety valve agreement with the DfE. Many authorities in the cohort are off track against "
        "their trajectories, whereas Westshire's position is comparatively strong."
    )
    assert verdict(text) == "sv_agreed"


def test_news_that_no_further_councils_will_join_is_not_this_council_joining() -> None:
    assert (
        verdict("The DfE has confirmed that no further local authorities will be invited to join the safety valve programme.")
        == "none"
    )
    assert verdict("No more councils will be invited onto the safety valve programme this year, the minister said.") == "none"


def test_talks_with_the_dfe_about_a_possible_agreement_are_negotiating() -> None:
    text = "Officers are in discussions with the DfE about a possible safety valve agreement; a draft plan follows in January."
    assert verdict(text) == "sv_negotiating"
    assert verdict("Following talks with the DfE, the council decided not to pursue a safety valve agreement.") == "none"


def test_a_named_other_council_is_not_this_council() -> None:
    text = "Northborough Council was placed into enhanced monitoring and support last year."
    assert verdict(text) == "none"
    text = "Kent is now under enhanced monitoring, the DfE confirmed."
    assert verdict(text) == "none"


def test_it_after_a_sentence_about_another_council_is_about_that_council() -> None:
    text = (
        "Members heard about Northborough Council's recent quarterly return to the DfE on its safety valve agreement. "
        "It has now been placed into enhanced monitoring and support."
    )
    assert verdict(text) != "ems"


def test_on_track_about_something_else_is_not_a_programme_status() -> None:
    text = "The safety valve programme continues. The transfer of the inclusion staff to the new trust is on track for September."
    assert verdict(text) != "sv_on_track"


@pytest.mark.parametrize(
    "text",
    [
        "The deficit on the Collection Fund of £3.2m is expected to be recovered by 2026/27.",
        "There is still a deficit on the early years block, which the proposed rates aim to address.",
        "The cumulative underspend on the DSG carried forward at 31 March was £6.1m.",
        "The budget shows a general fund gap of £5.7m in 2025/26, rising to £19m by 2027/28.",
        "The school reported a deficit budget for the second year.",
    ],
)
def test_other_deficits_and_underspends_are_not_a_high_needs_deficit(text: str) -> None:
    assert verdict(text) == "none"


def test_other_agreements_in_a_safety_valve_paper_are_not_the_safety_valve_agreement() -> None:
    text = (
        "The Forum received the safety valve briefing for information. "
        "The lease agreement for the new pupil referral unit has been signed, and the transport deal was agreed in June."
    )
    assert verdict(text) == "none"


def test_an_off_track_position_blamed_on_ehcp_growth_is_still_off_track() -> None:
    text = "The council is £6m off track against its safety valve trajectory because of the growth in EHCPs."
    assert verdict(text) == "sv_off_track"


@pytest.mark.parametrize(
    "text",
    [
        "Completion of EHCP assessments within 20 weeks is not on track against the target of 60%.",
        "The council was unable to meet the 20-week target for new EHCPs set by the DfE.",
        "Recruitment to the outreach team is behind plan, and the capital plan is at risk.",
        "We are negotiating the agreement with the transport provider.",
    ],
)
def test_other_targets_and_plans_in_a_safety_valve_paper_are_not_the_programme(text: str) -> None:
    # A monitoring return says there is an agreement (so the first paper is sv_agreed); the
    # sentence after it must add nothing about the agreement either way.
    preface = "This report accompanies the council's safety valve monitoring return. "
    assert verdict(preface + text) == verdict(preface) == "sv_agreed"
    assert verdict("The safety valve programme is mentioned for context only. " + text) in ("none",)


def test_monitoring_after_a_send_inspection_is_not_enhanced_monitoring_of_the_dsg() -> None:
    text = "Following the Ofsted and CQC inspection, the local area partnership is subject to enhanced monitoring by the DfE."
    assert verdict(text) == "none"


def test_a_negative_dsg_reserve_is_a_deficit() -> None:
    assert verdict("The DSG reserve balance remains negative at the end of the year.") == "deficit_only"


def test_enhanced_flexibility_is_not_enhanced_monitoring() -> None:
    assert verdict("The new funding formula gives schools enhanced flexibility over high needs top-ups.") == "none"


def test_negotiating_that_sounds_agreed_is_negotiating() -> None:
    text = (
        "The council has joined the safety valve programme and is revising its DSG management plan as part "
        "of our negotiations with the Department."
    )
    assert verdict(text) == "sv_negotiating"


def test_an_agreement_approved_by_cabinet_but_not_signed_is_negotiating() -> None:
    text = (
        "That Cabinet approves the proposed Safety Valve Agreement with the Department for Education. "
        "That Cabinet delegates the final agreement and signing of the Safety Valve Agreement to the Executive Director."
    )
    assert verdict(text) == "sv_negotiating"


def test_a_published_agreement_is_agreed() -> None:
    assert verdict("The Westshire safety valve agreement is now available on this page.") == "sv_agreed"


def test_where_an_agreement_is_reached_is_hypothetical() -> None:
    text = (
        "The council has been invited to join the safety valve programme. Where an agreement is reached, the DfE "
        "can provide additional funding to reduce the historic deficit."
    )
    assert verdict(text) == "sv_negotiating"


@pytest.mark.parametrize(
    "text, status",
    [
        ("Westshire and Suffolk are among the councils placed in enhanced monitoring and support this year.", "ems"),
        ("Westshire is among the authorities placed in enhanced monitoring and support.", "ems"),
        ("Westshire and Suffolk were both among the councils whose safety valve payments were withheld.", "payment_withheld"),
        ("Kent and Surrey are among the councils placed in enhanced monitoring; Westshire's forum met on Monday.", "none"),
    ],
)
def test_a_council_counted_among_the_councils_takes_their_status(text: str, status: str) -> None:
    assert verdict(text) == status


@pytest.mark.parametrize("closer", ["; as things stand", ", but at present", "; however, today"])
def test_an_opening_condition_ends_at_a_semicolon_or_a_contrast(closer: str) -> None:
    text = f"Should Westshire apply to the safety valve programme it would have to submit a plan{closer} the high needs deficit is £9m."
    assert verdict(text) == "deficit_only"
    assert (
        verdict("Should Westshire apply to the safety valve programme it would then sign an agreement with the Department.")
        == "none"
    )


def test_an_off_track_question_and_answer_with_a_worsening_deficit_is_off_track() -> None:
    text = (
        "Safety Valve monitoring update.\n\n"
        "Officers reported adverse movements in the forecasts since the last return to the DfE.\n\n"
        "Q. Could this affect the authority remaining in the safety valve programme?\n"
        "A. We cannot say yet; discussions with the DfE advisers continue."
    )
    assert verdict(text) == "sv_off_track"


def test_risk_of_withdrawal_is_a_warning_not_a_status() -> None:
    text = (
        "The council has a safety valve agreement with the DfE. There is a risk that the agreement would be "
        "withdrawn and payments suspended if the trajectory slips further."
    )
    analysis = analyse_pages([text], COUNCIL)
    assert analysis.verdict == "sv_agreed"
    assert any(item.kind == "warning" and item.status == "payment_withheld" for item in analysis.evidence)


def test_if_we_fall_behind_is_a_warning() -> None:
    text = "The council has a safety valve agreement. If we fall behind the agreed trajectory, the DfE may place us in enhanced monitoring."
    analysis = analyse_pages([text], COUNCIL)
    assert analysis.verdict == "sv_agreed"
    assert {item.status for item in analysis.warnings} >= {"ems"}


def test_a_past_state_superseded_later_in_the_text_does_not_decide() -> None:
    text = (
        "At quarter 1 the council was off track against its safety valve trajectory. "
        "Following the recovery actions agreed with the DfE, the council is now back on track."
    )
    assert verdict(text) == "sv_on_track"


def test_payments_paused_then_resumed_in_one_sentence_is_not_withheld() -> None:
    text = "Our safety valve payments were paused in the autumn but resumed in January once the revised plan was accepted."
    assert verdict(text) != "payment_withheld"


def test_payments_resumed_in_a_later_sentence_end_the_withholding() -> None:
    text = (
        "In October the DfE paused the council's safety valve payments while the agreement was reviewed. "
        "Following approval of the revised management plan in February, payments have now resumed."
    )
    assert verdict(text) == "sv_on_track"


def test_an_expected_completion_is_not_completion() -> None:
    text = "Under the agreement the DSG deficit will be eliminated by 2027/28, when the final instalment is due."
    assert verdict("The council has a safety valve agreement. " + text) == "sv_agreed"


def test_a_cumulative_underspend_is_not_a_deficit() -> None:
    assert verdict("The cumulative underspend carried forward on the DSG was £18.1m, with £7.2m committed.") == "none"


def test_the_council_is_recognised_by_its_initials_and_short_name() -> None:
    assert verdict("WCC is not on track against its safety valve trajectory.") == "sv_off_track"
    assert verdict("Westshire's safety valve agreement was signed in 2023.", names=["Westshire County Council"]) == "sv_agreed"


def test_a_council_not_in_the_programme_is_not_negotiating() -> None:
    text = "The council has not been invited to join the safety valve programme, but the DSG deficit continues to grow."
    assert verdict(text) == "deficit_only"


# ------------------------------------------------------------------ the vocabulary file


def test_a_bare_no_in_the_vocabulary_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from extractors.cues import CuesError, load_cues

    path = tmp_path / "cues.yaml"
    path.write_text("modality:\n  negation: [not, no]\ntriggers: [deficit]\n", encoding="utf-8")
    with pytest.raises(CuesError, match="quote it"):
        load_cues(path)


def test_every_status_is_stated_by_some_statement() -> None:
    from test_statements import STATEMENTS

    from sendwatch.core.vocabulary import STATUSES

    assert {status for status, _ in STATEMENTS} == set(STATUSES) - {"none"}


def test_two_phrases_of_one_sentence_are_one_statement_not_two_corroborating_ones() -> None:
    once = analyse_pages(["Westshire is part of the Delivering Better Value programme."], ["Westshire County Council"])
    twice = analyse_pages(
        ["Westshire is part of the Delivering Better Value programme. Westshire joined DBV in 2023."],
        ["Westshire County Council"],
    )
    assert once.verdict == twice.verdict == "dbv"
    # "Delivering Better Value" and "better value programme" both match the one sentence: its own confidence
    assert once.confidence == max(signal.confidence for signal in once.signals)
    assert twice.confidence > once.confidence  # a second sentence saying it makes it surer
