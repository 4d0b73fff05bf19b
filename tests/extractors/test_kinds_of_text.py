"""The kinds of text a keyword reader gets wrong on councils it has never read (issue: "reading
that generalises"), each in several phrasings of our own.

Every sentence here was written for these tests; none comes from a paper, and what they say of
any council is invented. The council reading its own paper is the fictional Westshire; press
items name real places (Sefton, Wigan, Trafford, Oldham), because a reader knows other councils
by the names of England's authorities.
"""

from __future__ import annotations

import pytest

from extractors import analyse_pages

OWN = ["Westshire County Council"]
SV_TITLE = {"sv"}  # the paper's title names the programme ("Safety Valve update")


def verdict(text: str, names: list[str] = OWN, context: set[str] | None = None) -> str:
    return analyse_pages([text], names, context=context or set()).verdict


# ------------------------------------------------------------------ 1. an agreement in place, said in other words

AGREEMENT_IN_OTHER_WORDS = [
    # in passing
    ("High needs pressures have kept growing since the agreement was signed in 2023.", SV_TITLE),
    ("Costs have kept rising since the council entered the agreement in 2022.", SV_TITLE),
    ("The conditions attached to our agreement with the Department are reported each quarter.", None),
    # as the funding route
    ("Our deficit is being repaid by the Department under the arrangement agreed last year.", None),
    ("The historic DSG deficit is being paid down by the DfE in annual contributions.", None),
    ("The accumulated deficit is being repaid by the Department under the safety valve agreement.", None),
    ("Our historic overspend is being cleared under the agreement with the DfE.", SV_TITLE),
    # without the programme's name
    ("Westshire has a multi-year deal with the Department to clear its high needs deficit.", None),
    ("The authority holds a five-year agreement with the DfE to eliminate the accumulated DSG deficit.", None),
    # as money
    ("The Department will pay £12m towards the historic overspend, in yearly instalments tied to our plan.", None),
    ("We receive £3m a year from the DfE towards the accumulated DSG deficit.", None),
    ("The council received the second tranche of £2.4m in March.", SV_TITLE),
]


AGREEMENT_IN_OTHER_WORDS += [
    # press: the Department as the one who bails the council out
    ("The Department for Education agreed to bail out Westshire by £41 million, paid over six years.", SV_TITLE),
    ("Ministers agreed to bail out the council by £18m in instalments.", SV_TITLE),
    ("The government has agreed to fund £22m of the council's high needs deficit over six years.", SV_TITLE),
    ("The government bailed out the council's special needs budget with £20m.", None),
    ("Westshire was bailed out by the Department for Education to the tune of £35m.", None),
    # what is done under an agreement says there is one
    ("Under an agreement with the Department for Education, Westshire receives £4m a year towards its DSG deficit.", None),
]

NOT_AN_AGREEMENT_YET = [
    "The council asked the DfE to fund £30m of the high needs deficit.",
    "Westshire has requested that the Department pay £10m towards the historic DSG deficit.",
    "The DfE refused to bail out the council.",
    "Ministers could bail out the council if its plan is accepted.",
    "The government bailed out the council with exceptional financial support of £20m.",  # the general fund's rescue
    "Under the proposed agreement, the council would receive £25m towards its DSG deficit.",
]


@pytest.mark.parametrize("text", NOT_AN_AGREEMENT_YET)
def test_money_asked_for_refused_or_hoped_for_is_no_agreement(text: str) -> None:
    assert verdict(text, context=SV_TITLE) in ("none", "deficit_only", "sv_negotiating")


@pytest.mark.parametrize("text, context", AGREEMENT_IN_OTHER_WORDS)
def test_an_agreement_said_in_other_words_is_agreed(text: str, context: set[str] | None) -> None:
    assert verdict(text, context=context) == "sv_agreed"


def test_an_agreement_of_the_forum_or_with_a_supplier_is_not_the_programme() -> None:
    text = (
        "Safety valve update. The Forum gave its agreement to the transfer. "
        "The new transport contract was signed with the provider in May."
    )
    assert verdict(text) == "none"


# ------------------------------------------------------------------ 2. negotiations that have ended

NEGOTIATIONS_ENDED = [
    "Negotiations with the DfE were brought to a close in March and the plan was accepted.",
    "Members accepted the Department's offer of an agreement.",
    "Talks with the Department concluded successfully in February.",
    "Following the successful conclusion of talks with the DfE, the plan will now be published.",
    "The Secretary of State has approved the council's proposals.",
    # the talks far from the verb that ends them, the programme named between
    "Talks with the Department on the council's safety valve proposals concluded in March with a signed agreement.",
]


@pytest.mark.parametrize("text", NEGOTIATIONS_ENDED)
def test_negotiations_that_have_ended_are_an_agreement(text: str) -> None:
    assert verdict(text, context=SV_TITLE) == "sv_agreed"


@pytest.mark.parametrize(
    "text",
    [
        "Negotiations with the DfE have not yet concluded.",
        "Cabinet approved the council's safety valve proposal for submission to the Department.",
        "Talks with the Department are expected to conclude in the spring.",
        # an offer made and not yet taken up
        "Cabinet will decide in June whether to accept the Department's offer of a safety valve agreement.",
        "If members accept the DfE's offer of an agreement, the first payment follows in the autumn.",
    ],
)
def test_negotiations_still_going_are_negotiating(text: str) -> None:
    assert verdict(text, context=SV_TITLE) == "sv_negotiating"


# ------------------------------------------------------------------ 3. on or off track in other words

ON_TRACK = [
    "Spending remains within the profile agreed with the Department.",
    "High needs expenditure is running below the trajectory set out in the agreement.",
    "The in-year position is £0.5m better than the profile for 2024/25.",
    "Savings are ahead of the plan agreed with the DfE.",
    # the plan under another name: an envelope, or whatever figure was agreed with the Department
    "Our high needs spend has stayed inside the financial envelope set by the agreement for a second quarter.",
    "Expenditure remains within the envelope set out in our agreement with the Department.",
]
OFF_TRACK = [
    "The deficit is £2m behind the profile in the agreement.",  # behind is behind, whatever it measures
    "The deficit is £4m higher than the figure we agreed with the Department for this stage.",
    "High needs spending this year was well above the level agreed with the DfE.",
    "The deficit is now £6m above the agreed plan.",
    "Savings delivered to date are £1.2m short of the plan.",
    "The council has missed two of the conditions in its agreement.",
    "Placement costs have grown faster than the trajectory allowed for.",
]


@pytest.mark.parametrize("text", ON_TRACK)
def test_on_track_in_other_words(text: str) -> None:
    assert verdict(text, context=SV_TITLE) == "sv_on_track"


@pytest.mark.parametrize("text", OFF_TRACK)
def test_off_track_in_other_words(text: str) -> None:
    assert verdict(text, context=SV_TITLE) == "sv_off_track"


# "... but is below its target": the subject and what is measured are in the clause before.
MEASURED_IN_THE_CLAUSE_BEFORE = [
    ("sv_off_track", "Westshire has found £1.8m of savings so far this year but is short of its £2.4m target."),
    ("sv_off_track", "The council has delivered £3m in savings but is still below the £4m target in its plan."),
    ("sv_on_track", "High needs spending rose by £2m but remains below the trajectory agreed with the Department."),
    ("sv_on_track", "The authority has cut placement costs by £1m but is now ahead of the savings plan."),
]


@pytest.mark.parametrize("status, text", MEASURED_IN_THE_CLAUSE_BEFORE)
def test_a_comparison_whose_subject_is_in_the_clause_before_is_measured_on_it(status: str, text: str) -> None:
    assert verdict(text, context=SV_TITLE) == status


@pytest.mark.parametrize(
    "text",
    [
        "Westshire has not fallen behind the deficit profile set out in its agreement with the Department.",
        "The latest return shows that the council has not missed any of the targets in its plan.",
    ],
)
def test_denying_it_has_fallen_behind_is_on_track(text: str) -> None:
    assert verdict(text, context=SV_TITLE) == "sv_on_track"


def test_not_yet_behind_gives_no_verdict_on_tracking() -> None:
    assert verdict("The deficit is not yet behind the profile in the agreement.", context=SV_TITLE) == "sv_agreed"


def test_ahead_of_an_event_is_a_time_not_a_comparison() -> None:
    text = "Westshire was asked to set out proposals to balance its high needs budget, ahead of possible safety valve support."
    assert verdict(text) == "sv_negotiating"


def test_a_new_subject_after_but_is_measured_on_its_own() -> None:
    # "but costs are above the plan": the clause names what it measures, which the savings do not change.
    assert verdict("The council has made £2m of savings but costs are above the plan.", context=SV_TITLE) == "sv_off_track"


def test_a_management_plan_without_the_programme_is_not_tracking_an_agreement() -> None:
    assert verdict("Spending is £2m above the DSG management plan for the year.") == "none"


# ------------------------------------------------------------------ 4. press items that name several councils

PRESS = (
    "The Department has published its latest safety valve figures. "
    "Sefton, Wigan and Trafford have all had their plans approved under the programme. "
    "Wigan and Trafford were named in the spring as councils with rising costs. "
    "Both were already off track by the end of the year. "
    "Oldham, by contrast, is only in the Delivering Better Value programme."
)


@pytest.mark.parametrize(
    "council, status",
    [
        ("Sefton Council", "sv_agreed"),
        ("Wigan Council", "sv_off_track"),
        ("Trafford Council", "sv_off_track"),
        ("Oldham Council", "dbv"),
        ("Westshire County Council", "none"),
    ],
)
def test_each_council_in_a_press_item_gets_its_own_position(council: str, status: str) -> None:
    assert verdict(PRESS, [council]) == status


ROUND_UP = (
    "SEND budgets: where the boroughs stand. "
    "Sefton's high needs block ended the year £9m in the red. "
    "Wigan is further ahead: officers have been negotiating a safety valve agreement since the summer. "
    "Trafford signed its own deal in 2023; the latest return shows it on track. "
    "Oldham's Delivering Better Value grant funded two projects, and the department said more councils would join later."
)


@pytest.mark.parametrize(
    "council, status",
    [
        ("Sefton Council", "deficit_only"),
        ("Wigan Council", "sv_negotiating"),
        ("Trafford Council", "sv_on_track"),
        ("Oldham Council", "dbv"),
        # never named: what the item says of no council in particular is not its news
        ("Westshire County Council", "none"),
    ],
)
def test_a_round_up_gives_each_council_what_its_own_sentence_says(council: str, status: str) -> None:
    """After "Wigan is further ahead:", the clause that goes on is still Wigan's."""
    assert verdict(ROUND_UP, [council]) == status


def test_a_paper_that_never_names_the_council_says_nothing_of_it_in_passing() -> None:
    text = (
        "Where a plan no longer convinces, the department may pause payments while the agreement is under review. "
        "Payments have been paused for Sefton and Wigan under their safety valve agreements."
    )
    assert verdict(text, ["Westshire County Council"]) == "none"
    assert verdict(text, ["Wigan Council"]) == "payment_withheld"


@pytest.mark.parametrize(
    "council, status", [("Sefton Council", "payment_withheld"), ("Wigan Council", "payment_withheld"), ("Oldham Council", "none")]
)
def test_a_counted_group_named_after_a_colon_is_those_councils(council: str, status: str) -> None:
    text = (
        "The department has safety valve agreements with 40 councils. "
        "Instalments have been paused for two authorities: Sefton and Wigan. Oldham is not affected."
    )
    assert verdict(text, [council]) == status


def test_the_department_confirming_a_report_is_not_the_department_approving_an_agreement() -> None:
    text = (
        "Five more councils have been invited to negotiate safety valve agreements, the DfE has confirmed. They include Sefton."
    )
    assert verdict(text, ["Sefton Council"]) == "sv_negotiating"


def test_a_council_named_on_its_own_after_a_list_does_not_inherit_it() -> None:
    text = (
        "Sefton and Wigan were placed into enhanced monitoring last week. "
        "Oldham, which signed its agreement in 2022, has met every condition so far."
    )
    assert verdict(text, ["Oldham Council"]) == "sv_on_track"
    assert verdict(text, ["Sefton Council"]) == "ems"


def test_the_council_in_a_press_item_is_the_one_just_named() -> None:
    text = "Wigan Council has had its safety valve payments paused. The council said it would submit a revised plan."
    assert verdict(text, ["Sefton Council"]) == "none"
    assert verdict(text, ["Wigan Council"]) == "payment_withheld"


# ------------------------------------------------------------------ 5. agreements under review, for a list

REVIEW = (
    "The DfE said the agreements of Sefton, Wigan and Trafford were now subject to review. "
    "Oldham's agreement continues as planned."
)


@pytest.mark.parametrize(
    "council, status",
    [
        ("Sefton Council", "payment_withheld"),
        ("Wigan Council", "payment_withheld"),
        ("Trafford Council", "payment_withheld"),
        ("Oldham Council", "sv_on_track"),
    ],
)
def test_an_agreement_under_review_is_withheld_for_each_council_listed(council: str, status: str) -> None:
    assert verdict(REVIEW, [council], context=SV_TITLE) == status


def test_the_council_s_own_agreement_placed_under_review() -> None:
    assert verdict("Westshire's safety valve agreement has been placed under review by the DfE.") == "payment_withheld"


def test_a_routine_review_of_the_agreement_is_not_withheld() -> None:
    assert verdict("The agreement is subject to quarterly review by the DfE.", context=SV_TITLE) != "payment_withheld"


# ------------------------------------------------------------------ 6. a national announcement is not membership


@pytest.mark.parametrize(
    "text, names",
    [
        (
            "The Education Secretary launched Delivering Better Value in a speech that mentioned rising costs in Sefton.",
            ["Sefton Council"],
        ),
        ("The DfE announced that 55 councils would take part in Delivering Better Value.", OWN),
        ("Delivering Better Value is a programme that supports local authorities with high deficits.", OWN),
        (
            "The government has launched the safety valve programme nationally, with Sefton among the areas it described.",
            ["Sefton Council"],
        ),
    ],
)
def test_a_national_announcement_is_not_a_council_s_membership(text: str, names: list[str]) -> None:
    assert verdict(text, names) == "none"


def test_the_council_s_own_part_in_a_programme_it_describes_still_counts() -> None:
    text = "Delivering Better Value, which the DfE launched in 2022, is funding our new outreach service."
    assert verdict(text) == "dbv"


# ------------------------------------------------------------------ more phrasings of each status

MORE_PHRASINGS = [
    ("sv_agreed", "Since signing the Safety Valve deal in 2022, the council has received £14m."),
    ("sv_agreed", "Under the terms of the Safety Valve, the DfE will fund £20m of the deficit."),
    ("sv_agreed", "The authority is in year three of its safety valve plan with the DfE."),
    ("sv_agreed", "Westshire was among the councils awarded safety valve funding in 2023."),
    ("sv_agreed", "The DfE bailout, agreed last March, will clear the remaining deficit by 2028."),
    ("sv_agreed", "Our DSG recovery agreement with the ESFA runs until 2027."),
    ("sv_agreed", "Westshire secured a safety valve deal worth £30m in 2023."),
    ("sv_agreed", "The council signed up to the safety valve programme in 2021 and receives annual payments from the DfE."),
    ("sv_negotiating", "Westshire has been asked to take part in the next round of the safety valve programme."),
    ("sv_negotiating", "A proposal for entry to the safety valve programme will be submitted in October."),
    ("sv_negotiating", "The council is awaiting the outcome of its safety valve submission."),
    ("sv_on_track", "Safety valve update. The latest quarterly return shows the council is meeting all conditions."),
    ("sv_on_track", "Safety valve update. Expenditure is tracking below the agreed profile."),
    ("sv_off_track", "Safety valve update. The deficit is forecast to exceed the safety valve target by £4m."),
    ("sv_off_track", "The council will not achieve an in-year balance by 2025/26 as required by the safety valve agreement."),
    ("ems", "Westshire has been moved to enhanced monitoring."),
    ("payment_withheld", "Safety valve update. The DfE has not paid the 2024/25 instalment."),
    ("sv_completed", "The final payment under the safety valve agreement was received in March, bringing it to a close."),
    ("deficit_only", "The high needs block ended the year £5m overspent."),
    ("deficit_only", "There is a £12m gap between high needs funding and spending."),
    ("deficit_only", "High needs costs rose to £56m against a grant of £48m, leaving an £8m shortfall."),
    ("deficit_only", "Westshire's DSG reserve is £14m in deficit."),
    ("none", "The school has a deficit of £200k."),
    ("none", "The council's overall budget gap is £20m."),
    ("none", "Nationally, high needs deficits total £3bn."),
    ("none", "Kent and Surrey have safety valve agreements; Westshire does not."),
    ("dbv", "Westshire received a £1m DBV grant to fund its SEND projects."),
    ("none", "The DfE's Delivering Better Value programme works with 55 councils across England."),
]


MORE_PHRASINGS += [
    # Delivering Better Value named loosely, as officers say it in minutes
    ("dbv", "The head of SEND said the service was delivering a better value programme with the Department."),
    ("dbv", "Members heard that the better value programme had identified three workstreams for the high needs block."),
    # an agreement that has ceased, its funding all received
    ("sv_completed", "The council's safety valve agreement ceased in March once the last of its funding had been received."),
    ("sv_completed", "Members noted the cessation of the safety valve agreement at the end of 2024/25."),
]


MORE_PHRASINGS += [
    # an agreement finished, said with the programme loosely named or the payments run out
    ("sv_completed", "Safety valve update. The council has completed its agreement and cleared its deficit."),
    (
        "sv_completed",
        "Safety valve update. Westshire has now left the programme, having received the last of the Department's payments.",
    ),
    ("sv_completed", "Westshire became one of the first councils in the country to complete a safety valve agreement."),
    ("sv_completed", "Safety valve update. The council received the final instalment of the Department's funding in March."),
    # guards: a programme's board, an aim, a plan to exit
    ("sv_agreed", "Safety valve update. The council has left the programme board, and its agreement continues."),
    ("sv_agreed", "Safety valve update. The council aims to complete its agreement by 2027."),
    # the state itself, under another's name; a finding, not a future
    ("ems", "The authority is now subject to the Department's enhanced monitoring arrangements."),
    (
        "ems",
        "The Department for Education has written to the council to confirm that Westshire will move into enhanced monitoring.",
    ),
    ("sv_off_track", "Safety valve update. Westshire was found to be behind its trajectory in the latest return."),
    # a denied belief denies what is believed
    ("none", "Officers do not consider that Westshire meets the threshold for a safety valve invitation."),
    # the "Delivering" of Delivering Better Value measures nothing
    (
        "dbv",
        "Safety valve update. Westshire is not in the programme and continues to implement its Delivering Better Value plan.",
    ),
]


MORE_PHRASINGS += [
    # the Department's long name does not push the invitation out of reach
    (
        "sv_negotiating",
        "The Director informed the Forum that the Council had been invited by the Department for Education in June "
        "to take part in the safety valve programme.",
    ),
    # a bid sent, in a paper about the programme, without the programme's name in the sentence
    ("sv_negotiating", "Safety valve update. Officers sent our draft proposal to the Department for Education in January."),
    ("sv_agreed", "Safety valve update. The council has its agreement. Officers sent the proposal for a new school to Cabinet."),
]


MORE_PHRASINGS += [
    # "subject to review" is the agreement's state, not a condition on what follows it
    ("payment_withheld", "The agreement is subject to review by the Department and the instalments have been suspended."),
    # a power, or a decision still to come, to resume is not a resumption
    (
        "payment_withheld",
        "The Department has placed our safety valve agreement under review and paused payments. "
        "It has the power to resume them once a revised plan is accepted.",
    ),
    # money of the programme held; a last tranche received some words later; an agreement that has run its course
    ("sv_agreed", "The Council is in receipt of safety valve funding from the Department for Education."),
    ("sv_completed", "The final tranche of safety valve funding has now been received from the Department for Education."),
    ("sv_completed", "Safety valve update. The agreement, signed in 2021, has run its course."),
    # on or better than the target
    ("sv_on_track", "Safety valve update. Every quarterly return has shown the Council on or ahead of the agreed trajectory."),
    ("sv_on_track", "Safety valve update. The deficit has stayed at or below the agreed profile in every quarter."),
    # returns sent under the agreement are reporting, not a bid, however far the verb
    ("sv_agreed", "Monitoring returns to the Department under the safety valve agreement continue to be submitted each quarter."),
    # an agreement with the Department in the programme's own terms, without its name
    (
        "sv_on_track",
        "The Council has met the conditions of its agreement in full, and the Department will release the next tranche.",
    ),
    # a demand made of the Government is not its money; a gap given its size some words later is a deficit
    (
        "deficit_only",
        "Westshire has renewed its call for the Government to reform how SEND support is funded, "
        "as the gap in its high needs budget reaches £41.5 million.",
    ),
    # an academy's funding agreement, and a heading that measures nothing
    ("none", "The school's funding agreement with the Department sets out the conditions for its academy trust."),
]


def test_a_table_heading_that_measures_against_the_plan_is_not_off_track() -> None:
    assert verdict("Safety valve monitoring: cumulative deficit against agreed profile (£m)") != "sv_off_track"


MORE_PHRASINGS += [
    # an aim of getting back on track, or an intention to, ends nothing
    (
        "payment_withheld",
        "Safety valve. The Department has paused our payments. It is our firm intention to get back on track and have the payments reinstated.",
    ),
    ("ems", "Safety valve. We are in enhanced monitoring. We have to show the Department that we can get back on track."),
    (
        "ems",
        "Safety valve. Westshire is in enhanced monitoring and support, working with the Department to get the agreement back on track.",
    ),
    # a deficit against the plan's own sum: the sums say which way
    (
        "sv_on_track",
        "Safety valve. The in-year overspend had fallen to £850,000, against a target in the agreement of just over £1m.",
    ),
    (
        "sv_off_track",
        "Safety valve. The in-year deficit is now forecast at £2.9m, against the £1.1m permitted by the trajectory in our agreement.",
    ),
    # agreements finished in other words; "concluded" as in reached
    (
        "sv_completed",
        "Westshire's arrangement with the Department for Education on the historic high needs deficit has come to an end.",
    ),
    (
        "sv_agreed",
        "Safety valve. The DSG recovery agreement with the DfE had been formally concluded in March and was now in place.",
    ),
    # payments paused in a relative clause, then reinstated
    (
        "sv_on_track",
        "Safety valve progress. Payments under the agreement, which had been paused last year while the Department "
        "reviewed the revised plan, had since been reinstated in full.",
    ),
    # a bid hoped to be accepted is still a bid; a deal with the Government paying into the high needs budget
    (
        "sv_negotiating",
        "Westshire has submitted its proposal to join the safety valve programme, a move which, if accepted, would see the DfE contribute.",
    ),
    ("sv_agreed", "Westshire has agreed a deal with the Government that will see £18.5 million paid into its high needs budget."),
    # keyword traps: a school's deficits, a college's schedule, receiving no money, invitations in general
    ("none", "Officers stressed that school deficits were a matter for governing bodies and not part of the DSG position."),
    (
        "sv_on_track",
        "Safety valve. All conditions have been met, though a college expansion the plan relies on is running behind schedule.",
    ),
    ("none", "A spokesperson said the authority's payments were not affected, because it receives no safety valve money."),
    ("none", "The Director said Westshire did not meet the thresholds used for safety valve invitations."),
]


MORE_PHRASINGS += [
    # a denial that reaches over an aside; a new statement after ", and ... that if"
    ("ems", "Safety valve. We are in enhanced monitoring and support, and the Department has not, so far, withheld any payment."),
    (
        "sv_on_track",
        "Safety valve. Westshire is in the strongest position: it is on track, and officials say that if it slipped, payments could be withheld.",
    ),
    # the agreement's own terms in a high needs paper, without the Department in the sentence
    (
        "sv_off_track",
        "The in-year high needs deficit is forecast at £2.9m, against the £1.1m permitted by the trajectory in our agreement.",
    ),
    # a deficit the sentence goes on to say is gone; a pothole target
    ("none", "Westshire ran up a high needs deficit in 2021 but cleared it within two years, and currently has no deficit."),
    ("deficit_only", "Westshire had no high needs deficit in 2019, but now has a deficit of £20m."),
    (
        "sv_negotiating",
        "Safety valve. Westshire is negotiating its agreement. The pothole repair target was on track, the Cabinet Member noted.",
    ),
]


MORE_PHRASINGS += [
    # a single condition of the agreement ties it; an agreement asked about still makes the paper the programme's
    (
        "sv_off_track",
        "High needs recovery. The Q2 submission shows that Westshire will not achieve the in-year balance required by condition 1 of the agreement.",
    ),
    (
        "sv_off_track",
        "Will the Chair say whether Westshire is meeting the targets in its agreement with the Department for Education? "
        "The most recent return to the Department shows that Westshire is not meeting the target for the year.",
    ),
    # payments that "may resume if" are still suspended; a gerund is an act spoken of
    (
        "payment_withheld",
        "Safety valve. Payments under its agreement have been suspended pending a review, and payments may resume if a revised plan is agreed.",
    ),
    ("none", "Safety valve. Sector leaders have warned that pausing payments risks pushing councils further into the red."),
    # what happens in general, when or where
    ("none", "Safety valve. When an authority misses its targets, officials can move it into enhanced monitoring."),
    ("none", "Safety valve. The DfE said it will always act where those conditions are not being met."),
    # talks still going on; an agreement that concluded last year; not reached "the end of the road"
    (
        "sv_negotiating",
        "Safety valve agreement. The terms of the proposed agreement are still under negotiation and will be reported when finalised.",
    ),
    (
        "sv_completed",
        "Safety valve. Westshire has reached the end of the road: its agreement concluded last year once the final payment was made.",
    ),
    # "this week" is not a timescale; a report's result told after "that" is the result
    (
        "sv_off_track",
        "Westshire admitted this week that it had missed the deficit reduction target set out in its safety valve plan.",
    ),
    (
        "sv_on_track",
        "Safety valve monitoring. The conditions were RAG-rated green or amber, and officials had confirmed that the authority is on track with its trajectory.",
    ),
]


MORE_PHRASINGS += [
    # keyword traps: a metaphor, a supplier's payments and monitoring
    ("none", "The capitalisation direction agreed by government has acted as a safety valve for the general fund."),
    (
        "none",
        "Safety valve. Under the default provisions of the contract, payments of £96,500 had been withheld pending rectification.",
    ),
    ("none", "Safety valve. The Head of Highways reported that the term contractor had been placed under enhanced monitoring."),
    # a condition on the Department's payments is no verdict on progress
    (
        "sv_agreed",
        "In 2022 the Council entered into an agreement with the Department under which it will pay £100m, "
        "provided the Council meets the conditions set out in the agreement.",
    ),
    # history before the agreement; a forecast of growth
    (
        "sv_agreed",
        "Before the agreement with the Department was signed in 2022, high needs spending was running ahead of its "
        "allocation and the deficit was on course to pass £28.8m.",
    ),
    # the enhanced tier; withheld contributions; behind where it had committed to be
    ("ems", "Safety valve. The Department has moved the Council on to the enhanced tier of monitoring."),
    (
        "payment_withheld",
        "Following the Department's review of its safety valve agreement, no further contributions are being paid to the Council.",
    ),
    (
        "sv_off_track",
        "Safety valve. The latest figures showed the city was behind where it had committed to be in year two of the agreement.",
    ),
    # a payment that may be released later is still held back
    (
        "payment_withheld",
        "Safety valve. The Department has withheld the payment, and has said it may be released, and back-dated, once the plan is agreed.",
    ),
    # ahead of schedule is good news whatever is measured; a close that was successful
    (
        "sv_completed",
        "We have cleared our high needs deficit a year ahead of schedule, bringing our agreement with the Department for Education to a successful close.",
    ),
    # the other programme, rather than this one
    (
        "dbv",
        "Westshire, which is taking part in Delivering Better Value rather than safety valve, has a high needs deficit of £19m.",
    ),
]


@pytest.mark.parametrize("council, status", [("Sefton Council", "dbv"), ("Wigan Council", "dbv"), ("Oldham Council", "none")])
def test_councils_said_to_be_among_a_group_are_in_it(council: str, status: str) -> None:
    text = (
        "The Department has confirmed the next group of local authorities to take part in Delivering Better Value. "
        "Sefton and Wigan are among the councils joining this round."
    )
    assert verdict(text, [council]) == status


def test_an_aside_of_comparison_closes_at_its_comma() -> None:
    text = (
        "Sefton has been placed under enhanced monitoring after its safety valve returns fell behind. "
        "Unlike Sefton and Wigan, Westshire has no agreement yet. The county was invited into the programme last year."
    )
    assert verdict(text) == "sv_negotiating"


def test_a_council_listed_after_the_is_still_in_the_list() -> None:
    text = "Safety valve. Two authorities have reached the end of their agreements: Sefton and the Westshire County Council."
    assert verdict(text) == "sv_completed"


def test_counted_boroughs_are_councils_in_general() -> None:
    assert verdict("Safety valve. Two boroughs moved into enhanced monitoring. Westshire's figures were not available.") == "none"


def test_a_council_named_with_an_ampersand_is_the_same_council() -> None:
    text = "Brighton & Hove City Council has turned down an invitation to the safety valve programme. Its high needs deficit is £9.8m."
    assert verdict(text, ["Brighton and Hove City Council"]) == "deficit_only"
    assert verdict(text, ["Westshire County Council"]) == "none"


def test_a_list_printed_in_capitals_names_its_councils() -> None:
    text = "Safety valve positions\nSEFTON – placed in enhanced monitoring\nWIGAN – on track against its agreement"
    assert verdict(text, ["Sefton Council"]) == "ems"
    assert verdict(text, ["Oldham Council"]) == "none"


def test_agreements_in_the_plural_of_no_council_are_the_programme_s() -> None:
    text = (
        "On 12 March the DfE published its updated list of safety valve agreements, which now names 42 authorities. "
        "Westshire does not appear on it and has not been invited to join."
    )
    assert verdict(text) == "none"
    assert verdict("The DfE has committed £1bn through safety valve agreements. Both of ours are on track.") != "none"


@pytest.mark.parametrize(
    "council, status", [("Sefton Council", "sv_agreed"), ("Wigan Council", "sv_agreed"), ("Oldham Council", "none")]
)
def test_the_list_named_after_a_national_sentence_gives_its_members_the_claim(council: str, status: str) -> None:
    text = (
        "The DfE published its updated list of safety valve agreements, which now names 42 authorities. "
        "In the north west the list includes Sefton, which signed last year, and Wigan; Oldham is not on it."
    )
    assert verdict(text, [council]) == status


@pytest.mark.parametrize(
    "council, status", [("Sefton Council", "payment_withheld"), ("Wigan Council", "payment_withheld"), ("Oldham Council", "none")]
)
def test_councils_named_as_some_of_a_counted_group_are_in_it(council: str, status: str) -> None:
    text = (
        "The DfE has told safety valve authorities that payments to five councils are paused while their agreements "
        "are under review. Its letter names two of these, Sefton and Wigan. Oldham is not affected."
    )
    assert verdict(text, [council]) == status


def test_the_councils_invited_include_the_ones_named() -> None:
    text = (
        "The Department has invited 20 more local authorities to take part in Delivering Better Value. "
        "The councils invited include Sefton and Wigan. The minister praised Oldham, although neither Oldham nor "
        "its neighbours are part of the programme."
    )
    assert verdict(text, ["Wigan Council"]) == "dbv"
    assert verdict(text, ["Oldham Council"]) == "none"


def test_a_council_named_in_a_relative_clause_is_not_the_subject() -> None:
    text = "Safety valve report. Sefton, with which Wigan shares a commissioning team, is negotiating its own agreement."
    assert verdict(text, ["Sefton Council"]) == "sv_negotiating"
    assert verdict(text, ["Wigan Council"]) == "none"


def test_its_own_agreement_is_an_agreement() -> None:
    assert (
        verdict("Safety valve news. Sefton, which signed its own agreement in March, is receiving payments.", ["Sefton Council"])
        == "sv_agreed"
    )


def test_a_national_body_s_forecast_is_no_council_s_progress() -> None:
    text = (
        "Councils' combined high needs deficits are on course to exceed £5bn, the Local Government Association warned. "
        "Sefton, which signed a safety valve agreement last year, is one of its case studies."
    )
    assert verdict(text, ["Sefton Council"]) == "sv_agreed"


def test_a_state_said_in_a_relative_clause_stays_in_it() -> None:
    text = "Unlike Sefton, which has a safety valve agreement with the Department, Westshire has not been invited to join."
    assert verdict(text, ["Sefton Council"]) == "sv_agreed"
    assert verdict(text) == "none"


@pytest.mark.parametrize(
    "text",
    [
        "SEND deficits: how the region's councils compare",
        "Councils warn high needs deficits threaten their solvency.",
        "Where an authority's plan no longer convinces, its deficit may not be cleared and the DfE may act.",
    ],
)
def test_deficits_of_councils_in_general_are_no_one_council_s(text: str) -> None:
    assert verdict(text) == "none"


def test_deficits_of_councils_in_general_become_a_council_s_when_it_is_named_among_them() -> None:
    assert verdict("Councils warn high needs deficits threaten their solvency. Westshire is among them.") == "deficit_only"


@pytest.mark.parametrize("status, text", MORE_PHRASINGS)
def test_more_phrasings_of_each_status(status: str, text: str) -> None:
    assert verdict(text) == status


# ------------------------------------------------------------------ 4 (again). lists that name the councils a claim is about

LISTS = [
    (
        "The five councils whose safety valve payments have been suspended are Cambridgeshire, Dorset, Hillingdon, "
        "Norfolk and Bath and North East Somerset.",
        "Dorset Council",
        "payment_withheld",
    ),
    (
        "The councils with safety valve agreements signed this year are: Bristol, Devon and Wiltshire.",
        "Devon County Council",
        "sv_agreed",
    ),
    ("The DfE has agreed safety valve deals with Bristol, Devon and Wiltshire.", "Wiltshire Council", "sv_agreed"),
    ("Councils including Kent, Surrey and Norfolk have been placed under enhanced monitoring.", "Surrey County Council", "ems"),
    ("Wiltshire: dedicated schools grant safety valve agreement 2023-2024", "Wiltshire Council", "sv_agreed"),
]


@pytest.mark.parametrize("text, council, status", LISTS)
def test_a_list_gives_each_council_named_in_it_the_status(text: str, council: str, status: str) -> None:
    assert verdict(text, [council]) == status
    assert verdict(text, ["Oldham Council"]) == "none"  # and no council left out of it


# ------------------------------------------------------------------ deficits: the high needs block's, or another fund's

DEFICITS = [
    ("none", "Schools in the county face a combined deficit of £4m."),
    ("none", "The council's children's services overspent by £6m, largely on placements."),
    ("none", "Home to school transport for SEND pupils is £3m over budget."),
    ("none", "The DSG is expected to balance this year."),
    ("none", "The high needs block underspent by £1.2m."),
    ("deficit_only", "A £2m overspend on high needs was offset by underspends elsewhere in the DSG."),
    ("deficit_only", "Like many councils, Westshire has a growing high needs deficit."),
    ("none", "High needs deficits are rising across England, the LGA said."),
    ("none", "The early years block is forecast to overspend by £0.5m."),
    ("none", "The council is lobbying for the statutory override to be extended."),
    ("deficit_only", "The DSG deficit is forecast to be eliminated by 2026."),
    ("deficit_only", "Westshire's high needs spending exceeded its allocation by £7m last year."),
    ("deficit_only", "The cumulative deficit on the DSG now stands at £31m."),
    ("none", "The general fund deficit is £9m, while the DSG is balanced."),
    ("deficit_only", "Spending on special educational needs is £5m more than the council receives from government."),
    ("none", "Academies in Westshire reported deficits totalling £2m."),
    ("deficit_only", "The council expects to carry a £19m DSG deficit into 2025/26."),
    ("none", "Councils across England face a £5bn SEND black hole, a report warns."),
    ("deficit_only", "Westshire faces a £40m SEND black hole."),
    ("none", "The council's budget has a £12m gap for next year."),
]


DEFICITS += [
    # the general fund's rescue named just before: "the overspend" that follows is the general fund's
    (
        "none",
        "Several councils have asked for exceptional financial support this year. "
        "The Leader said the council did not need it, but the overspend pressures were still serious. "
        "Support for pupils with special educational needs remains a priority.",
    ),
    (
        "none",
        "The council has applied for a capitalisation direction of £20m. The overspend is expected to grow. "
        "The SEND strategy is on the agenda.",
    ),
]


DEFICITS += [
    # the DSG's other blocks: a schools block overspend is not a high needs deficit
    ("none", "The high needs block was balanced. The schools block shows an overspend of £150,000 on its contingency."),
    ("none", "An overspend of £80k on the central school services block was reported."),
    # the schools block as the source of a block transfer: the deficit is still the high needs block's
    (
        "deficit_only",
        "With the high needs deficit still growing, the Forum agreed to move 0.5% from the schools block to high needs.",
    ),
]


@pytest.mark.parametrize("status, text", DEFICITS)
def test_a_deficit_is_the_councils_high_needs_deficit_or_not(status: str, text: str) -> None:
    assert verdict(text) == status


# ------------------------------------------------------------------ the position against what the council itself said it would be

AGAINST_OWN_WORD = [
    ("sv_on_track", "At the end of 2024/25 we are £310,000 better off than we expected to be."),
    ("sv_on_track", "The deficit closed at £2m, which is £0.4m better than we planned."),
    ("sv_on_track", "The outturn was £1.0m, a little better than the deficit that we set in our plan of £1.3m."),
    ("sv_off_track", "We now forecast an overspend of £900k, which is £150k over where we said we would be."),
    ("sv_off_track", "Spending is £0.6m worse than we had forecast when the plan was agreed."),
]


@pytest.mark.parametrize("status, text", AGAINST_OWN_WORD)
def test_the_position_against_what_the_council_said_it_would_be(status: str, text: str) -> None:
    assert verdict(text, context=SV_TITLE) == status


def test_better_than_expected_on_another_fund_or_denied_is_no_tracking() -> None:
    assert verdict("We are £2m better off than we thought on the general fund.", context=SV_TITLE) == "none"
    assert verdict("We are not better off than we expected.", context=SV_TITLE) == "none"


# ------------------------------------------------------------------ an agreement being carried out


def test_carrying_out_the_programme_presupposes_the_agreement() -> None:
    assert verdict("The council has been implementing its safety valve programme since 2023.") == "sv_agreed"
    assert verdict("The safety valve plan was implemented from April.") == "sv_agreed"


def test_an_aim_to_carry_it_out_is_not_yet_an_agreement() -> None:
    assert verdict("The council is preparing to implement the safety valve programme once agreed.") == "sv_negotiating"


# ------------------------------------------------------------------ "it is believed", "it was noted": nobody's position


def test_a_dummy_it_does_not_make_other_councils_news_the_council_s_own() -> None:
    text = "Safety valve update. It is believed the new deadlines followed the pausing of payments to several local authorities."
    assert verdict(text) == "none"
    assert (
        verdict("Safety valve update. It was noted that the Department has paused the council's payments.") == "payment_withheld"
    )


# ------------------------------------------------------------------ a press item listing councils' deficits one by one


def test_each_council_s_deficit_in_a_run_of_press_sentences_is_its_high_needs_deficit() -> None:
    text = (
        "Oldham said it overspent its high needs budget by £20m last year. "
        "Wigan forecast an overspend of £12m, and nine other councils forecast overspends of £5m to £9m. "
        "Westshire has a forecast deficit of £8m for the year."
    )
    assert verdict(text) == "deficit_only"


# ------------------------------------------------------------------ an agreement told as the outcome of what came before

AGREEMENT_AS_OUTCOME = [
    ("Safety valve update. The balanced plan cut the deficit to £18m, enabling a £18m funding agreement.", "sv_agreed"),
    ("A revised plan brought the deficit down and led to a £15m safety valve agreement with the Department.", "sv_agreed"),
    ("Safety valve update. The council is negotiating a £30m agreement.", "sv_negotiating"),
    ("Officers hope the bid will lead to a safety valve agreement.", "none"),
    ("Safety valve update. If accepted, the plan would result in a £25m agreement.", "none"),
    ("Safety valve update. A £2m agreement with the bus operator was signed.", "none"),
]


@pytest.mark.parametrize("text, status", AGREEMENT_AS_OUTCOME)
def test_an_agreement_as_the_outcome_of_a_plan_is_agreed_once_it_happened(text: str, status: str) -> None:
    assert verdict(text) == status


# ------------------------------------------------------------------ what only a council with an agreement does

UNDER_AN_AGREEMENT = [
    ("sv_agreed", "Since joining the programme in 2022, the council has received £18m from the DfE."),
    ("sv_agreed", "The council has received £18m from the DfE since it joined the safety valve programme."),
    ("sv_agreed", "Our quarterly monitoring return to the DfE was submitted in October."),
    ("sv_agreed", "The council submitted its latest safety valve monitoring report to the Department in June."),
    ("sv_agreed", "The terms agreed with the Department require an in-year balance by 2027."),
    ("sv_negotiating", "The council submitted its safety valve proposal to the Department in June."),
    ("sv_negotiating", "Officers submitted the council's safety valve application with its latest monitoring report."),
    ("none", "Other councils have received £20m each from the DfE under their safety valve agreements."),
    ("none", "The council received £2.1m of capital funding from the DfE for new special school places."),
    ("none", "The school's quarterly report was submitted to governors."),
    ("dbv", "The council received £1m from the DfE as its Delivering Better Value grant."),
]


@pytest.mark.parametrize("status, text", UNDER_AN_AGREEMENT)
def test_money_received_and_returns_made_under_an_agreement_say_there_is_one(status: str, text: str) -> None:
    assert verdict(text, context=SV_TITLE) == status


# ------------------------------------------------------------------ press: a deal told as what each council gets

PRESS_DEALS = (
    "The Department has struck safety valve deals with six more local authorities. "
    "Wigan will receive £61 million by 2028-29 to pay off its deficit, with £20m paid this spring. "
    "Oldham will be handed £33 million over five years. It must open more resourced provision in mainstream schools. "
    "Trafford has been told to cut out-of-area placements in return for £18 million. "
    "The other agreements are with Sefton, Bolton and Westshire. "
    "Stockport, which is not in the programme, has a £9m high needs deficit of its own."
)


@pytest.mark.parametrize(
    "council, status",
    [
        ("Wigan Council", "sv_agreed"),
        ("Oldham Council", "sv_agreed"),
        ("Trafford Council", "sv_agreed"),
        ("Westshire County Council", "sv_agreed"),
        ("Bolton Council", "sv_agreed"),
        ("Stockport Council", "deficit_only"),
    ],
)
def test_a_deal_told_as_the_sum_a_council_gets_or_as_its_parties_is_agreed(council: str, status: str) -> None:
    assert verdict(PRESS_DEALS, [council]) == status


@pytest.mark.parametrize(
    "text",
    [
        "Safety valve update. The council hopes to receive £30m to eliminate its deficit if its proposal is accepted.",
        "Safety valve update. The council will receive £2m of capital grant by 2026 for a new special school.",
        "Safety valve update. The council has asked to receive £30m over five years to clear the deficit.",
        "Safety valve update. The council is negotiating to receive £30m by 2028 to clear its deficit.",
        "Safety valve update. Mainstream schools will receive £2m over two years to build inclusive provision.",
    ],
)
def test_money_hoped_for_asked_for_or_for_buildings_is_no_deal(text: str) -> None:
    assert verdict(text) != "sv_agreed"


def test_a_misspelt_programme_name_is_still_the_programme() -> None:
    assert verdict("Westshire has secured funding from the DfE under its Saftey Valve programme.") == "sv_agreed"


# ------------------------------------------------------------------ deficits: what is missing, and whose


@pytest.mark.parametrize(
    "status, text",
    [
        (
            "deficit_only",
            "Figures show that Westshire has a deficit of several million pounds in the funding it gets for SEND pupils.",
        ),
        ("deficit_only", "A national survey shows that Westshire has a £4m deficit in the money it is given for SEND."),
        (
            "none",
            "The report sets out how the council will address the shortfall of secondary places in the north of the county.",
        ),
        ("none", "There is a gap in specialist provision for pupils with autism, the high needs review found."),
        ("none", "The council is required to set a balanced budget. It cannot set a deficit budget of £3m."),
    ],
)
def test_a_deficit_is_money_the_council_lacks_for_send(status: str, text: str) -> None:
    assert verdict(text) == status


def test_a_budget_set_in_deficit_is_the_fund_the_paper_is_about() -> None:
    text = (
        "High needs block update\n\nOfficers presented the high needs forecast for 2025/26. "
        "In March the forum set a deficit budget of £9.4m for the year.\n\n"
        "The forecast now shows a variance of £0.8m against the planned deficit budget."
    )
    assert verdict(text) == "deficit_only"


# ------------------------------------------------------------------ press: whose clause it is, and names as the press writes them

PRESS_POSITIONS = (
    "Safety valve councils are struggling to keep to their plans. "
    "Wigan council, which signed a £20 million deal in 2021, has made £2m of savings but is below its £3m target. "
    "Kingston, which has a deal of its own, remains on track. "
    "Oldham has been told to agree a new inclusion charter with its schools in return for £40 million."
)


@pytest.mark.parametrize(
    "council, status",
    [
        ("Wigan Council", "sv_off_track"),  # "Wigan council", lower case as the press writes it
        ("Royal Borough of Kingston upon Thames", "sv_on_track"),  # "Kingston" for Kingston upon Thames
        ("Oldham Council", "sv_agreed"),  # conditions imposed for a sum are the deal's terms
        ("Westshire County Council", "none"),
    ],
)
def test_a_clause_without_its_own_subject_belongs_to_the_council_named_before(council: str, status: str) -> None:
    assert verdict(PRESS_POSITIONS, [council]) == status


def test_a_gap_stated_as_a_sum_after_a_high_needs_gap_is_the_council_s_deficit() -> None:
    text = (
        "Across the country the gap between high needs block allocations and spending rose to £300 million. "
        "In Westshire, the gap in 2016-17 was £1.1m, rising to a forecast of £6m this year."
    )
    assert verdict(text) == "deficit_only"


# ------------------------------------------------------------------ press: councils listed by the initials of their kind

PLANS_SENT_BACK = (
    "Councils were told to set out how they would clear their SEND deficits within three years. "
    "Wigan and Merton LBCs, Bury MBC and Westshire County Council all told officials they could not "
    "recover their deficits that quickly and sent in five-year plans instead. "
    "Trafford CC made no such warning."
)


@pytest.mark.parametrize(
    "council, status",
    [
        ("Wigan Council", "deficit_only"),
        ("London Borough of Merton", "deficit_only"),
        ("Bury Metropolitan Borough Council", "deficit_only"),  # "Bury" counts as a council before "MBC"
        ("Westshire County Council", "deficit_only"),
        ("Trafford Council", "none"),
    ],
)
def test_a_list_of_councils_written_with_lbc_mbc_or_cc_is_one_list(council: str, status: str) -> None:
    """ "Merton LBCs, Bury MBC and Westshire County Council" are three councils of one subject, not
    one council named "Bury MBC and Westshire"; their deficits are the SEND deficits just named."""
    assert verdict(PLANS_SENT_BACK, [council]) == status


@pytest.mark.parametrize(
    "text",
    [
        "2. Has the DfE withheld any safety valve payments since you entered the agreement",
        "Did the council receive its safety valve payment in March",
        "Is Westshire now in enhanced monitoring and support",
    ],
)
def test_a_question_that_lost_its_question_mark_still_asks(text: str) -> None:
    """Requests for information list questions without "?", and cut text loses it."""
    assert verdict(text, context=SV_TITLE) in ("none", "sv_agreed")


# ------------------------------------------------------------------ found by new probes (December)


@pytest.mark.parametrize(
    "text",
    [
        "Westshire concluded a safety valve package with the Department in 2024.",
        "The council agreed a safety valve settlement with the DfE last spring.",
    ],
)
def test_a_safety_valve_package_or_settlement_agreed_is_an_agreement(text: str) -> None:
    assert verdict(text) == "sv_agreed"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Westshire's DSG deficit is being paid down through a safety valve deal with the DfE.", "sv_agreed"),
        ("The accumulated deficit has been reduced via the agreement with the Department.", "sv_agreed"),
        ("Westshire hopes to clear its DSG deficit through a safety valve deal with the DfE.", "deficit_only"),
    ],
)
def test_money_moving_through_an_agreement_now_means_there_is_one(text: str, status: str) -> None:
    assert verdict(text) == status


def test_a_plan_being_delivered_in_a_safety_valve_paper_is_on_track() -> None:
    assert verdict("The savings plan is being delivered in full this year.", context=SV_TITLE) == "sv_on_track"


def test_a_comma_before_with_starts_a_new_clause_not_the_other_party() -> None:
    text = (
        "The return to the Department shows Westshire within the profile set out in its agreement, with the "
        "high needs deficit down to £6m."
    )
    assert verdict(text) == "sv_on_track"
    other = "The council is within the terms of its agreement with the bus operator for school transport."
    assert verdict(other) == "none"


def test_a_paper_on_the_safety_valve_means_the_dsg_by_the_deficit() -> None:
    text = "No invitation to the safety valve programme has come; the deficit is expected to reach £14m next March."
    assert verdict(text) == "deficit_only"


def test_the_high_needs_deficit_is_a_deficit_that_exists_whatever_is_hoped() -> None:
    text = "If the council joined the safety valve programme, the Department would help clear the high needs deficit of £8m."
    assert verdict(text) == "deficit_only"


@pytest.mark.parametrize(("council", "status"), [("Sefton", "sv_agreed"), ("Wigan", "sv_agreed"), ("Westshire", "none")])
def test_the_latest_councils_to_sign_have_signed(council: str, status: str) -> None:
    text = (
        "Sefton Council, Wigan Council and Trafford Council are the latest councils to sign safety valve "
        "agreements with the Department."
    )
    assert verdict(text, names=[f"{council} Council"]) == status


@pytest.mark.parametrize(
    "text",
    [
        "Delivering Better Value is now open to councils including Westshire, the Department said.",
        "Authorities such as Westshire are eligible for the next round of DBV and may apply by June.",
    ],
)
def test_who_may_join_dbv_is_not_who_is_in_it(text: str) -> None:
    assert verdict(text) == "none"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("The Department launched Delivering Better Value in 2022. Westshire joined the programme a year later.", "dbv"),
        ("Delivering Better Value was announced by the minister in 2022. The programme selected Westshire in 2024.", "dbv"),
        ("The Department launched Delivering Better Value in 2022. The programme supports councils nationally.", "none"),
    ],
)
def test_the_programme_after_dbv_is_dbv(text: str, status: str) -> None:
    assert verdict(text) == status


@pytest.mark.parametrize(
    ("council", "status"), [("Sefton", "payment_withheld"), ("Wigan", "payment_withheld"), ("Westshire", "none")]
)
def test_the_departments_agreements_with_listed_councils_under_review(council: str, status: str) -> None:
    text = "The DfE said its agreements with Sefton Council and Wigan Council were under review pending new plans."
    assert verdict(text, names=[f"{council} Council"]) == status


def test_a_department_confirming_that_reports_and_does_not_approve() -> None:
    text = "The Department confirmed that the agreement with Westshire is now subject to review."
    assert verdict(text) == "payment_withheld"


def test_payments_resumed_after_a_long_aside_are_back_on_track() -> None:
    text = (
        "Instalments due to Westshire under its safety valve agreement, held back since the summer return, have now been resumed."
    )
    assert verdict(text) == "sv_on_track"


@pytest.mark.parametrize("phrase", ["taken out of", "released from"])
def test_taken_out_of_enhanced_monitoring_is_out_of_it(phrase: str) -> None:
    assert verdict(f"Westshire has been {phrase} enhanced monitoring and support by the DfE.") == "sv_on_track"


def test_an_offer_of_an_agreement_answered_with_changes_is_a_negotiation() -> None:
    text = "Westshire replied to the offer of a safety valve agreement with a request to revise two conditions."
    assert verdict(text) == "sv_negotiating"
    accepted = "The offer of a safety valve agreement made to Westshire in May was accepted by cabinet in June."
    assert verdict(accepted) == "sv_agreed"


@pytest.mark.parametrize(("council", "status"), [("Sefton", "sv_on_track"), ("Wigan", "sv_off_track")])
def test_the_former_and_the_latter_are_the_two_councils_named_before(council: str, status: str) -> None:
    text = (
        "Sefton Council and Wigan Council signed safety valve agreements in 2023. The former is on track; "
        "the latter has slipped behind its trajectory."
    )
    assert verdict(text, names=[f"{council} Council"]) == status


def test_the_former_chair_is_a_person_not_a_council() -> None:
    text = "Sefton Council and Westshire spoke at the forum. The former chair said the safety valve plan is on track."
    assert verdict(text, names=["Sefton Council"], context=SV_TITLE) == "sv_on_track"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Westshire signed its safety valve agreement with the DfE in May.", "sv_agreed"),
        ("On 3 May the Department and Westshire signed a safety valve agreement.", "sv_agreed"),
        ("May 2024: Westshire signed its safety valve agreement with the DfE.", "sv_agreed"),
        ("Westshire may sign a safety valve agreement with the DfE later this year.", "none"),
    ],
)
def test_the_month_of_may_is_not_the_hedge_may(text: str, status: str) -> None:
    assert verdict(text) == status


def test_a_will_reported_in_the_past_is_a_decision_not_a_hypothesis() -> None:
    text = "The DfE told Westshire that its next safety valve instalment would be held back until the plan is revised."
    assert verdict(text) == "payment_withheld"
    conditional = "The DfE said that the next safety valve instalment would be held back if the plan slipped."
    assert verdict(conditional) == "none"


def test_a_state_that_will_remain_holds_now() -> None:
    assert verdict("Westshire will remain in enhanced monitoring and support until the DfE accepts its revised plan.") == "ems"
    assert verdict("Westshire will be placed in enhanced monitoring and support next year.") == "none"


def test_a_payment_that_has_not_been_received_after_a_long_subject_is_withheld() -> None:
    text = "The safety valve payment of £2m due to Westshire at the end of the last quarter has still not been received."
    assert verdict(text) == "payment_withheld"


def test_approached_by_the_department_about_the_programme_is_a_negotiation() -> None:
    assert verdict("Westshire was approached by the Department about joining the safety valve programme.") == "sv_negotiating"


def test_a_relative_clause_keeps_its_own_assertion_under_a_negated_main_clause() -> None:
    text = "Westshire is not asking to vary its safety valve agreement, which stays in force until 2028."
    assert verdict(text) == "sv_agreed"
    assert verdict("Westshire has no safety valve agreement, and none is in place.") != "sv_agreed"


@pytest.mark.parametrize("doubt", ["It is unlikely that", "It is not expected that"])
def test_doubt_that_a_target_will_be_met_is_off_track(doubt: str) -> None:
    text = f"{doubt} Westshire will meet the in-year target in its safety valve agreement."
    assert verdict(text) == "sv_off_track"


def test_savings_assumed_in_the_plan_are_the_plan_not_a_supposition() -> None:
    text = "The savings assumed in Westshire's safety valve plan for this year will not be delivered."
    assert verdict(text) == "sv_off_track"


def test_an_agreement_reached_after_negotiations_is_agreed() -> None:
    text = "Westshire's safety valve agreement, concluded last March following lengthy talks, is worth £60m."
    assert verdict(text) == "sv_agreed"


@pytest.mark.parametrize(("council", "status"), [("Sefton", "payment_withheld"), ("Wigan", "none")])
def test_a_council_in_an_aside_of_comparison_is_not_the_subject(council: str, status: str) -> None:
    text = "Sefton Council, unlike Wigan Council, has had its safety valve payments paused by the DfE."
    assert verdict(text, names=[f"{council} Council"], context=SV_TITLE) == status


def test_a_modal_reaches_the_second_of_two_joined_verbs() -> None:
    text = "Officers said the DfE could pause payments to Westshire and put it in enhanced monitoring."
    assert verdict(text, context=SV_TITLE) == "none"
    said = analyse_pages(["The DfE paused payments to Westshire and put it in enhanced monitoring."], OWN, context=SV_TITLE)
    assert {"ems", "payment_withheld"} <= {signal.status for signal in said.signals}


def test_a_clause_after_a_contrast_gives_the_state_now() -> None:
    text = "Westshire's bid to the safety valve programme was rejected in 2022, but it has now been invited to reapply."
    assert verdict(text) == "sv_negotiating"
    without = "Westshire's bid to the safety valve programme was rejected in 2022, and officers were invited to comment."
    assert verdict(without) != "sv_negotiating"


def test_asking_the_department_to_consider_the_council_for_the_programme_is_a_negotiation() -> None:
    assert verdict("Westshire has asked the DfE to consider it for the safety valve programme.") == "sv_negotiating"
    assert verdict("We have asked the Department to consider us for the safety valve programme.") == "sv_negotiating"


@pytest.mark.parametrize(
    "text",
    [
        "We are working with DfE officials to agree the terms of a safety valve agreement.",
        "Westshire is working alongside the Department to finalise and agree its safety valve agreement.",
    ],
)
def test_working_with_the_department_to_agree_an_agreement_is_a_negotiation(text: str) -> None:
    assert verdict(text) == "sv_negotiating"


def test_the_department_proposing_is_still_not_the_councils_negotiation() -> None:
    assert verdict("The DfE proposes to agree safety valve agreements with more councils next year.") == "none"


def test_the_agreement_the_department_pays_under_is_the_programmes() -> None:
    text = (
        "The high needs block is still in deficit. Under the terms of our agreement, the Department will release"
        " a further £2.1m this year."
    )
    assert verdict(text) == "sv_agreed"
    # with no word of the high needs block or the programme, an agreement and a department say too little
    assert verdict("Under the terms of our agreement, the Department will release a further £2.1m this year.") == "none"


def test_talks_asserted_outweigh_a_hedge_on_what_they_are_about() -> None:
    text = "The council is in talks with the DfE over whether it could be invited into the safety valve programme."
    assert verdict(text) == "sv_negotiating"
    assert verdict("The council could be invited into the safety valve programme if the deficit grows.") != "sv_negotiating"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        (
            "The forecast deficit of £31m is £4.2m above the figure in the agreed plan, and the Department has been told.",
            "sv_off_track",
        ),
        (
            "Our high needs spending is £0.6m below the planned level at month 8, as the plan agreed with the DfE requires.",
            "sv_on_track",
        ),
        (
            "Spend on the high needs block is running below the planned level in the agreed plan shared with the DfE.",
            "sv_on_track",
        ),
    ],
)
def test_on_or_off_the_agreed_plan_in_a_sentence_naming_the_department(text: str, status: str) -> None:
    assert verdict(text) == status


def test_an_agreed_plan_with_only_the_government_at_large_is_not_the_programmes() -> None:
    assert verdict("Spending is £2m above the agreed plan, the government's figures show.") != "sv_off_track"


def test_money_from_the_department_after_signing_up_is_an_agreement() -> None:
    text = "Westshire is to receive £14.8m from the Department for Education over five years after signing up to the safety valve programme."
    assert verdict(text) == "sv_agreed"


@pytest.mark.parametrize(
    "text",
    [
        "The Forum discussed the safety valve programme in general terms and noted its aims.",
        "Members discussed the safety valve programme and how it is run nationally.",
    ],
)
def test_a_meeting_discussing_the_programme_is_not_a_negotiation(text: str) -> None:
    assert verdict(text) != "sv_negotiating"


def test_the_council_discussing_the_programme_with_the_department_still_is() -> None:
    assert verdict("Westshire discussed the safety valve programme with the DfE in May.") == "sv_negotiating"


def test_a_measure_the_department_wrote_to_confirm_is_in_place() -> None:
    text = "The Department wrote to Westshire in May confirming that it would be placed under enhanced monitoring and support."
    assert verdict(text, context=SV_TITLE) == "ems"
    told = "Officers warned that Westshire would be placed under enhanced monitoring and support if costs rose."
    assert verdict(told, context=SV_TITLE) != "ems"


def test_both_programmes_named_after_a_negation_are_both_denied() -> None:
    text = "Westshire has no high needs deficit and is outside the scope of both the safety valve and DBV programmes."
    assert verdict(text) == "none"


@pytest.mark.parametrize(
    ("second", "status"),
    [
        ("The final payment from the Department has brought the cumulative deficit to zero.", "sv_completed"),
        ("The final payment from the Department has been withheld.", "payment_withheld"),
        ("The final payment from the Department is due in 2028.", "sv_agreed"),
    ],
)
def test_a_final_payment_made_completes_the_agreement(second: str, status: str) -> None:
    assert verdict("Westshire has a safety valve agreement. " + second) == status


def test_one_of_those_taking_part_after_dbv_is_named_is_in_dbv() -> None:
    text = (
        "The minister said the Delivering Better Value programme would support 55 councils."
        " Westshire, one of those taking part, has used its grant on early help."
    )
    assert verdict(text) == "dbv"
    assert verdict("The minister said the Delivering Better Value programme would support 55 councils.") == "none"


def test_talks_that_have_begun_are_a_negotiation() -> None:
    assert verdict("Westshire and the Department have begun formal talks on a safety valve agreement.") == "sv_negotiating"
    assert verdict("Westshire has started discussions with the DfE on a safety valve agreement, the council confirmed.") == (
        "sv_negotiating"
    )


def test_a_closing_attribution_is_not_an_approval() -> None:
    text = "Westshire remains in talks with the DfE about a safety valve agreement, the council confirmed."
    assert verdict(text) == "sv_negotiating"


def test_programmes_that_do_not_apply_to_the_council_are_denied() -> None:
    text = "Westshire has a small surplus on the high needs block; the safety valve and DBV programmes do not apply to it."
    assert verdict(text) == "none"


@pytest.mark.parametrize(
    "text",
    [
        "Westshire's DSG deficit could rise to £80m by 2027 if current trends continue, officers warned.",
        "Westshire's high needs deficit would fall if it joined the safety valve programme.",
    ],
)
def test_a_possessed_deficit_exists_whatever_is_hedged_about_its_future(text: str) -> None:
    assert verdict(text) == "deficit_only"


def test_a_deficit_that_only_might_arise_is_still_not_stated() -> None:
    assert verdict("Westshire could have a DSG deficit by 2027 if current trends continue.") == "none"


def test_a_neighbour_named_by_an_everyday_word_keeps_its_own_position() -> None:
    text = "Westshire's high needs deficit is now £21m. Neighbouring Bury has a safety valve agreement."
    assert verdict(text) == "deficit_only"


ANNOUNCED = "Twelve more councils have signed safety valve agreements, the Department announced."


@pytest.mark.parametrize(
    ("second", "council", "status"),
    [
        ("They include Sefton, Wigan and Oldham.", "Wigan", "sv_agreed"),
        ("Among them are Sefton and Oldham.", "Oldham", "sv_agreed"),
        ("Wigan is among them.", "Wigan", "sv_agreed"),
        ("Wigan was not among them.", "Wigan", "none"),
        ("They include Sefton and Oldham.", "Wigan", "none"),
        ("Wigan has a high needs deficit of £9m.", "Wigan", "deficit_only"),
    ],
)
def test_councils_named_after_a_claim_about_unnamed_councils_take_it(second: str, council: str, status: str) -> None:
    analysis = analyse_pages([f"{ANNOUNCED} {second}"], [f"{council} Council"])
    assert analysis.verdict == status
    if status == "sv_agreed":  # the evidence quotes both sentences
        assert analysis.deciding is not None and ANNOUNCED in analysis.deciding.quote and second in analysis.deciding.quote


def test_a_deficit_used_as_a_kind_is_no_deficit() -> None:
    text = "Westshire is not part of any DfE deficit programme and has no high needs deficit."
    assert verdict(text) == "none"


def test_a_warning_that_states_a_fact_is_not_a_hypothesis() -> None:
    said = "Westshire, which signed a safety valve agreement in 2023, has been warned by the DfE that it is failing to meet the terms."
    assert verdict(said) == "sv_off_track"
    risk = "Westshire, which signed a safety valve agreement in 2023, was warned that it could fail to meet the terms."
    assert verdict(risk) == "sv_agreed"


def test_taking_part_in_a_study_of_dbv_is_not_taking_part_in_dbv() -> None:
    text = "Westshire took part in an evaluation of the Delivering Better Value programme; its high needs deficit is £80m."
    assert verdict(text) == "deficit_only"
    assert verdict("Westshire took part in the Delivering Better Value programme in 2023.") == "dbv"


def test_either_carries_a_negation_to_both_programmes() -> None:
    text = (
        "Westshire's high needs block balances and the council has not needed to enter either the DBV or safety valve programme."
    )
    assert verdict(text) == "none"


def test_an_agreement_offered_and_not_yet_signed_is_a_negotiation() -> None:
    text = "Cabinet will consider whether to sign the safety valve agreement offered by the Department at its February meeting."
    assert verdict(text) == "sv_negotiating"


def test_clearing_the_deficit_completes_the_agreement_even_with_the_agreement_named_before() -> None:
    text = "Westshire became the first council to complete its safety valve agreement, having eliminated its DSG deficit."
    assert verdict(text) == "sv_completed"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Unlike Westshire, Eastbury Council has no safety valve agreement.", "sv_agreed"),
        ("Unlike Westshire, Eastbury Council was not included in the DBV programme.", "dbv"),
        ("Unlike Westshire, Eastbury Council has a safety valve agreement.", "none"),
        ("Eastbury Council, like Westshire, has had its safety valve payments paused.", "payment_withheld"),
        ("Unlike Westshire, which is negotiating a safety valve agreement, Eastbury Council has none.", "sv_negotiating"),
    ],
)
def test_this_council_in_an_aside_of_comparison_shares_or_lacks_the_main_claim(text: str, status: str) -> None:
    assert verdict(text) == status


def test_a_council_with_no_agreement_has_none() -> None:
    assert verdict("Westshire has no safety valve agreement and no high needs deficit.") == "none"


def test_an_officer_confirming_that_there_is_no_agreement_is_no_approval() -> None:
    text = "The Director confirmed that Westshire does not have a safety valve agreement and no payments are due from the DfE."
    assert verdict(text) == "none"


@pytest.mark.parametrize(
    "text",
    [
        "Officers said that would depend on an invitation from the Department, which had not been received.",
        "A safety valve agreement depends on an invitation from the DfE.",
    ],
)
def test_an_invitation_that_only_something_depends_on_is_no_invitation(text: str) -> None:
    assert verdict(text, context=SV_TITLE) != "sv_negotiating"


def test_a_relative_clause_can_deny_the_cue_before_it() -> None:
    text = "The DBV programme, in which Westshire did not take part, has concluded; the high needs deficit is £15m."
    assert verdict(text) == "deficit_only"
    assert verdict("The DBV programme, in which Westshire took part, has concluded.") == "dbv"


def test_a_programme_closed_to_new_entrants_is_no_councils_bid_nor_completion() -> None:
    text = "Officers reminded members that the safety valve programme is now closed to new entrants."
    assert verdict(text) == "none"


def test_councils_listed_as_signing_agreements_in_a_safety_valve_paper_have_them() -> None:
    text = (
        "The chair asked whether the council might follow others into the safety valve programme."
        " Westshire and Sutton both signed agreements in 2022."
    )
    assert verdict(text) == "sv_agreed"


@pytest.mark.parametrize(
    ("council", "status"),
    [("Wigan", "sv_agreed"), ("Oldham", "sv_agreed"), ("Sefton", "sv_negotiating"), ("Salford", "none")],
)
def test_councils_counted_then_named_take_the_claim(council: str, status: str) -> None:
    text = (
        "Two Greater Manchester councils have struck safety valve deals with the government."
        " Wigan will receive £20m and Oldham £15m, in return for slower growth in spending."
        " A third, Sefton, is still negotiating."
    )
    assert verdict(text, names=[f"{council} Council"]) == status


def test_the_departments_own_programmes_are_not_the_councils() -> None:
    text = "Westshire's high needs deficit is £94m. The DfE said its safety valve and DBV programmes were helping councils."
    assert verdict(text) == "deficit_only"


def test_struggling_to_meet_the_agreed_targets_is_off_track() -> None:
    text = "Westshire admitted it was struggling to meet the targets agreed with the Department in its safety valve agreement."
    assert verdict(text) == "sv_off_track"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("The latest safety valve return shows the deficit reducing faster than planned.", "sv_on_track"),
        ("The latest safety valve return shows the deficit falling faster than the plan.", "sv_on_track"),
        ("The latest safety valve return shows the deficit growing faster than planned.", "sv_off_track"),
        ("The latest safety valve return shows savings falling faster than planned.", "sv_off_track"),
    ],
)
def test_a_rate_against_the_plan_cuts_by_the_direction_of_movement(text: str, status: str) -> None:
    assert verdict(text) == status


def test_a_will_reported_without_that_is_said_not_supposed() -> None:
    text = "The Leader said Westshire would take up the DfE's invitation to the safety valve programme."
    assert verdict(text) == "sv_negotiating"


def test_a_measure_the_department_says_will_start_is_decided() -> None:
    text = "From 1 April, Westshire will be subject to enhanced monitoring and support, the DfE has informed the council."
    assert verdict(text, context=SV_TITLE) == "ems"
    feared = "From 1 April, Westshire will be subject to enhanced monitoring and support if costs keep rising."
    assert verdict(feared, context=SV_TITLE) != "ems"


def test_signing_told_in_the_past_after_before_is_signed() -> None:
    assert verdict("Before signing its safety valve agreement in 2024, Westshire spent two years in talks with the DfE.") == (
        "sv_agreed"
    )
    assert verdict("Before signing its safety valve agreement, Westshire must consult schools.") == "sv_negotiating"


def test_an_agreement_signed_after_an_invitation_in_one_sentence_is_agreed() -> None:
    text = (
        "Westshire's first bid to the safety valve programme was rejected."
        " It was invited to reapply in 2023 and signed an agreement in 2024."
    )
    assert verdict(text) == "sv_agreed"


@pytest.mark.parametrize(("council", "status"), [("Sefton", "sv_agreed"), ("Wigan", "sv_agreed"), ("Oldham", "deficit_only")])
def test_councils_that_have_agreements_in_the_plural_hold_them(council: str, status: str) -> None:
    text = "Oldham's high needs deficit is £7m. The neighbouring councils of Sefton and Wigan both have safety valve agreements."
    assert verdict(text, names=[f"{council} Council"]) == status


def test_councils_in_general_that_have_agreements_are_not_this_one() -> None:
    assert verdict("Councils that have safety valve agreements must report to the DfE each quarter.") == "none"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Westshire was not among the councils named by the DfE as having a safety valve agreement.", "none"),
        ("Westshire was not among the councils named by the DfE as having safety valve agreements.", "none"),
        ("Westshire was among the councils named by the DfE as having safety valve agreements.", "sv_agreed"),
    ],
)
def test_not_among_the_councils_having_agreements_denies_one(text: str, status: str) -> None:
    assert verdict(text) == status


def test_a_sized_deficit_in_a_press_item_on_the_programme_is_the_councils() -> None:
    text = (
        "Eastbury Council has had £9m of safety valve funding held back by the government."
        " Neighbouring Westshire, which has no agreement, has a deficit of £40m."
    )
    assert verdict(text) == "deficit_only"


def test_what_dbv_is_is_not_membership() -> None:
    text = "Delivering Better Value is a DfE programme that helps councils with high needs deficits; it runs to 2026."
    assert verdict(text) == "none"
    assert verdict("Delivering Better Value is a programme Westshire joined in 2023.") == "dbv"


def test_applying_and_not_being_selected_is_not_membership() -> None:
    text = "The high needs deficit is £8m. Westshire applied to join Delivering Better Value but was not selected."
    assert verdict(text) == "deficit_only"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Our safety valve return shows high needs spending just under the agreed profile.", "sv_on_track"),
        ("Our safety valve return shows savings £1m under the agreed plan.", "sv_off_track"),
        ("The council is working under its safety valve plan agreed with the DfE.", "sv_agreed"),
    ],
)
def test_under_the_plan_is_a_comparison_only_for_something_measured(text: str, status: str) -> None:
    assert verdict(text) == status


@pytest.mark.parametrize(
    ("second", "status"),
    [
        (
            "Its latest safety valve payment has been delayed by the Department while officials review its figures.",
            "payment_withheld",
        ),
        ("The DfE has deferred the March payment until a revised plan is approved.", "payment_withheld"),
        ("The next payment is expected in May; the Forum meeting was delayed to June.", "sv_agreed"),
    ],
)
def test_a_payment_delayed_or_deferred_by_the_department_is_withheld(second: str, status: str) -> None:
    assert verdict("Westshire has a safety valve agreement. " + second) == status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("The safety valve grant income of £4.5m is shown below as a contribution to the cumulative deficit.", "sv_agreed"),
        ("Westshire has applied for safety valve funding of £20m.", "sv_negotiating"),
        ("Safety valve funding of £5m due in March has been withheld by the DfE.", "payment_withheld"),
    ],
)
def test_a_sum_of_the_programmes_money_means_an_agreement(text: str, status: str) -> None:
    assert verdict(text) == status


def test_a_proposal_the_council_holds_exists_whatever_is_planned_for_it() -> None:
    text = "Subject to Cabinet approval, the council will submit its safety valve proposal to the Department on 30 September."
    assert verdict(text) == "sv_negotiating"
    assert verdict("If Cabinet agrees, the council could submit a safety valve proposal next year.") != "sv_negotiating"


def test_an_agreement_brought_to_a_close_is_completed() -> None:
    text = "Westshire repaid the last of its DSG deficit in 2024, bringing its safety valve agreement to a close."
    assert verdict(text) == "sv_completed"
    assert verdict("Westshire hopes that bringing its safety valve agreement to a close will take three years.") == "sv_agreed"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        (
            "Westshire's officers have drafted a safety valve plan, which has been shared informally with the Department.",
            "sv_negotiating",
        ),
        ("The safety valve agreement was drafted in 2022 and signed in 2023.", "sv_agreed"),
    ],
)
def test_a_plan_drafted_is_a_negotiation_until_it_is_signed(text: str, status: str) -> None:
    assert verdict(text) == status


@pytest.mark.parametrize(("council", "status"), [("Sefton Council", "sv_off_track"), ("Wirral Council", "sv_on_track")])
def test_the_former_and_the_latter_pick_out_of_the_councils_just_named(council: str, status: str) -> None:
    text = "Of the two boroughs, Sefton and Wirral, the former has slipped behind its safety valve plan while the latter remains on track."
    assert verdict(text, [council]) == status


def test_another_council_s_paper_speaks_of_that_council_by_role_and_voice() -> None:
    paper = (
        "Wigan Schools Forum - 4 March\n"
        "The Head of Finance reported that the high needs deficit would reach £14m by March. "
        "The council's safety valve agreement remained on track. "
        "A member asked how Sefton's banding compared; officers will report back."
    )
    assert verdict(paper, ["Sefton Council"]) == "none"  # named in passing in Wigan's paper
    assert verdict(paper, ["Wigan Council"]) == "sv_on_track"
    # a heading naming a hospital trust of another place does not make the paper that place's council's
    own = (
        "Wigan and Leigh Hospitals NHS Trust: joint commissioning\n"
        "Sefton's high needs deficit is forecast at £9m. The council's safety valve agreement remains on track."
    )
    assert verdict(own, ["Sefton Council"]) == "sv_on_track"


def test_an_agreement_named_after_the_fund_is_the_programme_s() -> None:
    assert verdict("The DfE has confirmed Westshire is on track against its DSG agreement.") == "sv_on_track"
    assert verdict("Our high needs agreement with the Department runs to 2028.") == "sv_agreed"
    assert verdict("The academy's funding agreement with the Department was varied.") == "none"


ROUND_UP_OF_A_COUNTED_GROUP = (
    "Five councils are now negotiating safety valve agreements with the department. "
    "In Sefton (deficit £31m) and Wigan (£27m), final proposals go in next month. "
    "Trafford (£60m) and Oldham (£140m) are still reworking drafts. "
    "Bolton (£30m) has yet to reply. "
    "Stockport's high needs deficit is £12m."
)


@pytest.mark.parametrize(
    ("council", "status"),
    [
        ("Sefton Council", "sv_negotiating"),
        ("Oldham Council", "sv_negotiating"),
        ("Bolton Council", "sv_negotiating"),
        ("Stockport Council", "deficit_only"),
    ],
)
def test_a_counted_group_is_the_councils_the_next_sentences_name(council: str, status: str) -> None:
    """As many councils named in the sentences after "five councils ..." as it counted: those five."""
    assert verdict(ROUND_UP_OF_A_COUNTED_GROUP, [council]) == status


def test_a_counted_group_is_not_councils_named_beyond_its_number() -> None:
    text = (
        "Two councils have had their safety valve payments paused. "
        "Sefton, Wigan and Trafford each reported high needs overspends this year."
    )
    assert verdict(text, ["Wigan Council"]) != "payment_withheld"


@pytest.mark.parametrize(
    "text",
    [
        "Safety valve round-up: Westshire completed its agreement in 2024.",
        "Safety valve round-up: Westshire, which finished its own deal last year, has no DSG deficit.",
    ],
)
def test_an_agreement_ended_in_the_simple_past_is_completed(text: str) -> None:
    assert verdict(text) == "sv_completed"


def test_an_agreement_still_to_be_completed_is_not() -> None:
    assert verdict("Safety valve round-up: Westshire expects to complete its agreement in 2027.") == "sv_agreed"


def test_a_name_that_is_also_a_word_is_the_place_before_a_relative_clause_or_a_headline_verb() -> None:
    text = "Halton, whose safety valve agreement concluded last year, now has no DSG deficit."
    assert verdict(text, ["Warrington Borough Council"]) == "none"
    assert verdict(text, ["Halton Borough Council"]) == "sv_completed"
    headline = "Derby celebrates end of its safety valve deal\nThe agreement was signed in 2021 and the deficit has gone."
    assert verdict(headline, ["Derbyshire County Council"]) == "none"


def test_a_gap_against_the_plan_is_off_track() -> None:
    assert (
        verdict("Westshire reported a £2.6m gap against plan on its safety valve agreement at the half-year.") == "sv_off_track"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Safety valve update: the £2.3m payment which had been held back since March has been released.",
        "The Department has accepted the revised safety valve plan and released the withheld payment in full.",
    ],
)
def test_a_held_back_payment_released_is_back_on_track(text: str) -> None:
    assert verdict(text) == "sv_on_track"


def test_a_held_back_payment_still_to_be_released_is_withheld() -> None:
    text = "Safety valve update: the £2.3m payment has been held back since March and will not be released until the plan is revised."
    assert verdict(text) == "payment_withheld"


@pytest.mark.parametrize(
    "text",
    [
        "Talks with the Department about a safety valve agreement ended in July without an agreement; the high needs deficit is £40m.",
        "Negotiations on a safety valve agreement broke down in the spring, leaving a high needs deficit of £40m.",
        "Westshire will not be offered a safety valve agreement after the DfE closed the programme to new agreements; its high needs deficit is £40m.",
    ],
)
def test_talks_that_failed_or_a_programme_closed_to_newcomers_leave_only_the_deficit(text: str) -> None:
    assert verdict(text) == "deficit_only"


SECTIONED_BULLETIN = (
    "NORTH WEST SCHOOLS FINANCE GROUP - MEMBERS' BULLETIN, AUTUMN EDITION\n"
    "Round-up: high needs\n"
    "Sefton\n"
    "The borough's agreement with the DfE has concluded. The deficit has been cleared.\n"
    "Wigan\n"
    "Wigan is taking part in the DBV programme. High needs deficit £28.6m.\n"
    "Trafford\n"
    "Trafford has asked members to share approaches to falling rolls."
)


@pytest.mark.parametrize(
    ("council", "status"), [("Sefton Council", "sv_completed"), ("Wigan Council", "dbv"), ("Trafford Council", "none")]
)
def test_a_bulletin_in_sections_headed_by_council_names_gives_each_its_own_section(council: str, status: str) -> None:
    """Under a heading that is only a council's name, "the borough" and sentences with no subject are that council's."""
    assert verdict(SECTIONED_BULLETIN, [council]) == status


@pytest.mark.parametrize(
    "text",
    [
        "Westshire County Council has told the Department it will miss this year's target under its safety valve agreement.",
        "Under the safety valve agreement, the council is expected to miss its in-year target by £3m.",
    ],
)
def test_a_miss_the_council_forecasts_is_off_track(text: str) -> None:
    assert verdict(text) == "sv_off_track"


def test_a_miss_that_depends_on_a_condition_is_only_a_risk() -> None:
    assert verdict("If savings are not delivered, the council will miss its safety valve target.") != "sv_off_track"


def test_a_name_that_is_also_a_word_is_the_place_after_in() -> None:
    text = "In Derby the paused safety valve payment for this quarter alone is £3.5m, a council spokesperson confirmed."
    assert verdict(text, ["Rotherham Metropolitan Borough Council"]) == "none"
    assert verdict(text, ["Derby City Council"]) == "payment_withheld"


def test_a_held_back_payment_since_paid_is_back_on_track() -> None:
    text = "Westshire is on track again under its safety valve agreement, and the £2.1m payment the Department held back has been paid."
    assert verdict(text) == "sv_on_track"


def test_no_as_an_answer_ends_a_sentence() -> None:
    """ "No." is short for a number only before one ("No. 4"): as an answer, the next sentence stands apart."""
    transcript = (
        "Presenter: Is Westshire in this safety valve scheme?\n"
        "Cabinet member: No. We're in Delivering Better Value, which is a different programme."
    )
    assert verdict(transcript) == "dbv"


def test_no_payments_withheld_is_a_denial() -> None:
    text = "Westshire has a safety valve agreement. No safety valve payments have been withheld or delayed this year."
    assert verdict(text) == "sv_agreed"


def test_a_council_named_before_a_colon_and_a_denial_is_no_title() -> None:
    text = "Westshire: the council does not have a safety valve agreement. Its high needs deficit is £5m."
    assert verdict(text) == "deficit_only"
    assert verdict("Westshire: dedicated schools grant safety valve agreement 2024 to 2029") == "sv_agreed"


@pytest.mark.parametrize(
    "text",
    [
        "Enhanced monitoring of attendance: the education welfare service set out its new arrangements for persistent absence.",
        "The recovery plan includes a new enhanced monitoring process for high-cost placements, on track to be in place by January.",
    ],
)
def test_a_service_s_own_enhanced_monitoring_is_not_the_department_s(text: str) -> None:
    assert verdict(text) == "none"


def test_a_dbv_grant_offer_accepted_is_dbv_not_an_agreement() -> None:
    text = "The Cabinet Member accepted the DfE's grant offer under the Delivering Better Value in SEND programme."
    assert verdict(text) == "dbv"


def test_a_draft_agreement_approved_for_signing_later_is_still_negotiating() -> None:
    text = (
        "The Leader approved the draft safety valve agreement negotiated with the DfE, and delegated authority to "
        "sign the agreement once the Department has confirmed its final terms."
    )
    assert verdict(text) == "sv_negotiating"


@pytest.mark.parametrize(
    "text",
    [
        "Table 2: High needs block (£000)\nCumulative DSG deficit b/f 1 April: 7,100\nForum is asked to note the position.",
        "DSG reserve (£000)\nHNB in-year overspend (9,475) (12,235)\nForum is asked to note the table.",
    ],
)
def test_a_table_row_naming_the_high_needs_deficit_reports_one(text: str) -> None:
    assert verdict(text) == "deficit_only"


def test_a_table_row_of_another_fund_reports_no_high_needs_deficit() -> None:
    assert verdict("Collection fund (£000)\nIn-year deficit 1,200\nMembers noted the table.") == "none"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Westshire signs £34m SEND bailout deal with government", "sv_agreed"),
        ("Westshire's SEND bailout deal on track, say officers", "sv_on_track"),
    ],
)
def test_a_headline_s_bailout_deal_and_its_present_tense(text: str, status: str) -> None:
    """A bailout of the SEND budget is the programme's; a headline's "signs" tells what has happened."""
    assert verdict(text) == status


def test_a_bailout_of_something_else_is_not_the_programme() -> None:
    assert verdict("The council's bailout of the bus operator was agreed in March.") == "none"


def test_on_track_against_its_agreement_in_a_high_needs_note_is_the_programme_s() -> None:
    text = (
        "High needs briefing for the Lead Member\n"
        "The authority remains on track against its agreement, and the DfE's feedback on the Quarter 2 report was positive."
    )
    assert verdict(text) == "sv_on_track"


def test_a_deficit_that_has_reached_a_sum_is_no_agreement_reached() -> None:
    text = "Westshire says it is in talks with the government about a deal on its SEND deficit, which has now reached £26m."
    assert verdict(text) == "sv_negotiating"
    assert verdict("Westshire reached a safety valve agreement with the DfE in March.") == "sv_agreed"


@pytest.mark.parametrize(
    "text",
    [
        "Safety valve programme report. The annual review of the Council's EMS, certified to ISO 14001, was presented.",
        "Safety valve programme report. Item 5: EMS replacement - project update.",
    ],
)
def test_ems_as_the_name_of_a_system_is_not_enhanced_monitoring(text: str) -> None:
    assert verdict(text) != "ems"


def test_ems_as_a_state_the_council_is_in_is_enhanced_monitoring() -> None:
    assert verdict("Safety valve update. Westshire remains in EMS while its revised plan is assessed.") == "ems"


def test_the_conclusion_of_an_agreement_is_its_end() -> None:
    text = "Following the conclusion of the Council's safety valve agreement in 2023/24, the DSG is no longer in deficit."
    assert verdict(text) == "sv_completed"


def test_heads_of_terms_agreed_are_still_negotiating() -> None:
    text = "Heads of terms for a safety valve agreement were agreed at official level with the Department on 12 February."
    assert verdict(text) == "sv_negotiating"


def test_payments_the_council_is_working_to_have_restored_are_still_withheld() -> None:
    text = (
        "The Department has paused Westshire's safety valve payments. "
        "The council is working to have payments restored once its revised plan is accepted."
    )
    assert verdict(text) == "payment_withheld"


@pytest.mark.parametrize(
    "text",
    [
        "Spend against the £1m DBV grant to 31 December is on track.",
        "The improvement plan is on track and will be reported to the committee in six months; the high needs deficit is £9m.",
    ],
)
def test_on_track_of_a_grant_or_an_improvement_plan_is_not_the_agreement_s(text: str) -> None:
    assert verdict(text) not in ("sv_on_track", "sv_off_track")


@pytest.mark.parametrize(
    "text",
    [
        "Westshire has a safety valve agreement. It has not to date been placed in enhanced monitoring, though the risk is high.",
        "Westshire has a safety valve agreement. The Department has not, at this stage, placed the council in enhanced monitoring.",
    ],
)
def test_a_denial_reaches_over_words_of_time_and_an_aside(text: str) -> None:
    assert verdict(text) == "sv_agreed"


def test_one_of_the_first_to_reach_the_end_of_a_deal_has_completed_it() -> None:
    text = "Westshire became one of the first councils in the country to reach the end of a safety valve deal."
    assert verdict(text) == "sv_completed"


def test_a_return_still_to_be_submitted_is_monitoring_not_a_proposal() -> None:
    text = "Safety valve update. Westshire signed its agreement in March, securing £20m, and has yet to submit its first quarterly return."
    assert verdict(text) == "sv_agreed"


def test_the_county_not_currently_on_course_is_off_track() -> None:
    text = (
        'Safety valve. Officers said the county was "not currently on course" to balance its budget by the date set in the deal.'
    )
    assert verdict(text) == "sv_off_track"


def test_on_track_to_finish_is_on_track_not_finished() -> None:
    assert verdict("Safety valve. Its latest return shows it on track to finish the programme on schedule.") == "sv_on_track"


def test_the_yearly_management_plan_sent_to_the_department_is_no_proposal() -> None:
    text = "We submit our DSG management plan to the ESFA annually, as the grant conditions require. The DSG deficit is £4m."
    assert verdict(text) == "deficit_only"


def test_how_to_get_back_on_track_is_an_aim() -> None:
    text = 'Safety valve. Westshire has fallen behind its plan. "We are working with officials on how we get back on track."'
    assert verdict(text) == "sv_off_track"


def test_where_after_a_place_is_that_place_s_doing() -> None:
    text = "Look at Westshire, where the council has missed the targets in its safety valve agreement and is £24m adrift."
    assert verdict(text) == "sv_off_track"


def test_hitting_every_target_is_on_track() -> None:
    text = "Westshire, which signed a £100m safety valve agreement in 2022, said it had hit every target in its latest return."
    assert verdict(text) == "sv_on_track"


def test_councils_being_placed_in_enhanced_monitoring_are_councils_in_general() -> None:
    text = (
        "Westshire has a safety valve agreement. Following reports of councils being placed in enhanced monitoring, "
        "members asked about Westshire's position."
    )
    assert verdict(text) == "sv_agreed"


def test_talks_that_have_ended_are_not_said_to_have_succeeded() -> None:
    text = "Officers had been in preliminary safety valve discussions last year, but those talks have now ended. The DSG deficit is £45m."
    assert verdict(text) == "deficit_only"


def test_not_yet_moved_into_enhanced_monitoring_is_a_denial() -> None:
    text = (
        "Westshire is off track against two of its safety valve conditions but has not yet been moved into enhanced monitoring."
    )
    assert verdict(text) == "sv_off_track"


@pytest.mark.parametrize(
    ("council", "status"), [("Dorset Council", "sv_on_track"), ("Bournemouth, Christchurch and Poole Council", "none")]
)
def test_a_council_named_in_an_apposition_about_another_is_not_the_subject(council: str, status: str) -> None:
    text = "Dorset Council, BCP's neighbour, is on track with its own safety valve agreement, according to its latest report."
    assert verdict(text, [council]) == status


def test_the_following_authority_is_the_one_named_after_the_colon() -> None:
    text = "The following local authority has completed its safety valve agreement: London Borough of Merton."
    assert verdict(text, ["London Borough of Bexley"]) == "none"
    assert verdict(text, ["London Borough of Merton"]) == "sv_completed"


@pytest.mark.parametrize(
    "text",
    [
        "Westshire has a safety valve agreement. The DfE could, in principle, place the authority under enhanced monitoring.",
        "Westshire has a safety valve agreement. The DfE could move the council into enhanced monitoring and, ultimately, withhold payments.",
    ],
)
def test_a_modal_reaches_over_an_aside_and_a_coordination(text: str) -> None:
    assert verdict(text) == "sv_agreed"


@pytest.mark.parametrize(
    "text",
    [
        "After a difficult first year, when Westshire was behind target by £2.2m, the latest safety valve returns show it back on track.",
        "Westshire is now back on track with its safety valve agreement, having been off track earlier in the programme.",
    ],
)
def test_back_on_track_ends_the_falling_behind_told_in_the_same_sentence(text: str) -> None:
    assert verdict(text) == "sv_on_track"


def test_an_agreement_concluded_with_the_department_is_reached_not_ended() -> None:
    text = "Notes: the safety valve agreement was concluded (i.e. signed) with the DfE in March and the first instalment is due in April."
    assert verdict(text) == "sv_agreed"


@pytest.mark.parametrize(
    ("council", "status"), [("Cambridgeshire County Council", "payment_withheld"), ("Norfolk County Council", "sv_on_track")]
)
def test_a_council_named_after_a_counted_group_with_news_of_its_own_is_not_one_of_them(council: str, status: str) -> None:
    text = (
        "The DfE has paused safety valve payments to two more councils. "
        "Payments to Cambridgeshire are on hold pending a review of its plan. "
        "Neighbouring Norfolk, whose safety valve deal started at the same time, said it remained on track."
    )
    assert verdict(text, [council]) == status


@pytest.mark.parametrize(
    ("council", "status"), [("Bristol City Council", "payment_withheld"), ("City of York Council", "sv_on_track")]
)
def test_another_council_s_withheld_payments_make_the_paper_one_about_the_programme(council: str, status: str) -> None:
    """The programme is never named: the Department suspending Cheshire East's payments under its agreement says it is."""
    text = (
        "Cheshire East Council confirmed that the Department for Education had suspended payments under its agreement. "
        "Bristol City Council said an instalment of £8.5m had been paused pending the same process. "
        "York, by contrast, said it remained on track and had received every payment due."
    )
    assert verdict(text, [council]) == status


def test_targets_set_out_in_the_agreement_tie_it_to_the_programme_in_a_high_needs_paper() -> None:
    text = (
        "Schools Forum - high needs block standing item\n"
        "The authority had achieved the targets set out in the agreement for the year and the Department raised no concerns."
    )
    assert verdict(text) == "sv_on_track"


def test_a_council_among_the_handful_of_councils_that_did_something_did_it() -> None:
    text = "Westshire is among the handful of councils to have completed a safety valve agreement, clearing its deficit in full."
    assert verdict(text) == "sv_completed"


def test_the_yearly_management_plan_submitted_to_the_department_is_not_a_bid() -> None:
    text = "Westshire has submitted its DSG management plan to the Department, as all councils in deficit must. The DSG deficit is £9m."
    assert verdict(text) == "deficit_only"


def test_what_enhanced_monitoring_is_is_not_who_is_in_it() -> None:
    text = (
        '"Enhanced monitoring is part of the safety valve programme, and Westshire is not in that programme," '
        "the cabinet member said. The high needs deficit is £12m."
    )
    assert verdict(text) == "deficit_only"
