"""Collecting questionnaires: scheduled from the day a referral is accepted, answered by a
coordinator or by the person through a one-time link, or recorded as declined or not possible;
healthcare use; a positive PHQ-9 item 9 raises a safeguarding concern at once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kindred.core.transitions import DomainError
from kindred.notifications.models import Notification
from kindred.outcomes import measures, services
from kindred.outcomes.models import (
    Collection,
    CollectionLink,
    CollectionStatus,
    HealthcareUse,
    Response,
    TimePoint,
    UnitCost,
)
from kindred.outcomes.tests.factories import accepted_referral, baseline, scheduled
from kindred.referrals.models import Status
from kindred.referrals.tests.factories import ReferralFactory
from kindred.safeguarding.models import Concern, Source

# Answers that score without any concern: SWEMWBS all "Often", UCLA-3 "Hardly ever", the ONS
# question "Hardly ever", PHQ-9 all "Not at all".
GOOD = {
    "swemwbs": [4] * 7,
    "ucla3": [1, 1, 1],
    "ons_lonely": [2],
    "phq9": [0] * 9,
}


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def test_a_referral_accepted_gets_its_baseline_that_day_and_follow_ups_at_3_6_12_months(
    organisation,
):
    referral = accepted_referral(organisation, on=dt.date(2026, 1, 10))
    received_only = ReferralFactory(organisation=organisation, status=Status.RECEIVED)
    with time_machine.travel(_at(dt.date(2026, 1, 11), 7), tick=False):
        assert services.collections_schedule() == 1
        assert services.collections_schedule() == 0  # the daily job is safe to run twice
    due = {c.time_point: c.due_on for c in referral.outcome_collections.all()}
    assert due == {
        TimePoint.BASELINE: dt.date(2026, 1, 10),
        TimePoint.MONTH_3: dt.date(2026, 4, 10),
        TimePoint.MONTH_6: dt.date(2026, 7, 10),
        TimePoint.MONTH_12: dt.date(2027, 1, 10),
    }
    assert not received_only.outcome_collections.exists()


def test_the_organisation_chooses_its_follow_ups_and_measures(organisation, by):
    services.settings_save(by=by, measure_codes=["swemwbs"], follow_up_months=[6])
    collections = scheduled(organisation, on=dt.date(2026, 2, 1))
    assert sorted(collections) == [TimePoint.BASELINE, TimePoint.MONTH_6]
    assert collections[TimePoint.BASELINE].measures == ["swemwbs"]
    with pytest.raises(DomainError):
        services.settings_save(by=by, measure_codes=["swemwbs"], follow_up_months=[4])
    with pytest.raises(DomainError):
        services.settings_save(by=by, measure_codes=["made_up"], follow_up_months=[3])


def test_answers_are_stored_with_what_they_scored(organisation, by):
    collection = baseline(organisation)
    use = services.UseFigures(
        gp_appointments=3, ae_attendances=1, emergency_admissions=0, bed_days=0
    )
    done = services.collection_complete(by=by, collection_id=collection.pk, answers=GOOD, use=use)
    assert not done.needs_help_now
    stored = {r.measure: r for r in Response.objects.filter(collection=collection)}
    assert stored["swemwbs"].raw == 28
    assert stored["swemwbs"].value == measures.SWEMWBS_METRIC[28]  # the metric score, as scored
    assert stored["phq9"].raw == 0 and stored["phq9"].band
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.COMPLETED and collection.recorded_by == by.user
    assert HealthcareUse.objects.get(collection=collection).gp_appointments == 3
    assert not Concern.objects.exists()


def test_an_answer_outside_an_items_options_is_refused_naming_the_question(organisation, by):
    collection = baseline(organisation)
    bad = {**GOOD, "swemwbs": [4, 4, 9, 4, 4, 4, 4]}
    with pytest.raises(services.AnswerError) as refused:
        services.collection_complete(by=by, collection_id=collection.pk, answers=bad)
    assert refused.value.field == "swemwbs_3"
    assert "question 3" in str(refused.value)
    short = {**GOOD, "ucla3": [1, 1]}
    with pytest.raises(services.AnswerError):
        services.collection_complete(by=by, collection_id=collection.pk, answers=short)
    assert not Response.objects.exists()
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.DUE


def test_a_follow_up_before_its_baseline_is_refused(organisation, by):
    collections = scheduled(organisation, on=dt.date(2026, 1, 10))
    follow_up = collections[TimePoint.MONTH_3]
    use = services.UseFigures(1, 0, 0, 0)
    with pytest.raises(DomainError, match="baseline first"):
        services.collection_complete(by=by, collection_id=follow_up.pk, answers=GOOD)
    with pytest.raises(DomainError, match="baseline first"):
        services.healthcare_use_record(by=by, collection_id=follow_up.pk, figures=use)
    services.collection_complete(
        by=by, collection_id=collections[TimePoint.BASELINE].pk, answers=GOOD
    )
    services.collection_complete(by=by, collection_id=follow_up.pk, answers=GOOD, use=use)
    assert HealthcareUse.objects.filter(collection=follow_up).exists()


def test_a_positive_phq9_item_9_raises_a_safeguarding_concern_at_once(organisation, by):
    collection = baseline(organisation)
    answers = {**GOOD, "phq9": [0, 0, 0, 0, 0, 0, 0, 0, 1]}
    done = services.collection_complete(by=by, collection_id=collection.pk, answers=answers)
    assert done.needs_help_now
    concern = Concern.objects.get()
    assert concern.source == Source.QUESTIONNAIRE
    assert concern.person_id == collection.person_id
    assert concern.level == "high"


def test_declined_and_could_not_contact_are_recorded_so_missing_data_is_honest(organisation, by):
    first, second = baseline(organisation), baseline(organisation)
    services.collection_close(by=by, collection_id=first.pk, status=CollectionStatus.DECLINED)
    services.collection_close(
        by=by, collection_id=second.pk, status=CollectionStatus.COULD_NOT_CONTACT
    )
    assert sorted(Collection.objects.values_list("status", flat=True).filter(
        pk__in=[first.pk, second.pk]
    )) == ["could_not_contact", "declined"]  # fmt: skip
    with pytest.raises(DomainError):
        services.collection_complete(by=by, collection_id=first.pk, answers=GOOD)
    with pytest.raises(services.AnswerError):
        services.collection_close(
            by=by, collection_id=baseline(organisation).pk, status=CollectionStatus.COMPLETED
        )


# The one-time link --------------------------------------------------------------------------


def test_the_link_works_once_and_shows_nothing_else_about_the_person(organisation, by, client):
    collection = baseline(organisation)
    person = collection.person
    _link, token = services.link_make(by=by, collection_id=collection.pk)
    assert CollectionLink.objects.get().token_hash != token  # only the hash is kept
    url = reverse("outcomes:answer", kwargs={"token": token})
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "How are you getting on?" in body
    assert person.given_name not in body and person.family_name not in body
    form = {f"{code}_{n}": str(v) for code, values in GOOD.items()
            for n, v in enumerate(values, start=1)}  # fmt: skip
    done = client.post(url, form)
    assert done.status_code == 200 and "we have your answers" in done.content.decode()
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.COMPLETED and collection.by_person
    again = client.post(url, form)
    assert again.status_code == 404 and "used or has expired" in again.content.decode()
    assert client.get(url).status_code == 404


def test_an_expired_link_is_refused(organisation, by, client):
    collection = baseline(organisation)
    _link, token = services.link_make(by=by, collection_id=collection.pk)
    with time_machine.travel(timezone.now() + services.LINK_LIFETIME + dt.timedelta(minutes=1)):
        with pytest.raises(services.LinkRefused):
            services.link_open(token=token)
        page = client.get(reverse("outcomes:answer", kwargs={"token": token}))
    assert page.status_code == 404


def test_a_new_link_replaces_the_last(organisation, by):
    collection = baseline(organisation)
    _first, old = services.link_make(by=by, collection_id=collection.pk)
    _second, new = services.link_make(by=by, collection_id=collection.pk)
    with pytest.raises(services.LinkRefused):
        services.link_open(token=old)
    assert services.link_open(token=new).collection == collection


def test_the_link_page_refuses_an_answer_outside_the_options_with_a_field_error(
    organisation, by, client
):
    collection = baseline(organisation)
    _link, token = services.link_make(by=by, collection_id=collection.pk)
    url = reverse("outcomes:answer", kwargs={"token": token})
    form = {f"{code}_{n}": str(v) for code, values in GOOD.items()
            for n, v in enumerate(values, start=1)}  # fmt: skip
    form["swemwbs_2"] = "7"
    page = client.post(url, form)
    body = page.content.decode()
    assert page.status_code == 400
    assert "There is a problem" in body
    assert "Choose one of the answers given for question 2 of Wellbeing (SWEMWBS)" in body
    assert 'href="#id_swemwbs_2' in body or 'href="#swemwbs_2' in body
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.DUE


def test_the_person_who_answers_item_9_is_shown_where_to_get_help_now(organisation, by, client):
    collection = baseline(organisation)
    _link, token = services.link_make(by=by, collection_id=collection.pk)
    answers = {**GOOD, "phq9": [1, 1, 1, 1, 1, 1, 1, 1, 2]}
    form = {f"{code}_{n}": str(v) for code, values in answers.items()
            for n, v in enumerate(values, start=1)}  # fmt: skip
    page = client.post(reverse("outcomes:answer", kwargs={"token": token}), form)
    body = page.content.decode()
    assert "Get help now" in body and "116 123" in body and "999" in body
    assert Concern.objects.get().source == Source.QUESTIONNAIRE


# Reminders ----------------------------------------------------------------------------------


def test_reminders_go_once_and_only_to_people_who_agreed_to_texts(organisation):
    collection = baseline(organisation, on=dt.date(2026, 3, 2))
    with time_machine.travel(_at(dt.date(2026, 3, 3), 7), tick=False):
        assert services.reminders_send() == 0  # no consent to texts on record
        assert services.reminders_send() == 0
    collection.refresh_from_db()
    assert collection.reminded_on == dt.date(2026, 3, 3)
    assert not Notification.objects.filter(kind="outcomes.questionnaire_due").exists()


# Costs --------------------------------------------------------------------------------------


def test_a_unit_cost_without_a_source_is_refused(by):
    with pytest.raises(services.AnswerError) as refused:
        services.unit_cost_save(
            by=by, item="gp_appointment", value="42", year="2023/24", source=" "
        )
    assert refused.value.field == "source"
    with pytest.raises(services.AnswerError):
        services.unit_cost_save(
            by=by, item="gp_appointment", value="-1", year="2023/24", source="x"
        )
    saved = services.unit_cost_save(
        by=by, item="gp_appointment", value="£42.00", year="2023/24", source="PSSRU 2023"
    )
    assert UnitCost.objects.get() == saved and str(saved.value) == "42.00"


def test_the_published_defaults_are_added_once(by):
    added = services.unit_costs_seed(by=by)
    assert added and all(cost.source and cost.year for cost in added)
    assert services.unit_costs_seed(by=by) == []


def test_a_service_cost_period_must_end_after_it_starts(by):
    with pytest.raises(services.AnswerError):
        services.service_cost_add(
            by=by, kind="staff", starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 6, 1),
            amount="100",
        )  # fmt: skip
