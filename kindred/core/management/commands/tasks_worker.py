"""django-tasks-db's worker (`db_worker`), run by `kindred worker`, with one difference: at
verbosity 0 it still logs warnings and errors (a task that fails), where `db_worker` would log
only critical ones. `make run` starts it so, and its output is not a line for every task."""

from __future__ import annotations

import logging

from django_tasks_db.compat import TASKS_LOGGER
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = "Run the task worker (db_worker); at verbosity 0 it logs only warnings and errors."

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        if verbosity == 0:
            for name in (TASKS_LOGGER, "django_tasks_db"):
                logging.getLogger(name).setLevel(logging.WARNING)
