"""The dashboard pages' figures: the engagement dashboard (HR, program and team), the reminder
figures and the comparison of approaches, each built from its sections and served from
`dashboards.cache` while the figures have not changed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from mentorship.dashboards import privacy, queries
from mentorship.dashboards.cache import cached
from mentorship.dashboards.privacy import Figure
from mentorship.dashboards.scope import Scope
from mentorship.dashboards.sections import enrollment, feedback, growth, pairs
from mentorship.dashboards.tables import Dashboard, Table, Viewer, ratio
from mentorship.participants.orgtree import OrgTree
from mentorship.programs.models import ProgramKind

KINDS = list(ProgramKind)


# Which parts of the engagement dashboard each table needs, so a CSV export builds only its own.
ENROLLMENT_TABLES = {"enrollment_by_role", "enrollment_by_unit", "enrollment_by_level"}
PAIR_TABLES = {"pairs_by_state", "end_reasons", "sessions_by_month"}
GROWTH_TABLES = {"growth_by_category", "growth_by_skill"}
# The groupings the engagement page shows skill growth in: per skill, per category, overall.
GROWTH_SETS = [["skill_id", "skill__name", "skill__category"], ["skill__category"], []]


def engagement(
    scope: Scope,
    tree: OrgTree,
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


def atom_dashboards(
    atoms: Sequence[Scope], tree: OrgTree, *, only: str | None, reminder_atoms: Sequence[Scope] = ()
) -> tuple[list[Dashboard], list[Dashboard]]:
    """The engagement dashboards of a manager's atoms (see disclosure) and the reminder figures of
    `reminder_atoms` (groups of people, every program): each query runs once for all of them, its
    rows grouped by atom (`Scope.atoms`), instead of once per atom. Served from `dashboards.cache`."""
    return cached(
        "atoms",
        (tuple(atoms), tuple(reminder_atoms), only),
        lambda: _atom_dashboards(atoms, tree, only, reminder_atoms),
    )


def _atom_dashboards(
    atoms: Sequence[Scope], tree: OrgTree, only: str | None, reminder_atoms: Sequence[Scope]
) -> tuple[list[Dashboard], list[Dashboard]]:
    every = [*atoms, *reminder_atoms]
    if not every:
        return [], []
    people = list(dict.fromkeys(atom.team_people or frozenset() for atom in every))
    # Programs are split into atoms in every atom of a view, or in none (each is None).
    programs = list(dict.fromkeys(atom.programs for atom in atoms if atom.programs is not None))
    together = replace(
        every[0],
        team_people=frozenset().union(*people),
        programs=frozenset().union(*programs) if programs else None,
        atoms=(tuple(people), tuple(programs) if programs else None),
    )

    def atom_key(atom: Scope) -> queries.Atom:
        group = people.index(atom.team_people or frozenset())
        return group, programs.index(atom.programs) if atom.programs is not None else 0

    source = AtomRows(together, atom_key)
    dashboards = [
        _engagement(atom, tree, at_risk_list=False, reminders=True, only=only, disclosure=None, rows=source)
        for atom in atoms
    ]
    reminders = [Dashboard(*feedback.reminders(source.reminders(atom), Viewer(atom))) for atom in reminder_atoms]
    return dashboards, reminders


class Rows:
    """Where a dashboard's rows come from: its own queries, run for its scope."""

    def pairs(self, scope: Scope, *, names: bool) -> list[dict[str, Any]]:
        return queries.pair_rows(scope, names=names)

    def enrollments(self, scope: Scope) -> list[dict[str, Any]]:
        return queries.enrollment_rows(scope)

    def months(self, scope: Scope, pair_ids: list[int]) -> list[dict[str, Any]]:
        return queries.session_months(scope, pair_ids)

    def ratings(self, scope: Scope) -> dict[str, Any]:
        return queries.rating_rows(scope, people=scope.protect)[0]

    def reminders(self, scope: Scope) -> dict[str, Any]:
        return queries.reminder_rows(scope)

    def check_ins(self, scope: Scope) -> dict[str, Any]:
        return queries.check_in_rows(scope)[0]

    def growth(self, scope: Scope) -> list[list[dict[str, Any]]]:
        return queries.growth(scope, GROWTH_SETS)


class AtomRows(Rows):
    """The rows of many atoms: each query runs once, on the first atom that asks, for `together`
    (the atoms' union, reading them together), and each atom takes its own rows (`atom_key`)."""

    def __init__(self, together: Scope, atom_key: Callable[[Scope], queries.Atom]) -> None:
        self.together = together
        self.atom_key = atom_key
        self.read: dict[str, Any] = {}

    def _split(self, name: str, read: Callable[[], list[dict[str, Any]]]) -> dict[queries.Atom, list[dict[str, Any]]]:
        if name not in self.read:
            self.read[name] = queries.by_atom(read())
        return self.read[name]  # type: ignore[no-any-return]  # stored just above

    def _of(self, name: str, scope: Scope, read: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        return self._split(name, read).get(self.atom_key(scope), [])

    def _pairs(self) -> dict[queries.Atom, list[dict[str, Any]]]:
        return self._split("pairs", lambda: queries.pair_rows(self.together))

    def pairs(self, scope: Scope, *, names: bool) -> list[dict[str, Any]]:
        return self._pairs().get(self.atom_key(scope), [])

    def enrollments(self, scope: Scope) -> list[dict[str, Any]]:
        return self._of("enrollments", scope, lambda: queries.enrollment_rows(self.together))

    def months(self, scope: Scope, pair_ids: list[int]) -> list[dict[str, Any]]:
        every_pair = [row["id"] for rows in self._pairs().values() for row in rows]
        grouped = self._of("months", scope, lambda: queries.session_month_rows(self.together, every_pair))
        return queries.month_series(scope, grouped)

    def ratings(self, scope: Scope) -> dict[str, Any]:
        return self._of("ratings", scope, lambda: queries.rating_rows(self.together))[0]

    def reminders(self, scope: Scope) -> dict[str, Any]:
        if "reminders" not in self.read:
            by_action, overall = queries.reminder_groups(self.together)
            self.read["reminders"] = {"by_action": queries.by_atom(by_action), "overall": queries.by_atom(overall)}
        people = (self.atom_key(scope)[0], 0)  # reminders belong to people, not programs
        groups = self.read["reminders"]
        return queries.reminder_summary(groups["by_action"].get(people, []), groups["overall"].get(people, []))

    def check_ins(self, scope: Scope) -> dict[str, Any]:
        return self._of("check_ins", scope, lambda: queries.check_in_rows(self.together))[0]

    def growth(self, scope: Scope) -> list[list[dict[str, Any]]]:
        if "growth" not in self.read:
            self.read["growth"] = [queries.by_atom(rows) for rows in queries.growth(self.together, GROWTH_SETS)]
        return [split.get(self.atom_key(scope), []) for split in self.read["growth"]]


def _engagement(
    scope: Scope,
    tree: OrgTree,
    *,
    at_risk_list: bool,
    reminders: bool,
    only: str | None,
    disclosure: privacy.Disclosure | None,
    rows: Rows | None = None,
) -> Dashboard:
    source = rows or Rows()
    p = Viewer(scope, disclosure)
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
    pair_rows = source.pairs(scope, names=at_risk_list and wanted({"at_risk"})) if needs_pairs else []
    if wanted(ENROLLMENT_TABLES):
        part_headline, part_tables = enrollment.enrollment(scope, tree, source.enrollments(scope), p)
        headline += part_headline
        tables |= part_tables

    if wanted(PAIR_TABLES | {"rating_distribution"}):
        stats = queries.pair_stats(scope, pair_rows).get("", stats)
    if wanted(PAIR_TABLES):
        months = source.months(scope, [row["id"] for row in pair_rows])
        part_headline, part_tables = pairs.pairs(scope, stats, months, p)
        headline += part_headline
        tables |= part_tables

    if wanted({"rating_distribution"}):
        part_headline, part_tables = feedback.ratings(stats, source.ratings(scope), p)
        headline += part_headline
        tables |= part_tables
    # Reminders belong to people, not programs, so they are measured across programs only.
    if wants_reminders:
        part_headline, part_tables = feedback.reminders(source.reminders(scope), p)
        headline += part_headline
        tables |= part_tables
    if only is None:
        headline += feedback.check_ins(source.check_ins(scope), p)

    if wanted(GROWTH_TABLES):
        by_skill, by_category, overall = source.growth(scope)
        part_headline, part_tables = growth.growth(by_skill, by_category, overall, p)
        headline += part_headline
        tables |= part_tables

    # Agreement follows the figures' own privacy, which a CSV export (one table, no headline
    # atoms) computes exactly as the page does, so the page and its CSV stay the same.
    pairs.agree_with_headline({label for label, figure, _ in headline if figure.hidden}, tables)
    p.headline(headline)
    if only is not None:
        headline = []
        tables = {name: table for name, table in tables.items() if name == only}
    dashboard = Dashboard(headline, tables)
    if at_risk_list and wanted({"at_risk"}):
        flagged = sorted(
            (row for row in pair_rows if row["status"] == "active" and row["at_risk_since"] is not None),
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
    return cached(
        "reminders", (scope,), lambda: Dashboard(*feedback.reminders(queries.reminder_rows(scope), Viewer(scope)))
    )


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
            ratio(_get(ratings, k, "score_sum"), _get(ratings, k, "ratings")), len(kind_stats[k].people), "num"
        ),
    )
    row("Ratings given", lambda k: fig(_get(ratings, k, "ratings"), len(kind_stats[k].people), "int"))
    row("Completion rate", lambda k: fig(kind_stats[k].completion_rate, len(kind_stats[k].people), "pct"))
    row(
        "Would recommend",
        lambda k: fig(
            ratio(_get(check_ins, k, "recommend"), _get(check_ins, k, "check_ins")),
            _get(check_ins, k, "people"),
            "pct",
        ),
    )
    row(
        "Relationship rating",
        lambda k: fig(
            ratio(_get(check_ins, k, "relationship_sum"), _get(check_ins, k, "check_ins")),
            _get(check_ins, k, "people"),
            "num",
        ),
    )
    return Dashboard([], {table.name: table})


def _get(rows: dict[Any, dict[str, Any]], key: Any, column: str) -> int:
    return (rows.get(key) or {}).get(column) or 0
