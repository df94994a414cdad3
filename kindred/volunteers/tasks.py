"""The daily reminder run: 30 days before a course or DBS check runs out, tell the volunteer and
their coordinators, once; and once a month ask each active volunteer how they are finding it.
`kindred worker` queues them each morning (kindred.core.daily); `kindred reminders` queues them now."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from kindred.accounts.models import Organisation
from kindred.core.daily import daily_job
from kindred.core.services import Acting
from kindred.notifications.services import notification_send
from kindred.volunteers import selectors
from kindred.volunteers.models import ExpiryReminder, Stage, WellbeingPrompt, first_of_month


def remind_organisation(organisation: Organisation, on: dt.date) -> int:
    """Send the reminders due today for one organisation; returns how many items were new."""
    by = Acting.system("volunteer reminders", organisation=organisation)
    coordinators = list(selectors.coordinators_of(organisation=organisation))
    sent = 0
    for item in selectors.due_soon(organisation=organisation, on=on, days=selectors.REMINDER_DAYS):
        if item.expired(on):
            continue  # already run out: shown on the coordinator's home page, not reminded
        try:
            with transaction.atomic():
                reminder = ExpiryReminder.objects.create(
                    organisation=organisation,
                    volunteer=item.volunteer,
                    subject=item.subject,
                    expires_on=item.expires_on,
                )
                when = f"{item.expires_on.day} {item.expires_on:%B %Y}"
                if item.volunteer.email:
                    notification_send(
                        by=by,
                        to=item.volunteer.email,
                        template="volunteers/messages/expiry_reminder.jinja",
                        context={
                            "given_name": item.volunteer.given_name,
                            "what": item.what,
                            "when": when,
                        },
                        kind="volunteer.expiry_reminder",
                        about=reminder,
                    )
                for coordinator in coordinators:
                    notification_send(
                        by=by,
                        to=coordinator.email,
                        template="volunteers/messages/expiry_reminder_coordinator.jinja",
                        context={
                            "volunteer": item.volunteer.display_name,
                            "what": item.what,
                            "when": when,
                        },
                        kind="volunteer.expiry_reminder",
                        about=reminder,
                    )
        except IntegrityError:
            continue  # reminded already (or by a run happening at the same moment)
        sent += 1
    return sent


def prompt_check_ins(organisation: Organisation, on: dt.date, url: str = "") -> int:
    """Once a month, ask each active volunteer who has not checked in how they are finding it."""
    by = Acting.system("wellbeing check-in", organisation=organisation)
    month = first_of_month(on)
    volunteers = (
        organisation.volunteers.filter(stage=Stage.ACTIVE)
        .exclude(email="")
        .exclude(check_ins__month=month)
        .exclude(prompts__month=month)
    )
    sent = 0
    for volunteer in volunteers:
        try:
            with transaction.atomic():
                prompt = WellbeingPrompt.objects.create(volunteer=volunteer, month=month)
                notification_send(
                    by=by,
                    to=volunteer.email,
                    template="volunteers/messages/check_in_prompt.jinja",
                    context={"given_name": volunteer.given_name, "url": url},
                    kind="volunteer.check_in_prompt",
                    about=prompt,
                )
        except IntegrityError:
            continue
        sent += 1
    return sent


@task()
def send_wellbeing_prompts() -> int:
    today = timezone.localdate()
    return sum(
        prompt_check_ins(organisation, today)
        for organisation in Organisation.objects.filter(is_active=True).order_by("slug")
    )


@task()
def send_expiry_reminders() -> int:
    today = timezone.localdate()
    return sum(
        remind_organisation(organisation, today)
        for organisation in Organisation.objects.filter(is_active=True).order_by("slug")
    )


@daily_job
def queue_daily_reminders() -> None:
    """The worker runs this each morning (kindred.core.daily); `kindred reminders` runs it now."""
    send_expiry_reminders.enqueue()
    send_wellbeing_prompts.enqueue()
