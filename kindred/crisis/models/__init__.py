"""The crisis line's records: the rota (who is on call when) and support requests (what came in,
who it was offered to, who took it, how it ended). Django finds the models by these imports."""

from kindred.crisis.models import requests, rota  # noqa: F401
