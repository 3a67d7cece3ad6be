"""Turn query results into what a dashboard shows: headline figures, tables and their charts.

Privacy is applied here, once, for the page and its CSV alike: for a protected viewer (a manager)
every figure and table cell goes through `privacy`, so a number that is hidden on the page is
hidden in the export too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from mentorship.dashboards import charts, privacy, queries
from mentorship.dashboards.cache import cached
from mentorship.dashboards.privacy import Figure
from mentorship.dashboards.scope import Scope
from mentorship.mentorships.models import EndReason
from mentorship.participants.models import CareerLevel
from mentorship.participants.orgtree import OrgTree
from mentorship.programs.models import EnrollmentRole, ProgramKind
from skills.models import SkillCategory

STATE_LABELS = {
    "on_track": "Active, on track",
    "at_risk": "Active, at risk",
    "completed": "Completed",
    "ended_early": "Ended early",
}
KINDS = list(ProgramKind)
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


# Org units ----------------------------------------------------------------------------------------


class UnitTree:
    """The org tree from one query's rows (id, name, parent id): labels, sub-units, roll-ups."""

    def __init__(self, rows: Iterable[tuple[int, str, int | None]]) -> None:
        rows = list(rows)
        # Labels come from the one org tree, so a unit reads the same here, in the CSV and on
        # every other page ("Engineering / Data", below the organisation root).
        self.org = OrgTree(rows)
        self.names: dict[int, str] = {}
        self.parents: dict[int, int | None] = {}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for pk, name, parent in rows:
            self.names[pk], self.parents[pk] = name, parent
        for pk, parent in self.parents.items():
            self.children[parent if parent in self.names else None].append(pk)

    def label(self, pk: int) -> str:
        return self.org.label(pk)

    def choices(self) -> list[tuple[int, str]]:
        return sorted(((pk, self.label(pk)) for pk in self.names), key=lambda item: item[1].lower())

    def with_descendants(self, pk: int) -> frozenset[int]:
        found, stack = set(), [pk]
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.add(current)
            stack.extend(self.children.get(current, ()))
        return frozenset(found)

    def row_label(self, pk: int | None, focus: int | None) -> str:
        """How a breakdown by org unit names the row of `pk` (a `display_unit`)."""
        return "No unit" if pk is None else self.label(pk) + (" (direct)" if pk == focus else "")

    def display_unit(self, pk: int | None, focus: int | None) -> int | None:
        """The unit a person's unit rolls up to: a child of the focus unit (the focus itself for
        its direct members), or a department (a child of the top unit) without a focus."""
        if pk is None or pk not in self.names:
            return None
        path: list[int] = []
        current: int | None = pk
        while current is not None and current in self.names and current not in path:
            path.append(current)
            current = self.parents[current]
        path.reverse()  # root first
        if focus is not None:
            if focus not in path:
                return None
            index = path.index(focus)
            return path[index + 1] if index + 1 < len(path) else focus
        return path[1] if len(path) > 1 else path[0]


# Tables -------------------------------------------------------------------------------------------


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


class _Privacy:
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


def _weakest(*groups: int) -> int:
    """The people behind a figure drawn from several groups: the smallest that is not empty, so
    that the figure is hidden when any of them is small."""
    return min((people for people in groups if people), default=0)


def _ratio(part: float | None, whole: float | None) -> float | None:
    return part / whole if part is not None and whole else None


def _cells(values: Sequence[tuple[Any, str]], people: int, hidden: bool) -> list[Figure]:
    return [Figure(None if hidden else value, people, hidden, fmt) for value, fmt in values]


# Enrollment ---------------------------------------------------------------------------------------


def _enrollment(scope: Scope, tree: UnitTree, rows: list[dict[str, Any]], p: _Privacy) -> tuple[list, dict]:
    by_role: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    # Per (unit, level): the most people any one role has there, a lower bound on the people there.
    cell_people: dict[tuple[Any, Any], int] = defaultdict(int)
    cell_complement: dict[tuple[Any, Any], int] = defaultdict(int)
    cell_learners: dict[tuple[Any, Any], int] = defaultdict(int)
    cell_matched: dict[tuple[Any, Any], int] = defaultdict(int)
    by_unit: dict[Any, int] = defaultdict(int)
    by_level: dict[Any, int] = defaultdict(int)
    focus = scope.units_focus
    totals: dict[str, Any] = defaultdict(int)
    for row in rows:
        role = row["role"]
        for key in ("enrollments", "people", "learners", "matched"):
            by_role[role][key] += row[key]
            totals[key] += row[key]
        by_role[role]["complement"] += row.get("complement", 0)
        if row["wait"] is not None:
            totals["wait"] += row["wait"].total_seconds()
        unit = tree.display_unit(row["participant__org_unit_id"], focus)
        cell = (unit, row["participant__career_level"])
        cell_people[cell] = max(cell_people[cell], row["people"])
        cell_complement[cell] = max(cell_complement[cell], row.get("complement", 0))
        if role in queries.LEARNER_ROLES:
            cell_learners[cell] = max(cell_learners[cell], row["people"])
            cell_matched[cell] = max(cell_matched[cell], row["matched_people"])
        by_unit[unit] += row["enrollments"]
        by_level[row["participant__career_level"]] += row["enrollments"]
    people = sum(cell_people.values())
    complement = sum(cell_complement.values())
    learners_people = sum(cell_learners.values())
    matched_people = sum(cell_matched.values())

    tables: dict[str, Table] = {}
    roles = [r for r in EnrollmentRole if by_role[r.value]["enrollments"]]
    hidden = p.rows(
        [by_role[r.value]["people"] for r in roles],
        [by_role[r.value]["complement"] for r in roles],
        table="enrollment_by_role",
        labels=[r.label for r in roles],
    )
    table = Table(
        "enrollment_by_role",
        "Enrollments by role",
        ["Role", "Enrollments", "People", "Learners matched", "Match rate"],
    )
    for role, is_hidden in zip(roles, hidden, strict=True):
        data = by_role[role.value]
        learner = role.value in queries.LEARNER_ROLES
        table.rows.append(
            [
                role.label,
                *_cells(
                    [
                        (data["enrollments"], "int"),
                        (data["people"], "int"),
                        (data["matched"] if learner else None, "int"),
                        (_ratio(data["matched"], data["learners"]) if learner else None, "pct"),
                    ],
                    data["people"],
                    is_hidden,
                ),
            ]
        )
    table.chart = charts.bar_chart(
        "Enrollments by role",
        "One bar per role: the number of enrollments.",
        [r[0] for r in table.rows],
        [r[1] for r in table.rows],
    )
    tables[table.name] = table

    unit_people: dict[Any, int] = defaultdict(int)
    unit_complement: dict[Any, int] = defaultdict(int)
    level_people: dict[Any, int] = defaultdict(int)
    level_complement: dict[Any, int] = defaultdict(int)
    for (unit, level), count in cell_people.items():
        unit_people[unit] += count
        level_people[level] += count
        unit_complement[unit] += cell_complement[(unit, level)]
        level_complement[level] += cell_complement[(unit, level)]
    units = sorted(by_unit, key=lambda u: (u is None, tree.label(u) if u else ""))
    labels = [tree.row_label(unit, focus) for unit in units]
    hidden = p.rows(
        [unit_people[u] for u in units], [unit_complement[u] for u in units], table="enrollment_by_unit", labels=labels
    )
    table = Table("enrollment_by_unit", "Enrollments by org unit", ["Org unit", "Enrollments", "People"])
    for unit, label, is_hidden in zip(units, labels, hidden, strict=True):
        table.rows.append(
            [label, *_cells([(by_unit[unit], "int"), (unit_people[unit], "int")], unit_people[unit], is_hidden)]
        )
    table.chart = charts.bar_chart(
        "Enrollments by org unit",
        "One bar per org unit: the number of enrollments.",
        [r[0].split(" / ")[-1] for r in table.rows],
        [r[1] for r in table.rows],
    )
    tables[table.name] = table

    levels = sorted(by_level, key=lambda lv: (lv is None, lv or 0))
    labels = [CareerLevel(level).label if level else "Not set" for level in levels]
    hidden = p.rows(
        [level_people[lv] for lv in levels],
        [level_complement[lv] for lv in levels],
        table="enrollment_by_level",
        labels=labels,
    )
    table = Table("enrollment_by_level", "Enrollments by career level", ["Career level", "Enrollments", "People"])
    for level, label, is_hidden in zip(levels, labels, hidden, strict=True):
        table.rows.append(
            [label, *_cells([(by_level[level], "int"), (level_people[level], "int")], level_people[level], is_hidden)]
        )
    tables[table.name] = table

    headline = [
        (
            "Enrollments",
            p.figure(totals["enrollments"], people, complement=complement),
            "People enrolled in the chosen programs, one per program.",
        ),
        (
            "Match rate",
            p.figure(_ratio(totals["matched"], totals["learners"]), learners_people, complement=complement, fmt="pct"),
            "Learners (mentees, and people who both teach and learn) who are in a mentorship.",
        ),
        (
            "Time to match",
            p.figure(
                _ratio(totals["wait"], totals["matched"]) and _ratio(totals["wait"], totals["matched"]) / 86400,
                matched_people,
                complement=complement,
                fmt="days",
            ),
            "Average time from enrolling to the mentorship starting.",
        ),
    ]
    return headline, tables


# Pairs and sessions -------------------------------------------------------------------------------


def _pairs_by_state_chart(table: Table) -> SafeString:
    return charts.bar_chart(
        "Pairs by state",
        "Active pairs on track and at risk, completed pairs and pairs that ended early.",
        [r[0] for r in table.rows],
        [r[1] for r in table.rows],
    )


# A headline figure hidden for privacy hides the rows of its table that make it up: "Active pairs:
# Hidden" beside a chart of 0 on track and 0 at risk would contradict it (and give it away).
HEADLINE_ROWS = {
    "Active pairs": ("pairs_by_state", (STATE_LABELS["on_track"], STATE_LABELS["at_risk"])),
    "At risk": ("pairs_by_state", (STATE_LABELS["at_risk"],)),
}
REDRAW = {"pairs_by_state": _pairs_by_state_chart}


def _agree_with_headline(hidden: set[str], tables: dict[str, Table]) -> None:
    """Hide the rows behind each hidden headline figure (by its label), and redraw their chart."""
    for label in hidden & HEADLINE_ROWS.keys():
        name, row_labels = HEADLINE_ROWS[label]
        table = tables.get(name)
        if table is None:
            continue
        for row in table.rows:
            if row[0] in row_labels:
                row[1:] = [Figure(None, cell.people, True, cell.fmt) for cell in row[1:]]
        table.chart = REDRAW[name](table)


def _pairs(scope: Scope, stats: queries.PairStats, months: list[dict[str, Any]], p: _Privacy) -> tuple[list, dict]:
    tables: dict[str, Table] = {}
    states = list(STATE_LABELS)
    people = [len(stats.state_people[s]) for s in states]
    complements = [len(stats.state_complement[s]) for s in states]
    hidden = p.rows(people, complements, table="pairs_by_state", labels=[STATE_LABELS[s] for s in states])
    table = Table("pairs_by_state", "Pairs by state", ["State", "Pairs", "People"])
    for state, count, is_hidden, comp in zip(states, people, hidden, complements, strict=True):
        del comp
        table.rows.append(
            [STATE_LABELS[state], *_cells([(stats.states[state], "int"), (count, "int")], count, is_hidden)]
        )
    table.chart = _pairs_by_state_chart(table)
    tables[table.name] = table

    reasons = [r for r in EndReason if stats.end_reasons[r.value]]
    reason_people = [len(stats.end_reason_people[r.value]) for r in reasons]
    # People's reasons for ending are treated as themes: shown only from twice the threshold.
    hidden = p.rows(
        reason_people, minimum=privacy.themes_threshold(), table="end_reasons", labels=[r.label for r in reasons]
    )
    table = Table("end_reasons", "Why pairs ended early", ["Reason", "Pairs"])
    for reason, count, is_hidden in zip(reasons, reason_people, hidden, strict=True):
        table.rows.append([reason.label, *_cells([(stats.end_reasons[reason.value], "int")], count, is_hidden)])
    tables[table.name] = table

    # A month stands for the people in its sessions and in the pairs active then (a month
    # without sessions still shows how many pairs were active).
    for month in months:
        month["people"] = max(month["people"], len(stats.active_people_by_month.get(month["month"], ())))
    labels = [m["month"].strftime("%b %Y") for m in months]
    month_hidden = p.rows(
        [m["people"] for m in months], [m["complement"] for m in months], table="sessions_by_month", labels=labels
    )
    table = Table(
        "sessions_by_month",
        "Sessions per month",
        ["Month", "Sessions", "Active pairs", "Sessions per active pair"],
    )
    for month, label, is_hidden in zip(months, labels, month_hidden, strict=True):
        active = stats.active_by_month.get(month["month"], 0)
        table.rows.append(
            [
                label,
                *_cells(
                    [(month["sessions"], "int"), (active, "int"), (_ratio(month["sessions"], active), "num")],
                    month["people"],
                    is_hidden,
                ),
            ]
        )
    table.chart = charts.line_chart(
        "Sessions per month",
        "Sessions held each month and pairs active that month.",
        [r[0].split(" ")[0] for r in table.rows],
        [("Sessions", [r[1] for r in table.rows]), ("Active pairs", [r[2] for r in table.rows])],
        empty="No sessions in this period.",
    )
    tables[table.name] = table

    pair_people = len(stats.people)
    complement = len(stats.complement)
    active_people = len(stats.state_people["on_track"] | stats.state_people["at_risk"])
    ended_people = len(stats.state_people["completed"] | stats.state_people["ended_early"])
    headline = [
        (
            "Active pairs",
            p.figure(stats.active, active_people, complement=complement),
            "Pairs meeting now, on track or at risk.",
        ),
        (
            "At risk",
            p.figure(stats.at_risk, len(stats.state_people["at_risk"]), complement=complement),
            "Active pairs the feedback sweep flagged: missed cycles or low ratings.",
        ),
        (
            "Completion rate",
            p.figure(stats.completion_rate, ended_people, complement=complement, fmt="pct"),
            "Of the pairs that ended, the share that completed rather than ending early.",
        ),
        (
            "Sessions per pair per month",
            p.figure(stats.sessions_per_pair_month, pair_people, complement=complement, fmt="num"),
            "Sessions held divided by the months pairs were active in the chosen dates.",
        ),
        (
            "Pairs meeting their cadence",
            p.figure(stats.cadence_share, len(stats.cadence_people), complement=complement, fmt="pct"),
            "Pairs that held at least one session per agreed cadence (pairs younger than one cycle are not counted).",
        ),
    ]
    return headline, tables


# Ratings, check-ins, reminders ----------------------------------------------------------------------


def _ratings(stats: queries.PairStats, ratings: dict[str, Any], p: _Privacy) -> tuple[list, dict]:
    count = ratings["ratings"] or 0
    people = ratings.get("people") or 0
    complement = ratings.get("complement", 0) or 0
    figure_hidden = p.protect and not privacy.visible(people, complement=complement)
    labels = [f"{score} of 5" for score in range(1, 6)]
    table = Table("rating_distribution", "Session ratings by score", ["Score", "Ratings", "Share"])
    for score, label, disclosed in zip(range(1, 6), labels, p.disclosed("rating_distribution", labels), strict=True):
        n = ratings[f"score_{score}"] or 0
        cells = _cells([(n, "int"), (_ratio(n, count), "pct")], people, figure_hidden or disclosed)
        table.rows.append([label, *cells])
    table.chart = charts.bar_chart(
        "Session ratings by score",
        "How many ratings gave each score from 1 to 5.",
        [r[0] for r in table.rows],
        [r[1] for r in table.rows],
    )
    headline = [
        (
            "Average session rating",
            p.figure(_ratio(ratings["score_sum"], count), people, complement=complement, fmt="num"),
            "Out of 5, over every rating given in the chosen dates.",
        ),
        (
            "Rating response rate",
            # About the raters and about the pairs whose sessions asked for ratings.
            p.figure(
                _ratio(count, stats.expected_ratings),
                _weakest(people, len(stats.session_people)),
                complement=complement,
                fmt="pct",
            ),
            "Ratings given divided by the ratings asked for (each session, by each of its two people).",
        ),
    ]
    return headline, {table.name: table}


def _check_ins(rows: dict[str, Any], p: _Privacy) -> list:
    people = rows["people"] or 0
    complement = rows.get("complement", 0) or 0
    count = rows["check_ins"] or 0
    return [
        (
            "Relationship rating",
            p.figure(_ratio(rows["relationship_sum"], count), people, complement=complement, fmt="num"),
            "Out of 5, from midpoint and final check-ins.",
        ),
        (
            "Would recommend",
            p.figure(_ratio(rows["recommend"], count), people, complement=complement, fmt="pct"),
            "Check-ins that would recommend the program to a colleague.",
        ),
    ]


def _reminders(rows: dict[str, Any], p: _Privacy) -> tuple[list, dict]:
    table = Table(
        "reminders",
        "Reminders answered within 7 days",
        ["Reminder and the action that answers it", "Sent", "Answered", "Response rate"],
        note="Reminders younger than 7 days are not counted yet. Alerts and digests for HR are not reminders.",
    )
    actions = [a for a in queries.REMINDER_ACTIONS if rows[f"{a}_sent"]]
    hidden = p.rows(
        [rows[f"{a}_people"] for a in actions],
        [rows.get("complement", 0)] * len(actions),
        table="reminders",
        labels=[queries.REMINDER_LABELS[a] for a in actions],
    )
    sent = answered = 0
    for action, is_hidden in zip(actions, hidden, strict=True):
        s, a = rows[f"{action}_sent"], rows[f"{action}_answered"]
        sent, answered = sent + s, answered + a
        table.rows.append(
            [
                queries.REMINDER_LABELS[action],
                *_cells([(s, "int"), (a, "int"), (_ratio(a, s), "pct")], rows[f"{action}_people"], is_hidden),
            ]
        )
    headline = [
        (
            "Reminder response rate",
            p.figure(_ratio(answered, sent), rows["people"], complement=rows.get("complement", 0), fmt="pct"),
            "Reminders followed by the asked action within 7 days.",
        )
    ]
    return headline, {table.name: table}


# Skill growth --------------------------------------------------------------------------------------


def _growth(
    rows: list[dict[str, Any]], category_rows: list[dict[str, Any]], overall: list[dict[str, Any]], p: _Privacy
) -> tuple[list, dict]:
    tables: dict[str, Table] = {}
    by_category = {row["skill__category"]: row for row in category_rows if row["goals"]}
    skills_in: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["goals"]:
            skills_in[row["skill__category"]].append(row)
    categories = [c for c in SkillCategory if c.value in by_category]
    hidden = p.rows(
        [by_category[c]["people"] for c in categories],
        [by_category[c]["complement"] for c in categories],
        table="growth_by_category",
        labels=[c.label for c in categories],
    )
    table = Table(
        "growth_by_category",
        "Skill growth by category",
        ["Category", "Learners", "Goals measured", "Average growth (levels)", "Goals improved", "Reached target"],
    )
    for category, is_hidden in zip(categories, hidden, strict=True):
        data = by_category[category.value]
        table.rows.append(
            [
                category.label,
                *_cells(
                    [
                        (data["people"], "int"),
                        (data["goals"], "int"),
                        (_ratio(data["growth_sum"], data["goals"]), "signed"),
                        (_ratio(data["improved"], data["goals"]), "pct"),
                        (_ratio(data["reached"], data["goals"]), "pct"),
                    ],
                    data["people"],
                    is_hidden,
                ),
            ]
        )
    table.chart = charts.bar_chart(
        "Average skill growth by category",
        "Levels gained on goal skills from the start of the mentorship to the latest assessment.",
        [r[0] for r in table.rows],
        [r[3] for r in table.rows],
    )
    tables[table.name] = table

    table = Table(
        "growth_by_skill",
        "Skill growth by skill",
        ["Skill", "Category", "Learners", "Goals measured", "Average growth (levels)", "Reached target"],
    )
    for category in categories:
        skill_rows = sorted(skills_in[category.value], key=lambda r: r["skill__name"].lower())
        # Within a category, so "category minus its visible skills" reveals no small group.
        hidden = p.rows(
            [r["people"] for r in skill_rows],
            [r["complement"] for r in skill_rows],
            table="growth_by_skill",
            labels=[r["skill__name"] for r in skill_rows],
        )
        for row, is_hidden in zip(skill_rows, hidden, strict=True):
            table.rows.append(
                [
                    row["skill__name"],
                    category.label,
                    *_cells(
                        [
                            (row["people"], "int"),
                            (row["goals"], "int"),
                            (_ratio(row["growth_sum"], row["goals"]), "signed"),
                            (_ratio(row["reached"], row["goals"]), "pct"),
                        ],
                        row["people"],
                        is_hidden,
                    ),
                ]
            )
    top = sorted(table.rows, key=lambda r: -(r[2].value or 0))[:15]
    table.chart = charts.bar_chart(
        "Average growth on the most-learned skills",
        "Levels gained per goal, for the skills with the most learners.",
        [r[0] for r in top],
        [r[4] for r in top],
    )
    tables[table.name] = table

    total = overall[0] if overall else {"goals": 0, "growth_sum": 0, "people": 0, "complement": 0}
    headline = [
        (
            "Average skill growth",
            p.figure(
                _ratio(total["growth_sum"], total["goals"]),
                total["people"],
                complement=total["complement"],
                fmt="signed",
            ),
            "Levels gained per goal skill, from the start assessment to the latest.",
        )
    ]
    return headline, tables


# Pages ---------------------------------------------------------------------------------------------


# Which parts of the engagement dashboard each table needs, so a CSV export builds only its own.
ENROLLMENT_TABLES = {"enrollment_by_role", "enrollment_by_unit", "enrollment_by_level"}
PAIR_TABLES = {"pairs_by_state", "end_reasons", "sessions_by_month"}
GROWTH_TABLES = {"growth_by_category", "growth_by_skill"}
# The groupings the engagement page shows skill growth in: per skill, per category, overall.
GROWTH_SETS = [["skill_id", "skill__name", "skill__category"], ["skill__category"], []]


def engagement(
    scope: Scope,
    tree: UnitTree,
    *,
    at_risk_list: bool = False,
    reminders: bool = True,
    only: str | None = None,
    disclosure: privacy.Disclosure | None = None,
) -> Dashboard:
    """The HR, program and team dashboards: the same figures, protected for managers.

    `only`: the name of one table (a CSV export): just the queries that table needs run, and the
    dashboard holds that table alone (no headline). Its figures and privacy are the page's.
    `disclosure`: for a manager's view, what the atoms it is made of hide (see privacy).
    Served from `dashboards.cache` while the figures have not changed.
    """
    return cached(
        "engagement",
        (scope, at_risk_list, reminders, only, disclosure.cache_key() if disclosure else None),
        lambda: _engagement(
            scope, tree, at_risk_list=at_risk_list, reminders=reminders, only=only, disclosure=disclosure
        ),
    )


def _engagement(
    scope: Scope,
    tree: UnitTree,
    *,
    at_risk_list: bool,
    reminders: bool,
    only: str | None,
    disclosure: privacy.Disclosure | None,
) -> Dashboard:
    p = _Privacy(scope, disclosure)
    headline: list[tuple[str, Figure, str]] = []
    tables: dict[str, Table] = {}

    def wanted(names: set[str]) -> bool:
        return only is None or only in names

    needs_pairs = wanted(ENROLLMENT_TABLES | PAIR_TABLES | {"rating_distribution", "at_risk"})
    wants_reminders = (
        reminders and scope.program is None and scope.programs is None and not scope.kind and wanted({"reminders"})
    )
    # One query after another on the request's one connection: the dashboard's figures come from
    # a fixed handful of aggregate queries, and whole pages are cached (see `engagement`).
    stats = queries.PairStats()
    rows = queries.pair_rows(scope, names=at_risk_list and wanted({"at_risk"})) if needs_pairs else []
    if wanted(ENROLLMENT_TABLES):
        part_headline, part_tables = _enrollment(scope, tree, queries.enrollment_rows(scope), p)
        headline += part_headline
        tables |= part_tables

    if wanted(PAIR_TABLES | {"rating_distribution"}):
        stats = queries.pair_stats(scope, rows).get("", stats)
    if wanted(PAIR_TABLES):
        months = queries.session_months(scope, [row["id"] for row in rows])
        part_headline, part_tables = _pairs(scope, stats, months, p)
        headline += part_headline
        tables |= part_tables

    if wanted({"rating_distribution"}):
        part_headline, part_tables = _ratings(stats, queries.rating_rows(scope, people=scope.protect)[0], p)
        headline += part_headline
        tables |= part_tables
    # Reminders belong to people, not programs, so they are measured across programs only.
    if wants_reminders:
        part_headline, part_tables = _reminders(queries.reminder_rows(scope), p)
        headline += part_headline
        tables |= part_tables
    if only is None:
        headline += _check_ins(queries.check_in_rows(scope)[0], p)

    if wanted(GROWTH_TABLES):
        by_skill, by_category, overall = queries.growth(scope, GROWTH_SETS)
        part_headline, part_tables = _growth(by_skill, by_category, overall, p)
        headline += part_headline
        tables |= part_tables

    # Agreement follows the figures' own privacy, which a CSV export (one table, no headline
    # atoms) computes exactly as the page does, so the page and its CSV stay the same.
    _agree_with_headline({label for label, figure, _ in headline if figure.hidden}, tables)
    p.headline(headline)
    if only is not None:
        headline = []
        tables = {name: table for name, table in tables.items() if name == only}
    dashboard = Dashboard(headline, tables)
    if at_risk_list and wanted({"at_risk"}):
        flagged = sorted(
            (row for row in rows if row["status"] == "active" and row["at_risk_since"] is not None),
            key=lambda row: (row["at_risk_since"], row["id"]),
        )
        names = queries.people_names({row[f"{side}_id"] for row in flagged for side in ("mentor", "mentee")})
        for row in flagged:
            for side in ("mentor", "mentee"):
                first, last, email = names.get(row[f"{side}_id"], ("", "", ""))
                row |= {
                    f"{side}__user__first_name": first,
                    f"{side}__user__last_name": last,
                    f"{side}__user__email": email,
                }
        dashboard.at_risk_total = len(flagged)
        dashboard.at_risk = flagged
        table = Table("at_risk", "Pairs at risk", ["Program", "Mentor", "Mentee", "At risk since", "Reason"])
        for row in flagged:
            table.rows.append(
                [
                    row["program__name"],
                    _name(row, "mentor"),
                    _name(row, "mentee"),
                    row["at_risk_since"].date().isoformat(),
                    row["at_risk_reason"],
                ]
            )
        tables[table.name] = table
    return dashboard


def reminder_figures(scope: Scope) -> Dashboard:
    """Only the reminder figures (headline and table) of `scope`, unprotected by any disclosure:
    reminders belong to people, not programs, so a manager's atoms measure them per group of
    people (see disclosure.view_disclosure). Served from `dashboards.cache`, like `engagement`."""
    return cached("reminders", (scope,), lambda: Dashboard(*_reminders(queries.reminder_rows(scope), _Privacy(scope))))


def _name(row: dict[str, Any], who: str) -> str:
    name = f"{row[f'{who}__user__first_name']} {row[f'{who}__user__last_name']}".strip()
    return name or row[f"{who}__user__email"]


# Comparison of approaches ---------------------------------------------------------------------------


def comparison(scope: Scope, *, only: str | None = None) -> Dashboard:
    """Traditional, reverse, reciprocal and peer side by side on how pairs work: sessions,
    ratings, completion and recommendation, with the size of each group. Skill growth, with its
    intervals and baseline, is `evidence`'s.

    `only`: one table's name (a CSV export); another table's name runs none of these queries.
    Served from `dashboards.cache` while the figures have not changed."""
    if only not in (None, "approaches"):
        return Dashboard([], {})
    return cached("comparison", (scope,), lambda: _comparison(scope))


def _comparison(scope: Scope) -> Dashboard:
    kind = "mentorship__program__kind"
    rated_kind = "session__mentorship__program__kind"
    stats = queries.pair_stats(scope, queries.pair_rows(scope), by="program__kind")
    ratings = {r[rated_kind]: r for r in queries.rating_rows(scope, [rated_kind], people=False)}
    check_ins = {r[kind]: r for r in queries.check_in_rows(scope, [kind])}
    small = privacy.threshold()

    def fig(value: Any, people: int, fmt: str) -> Figure:
        return Figure(value, people, False, fmt)

    table = Table(
        "approaches",
        "Approaches side by side",
        ["Measure", *[kind.label for kind in KINDS]],
        note=f"Each figure shows its group size (n); groups under {small} people are marked: one pair can sway them.",
        show_sizes=True,  # approaches are compared on groups of different sizes
    )
    kind_stats = {kind.value: stats.get(kind.value, queries.PairStats()) for kind in KINDS}

    def row(label: str, make: Any) -> None:
        table.rows.append([label, *[make(kind.value) for kind in KINDS]])

    row("Pairs", lambda k: fig(kind_stats[k].pairs, len(kind_stats[k].people), "int"))
    row("People in pairs", lambda k: fig(len(kind_stats[k].people), len(kind_stats[k].people), "int"))
    row(
        "Sessions per pair per month",
        lambda k: fig(kind_stats[k].sessions_per_pair_month, len(kind_stats[k].people), "num"),
    )
    row("Pairs meeting their cadence", lambda k: fig(kind_stats[k].cadence_share, len(kind_stats[k].people), "pct"))
    row(
        "Average session rating",
        lambda k: fig(
            _ratio(_get(ratings, k, "score_sum"), _get(ratings, k, "ratings")), len(kind_stats[k].people), "num"
        ),
    )
    row("Ratings given", lambda k: fig(_get(ratings, k, "ratings"), len(kind_stats[k].people), "int"))
    row("Completion rate", lambda k: fig(kind_stats[k].completion_rate, len(kind_stats[k].people), "pct"))
    row(
        "Would recommend",
        lambda k: fig(
            _ratio(_get(check_ins, k, "recommend"), _get(check_ins, k, "check_ins")),
            _get(check_ins, k, "people"),
            "pct",
        ),
    )
    row(
        "Relationship rating",
        lambda k: fig(
            _ratio(_get(check_ins, k, "relationship_sum"), _get(check_ins, k, "check_ins")),
            _get(check_ins, k, "people"),
            "num",
        ),
    )
    return Dashboard([], {table.name: table})


def _get(rows: dict[Any, dict[str, Any]], key: Any, column: str) -> int:
    return (rows.get(key) or {}).get(column) or 0
