"""Kindred's own middleware that needs no app: headers only a trusted proxy may send, and no
caching of any page. Which organisation the user acts for is `kindred.accounts.middleware`."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from kindred.core.addresses import peer_is_trusted, trusted_networks


class NoStoreMiddleware:
    """Every answer Kindred's views give is kept by no browser and no shared cache (ADR-079):
    `Cache-Control: no-store`, so that a person's details do not stay on a shared computer after
    sign-out, and a proxy never hands one user's page to another. Public static files are served
    by WhiteNoise, above this middleware, and keep their long cache lifetimes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True)
        return response


class TrustedProxyHeadersMiddleware:
    """`X-Forwarded-Proto` (which SECURE_PROXY_SSL_HEADER reads to decide that a request came over
    HTTPS) counts only from a trusted proxy (settings.TRUSTED_PROXIES, ADR-078); from anyone else
    it is removed before Django looks at it. Gunicorn does the same for its own scheme, but passes
    the header on. X-Forwarded-For needs no removal: only client_ip reads it, and checks the same."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        trusted = trusted_networks(tuple(settings.TRUSTED_PROXIES))
        if not peer_is_trusted(request.META.get("REMOTE_ADDR"), trusted):
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)
