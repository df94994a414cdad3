"""The two baselines every page of `make bench` is measured beside, in the same run
(benchmarks/pages.py): a bare signed-in view, and one that makes one query of its own. They
show what any signed-in request costs here (sessions, middleware, gunicorn), so that a page's
time can be read as a multiple of it. Served only where kindred.nonprod is installed (the bench,
local and test settings): production settings leave the app, and so these routes, out."""

from __future__ import annotations

from django.http import HttpResponse

from kindred.core.access import signed_in
from kindred.core.http import AuthenticatedRequest


def _text(body: str) -> HttpResponse:
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@signed_in
def bench_bare(request: AuthenticatedRequest) -> HttpResponse:
    """Signed in, and nothing else."""
    return _text("signed in\n")


@signed_in
def bench_one_query(request: AuthenticatedRequest) -> HttpResponse:
    """Signed in, and one indexed query: how many roles the user holds."""
    roles = request.user.memberships.filter(is_active=True).count()
    return _text(f"{roles} roles\n")
