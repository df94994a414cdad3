"""Print the demo sign-ins, one for each role, and the public pages that need no sign-in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.urls import reverse

from kindred.nonprod.constants import DEMO_PASSWORD
from kindred.nonprod.demo import NETWORK, ORGANISATIONS, sign_ins
from kindred.nonprod.demo_referrals import demo_token_line
from kindred.nonprod.demo_rota import LAMBETH


class Command(BaseCommand):
    help = "Print the demo sign-ins for each role, and the public pages."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--base-url", default="", help="e.g. http://127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        base = options["base_url"].rstrip("/")
        self.stdout.write("\nPublic pages (no sign-in needed):")
        for demo in ORGANISATIONS:
            slug = {"organisation_slug": demo.slug}
            self.stdout.write(f"  {demo.name}")
            self.stdout.write(
                f"    refer yourself: {base}{reverse('referrals:self_refer', kwargs=slug)}"
            )
            self.stdout.write(
                f"    volunteer:      {base}{reverse('volunteers:enquire', kwargs=slug)}"
            )
        front_door = reverse("referrals:network_self_refer", kwargs={"network_slug": NETWORK[0]})
        self.stdout.write(f"  {NETWORK[1]}, its front door: {base}{front_door}")
        ask = reverse("crisis:ask", kwargs={"organisation_slug": LAMBETH})
        self.stdout.write(f"  The crisis line, ask for support tonight: {base}{ask}")
        self.stdout.write(f"  The directory of groups: {base}{reverse('directory:search')}")
        self.stdout.write(f"  The Open Referral UK API: {base}{reverse('openreferral:index')}")
        self.stdout.write(f"\nDemo sign-ins (every password is {DEMO_PASSWORD}):\n")
        for role, email, organisation in sign_ins():
            self.stdout.write(f"  {role:<30} {email:<45} {organisation}")
        self.stdout.write("")
        if token_line := demo_token_line():
            self.stdout.write(token_line + "\n")
