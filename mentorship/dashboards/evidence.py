"""The comparison of approaches as tables and a reading: `effects` figures, under the privacy rules.

A figure about fewer than the privacy threshold's people is hidden for every viewer, HR too (a
95% interval on three people says nothing anyway), with the dashboards' cross-view rule: in each
breakdown whose total is on the page (an approach across its categories, a category across the
approaches) the next-smallest cells are hidden beside a small one, through
`privacy.suppress_rows`. The reading mentions only figures that are shown, and the CSV carries
the same figures, intervals and n as the page, hidden where the page hides them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from threadpoolctl import threadpool_limits

from mentorship.dashboards import charts, effects, privacy
from mentorship.dashboards.effects import BASELINE, Analysis, Estimate
from mentorship.dashboards.measures import measures
from mentorship.dashboards.privacy import Figure
from mentorship.dashboards.scope import Scope
from mentorship.dashboards.tables import Table
from mentorship.programs.models import ProgramKind
from skills.models import SkillCategory

BASELINE_LABEL = "Colleagues outside any program"
TABLES = ("effects_by_approach", "effects_by_category", "effects_by_approach_and_category", "self_and_partner_views")


@dataclass
class Interval(Figure):
    """A figure with its 95% interval: "+1.2 [+0.9, +1.5]" on the page, three columns in a CSV."""

    low: float | None = None
    high: float | None = None

    def __str__(self) -> str:
        if self.hidden or self.value is None:
            return super().__str__()
        if self.low is None or self.high is None:
            return effects.signed(float(self.value))
        return effects.interval(Estimate(float(self.value), self.low, self.high, self.people, 0))

    @property
    def csv_cells(self) -> list[str]:
        if self.hidden:
            return ["hidden"] * 3
        return [_plain(self.value), _plain(self.low), _plain(self.high)]


def _plain(value: float | int | None) -> str:
    return "" if value is None else f"{value:.2f}"


class IntervalTable(Table):
    """A table whose interval cells become three CSV columns: the figure, its low and high end."""

    def csv_rows(self) -> Iterator[list[str]]:
        first = self.rows[0] if self.rows else []
        header: list[str] = []
        for index, column in enumerate(self.columns):
            cell = first[index] if index < len(first) else None
            header += [column, f"{column}: 95% low", f"{column}: 95% high"] if isinstance(cell, Interval) else [column]
        yield header
        for row in self.rows:
            out: list[str] = []
            for cell in row:
                if isinstance(cell, Interval):
                    out += cell.csv_cells
                else:
                    out.append(cell.csv if isinstance(cell, Figure) else str(cell))
            yield out


@dataclass
class Evidence:
    analysis: Analysis
    reading: list[str]
    tables: dict[str, Table]


def _short(group: str) -> str:
    """A chart label that fits: "Reverse", "Outside programs"."""
    return "Outside programs" if group == BASELINE else str(ProgramKind(group).label).split(" ")[0]


def _labels() -> effects.Labels:
    return effects.Labels(
        groups={kind.value: str(kind.label) for kind in ProgramKind} | {BASELINE: BASELINE_LABEL},
        categories={c.value: str(c.label).lower() for c in SkillCategory},
    )


def _suppress(lines: Sequence[Sequence[Any]], people: dict[Any, int]) -> set[Any]:
    """Hide small cells, then keep hiding the next-smallest in each line (a breakdown whose total
    is shown) until its hidden cells stand for a group at least the threshold, across lines until
    nothing changes. Cells already hidden by another line count as one hidden group here."""
    hidden: set[Any] = set()
    changed = True
    while changed:
        changed = False
        for line in lines:
            shown = [key for key in line if key not in hidden]
            already = sum(people.get(key, 0) for key in line if key in hidden)
            flags = privacy.suppress_rows([already, *[people.get(key, 0) for key in shown]])
            for key, flag in zip(shown, flags[1:], strict=True):
                if flag:
                    hidden.add(key)
                    changed = True
    return hidden


def _hidden(analysis: Analysis) -> set[Any]:
    groups, categories = analysis.groups, analysis.categories
    people = {key: estimate.people for key, estimate in analysis.raw.items()}
    everyone = [*groups, BASELINE]
    lines: list[list[Any]] = [groups, [BASELINE], categories]
    lines += [[(g, c) for c in categories] for g in everyone]
    lines += [[(g, c) for g in groups] for c in categories]
    lines += [[(BASELINE, c)] for c in categories]
    hidden = _suppress(lines, people)
    views = {("self", g): analysis.self_view[g].people for g in groups if g in analysis.self_view}
    other = {("other", g): analysis.other_view[g].people for g in groups if g in analysis.other_view}
    hidden |= _suppress([list(views)], views) | _suppress([list(other)], other)
    for group in groups:
        both = analysis.self_minus_other.get(group)
        small = both is None or not privacy.visible(both.people)
        if small or ("self", group) in hidden or ("other", group) in hidden:
            hidden.add(("both", group))
    return hidden


def build(scope: Scope) -> Evidence:
    """Load the rows (two queries), analyse them, and lay out the reading and the tables."""
    rows = measures(scope)
    # One BLAS thread: the fits are small, and a web process's cores serve other requests. With
    # OpenBLAS's default threads on a busy two-core server the model fit took 0.6 s, with one 0.09 s.
    with threadpool_limits(limits=1, user_api="blas"):
        analysis = effects.analyse(
            rows,
            groups=[kind.value for kind in ProgramKind],
            categories=[c.value for c in SkillCategory],
        )
    hidden = _hidden(analysis)
    labels = _labels()

    def shown(key: Any) -> bool:
        if isinstance(key, tuple) and key[0] == "self":
            return ("both", key[1]) not in hidden
        return key in analysis.raw and key not in hidden

    reading = effects.reading(analysis, labels, shown)
    return Evidence(analysis, reading, _tables(analysis, hidden, labels))


def _interval(estimate: Estimate | None, hidden: bool) -> Interval:
    if estimate is None:
        return Interval(None, 0, hidden, "signed")
    return Interval(
        None if hidden else estimate.value,
        estimate.people,
        hidden,
        "signed",
        None if hidden else estimate.low,
        None if hidden else estimate.high,
    )


def _count(value: int, hidden: bool) -> Figure:
    return Figure(None if hidden else value, value, hidden, "int")


def _effect_row(analysis: Analysis, key: Any, hidden: set[Any]) -> list[Any]:
    """People, goals, raw and adjusted growth, the matched baseline and the difference. The
    baseline figures are hidden too when any baseline category they draw on is hidden: a
    figure matched to one hidden category would give it away."""
    raw = analysis.raw[key]
    is_hidden = key in hidden
    if isinstance(key, tuple):
        drawn_on = [key[1]]
    elif key in analysis.groups:
        drawn_on = [c for c in analysis.categories if (key, c) in analysis.raw]
    else:
        drawn_on = [key] if key != BASELINE else []
    baseline_hidden = is_hidden or any((BASELINE, c) in hidden for c in drawn_on)
    return [
        _count(raw.people, is_hidden),
        _count(raw.goals, is_hidden),
        _interval(raw, is_hidden),
        _interval(analysis.adjusted.get(key), is_hidden),
        _interval(analysis.matched_baseline.get(key), baseline_hidden),
        _interval(analysis.versus_baseline.get(key), baseline_hidden),
    ]


EFFECT_COLUMNS = [
    "People",
    "Goals",
    "Raw mean growth (levels)",
    "Adjusted growth",
    "Outside any program (matched)",
    "Difference from outside",
]


def _note(analysis: Analysis) -> str:
    return (
        "Raw: the plain mean. Adjusted: the same for everyone's mix of starting levels and "
        f"{analysis.common_months:.1f} months between assessments (least squares, errors clustered by person). "
        "Outside any program: colleagues in no program assessed twice over the same period, same skill "
        f"categories, starting levels and months. Brackets: 95% intervals. Groups under {privacy.threshold()} "
        "people are hidden."
    )


def _tables(analysis: Analysis, hidden: set[Any], labels: effects.Labels) -> dict[str, Table]:
    g, c = labels.groups, labels.categories
    tables: dict[str, Table] = {}
    note = _note(analysis)

    table = IntervalTable(
        "effects_by_approach", "Skill growth by approach, with 95% intervals", ["Approach", *EFFECT_COLUMNS]
    )
    for key in [*analysis.groups, BASELINE]:
        if key in analysis.raw:
            table.rows.append([g[key], *_effect_row(analysis, key, hidden)])
    table.note = note
    table.chart = charts.interval_chart(
        "Adjusted skill growth by approach",
        "For each approach and for colleagues outside any program: adjusted growth in levels, with its 95% interval.",
        [_short(key) for key in [*analysis.groups, BASELINE] if key in analysis.raw],
        [row[4] for row in table.rows],
    )
    tables[table.name] = table

    table = IntervalTable(
        "effects_by_category",
        "Skill growth by skill category (all approaches), with 95% intervals",
        ["Category", *EFFECT_COLUMNS],
    )
    for key in analysis.categories:
        if key in analysis.raw:
            table.rows.append([c[key].capitalize(), *_effect_row(analysis, key, hidden)])
    table.note = note
    tables[table.name] = table

    table = IntervalTable(
        "effects_by_approach_and_category",
        "Skill growth by approach and category, against colleagues outside any program",
        ["Approach and category", *EFFECT_COLUMNS],
    )
    chart_labels = []
    for group in [*analysis.groups, BASELINE]:
        for category in analysis.categories:
            if (group, category) in analysis.raw:
                row = _effect_row(analysis, (group, category), hidden)
                table.rows.append([f"{g[group]}: {c[category]}", *row])
                chart_labels.append(f"{_short(group)}: {category}")
    table.note = note
    table.chart = charts.interval_chart(
        "Adjusted growth by approach and category",
        "For each approach and skill category, the adjusted growth in levels with its 95% interval.",
        chart_labels,
        [row[4] for row in table.rows],
    )
    tables[table.name] = table

    table = IntervalTable(
        "self_and_partner_views",
        "Self-assessed and partner- or check-in-assessed growth",
        [
            "Approach",
            "Self-assessed growth",
            "Partner's or check-in growth",
            "Self minus the other view, same goals",
            "Goals with both views",
        ],
        note="Each view from the start level to that view's latest assessment; people as the unit of the 95% "
        "intervals. A positive last column means self-reports run ahead.",
    )
    for group in analysis.groups:
        if group not in analysis.self_view and group not in analysis.other_view:
            continue
        both = analysis.self_minus_other.get(group)
        both_hidden = ("both", group) in hidden
        table.rows.append(
            [
                g[group],
                _interval(analysis.self_view.get(group), ("self", group) in hidden),
                _interval(analysis.other_view.get(group), ("other", group) in hidden),
                _interval(both, both_hidden),
                _count(both.goals if both else 0, both_hidden),
            ]
        )
    tables[table.name] = table
    table.show_sizes = True  # each view has its own people
    return tables
