"""More phrasings, as other councils write them: each sentence and the status it supports.

Written for the tests (not taken from any paper); the council is the fictional Eastfield.
"""

from __future__ import annotations

import pytest

from extractors import analyse_pages

COUNCIL = ["Eastfield Borough Council"]

PHRASINGS = [
    ("ems", "The Council entered the Enhanced Monitoring and Support process in September 2024."),
    ("payment_withheld", "The DfE is withholding the 2024-25 safety valve payment until a revised plan is agreed."),
    ("payment_withheld", "The DfE has decided not to release the March safety valve instalment."),
    ("sv_completed", "Eastfield's safety valve agreement ended in March 2025 with the deficit cleared."),
    ("sv_on_track", "The council continues to meet the requirements of its safety valve agreement."),
    ("sv_off_track", "The council is not meeting the conditions of its safety valve agreement."),
    ("sv_off_track", "Under the safety valve agreement the council is now unable to achieve an in-year balance by 2026/27."),
    ("sv_negotiating", "The council's safety valve plan was submitted to the DfE in January."),
    ("sv_agreed", "Eastfield is one of 38 councils with a safety valve agreement."),
    ("deficit_only", "Details of the safety valve process are set out in Appendix B. The DSG deficit is forecast to reach £22m."),
    ("none", "The Government has confirmed that the safety valve programme will not take new entrants in 2025/26."),
    (
        "deficit_only",
        "The authority's high needs block overspend is £4.1m; the authority is not part of the safety valve or DBV programmes.",
    ),
    ("sv_negotiating", "Eastfield has been accepted onto the safety valve programme and discussions with the DfE have begun."),
    ("dbv", "Eastfield is in tranche 3 of the DBV programme."),
    ("sv_agreed", "The Safety Valve agreement between Eastfield and the DfE was signed on 17 March 2023."),
    (
        "sv_on_track",
        "The DfE has confirmed that the Council is on track and the fourth safety valve instalment of £2.3m has been released.",
    ),
    ("none", "Officers attended a national conference where the safety valve programme was discussed."),
    (
        "sv_agreed",
        "Eastfield entered into a Safety Valve Agreement with the DfE in March 2023, under which the Department will provide £38.2m by 2028/29 to eliminate the historic deficit.",
    ),
    (
        "sv_on_track",
        "The latest monitoring return submitted to the DfE in February shows that the Council continues to meet the conditions of the Safety Valve agreement and the DSG is on target to achieve an in-year balance by 2026/27.",
    ),
    ("sv_off_track", "The DSG management plan forecast is now £4.3m adverse to the safety valve trajectory for 2024/25."),
    (
        "sv_off_track",
        "The Council has informed the DfE that it will not be able to meet the in-year balance target set out in the Safety Valve agreement.",
    ),
    (
        "ems",
        "The authority has been moved into enhanced monitoring by the Department for Education, following its Q2 monitoring return.",
    ),
    (
        "payment_withheld",
        "The DfE has confirmed that the remaining Safety Valve payments will be held back until a revised plan is agreed; the 2024/25 instalment of £2.1m has not been received.",
    ),
    (
        "payment_withheld",
        "As the Council's safety valve agreement is currently under review, the DfE has not released the Q3 payment.",
    ),
    ("sv_completed", "The council exited the safety valve programme in 2024 having fully repaid its DSG deficit."),
    (
        "sv_negotiating",
        "The Council has been asked by the DfE to take part in the Safety Valve intervention programme and officers are preparing a DSG management plan for submission in January.",
    ),
    (
        "dbv",
        "The Council is one of 55 local authorities selected for the DfE's Delivering Better Value in SEND programme and has received a grant of £1m.",
    ),
    (
        "deficit_only",
        "The Dedicated Schools Grant (DSG) has a cumulative deficit of £42.1m, which is held in an unusable reserve under the statutory override.",
    ),
    ("deficit_only", "High Needs spending is forecast to exceed the grant by £8.9m in 2025/26."),
    ("none", "The council's general fund is forecast to overspend by £3.4m, mainly in adult social care."),
    ("none", "Members noted that Surrey and Kent had signed safety valve agreements with the DfE in 2022."),
    (
        "deficit_only",
        "Unlike neighbouring authorities that have safety valve agreements, Eastfield has not been invited onto the programme, and its DSG deficit now stands at £61m.",
    ),
    ("sv_on_track", "We are on track to deliver the savings in the safety valve plan this year."),
    ("sv_off_track", "The high needs deficit is running ahead of the safety valve profile by £2.7m."),
    ("ems", "Eastfield is now subject to enhanced monitoring and support (EMS) from the DfE."),
    ("sv_agreed", "This is the second year of the Council's Safety Valve agreement."),
    ("sv_negotiating", "Eastfield was one of the councils invited into the 2024/25 round of Safety Valve discussions."),
    ("none", "Schools Forum agreed the de-delegation of funding for trade union facilities time."),
    ("deficit_only", "The LA is required to submit a deficit recovery plan to the DfE as the DSG deficit exceeds 1%."),
    (
        "deficit_only",
        "The Government has announced that councils with safety valve agreements will continue to receive payments. The Council's DSG deficit is forecast to be £23m at March 2026.",
    ),
    ("none", "The DfE's safety valve programme has so far supported 38 local authorities with the highest deficits."),
    ("deficit_only", "Officers will consider whether to seek a safety valve agreement, given the high needs deficit of £12m."),
    ("dbv", "The Council is not in the Safety Valve programme but is part of the Delivering Better Value programme."),
    ("none", "The Schools Forum is asked to note the update on the safety valve programme nationally."),
    (
        "deficit_only",
        "The statutory override for DSG deficits has been extended to March 2028. The authority's cumulative DSG deficit is £17.5m.",
    ),
    ("none", "Capital works at the new special school are on track for completion in September 2025."),
    (
        "sv_negotiating",
        "In June the Council submitted its Safety Valve proposal to the DfE; a decision is expected in the autumn.",
    ),
    ("none", "The Council's children's services budget is overspending by £4.2m due to placement costs."),
    ("deficit_only", "Given the significant overspend on the high needs block, the DSG reserve is now in deficit."),
    (
        "sv_off_track",
        "The DfE has been notified that the authority's position has deteriorated against the safety valve agreement and a revised plan is being prepared.",
    ),
    ("ems", "The council remains in enhanced monitoring and support, with fortnightly meetings with the DfE."),
    ("sv_on_track", "The council's Q4 safety valve return showed the DSG position was £0.8m better than the agreed trajectory."),
    ("sv_agreed", "The Safety Valve Agreement, signed in March 2022, commits the DfE to paying £28.4m by 2026/27."),
    (
        "payment_withheld",
        "The DfE has suspended the Safety Valve agreement pending review and no further payments will be made until the review concludes.",
    ),
    ("none", "Members asked whether the council could apply for the safety valve programme in future."),
    ("sv_negotiating", "The Council has accepted the DfE's invitation to participate in the Safety Valve programme."),
    ("none", "The council does not currently have a DSG deficit, and the high needs block is balanced."),
    ("deficit_only", "The high needs block deficit increased to £9.2m."),
    (
        "sv_on_track",
        "Eastfield continues to deliver against its safety valve agreement and has received all payments due to date.",
    ),
]


@pytest.mark.parametrize("status, text", PHRASINGS)
def test_phrasing_gives_status(status: str, text: str) -> None:
    analysis = analyse_pages([text], COUNCIL)
    assert analysis.verdict == status, [(item.status, item.kind, item.rule) for item in analysis.evidence]


def test_a_breach_of_a_condition_is_off_track() -> None:
    text = "Under the safety valve agreement, the council has breached condition 3 and the DfE has been informed."
    assert analyse_pages([text], COUNCIL).verdict == "sv_off_track"


# Whole paragraphs as reports and minutes set them out: numbered paragraphs, page furniture, tables.
PARAGRAPHS = [
    (
        "sv_agreed",
        "Dedicated Schools Grant: Safety Valve Monitoring\n\n1.1 Northshire County Council entered a safety valve agreement with the Department for Education (DfE) in 2023. The agreement requires the council to reach an in-year balance on the high needs block by 2027/28.\n\n1.2 In return the DfE will pay £19.6m to the council in instalments, subject to quarterly reporting.",
    ),
    (
        "sv_off_track",
        "4. Financial position\n\n4.1 The Q2 forecast for the high needs block is an overspend of £7.1m against a safety valve target of £2.3m. As a result the authority is currently off track against the agreed trajectory, and officers are in discussion with the DfE about a revised plan.",
    ),
    (
        "sv_on_track",
        "The Quarter 3 safety valve return was submitted to the DfE on 15 January. The DfE confirmed that the Council had met the conditions for the third instalment of £2.5m, which was received in March.",
    ),
    (
        "none",
        "Report of the Director of Children's Services\n\nThe report updates the Committee on the SEND capital programme. The new 60 place special school is on track to open in September 2026, and the resourced provision programme is progressing well.",
    ),
    (
        "deficit_only",
        "The Dedicated Schools Grant overspend for the year is £5.3m, bringing the cumulative deficit to £34.9m. The statutory override currently runs to March 2028.",
    ),
    (
        "deficit_only",
        "Members asked whether the council would join the safety valve programme. Officers explained that the council had not been invited, and that the DSG deficit management plan would continue.",
    ),
    (
        "sv_negotiating",
        "Cabinet is recommended to: (a) note the DfE's invitation to take part in the Safety Valve programme; (b) approve the submission of the draft DSG management plan to the DfE.",
    ),
    (
        "payment_withheld",
        "Following the Q1 monitoring return, the DfE has informed the Council that its safety valve payments for 2025-26 are suspended until a revised management plan has been agreed.",
    ),
    (
        "ems",
        "As reported to Cabinet in July, the Council has been in Enhanced Monitoring and Support since April 2025, and meets fortnightly with DfE advisers.",
    ),
    (
        "sv_completed",
        "The Council's safety valve agreement came to an end on 31 March 2025. All payments were received and the historic DSG deficit has been fully eliminated.",
    ),
    (
        "dbv",
        "The Council has completed the diagnostic phase of the DfE's Delivering Better Value in SEND programme and been awarded a grant of £1m to implement its plan.",
    ),
    (
        "none",
        "The Schools Forum approved the de-delegated budgets for 2025/26, including £0.25m for the trade union facilities time and £0.4m for the free school meals eligibility checking service.",
    ),
    (
        "sv_on_track",
        "Northshire County Council – Schools Forum – 10 March 2025\nPage 4\nThe Council remains on track to deliver its Safety Valve agreement, with the cumulative deficit £1.2m lower than forecast.",
    ),
    (
        "deficit_only",
        "Table 3: DSG reserve (£m)\n2023/24 2024/25\nHigh Needs Block deficit 12.6 18.9\nThe high needs block remains in deficit.",
    ),
    (
        "sv_negotiating",
        "The Leader and the Director of Children's Services met the Minister on 12 June as part of the Safety Valve negotiations.",
    ),
    (
        "sv_off_track",
        "The deficit has grown faster than set out in the safety valve plan, and the Council is unlikely to meet the condition to reach an in-year balance by 2026/27.",
    ),
    ("none", "The council's budget for 2025/26 is £1.2bn. The general fund faces a funding gap of £21m over the MTFS period."),
    ("sv_agreed", "Members noted that the Council is now in the fourth year of its safety valve agreement with the DfE."),
]


@pytest.mark.parametrize("status, text", PARAGRAPHS)
def test_paragraph_gives_status(status: str, text: str) -> None:
    analysis = analyse_pages([text], ["Northshire County Council"])
    assert analysis.verdict == status, [(item.status, item.kind, item.rule) for item in analysis.evidence]


# National news, other bodies and other projects in a council's own papers: not its position.
ELSEWHERE = [
    (
        "none",
        "The DfE announced in its update that twelve councils have been placed into enhanced monitoring and support and that payments to three have been withheld.",
    ),
    ("none", "Nationally, the safety valve programme has been paused to new entrants while the government reviews SEND funding."),
    (
        "none",
        "The government's white paper proposes that deficits are written off for councils that have completed their safety valve agreements.",
    ),
    ("none", "Dorset, Kent and Norfolk are among the councils whose agreements are under review."),
    ("none", "The report explains how enhanced monitoring and support works and what happens to councils that go off track."),
    (
        "none",
        "Members asked whether the DfE might withhold payments from councils that miss their targets; officers explained the process.",
    ),
    (
        "deficit_only",
        "Unlike councils in the safety valve programme, Northshire receives no additional funding towards its DSG deficit of £18m.",
    ),
    ("none", "Local authorities with agreements must report quarterly, and those that are off track may have payments withheld."),
    ("none", "The County Councils Network reported that 20 of its members are in enhanced monitoring."),
    ("none", "The Forum noted that the pupil growth fund is on track and that the falling rolls fund was not needed this year."),
    ("none", "The transfer of the SEND transport team to the new provider is on track, and the new contract started in April."),
    ("none", "The new finance system is off track by three months, the Chief Executive said."),
    (
        "sv_off_track",
        "Like several other councils on the programme, Northshire is now off track against its safety valve trajectory.",
    ),
    (
        "none",
        "The Education Select Committee heard that councils with safety valve agreements were concerned that payments could be paused.",
    ),
]


@pytest.mark.parametrize("status, text", ELSEWHERE)
def test_news_about_others_is_not_the_councils_position(status: str, text: str) -> None:
    analysis = analyse_pages([text], ["Northshire County Council"])
    assert analysis.verdict == status, [(item.status, item.kind, item.rule) for item in analysis.evidence]
