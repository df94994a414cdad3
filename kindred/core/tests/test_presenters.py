"""Words that read right in a sentence."""

from decimal import Decimal

import pytest

from kindred.core.presenters import count_of, in_a_sentence


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        ("Waiting for a match", "waiting for a match"),
        ("GP", "GP"),
        ("NHS team", "NHS team"),
        ("Their GP", "their GP"),
        ("To share updates with the referrer or GP", "to share updates with the referrer or GP"),
        ("", ""),
    ],
)
def test_a_label_in_a_sentence_keeps_its_initialisms(label, shown):
    assert in_a_sentence(label) == shown


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (1, "1 hour"),
        (Decimal("1.00"), "1 hour"),
        (Decimal("1.50"), "1.5 hours"),
        (Decimal("10"), "10 hours"),
        (0, "0 hours"),
    ],
)
def test_the_noun_agrees_with_the_number(number, shown):
    assert count_of(number, "hour") == shown
