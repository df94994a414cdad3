"""Who may use the referrals app's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.core.access import PUBLIC
from kindred.referrals.tests.factories import ReferralFactory
from kindred.referrals.tests.factories_network import network_referral

ROUTES = {
    "referrals:inbox": {Role.COORDINATOR, Role.SAFEGUARDING_LEAD},
    "referrals:inbox_export": {Role.COORDINATOR},
    "referrals:add": {Role.COORDINATOR},
    "referrals:detail": {Role.COORDINATOR, Role.SAFEGUARDING_LEAD},
    "referrals:accept": {Role.COORDINATOR},
    "referrals:wait": {Role.COORDINATOR},
    "referrals:start": {Role.COORDINATOR},
    "referrals:decline": {Role.COORDINATOR},
    "referrals:close": {Role.COORDINATOR},
    "referrals:confirm_person": {Role.COORDINATOR},
    "referrals:separate_person": {Role.COORDINATOR},
    "referrals:join": {Role.COORDINATOR},
    "referrals:refer": {Role.REFERRER},
    "referrals:mine": {Role.REFERRER},
    "referrals:self_refer": PUBLIC,
    "referrals:self_refer_done": PUBLIC,
    "referrals:gp_concern": {Role.COORDINATOR, Role.VOLUNTEER, Role.FACILITATOR},
    # The network front door (ADR-092): its public form, and its inbox for its network admins.
    "referrals:network_self_refer": PUBLIC,
    "referrals:network_self_refer_done": PUBLIC,
    "referrals:network_inbox": {Role.NETWORK_ADMIN},
    "referrals:network_referral": {Role.NETWORK_ADMIN},
    "referrals:network_referral_route": {Role.NETWORK_ADMIN},
    "referrals:network_referral_decline": {Role.NETWORK_ADMIN},
}
# Each triage action is a one-shot POST on a referral: GET gets 405 once permitted.
POST_ONLY = {
    "referrals:accept",
    "referrals:wait",
    "referrals:start",
    "referrals:decline",
    "referrals:close",
    "referrals:confirm_person",
    "referrals:separate_person",
    "referrals:join",
    "referrals:network_referral_route",
    "referrals:network_referral_decline",
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
    sent = network_referral(organisation.network, given_name=SECRET)
    return {
        "referral_id": referral.pk,
        "organisation_slug": organisation.slug,
        "network_referral_id": sent.pk,
        "network_slug": organisation.network.slug,
    }
