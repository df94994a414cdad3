"""Audit actions the core tests write (every action is declared before use, ADR-084)."""

from kindred.core.audit_actions import audit_action

for name in ("test.done", "test.recorded", "test.held", "test.repeated"):
    audit_action(name, "Written by Kindred's own tests")
