"""Running writes at the same moment, for the PostgreSQL row-lock tests of every app."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections

from kindred.core.transitions import DomainError


def at_once(*actions: Callable[[], object]) -> tuple[list[object], list[str]]:
    """Start every action at the same moment, each in its own thread (so its own database
    connection). Returns what the winners returned and the messages of those refused with a
    DomainError (ChangedSinceYouLooked, most likely); any other error fails the test."""
    start = threading.Barrier(len(actions))
    won: list[object] = []
    refused: list[str] = []

    def run(action: Callable[[], object]) -> None:
        try:
            start.wait()
            won.append(action())
        except DomainError as told:
            refused.append(str(told))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won, refused
