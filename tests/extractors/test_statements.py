"""Statements of each status, and near misses that must not give it.

Written by the team for the tests, in the register of council papers; the council reading them is
the fictional "Westshire County Council", and the paper is known to be about the safety valve
programme (as a title like "Safety Valve update" tells the reader).
"""

from __future__ import annotations

import pytest

from extractors import analyse_pages

COUNCIL = ["Westshire County Council", "WCC"]

# (status, a sentence that states it)
STATEMENTS = [
    ("sv_completed", "The council has now successfully completed its safety valve agreement with the Department for Education."),
    ("sv_completed", "The council exited the safety valve programme last year having fully repaid its DSG deficit."),
    ("sv_completed", "Our safety valve agreement has now concluded, with every instalment received from the DfE."),
    (
        "sv_completed",
        "The final safety valve instalment from the DfE was received in March 2025 and the historic deficit has been cleared.",
    ),
    ("sv_completed", "With the last payment under the safety valve agreement the cumulative deficit has been eliminated."),
    ("payment_withheld", "The DfE has decided to withhold the 2024-25 safety valve instalment until a revised plan is agreed."),
    ("payment_withheld", "The DfE has paused the council's safety valve payments while it reviews the revised plan."),
    ("payment_withheld", "Because the agreement is under review, the DfE has not released the quarter 3 payment."),
    ("payment_withheld", "Safety valve payments to the council have been withheld pending the outcome of the DfE review."),
    ("payment_withheld", "Our third instalment was paused by the Department in October."),
    ("payment_withheld", "The DfE confirmed the suspension of the council's remaining safety valve instalments."),
    ("payment_withheld", "The council's safety valve agreement is now subject to review by the DfE."),
    ("ems", "Following the quarter 2 return the council was placed into enhanced monitoring and support."),
    ("ems", "As the authority is under enhanced monitoring, a revised DSG management plan was submitted in January."),
    ("ems", "We remain in enhanced monitoring and support with monthly meetings with DfE advisers."),
    ("ems", "The council's enhanced monitoring and support plan sets out revised savings."),
    ("sv_off_track", "The council is not on track to meet condition 4 of its safety valve agreement."),
    ("sv_off_track", "Our DSG position is no longer on track against the agreed trajectory."),
    (
        "sv_off_track",
        "The quarter 2 return to the DfE showed the council was off track by £6 million against the safety valve trajectory.",
    ),
    ("sv_off_track", "The high needs position is £3.2m behind the agreed safety valve trajectory."),
    ("sv_off_track", "The authority has been unable to meet condition 3 of the agreement this year."),
    ("sv_off_track", "The DSG management plan will not achieve the targets in the safety valve agreement."),
    ("sv_off_track", "The forecast position is not aligned with our safety valve plan."),
    (
        "sv_off_track",
        "The authority's position has deteriorated against the safety valve agreement and a revised plan is being prepared.",
    ),
    ("sv_off_track", "Officers reported adverse movements on the forecasts since the last safety valve return."),
    ("sv_off_track", "The in-year deficit is £2m higher than the agreed safety valve trajectory."),
    ("sv_off_track", "Delivery of the safety valve plan is now at risk because of rising placement costs."),
    (
        "sv_on_track",
        "After a difficult first half of the year, the council is back on track against its safety valve trajectory.",
    ),
    ("sv_on_track", "Following the DfE's approval of the revised plan, the council's safety valve payments have resumed."),
    ("sv_on_track", "The council was on track in 2024/25 and delivered against every condition of its safety valve agreement."),
    ("sv_on_track", "Financial performance remains on track against the agreed DfE plan."),
    ("sv_on_track", "The authority has met all the conditions of the agreement for the second year running."),
    (
        "sv_on_track",
        "The council continues to deliver against its safety valve agreement and has received all payments due to date.",
    ),
    ("sv_on_track", "The financial targets set in the safety valve agreement have been met for 2023/24."),
    ("sv_on_track", "The cumulative DSG deficit is £1.1m better than the agreed safety valve trajectory."),
    ("sv_agreed", "The council's safety valve agreement with the Department for Education runs until 2027/28."),
    ("sv_agreed", "The council has a safety valve agreement with the DfE that runs to 2028."),
    ("sv_agreed", "The council is one of 38 local authorities with a safety valve agreement."),
    ("sv_agreed", "The report sets out performance against the approved safety valve agreement for 2024/25."),
    ("sv_agreed", "In March 2023 the council signed a safety valve agreement with the DfE."),
    ("sv_agreed", "The authority entered into the agreement with the DfE in 2022/23."),
    ("sv_agreed", "A safety valve agreement between the council and the DfE has been in place since 2022."),
    ("sv_agreed", "Our safety valve agreement is now available on the council's website."),
    ("sv_agreed", "The safety valve agreement, signed in March 2022, commits the DfE to paying £28.4m by 2026/27."),
    ("sv_agreed", "2024/25 is year three of the council's safety valve agreement."),
    ("sv_agreed", "Progress against the conditions of the safety valve agreement is reported to the DfE each quarter."),
    ("sv_agreed", "Under the safety valve agreement the council reports its high needs position to the DfE each quarter."),
    ("sv_agreed", "Safety valve funding of £3.4m was received from the DfE in 2023/24."),
    ("sv_agreed", "Under the safety valve deal the DfE will invest £12 million over the next six years."),
    ("sv_negotiating", "The DfE has invited the council to join the safety valve programme."),
    ("sv_negotiating", "The DfE invitation letter sets out the timetable for agreeing a safety valve plan."),
    ("sv_negotiating", "Officers updated the forum on progress towards joining the DfE's safety valve programme."),
    ("sv_negotiating", "The council's initial safety valve proposal will be submitted to the DfE in December."),
    ("sv_negotiating", "Officers are negotiating the terms of a safety valve agreement with the DfE."),
    ("sv_negotiating", "Officers are in discussions with the DfE about a possible safety valve agreement."),
    ("sv_negotiating", "Fortnightly meetings with the Department on the safety valve plan have continued."),
    (
        "sv_negotiating",
        "Cabinet is asked to approve the proposed safety valve agreement and delegate its signing to the Chief Executive.",
    ),
    ("sv_negotiating", "We are taking part in the Department for Education's safety valve programme."),
    ("sv_negotiating", "We have not yet finalised the management plan or the safety valve agreement with the DfE."),
    (
        "sv_negotiating",
        "The council's proposal has been submitted to the Department for Education and a response is expected in March.",
    ),
    ("dbv", "The council is taking part in the Delivering Better Value in SEND programme."),
    ("dbv", "The forum received an update on the Delivering Better Value workstreams and the £1m grant."),
    ("deficit_only", "The DSG deficit is forecast to reach £24.6m by 31 March 2026."),
    ("deficit_only", "The high needs block overspent by £5.2 million in 2023/24."),
    ("deficit_only", "High needs spending is forecast to exceed the grant by £8.9m in 2025/26."),
    ("deficit_only", "The Council has an accumulated deficit on the Dedicated Schools Grant of £31m."),
    (
        "deficit_only",
        "The cumulative deficit at 31 March 2025 is forecast to be £14.3 million, with high needs the main pressure.",
    ),
    ("deficit_only", "The DSG deficit recovery plan was submitted to the DfE in June."),
]

# (status, a sentence that mentions it without stating it of the council)
NEAR_MISSES = [
    ("sv_completed", "The council expects that it will have completed its safety valve agreement by March 2028."),
    ("sv_completed", "Once the council has completed the agreement, the statutory override will no longer be needed."),
    ("sv_completed", "The council hopes to have exited the safety valve programme by 2028."),
    ("sv_completed", "Negotiations on the safety valve agreement have not concluded."),
    ("sv_completed", "The final instalment will be paid in 2027/28 if all conditions are met."),
    ("sv_completed", "The agreement is designed so that the deficit would be eliminated by 2028."),
    ("payment_withheld", "A handful of other councils have seen their instalments suspended by the DfE."),
    ("payment_withheld", "There is a risk that the DfE would suspend payments if targets are missed."),
    ("payment_withheld", "Safety valve payments were paused last year but resumed once the revised plan was accepted."),
    ("payment_withheld", "The payments to schools were paused during the academy conversion."),
    ("payment_withheld", "Members asked about the risk of suspension of safety valve payments."),
    ("payment_withheld", "The agreement is subject to quarterly review by the DfE."),
    ("ems", "Authorities that fall behind their trajectory may be placed into enhanced monitoring."),
    ("ems", "The council is not in enhanced monitoring."),
    ("ems", "Several councils under enhanced monitoring have had to submit revised plans."),
    ("ems", "The new framework gives schools enhanced flexibility over their budgets."),
    ("sv_off_track", "If the council is not on track at quarter 3, the DfE may intervene under the safety valve agreement."),
    (
        "sv_off_track",
        "Each quarterly return to the DfE shows whether the council is on or off track against the safety valve agreement.",
    ),
    ("sv_off_track", "If spending falls behind the trajectory the DfE would review the safety valve agreement."),
    ("sv_off_track", "Should the council fail to meet the conditions of the safety valve agreement, payments could be withheld."),
    ("sv_on_track", "The revised plan aims to get the council back on track by 2026/27."),
    ("sv_on_track", "Safety valve payments will be released once the revised plan is agreed."),
    ("sv_on_track", "The council is not on track to meet the conditions of the safety valve agreement."),
    ("sv_on_track", "The transfer of staff to the new provider remains on track for April under the safety valve plan."),
    (
        "sv_on_track",
        "The returns we send the DfE report on or off track status against the safety valve agreement for each milestone.",
    ),
    ("sv_on_track", "The authority has not met the conditions of the agreement."),
    ("sv_agreed", "The council's draft safety valve agreement will be submitted to the DfE in January."),
    ("sv_agreed", "The council does not have a safety valve agreement."),
    ("sv_agreed", "The council is not one of the councils with a safety valve agreement."),
    ("sv_agreed", "Councils with a signed safety valve agreement receive quarterly instalments."),
    ("sv_agreed", "Cabinet delegated authority to sign the safety valve agreement to the Chief Executive."),
    ("sv_agreed", "Once the council has signed the safety valve agreement, the first instalment will be paid."),
    ("sv_agreed", "No safety valve agreement has been signed yet."),
    ("sv_agreed", "The lease agreement for the new pupil referral unit has been signed."),
    ("sv_agreed", "Under the proposed safety valve agreement the council would report to the DfE each quarter."),
    ("sv_agreed", "If the bid succeeds the DfE could provide £12 million towards the deficit."),
    ("sv_negotiating", "The council has not been invited to join the safety valve programme."),
    ("sv_negotiating", "Five other authorities were invited to join the safety valve programme this year."),
    ("sv_negotiating", "The council decided not to apply for the safety valve programme."),
    ("sv_negotiating", "Officers have had no discussions with the DfE about a safety valve agreement."),
    ("sv_negotiating", "Following discussions with the DfE, the council decided not to pursue a safety valve agreement."),
    ("sv_negotiating", "If officers open talks with the DfE about a safety valve agreement, the Forum will be told."),
    ("sv_negotiating", "A number of local authorities were already in the safety valve programme."),
    ("sv_negotiating", "The council is not part of the safety valve programme."),
    ("dbv", "The council was not selected for the Delivering Better Value programme."),
    ("dbv", "Fifty-five local authorities are taking part in Delivering Better Value nationally."),
    ("deficit_only", "The council does not have a DSG deficit."),
    ("deficit_only", "The deficit on the early years block will be recovered over two years."),
    ("deficit_only", "The cumulative deficit on the Collection Fund is £2.1m, while the DSG is balanced."),
]


@pytest.mark.parametrize("status, text", STATEMENTS)
def test_a_statement_gives_its_status(status: str, text: str) -> None:
    analysis = analyse_pages([text], COUNCIL, context={"sv"})
    assert any(item.status == status and item.kind == "signal" for item in analysis.evidence), [
        (item.status, item.kind, item.rule) for item in analysis.evidence
    ]


@pytest.mark.parametrize("status, text", NEAR_MISSES)
def test_a_near_miss_does_not(status: str, text: str) -> None:
    analysis = analyse_pages([text], COUNCIL, context={"sv"})
    assert not any(item.status == status and item.kind == "signal" for item in analysis.evidence), [
        (item.status, item.kind, item.rule) for item in analysis.evidence
    ]
