"""Print the demo sign-ins, one for each role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kindred.nonprod.constants import DEMO_PASSWORD
from kindred.nonprod.demo import sign_ins
from kindred.nonprod.demo_referrals import demo_token_line


class Command(BaseCommand):
    help = "Print the demo sign-ins for each role."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"\nDemo sign-ins (every password is {DEMO_PASSWORD}):\n")
        for role, email, organisation in sign_ins():
            self.stdout.write(f"  {role:<30} {email:<45} {organisation}")
        self.stdout.write("")
        if token_line := demo_token_line():
            self.stdout.write(token_line + "\n")
