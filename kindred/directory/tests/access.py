"""Who may use the directory's routes (read by kindred/core/tests/test_routes.py): everyone. The
public directory, its iCalendar feeds and the Open Referral UK API need no sign-in; they show
only what organisations chose to publish (kindred/directory/tests/test_published_only.py)."""

from kindred.core.access import PUBLIC
from kindred.groups.tests.factories import make_group

ROUTES = {
    "directory:search": PUBLIC,
    "directory:group": PUBLIC,
    "directory:calendar": PUBLIC,
    "openreferral:index": PUBLIC,
    "openreferral:services": PUBLIC,
    "openreferral:service": PUBLIC,
    "openreferral:service_at_locations": PUBLIC,
    "openreferral:taxonomies": PUBLIC,
    "openreferral:taxonomy_terms": PUBLIC,
    "openreferral:not_found": PUBLIC,
}


def url_kwargs(organisation):
    group = make_group(organisation, name="Directory sample group", published=True)
    return {"group_id": group.pk, "service_id": str(group.pk)}
