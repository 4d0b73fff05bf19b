"""A DSG or high needs deficit of the council's own: ``deficit_only``.

Deficits are everywhere in council papers: the general fund, the Collection Fund, a school's
budget, a project's. Only one tied to the high needs block or the grant it is part of counts:
tied in the same clause, closer than any other fund ("an overspend of £2.2m on the high needs
block", "the DSG deficit", "a £30m deficit in its special needs budget"), or said as "the
deficit" in a paper whose latest deficit was the high needs one. Spending on high needs above
the grant says the same thing without the word.
"""

from __future__ import annotations

from extractors.attribution import OTHER_TOKEN, SELF_TOKEN
from extractors.cues import Hit, Parsed
from extractors.frames import ASSERTED, QUESTION, Claim, DocumentContext

TIE_REACH = 15  # words between a deficit and the fund it belongs to
SEND_REACH = 6
_DEFINITE = frozenset(
    {
        "the",
        "'s",  # "Westshire's DSG deficit", a possessed one
        "this",
        "our",
        "its",
        "their",
        "that",
        "cumulative",
        "accumulated",
        "historic",
        "overall",
        "total",
        "growing",
        "in-year",
        "year",
        "forecast",
        "projected",
        "current",
    }
)
_SPEND = frozenset({"spend", "spending", "expenditure", "costs", "cost", "demand", "pressures"})
_ABOVE = frozenset(
    {
        "exceed",
        "exceeds",
        "exceeded",
        "exceeding",
        "above",
        "outstrip",
        "outstrips",
        "outstripping",
        "outstripped",
        "beyond",
        "more",
        "higher",
        "greater",
    }
)
_INCOME = frozenset(
    {"grant", "funding", "allocation", "income", "budget", "settlement", "receives", "received", "gets", "allocated"}
)
# Nouns a deficit describes as a kind, not as a sum: "the deficit programmes", "high deficit councils".
_FOR_DEFICITS_IN_GENERAL = frozenset({"programme", "programmes", "councils", "authorities", "las"})
_NATIONAL = frozenset({"national", "nationally", "england's", "country's", "sector", "sector's", "total"})


def deficit_claims(parsed: Parsed, context: DocumentContext) -> list[Claim]:
    """Every DSG / high needs deficit the sentence states."""
    claims: list[Claim] = []
    # "ran up a deficit in 2021 but cleared it, and currently has no deficit": the last word on it wins
    denied_at = max((hit.start for hit in parsed.of("deficit") if _denied(parsed, hit)), default=-1)
    for hit in parsed.of("deficit"):
        if hit.start < denied_at:
            continue
        if hit.phrase == "gap" and not _gap_in_money(parsed, hit):
            continue  # "a £12m gap", "the gap was £1.3m" are money missing; "the attainment gap" is not
        if _of_things(parsed, hit):
            continue  # "a shortfall of secondary places": places missing, not money
        if parsed.tokens[hit.end : hit.end + 1] and parsed.tokens[hit.end] in _FOR_DEFICITS_IN_GENERAL:
            continue  # "any DfE deficit programme", "deficit councils": deficits in general, not one
        strength = _tie(parsed, hit, context)
        if strength is None or _national(parsed, hit) or parsed.has("national_body") or _schools_own(parsed, hit):
            continue
        # "plans to reduce the deficit", "to prevent the deficit growing": a definite deficit is
        # one that exists, whatever is hoped for it; "there could be a deficit" is not.
        if _definite(parsed, hit):
            if _denied(parsed, hit):
                continue  # "there is no longer a deficit", "the DSG is not in deficit"
            checks = frozenset({QUESTION})  # "may not cover the deficit" still has one
        else:
            checks = ASSERTED
        general = _deficits_of_councils(parsed, hit)
        claims.append(Claim("deficit_only", hit.start, hit.end, strength, "deficit:tied", checks, of_councils_in_general=general))
    claims.extend(_spend_above_grant(parsed))
    claims.extend(_negative_reserve(parsed))
    return claims


_PLURALS = frozenset({"deficits", "overspends", "shortfalls", "debts"})
_COUNCILS_IN_GENERAL = frozenset({"councils", "authorities", "las", "boroughs"})
_POSSESSORS = frozenset({"our", "its", "their", "'s", SELF_TOKEN, OTHER_TOKEN})


def _deficits_of_councils(parsed: Parsed, deficit: Hit) -> bool:
    """ "SEND deficits: how the region's councils compare", "Councils warn deficits threaten
    solvency": deficits in the plural, of councils named by no name, are every council's and
    none's in particular (a next sentence naming councils among them may make them theirs)."""
    tokens = parsed.tokens
    if deficit.phrase not in _PLURALS or _COUNCILS_IN_GENERAL.isdisjoint(tokens):
        return False
    return _POSSESSORS.isdisjoint(tokens[max(0, deficit.start - 3) : deficit.start]) and not (
        SELF_TOKEN in tokens or OTHER_TOKEN in tokens or "we" in tokens
    )


def _gap_in_money(parsed: Parsed, gap: Hit) -> bool:
    tokens = parsed.tokens
    if any(word[0] == "£" for word in tokens[max(0, gap.start - 4) : gap.start]):
        return True
    after = tokens[gap.end : gap.end + 9]  # "the gap in its high needs budget reaches £41.5m"
    return any(word[0] == "£" for word in after) and not _GAP_SIZED.isdisjoint(after)


# "the gap ... was £3m", "the gap reaches £41.5m": verbs that give a gap its size
_GAP_SIZED = frozenset(
    {"was", "is", "of", "stood", "stands", "reached", "reaches", "rose", "rises", "totals", "totalled", "grew", "grows"}
    | {"widened", "widens", "hit", "hits", "now"}
)


_THINGS = frozenset(
    {"places", "place", "spaces", "beds", "staff", "teachers", "workers", "capacity", "provision", "pupils", "seats"}
)
_MONEY_NOUNS = frozenset({"funding", "money", "budget", "income", "grant", "resources", "cash"})


def _of_things(parsed: Parsed, deficit: Hit) -> bool:
    """ "the shortfall of primary and secondary places", "a gap in specialist provision": a count of
    something missing, not a sum."""
    tokens = parsed.tokens
    if tokens[deficit.end : deficit.end + 1] not in (["of"], ["in"]):
        return False
    following = tokens[deficit.end + 1 : deficit.end + 6]
    for word in following:
        if word[0] == "£" or word in _MONEY_NOUNS:
            return False
        if word in _THINGS:
            return True
    return False


def _negative_reserve(parsed: Parsed) -> list[Claim]:
    """ "The DSG reserve balance remains negative": a deficit in other words."""
    if not parsed.has("hn") or ("negative" not in parsed.words and "overdrawn" not in parsed.words):
        return []
    tokens = parsed.tokens
    for position, word in enumerate(tokens):
        if (
            word in ("negative", "overdrawn")
            and any(
                w in ("reserve", "reserves", "balance", "balances", "position")
                for w in tokens[max(0, position - 5) : position + 3]
            )
            and parsed.near("hn", position, before=7, after=3)
        ):
            return [Claim("deficit_only", position, position + 1, 0.7, "deficit:negative_reserve")]
    return []


_BUDGET_WORDS = frozenset(
    {
        "budget",
        "budgets",
        "spending",
        "spend",
        "costs",
        "funding",
        "money",
        "grant",
        "finances",
        "financial",
        "pressures",
        "overspend",
        "deficit",
    }
)


def fund_of_sentence(parsed: Parsed) -> str | None:
    """The fund the sentence is about, for a later "the deficit" or "it is in deficit": the fund
    its deficits are tied to, else the one it names (the high needs block, or SEND spending)."""
    if not parsed.has("deficit"):
        if parsed.has("other_fund"):
            return "other"
        if parsed.has("hn") or (parsed.has("send") and any(word in _BUDGET_WORDS for word in parsed.tokens)):
            return "hn"
        return None
    for hit in parsed.of("deficit"):
        hn = _distance(parsed, hit, "hn")
        other = _distance(parsed, hit, "other_fund")
        if hn is not None and (other is None or hn < other):
            return "hn"
        if other is not None:
            return "other"
        send = _distance(parsed, hit, "send")
        if send is not None and send <= SEND_REACH:
            return "hn"  # "their SEND deficit", as ``_tie`` reads it: a later "its deficit" is that one
    return "unknown"  # a deficit of no named fund: a later "the deficit" is that one


def _tie(parsed: Parsed, deficit: Hit, context: DocumentContext) -> float | None:
    """How surely this deficit belongs to the high needs block, or None if it does not."""
    hn = _distance(parsed, deficit, "hn")
    other = _distance(parsed, deficit, "other_fund")
    known_fund = context.fund if context.fund is not None else ("hn" if context.hn_topic else None)
    if other is not None and (hn is None or other <= hn):
        if hn is None and other > 8 and known_fund == "hn" and _refers_back(parsed, deficit):
            return 0.5  # "this overspend ..., saving the council from bankruptcy": the fund just spoken of
        return None
    if hn is not None and hn <= TIE_REACH:
        return 0.8 if hn <= 4 else 0.7
    send = _distance(parsed, deficit, "send")
    if send is not None and other is None and (send <= SEND_REACH or (send <= TIE_REACH and _send_budget(parsed))):
        return 0.6
    if other is None and hn is None and known_fund == "hn" and (_definite(parsed, deficit) or _predicative(parsed, deficit)):
        return 0.55
    if other is None and hn is None and known_fund == "hn" and _sized(parsed, deficit):
        return 0.5  # "Neighbouring Suffolk has a deficit of £40m", in a paper about the high needs block
    if (
        other is None
        and hn is None
        and context.fund == "hn"
        and context.fund_age <= 1
        and deficit.phrase not in ("shortfall", "shortfalls", "funding gap")
        and not deficit.phrase.endswith("s")
        and "any" not in parsed.tokens[max(0, deficit.start - 4) : deficit.start]
    ):
        return 0.5  # the sentence before was about the high needs block: "a £1.6m overspend in the sector"
    return None


_UNITS = frozenset({"m", "million", "bn", "billion", "k", "mil", "mn"})


def _sized(parsed: Parsed, deficit: Hit) -> bool:
    """A deficit with its sum: "a deficit of £40m", "a £40m deficit"."""
    tokens = parsed.tokens
    after = tokens[deficit.end : deficit.end + 2]
    before = [word for word in tokens[max(0, deficit.start - 3) : deficit.start] if word not in _UNITS]
    return (after[:1] == ["of"] and after[1:2] != [] and after[1][0] == "£") or (bool(before) and before[-1][0] == "£")


def _words_between(parsed: Parsed, start: int, end: int) -> int:
    """Words from ``start`` to ``end``, an amount ("£56", "m") counting as one."""
    return sum(1 for word in parsed.tokens[start:end] if word not in _UNITS)


_SEND_BUDGET_WORDS = frozenset({"budget", "budgets", "funding", "pot", "spending", "block", "grant", "money"})


def _send_budget(parsed: Parsed) -> bool:
    """ "its special needs education budget", "the SEND funding pot", "the funding it gets for
    SEND": SEND spending named as a budget, or as what a budget is for."""
    tokens = parsed.tokens
    for hit in parsed.of("send"):
        if not _SEND_BUDGET_WORDS.isdisjoint(tokens[hit.end : hit.end + 3]):
            return True
        if tokens[hit.start - 1 : hit.start] == ["for"] and not _SEND_BUDGET_WORDS.isdisjoint(
            tokens[max(0, hit.start - 10) : hit.start]
        ):
            return True
    return False


def _distance(parsed: Parsed, deficit: Hit, role: str) -> int | None:
    """Words between the deficit and the nearest hit of ``role`` in its clause (0 when they overlap);
    a fund named as the one *not* used ("met from reserves rather than from DSG") does not count.
    Kept in ``parsed.memo``: ``_tie`` and ``fund_of_sentence`` both ask it of each deficit."""
    distances: dict[tuple[Hit, str], int | None] = parsed.memo.setdefault("distances", {})
    key = (deficit, role)
    if key not in distances:
        distances[key] = _distance_of(parsed, deficit, role)
    return distances[key]


def _distance_of(parsed: Parsed, deficit: Hit, role: str) -> int | None:
    clause = parsed.clause[deficit.start]
    best: int | None = None
    for hit in parsed.of(role):
        if parsed.clause[hit.start] != clause or _excluded(parsed, hit) or _budget_in_deficit(hit, deficit):
            continue
        if role == "other_fund" and hit.end <= deficit.start and _council_between(parsed, hit.end, deficit.start):
            continue  # "a national project shows that Westshire has a deficit": the council's, not the project's
        if hit.end <= deficit.start:
            gap = _words_between(parsed, hit.end, deficit.start)
        elif hit.start >= deficit.end:
            gap = _words_between(parsed, deficit.end, hit.start)
        else:
            gap = 0
        best = gap if best is None else min(best, gap)
    return best


def _council_between(parsed: Parsed, start: int, end: int) -> bool:
    """A council named between a fund and a deficit is the deficit's holder (the fund belongs to the clause before)."""
    return any(word in ("selfcouncil", "othercouncil") for word in parsed.tokens[start:end])


def _budget_in_deficit(fund: Hit, deficit: Hit) -> bool:
    """ "a deficit budget was set at £12.8m": a budget set in deficit names no fund of its own; the
    fund is the one the text is about (a general fund's budget is named as such: "the council's budget")."""
    return fund.role == "other_fund" and fund.start == deficit.start and fund.phrase.startswith("deficit budget")


_TRANSFERS = frozenset({"transfer", "transfers", "transferred", "transferring", "move", "moved", "moving", "movement"})


def _excluded(parsed: Parsed, hit: Hit) -> bool:
    """A fund named as not the one ("rather than from DSG"), or as the source of a transfer
    ("moving 0.5% from the schools block to high needs"): not the fund in deficit."""
    before = parsed.tokens[max(0, hit.start - 3) : hit.start]
    if "than" in before or before[-2:] == ["instead", "of"] or before[-3:-1] == ["instead", "of"] or (before[-1:] == ["not"]):
        return True
    return hit.role == "other_fund" and "from" in before[-2:] and not _TRANSFERS.isdisjoint(parsed.words)


def _refers_back(parsed: Parsed, deficit: Hit) -> bool:
    """ "this overspend", "that deficit": pointing back at the one just named."""
    return parsed.tokens[max(0, deficit.start - 1) : deficit.start] in (["this"], ["that"], ["the"])


def _definite(parsed: Parsed, deficit: Hit) -> bool:
    """ "the deficit", "our cumulative deficit", "the projected £43 million deficit", "the high
    needs deficit": a deficit already known to the reader (the sum and the fund it is named by
    stand between the article and the noun)."""
    start = deficit.start
    fund = next((hit for hit in parsed.of("hn") if hit.end == start or hit.end == start - 1), None)
    if fund is not None and fund.start < start:
        start = fund.start  # "the high needs block deficit", "our DSG deficit"
    before = [
        word
        for word in parsed.tokens[max(0, start - 5) : start]
        if word[0] != "£" and word not in ("million", "m", "bn", "billion", "k")
    ][-2:]
    return any(word in _DEFINITE for word in before)


def _denied(parsed: Parsed, deficit: Hit) -> bool:
    """The deficit itself said not to exist (not a verb about it negated)."""
    before = parsed.tokens[max(0, deficit.start - 4) : deficit.start]
    return any(word in ("no", "none", "nil", "without") for word in before) or before[-2:] in (["not", "in"], ["no", "longer"])


def _schools_own(parsed: Parsed, deficit: Hit) -> bool:
    """ "13 schools (17%) were in deficit", "academies with deficits": schools' own budgets."""
    tokens = parsed.tokens
    for position in range(max(0, deficit.start - 7), deficit.start):
        if tokens[position] in ("schools", "academies") and any(
            word in ("were", "are", "in", "with", "had", "have", "reported", "running")
            for word in tokens[position + 1 : deficit.start]
        ):
            return not any(hit.start in range(position, deficit.start) for hit in parsed.of("hn"))
    return False


def _predicative(parsed: Parsed, deficit: Hit) -> bool:
    """ "it is set to be in deficit by £31m": the subject is the fund the text is about."""
    return parsed.tokens[max(0, deficit.start - 1) : deficit.start] == ["in"] and deficit.phrase == "deficit"


def _national(parsed: Parsed, deficit: Hit) -> bool:
    """ "the national deficit", "England's high needs deficit": not one council's."""
    before = parsed.tokens[max(0, deficit.start - 4) : deficit.start]
    return any(word in _NATIONAL for word in before)


def _spend_above_grant(parsed: Parsed) -> list[Claim]:
    """ "High needs spending is forecast to exceed the grant by £8.9m", "spending on special
    educational needs is £5m more than the council receives"."""
    if not (parsed.has("hn") or parsed.has("send")) or parsed.has("other_fund") or _ABOVE.isdisjoint(parsed.words):
        return []
    tokens = parsed.tokens
    for position, word in enumerate(tokens):
        if word not in _ABOVE:
            continue
        window = tokens[max(0, position - 9) : position]
        ahead = tokens[position + 1 : position + 6]
        tied = parsed.near("hn", position, before=8, after=6) or parsed.near("send", position, before=8, after=6)
        if any(w in _SPEND for w in window) and any(w in _INCOME for w in ahead) and tied:
            return [Claim("deficit_only", position, position + 1, 0.7, "deficit:spend_above_grant")]
    return []
