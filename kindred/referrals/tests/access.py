"""Who may use the referrals app's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.core.access import PUBLIC
from kindred.referrals.tests.factories import ReferralFactory

ROUTES = {
    "referrals:inbox": {Role.COORDINATOR, Role.SAFEGUARDING_LEAD},
    "referrals:add": {Role.COORDINATOR},
    "referrals:detail": {Role.COORDINATOR, Role.SAFEGUARDING_LEAD},
    "referrals:refer": {Role.REFERRER},
    "referrals:mine": {Role.REFERRER},
    "referrals:self_refer": PUBLIC,
    "referrals:self_refer_done": PUBLIC,
    "referrals:gp_concern": {Role.COORDINATOR, Role.VOLUNTEER, Role.FACILITATOR},
}
# Volunteers and facilitators raise a concern for the GP only about someone they support: the
# sample person is supported by nobody, so they get 404.
OWN_ONLY = {"referrals:gp_concern": {Role.VOLUNTEER, Role.FACILITATOR}}

SECRET = "Bartholomew"


def url_kwargs(organisation):
    referral = ReferralFactory(
        organisation=organisation,
        person__given_name=SECRET,
        reason="Referred for the Bartholomew secret reason",
    )
    return {"referral_id": referral.pk, "organisation_slug": organisation.slug}
