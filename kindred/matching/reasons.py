"""What a coordinator reads about matching: why a supporter is suggested, and why nobody suits
someone. Pure: plain data in, words out; no Django, no database (ADR-094).

Why this supporter (`suggested_because`): the engine's components for the way of meeting
chosen, the one that added most to the match first, then the facts the rules checked that are
worth saying (a language in common, the gender the person asked for, room left). Never a score:
the only numbers are ones a coordinator can act on (km, people).

Why nobody (`why_none`): every supporter is checked against every rule (`rules_failed`, using
the hard rules themselves, so the explanation cannot disagree with them), the supporters each
rule rules out are counted and said in a sentence, and those who fail only one rule a
coordinator may act on are the near misses, the best suited first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from kindred.matching import hard_rules
from kindred.matching.engine.scoring import (
    Components,
    Weights,
    and_list,
    free_together_words,
    km_words,
    shared_experience_words,
)

ALL_MODES = frozenset({"visit", "meet_out", "phone", "video"})
#: How a person and a supporter would meet, as words after "by" ("They would meet by ...").
MEETING = {
    "visit": "home visits",
    "meet_out": "meeting out",
    "phone": "phone calls",
    "video": "video calls",
}
#: What a supporter must be able to do to meet someone each way.
_CAN = {
    "visit": "visit at home",
    "meet_out": "meet out",
    "phone": "talk by phone",
    "video": "talk by video",
}
_MODE_ORDER = ("visit", "meet_out", "phone", "video")

# --- Why this supporter ---------------------------------------------------------------------


def suggested_because(
    parts: Components,
    weights: Weights,
    *,
    person: str,
    languages: Sequence[str] = (),
    preferred: str = "",
    room: int = 0,
) -> tuple[str, ...]:
    """Why this supporter, as short sentences with no full stop, most important first.

    `parts` are the engine's components of the way of meeting chosen (experience names already
    readable); the sentences they give are ranked by what each added to the match (weight times
    component). Then, in this order: `languages` both speak (when the person said which),
    `preferred` (the gender the person asked for, which the supporter is: "a woman") and the
    `room` the supporter has left. The person's waiting time is left out: it is the same for
    every supporter of theirs."""
    ranked: list[tuple[float, int, str]] = []
    if parts.shared_experiences and weights.shared_experience > 0:
        ranked.append(
            (
                weights.shared_experience * parts.shared_experience,
                0,
                shared_experience_words(parts.shared_experiences),
            )
        )
    if parts.distance is not None and parts.distance_km is not None:
        ranked.append((weights.distance * parts.distance, 1, f"{km_words(parts.distance_km)} away"))
    if parts.shared_interests and weights.interests > 0:
        ranked.append(
            (
                weights.interests * parts.interests,
                2,
                f"Both enjoy {and_list(parts.shared_interests)}",
            )
        )
    if parts.free_together and weights.availability > 0:
        ranked.append(
            (
                weights.availability * parts.availability,
                3,
                free_together_words(parts.free_together),
            )
        )
    if parts.continuity > 0 and weights.continuity > 0:
        ranked.append((weights.continuity * parts.continuity, 4, f"Supported {person} before"))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    sentences = [sentence for _, _, sentence in ranked]
    if languages:
        sentences.append(f"Both speak {and_list(languages)}")
    if preferred:
        sentences.append(f"{_capital(preferred)}, as {person} would prefer")
    if room > 0:
        sentences.append(f"Has room for {room} more {'person' if room == 1 else 'people'}")
    return tuple(sentences)


def languages_shared(wanted: Iterable[str], spoken: Iterable[str]) -> tuple[str, ...]:
    """The person's languages the supporter speaks too, as the person's record spells them."""
    theirs = {language.casefold() for language in spoken}
    return tuple(sorted(language for language in wanted if language.casefold() in theirs))


@dataclass(frozen=True)
class Concern:
    """A supporter said in this month's check-in that they are struggling or not great: they
    are still suggested, but the coordinator talks to them first."""

    said_on: dt.date
    struggling: bool  # "I'm struggling"; otherwise "Not great"

    @property
    def said(self) -> str:
        """What they said, for a sentence: "said on 2 December they are not great"."""
        feeling = "they are struggling" if self.struggling else "they are not great"
        return f"said on {self.said_on.day} {self.said_on:%B} {feeling}"

    @property
    def sentence(self) -> str:
        return f"{_capital(self.said)}: talk to them first"

    def about(self, name: str) -> str:
        return f"{name} {self.said}: talk to them first"


# --- Why nobody -----------------------------------------------------------------------------

#: The rules, in the order they are listed: the hard rules (by their function's name in
#: kindred.matching.hard_rules), then what decides who suggestions look at, then decisions.
HARD_RULES = {
    "eligible_for_role": "role",
    "not_paused": "paused",
    "capacity_left": "capacity",
    "mode_compatible": "modes",
    "within_travel_distance": "distance",
    "gender_preference_respected": "gender",
    "language_shared": "language",
    "no_conflict": "conflict",
    "not_ended_badly": "ended_badly",
}
ORDER = (
    "role",
    "paused",
    "capacity",
    "modes",
    "distance",
    "gender",
    "language",
    "experience",  # phone and video look only at supporters sharing a lived experience
    "nearest",  # face to face looks only at the nearest supporters with room
    "role_there",  # across a network: a supporter role in the person's organisation
    "conflict",
    "ended_badly",
    "turned_down",  # a coordinator rejected the pair
)
#: Rules that record a decision about this pair: counted, never offered as a near miss.
DECISIONS = frozenset({"conflict", "ended_badly", "turned_down"})
NEAR_MISSES = 5


@dataclass(frozen=True)
class Asked:
    """The person waiting, as the explanation needs them."""

    name: str
    facts: hard_rules.Waiting
    experiences: tuple[str, ...] = ()  # their lived experiences, readable ("stroke")
    preferred: str = ""  # the gender they would prefer, in words ("a woman"); "" for none
    needs: int = 1  # 2 for a pair of supporters
    organisation: str = ""


@dataclass(frozen=True)
class Seen:
    """One supporter, checked against every rule for the person."""

    volunteer_id: object
    name: str
    facts: hard_rules.Supporter
    failed: tuple[str, ...]  # rule keys, in ORDER
    role: str = "supporter"  # the role they would be matched in, in words ("befriender")
    holds_role: bool = True
    not_cleared: tuple[str, ...] = ()  # why they may not take the role yet (volunteers' words)
    shares: tuple[str, ...] = ()  # the person's lived experiences they share
    km: float | None = None
    #: How well they would suit if the rule they fail were met: the engine's score, used only
    #: to put near misses in order (never shown).
    suits: float = 0.0


@dataclass(frozen=True)
class RuledOut:
    rule: str
    supporters: int
    sentence: str


@dataclass(frozen=True)
class NearMiss:
    volunteer_id: object
    name: str
    rule: str
    sentence: str


@dataclass(frozen=True)
class WhyNone:
    summary: str
    looked_at: int
    ruled_out: tuple[RuledOut, ...] = ()
    near_misses: tuple[NearMiss, ...] = ()
    #: What happened to the supporters who share the person's lived experience ("" if nothing
    #: to say): "3 supporters share Ada's lived experience (stroke), but all are at capacity".
    experience: str = ""


def rules_failed(
    asked: Asked,
    supporter: hard_rules.Supporter,
    *,
    shares: bool,
    considered: bool | None,
    conflicts: Collection[tuple[object, object]] = (),
    ended_badly: Collection[tuple[object, object]] = (),
    turned_down: bool = False,
    role_there: bool = False,
) -> tuple[str, ...]:
    """Every rule this supporter fails for the person (keys of ORDER); empty when they suit.

    `shares`: they share one of the person's lived experiences. `considered`: whether
    suggestions looked at them for this person (True, False), or None when they could not
    (no room, or not eligible), in which case it is worked out whether they would be.
    `role_there`: they need a supporter role in the person's organisation (network only)."""
    person = asked.facts
    rules = (
        *hard_rules.RULES,
        hard_rules.no_conflict(conflicts),
        hard_rules.not_ended_badly(ended_badly),
    )
    failed = {HARD_RULES[rule.__name__] for rule in rules if rule(person, supporter)}
    looked = _not_looked_at(asked, supporter, shares=shares, considered=considered)
    if looked:
        failed.add(looked)
    if role_there:
        failed.add("role_there")
    if turned_down:
        failed.add("turned_down")
    return tuple(rule for rule in ORDER if rule in failed)


def _not_looked_at(
    asked: Asked, supporter: hard_rules.Supporter, *, shares: bool, considered: bool | None
) -> str | None:
    """Why suggestions did not (or would not) look at this supporter, if that is the reason.
    Face to face, they look at the nearest supporters with room; by phone or video, at those
    sharing one of the person's lived experiences (or anyone, if the person named none)."""
    if considered:
        return None
    wanted = asked.facts.modes or ALL_MODES
    remote = bool(wanted - hard_rules.FACE_TO_FACE)
    nearby = (
        bool(wanted & hard_rules.FACE_TO_FACE)
        and asked.facts.point is not None
        and supporter.point is not None
    )
    by_experience = remote and (not asked.experiences or shares)
    if not nearby and not by_experience:
        # Without a shared experience only face to face is left; where that fails, the
        # distance or way-of-meeting rule says why.
        return "experience" if remote and asked.experiences else None
    if considered is False and nearby and not by_experience:
        return "nearest"
    return None


def why_none(asked: Asked, seen: Sequence[Seen], *, nearest: int = 30) -> WhyNone:
    """Why nobody suits the person: a summary, the supporters each rule ruled out (the most
    first; a supporter can be ruled out by several), and the near misses: supporters who fail
    one rule only, one a coordinator may act on, the best suited first."""
    name = asked.name
    if not seen:
        return WhyNone(
            f"No supporter has a matching profile yet, so there is nobody to match {name} with",
            0,
        )
    suitable = [s for s in seen if not s.failed]
    if suitable and len(suitable) < asked.needs:
        summary = (
            f"Only {and_list(s.name for s in suitable)} suits {name}, who needs a pair of "
            "supporters"
        )
    elif suitable:
        summary = f"{_count(len(suitable))} {_be(len(suitable))} suited to {name}"
    elif len(seen) == 1:
        summary = f"The only supporter, {seen[0].name}, cannot be matched with {name}"
    else:
        summary = f"None of the {len(seen)} supporters can be matched with {name}"
    counts = Counter(rule for s in seen for rule in s.failed)
    ruled_out = tuple(
        RuledOut(
            rule,
            counts[rule],
            _rule_sentence(rule, asked, [s for s in seen if rule in s.failed], seen, nearest),
        )
        for rule in sorted(counts, key=lambda rule: (-counts[rule], ORDER.index(rule)))
    )
    near = sorted(
        (s for s in seen if len(s.failed) == 1 and s.failed[0] not in DECISIONS),
        key=lambda s: (-s.suits, s.km is None, s.km or 0.0, s.name),
    )
    near_misses = tuple(
        NearMiss(
            s.volunteer_id,
            s.name,
            s.failed[0],
            f"{s.name} would suit but {_near_miss(s.failed[0], asked, s, nearest)}",
        )
        for s in near[:NEAR_MISSES]
    )
    return WhyNone(summary, len(seen), ruled_out, near_misses, _experience(asked, seen))


# --- The words -------------------------------------------------------------------------------


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _count(n: int, noun: str = "supporter") -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _be(n: int) -> str:
    return "is" if n == 1 else "are"


def _verb(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _wanted_modes(asked: Asked) -> str:
    wanted = [_CAN[mode] for mode in _MODE_ORDER if mode in asked.facts.modes]
    return and_list(wanted, joiner="or")


def _languages(asked: Asked) -> str:
    return and_list(sorted(asked.facts.languages), joiner="or")


def _experiences(asked: Asked) -> str:
    return and_list(asked.experiences, joiner="or")


def _role(group: Sequence[Seen]) -> str:
    roles = {s.role for s in group}
    return roles.pop() if len(roles) == 1 else "supporter"


def _rule_sentence(
    rule: str, asked: Asked, group: Sequence[Seen], seen: Sequence[Seen], nearest: int
) -> str:
    """How many supporters `rule` rules out, and what it means, in one sentence."""
    n = len(group)
    name = asked.name
    who = _count(n)
    if rule == "role":
        role = _role(group)
        outside = [s for s in group if not s.holds_role]
        uncleared = [s for s in group if s.holds_role]
        parts = []
        if outside:
            m = len(outside)
            parts.append(f"{_count(m)} {_verb(m, 'does', 'do')} not hold the {role} role")
        if uncleared:
            m = len(uncleared)
            why = (
                "; ".join(_lower(reason) for reason in uncleared[0].not_cleared)
                if m == 1 and uncleared[0].not_cleared
                else "a DBS check or training is missing or out of date"
            )
            parts.append(
                f"{m} {_verb(m, 'holds', 'hold')} it but {_be(m)} not cleared for it yet ({why})"
                if outside
                else f"{_count(m)} {_verb(m, 'holds', 'hold')} the {role} role but "
                f"{_be(m)} not cleared for it yet ({why})"
            )
        return ", and ".join(parts)
    if rule == "paused":
        return f"{who} {_be(n)} paused at the moment"
    if rule == "capacity":
        return f"{who} already {_verb(n, 'supports', 'support')} as many people as they can"
    if rule == "modes":
        if not asked.facts.modes:
            return f"{who} {_verb(n, 'has', 'have')} no ways of meeting recorded"
        return f"{who} cannot {_wanted_modes(asked)}, as {name} wants"
    if rule == "distance":
        if asked.facts.point is None:
            return (
                f"{who} could only meet {name} in person, and we do not know where {name} "
                "lives: add their postcode"
            )
        far = [s for s in group if s.km is not None]
        unplaced = n - len(far)
        parts = []
        if far:
            closest = min(far, key=lambda s: (s.km or 0.0, s.name))
            parts.append(
                f"{_count(len(far))} {_be(len(far))} too far away to meet {name} in person: "
                f"the nearest, {closest.name}, is {km_words(closest.km or 0.0)} away, beyond the "
                f"{closest.facts.max_travel_km:g} km they can travel"
            )
        if unplaced:
            parts.append(
                f"{_count(unplaced)} {_verb(unplaced, 'has', 'have')} no location recorded, so "
                "we cannot tell how far away they are"
            )
        return "; ".join(parts)
    if rule == "gender":
        unrecorded = [s for s in group if not s.facts.gender]
        if all(not s.facts.gender for s in seen):
            return (
                f"No supporter has a recorded gender, and {name} would prefer {asked.preferred}: "
                "record supporters' genders on their matching profiles"
            )
        if len(unrecorded) == n:
            return (
                f"{who} {_verb(n, 'has', 'have')} no gender recorded, and {name} would prefer "
                f"{asked.preferred}"
            )
        sentence = f"{who} {_be(n)} not the gender {name} would prefer ({asked.preferred})"
        if unrecorded:
            m = len(unrecorded)
            sentence += f"; {m} of them {_verb(m, 'has', 'have')} no gender recorded"
        return sentence
    if rule == "language":
        return f"{who} {_verb(n, 'does', 'do')} not speak {_languages(asked)}"
    if rule == "experience":
        return (
            f"{who} {_verb(n, 'shares', 'share')} none of {name}'s lived experience "
            f"({_experiences(asked)}), which matching by phone or video needs"
        )
    if rule == "nearest":
        return (
            f"{who} {_verb(n, 'was', 'were')} not looked at: only the {nearest} supporters "
            f"with room nearest {name} are considered for meeting in person"
        )
    if rule == "role_there":
        return (
            f"{who} from other organisations {_verb(n, 'needs', 'need')} a peer supporter role "
            f"in {asked.organisation} before they can support someone there"
        )
    if rule == "conflict":
        return f"{who} must never be matched with {name}: a conflict is recorded"
    if rule == "ended_badly":
        return f"{who} supported {name} before, and it ended because the match was not right"
    if rule == "turned_down":
        return f"{who} {_verb(n, 'was', 'were')} turned down for {name} by a coordinator"
    raise ValueError(f"no words for the rule {rule!r}")


def _near_miss(rule: str, asked: Asked, s: Seen, nearest: int) -> str:
    """What stands in the way of one supporter who fails only `rule`, after "would suit but"."""
    name = asked.name
    if rule == "role":
        if not s.holds_role:
            return f"is not {_article(s.role)} {s.role}"
        why = " and ".join(_lower(reason) for reason in s.not_cleared)
        cleared = f"is not cleared as {_article(s.role)} {s.role} yet"
        return f"{cleared}: {why}" if why else cleared
    if rule == "paused":
        return "is paused at the moment"
    if rule == "capacity":
        if s.facts.capacity == 0:
            return "has said they cannot support anyone at the moment"
        taken = s.facts.places_taken
        return (
            f"already supports {taken} {'person' if taken == 1 else 'people'}, as many as they can"
        )
    if rule == "modes":
        if not s.facts.modes:
            return "has no ways of meeting recorded"
        return f"cannot {_wanted_modes(asked)}, as {name} wants"
    if rule == "distance":
        if asked.facts.point is None:
            return f"could only meet in person, and we do not know where {name} lives"
        if s.km is None:
            return "has no location recorded, so we cannot tell how far away they are"
        return f"is {km_words(s.km)} away, beyond the {s.facts.max_travel_km:g} km they can travel"
    if rule == "gender":
        if not s.facts.gender:
            return f"has no gender recorded, and {name} would prefer {asked.preferred}"
        return f"is not the gender {name} would prefer ({asked.preferred})"
    if rule == "language":
        return f"does not speak {_languages(asked)}"
    if rule == "experience":
        return (
            f"shares none of {name}'s lived experience ({_experiences(asked)}), which matching "
            "by phone or video needs"
        )
    if rule == "nearest":
        return (
            f"was not looked at: only the {nearest} supporters with room nearest {name} are "
            "considered for meeting in person"
        )
    if rule == "role_there":
        where = asked.organisation
        return (
            f"needs a peer supporter role in {where}: ask an organisation admin of {where} to "
            "add them to the team"
        )
    raise ValueError(f"no near-miss words for the rule {rule!r}")


#: What stands in a supporter's way, for "but all ..." sentences: (one, many, none), where
#: "none" words it for "but none ..." (or "neither") when the plain words are a negative.
_PREDICATES = {
    "role": (
        "cannot support as {a_role} yet",
        "cannot support as {a_role} yet",
        "none:can support as {a_role} yet",
    ),
    "paused": ("is paused", "are paused", "all:are paused"),
    "capacity": ("is at capacity", "are at capacity", "all:are at capacity"),
    "modes": (
        "cannot meet the way {name} wants",
        "cannot meet the way {name} wants",
        "none:can meet the way {name} wants",
    ),
    "distance": (
        "cannot meet {name} in person",
        "cannot meet {name} in person",
        "none:can meet {name} in person",
    ),
    "gender": (
        "is not the gender {name} would prefer",
        "are not the gender {name} would prefer",
        "none:is the gender {name} would prefer",
    ),
    "language": (
        "does not speak {languages}",
        "do not speak {languages}",
        "none:speaks {languages}",
    ),
    "experience": ("was not looked at", "were not looked at", "none:was looked at"),
    "nearest": ("was not looked at", "were not looked at", "none:was looked at"),
    "role_there": (
        "needs a peer supporter role in {where}",
        "need a peer supporter role in {where}",
        "all:need a peer supporter role in {where}",
    ),
    "conflict": (
        "has a conflict recorded with {name}",
        "have a conflict recorded with {name}",
        "all:have a conflict recorded with {name}",
    ),
    "ended_badly": (
        "ended badly with {name} before",
        "ended badly with {name} before",
        "all:ended badly with {name} before",
    ),
    "turned_down": (
        "was turned down for {name}",
        "were turned down for {name}",
        "all:were turned down for {name}",
    ),
}


def _predicate(
    rule: str, n: int, asked: Asked, group: Sequence[Seen], *, every: bool = False
) -> str:
    """What stands in the way of `n` supporters. With `every`, for all of a group: "all are at
    capacity", "neither is the gender Ada would prefer", "is paused" (one)."""
    one, many, whole = _PREDICATES[rule]
    if every and n > 1:
        kind, words = whole.split(":", 1)
        quantifier = (
            ("both" if n == 2 else "all") if kind == "all" else ("neither" if n == 2 else "none")
        )
        text = f"{quantifier} {words}"
    else:
        text = one if n == 1 else many
    role = _role(group)
    return text.format(
        name=asked.name,
        a_role=f"{_article(role)} {role}",
        languages=_languages(asked),
        where=asked.organisation,
    )


def _experience(asked: Asked, seen: Sequence[Seen]) -> str:
    """What became of the supporters who share the person's lived experience, when none suits."""
    if not asked.experiences or not seen:
        return ""
    what = f"{asked.name}'s lived experience ({_experiences(asked)})"
    sharers = [s for s in seen if s.shares]
    if not sharers:
        return f"No supporter shares {what}"
    if any(not s.failed for s in sharers):
        return ""
    n = len(sharers)
    opening = f"{_count(n)} {_verb(n, 'shares', 'share')} {what}, but"
    common = [rule for rule in ORDER if all(rule in s.failed for s in sharers)]
    if common:
        return f"{opening} {_predicate(common[0], n, asked, sharers, every=True)}"
    firsts = Counter(s.failed[0] for s in sharers)
    parts = [
        f"{count} {_predicate(rule, count, asked, [s for s in sharers if s.failed[0] == rule])}"
        for rule in ORDER
        if (count := firsts[rule])
    ]
    return f"{opening} none can be matched: {and_list(parts)}"
