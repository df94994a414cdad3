"""Malformed instances are refused with a message naming the first problem, and nothing is written."""

from __future__ import annotations

import copy
import json
from typing import Any

import numpy as np
import pytest

from kindred.matching.engine import Instance, MalformedInstance, parse_instance
from kindred.matching.engine.cli import match_file

VALID = {
    "people": [{"id": "p1", "demand": 1}, {"id": "p2", "demand": 2}, {"id": "p3"}],
    "supporters": [{"id": "s1", "capacity": 3}, {"id": "s2"}],
    "candidates": [
        {"person": "p1", "supporter": "s1", "score": 0.82},
        {"person": "p2", "supporter": "s1", "score": 0.4},
        {"person": "p2", "supporter": "s2", "score": 0.65},
        {"person": "p3", "supporter": "s2", "score": 1},
    ],
}


def changed(change) -> object:
    data = copy.deepcopy(VALID)
    return change(data) or data


def setting(path: str, value: object):
    """A change that sets e.g. "candidates.3.supporter" to value."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def removing(path: str):
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        del target[last]

    return change


def two_problems(data: dict[str, Any]) -> None:
    """A score out of range at candidates[3], and an unknown supporter before it."""
    setting("candidates.3.score", 7)(data)
    setting("candidates.1.supporter", "nobody")(data)


MALFORMED = {
    "not an object": (lambda data: [data], "the instance must be a JSON object, not an array"),
    "missing candidates": (removing("candidates"), 'missing "candidates"'),
    "unknown top-level field": (setting("peeple", []), 'unknown field "peeple"'),
    "people not an array": (setting("people", {}), "people: must be an array, not an object"),
    "person not an object": (
        setting("people.1", "p2"),
        "people[1]: must be an object, not a string",
    ),
    "misspelt field": (setting("people.2.demnd", 2), 'people[2]: unknown field "demnd"'),
    "missing id": (removing("supporters.1.id"), 'supporters[1]: missing "id"'),
    "id not a string": (setting("people.0.id", 1), "people[0]: id must be a string, not a number"),
    "empty id": (setting("supporters.0.id", ""), "supporters[0]: id must not be empty"),
    "duplicate person id": (
        setting("people.2.id", "p1"),
        'people[2]: duplicate id "p1" (also people[0])',
    ),
    "duplicate supporter id": (
        setting("supporters.1.id", "s1"),
        'supporters[1]: duplicate id "s1" (also supporters[0])',
    ),
    "negative demand": (
        setting("people.1.demand", -1),
        "people[1]: demand must not be negative (-1)",
    ),
    "negative capacity": (
        setting("supporters.0.capacity", -3),
        "supporters[0]: capacity must not be negative (-3)",
    ),
    "fractional demand": (
        setting("people.0.demand", 1.5),
        "people[0]: demand must be a whole number, not 1.5",
    ),
    "capacity as text": (
        setting("supporters.1.capacity", "2"),
        "supporters[1]: capacity must be a whole number, not a string",
    ),
    "capacity true": (
        setting("supporters.1.capacity", True),
        "supporters[1]: capacity must be a whole number, not true",
    ),
    "huge capacity": (
        setting("supporters.1.capacity", 2**40),
        f"supporters[1]: capacity {2**40} is too large (at most 2147483647)",
    ),
    "unknown person": (setting("candidates.0.person", "p9"), 'candidates[0]: unknown person "p9"'),
    "unknown supporter": (
        setting("candidates.3.supporter", "s9"),
        'candidates[3]: unknown supporter "s9"',
    ),
    "supporter id not a string": (
        setting("candidates.2.supporter", None),
        "candidates[2]: supporter must be a string id, not null",
    ),
    "missing score": (removing("candidates.1.score"), 'candidates[1]: missing "score"'),
    "score above one": (
        setting("candidates.2.score", 1.5),
        "candidates[2]: score 1.5 is outside [0, 1]",
    ),
    "negative score": (
        setting("candidates.1.score", -0.01),
        "candidates[1]: score -0.01 is outside [0, 1]",
    ),
    "score as text": (
        setting("candidates.0.score", "0.8"),
        "candidates[0]: score must be a number, not a string",
    ),
    "score false": (
        setting("candidates.0.score", False),
        "candidates[0]: score must be a number, not false",
    ),
    "duplicate pair": (
        lambda data: data["candidates"].append({"person": "p2", "supporter": "s1", "score": 0.9}),
        'candidates[4]: duplicate pair "p2" and "s1" (also candidates[1])',
    ),
    "first of two problems": (
        two_problems,
        'candidates[1]: unknown supporter "nobody"',
    ),
}


@pytest.mark.parametrize("change, message", MALFORMED.values(), ids=MALFORMED.keys())
def test_parse_refuses_with_the_first_problem(change, message):
    with pytest.raises(MalformedInstance) as refused:
        parse_instance(changed(change))
    assert str(refused.value) == message


@pytest.mark.parametrize("change, message", MALFORMED.values(), ids=MALFORMED.keys())
def test_match_file_refuses_writes_nothing_and_exits_2(change, message, tmp_path, capsys):
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(changed(change)))
    result = tmp_path / "result.json"
    assert match_file(instance, result) == 2
    captured = capsys.readouterr()
    assert captured.err == f"kindred match-file: {message}\n"
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == [instance]


def test_nan_score_is_refused():
    data = changed(setting("candidates.1.score", float("nan")))
    with pytest.raises(MalformedInstance, match=r"^candidates\[1\]: score NaN is not a number"):
        parse_instance(data)


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"people": [', "is not valid JSON: Expecting value (line 1 column 13)"),
        (
            '{"people": [], "supporters": [], "candidates": [{"score": NaN}]}',
            "is not valid JSON: NaN is not allowed",
        ),
        ('{"people": [], "people": []}', 'is not valid JSON: an object repeats the key "people"'),
    ],
)
def test_invalid_json_is_refused_and_nothing_written(text, message, tmp_path, capsys):
    instance = tmp_path / "instance.json"
    instance.write_text(text)
    assert match_file(instance, tmp_path / "result.json") == 2
    assert capsys.readouterr().err == f"kindred match-file: {instance} {message}\n"
    assert list(tmp_path.iterdir()) == [instance]


def test_an_unreadable_file_is_refused(tmp_path, capsys):
    missing = tmp_path / "missing.json"
    assert match_file(missing, tmp_path / "result.json") == 2
    err = capsys.readouterr().err
    assert err == f"kindred match-file: cannot read {missing}: No such file or directory\n"
    assert list(tmp_path.iterdir()) == []


def test_text_that_is_not_utf8_is_refused(tmp_path, capsys):
    instance = tmp_path / "instance.json"
    instance.write_bytes(b'{"people": ["\xff"]}')
    assert match_file(instance, tmp_path / "result.json") == 2
    assert capsys.readouterr().err == f"kindred match-file: {instance} is not UTF-8 text\n"


def test_defaults_are_demand_one_and_capacity_one_and_ids_may_repeat_across_sides():
    instance = parse_instance(
        {
            "people": [{"id": "x"}, {"id": "y", "demand": 0}],
            "supporters": [{"id": "x"}],
            "candidates": [{"person": "x", "supporter": "x", "score": 0}],
        }
    )
    assert instance.demand.tolist() == [1, 0]
    assert instance.capacity.tolist() == [1]
    assert instance.candidate_score.dtype == np.float64


ARRAYS = {
    "person_ids": ["p1", "p2"],
    "demand": [1, 2],
    "supporter_ids": ["s1", "s2"],
    "capacity": [1, 1],
    "candidate_person": [0, 1, 1],
    "candidate_supporter": [0, 0, 1],
    "candidate_score": [0.5, 0.25, 1.0],
}


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("person_ids", ["p1", "p1"], 'people[1]: duplicate id "p1" (also people[0])'),
        ("demand", [1, -2], "people[1]: demand must not be negative (-2)"),
        ("capacity", [1.0, 2.0], "supporters: capacity must be whole numbers"),
        ("candidate_supporter", [0, 2, 5], "candidates[1]: unknown supporter (position 2)"),
        ("candidate_person", [0, 1, -1], "candidates[2]: unknown person (position -1)"),
        (
            "candidate_score",
            [0.5, np.nan, 2.0],
            "candidates[1]: score NaN is not a number in [0, 1]",
        ),
        ("candidate_score", [0.5, 0.2, 1.25], "candidates[2]: score 1.25 is outside [0, 1]"),
        (
            "candidate_supporter",
            [1, 1, 1],
            'candidates[2]: duplicate pair "p2" and "s2" (also candidates[1])',
        ),
        (
            "candidate_score",
            [0.5, 0.2],
            "candidate person, supporter and score arrays must have the same length",
        ),
    ],
)
def test_from_arrays_refuses_like_the_parser(field, value, message):
    with pytest.raises(MalformedInstance) as refused:
        Instance.from_arrays(**{**ARRAYS, field: value})
    assert str(refused.value) == message
