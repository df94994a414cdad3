"""Who may use the crisis line's rota routes (see kindred/crisis/tests/access.py)."""

ROUTES: dict = {}
POST_ONLY: set[str] = set()


def url_kwargs(organisation):
    return {}
