"""List organisations, one a line: slug, name and network slug, separated by tabs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kindred.accounts.models import Organisation


class Command(BaseCommand):
    help = "List organisations: slug, name and network slug, tab-separated."

    def handle(self, *args: Any, **options: Any) -> None:
        for slug, name, network in Organisation.objects.order_by("slug").values_list(
            "slug", "name", "network__slug"
        ):
            self.stdout.write(f"{slug}\t{name}\t{network or ''}")
