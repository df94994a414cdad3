"""The test suite: same database choice as everywhere (DATABASE_URL, SQLite by default)."""

from kindred.config.settings.base import *

DEBUG = False
SECRET_KEY = "test-only-not-secret-kindred-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
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
KINDRED_FIELD_ENCRYPTION_KEY = "dGVzdC1vbmx5LW5vdC1zZWNyZXQta2luZHJlZC1rZXk="
