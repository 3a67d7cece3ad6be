"""Charts drawn on the server as SVG: no JavaScript, no CDN, and they print.

Each chart is an `<svg role="img">` with a `<title>` and `<desc>`; the page puts the same numbers
in a table next to it, which is what screen readers and the CSV export use. Colours come from
classes styled in static/css/dashboards.css (series-0 … series-3), never inline styles, which the
Content Security Policy would refuse. Hidden figures (privacy) are drawn as an empty, dashed bar.
"""

from collections.abc import Sequence
from itertools import count
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from mentorship.dashboards.privacy import Figure

_ids = count(1)

WIDTH = 640
LABEL_WIDTH = 200
BAR_HEIGHT = 22
GAP = 8


def _value(cell: Any) -> float | None:
    if isinstance(cell, Figure):
        return None if cell.hidden or cell.value is None else float(cell.value)
    return None if cell is None else float(cell)


def _n(number: float) -> str:
    return f"{number:.1f}"


def _text(cell: Any) -> str:
    return str(cell)


def _open(title: str, desc: str, height: int) -> tuple[str, str]:
    chart_id = f"chart-{next(_ids)}"
    head = format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" aria-labelledby="{}-t {}-d"'
        ' preserveAspectRatio="xMinYMin meet"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
    )
    return head, "</svg>"


# What fits left of the bars without being cut at the edge of the chart ("usiness intelligence
# dashboards"): one line at 12 px, else two lines at 10.5 px, the rest shortened with "…".
LABEL_CHARS_ONE_LINE = 28
LABEL_CHARS_SMALL = 32


def label_lines(label: str) -> list[str]:
    """The label in at most two lines that fit LABEL_WIDTH, split between words where the two
    lines come out most even."""
    if len(label) <= LABEL_CHARS_ONE_LINE:
        return [label]
    words = label.split()
    if len(words) < 2:
        return [_shorten(label), ""]
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    first, second = min(splits, key=lambda pair: (max(len(pair[0]), len(pair[1])), len(pair[1])))
    return [_shorten(first), _shorten(second)]


def _shorten(line: str) -> str:
    return line if len(line) <= LABEL_CHARS_SMALL else line[: LABEL_CHARS_SMALL - 1] + "…"


def _row_label(label: str, y: float) -> SafeString:
    """The label left of a horizontal row (bar and interval charts), wrapped to fit; the full
    label is its tooltip, and the table beside the chart has it in full too."""
    lines = label_lines(label)
    if len(lines) == 1:
        return format_html(
            '<text class="chart-label" x="{}" y="{}" text-anchor="end"><title>{}</title>{}</text>',
            LABEL_WIDTH - 8,
            _n(y + BAR_HEIGHT * 0.7),
            label,
            label,
        )
    return format_html(
        '<text class="chart-label small" x="{}" y="{}" text-anchor="end"><title>{}</title>'
        '<tspan x="{}" dy="0">{}</tspan><tspan x="{}" dy="11">{}</tspan></text>',
        LABEL_WIDTH - 8,
        _n(y + BAR_HEIGHT * 0.42),
        label,
        LABEL_WIDTH - 8,
        lines[0],
        LABEL_WIDTH - 8,
        lines[1],
    )


def bar_chart(
    title: str, desc: str, labels: Sequence[str], values: Sequence[Any], *, maximum: float | None = None
) -> SafeString:
    """Horizontal bars, one per label: long labels (skills, units) stay readable."""
    numbers = [_value(v) for v in values]
    top = maximum or max([n for n in numbers if n is not None] + [0]) or 1
    height = len(labels) * (BAR_HEIGHT + GAP) + GAP
    head, tail = _open(title, desc, max(height, 40))
    parts = [head]
    plot = WIDTH - LABEL_WIDTH - 70
    for index, (label, number, cell) in enumerate(zip(labels, numbers, values, strict=True)):
        y = GAP + index * (BAR_HEIGHT + GAP)
        parts.append(_row_label(label, y))
        if number is None:
            parts.append(
                format_html(
                    '<rect class="chart-hidden" x="{}" y="{}" width="{}" height="{}"/>'
                    '<text class="chart-value" x="{}" y="{}">{}</text>',
                    LABEL_WIDTH,
                    y,
                    plot,
                    BAR_HEIGHT,
                    LABEL_WIDTH + 6,
                    _n(y + BAR_HEIGHT * 0.7),
                    _text(cell) if isinstance(cell, Figure) else "–",
                )
            )
            continue
        width = max(0.0, number) / top * plot
        parts.append(
            format_html(
                '<rect class="chart-bar series-0" x="{}" y="{}" width="{}" height="{}"/>'
                '<text class="chart-value" x="{}" y="{}">{}</text>',
                LABEL_WIDTH,
                y,
                _n(width),
                BAR_HEIGHT,
                _n(LABEL_WIDTH + width + 6),
                _n(y + BAR_HEIGHT * 0.7),
                _text(cell),
            )
        )
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308 (every piece above went through format_html)


def line_chart(
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Any]]],
    *,
    empty: str = "Nothing recorded in this period.",
) -> SafeString:
    """A trend over time: one line per series, points for each label; hidden points leave a gap.
    With nothing but zeros to draw, it says so (`empty`) instead of a flat line along the axis."""
    height = 220
    left, right, top_pad, bottom = 48, 16, 28, 32
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom
    numbers = [[_value(v) for v in values] for _, values in series]
    drawn = [n for row in numbers for n in row if n is not None]
    if not any(drawn) and len(drawn) == sum(len(row) for row in numbers):
        return format_html('<p class="empty chart-empty">{}</p>', empty)
    top = max([n for row in numbers for n in row if n is not None] + [0]) or 1
    head, tail = _open(title, desc, height)
    parts = [head]
    parts.append(
        format_html(
            '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text class="chart-value small" x="{}" y="{}" text-anchor="end">{}</text>'
            '<text class="chart-value small" x="{}" y="{}" text-anchor="end">0</text>',
            left,
            top_pad + plot_h,
            left + plot_w,
            top_pad + plot_h,
            left - 6,
            top_pad + 4,
            f"{top:g}" if top >= 10 else f"{top:.1f}",
            left - 6,
            top_pad + plot_h,
        )
    )
    step = plot_w / max(1, len(labels) - 1)
    for index, label in enumerate(labels):
        if len(labels) <= 12 or index % 2 == 0:
            parts.append(
                format_html(
                    '<text class="chart-label small" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _n(left + index * step),
                    height - 10,
                    label,
                )
            )
    for s, ((name, _), row) in enumerate(zip(series, numbers, strict=True)):
        points = []
        segments: list[list[str]] = [[]]
        for index, number in enumerate(row):
            if number is None:
                segments.append([])
                continue
            x, y = left + index * step, top_pad + plot_h - number / top * plot_h
            segments[-1].append(f"{x:.1f},{y:.1f}")
            points.append(
                format_html('<circle class="chart-point series-{}" cx="{}" cy="{}" r="3"/>', s % 4, _n(x), _n(y))
            )
        for segment in segments:
            if len(segment) > 1:
                parts.append(
                    format_html('<polyline class="chart-line series-{}" points="{}"/>', s % 4, " ".join(segment))
                )
        parts.extend(points)
        parts.append(
            format_html(
                '<rect class="chart-bar series-{}" x="{}" y="6" width="12" height="12"/>'
                '<text class="chart-legend" x="{}" y="16">{}</text>',
                s % 4,
                left + s * 200,
                left + s * 200 + 16,
                name,
            )
        )
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308 (every piece above went through format_html)


def interval_chart(title: str, desc: str, labels: Sequence[str], values: Sequence[Any]) -> SafeString:
    """One row per label: a point at the estimate and a line across its interval (cells with
    `low` and `high`, as `evidence.Interval`), around a zero line. Hidden figures: a dashed box."""
    rows = [
        (label, cell, _value(cell), getattr(cell, "low", None), getattr(cell, "high", None))
        for label, cell in zip(labels, values, strict=True)
    ]
    ends = [
        end for _, _, number, low, high in rows if number is not None for end in (number, low, high) if end is not None
    ]
    lowest, highest = min([*ends, 0.0]), max([*ends, 0.0])
    span = (highest - lowest) or 1.0
    plot = WIDTH - LABEL_WIDTH - 150

    def x(number: float) -> str:
        return _n(LABEL_WIDTH + (number - lowest) / span * plot)

    height = len(rows) * (BAR_HEIGHT + GAP) + GAP + 16
    head, tail = _open(title, desc, max(height, 56))
    parts = [
        head,
        format_html(
            '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text class="chart-value small" x="{}" y="{}" text-anchor="middle">0</text>',
            x(0.0),
            GAP,
            x(0.0),
            height - 18,
            x(0.0),
            height - 4,
        ),
    ]
    for index, (label, cell, number, low, high) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        middle = _n(y + BAR_HEIGHT / 2)
        parts.append(_row_label(label, y))
        if number is None:
            parts.append(
                format_html(
                    '<rect class="chart-hidden" x="{}" y="{}" width="40" height="{}"/>', LABEL_WIDTH, y, BAR_HEIGHT
                )
            )
            continue
        if low is not None and high is not None:
            parts.append(
                format_html(
                    '<line class="chart-interval" x1="{}" y1="{}" x2="{}" y2="{}"/>', x(low), middle, x(high), middle
                )
            )
        parts.append(
            format_html(
                '<circle class="chart-point series-0" cx="{}" cy="{}" r="5"/>'
                '<text class="chart-value" x="{}" y="{}">{}</text>',
                x(number),
                middle,
                _n(LABEL_WIDTH + plot + 8),
                _n(y + BAR_HEIGHT * 0.7),
                _text(cell),
            )
        )
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308 (every piece above went through format_html)
