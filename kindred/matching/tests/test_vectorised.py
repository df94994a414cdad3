"""Vectorised scoring gives the scalar scores to the last bit (ADR-101)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kindred.matching.engine.scoring import (
    Mode,
    Profile,
    Weights,
    Window,
    components,
    overlap,
    weighted_score,
)
from kindred.matching.engine.vectorised import SupporterArrays, score_person

EXPERIENCES = ["stroke", "copd", "cancer", "bereavement", "caring for someone"]
INTERESTS = ["gardening", "chess", "walking", "music"]


@st.composite
def windows(draw):
    day = draw(st.integers(0, 6))
    start = draw(st.integers(0, 1439))
    end = draw(st.integers(start + 1, 1440))
    return Window(day, start, end)


@st.composite
def profiles(draw):
    placed = draw(st.booleans())
    return Profile(
        experiences=frozenset(draw(st.lists(st.sampled_from(EXPERIENCES), max_size=3))),
        interests=frozenset(draw(st.lists(st.sampled_from(INTERESTS), max_size=3))),
        availability=tuple(draw(st.lists(windows(), max_size=5))),
        easting=draw(st.floats(350_000, 450_000)) if placed else None,
        northing=draw(st.floats(350_000, 450_000)) if placed else None,
    )


weights_strategy = st.builds(
    Weights,
    shared_experience=st.floats(0, 2),
    distance=st.floats(0, 2),
    interests=st.floats(0, 2),
    availability=st.floats(0, 2),
    waiting=st.floats(0.01, 2),
    continuity=st.floats(0, 2),
    distance_zero_km=st.floats(0.5, 50),
    interests_for_full=st.integers(1, 4),
    availability_minutes_for_full=st.integers(1, 600),
    waiting_full_days=st.integers(1, 730),
)


@settings(max_examples=200, deadline=None)
@given(
    person=profiles(),
    supporters=st.lists(profiles(), min_size=1, max_size=12),
    weights=weights_strategy,
    days=st.integers(0, 800),
    before=st.data(),
)
def test_vectorised_scores_equal_the_scalar_ones(person, supporters, weights, days, before):
    had = np.array([before.draw(st.booleans()) for _ in supporters])
    scores = score_person(
        person, SupporterArrays.of(supporters), waiting_days=days, before=had, weights=weights
    )
    for row, supporter in enumerate(supporters):
        for mode, got in ((Mode.VISIT, scores.face_to_face), (Mode.PHONE, scores.remote)):
            parts = components(
                person,
                supporter,
                mode=mode,
                waiting_days=days,
                same_supporter_before=bool(had[row]),
                weights=weights,
            )
            assert got[row] == weighted_score(parts, weights)  # equal, not merely close
        distance = components(person, supporter, mode=Mode.VISIT, waiting_days=days).distance_km
        if distance is None:
            assert np.isnan(scores.km[row])
        else:
            assert scores.km[row] == distance


@settings(max_examples=100, deadline=None)
@given(first=st.lists(windows(), max_size=6), second=st.lists(windows(), max_size=6))
def test_free_minutes_together_are_the_scalar_overlap(first, second):
    arrays = SupporterArrays.of([Profile(availability=tuple(second))])
    assert arrays.free_together(first)[0] == overlap(first, second)[0]
