"""Running Kindred on one machine (`make run`): SQLite by default, debug pages off by default."""

from kindred.config.settings.base import *
from kindred.core.environment import (
    LOCAL_FIELD_ENCRYPTION_KEY,
    LOCAL_SECRET_KEY,
    env,
    env_bool,
)

DEBUG = env_bool("DEBUG", False)
KINDRED_TWO_FACTOR = env_bool("KINDRED_TWO_FACTOR", False)  # the demo signs in with a password
SECRET_KEY = env("SECRET_KEY", "") or LOCAL_SECRET_KEY
# Serve static files straight from node_modules and the apps while developing.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
KINDRED_FIELD_ENCRYPTION_KEY = KINDRED_FIELD_ENCRYPTION_KEY or LOCAL_FIELD_ENCRYPTION_KEY
# The demo's crisis line keeps a rota covering every hour of the next 14 days (kindred.crisis).
KINDRED_CRISIS_KEEP_COVERED = {"lambeth-crisis-line": 14}
