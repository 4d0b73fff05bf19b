"""More phrasings, as other councils write them: each sentence and the status it supports.

Written for the tests (not taken from any paper); the council is the fictional Eastfield.
"""

from __future__ import annotations

import pytest

from extractors import analyse_pages

COUNCIL = ["Eastfield Borough Council"]

PHRASINGS = [
    ('sv_agreed', 'Eastfield entered into a Safety Valve Agreement with the DfE in March 2023, under which the Department will provide £38.2m by 2028/29 to eliminate the historic deficit.'),
    ('sv_on_track', 'The latest monitoring return submitted to the DfE in February shows that the Council continues to meet the conditions of the Safety Valve agreement and the DSG is on target to achieve an in-year balance by 2026/27.'),
    ('sv_off_track', 'The DSG management plan forecast is now £4.3m adverse to the safety valve trajectory for 2024/25.'),
    ('sv_off_track', 'The Council has informed the DfE that it will not be able to meet the in-year balance target set out in the Safety Valve agreement.'),
    ('ems', 'The authority has been moved into enhanced monitoring by the Department for Education, following its Q2 monitoring return.'),
    ('payment_withheld', 'The DfE has confirmed that the remaining Safety Valve payments will be held back until a revised plan is agreed; the 2024/25 instalment of £2.1m has not been received.'),
    ('payment_withheld', "As the Council's safety valve agreement is currently under review, the DfE has not released the Q3 payment."),
    ('sv_completed', 'The council exited the safety valve programme in 2024 having fully repaid its DSG deficit.'),
    ('sv_negotiating', 'The Council has been asked by the DfE to take part in the Safety Valve intervention programme and officers are preparing a DSG management plan for submission in January.'),
    ('dbv', "The Council is one of 55 local authorities selected for the DfE's Delivering Better Value in SEND programme and has received a grant of £1m."),
    ('deficit_only', 'The Dedicated Schools Grant (DSG) has a cumulative deficit of £42.1m, which is held in an unusable reserve under the statutory override.'),
    ('deficit_only', 'High Needs spending is forecast to exceed the grant by £8.9m in 2025/26.'),
    ('none', "The council's general fund is forecast to overspend by £3.4m, mainly in adult social care."),
    ('none', 'Members noted that Surrey and Kent had signed safety valve agreements with the DfE in 2022.'),
    ('deficit_only', 'Unlike neighbouring authorities that have safety valve agreements, Eastfield has not been invited onto the programme, and its DSG deficit now stands at £61m.'),
    ('sv_on_track', 'We are on track to deliver the savings in the safety valve plan this year.'),
    ('sv_off_track', 'The high needs deficit is running ahead of the safety valve profile by £2.7m.'),
    ('ems', 'Eastfield is now subject to enhanced monitoring and support (EMS) from the DfE.'),
    ('sv_agreed', "This is the second year of the Council's Safety Valve agreement."),
    ('sv_negotiating', 'Eastfield was one of the councils invited into the 2024/25 round of Safety Valve discussions.'),
    ('none', 'Schools Forum agreed the de-delegation of funding for trade union facilities time.'),
    ('deficit_only', 'The LA is required to submit a deficit recovery plan to the DfE as the DSG deficit exceeds 1%.'),
    ('deficit_only', "The Government has announced that councils with safety valve agreements will continue to receive payments. The Council's DSG deficit is forecast to be £23m at March 2026."),
    ('none', "The DfE's safety valve programme has so far supported 38 local authorities with the highest deficits."),
    ('deficit_only', 'Officers will consider whether to seek a safety valve agreement, given the high needs deficit of £12m.'),
    ('dbv', 'The Council is not in the Safety Valve programme but is part of the Delivering Better Value programme.'),
    ('none', 'The Schools Forum is asked to note the update on the safety valve programme nationally.'),
    ('deficit_only', "The statutory override for DSG deficits has been extended to March 2028. The authority's cumulative DSG deficit is £17.5m."),
    ('none', 'Capital works at the new special school are on track for completion in September 2025.'),
    ('sv_negotiating', 'In June the Council submitted its Safety Valve proposal to the DfE; a decision is expected in the autumn.'),
    ('none', "The Council's children's services budget is overspending by £4.2m due to placement costs."),
    ('deficit_only', 'Given the significant overspend on the high needs block, the DSG reserve is now in deficit.'),
    ('sv_off_track', "The DfE has been notified that the authority's position has deteriorated against the safety valve agreement and a revised plan is being prepared."),
    ('ems', 'The council remains in enhanced monitoring and support, with fortnightly meetings with the DfE.'),
    ('sv_on_track', "The council's Q4 safety valve return showed the DSG position was £0.8m better than the agreed trajectory."),
    ('sv_agreed', 'The Safety Valve Agreement, signed in March 2022, commits the DfE to paying £28.4m by 2026/27.'),
    ('payment_withheld', 'The DfE has suspended the Safety Valve agreement pending review and no further payments will be made until the review concludes.'),
    ('none', 'Members asked whether the council could apply for the safety valve programme in future.'),
    ('sv_negotiating', "The Council has accepted the DfE's invitation to participate in the Safety Valve programme."),
    ('none', 'The council does not currently have a DSG deficit, and the high needs block is balanced.'),
    ('deficit_only', 'The high needs block deficit increased to £9.2m.'),
    ('sv_on_track', 'Eastfield continues to deliver against its safety valve agreement and has received all payments due to date.'),
]


@pytest.mark.parametrize("status, text", PHRASINGS)
def test_phrasing_gives_status(status: str, text: str) -> None:
    analysis = analyse_pages([text], COUNCIL)
    assert analysis.verdict == status, [(item.status, item.kind, item.rule) for item in analysis.evidence]


def test_a_breach_of_a_condition_is_off_track() -> None:
    text = "Under the safety valve agreement, the council has breached condition 3 and the DfE has been informed."
    assert analyse_pages([text], COUNCIL).verdict == "sv_off_track"
