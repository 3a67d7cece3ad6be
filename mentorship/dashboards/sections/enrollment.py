"""Enrollments: by role, by org unit, by career level; match rate and time to match."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from mentorship.dashboards import charts, queries
from mentorship.dashboards.scope import Scope
from mentorship.dashboards.tables import Table, Viewer, cells, ratio
from mentorship.dashboards.units import rollup_unit, unit_row_label
from mentorship.participants.models import CareerLevel
from mentorship.participants.orgtree import OrgTree
from mentorship.programs.models import EnrollmentRole


def enrollment(scope: Scope, tree: OrgTree, rows: list[dict[str, Any]], p: Viewer) -> tuple[list[Any], dict[str, Any]]:
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
        unit = rollup_unit(tree, row["participant__org_unit_id"], focus)
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
                *cells(
                    [
                        (data["enrollments"], "int"),
                        (data["people"], "int"),
                        (data["matched"] if learner else None, "int"),
                        (ratio(data["matched"], data["learners"]) if learner else None, "pct"),
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
    labels = [unit_row_label(tree, unit, focus) for unit in units]
    hidden = p.rows(
        [unit_people[u] for u in units], [unit_complement[u] for u in units], table="enrollment_by_unit", labels=labels
    )
    table = Table("enrollment_by_unit", "Enrollments by org unit", ["Org unit", "Enrollments", "People"])
    for unit, label, is_hidden in zip(units, labels, hidden, strict=True):
        table.rows.append(
            [label, *cells([(by_unit[unit], "int"), (unit_people[unit], "int")], unit_people[unit], is_hidden)]
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
            [label, *cells([(by_level[level], "int"), (level_people[level], "int")], level_people[level], is_hidden)]
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
            p.figure(ratio(totals["matched"], totals["learners"]), learners_people, complement=complement, fmt="pct"),
            "Learners (mentees, and people who both teach and learn) who are in a mentorship.",
        ),
        (
            "Time to match",
            p.figure(
                _days(ratio(totals["wait"], totals["matched"])),
                matched_people,
                complement=complement,
                fmt="days",
            ),
            "Average time from enrolling to the mentorship starting.",
        ),
    ]
    return headline, tables


def _days(seconds: float | None) -> float | None:
    """Seconds as days; nothing (None) and zero stay as they are."""
    return seconds and seconds / 86400
