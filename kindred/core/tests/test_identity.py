"""The NHS identity (logo and favicon) belongs to NHS bodies only (ADR-099): a charity or a
neighbourhood network shows its own name with Kindred's mark, never the NHS logo."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.accounts.models import Organisation, Role

NHS_LOGO = 'class="nhsuk-header__logo"'
NHS_FAVICON = "nhsuk/assets/images/favicon"
KINDRED_MARK = "kindred/kindred-mark.svg"


def header(html: str) -> str:
    return html[html.index("<header") : html.index("</header>")]


@pytest.mark.django_db
def test_a_charity_shows_its_own_name_and_no_nhs_logo(client_as, organisation):
    organisation.is_nhs = False
    organisation.save()
    html = client_as(Role.COORDINATOR).get(reverse("core:root"), follow=True).content.decode()
    shown = header(html)
    assert organisation.name in shown and KINDRED_MARK in shown
    assert NHS_LOGO not in shown and NHS_FAVICON not in html
    assert "NHS England" not in html


@pytest.mark.django_db
def test_an_nhs_body_shows_the_nhs_logo_with_its_name(client_as, organisation):
    organisation.is_nhs = True
    organisation.save()
    html = client_as(Role.COORDINATOR).get(reverse("core:root"), follow=True).content.decode()
    shown = header(html)
    assert NHS_LOGO in shown and organisation.name in shown and NHS_FAVICON in html
    assert KINDRED_MARK not in html


@pytest.mark.django_db
@pytest.mark.parametrize("is_nhs", [True, False])
def test_public_forms_show_the_identity_of_the_organisation_they_belong_to(client, is_nhs):
    organisation = Organisation.objects.create(
        slug="stockport-wellbeing", name="Stockport Wellbeing Centre", is_nhs=is_nhs
    )
    for name in ("referrals:self_refer", "volunteers:enquire"):
        page = client.get(reverse(name, kwargs={"organisation_slug": organisation.slug}))
        shown = header(page.content.decode())
        assert organisation.name in shown
        assert (NHS_LOGO in shown) is is_nhs and (KINDRED_MARK in shown) is not is_nhs


@pytest.mark.django_db
def test_a_page_for_no_organisation_shows_kindreds_mark_not_the_nhs_logo(client):
    shown = header(client.get(reverse("accounts:sign_in")).content.decode())
    assert KINDRED_MARK in shown and NHS_LOGO not in shown
