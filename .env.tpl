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
# How messages go out (docs/notifications.md): notify (GOV.UK Notify) or smtp.
KINDRED_NOTIFICATIONS_BACKEND=notify
NOTIFY_API_KEY_FILE=/run/secrets/kindred_notify_key
NOTIFY_EMAIL_TEMPLATE_ID=CHANGE-ME-to-the-email-template-id
NOTIFY_SMS_TEMPLATE_ID=CHANGE-ME-to-the-text-message-template-id
# Or, for smtp: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD_FILE, EMAIL_USE_TLS,
# DEFAULT_FROM_EMAIL.
LOG_LEVEL=INFO
