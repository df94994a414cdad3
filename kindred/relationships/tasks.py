"""Going quiet: each day, remind the supporters of every relationship that has gone quiet (once
per quiet spell, and only supporters who can open it), and once a week send each coordinator a
digest of what needs them. `kindred worker` queues both each morning (kindred.core.daily);
running them twice sends nothing twice.

Messages carry no personal data about the person supported: email is not the place for it, and
the supporter or coordinator signs in to see who it is."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from kindred.accounts.models import Organisation
from kindred.core.daily import daily_job
from kindred.core.services import Acting
from kindred.notifications.services import notification_send
from kindred.relationships import selectors
from kindred.relationships.models import QuietDigest, QuietReminder
from kindred.volunteers.selectors import coordinators_of


def remind_quiet(organisation: Organisation, on: dt.date) -> int:
    """Tell the supporters of each relationship gone quiet; returns how many spells were new."""
    by = Acting.system("going quiet reminders", organisation=organisation)
    sent = 0
    quiet = [
        (
            relationship,
            [
                link.volunteer
                for link in relationship.supporter_links.all()  # prefetched by gone_quiet
                if link.left_on is None and link.volunteer.email
            ],
        )
        for relationship in selectors.gone_quiet(organisation=organisation, today=on)
    ]
    # Someone with an account is reminded only if they can open the relationship (a supporter
    # from another organisation of the network needs a supporter role here too); those without
    # one have their contacts logged by a coordinator, as before. One query for every supporter,
    # however many relationships have gone quiet.
    can_open = selectors.can_support_in(
        organisation=organisation,
        user_ids={v.user_id for _, current in quiet for v in current},
    )
    for relationship, current in quiet:
        days = (on - relationship.quiet_since).days  # type: ignore[attr-defined]
        supporters = [v for v in current if v.user_id is None or v.user_id in can_open]
        try:
            with transaction.atomic():
                reminder = QuietReminder.objects.create(
                    relationship=relationship,
                    quiet_since=relationship.quiet_since,  # type: ignore[attr-defined]
                )
                for volunteer in supporters:
                    notification_send(
                        by=by,
                        to=volunteer.email,
                        template="relationships/messages/gone_quiet.jinja",
                        # Those who sign in log it themselves; the others (phone-first
                        # volunteers) tell their coordinator, who logs it for them.
                        context={
                            "given_name": volunteer.given_name,
                            "days": days,
                            "signs_in": volunteer.user_id is not None,
                        },
                        kind="relationships.gone_quiet",
                        about=reminder,
                    )
        except IntegrityError:
            continue  # reminded already this spell (or by a run at the same moment)
        sent += 1
    return sent


def week_starting(on: dt.date) -> dt.date:
    """The Monday of `on`'s ISO week."""
    return on - dt.timedelta(days=on.weekday())


def send_digest(organisation: Organisation, on: dt.date) -> int:
    """The weekly digest, to each coordinator who has not had this week's; returns how many were
    sent. Nothing is sent (or recorded) in a week with nothing to report."""
    quiet = selectors.gone_quiet(organisation=organisation, today=on).count()
    overdue = selectors.reviews_overdue(organisation=organisation, today=on).count()
    concerns = selectors.open_concerns(organisation=organisation).count()
    if not (quiet or overdue or concerns):
        return 0
    by = Acting.system("weekly relationships digest", organisation=organisation)
    week = week_starting(on)
    sent = 0
    for coordinator in coordinators_of(organisation=organisation).order_by("email"):
        try:
            with transaction.atomic():
                digest = QuietDigest.objects.create(
                    organisation=organisation, coordinator=coordinator, week_starting=week
                )
                notification_send(
                    by=by,
                    to=coordinator.email,
                    template="relationships/messages/weekly_digest.jinja",
                    context={
                        "organisation": organisation.name,
                        "quiet": quiet,
                        "overdue": overdue,
                        "concerns": concerns,
                    },
                    kind="relationships.weekly_digest",
                    about=digest,
                )
        except IntegrityError:
            continue  # this week's digest went already
        sent += 1
    return sent


def _organisations() -> list[Organisation]:
    return list(Organisation.objects.filter(is_active=True).order_by("slug"))


@task()
def send_quiet_reminders() -> int:
    today = timezone.localdate()
    return sum(remind_quiet(organisation, today) for organisation in _organisations())


@task()
def send_weekly_digests() -> int:
    today = timezone.localdate()
    return sum(send_digest(organisation, today) for organisation in _organisations())


@daily_job
def queue_going_quiet() -> None:
    """The worker runs this each morning (kindred.core.daily)."""
    send_quiet_reminders.enqueue()
    send_weekly_digests.enqueue()
