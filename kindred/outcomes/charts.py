"""Accessible server-side SVG charts of published (already suppressed) report figures, drawn by
pygal (ADR-124): a title, a text description, role="img", no script. The page shows the table
beside each chart; a suppressed cell is simply a missing bar."""

from __future__ import annotations

import html
import re

import pygal
from pygal.style import Style

from kindred.outcomes.report import Chart

# NHS.UK colours: blue bars, dark grey text, readable sizes.
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#212b32",
    foreground_strong="#212b32",
    foreground_subtle="#4c6272",
    colors=("#005eb8",),
    font_family="Arial, sans-serif",
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
)
_OPEN_SVG = re.compile(r"<svg\b([^>]*)>")
#: pygal writes its settings for its tooltips script even when given none: taken out, so the
#: image holds no script at all.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def svg(chart: Chart, *, key: str) -> str:
    """The chart as an SVG document with a title and description for assistive technology."""
    bar = pygal.HorizontalBar(
        style=STYLE,
        show_legend=False,
        disable_xml_declaration=True,
        js=[],
        width=720,
        height=max(160, 60 + 36 * len(chart.labels)),
        print_values=True,
        print_zeroes=True,
        no_data_text="No figures to show",
        truncate_label=-1,
        margin_left=10,
    )
    bar.title = chart.title
    bar.x_labels = list(chart.labels)
    bar.add("Figure", list(chart.values))
    drawn = _SCRIPT.sub("", bar.render(is_unicode=True))
    title_id, desc_id = f"{key}-title", f"{key}-desc"
    accessible = (
        f'<svg\\1 role="img" aria-labelledby="{title_id} {desc_id}">'
        f'<title id="{title_id}">{html.escape(chart.title)}</title>'
        f'<desc id="{desc_id}">{html.escape(chart.description)}</desc>'
    )
    return _OPEN_SVG.sub(accessible, drawn, count=1)
