"""Who may use the crisis app's routes (read by kindred/core/tests/test_routes.py): the rota's and
the support requests' routes, each declared beside its own pages."""

from kindred.crisis.tests import access_requests, access_rota

ROUTES = {**access_rota.ROUTES, **access_requests.ROUTES}
POST_ONLY: set[str] = access_rota.POST_ONLY | access_requests.POST_ONLY
OWN_ONLY = {**getattr(access_rota, "OWN_ONLY", {}), **access_requests.OWN_ONLY}
# A supporter's name on the sample shift: if it shows to another organisation's user, it leaked.
# (The sample request's pages are 404 to them: access_requests.SECRET is checked by its tests.)
SECRET = access_rota.SECRET


def url_kwargs(organisation):
    return {**access_rota.url_kwargs(organisation), **access_requests.url_kwargs(organisation)}
