"""Bar charts as inline SVG, drawn on the server: no JavaScript, the same in the page and the PDF.

Each chart is an image with a title and a description (``role="img"``), prints its numbers
beside the bars (no colour-only meaning) and stands next to the table with the same figures.
A hidden figure (reporting/disclosure.py) gets no bar: its marker stands where the value would.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reporting.selectors import Hidden, MonthlyFigures
from reporting.tables import Cell

BAR = "#1f5f99"  # 7:1 against white; the value is always printed beside the bar too
TEXT = "#1a1a1a"
AXIS = "#6b6b6b"
FONT = "DejaVu Sans, Arial, sans-serif"


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    svg: SafeString


def _svg(slug: str, title: str, description: str, width: int, height: int, body) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'aria-labelledby="{slug}-title {slug}-desc" font-family="{font}" font-size="12">'
        '<title id="{slug}-title">{title}</title><desc id="{slug}-desc">{desc}</desc>'
        "{body}</svg>",
        w=width,
        h=height,
        slug=slug,
        font=FONT,
        title=title,
        desc=description,
        body=body,
    )


def _n(number: float) -> str:
    """A coordinate with one decimal and a dot, whatever the language."""
    return f"{number:.1f}"


def _describe(labels: list[str], values: list[Cell]) -> str:
    text = "; ".join(f"{label}: {value}" for label, value in zip(labels, values, strict=True))
    if any(isinstance(value, Hidden) for value in values):
        text += ". " + _("Hidden figures have no bar.")
    return text


def _peak(values: list[Cell]) -> float:
    return float(max([*(v for v in values if not isinstance(v, Hidden)), 1]))


def _bar(x, y, width, height, value: Cell) -> SafeString:
    """A bar, or nothing where the figure is hidden: its marker beside it says why."""
    if isinstance(value, Hidden):
        return SafeString("")
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>', x, y, width, height, BAR
    )


def column_chart(slug: str, title: str, labels: list[str], values: list[Cell]) -> Chart:
    """Vertical bars (the year's trend), one per label, with the value above each bar."""
    width, height, left, bottom, top = 640, 260, 16, 36, 24
    step = (width - 2 * left) / max(len(labels), 1)
    peak = _peak(values)
    plot = height - bottom - top
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        bar_height = 0 if isinstance(value, Hidden) else plot * float(value) / peak
        x = left + i * step + step * 0.15
        y = height - bottom - bar_height
        middle = _n(x + step * 0.35)
        bars.append(
            (_bar(_n(x), _n(y), _n(step * 0.7), _n(bar_height), value), middle, _n(y - 6), value)
            + (middle, _n(height - bottom + 16), label)
        )
    body = format_html_join(
        "",
        "{}"
        '<text x="{}" y="{}" text-anchor="middle" fill="' + TEXT + '">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" fill="' + TEXT + '">{}</text>',
        bars,
    )
    axis = format_html(
        '<line x1="{l}" y1="{y}" x2="{r}" y2="{y}" stroke="{c}"/>',
        l=left,
        r=width - left,
        y=height - bottom,
        c=AXIS,
    )
    svg = _svg(slug, title, _describe(labels, values), width, height, axis + body)
    return Chart(slug, title, _describe(labels, values), svg)


def bar_chart(slug: str, title: str, labels: list[str], values: list[Cell]) -> Chart:
    """Horizontal bars (a distribution), label on the left and the value after each bar."""
    row, label_width, width, value_room = 24, 230, 640, 48
    height = max(len(labels), 1) * row + 8
    peak = _peak(values)
    room = width - label_width - value_room
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 4 + i * row
        bar_width = 0 if isinstance(value, Hidden) else room * float(value) / peak
        short = label if len(label) <= 32 else label[:31] + "…"
        bars.append(
            (label_width - 6, y + 16, short)
            + (_bar(label_width, y + 4, _n(bar_width), row - 8, value),)
            + (_n(label_width + bar_width + 6), y + 16, value)
        )
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" fill="' + TEXT + '">{}</text>'
        "{}"
        '<text x="{}" y="{}" fill="' + TEXT + '">{}</text>',
        bars,
    )
    svg = _svg(slug, title, _describe(labels, values), width, height, body)
    return Chart(slug, title, _describe(labels, values), svg)


def report_charts(figures: MonthlyFigures) -> dict[str, Chart]:
    """The trend beside the monthly table, the distributions beside their tables."""
    months = [str(month) for month in range(1, 13)]
    assignments = [month.assignments for month in figures.months]
    by_type = figures.totals.by_type
    by_division = figures.totals.by_division
    return {
        "monthly": column_chart(
            "chart-trend",
            _("Assignments per month %(year)s") % {"year": figures.year},
            months,
            assignments,
        ),
        "by_type": bar_chart(
            "chart-type",
            _("Assignments by type %(year)s") % {"year": figures.year},
            [label.name for label in figures.types],
            [by_type.get(label.code, 0) for label in figures.types],
        ),
        "by_division": bar_chart(
            "chart-division",
            _("Assignments by division %(year)s") % {"year": figures.year},
            [label.name for label in figures.divisions],
            [by_division.get(label.code, 0) for label in figures.divisions],
        ),
    }
