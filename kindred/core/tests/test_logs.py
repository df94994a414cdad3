"""A refused page is logged as one line (kindred.core.logs)."""

import logging

import pytest
from django.urls import reverse

from kindred.accounts.models import Role


@pytest.mark.django_db
def test_a_refused_page_is_one_log_line_without_a_traceback(client_as, caplog):
    client = client_as(Role.VOLUNTEER)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("people:list"))
    assert response.status_code == 403
    [entry] = [r for r in caplog.records if r.name == "django.request"]
    assert entry.getMessage() == "Forbidden (Permission denied): /people/"
    assert entry.exc_info is None and "Traceback" not in caplog.text


@pytest.mark.django_db
def test_a_server_error_keeps_its_traceback(caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        try:
            raise RuntimeError("boom")
        except RuntimeError as error:
            logging.getLogger("django.request").error(
                "Internal Server Error", exc_info=error, extra={"status_code": 500}
            )
    assert "Traceback" in caplog.text and "RuntimeError: boom" in caplog.text
