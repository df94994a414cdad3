# Copy to your platform's secret store or environment. Every variable may instead be given as
# NAME_FILE=/path/to/file holding the value.
DJANGO_SETTINGS_MODULE=kindred.config.settings.production
DATABASE_URL=postgres://kindred:CHANGE-ME@db.internal:5432/kindred
SECRET_KEY=CHANGE-ME-to-50-or-more-random-characters
KINDRED_FIELD_ENCRYPTION_KEY_FILE=/run/secrets/kindred_field_key
ALLOWED_HOSTS=kindred.example.nhs.uk
CSRF_TRUSTED_ORIGINS=https://kindred.example.nhs.uk
# The HTTPS proxy's address (or network): only it may say who the client is (ADR-078).
FORWARDED_ALLOW_IPS=10.0.0.10
KINDRED_NOTIFICATIONS_BACKEND=console
LOG_LEVEL=INFO
