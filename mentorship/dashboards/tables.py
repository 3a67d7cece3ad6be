"""What a dashboard shows: headline figures and tables (with their charts), and the privacy applied
to each figure for one viewer.

Privacy is applied here, once, for the page and its CSV alike: for a protected viewer (a manager)
every figure and table cell goes through `Viewer`, so a number that is hidden on the page is
hidden in the export too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from mentorship.dashboards import privacy
from mentorship.dashboards.privacy import Figure
from mentorship.dashboards.scope import Scope

STATE_LABELS = {
    "on_track": "Active, on track",
    "at_risk": "Active, at risk",
    "completed": "Completed",
    "ended_early": "Ended early",
}
SECTION_ORDER = [
    "effects_by_approach",
    "effects_by_approach_and_category",
    "effects_by_category",
    "self_and_partner_views",
    "approaches",
    "growth_by_category",
    "growth_by_skill",
    "pairs_by_state",
    "sessions_by_month",
    "rating_distribution",
    "reminders",
    "enrollment_by_role",
    "enrollment_by_unit",
    "enrollment_by_level",
    "end_reasons",
]


@dataclass
class Table:
    name: str
    caption: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    chart: SafeString | None = None
    note: str = ""
    show_sizes: bool = False  # each figure shows the size of its group, and marks small ones

    def csv_rows(self) -> Iterator[list[str]]:
        yield self.columns
        for row in self.rows:
            yield [cell.csv if isinstance(cell, Figure) else str(cell) for cell in row]

    @property
    def body(self) -> SafeString:
        """The rows as HTML: the first cell heads its row, a hidden figure says so. Built here,
        not in the template, where looking up each cell's parts cost a large page 25 ms."""
        small = privacy.threshold()
        return format_html_join(
            "\n",
            '<tr><th scope="row">{}</th>{}</tr>',
            ((row[0], SafeString("".join(self._cell(cell, small) for cell in row[1:]))) for row in self.rows),
        )

    def _cell(self, cell: Any, small: int) -> str:
        if isinstance(cell, Figure) and cell.hidden:
            return '<td class="dash-hidden-cell">Hidden</td>'
        if not (self.show_sizes and isinstance(cell, Figure)):
            return format_html("<td>{}</td>", cell)
        badge = SafeString(' <span class="badge">small group</span>') if cell.people < small else ""
        return format_html('<td>{} <span class="muted dash-size">(n={}){}</span></td>', cell, cell.people, badge)


@dataclass
class Dashboard:
    headline: list[tuple[str, Figure, str]]
    tables: dict[str, Table]
    at_risk: list[dict[str, Any]] = field(default_factory=list)
    at_risk_total: int = 0
    threshold: int = field(default_factory=privacy.threshold)
    reading: list[str] = field(default_factory=list)  # the comparison's plain-words reading (evidence)

    def table(self, name: str) -> Table | None:
        return self.tables.get(name)

    @property
    def sections(self) -> list[Table]:
        """The tables shown as chart-and-table sections, in reading order (the at-risk list has
        its own section)."""
        order = [name for name in SECTION_ORDER if name in self.tables]
        order += [name for name in self.tables if name not in order and name != "at_risk"]
        return [self.tables[name] for name in order]


class Viewer:
    """Figures and rows for one viewer: hidden only when the scope protects (managers), by the
    figure's own group (`privacy.visible`, `privacy.suppress_rows`) and, for a manager's view, by
    the groups of the atoms the view is made of (`privacy.Disclosure`)."""

    def __init__(self, scope: Scope, disclosure: privacy.Disclosure | None = None) -> None:
        self.protect = scope.protect
        self.disclosure = disclosure if scope.protect else None

    def figure(
        self, value: Any, people: int, *, complement: int = 0, fmt: str = "int", minimum: int | None = None
    ) -> Figure:
        hidden = self.protect and not privacy.visible(people, complement=complement, minimum=minimum)
        return Figure(None if hidden else value, people, hidden, fmt)

    def rows(
        self,
        people: Sequence[int],
        complements: Sequence[int] | None = None,
        minimum: int | None = None,
        *,
        table: str,
        labels: Sequence[str],
    ) -> list[bool]:
        """Which rows of `table` (with these first-column `labels`) to hide."""
        if not self.protect:
            return [False] * len(people)
        hidden = privacy.suppress_rows(people, complements=complements, minimum=minimum)
        return [own or atoms for own, atoms in zip(hidden, self.disclosed(table, labels), strict=True)]

    def disclosed(self, table: str, labels: Sequence[str]) -> list[bool]:
        """The rows the atoms of a manager's view hide (none without a disclosure)."""
        if self.disclosure is None:
            return [False] * len(labels)
        return self.disclosure.rows_hidden(table, labels)

    def headline(self, headline: list[tuple[str, Figure, str]]) -> None:
        """Hide the headline figures the atoms of a manager's view hide."""
        for label, figure, _ in headline:
            if self.disclosure is not None and self.disclosure.figure_hidden(label):
                figure.hidden, figure.value = True, None


def weakest(*groups: int) -> int:
    """The people behind a figure drawn from several groups: the smallest that is not empty, so
    that the figure is hidden when any of them is small."""
    return min((people for people in groups if people), default=0)


def ratio(part: float | None, whole: float | None) -> float | None:
    return part / whole if part is not None and whole else None


def cells(values: Sequence[tuple[Any, str]], people: int, hidden: bool) -> list[Figure]:
    return [Figure(None if hidden else value, people, hidden, fmt) for value, fmt in values]
