"""The test suite: same database choice as everywhere (DATABASE_URL, SQLite by default)."""

from kindred.config.settings.base import *
from kindred.core.environment import TEST_FIELD_ENCRYPTION_KEY, TEST_SECRET_KEY

DEBUG = False
SECRET_KEY = TEST_SECRET_KEY
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
AXES_ENABLED = True
KINDRED_TWO_FACTOR = False  # tests of two-step verification switch it on
KINDRED_FIELD_ENCRYPTION_KEY = TEST_FIELD_ENCRYPTION_KEY
