"""Pair scores and their explanations (pure: no database)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kindred.matching.engine.scoring import (
    DEFAULT_WEIGHTS,
    Mode,
    Profile,
    Weights,
    Window,
    components,
    score_arrays,
    score_pair,
    weighted_score,
)

EXPERIENCES = ["stroke", "diabetes", "cancer", "depression", "bereavement", "chronic pain"]
INTERESTS = ["gardening", "walking", "chess", "football", "knitting"]

windows = st.builds(
    lambda day, start, length: Window(day, start, min(1440, start + length)),
    st.integers(0, 6),
    st.integers(0, 1439),
    st.integers(1, 600),
)
profiles = st.builds(
    Profile,
    experiences=st.frozensets(st.sampled_from(EXPERIENCES)),
    interests=st.frozensets(st.sampled_from(INTERESTS)),
    availability=st.lists(windows, max_size=4).map(tuple),
    easting=st.floats(300_000, 500_000),
    northing=st.floats(200_000, 600_000),
)
weight = st.floats(0.0, 5.0)
weights = st.builds(
    Weights,
    shared_experience=weight,
    distance=weight,
    interests=weight,
    availability=weight,
    waiting=weight,
    continuity=st.floats(0.01, 5.0),  # keeps at least one weight other than distance above 0
    distance_zero_km=st.floats(1.0, 100.0),
    interests_for_full=st.integers(1, 4),
    availability_minutes_for_full=st.integers(1, 600),
    waiting_full_days=st.integers(1, 730),
)
modes = st.sampled_from(list(Mode))
days = st.integers(0, 2000)


def worked_example() -> tuple[Profile, Profile]:
    person = Profile(
        experiences=frozenset({"stroke"}),
        interests=frozenset({"gardening", "chess"}),
        availability=(Window(1, 13 * 60, 16 * 60),),
        easting=400_000,
        northing=300_000,
    )
    supporter = Profile(
        experiences=frozenset({"stroke", "diabetes"}),
        interests=frozenset({"gardening"}),
        availability=(Window(1, 14 * 60, 17 * 60), Window(3, 9 * 60, 11 * 60)),
        easting=401_080,  # 1.08 km east and 1.44 km north: 1.8 km
        northing=301_440,
    )
    return person, supporter


def test_the_worked_example_explains_itself_in_plain_english():
    person, supporter = worked_example()
    pair = score_pair(person, supporter, mode=Mode.VISIT, waiting_days=41)
    assert pair.explanation == (
        "Both stroke survivors. 1.8 km apart. Both enjoy gardening. "
        "Both free Tuesday afternoons. Waiting 41 days."
    )
    # Experience 1, closeness 1 - 1.8/20, interests 1/2, availability 120/120, waiting 41/365.
    expected = (0.30 * 1 + 0.20 * 0.91 + 0.10 * 0.5 + 0.10 * 1 + 0.5 * 41 / 365) / 1.25
    assert pair.score == pytest.approx(expected)


def test_phone_pairs_have_no_distance_and_continuity_is_named():
    person, supporter = worked_example()
    far = dataclasses.replace(supporter, easting=900_000)
    pair = score_pair(person, far, mode=Mode.PHONE, waiting_days=1, same_supporter_before=True)
    assert pair.components.distance is None
    assert "km" not in pair.explanation
    assert pair.explanation.endswith("Waiting 1 day. Supported them before.")
    assert (
        pair.score
        == score_pair(
            person, supporter, mode=Mode.PHONE, waiting_days=1, same_supporter_before=True
        ).score
    )


def test_several_shared_experiences_and_times_are_listed():
    person = Profile(
        experiences=frozenset({"stroke", "depression"}),
        availability=(Window(0, 9 * 60, 20 * 60),),
    )
    supporter = Profile(
        experiences=frozenset({"stroke", "depression"}),
        availability=(Window(0, 0, 1440), Window(2, 10 * 60, 11 * 60)),
    )
    pair = score_pair(person, supporter, mode=Mode.VIDEO, waiting_days=0)
    assert pair.explanation == (
        "Both have lived experience of depression and stroke. "
        "Both free Monday mornings, Monday afternoons and Monday evenings."
    )


def test_a_face_to_face_pair_without_a_location_says_so_and_gets_no_closeness():
    person, supporter = worked_example()
    pair = score_pair(
        person, dataclasses.replace(supporter, easting=None), mode=Mode.MEET_OUT, waiting_days=3
    )
    assert pair.components.distance == 0.0
    assert "Distance not known." in pair.explanation


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"waiting": -0.1}, "the waiting weight must be 0 or more"),
        ({"distance": float("nan")}, "the distance weight must be 0 or more"),
        (
            {
                "shared_experience": 0,
                "interests": 0,
                "availability": 0,
                "waiting": 0,
                "continuity": 0,
            },
            "at least one weight other than distance",
        ),
        ({"distance_zero_km": 0}, "more than 0 km"),
        ({"waiting_full_days": 0}, "waiting full days must be 1 or more"),
    ],
)
def test_bad_weights_are_refused_plainly(change, message):
    with pytest.raises(ValueError, match=message):
        Weights(**change)


def test_bad_windows_and_waits_are_refused():
    with pytest.raises(ValueError, match="day must be 0"):
        Window(7, 0, 60)
    with pytest.raises(ValueError, match="start before it ends"):
        Window(1, 600, 600)
    person, supporter = worked_example()
    with pytest.raises(ValueError, match="waiting days must be 0 or more"):
        score_pair(person, supporter, mode=Mode.PHONE, waiting_days=-1)


@settings(max_examples=300, deadline=None)
@given(profiles, profiles, modes, days, st.booleans(), weights)
def test_the_score_is_within_0_and_1_and_matches_the_vectorised_form(
    person, supporter, mode, waited, before, tuned
):
    pair = score_pair(
        person,
        supporter,
        mode=mode,
        waiting_days=waited,
        same_supporter_before=before,
        weights=tuned,
    )
    assert 0.0 <= pair.score <= 1.0
    parts = pair.components
    vector = score_arrays(
        tuned,
        shared_experience=[parts.shared_experience],
        closeness=[parts.distance or 0.0],
        face_to_face=[mode.face_to_face],
        interests=[parts.interests],
        availability=[parts.availability],
        waiting=[parts.waiting],
        continuity=[parts.continuity],
    )
    assert vector[0] == pytest.approx(pair.score, abs=1e-12)


@settings(max_examples=300, deadline=None)
@given(profiles, profiles, modes, days, st.booleans(), weights)
def test_the_explanation_names_every_component_that_added_to_the_score(
    person, supporter, mode, waited, before, tuned
):
    pair = score_pair(
        person,
        supporter,
        mode=mode,
        waiting_days=waited,
        same_supporter_before=before,
        weights=tuned,
    )
    parts, text = pair.components, pair.explanation
    if tuned.shared_experience and parts.shared_experience:
        first = text.split(". ")[0]
        assert first.startswith("Both")
        if len(parts.shared_experiences) > 1:
            assert all(e in first for e in parts.shared_experiences)
    if mode.face_to_face:
        assert "km apart." in text
    else:
        assert "km" not in text
    if tuned.interests and parts.interests:
        assert all(interest in text for interest in parts.shared_interests)
    if tuned.availability and parts.availability:
        assert "Both free" in text
    if tuned.waiting and parts.waiting:
        assert f"Waiting {waited} day" in text
    if tuned.continuity and parts.continuity:
        assert "Supported them before." in text
    assert all(s[:1].isupper() or s[:1].isdigit() for s in text.split(". ") if s)
    assert text == "" or text.endswith(".")


@settings(max_examples=300, deadline=None)
@given(profiles, profiles, modes, days, st.integers(0, 500), st.booleans(), weights, st.data())
def test_the_score_never_falls_when_a_component_improves(
    person, supporter, mode, waited, more_days, before, tuned, data
):
    def score(p: Profile, s: Profile, waiting: int = waited, same: bool = before) -> float:
        return score_pair(
            p, s, mode=mode, waiting_days=waiting, same_supporter_before=same, weights=tuned
        ).score

    base = score(person, supporter)
    eps = 1e-12
    # More shared experience: the supporter shares one more of the person's experiences.
    if person.experiences:
        extra = data.draw(st.sampled_from(sorted(person.experiences)))
        more = dataclasses.replace(supporter, experiences=supporter.experiences | {extra})
        assert score(person, more) >= base - eps
    # More shared interests, more time free together.
    interest = data.draw(st.sampled_from(INTERESTS))
    assert (
        score(
            dataclasses.replace(person, interests=person.interests | {interest}),
            dataclasses.replace(supporter, interests=supporter.interests | {interest}),
        )
        >= base - eps
    )
    window = data.draw(windows)
    assert (
        score(
            dataclasses.replace(person, availability=(*person.availability, window)),
            dataclasses.replace(supporter, availability=(*supporter.availability, window)),
        )
        >= base - eps
    )
    # A longer wait, and the same supporter as before, never lower it.
    assert score(person, supporter, waiting=waited + more_days) >= base - eps
    assert score(person, supporter, same=True) >= base - eps
    # Farther never raises it: move the supporter further away along the same line.
    assert person.easting is not None and supporter.easting is not None
    assert person.northing is not None and supporter.northing is not None
    east, north = supporter.easting - person.easting, supporter.northing - person.northing
    if east == north == 0:
        east = 1.0
    stretch = data.draw(st.floats(1.0, 10.0))
    farther = dataclasses.replace(
        supporter,
        easting=person.easting + east * stretch,
        northing=person.northing + north * stretch,
    )
    assert score(person, farther) <= base + eps


def test_more_weight_on_waiting_favours_the_longer_wait():
    person, supporter = worked_example()
    new = components(person, supporter, mode=Mode.PHONE, waiting_days=0)
    old = components(person, supporter, mode=Mode.PHONE, waiting_days=300)
    gap = {
        w: weighted_score(old, Weights(waiting=w)) - weighted_score(new, Weights(waiting=w))
        for w in (0.0, 0.5, 1.0)
    }
    assert gap[0.0] == 0.0 < gap[0.5] < gap[1.0]
    assert DEFAULT_WEIGHTS.waiting == Weights().waiting


def test_score_arrays_ignores_distance_for_remote_pairs():
    result = score_arrays(
        DEFAULT_WEIGHTS,
        shared_experience=np.array([1.0, 1.0]),
        closeness=np.array([0.0, 0.0]),
        face_to_face=np.array([True, False]),
        interests=np.zeros(2),
        availability=np.zeros(2),
        waiting=np.zeros(2),
        continuity=np.zeros(2),
    )
    assert result[1] > result[0]
    assert result[1] == pytest.approx(0.30 / 1.05)


def test_scoring_and_the_baselines_import_no_django():
    code = (
        "import sys\n"
        "import kindred.matching.engine.scoring, kindred.matching.engine.waiting\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
