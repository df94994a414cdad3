"""The words a coordinator reads (kindred.matching.reasons, ADR-094): why a supporter, ranked,
with no score; the flag for a supporter who is struggling; and why nobody suits someone, rule
by rule, with the near misses in order. Pure: no database."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

import pytest

from kindred.matching import hard_rules
from kindred.matching.engine.scoring import DEFAULT_WEIGHTS, Components, Weights
from kindred.matching.reasons import (
    DECISIONS,
    HARD_RULES,
    NEAR_MISSES,
    ORDER,
    Asked,
    Concern,
    Seen,
    rules_failed,
    suggested_because,
    why_none,
)

HERE = (390_000.0, 390_000.0)
ADA = Asked(
    name="Ada",
    facts=hard_rules.Waiting(
        person_id="ada",
        modes=frozenset({"phone"}),
        languages=frozenset(),
        gender_preference="",
        point=HERE,
    ),
    experiences=("stroke",),
    organisation="Crafty Needles",
)
ABLE = hard_rules.Supporter(
    volunteer_id="damian",
    eligible=True,
    paused=False,
    capacity=2,
    places_taken=0,
    modes=frozenset({"phone", "visit"}),
    languages=frozenset({"English"}),
    gender="",
    max_travel_km=5,
    point=(391_000.0, 390_000.0),
)


def parts(**changes: object) -> Components:
    base = Components(
        shared_experience=0.0,
        distance=None,
        interests=0.0,
        availability=0.0,
        waiting=0.5,
        continuity=0.0,
        waiting_days=180,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# --- Why this supporter ---------------------------------------------------------------------


def test_reasons_come_most_important_first_with_no_score():
    found = parts(
        shared_experience=1.0,
        shared_experiences=("stroke",),
        distance=0.94,
        distance_km=1.2,
        interests=0.5,
        shared_interests=("chess",),
        availability=1.0,
        free_together=((1, "afternoon"),),
        continuity=1.0,
    )
    because = suggested_because(
        found,
        DEFAULT_WEIGHTS,
        person="Ada",
        languages=("Polish",),
        preferred="a woman",
        room=2,
    )
    # experience 0.30, distance 0.188, availability 0.10, interests 0.05, continuity 0.05
    assert because == (
        "Both stroke survivors",
        "1.2 km away",
        "Both free Tuesday afternoons",
        "Both enjoy chess",
        "Supported Ada before",
        "Both speak Polish",
        "A woman, as Ada would prefer",
        "Has room for 2 more people",
    )
    # The person's waiting time is the same for each of their supporters: not a reason.
    assert not any("Waiting" in sentence for sentence in because)
    # No number that means nothing: only km and people.
    assert not any(re.search(r"\b0\.\d", sentence) for sentence in because)


def test_the_organisations_weights_decide_the_order():
    found = parts(
        shared_experience=1.0,
        shared_experiences=("COPD",),
        distance=0.9,
        distance_km=2.0,
    )
    near_matters = Weights(shared_experience=0.1, distance=0.9)
    assert suggested_because(found, near_matters, person="Ada")[:2] == (
        "2.0 km away",
        "Both have lived experience of COPD",
    )
    assert suggested_because(found, DEFAULT_WEIGHTS, person="Ada")[:2] == (
        "Both have lived experience of COPD",
        "2.0 km away",
    )


def test_a_component_weighed_at_nothing_gives_no_reason_and_room_is_counted():
    found = parts(interests=1.0, shared_interests=("chess", "walking"))
    off = Weights(interests=0.0)
    assert suggested_because(found, off, person="Ada", room=1) == ("Has room for 1 more person",)
    assert suggested_because(found, DEFAULT_WEIGHTS, person="Ada") == (
        "Both enjoy chess and walking",
    )


def test_a_supporter_who_is_struggling_is_flagged_with_when_they_said_so():
    not_great = Concern(said_on=dt.date(2026, 12, 2), struggling=False)
    assert not_great.sentence == "Said on 2 December they are not great: talk to them first"
    struggling = Concern(said_on=dt.date(2026, 11, 9), struggling=True)
    assert struggling.about("Sam Okafor") == (
        "Sam Okafor said on 9 November they are struggling: talk to them first"
    )


# --- Why nobody -----------------------------------------------------------------------------


def seen(
    asked: Asked = ADA,
    name: str = "Damian Burns",
    *,
    shares: tuple[str, ...] = ("stroke",),
    considered: bool | None = True,
    suits: float = 0.5,
    role: str = "befriender",
    holds_role: bool = True,
    not_cleared: tuple[str, ...] = (),
    conflicts: frozenset[tuple[object, object]] = frozenset(),
    ended_badly: frozenset[tuple[object, object]] = frozenset(),
    turned_down: bool = False,
    role_there: bool = False,
    **facts: object,
) -> Seen:
    """A supporter as the explanation sees them, their failed rules worked out by the rules."""
    supporter = replace(ABLE, volunteer_id=name, **facts)  # type: ignore[arg-type]
    failed = rules_failed(
        asked,
        supporter,
        shares=bool(shares),
        considered=considered,
        conflicts=conflicts,
        ended_badly=ended_badly,
        turned_down=turned_down,
        role_there=role_there,
    )
    return Seen(
        volunteer_id=name,
        name=name,
        facts=supporter,
        failed=failed,
        role=role,
        holds_role=holds_role,
        not_cleared=not_cleared,
        shares=shares,
        km=hard_rules.km_apart(asked.facts, supporter),
        suits=suits,
    )


def test_every_hard_rule_has_a_name_and_words():
    named = {rule.__name__ for rule in hard_rules.RULES}
    named |= {hard_rules.no_conflict(()).__name__, hard_rules.not_ended_badly(()).__name__}
    assert named == set(HARD_RULES)
    assert set(HARD_RULES.values()) <= set(ORDER)


def test_a_supporter_who_passes_every_rule_fails_none():
    assert seen().failed == ()


VISITS = replace(ADA, facts=replace(ADA.facts, modes=frozenset({"visit"})))
WOMAN = replace(ADA, facts=replace(ADA.facts, gender_preference="woman"), preferred="a woman")
POLISH = replace(ADA, facts=replace(ADA.facts, languages=frozenset({"Polish"})))
FAR = (404_000.0, 390_000.0)  # 14 km east of Ada

#: Each rule, a supporter failing it and only it, the sentence saying how many it rules out,
#: and what the near miss reads.
EACH_RULE: dict[str, tuple[Asked, dict[str, Any], str, str]] = {
    "role": (
        ADA,
        {"eligible": False, "holds_role": False},
        "1 supporter does not hold the befriender role",
        "Damian Burns would suit but is not a befriender",
    ),
    "role not cleared": (
        ADA,
        {"eligible": False, "not_cleared": ("They need a basic DBS check",)},
        "1 supporter holds the befriender role but is not cleared for it yet "
        "(they need a basic DBS check)",
        "Damian Burns would suit but is not cleared as a befriender yet: they need a basic DBS "
        "check",
    ),
    "paused": (
        ADA,
        {"paused": True},
        "1 supporter is paused at the moment",
        "Damian Burns would suit but is paused at the moment",
    ),
    "capacity": (
        ADA,
        {"places_taken": 2},
        "1 supporter already supports as many people as they can",
        "Damian Burns would suit but already supports 2 people, as many as they can",
    ),
    "modes": (
        ADA,
        {"modes": frozenset({"visit"})},
        "1 supporter cannot talk by phone, as Ada wants",
        "Damian Burns would suit but cannot talk by phone, as Ada wants",
    ),
    "distance": (
        VISITS,
        {"point": FAR},
        "1 supporter is too far away to meet Ada in person: the nearest, Damian Burns, is 14 km "
        "away, beyond the 5 km they can travel",
        "Damian Burns would suit but is 14 km away, beyond the 5 km they can travel",
    ),
    "gender": (
        WOMAN,
        {"gender": ""},
        "No supporter has a recorded gender, and Ada would prefer a woman: record supporters' "
        "genders on their matching profiles",
        "Damian Burns would suit but has no gender recorded, and Ada would prefer a woman",
    ),
    "language": (
        POLISH,
        {},
        "1 supporter does not speak Polish",
        "Damian Burns would suit but does not speak Polish",
    ),
    "experience": (
        ADA,
        {"shares": (), "considered": False},
        "1 supporter shares none of Ada's lived experience (stroke), which matching by phone or "
        "video needs",
        "Damian Burns would suit but shares none of Ada's lived experience (stroke), which "
        "matching by phone or video needs",
    ),
    "nearest": (
        VISITS,
        {"considered": False},
        "1 supporter was not looked at: only the 30 supporters with room nearest Ada are "
        "considered for meeting in person",
        "Damian Burns would suit but was not looked at: only the 30 supporters with room nearest "
        "Ada are considered for meeting in person",
    ),
    "role_there": (
        ADA,
        {"role_there": True},
        "1 supporter from other organisations needs a peer supporter role in Crafty Needles "
        "before they can support someone there",
        "Damian Burns would suit but needs a peer supporter role in Crafty Needles: ask an "
        "organisation admin of Crafty Needles to add them to the team",
    ),
}


@pytest.mark.parametrize("case", EACH_RULE)
def test_each_rule_says_how_many_it_rules_out_and_names_the_near_miss(case):
    asked, changes, ruled_out, near_miss = EACH_RULE[case]
    rule = case.split()[0]
    damian = seen(asked, **changes)
    assert damian.failed == (rule,)
    why = why_none(asked, [damian])
    assert [(r.rule, r.supporters, r.sentence) for r in why.ruled_out] == [(rule, 1, ruled_out)]
    assert [(m.rule, m.sentence) for m in why.near_misses] == [(rule, near_miss)]
    assert why.summary == "The only supporter, Damian Burns, cannot be matched with Ada"


@pytest.mark.parametrize(
    ("changes", "rule", "sentence"),
    [
        (
            {"conflicts": frozenset({("ada", "Damian Burns")})},
            "conflict",
            "1 supporter must never be matched with Ada: a conflict is recorded",
        ),
        (
            {"ended_badly": frozenset({("ada", "Damian Burns")})},
            "ended_badly",
            "1 supporter supported Ada before, and it ended because the match was not right",
        ),
        (
            {"turned_down": True},
            "turned_down",
            "1 supporter was turned down for Ada by a coordinator",
        ),
    ],
)
def test_decisions_are_counted_but_never_offered_as_near_misses(changes, rule, sentence):
    damian = seen(**changes)
    assert damian.failed == (rule,)
    assert rule in DECISIONS
    why = why_none(ADA, [damian])
    assert [r.sentence for r in why.ruled_out] == [sentence]
    assert why.near_misses == ()


def test_rules_are_listed_by_how_many_they_rule_out():
    group = [
        seen(name="A", places_taken=2),
        seen(name="B", places_taken=2, paused=True),
        seen(name="C", paused=True, eligible=False, holds_role=False),
        seen(name="D", places_taken=2),
    ]
    why = why_none(ADA, group)
    assert [(r.rule, r.supporters) for r in why.ruled_out] == [
        ("capacity", 3),
        ("paused", 2),
        ("role", 1),
    ]
    assert why.summary == "None of the 4 supporters can be matched with Ada"


def test_supporters_who_share_the_experience_but_are_all_at_capacity_are_said_so():
    group = [seen(name=n, places_taken=2) for n in ("A", "B", "C")]
    group.append(seen(name="D", shares=(), considered=False))  # not looked at by phone
    why = why_none(ADA, group)
    assert why.experience == (
        "3 supporters share Ada's lived experience (stroke), but all are at capacity"
    )
    two = why_none(WOMAN, [seen(WOMAN, name=n, gender="man") for n in ("A", "B")])
    assert two.experience == (
        "2 supporters share Ada's lived experience (stroke), but neither is the gender Ada "
        "would prefer"
    )
    mixed = why_none(ADA, [seen(name="A", places_taken=2), seen(name="B", paused=True)])
    assert mixed.experience == (
        "2 supporters share Ada's lived experience (stroke), but none can be matched: 1 is "
        "paused and 1 is at capacity"
    )
    nobody = why_none(ADA, [seen(shares=(), considered=False)])
    assert nobody.experience == "No supporter shares Ada's lived experience (stroke)"


def test_near_misses_are_those_failing_one_rule_best_suited_first():
    group = [
        seen(VISITS, "Far", point=FAR, suits=0.2),
        seen(VISITS, "Full", places_taken=2, suits=0.6),
        seen(VISITS, "Two rules", places_taken=2, paused=True, suits=0.9),
        seen(VISITS, "Known", conflicts=frozenset({("ada", "Known")}), suits=0.95),
        seen(VISITS, "Paused", paused=True, suits=0.4),
        seen(VISITS, "Further", point=(410_000.0, 390_000.0), suits=0.2),
    ]
    why = why_none(VISITS, group)
    # Equally suited: the nearer first.
    assert [m.name for m in why.near_misses] == ["Full", "Paused", "Far", "Further"]


def test_at_most_a_few_near_misses_are_named():
    group = [seen(name=f"S{i}", places_taken=2, suits=i / 10) for i in range(8)]
    why = why_none(ADA, group)
    assert len(why.near_misses) == NEAR_MISSES
    assert why.near_misses[0].name == "S7"
    assert why.ruled_out[0].supporters == 8


def test_gender_counts_those_with_none_recorded():
    group = [
        seen(WOMAN, "Man", gender="man"),
        seen(WOMAN, "Unsaid", gender=""),
        seen(WOMAN, "Woman", gender="woman", paused=True),
    ]
    why = why_none(WOMAN, group)
    [gender] = [r for r in why.ruled_out if r.rule == "gender"]
    assert gender.sentence == (
        "2 supporters are not the gender Ada would prefer (a woman); 1 of them has no gender "
        "recorded"
    )


def test_we_say_when_we_do_not_know_where_the_person_lives():
    nowhere = replace(VISITS, facts=replace(VISITS.facts, point=None))
    why = why_none(nowhere, [seen(nowhere)])
    assert why.ruled_out[0].sentence == (
        "1 supporter could only meet Ada in person, and we do not know where Ada lives: add "
        "their postcode"
    )


def test_someone_needing_a_pair_with_only_one_who_suits():
    why = why_none(replace(ADA, needs=2), [seen(name="Sam Okafor"), seen(paused=True)])
    assert why.summary == "Only Sam Okafor suits Ada, who needs a pair of supporters"


def test_nobody_with_a_matching_profile():
    why = why_none(ADA, [])
    assert why.summary == (
        "No supporter has a matching profile yet, so there is nobody to match Ada with"
    )
    assert (why.ruled_out, why.near_misses, why.looked_at) == ((), (), 0)
