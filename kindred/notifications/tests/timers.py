"""A timer for the worker-process tests: it notes, in the file KINDRED_TEST_TICKS names, each
time it runs and in which process, so that a test can see a timer ran once and only once."""

from __future__ import annotations

import os
import time

from django_tasks import task


@task()
def tick(label: str, seconds: float = 0) -> str:
    time.sleep(seconds)
    with open(os.environ["KINDRED_TEST_TICKS"], "a", encoding="utf-8") as ticks:
        ticks.write(f"{label} {os.getpid()}\n")
    return label
