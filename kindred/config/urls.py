from django.apps import apps
from django.urls import include, path

from kindred.core import views as core_views

urlpatterns = [
    path("", include("kindred.core.urls")),
    path("", include("kindred.accounts.urls")),
    path("people/", include("kindred.people.urls")),
    path("safeguarding/", include("kindred.safeguarding.urls")),
    path("", include("kindred.referrals.urls")),
    path("", include("kindred.fhir.urls")),
    path("volunteers/", include("kindred.volunteers.urls")),
    path("matching/", include("kindred.matching.urls")),
    path("relationships/", include("kindred.relationships.urls")),
    path("wellbeing/", include("kindred.wellbeing.urls")),
    path("messages/", include("kindred.notifications.urls")),
    path("groups/", include("kindred.groups.urls")),
    path("crisis/", include("kindred.crisis.urls")),
    path("", include("kindred.directory.urls")),
    path("openreferral/", include("kindred.directory.openreferral_urls")),
    path("outcomes/", include("kindred.outcomes.urls")),
    path("api/v1/", include("kindred.api.urls")),
]
# The benchmark's baseline views (kindred.nonprod): never with production settings, which leave
# the app out.
if apps.is_installed("kindred.nonprod"):
    urlpatterns.append(path("nonprod/", include("kindred.nonprod.urls")))

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
