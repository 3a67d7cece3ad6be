"""Who and what a dashboard covers: the viewer's population and the filters they chose.

`base` is everything the viewer may ever see (everyone for HR, the reporting subtree for a
manager). `chosen` narrows it by the filters. Queries turn both into `Q` objects for each model
through the relation path that leads to the person a row is about.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, Value, When
from django.utils import timezone


class AmongIds(Func):
    """`<path> IN (ids)` for a long list of ids (a manager's subtree of a thousand people).

    On PostgreSQL the ids travel as ONE array parameter (`= ANY(%s)`): spelled as IN, each id is
    a parameter that Django prepares and psycopg quotes one by one, which costs more than the
    query itself when a dashboard repeats the list in every aggregate's FILTER. The array is sent
    as its text, `{1,2,3}`, written once per set of ids (`_array_text`): psycopg adapting a list
    checks every item, which took over a second on a page of 100,000 people. Elsewhere: IN.
    """

    output_field = BooleanField()

    def __init__(self, path: str, ids: Iterable[int]) -> None:
        super().__init__(F(path))
        self.ids = ids if isinstance(ids, frozenset) else frozenset(ids)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]  # the stubs' Expression.as_sql is narrower than Django's
        column, params = compiler.compile(self.source_expressions[0])
        if not self.ids:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            # Cast like the column: an array of small ids would otherwise be compared across
            # types, element by element instead of hashed.
            db_type = self.source_expressions[0].output_field.rel_db_type(connection)
            return f"{column} = ANY(%s::{db_type}[])", [*params, _array_text(self.ids)]
        ids = sorted(self.ids)
        return f"{column} IN ({', '.join(['%s'] * len(ids))})", [*params, *ids]


@lru_cache(maxsize=16)
def _array_text(ids: frozenset[int]) -> str:
    """PostgreSQL's text of an array of these ids. A page repeats the same few sets (its people,
    its atoms' groups) in every query; the cache keeps a page's worth, which holds the sets too
    (a few MB for a manager of 100,000 people)."""
    return "{" + ",".join(map(str, sorted(ids))) + "}"


def among(path: str, ids: Iterable[int]) -> Q:
    """Rows whose `path` (a foreign key or id column) is one of `ids`."""
    return Q(AmongIds(path, ids))


def _index_case(conditions: list[Q]) -> Case:
    """The index of the first condition a row meets, or None."""
    whens = [When(condition, then=Value(index)) for index, condition in enumerate(conditions)]
    return Case(*whens, default=None, output_field=IntegerField())


@dataclass(frozen=True)
class Scope:
    # None: everyone. Otherwise the participant ids the viewer may see (a manager's subtree).
    base_people: frozenset[int] | None = None
    # A narrower set of people chosen by a sub-team drill-down; None: all of `base_people`.
    team_people: frozenset[int] | None = None
    # The org units chosen (a unit with all its sub-units); None: every unit.
    units: frozenset[int] | None = None
    # The unit the viewer chose (breakdowns roll up to its sub-units).
    units_focus: int | None = None
    program: int | None = None
    kind: str | None = None
    start: date | None = None
    end: date | None = None
    # A set of programs (one of a manager's disclosure atoms, see privacy); None: every program.
    programs: frozenset[int] | None = None
    # Managers: hide small groups, and figures whose filtered-out remainder is a small group.
    protect: bool = False
    # Count the people a filter leaves out (managers); off where only the people behind each
    # figure are wanted (the atoms of a manager's view).
    rest: bool = True
    today: date = field(default_factory=timezone.localdate)
    # A manager's atoms read together (see privacy and `disclosure`): the groups of people and of
    # programs (None: every program is one group) whose figures are wanted one by one. Queries
    # then also group their rows by the group of each row's person and program (`atom_keys`).
    atoms: tuple[tuple[frozenset[int], ...], tuple[frozenset[int], ...] | None] | None = None

    # People ---------------------------------------------------------------------------------
    def in_base(self, path: str) -> Q:
        """Rows whose person (at `path`, a participant foreign key) the viewer may see."""
        return Q() if self.base_people is None else among(path, self.base_people)

    def in_chosen(self, path: str) -> Q:
        """Rows whose person the viewer may see and the filters chose."""
        return self.in_base(path) & self.narrowed(path)

    def narrowed(self, path: str) -> Q:
        """Only the people filters (sub-team, org unit), for queries whose WHERE already holds
        `in_base`: repeating the subtree's id list in every aggregate's FILTER costs time."""
        q = Q()
        if self.team_people is not None:
            q &= among(path, self.team_people)
        if self.units is not None:
            q &= Q(**{f"{path}__org_unit_id__in": sorted(self.units)})
        return q

    @property
    def narrows_people(self) -> bool:
        return self.team_people is not None or self.units is not None

    def pair_chosen(self, pair: str = "") -> Q:
        """Pairs (`pair`: the path prefix to a Mentorship, "" for Mentorship itself) the people
        filters chose. HR: a pair whose mentor or mentee was chosen. Managers: each pair counts for
        one person, its mentee when the mentee is in the manager's subtree, else its mentor, so
        that two views differ by whole groups of pairs and never by half a pair (see privacy)."""
        mentor, mentee = f"{pair}mentor", f"{pair}mentee"
        if not self.protect or self.base_people is None:
            return self.in_chosen(mentor) | self.in_chosen(mentee)
        if not self.narrows_people:
            return self.in_base(mentor) | self.in_base(mentee)
        return (self.in_base(mentee) & self.narrowed(mentee)) | (
            ~self.in_base(mentee) & self.in_base(mentor) & self.narrowed(mentor)
        )

    def atom_keys(self, person: str, program: str, *, pair: str | None = None) -> dict[str, Case]:
        """For a scope that reads atoms together: each row's atom, as `atom_people` (the index of
        its person's group; with `pair`, the path prefix to a Mentorship, the one person the pair
        counts for, see `pair_chosen`) and `atom_programs` (the index of its program's group, at
        `program`, a path to a Program). Nothing for any other scope."""
        if self.atoms is None:
            return {}
        programs = self.atoms[1]
        if pair is None:
            person_key = self.group_of(person)
        else:
            mentee_key, mentor_key = self.group_of(f"{pair}mentee"), self.group_of(f"{pair}mentor")
            person_key = Case(When(self.in_base(f"{pair}mentee"), then=mentee_key), default=mentor_key)
        keys = {"atom_people": person_key}
        if programs is not None:
            keys["atom_programs"] = _index_case([Q(**{f"{program}_id__in": sorted(group)}) for group in programs])
        return keys

    def group_of(self, person: str) -> Case:
        """The index of the atoms' group of people the person at `person` is in (None: none)."""
        assert self.atoms is not None  # noqa: S101 (only called for a scope that reads atoms)
        return _index_case([among(person, group) for group in self.atoms[0]])

    # Programs and dates --------------------------------------------------------------------
    def in_programs(self, path: str) -> Q:
        """`path` leads to a Program."""
        q = Q()
        if self.program is not None:
            q &= Q(**{f"{path}_id": self.program})
        if self.programs is not None:
            q &= Q(**{f"{path}_id__in": sorted(self.programs)})
        if self.kind:
            q &= Q(**{f"{path}__kind": self.kind})
        return q

    def on_dates(self, path: str) -> Q:
        """`path` is a DateField."""
        q = Q()
        if self.start:
            q &= Q(**{f"{path}__gte": self.start})
        if self.end:
            q &= Q(**{f"{path}__lte": self.end})
        return q

    def at_times(self, path: str) -> Q:
        """`path` is a DateTimeField: the chosen days, whole, in the site's time zone."""
        q = Q()
        if self.start:
            q &= Q(**{f"{path}__gte": self.start_at})
        if self.end:
            q &= Q(**{f"{path}__lt": self.end_at})
        return q

    @property
    def start_at(self) -> datetime | None:
        return timezone.make_aware(datetime.combine(self.start, time.min)) if self.start else None

    @property
    def end_at(self) -> datetime | None:
        """The first moment after the chosen range."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min)) if self.end else None

    @property
    def period_end(self) -> date:
        """The last day figures run to: the chosen end, or today."""
        return min(self.end, self.today) if self.end else self.today

    @property
    def filtered(self) -> bool:
        """True when any filter narrows what the viewer could see unfiltered."""
        return bool(
            self.narrows_people
            or self.program is not None
            or self.programs is not None
            or self.kind
            or self.start
            or self.end
        )

    @property
    def complements(self) -> bool:
        """Whether queries must also count the people a filter leaves out."""
        return self.protect and self.rest and self.filtered
