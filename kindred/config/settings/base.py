"""Settings shared by every environment. Everything that differs comes from the environment."""

from __future__ import annotations

from pathlib import Path

import nhsuk_frontend_jinja
from csp.constants import NONCE, NONE, SELF

from kindred.core.environment import (
    database_from_url,
    env,
    env_bool,
    env_list,
    env_proxies,
)

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(env("KINDRED_VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")

SECRET_KEY = env("SECRET_KEY", "") or ""
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "kindred.core",
    "kindred.nhsuk_forms",
    "kindred.accounts",
    "kindred.people",
    "kindred.notifications",
    "kindred.safeguarding",
    "kindred.referrals",
    "kindred.fhir",
    "kindred.volunteers",
    "kindred.matching",
    "kindred.relationships",
    "kindred.wellbeing",
    "kindred.groups",
    "kindred.crisis",
    "kindred.directory",
    "kindred.outcomes",
    "kindred.api",
    "kindred.nonprod",  # demo and scale data; removed in production settings
]

MIDDLEWARE = [
    "kindred.core.middleware.TrustedProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Everything below WhiteNoise (which serves the public static files) is a page or answer of
    # Kindred's own: none may be kept by a browser or a shared cache.
    "kindred.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "kindred.accounts.middleware.CurrentOrganisationMiddleware",
    "kindred.core.access.AccessMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kindred.config.urls"
WSGI_APPLICATION = "kindred.config.wsgi.application"
ASGI_APPLICATION = "kindred.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [Path(nhsuk_frontend_jinja.__file__).parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "kindred.config.jinja2_env.environment",
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "kindred.accounts.context_processors.acting_for",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kindred.sqlite3'}") or "",
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Passwords people choose (the set-password form, `kindred createadmin`): at least 12 characters,
# not on Django's list of 20,000 common passwords, not all digits, and not built from "Kindred" or
# the user's own name or email address (ADR-073). Seeds set passwords directly.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {"NAME": "kindred.accounts.validators.NotBuiltFromNamesValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:home"
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kindred.core.views.csrf_failure"

# Two-step verification (an authenticator app code after the password) for everyone who signs
# in. On by default; local settings turn it off for the demo unless KINDRED_TWO_FACTOR=true.
KINDRED_TWO_FACTOR = env_bool("KINDRED_TWO_FACTOR", True)
OTP_TOTP_ISSUER = "Kindred"

# Lock an account and address out after repeated failed sign-ins.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.jinja"
AXES_RESET_ON_SUCCESS = True
# The address is the one kindred.core.services.client_ip works out (ADR-078), not the proxy's.
AXES_CLIENT_IP_CALLABLE = "kindred.core.services.client_ip"

# The proxies in front of Kindred (addresses or CIDR networks). Only a connection from one of
# them may say, in X-Forwarded-For, which client it is passing on. The same variable tells
# gunicorn which proxies may say the request came over HTTPS. Default: this machine, as gunicorn.
TRUSTED_PROXIES = env_proxies("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"  # shown to people; always stored in UTC
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# NHS.UK frontend's scripts and icons from npm, and the stylesheet `make` compiles with sass.
STATICFILES_DIRS = [
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
    BASE_DIR / "build" / "static",
]
STATICFILES_FINDERS = [
    "kindred.config.staticfiles.PublishedFilesFinder",  # STATICFILES_DIRS, less unused files
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# A cache shared by every web process (rate limits count across them) when REDIS_URL is set;
# otherwise each process keeps its own, which is right for one machine and the demo.
REDIS_URL = env("REDIS_URL", "") or ""
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Notifications: "console" (the log), "file" (JSON lines), "smtp" (email through the EMAIL_*
# settings below) or "notify" (GOV.UK Notify). See docs/notifications.md and ADR-103.
KINDRED_NOTIFICATIONS_BACKEND = env("KINDRED_NOTIFICATIONS_BACKEND", "console")
KINDRED_NOTIFICATIONS_FILE = env("KINDRED_NOTIFICATIONS_FILE", str(VAR_DIR / "notifications.jsonl"))
EMAIL_HOST = env("EMAIL_HOST", "localhost") or "localhost"
EMAIL_PORT = int(env("EMAIL_PORT", "25") or "25")
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "kindred@localhost") or "kindred@localhost"
NOTIFY_API_KEY = env("NOTIFY_API_KEY", "") or ""
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", "") or ""
NOTIFY_SMS_TEMPLATE_ID = env("NOTIFY_SMS_TEMPLATE_ID", "") or ""
NOTIFY_EMAIL_TEMPLATE_ID = env("NOTIFY_EMAIL_TEMPLATE_ID", "") or ""

KINDRED_SERVICE_NAME = "Kindred"

# Referrals: someone should be in touch within this many working days (England and Wales).
KINDRED_FIRST_CONTACT_WORKING_DAYS = int(env("KINDRED_FIRST_CONTACT_WORKING_DAYS", "5") or "5")

# Encrypts sensitive fields such as DBS certificate numbers (ADR-030). Comma-separated Fernet keys,
# newest first. Required in production; local and test settings supply a fixed non-secret key.
KINDRED_FIELD_ENCRYPTION_KEY = env("KINDRED_FIELD_ENCRYPTION_KEY", "") or ""

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"refusals_on_one_line": {"()": "kindred.core.logs.RefusalsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # A 403 is one line, not a traceback (kindred.core.logs).
        "django.request": {"filters": ["refusals_on_one_line"]},
    },
}

# The crisis line's support requests (docs/crisis.md, ADR-117): how long each step of the ladder
# (supporters on call -> backup -> professional on call) has to take a request before the next is
# told, and how often the worker sweeps for steps a lost timer left overdue (ADR-118).
KINDRED_CRISIS_OFFER_SECONDS = int(env("KINDRED_CRISIS_OFFER_SECONDS", "300") or "300")
KINDRED_CRISIS_SWEEP_SECONDS = int(env("KINDRED_CRISIS_SWEEP_SECONDS", "60") or "60")
