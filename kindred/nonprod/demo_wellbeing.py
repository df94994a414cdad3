"""Demo goals, progress reviews and crisis plans for people who have a supporter, so the goals
page, a review and a versioned plan have something to show. Written by the supporter with the
person (through the services); a plan gets a second version from the coordinator, so its history
shows. Reviews are only added where one is not already overdue (the overdue ones are part of the
relationships demo). Running it again changes nothing: anyone who already has goals or a plan is
left alone; with no relationships it does nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Organisation, Role
from kindred.core.services import Acting
from kindred.relationships.models import Relationship, Status
from kindred.wellbeing import services
from kindred.wellbeing.services import PlanContent, ProgressEntry, Sharing

GOALS = [
    "Go to the stroke club on my own",
    "Get the bus into town without someone with me",
    "Sleep through the night more often",
    "Phone my daughter every Sunday",
    "Get back to the allotment by the spring",
    "Cook a proper meal twice a week",
    "Walk to the shops without stopping",
    "Go back to the knitting group at the Wellbeing Centre",
]

PLANS = [
    PlanContent(
        warning_signs="I stop answering the phone and stay in bed. I stop eating properly.",
        what_helps="A walk by the river. Talking to someone who has been there. Radio 4.",
        what_to_avoid="Being told to cheer up. Crowded places when I am like this.",
        people_to_contact="My sister Jo, 07700 900461. Ray next door.",
        professional_contacts="Community mental health team duty worker, 0161 496 0732.",
        practical_things="Ray (number 12) has a key and feeds the cat, Marmalade.",
    ),
    PlanContent(
        warning_signs="I get snappy and cannot sit still. I start spending money I have not got.",
        what_helps="Knitting. A cup of tea with someone from the group. Writing it down.",
        what_to_avoid="Alcohol. Being left on my own all weekend.",
        people_to_contact="My friend Bev, 07700 900238.",
        professional_contacts="My GP at the health centre, 0113 496 0415.",
        practical_things="Bev picks up my prescription. The dog goes to my brother.",
    ),
]

PLAN_SHARING = [
    Sharing(supporters=True, crisis_line=True, facilitators=False, gp=True),
    Sharing(supporters=True, crisis_line=False, facilitators=True, gp=False),
]

PER_ORGANISATION = 6


def _supporter(relationship: Relationship) -> Acting:
    """The first supporter who signs in, writing with the person; else the system."""
    for link in relationship.supporter_links.all():
        if link.left_on is None and link.volunteer.user is not None:
            return Acting(link.volunteer.user, relationship.organisation)
    return Acting.system("kindred seed demo", organisation=relationship.organisation)


def _coordinator(organisation: Organisation) -> Acting:
    membership = organisation.memberships.filter(role=Role.COORDINATOR).first()
    if membership is not None:
        return Acting(membership.user, organisation)
    return Acting.system("kindred seed demo", organisation=organisation)


def _goals_and_review(relationship: Relationship, rng: random.Random, today: dt.date) -> bool:
    person = relationship.person
    if person.goals.exists():
        return False
    by = _supporter(relationship)
    started = relationship.started_on or relationship.introduced_on
    goals = [
        services.goal_add(
            by=by, person=person, text=text, relationship=relationship, set_on=started
        )
        for text in rng.sample(GOALS, 2)
    ]
    held_on = today - dt.timedelta(days=14)
    due = relationship.next_review_on
    if held_on >= started + dt.timedelta(days=28) and (due is None or due >= today):
        services.review_record(
            by=by,
            relationship_id=relationship.pk,
            held_on=held_on,
            progress=[
                ProgressEntry(goals[0].pk, 3, "I went twice, once on my own"),
                ProgressEntry(goals[1].pk, 2, "Not yet, but I have worked out how"),
            ],
            what_next="Keep going with both; try the first one on my own every week.",
        )
    return True


def _plan(relationship: Relationship, index: int) -> bool:
    person = relationship.person
    if hasattr(person, "crisis_plan"):
        return False
    content = PLANS[index % len(PLANS)]
    # The first version records who the person says may see it: a coordinator's job (ADR-098).
    services.crisis_plan_save(
        by=_coordinator(relationship.organisation),
        person=person,
        based_on=0,
        content=content,
        sharing=PLAN_SHARING[index % len(PLAN_SHARING)],
        own_decision=True,
    )
    if index == 0:  # a second version, so the history shows
        services.crisis_plan_save(
            by=_coordinator(relationship.organisation),
            person=person,
            based_on=1,
            content=PlanContent(
                **{
                    **content.as_dict(),
                    "what_helps": content.what_helps + " Going to the SUN group on Thursdays.",
                }
            ),
        )
    return True


@transaction.atomic
def seed_wellbeing(*, log: Callable[[str], object] = print) -> None:
    today = timezone.localdate()
    for organisation in Organisation.objects.order_by("slug"):
        relationships = list(
            Relationship.objects.filter(
                organisation=organisation, status__in=[Status.ACTIVE, Status.PAUSED]
            )
            .select_related("person", "organisation")
            .prefetch_related("supporter_links__volunteer__user")
            .order_by("started_on", "person__family_name", "person_id")[:PER_ORGANISATION]
        )
        if not relationships:
            continue
        rng = random.Random(f"wellbeing/{organisation.slug}")
        goals = sum(_goals_and_review(r, rng, today) for r in relationships)
        plans = sum(_plan(r, index) for index, r in enumerate(relationships[:3]))
        log(f"{organisation.name}: goals for {goals} people, {plans} crisis plans added")
