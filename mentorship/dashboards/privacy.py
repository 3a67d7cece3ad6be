"""Privacy rules for aggregate figures: nobody learns about a group smaller than the threshold.

Within one view. A figure drawn from fewer than `threshold()` people (k) is hidden. Hiding one cell
is not enough when the total is on the page too: total minus the visible cells would give the
hidden one back. So `suppress_rows` keeps hiding the next-smallest visible cell until the hidden
cells stand for at least k people (or everything is hidden). A filtered figure is also hidden
when the people it leaves out are a small group (`visible(..., complement=...)`).

Across every view a manager can request (the guarantee the README states): no set of views lets
them compute a figure about 1 to k-1 people. The filters a manager may combine (sub-teams, org
units, programs, kinds; not dates, where every day would be a boundary) split their records into
*atoms*: people who answer alike to "in this sub-team? in this unit?" crossed with programs that
answer alike to "this program? this kind?". Then:
1. `offer`: a filter value is offered only if, with it, every atom holds no one or at least k
   people in each of the main measures (enrolled, learners, in pairs, goal learners). Every view
   is a union of whole atoms, and so is the difference of two views.
2. `Disclosure`: a figure is shown only if, in every atom of the view, the people behind it are
   none or at least k; a breakdown row likewise, after each atom hides enough of its rows that
   its hidden rows stand for at least k people. An atom hides the same rows in every view.
So two shown figures differ by whole atoms, each about nobody or at least k people. (A pair
counts for one person of the subtree, `Scope.pair_chosen`, so it lies in one atom.)

Free-text themes (reasons people write in their own words) need twice the threshold.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

MINIMUM_THRESHOLD = 3


def threshold() -> int:
    """The smallest group a figure may describe; the setting can raise it, never lower it below 3."""
    return max(MINIMUM_THRESHOLD, int(getattr(settings, "PRIVACY_THRESHOLD", 5)))


def themes_threshold() -> int:
    return 2 * threshold()


def visible(people: int, *, complement: int = 0, minimum: int | None = None) -> bool:
    """True when a figure drawn from `people` may be shown.

    `complement` is how many people stand behind the rows a filter left out (unfiltered minus
    filtered): when they are a small group but not nobody, the filtered figure would reveal them.
    """
    minimum = threshold() if minimum is None else minimum
    if people < minimum:
        return False
    return complement == 0 or complement >= minimum


@dataclass
class Figure:
    """A number with the people it is drawn from; `hidden` when the privacy rules withhold it.

    `fmt`: "int", "num" (one decimal), "signed" (+0.4), "pct" (a share shown as 42%), "days".
    """

    value: float | int | None
    people: int = 0
    hidden: bool = False
    fmt: str = "int"

    def __str__(self) -> str:
        if self.hidden:
            return "hidden"
        if self.value is None:
            return "–"
        match self.fmt:
            case "pct":
                return f"{self.value * 100:.0f}%"
            case "num":
                return f"{self.value:.1f}"
            case "signed":
                return f"{self.value:+.1f}"
            case "days":
                return f"{self.value:.0f} days"
        return f"{self.value:,}" if isinstance(self.value, int) else f"{self.value:.1f}"

    @property
    def csv(self) -> str:
        """The plain value for a spreadsheet (no % sign, no separators)."""
        if self.hidden:
            return "hidden"
        if self.value is None:
            return ""
        if self.fmt == "pct":
            return f"{self.value * 100:.1f}"
        return f"{self.value:.2f}" if isinstance(self.value, float) else str(self.value)


def suppress_rows(
    people: Sequence[int],
    *,
    complements: Sequence[int] | None = None,
    minimum: int | None = None,
    disjoint: bool = True,
) -> list[bool]:
    """Which cells of a breakdown to hide, given the people behind each cell.

    A cell is hidden when its group is small (or its filter complement is). Then, while the hidden
    cells together stand for fewer people than the threshold, the smallest visible cell is hidden
    too, so that "total minus the visible cells" never describes a small group. Empty cells (no
    people) reveal nothing and are left alone. `disjoint=False`: one person may be in several
    cells (roles, states, months), so counts do not add up to people; hiding goes on until one
    hidden cell alone stands for the threshold.
    """
    minimum = threshold() if minimum is None else minimum
    complements = complements or [0] * len(people)
    hidden = [
        count > 0 and not visible(count, complement=complement, minimum=minimum)
        for count, complement in zip(people, complements, strict=True)
    ]
    while True:
        counts = [count for count, is_hidden in zip(people, hidden, strict=True) if is_hidden]
        hidden_people = sum(counts) if disjoint else max(counts, default=0)
        if sum(counts) == 0 or hidden_people >= minimum:
            break
        candidates = [
            (count, index)
            for index, (count, is_hidden) in enumerate(zip(people, hidden, strict=True))
            if not is_hidden and count > 0
        ]
        if not candidates:
            break
        hidden[min(candidates)[1]] = True
    return hidden


# Across views -----------------------------------------------------------------------------------

# Most filter values' atoms a manager's view may be made of: each is one more group in every
# figure's query and one more dashboard to build from the rows.
MAX_ATOMS = 8
# Breakdowns whose rows never share a person (one unit, one career level per person).
DISJOINT_TABLES = frozenset({"enrollment_by_unit", "enrollment_by_level"})
THEMES_TABLES = frozenset({"end_reasons"})


def atoms(universe: Iterable[int], generators: Iterable[frozenset[int]]) -> list[frozenset[int]]:
    """The classes of `universe` that answer alike to "in this generator?" for every generator:
    each generator splits the classes found so far in two (set operations, not a test per person
    and generator: a manager of 10,000 people is offered about a hundred values)."""
    classes = [frozenset(universe)]
    for generator in generators:
        classes = _split(classes, generator)
    return sorted((members for members in classes if members), key=min)


def _split(classes: list[frozenset[int]], generator: frozenset[int]) -> list[frozenset[int]]:
    """Each class cut in two by "in the generator?", unless it lies wholly on one side."""
    split = []
    for members in classes:
        inside = members & generator
        split += [inside, members - inside] if inside and len(inside) < len(members) else [members]
    return split


@dataclass(frozen=True)
class Offer:
    """The filter values a manager may choose, and the atoms they split the records into."""

    teams: frozenset[int]  # sub-team leads
    units: frozenset[int]
    programs: frozenset[int]
    kinds: frozenset[str]
    people_atoms: tuple[frozenset[int], ...]
    program_atoms: tuple[frozenset[int], ...] | None  # None: every program is one atom
    withheld: int = 0  # candidate values not offered

    def atoms_within(
        self, people: frozenset[int], programs: frozenset[int] | None
    ) -> list[tuple[frozenset[int], frozenset[int] | None]]:
        """The atoms a view with these people and programs (None: every program) is made of."""
        program_atoms: list[frozenset[int] | None] = (
            [None]
            if self.program_atoms is None
            else [g for g in self.program_atoms if programs is None or g <= programs]
        )
        return [(pa, ga) for pa in self.people_atoms if pa <= people for ga in program_atoms]


def offer(
    *,
    people: frozenset[int],
    teams: Mapping[int, frozenset[int]],
    units: Mapping[int, frozenset[int]],
    measures: Mapping[str, Mapping[int, frozenset[int]]],
    program_kinds: Mapping[int, str],
    minimum: int | None = None,
    max_atoms: int = MAX_ATOMS,
) -> Offer:
    """Offer each candidate value whose atoms, together with those of the values already offered,
    each hold, for every measure, no one or at least `minimum` people. `measures`: for each
    measure the main figures stand on ("enrolled", "learners", "in pairs", ...), person -> the
    programs in which they count. Enrolment decides which values are worth offering; the other
    measures keep the figures of the wider views (which each offered value splits) shown.

    Candidates go larger groups first, in two orders (people first: sub-teams and units, then
    programs and kinds; or programs first), and the order that offers more values wins: one split
    of the people can leave groups too small for any split of the programs, and the other way."""
    minimum = threshold() if minimum is None else minimum
    kinds: dict[str, frozenset[int]] = defaultdict(frozenset)
    for program, kind in program_kinds.items():
        kinds[kind] |= {program}
    counted: dict[str, dict[int, set[int]]] = {}
    for measure, joined_by in measures.items():
        counted[measure] = defaultdict(set)
        for person, joined in joined_by.items():
            if person in people:
                for program in joined:
                    counted[measure][program].add(person)
    program_people = counted.get("enrolled", {})
    by_people = [
        *(("teams", lead, group) for lead, group in sorted(teams.items(), key=lambda i: (-len(i[1]), i[0]))),
        *(("units", unit, group) for unit, group in sorted(units.items(), key=lambda i: (-len(i[1]), i[0]))),
    ]
    by_programs = [
        *(
            ("programs", pk, frozenset({pk}))
            for pk in sorted(program_people, key=lambda pk: (-len(program_people[pk]), pk))
        ),
        *(("kinds", kind, kinds[kind]) for kind in sorted(kinds)),
    ]
    orders = [by_people + by_programs, by_programs + by_people]
    made = [_offer_in_order(people, order, program_kinds, counted, minimum, max_atoms) for order in orders]
    return max(made, key=lambda o: len(o.teams) + len(o.units) + len(o.programs) + len(o.kinds))


def _offer_in_order(
    people: frozenset[int],
    candidates: Sequence[tuple[str, Any, frozenset[int]]],
    program_kinds: Mapping[int, str],
    counted: Mapping[str, Mapping[int, set[int]]],
    minimum: int,
    max_atoms: int,
) -> Offer:
    all_programs = frozenset(program_kinds)
    program_people = counted.get("enrolled", {})
    enrolled_people: set[int] = set().union(*program_people.values())
    # The atoms of the values offered so far; a candidate value splits them further (offering it
    # cannot merge any), so each trial refines these instead of starting from every value again.
    people_cells = atoms(people, [])
    program_cells = [all_programs]

    def fits(people_cells: list[frozenset[int]], program_cells: list[frozenset[int]]) -> bool:
        if len(people_cells) * len(program_cells) > max_atoms:
            return False
        for programs in program_cells:
            for by_program in counted.values():
                reached = set().union(*(by_program.get(pk, set()) for pk in programs))
                for group in people_cells:
                    if 0 < len(group & reached) < minimum:
                        return False
        return True

    chosen: dict[str, set[Any]] = {"teams": set(), "units": set(), "programs": set(), "kinds": set()}
    withheld = 0
    for kind_of, value, group in candidates:
        about_people = kind_of in ("teams", "units")
        if about_people:
            reach = len(group & enrolled_people)
        else:
            reach = len(set().union(*(program_people.get(pk, set()) for pk in group)))
        if reach == 0:
            continue  # a view of nobody: not worth offering, nor counting as withheld
        trial_people = _split(people_cells, group) if about_people else people_cells
        trial_programs = program_cells if about_people else _split(program_cells, group)
        if fits(trial_people, trial_programs):
            chosen[kind_of].add(value)
            people_cells, program_cells = trial_people, trial_programs
        else:
            withheld += 1
    return Offer(
        teams=frozenset(chosen["teams"]),
        units=frozenset(chosen["units"]),
        programs=frozenset(chosen["programs"]),
        kinds=frozenset(chosen["kinds"]),
        people_atoms=tuple(sorted(people_cells, key=min)),
        program_atoms=tuple(sorted(program_cells, key=min)) if chosen["programs"] or chosen["kinds"] else None,
        withheld=withheld,
    )


@dataclass
class AtomFigures:
    """The people behind each figure of one atom: headline label -> people; table -> row label ->
    (people, the group of rows it is completed within)."""

    headline: dict[str, int] = field(default_factory=dict)
    tables: dict[str, dict[str, tuple[int, str]]] = field(default_factory=dict)


class Disclosure:
    """What a manager's view may show, decided from the atoms it is made of (see the module)."""

    def __init__(self, atoms: Sequence[AtomFigures], *, split_rows: Mapping[str, set[str]] | None = None) -> None:
        self.atoms = list(atoms)
        # Rows that cut through an atom (an org unit holding part of one): hidden in every view.
        self.split_rows = split_rows or {}

    def cache_key(self) -> str:
        """Everything this disclosure decides by, written the same way in every process (sets
        sorted), so a cached page is never served under another disclosure."""
        split = sorted((table, sorted(rows)) for table, rows in self.split_rows.items())
        return repr((self.atoms, split))

    def figure_hidden(self, label: str) -> bool:
        reported = [atom.headline[label] for atom in self.atoms if label in atom.headline]
        return not reported or any(0 < people < threshold() for people in reported)

    def rows_hidden(self, table: str, labels: Sequence[str]) -> list[bool]:
        reported = [atom.tables[table] for atom in self.atoms if table in atom.tables]
        if not reported:
            return [True] * len(labels)
        hidden = set(self.split_rows.get(table, ()))
        for rows in reported:
            hidden |= self._hidden_in(table, rows)
        return [label in hidden for label in labels]

    @staticmethod
    def _hidden_in(table: str, rows: Mapping[str, tuple[int, str]]) -> set[str]:
        """The rows one atom hides, completed within each group of rows that adds up to a total."""
        minimum = themes_threshold() if table in THEMES_TABLES else threshold()
        groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for label, (people, group) in rows.items():
            groups[group].append((label, people))
        hidden: set[str] = set()
        for members in groups.values():
            flags = suppress_rows([people for _, people in members], minimum=minimum, disjoint=table in DISJOINT_TABLES)
            hidden |= {label for (label, _), flag in zip(members, flags, strict=True) if flag}
        return hidden
