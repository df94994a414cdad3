"""A real deployment: PostgreSQL, HTTPS, secrets from the environment or files."""

from django.core.exceptions import ImproperlyConfigured

from kindred.config.settings.base import *
from kindred.core.environment import env, env_bool

DEBUG = False
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "kindred.nonprod"]
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production.")
if not env("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names Kindred is served on.")
if not KINDRED_FIELD_ENCRYPTION_KEY:
    raise ImproperlyConfigured(
        "KINDRED_FIELD_ENCRYPTION_KEY (or KINDRED_FIELD_ENCRYPTION_KEY_FILE) must be set in "
        "production: it encrypts DBS certificate numbers. Generate one with "
        "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
