"""Suggestions are worked out by the worker and kept; pages only read them (ADR-101)."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.daily import jobs
from kindred.core.services import Acting
from kindred.matching import runs, services, suggest, tasks
from kindred.matching.models import RunStatus, SuggestionRun
from kindred.matching.tests.factories import eligible_supporter, waiting_referral
from kindred.volunteers.models import Stage

pytestmark = pytest.mark.django_db


def queue(organisation, **kwargs):
    return services.suggestions_queue(
        by=Acting.system("test", organisation=organisation), organisation=organisation, **kwargs
    )


def test_the_first_look_asks_the_worker_and_the_run_records_who_when_and_what(
    client_as, organisation
):
    sam = eligible_supporter(organisation, "Sam")
    ada = waiting_referral(organisation, "Ada")
    client = client_as(Role.COORDINATOR)
    page = client.get(reverse("matching:suggest")).content.decode()
    [run] = SuggestionRun.objects.all()
    assert run.status == RunStatus.DONE and run.error == ""
    assert run.asked_by is not None
    assert run.asked_by.memberships.get().role == Role.COORDINATOR
    assert run.started_at is not None and run.finished_at is not None
    assert run.queued_at <= run.started_at <= run.finished_at
    assert (run.done, run.total) == (1, 1)
    assert run.proposals is not None
    [proposal] = run.proposals["proposals"]
    assert proposal["referral"] == str(ada.pk)
    assert proposal["supporters"][0]["volunteer"] == str(sam.pk)
    assert f"Worked out at {timezone.localtime(run.finished_at):%H:%M}" in page
    assert "Accept match with Sam" in page
    assert "Work them out again" in page


def test_the_page_never_works_suggestions_out_itself(client_as, organisation, monkeypatch):
    eligible_supporter(organisation, "Sam")
    waiting_referral(organisation, "Ada")
    queue(organisation)

    def refuse(*args, **kwargs):
        raise AssertionError("worked out in a request")

    monkeypatch.setattr(suggest, "_suggest", refuse)
    page = client_as(Role.COORDINATOR).get(reverse("matching:suggest")).content.decode()
    assert "Accept match with Sam" in page


def test_a_person_matched_or_a_supporter_gone_since_is_not_offered(client_as, organisation):
    sam = eligible_supporter(organisation, "Sam", capacity=1)
    kim = eligible_supporter(organisation, "Kim", capacity=1)
    ada = waiting_referral(organisation, "Ada", days=30)
    bea = waiting_referral(organisation, "Bea", days=5)
    queue(organisation)
    run = SuggestionRun.objects.get()
    assert run.proposals is not None
    assert len(run.proposals["proposals"]) == 2
    # Since the run: Ada matched by another coordinator, Bea's supporter paused.
    proposed = {
        p["referral"]: uuid.UUID(p["supporters"][0]["volunteer"])
        for p in run.proposals["proposals"]
    }
    services.match_accept(
        by=Acting(user=None, organisation=organisation),
        referral_id=ada.pk,
        volunteer_id=proposed[str(ada.pk)],
    )
    paused = sam if proposed[str(bea.pk)] == sam.pk else kim
    paused.stage = Stage.PAUSED
    paused.save()
    page = client_as(Role.COORDINATOR).get(reverse("matching:suggest")).content.decode()
    assert SuggestionRun.objects.count() == 1  # read, not worked out again
    assert "Accept match with" not in page
    assert "Ada" not in page.split("Worked out at")[1]
    assert "There are no matches to suggest right now" in page


def test_while_a_run_is_in_progress_the_page_says_how_far(client_as, organisation):
    eligible_supporter(organisation, "Sam")
    waiting_referral(organisation, "Ada")
    queue(organisation)
    SuggestionRun.objects.create(
        organisation=organisation,
        status=RunStatus.RUNNING,
        queued_at=timezone.now(),
        started_at=timezone.now(),
        done=3,
        total=12,
    )
    page = client_as(Role.COORDINATOR).get(reverse("matching:suggest")).content.decode()
    assert "being worked out again: 3 of 12 people so far (25%)" in page
    assert "See if they are ready" in page  # a link, not a timed reload (WCAG 2.2.1)
    assert "Accept match with Sam" in page  # the ones worked out before, meanwhile
    assert "Work them out again" not in page


def test_only_one_run_per_organisation_at_a_time(organisation, other_organisation):
    running = SuggestionRun.objects.create(
        organisation=organisation, status=RunStatus.RUNNING, queued_at=timezone.now()
    )
    assert queue(organisation) == running
    assert SuggestionRun.objects.filter(organisation=organisation).count() == 1
    # Another organisation, the network scope and one person's run are runs of their own.
    assert queue(other_organisation).status == RunStatus.DONE
    assert queue(organisation, network=True).status == RunStatus.DONE
    ada = waiting_referral(organisation, "Ada")
    assert queue(organisation, referral=ada).status == RunStatus.DONE
    # A run already taken by a worker is not taken again.
    assert tasks.work_out_suggestions.call(str(running.pk)) == "not queued"


def test_a_coordinator_asks_again_and_a_failure_is_said(client_as, organisation, monkeypatch):
    eligible_supporter(organisation, "Sam")
    waiting_referral(organisation, "Ada")
    client = client_as(Role.COORDINATOR)
    client.get(reverse("matching:suggest"))

    def broken(*args, **kwargs):
        raise RuntimeError("the solver ran out of memory")

    monkeypatch.setattr(suggest, "_suggest", broken)
    response = client.post(reverse("matching:suggest"), follow=True)
    failed = SuggestionRun.objects.order_by("-queued_at").first()
    assert failed is not None
    assert failed.status == RunStatus.FAILED
    assert failed.error == "RuntimeError: the solver ran out of memory"
    page = response.content.decode()
    assert "Suggestions could not be worked out again" in page
    assert "Accept match with Sam" in page  # the last ones worked out are still shown
    monkeypatch.undo()
    page = client.post(reverse("matching:suggest"), follow=True).content.decode()
    assert "could not be worked out" not in page


def test_asking_again_for_one_person_says_why_nobody_suits_them(client_as, organisation):
    eligible_supporter(organisation, "Sam", modes=["phone"])
    ada = waiting_referral(organisation, "Ada", modes=["visit"])
    client = client_as(Role.COORDINATOR)
    response = client.post(reverse("matching:suggest"), {"referral": str(ada.pk)}, follow=True)
    run = SuggestionRun.objects.get(referral=ada)
    assert run.asked_by is not None and run.proposals is not None
    assert str(ada.pk) in run.proposals["why"]
    assert "No supporter suits" in response.content.decode()


def test_the_daily_job_queues_a_run_where_people_wait(organisation, other_organisation):
    waiting_referral(organisation, "Ada")
    jobs()["kindred.matching.tasks.queue_suggestions"]()
    [run] = SuggestionRun.objects.all()
    assert run.organisation == organisation and run.asked_by is None


def test_kept_suggestions_read_back_as_they_were_worked_out(organisation):
    eligible_supporter(organisation, "Sam", experiences=["stroke"])
    eligible_supporter(organisation, "Kim")
    waiting_referral(organisation, "Ada", experiences=["stroke"])
    waiting_referral(
        organisation, "Bea", modes=["visit"], days=2
    )  # nobody near enough: without one
    worked = suggest.suggest(organisation=organisation, explain=True)
    run = SuggestionRun.objects.create(
        organisation=organisation,
        status=RunStatus.DONE,
        queued_at=timezone.now() - dt.timedelta(minutes=1),
        finished_at=timezone.now(),
        proposals=runs.stored(worked),
    )
    read = runs.shown(run, organisations=[organisation])
    assert read.proposals == worked.proposals
    assert read.without_supporter == worked.without_supporter
    assert read.why == worked.why and read.needs == worked.needs
    assert read.suitable == worked.suitable
    assert read.proposals and read.why


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.ORGANISATION_ADMIN, Role.COMMISSIONER])
def test_only_a_coordinator_asks_for_suggestions_again(client_as, organisation, role):
    waiting_referral(organisation, "Ada")
    response = client_as(role).post(reverse("matching:suggest"))
    assert response.status_code == 403
    assert not SuggestionRun.objects.exists()


def test_asking_again_works_out_only_the_organisation_acted_for(
    client_as, sign_in, make_user, organisation, other_organisation
):
    waiting_referral(organisation, "Ada")
    charlie = make_user(Role.COORDINATOR, organisation=other_organisation)
    sign_in(charlie, other_organisation).post(reverse("matching:suggest"))
    assert list(SuggestionRun.objects.values_list("organisation", flat=True)) == [
        other_organisation.pk
    ]


def test_accepting_a_referral_for_befriending_asks_the_worker_once_it_commits(
    organisation, django_capture_on_commit_callbacks
):
    from kindred.referrals.models import Status, Wants
    from kindred.referrals.services import referral_accept
    from kindred.referrals.tests.factories import ReferralFactory

    eligible_supporter(organisation, "Sam")
    referral = ReferralFactory(organisation=organisation, wants=Wants.BEFRIENDING)
    by = Acting.system("test", organisation=organisation)
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        referral_accept(by=by, referral_id=referral.pk, expected=Status.RECEIVED)
    assert not SuggestionRun.objects.exists()  # nothing is worked out inside the transaction
    for callback in waiting:
        callback()
    [run] = SuggestionRun.objects.all()
    assert run.organisation == organisation and not run.network and run.referral is None


def test_accepting_a_referral_for_a_group_asks_nothing(
    organisation, django_capture_on_commit_callbacks
):
    from kindred.referrals.models import Status, Wants
    from kindred.referrals.services import referral_accept
    from kindred.referrals.tests.factories import ReferralFactory

    referral = ReferralFactory(organisation=organisation, wants=Wants.GROUP)
    with django_capture_on_commit_callbacks(execute=True):
        referral_accept(
            by=Acting.system("test", organisation=organisation),
            referral_id=referral.pk,
            expected=Status.RECEIVED,
        )
    assert not SuggestionRun.objects.exists()
