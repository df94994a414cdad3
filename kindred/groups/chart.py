"""The attendance trend as an accessible SVG chart, drawn on the server by pygal (ADR-114).

pygal's own output carries a script and a style sheet; the page allows neither (no JavaScript
needed, and the content security policy forbids inline styles), so both are taken out and the
look comes from `groups/chart.css`. The chart is `role="img"` with a title and a description
that says what it shows in words; the table of the same figures sits beside it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import pygal
from django.core.cache import cache
from pygal.etree import etree

from kindred.groups.selectors import TrendRow

WAYS = (("Members", "named"), ("Regulars", "regulars"), ("Others", "headcount"))


def _strip(root: Any) -> None:
    """Remove scripts, style sheets, style attributes and the tooltips (they need JavaScript),
    with the hidden values pygal keeps for them."""
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in list(root.iter()):
        tag = element.tag if isinstance(element.tag, str) else ""
        classes = element.get("class", "")
        tooltip = "tooltip-overlay" in classes or (tag.endswith("desc") and classes)
        if tag.endswith(("script", "style")) or tooltip:
            parents[element].remove(element)
        element.attrib.pop("style", None)
    if not root.get("id"):
        root.attrib.pop("id", None)


def describe(rows: Sequence[TrendRow]) -> str:
    if not rows:
        return "No attendance taken yet."
    first, last = rows[0], rows[-1]
    most = max(rows, key=lambda row: row.total)
    return (
        f"{len(rows)} session{'s' if len(rows) != 1 else ''}, from {first.session.starts_at:%d %B %Y} "
        f"({first.total} came) to {last.session.starts_at:%d %B %Y} ({last.total} came). "
        f"The most was {most.total}. Each bar stacks members, regulars and others."
    )


#: How long a drawn chart is kept: its key is everything drawn, so it is never out of date.
CHART_SECONDS = 24 * 3600


def trend_svg(rows: Sequence[TrendRow], *, title: str, chart_id: str = "attendance-chart") -> str:
    """The rows (oldest first) as a stacked bar chart of members, regulars and others. Drawing
    takes pygal tens of milliseconds, and a group's latest sessions change once a week: the
    drawing is kept in the cache under a digest of every figure, date and word on it (ADR-129)."""
    drawn = [
        (row.session.starts_at.isoformat(), row.named, row.regulars, row.headcount) for row in rows
    ]
    key = "groups:trend:" + hashlib.sha256(repr((title, chart_id, drawn)).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = _trend_svg(rows, title=title, chart_id=chart_id)
        cache.set(key, svg, CHART_SECONDS)
    return str(svg)


def _trend_svg(rows: Sequence[TrendRow], *, title: str, chart_id: str) -> str:
    chart = pygal.StackedBar(
        css=[], js=[], disable_xml_declaration=True, no_prefix=True, width=640, height=320,
        explicit_size=False, show_legend=True, legend_at_bottom=True, pretty_print=False,
        x_label_rotation=0, print_values=False, include_x_axis=True, min_scale=2,
    )  # fmt: skip
    chart.x_labels = [f"{row.session.starts_at:%d %b}" for row in rows]
    for label, attribute in WAYS:
        chart.add(label, [getattr(row, attribute) for row in rows])
    root = chart.render_tree()
    _strip(root)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    root.set("class", "pygal-chart kindred-chart")
    root.set("focusable", "false")
    heading = etree.Element("title", id=f"{chart_id}-title")
    heading.text = title
    words = etree.Element("desc", id=f"{chart_id}-desc")
    words.text = describe(rows)
    root.insert(0, words)
    root.insert(0, heading)
    return str(etree.tostring(root, encoding="unicode"))
