"""A manager's dashboards, protected across views: the filter values they are offered, and what
each view may show given the atoms it is made of. The rule itself is in `privacy`; this module
reads the data it needs and computes each atom's figures with the dashboards' own code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mentorship.dashboards import privacy, queries, reports
from mentorship.dashboards.privacy import AtomFigures, Disclosure, Figure, Offer
from mentorship.dashboards.scope import Scope, among
from mentorship.dashboards.tables import Dashboard
from mentorship.dashboards.units import rollup_unit, unit_row_label
from mentorship.mentorships.models import Mentorship
from mentorship.participants.orgtree import OrgTree
from mentorship.participants.reporting import ReportingLines
from mentorship.programs.models import Enrollment
from mentorship.workspace.models import Goal


def manager_offer(
    *,
    me: int,
    lines: ReportingLines,
    units_of: Mapping[int, int | None],
    tree: OrgTree,
    program_kinds: Mapping[int, str],
) -> Offer:
    """The filter values offered to the manager `me`, from who counts where in the measures the
    main figures stand on (three queries: enrollments, pairs, goals)."""
    subtree = frozenset(lines.below(me))
    measures: dict[str, dict[int, set[int]]] = {name: {} for name in ("enrolled", "learners", "in pairs", "goals")}

    def add(measure: str, person: int, program: int) -> None:
        if person in subtree:
            measures[measure].setdefault(person, set()).add(program)

    enrollments = Enrollment.objects.filter(among("participant", subtree), withdrawn_at=None).order_by()
    for person, program, role in enrollments.values_list("participant_id", "program_id", "role"):
        add("enrolled", person, program)
        if role in queries.LEARNER_ROLES:
            add("learners", person, program)
    pairs = Mentorship.objects.filter(among("mentor", subtree) | among("mentee", subtree)).order_by()
    for mentor, mentee, program in pairs.values_list("mentor_id", "mentee_id", "program_id"):
        add("in pairs", mentor, program)
        add("in pairs", mentee, program)
    goals = Goal.objects.filter(among("learner", subtree), skill__isnull=False).order_by()
    for person, program in goals.values_list("learner_id", "mentorship__program_id"):
        add("goals", person, program)
    teams = {lead: frozenset(lines.below(lead)) for lead in subtree if lines.below(lead)}
    units: dict[int, set[int]] = {}
    for person in subtree:
        unit = units_of.get(person)
        for ancestor in tree.ancestors(unit):
            units.setdefault(ancestor, set()).add(person)
    return privacy.offer(
        people=subtree,
        teams=teams,
        units={unit: frozenset(group) for unit, group in units.items()},
        measures={
            name: {person: frozenset(programs) for person, programs in by_person.items()}
            for name, by_person in measures.items()
        },
        program_kinds=program_kinds,
    )


def view_people(scope: Scope, tree: OrgTree, units_of: Mapping[int, int | None]) -> frozenset[int]:
    """The people a manager's view covers: their subtree (or a sub-team), in the chosen unit."""
    people = scope.team_people if scope.team_people is not None else scope.base_people or frozenset()
    if scope.units is not None:
        people = frozenset(person for person in people if units_of.get(person) in scope.units)
    return people


def view_programs(scope: Scope, program_kinds: Mapping[int, str]) -> frozenset[int] | None:
    """The programs a view covers (None: every program)."""
    if scope.program is None and not scope.kind:
        return None
    return frozenset(
        pk
        for pk, kind in program_kinds.items()
        if (scope.program is None or pk == scope.program) and (not scope.kind or kind == scope.kind)
    )


def view_disclosure(
    scope: Scope,
    offer: Offer,
    tree: OrgTree,
    *,
    units_of: Mapping[int, int | None],
    program_kinds: Mapping[int, str],
    only: str | None = None,
) -> Disclosure:
    """What the view `scope` may show: the figures of each atom it is made of, computed like the
    view's own (the same tables, unit roll-up and pair counting), are read for their people."""
    people = view_people(scope, tree, units_of)
    within = offer.atoms_within(people, view_programs(scope, program_kinds))

    def atom(group: frozenset[int], programs: frozenset[int] | None = None) -> Scope:
        return Scope(
            base_people=scope.base_people,
            team_people=group,
            units_focus=scope.units_focus,
            programs=programs,
            protect=True,
            rest=False,
            today=scope.today,
        )

    # Reminders belong to people, not programs: with programs split into atoms, they are
    # measured per group of people (a view with a program filter shows none).
    reminder_atoms = []
    if offer.program_atoms is not None and view_programs(scope, program_kinds) is None and only in (None, "reminders"):
        reminder_atoms = [atom(group) for group in dict.fromkeys(group for group, _ in within)]
    dashboards, reminders = reports.atom_dashboards(
        [atom(group, programs) for group, programs in within], tree, only=only, reminder_atoms=reminder_atoms
    )
    figures = [atom_figures(dashboard) for dashboard in [*dashboards, *reminders]]
    return Disclosure(figures, split_rows={"enrollment_by_unit": _split_units(within, tree, units_of, scope)})


def atom_figures(dashboard: Dashboard) -> AtomFigures:
    """The people behind each headline figure and each table row of one atom's dashboard."""
    figures = AtomFigures(headline={label: figure.people for label, figure, _ in dashboard.headline})
    for name, table in dashboard.tables.items():
        rows: dict[str, tuple[int, str]] = {}
        for row in table.rows:
            cells = [cell for cell in row[1:] if isinstance(cell, Figure)]
            group = _total_of(name, row)
            rows[str(row[0])] = (cells[0].people if cells else 0, group)
        figures.tables[name] = rows
    return figures


def _total_of(table: str, row: list[Any]) -> str:
    """The published total a row adds up to, within which hidden rows must stand for k people:
    skills within their category (the second column); active pairs (a headline figure) apart
    from ended ones; every other table's rows within the table."""
    if table == "growth_by_skill":
        return str(row[1])
    if table == "pairs_by_state":
        return "active" if str(row[0]).startswith("Active") else "ended"
    return ""


def _split_units(
    within: Iterable[tuple[frozenset[int], Any]], tree: OrgTree, units_of: Mapping[int, int | None], scope: Scope
) -> set[str]:
    """Org-unit rows that hold part of an atom: such a row would be a group no filter offers."""
    split: set[str] = set()
    for group in {group for group, _ in within}:
        labels = {unit_row_label(tree, rollup_unit(tree, units_of.get(person), scope.units_focus), scope.units_focus)
                  for person in group}  # fmt: skip
        if len(labels) > 1:
            split |= labels
    return split
