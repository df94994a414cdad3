"""Who may use the nonprod app's routes (read by kindred/core/tests/test_routes.py): the
benchmark's two baseline views, for anyone signed in (they show nothing of any organisation)."""

from kindred.core.access import SIGNED_IN

ROUTES = {
    "nonprod:bench_bare": SIGNED_IN,
    "nonprod:bench_one_query": SIGNED_IN,
}


def url_kwargs(organisation):
    return {}
