"""Reports are built by the worker and kept (ADR-129): a request reads the kept report, asks for
a new one only when there is none or it is more than an hour old, and asks once while one is
being built; until the first is built the page says so, and the downloads are not there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.outcomes import services, tasks
from kindred.outcomes.models import StoredReport
from kindred.outcomes.report import Quarter


class _Worker:
    """Stands for the task: records each build asked for, and runs it at once if `runs`."""

    def __init__(self, *, runs: bool) -> None:
        self.asked: list[str] = []
        self.runs = runs

    def enqueue(self, key: str) -> None:
        self.asked.append(key)
        if self.runs:
            services.report_build(key=key)


@pytest.fixture
def asked_for(monkeypatch):
    worker = _Worker(runs=True)
    monkeypatch.setattr(tasks, "report_build", worker)
    return worker.asked


def _stored(organisation):
    quarter = Quarter.of(timezone.localdate()).code
    return services.report_stored(
        quarter=quarter, organisations=[organisation], scope=organisation.name
    )


def test_a_kept_report_is_read_until_it_is_an_hour_old(organisation, asked_for):
    first = _stored(organisation)
    assert len(asked_for) == 1 and first.content is not None
    assert first.content["scope"] == organisation.name and first.build_seconds is not None
    again = _stored(organisation)
    assert len(asked_for) == 1 and again.built_at == first.built_at
    StoredReport.objects.filter(pk=first.pk).update(
        built_at=timezone.now() - services.REPORT_FRESH - dt.timedelta(minutes=1)
    )
    rebuilt = _stored(organisation)
    assert len(asked_for) == 2 and rebuilt.built_at > first.built_at


def test_a_build_is_asked_for_once_while_it_waits_for_the_worker(organisation, monkeypatch):
    worker = _Worker(runs=False)
    monkeypatch.setattr(tasks, "report_build", worker)
    asked = worker.asked
    assert _stored(organisation).content is None
    assert _stored(organisation).content is None
    assert len(asked) == 1
    StoredReport.objects.update(queued_at=timezone.now() - services.REPORT_QUEUED_FOR)
    _stored(organisation)
    assert len(asked) == 2


def test_until_the_first_is_built_the_page_says_so(client_as, organisation, monkeypatch):
    monkeypatch.setattr(tasks, "report_build", _Worker(runs=False))
    client = client_as(Role.COORDINATOR)
    page = client.get(reverse("outcomes:report"))
    assert page.status_code == 200 and "The report is being built" in page.content.decode()
    csv = client.get(reverse("outcomes:report_csv", kwargs={"key": "outcomes"}))
    assert csv.status_code == 404
    (stored,) = StoredReport.objects.all()
    services.report_build(key=stored.key)
    built = client.get(reverse("outcomes:report")).content.decode()
    assert "Figures as at" in built and "The report is being built" not in built
    assert client.get(reverse("outcomes:report_csv", kwargs={"key": "outcomes"})).status_code == 200
