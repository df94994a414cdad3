"""The volunteers list's filters, read from its query string: the list page and its CSV download
(ADR-093) both read them here, so the file holds what the page lists."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from kindred.volunteers.models import Stage

#: The longest search the list takes (longer text is cut, not refused).
SEARCH_LENGTH = 100


@dataclass(frozen=True)
class VolunteerListFilter:
    stage: str = ""  # "" (every stage) or one Stage
    search: str = ""  # words in the name or email address

    @classmethod
    def from_query(cls, query: QueryDict) -> VolunteerListFilter:
        """The filters in the query string; an unknown stage means every stage."""
        stage = query.get("stage", "")
        return cls(
            stage=stage if stage in Stage.values else "",
            search=query.get("q", "").strip()[:SEARCH_LENGTH],
        )
