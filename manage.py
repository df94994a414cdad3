#!/usr/bin/env python
"""Django's command-line utility for Kindred (the `kindred` command is the friendlier front door)."""

import sys

from kindred.cli import run_django

if __name__ == "__main__":
    sys.exit(run_django(sys.argv))
