"""Which static files Kindred publishes.

The NHS.UK frontend package ships, beside the built files the pages use, its Sass sources,
Nunjucks templates, one JavaScript module per component with its source map, and type
declarations: about 1,400 files. Compressing all of them for production made `collectstatic`
take minutes, for files no page asks for. Under `nhsuk/` only the bundled script (and its source
map, which the script names) and the icons are published; everything else is found as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.staticfiles.finders import FileSystemFinder
from django.core.files.storage import Storage

PREFIX = "nhsuk/"
PUBLISHED = ("nhsuk/nhsuk-frontend.min.js", "nhsuk/nhsuk-frontend.min.js.map")
PUBLISHED_DIRECTORIES = ("nhsuk/assets/",)


def published(path: str) -> bool:
    path = path.replace("\\", "/")
    return (
        not path.startswith(PREFIX) or path in PUBLISHED or path.startswith(PUBLISHED_DIRECTORIES)
    )


class PublishedFilesFinder(FileSystemFinder):
    """STATICFILES_DIRS, less the parts of the NHS.UK frontend package no page uses."""

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        if not published(path):
            return []  # what FileSystemFinder answers for a file it does not have
        return super().find(path, find_all, **kwargs)  # type: ignore[call-overload]

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, Storage]]:
        for path, storage in super().list(ignore_patterns):
            prefix = getattr(storage, "prefix", None)
            full = f"{prefix}/{path}" if prefix else path
            if published(full):
                yield path, storage
