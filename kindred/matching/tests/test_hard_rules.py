"""Each hard rule passes a suitable pair and refuses the failing case, with a reason."""

from dataclasses import replace

import pytest

from kindred.matching import hard_rules
from kindred.matching.hard_rules import Supporter, Waiting

PERSON = Waiting(
    person_id="p1",
    modes=frozenset({"visit"}),
    languages=frozenset({"English"}),
    gender_preference="",
    point=(389_000.0, 390_000.0),
)
SUPPORTER = Supporter(
    volunteer_id="v1",
    eligible=True,
    paused=False,
    capacity=2,
    places_taken=1,
    modes=frozenset({"visit", "phone"}),
    languages=frozenset({"english", "Urdu"}),
    gender="woman",
    max_travel_km=5,
    point=(391_000.0, 390_000.0),  # 2 km east
)


def test_a_suitable_pair_passes_every_rule():
    assert hard_rules.refusals(PERSON, SUPPORTER) == []


def test_a_supporter_not_eligible_for_the_role_is_refused():
    reason = hard_rules.eligible_for_role(PERSON, replace(SUPPORTER, eligible=False))
    assert reason and "Not eligible" in reason


def test_a_paused_supporter_is_refused():
    assert hard_rules.not_paused(PERSON, replace(SUPPORTER, paused=True)) == "Paused at the moment"


def test_a_supporter_with_no_capacity_left_is_refused():
    full = replace(SUPPORTER, capacity=2, places_taken=2)
    assert hard_rules.capacity_left(PERSON, full) == (
        "Already supporting as many people as they can (2)"
    )
    assert hard_rules.capacity_left(PERSON, replace(SUPPORTER, capacity=0, places_taken=0))


def test_no_shared_way_of_meeting_is_refused():
    video_only = replace(SUPPORTER, modes=frozenset({"video"}))
    assert hard_rules.mode_compatible(PERSON, video_only) == "No way of meeting that suits both"


def test_a_person_with_no_stated_mode_accepts_any():
    anything = replace(PERSON, modes=frozenset())
    video_only = replace(SUPPORTER, modes=frozenset({"video"}))
    assert hard_rules.mode_compatible(anything, video_only) is None


def test_face_to_face_beyond_the_travel_distance_is_refused():
    far = replace(SUPPORTER, point=(397_000.0, 390_000.0))  # 8 km
    assert hard_rules.within_travel_distance(PERSON, far) == (
        "8.0 km apart, more than the 5 km they can travel"
    )


def test_distance_does_not_matter_when_they_can_talk_by_phone():
    far = replace(SUPPORTER, point=(497_000.0, 390_000.0))
    by_phone = replace(PERSON, modes=frozenset({"visit", "phone"}))
    assert hard_rules.within_travel_distance(by_phone, far) is None


def test_face_to_face_with_no_known_location_is_refused():
    nowhere = replace(SUPPORTER, point=None)
    reason = hard_rules.within_travel_distance(PERSON, nowhere)
    assert reason and "do not know where" in reason


def test_gender_preference_is_respected():
    wants_a_man = replace(PERSON, gender_preference="man")
    assert hard_rules.gender_preference_respected(wants_a_man, SUPPORTER) == (
        "Not the gender the person would prefer"
    )
    assert (
        hard_rules.gender_preference_respected(wants_a_man, replace(SUPPORTER, gender="man"))
        is None
    )


def test_a_pair_with_no_shared_language_is_refused():
    polish = replace(PERSON, languages=frozenset({"Polish"}))
    assert hard_rules.language_shared(polish, SUPPORTER) == "No language in common"
    assert (
        hard_rules.language_shared(replace(PERSON, languages=frozenset({"URDU"})), SUPPORTER)
        is None
    )


def test_a_recorded_conflict_is_refused():
    reasons = hard_rules.refusals(PERSON, SUPPORTER, conflicts={("p1", "v1")})
    assert reasons == ["A conflict is recorded (for example already known to each other)"]
    assert hard_rules.refusals(PERSON, SUPPORTER, conflicts={("p1", "v2")}) == []


@pytest.mark.parametrize(
    "change, count",
    [({"eligible": False, "paused": True}, 2), ({"capacity": 1, "languages": frozenset()}, 2)],
)
def test_every_failing_rule_gives_its_own_reason(change, count):
    assert len(hard_rules.refusals(PERSON, replace(SUPPORTER, **change))) == count


def test_a_pair_whose_support_ended_because_it_was_not_right_is_refused():
    reasons = hard_rules.refusals(PERSON, SUPPORTER, ended_badly={("p1", "v1")})
    assert reasons == ["Their support together ended before because the match was not right"]
    assert hard_rules.refusals(PERSON, SUPPORTER, ended_badly={("p2", "v1")}) == []
