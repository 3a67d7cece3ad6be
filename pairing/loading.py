"""From the database to the engine: a program's pool as engine Persons and Rules.

`load_pool` runs a fixed number of queries whatever the pool size (about a dozen: the focus,
enrollments with profiles and names, goals, offers, skill entries, the manager map, the org tree,
mentorships, live proposals, blocks and requests, skill names); everything else happens in Python
on plain rows. Persons are keyed by participant id, so reporting lines (participant ids) and the
engine's ids agree.

How the ORM maps to the engine (see pairing/engine/README.md for the engine's side):
- wants: a learner's goal skills, each with their inventory priority (at least 1: enrolling with a
  goal is a request to learn it); with no goals, every wanted skill in their inventory.
- can teach: a teacher's offered skills (offering is the commitment to teach); with no offers,
  every skill marked can-teach or at level 3+.
- department, for the "different department" rule and the cross-department factor: the unit at
  the program's department level (`matching["department_level"]`, default 1: the first level
  below the organisation root), passed explicitly as the Person's `org_unit_id`; its `org_path` is
  the units from below the root down to that department, so teams inside one department share
  it, and adding units elsewhere in the tree (an import) never changes anyone else's department.
- timezone -> UTC offset on the program's start date (daylight saving included), or today.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.participants.models import WORK_STYLE_QUESTIONS
from mentorship.participants.orgtree import DEFAULT_DEPARTMENT_LEVEL, OrgTree
from mentorship.participants.reporting import ReportingLines
from mentorship.programs.defaults import DEFAULT_LEARNING_FLOOR
from mentorship.programs.models import Enrollment, EnrollmentRole, Program, ProgramKind
from mentorship.programs.services import focus_skill_ids
from pairing import engine
from pairing.engine.model import NEUTRAL_WORK_STYLE
from pairing.models import Proposal, ProposalStatus, RequestStatus, SelfMatchRequest
from skills.models import Skill, SkillEntry

LEARNING_ROLES = (EnrollmentRole.MENTEE, EnrollmentRole.BOTH)
TEACHING_ROLES = (EnrollmentRole.MENTOR, EnrollmentRole.BOTH)
USEFUL_TEACHING_LEVEL = 3
WS_FIELDS = [name for name, *_ in WORK_STYLE_QUESTIONS]
# Program.matching weight names -> engine Weights fields.
WEIGHT_FIELDS = {
    "expertise": "expertise",
    "work_style": "work_style",
    "availability": "availability",
    "timezone": "timezone",
    "cross_department": "cross_department",
    "requests": "request",
}

Pair = tuple[int, int]


@dataclass(frozen=True)
class Member:
    """What the pages show about a person in the pool (the engine's Person holds the rest)."""

    participant_id: int
    name: str
    job_title: str
    role: str
    org_unit_id: int | None
    capacity: int


@dataclass
class Pool:
    program_id: int
    rules: engine.Rules
    mentors: list[engine.Person]
    mentees: list[engine.Person]
    members: dict[int, Member]
    people: dict[int, engine.Person] = field(default_factory=dict)
    # Participants left out because they already have a pair in this program (active, waiting
    # for answers, or kept by a re-solve).
    already_paired: set[int] = field(default_factory=set)
    department_level: int = DEFAULT_DEPARTMENT_LEVEL

    @property
    def is_general(self) -> bool:
        return self.rules.is_general

    def parameters(self) -> dict[str, Any]:
        """The rules as solved, for the run's record."""
        rules = self.rules
        return {
            "kind": rules.kind,
            "level_gap": rules.gap,
            "skill_focus": sorted(rules.skill_focus),
            "other_unit_only": rules.other_unit_only,
            "department_level": self.department_level,
            "shared_language": rules.shared_language,
            "min_overlap_hours": rules.min_overlap_hours,
            "avoid_previous": rules.avoid_previous,
            "previous_pairs": len(rules.previous_pairs),
            "blocks": len(rules.blocks),
            "requests": len(rules.requests),
            "weights": {name: getattr(rules.weights, attr) for name, attr in WEIGHT_FIELDS.items()},
            "candidates_per_person": rules.candidates_per_person,
            "learning_floor": rules.learning_floor,
            "raise_floor": rules.raise_floor,
            "mentors": len(self.mentors),
            "mentees": len(self.mentees),
            "already_paired": len(self.already_paired),
        }


# --- Rules ---------------------------------------------------------------------------------------


def rules_for(
    program: Program,
    *,
    focus: Iterable[int] = (),
    previous_pairs: Iterable[Pair] = (),
    blocks: Iterable[Pair] = (),
    requests: Iterable[Pair] = (),
    skill_names: Mapping[int, str] | None = None,
) -> engine.Rules:
    """Program.matching (as the programs app stores it) -> engine Rules."""
    matching: dict[str, Any] = program.matching or {}
    kind = program.kind
    if kind in (ProgramKind.TRADITIONAL, ProgramKind.REVERSE):
        gap: int | None = matching.get("min_level_gap")
    elif kind == ProgramKind.PEER:
        gap = matching.get("max_level_gap")
    else:
        gap = None
    given = matching.get("weights") or {}
    weights = engine.Weights(
        **{attr: float(given[name]) for name, attr in WEIGHT_FIELDS.items() if given.get(name) is not None}
    )
    return engine.Rules(
        kind=kind,  # type: ignore[arg-type]  # ProgramKind's values are the engine's kinds
        level_gap=int(gap) if gap is not None else None,
        skill_focus=frozenset(focus),
        other_unit_only=bool(matching.get("different_department", False)),
        shared_language=bool(matching.get("shared_language", True)),
        min_overlap_hours=float(matching.get("min_overlap_hours") or 0),
        avoid_previous=bool(matching.get("avoid_previous_pairs", True)),
        learning_floor=int(_or_default(matching.get("learning_floor"), DEFAULT_LEARNING_FLOOR)),
        previous_pairs=frozenset(previous_pairs),
        blocks=frozenset(blocks),
        requests=frozenset(requests),
        weights=weights,
        skill_names=dict(skill_names or {}),
    )


# --- Small helpers ------------------------------------------------------------------------------


def _or_default(value: Any, default: Any) -> Any:
    return default if value is None else value


@cache
def _offset_hours(tz_name: str, on: dt.date) -> float:
    try:
        zone = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0.0
    offset = dt.datetime.combine(on, dt.time(12), tzinfo=zone).utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


def department_level(program: Program) -> int:
    """The org-tree level that counts as a department for this program (1: below the root)."""
    level = (program.matching or {}).get("department_level")
    return level if isinstance(level, int) and not isinstance(level, bool) and level >= 1 else DEFAULT_DEPARTMENT_LEVEL


def _work_style(values: Iterable[int | None]) -> tuple[int, ...]:
    """No answers: () (the engine treats the factor as missing, neutral and said so); some
    answers: the missing ones count as the neutral middle answer."""
    answers = list(values)
    if all(v is None for v in answers):
        return ()
    return tuple(NEUTRAL_WORK_STYLE if v is None else int(v) for v in answers)


def _person_skills(
    entries: Iterable[tuple[int, int, int, bool]],
    *,
    learns: bool,
    teaches: bool,
    goals: set[int],
    offers: set[int],
    focus: set[int] | None,
) -> dict[int, engine.SkillEntry]:
    skills: dict[int, engine.SkillEntry] = {}
    for skill_id, level, want, can_teach in entries:
        wants = 0
        if learns:
            wants = (max(want, 1) if skill_id in goals else 0) if goals else want
        teach = False
        if teaches:
            teach = skill_id in offers if offers else (can_teach or level >= USEFUL_TEACHING_LEVEL)
        if wants or teach:
            skills[skill_id] = engine.SkillEntry(level=level, wants=wants, can_teach=teach)
    if learns:
        # A goal with no inventory line yet: they want it and start from nothing.
        for skill_id in goals - skills.keys():
            if focus is None or skill_id in focus:
                skills[skill_id] = engine.SkillEntry(level=0, wants=1, can_teach=False)
    return skills


# --- The pool ------------------------------------------------------------------------------------


def load_pool(
    program: Program,
    *,
    kept_pairs: Collection[Pair] = (),
    participant_ids: Collection[int] | None = None,
    learner_ids: Collection[int] | None = None,
    count_published: bool = True,
) -> Pool:
    """The program's active enrollments as engine Persons, with the program's rules.

    kept_pairs: (mentor, mentee) pairs already decided (pins of a re-solve); their mentees leave
    the pool and their mentors lose a place. participant_ids: load only these people (a manual
    pair). learner_ids: only these may be learners; everyone else loads as a teacher (self-match
    suggestions for one mentee).
    """
    focus_set = focus_skill_ids(program)
    general = program.is_general
    enrollments = Enrollment.objects.filter(program=program, withdrawn_at=None)
    if participant_ids is not None:
        enrollments = enrollments.filter(participant_id__in=list(participant_ids))
    if learner_ids is not None:
        enrollments = enrollments.filter(Q(role__in=TEACHING_ROLES) | Q(participant_id__in=list(learner_ids)))
    rows = list(enrollments.values_list(*ENROLLMENT_FIELDS).order_by("participant_id"))
    goals = _skill_links(Enrollment.goals.through, enrollments)
    offers = _skill_links(Enrollment.offers.through, enrollments)
    named = {s for ids in goals.values() for s in ids} | {s for ids in offers.values() for s in ids}
    entries = _skill_entries(enrollments, named, focus_set)
    lines = ReportingLines.load()
    tree = OrgTree.load()
    unit_level = department_level(program)
    seats = _Seats.load(program, enrollments, kept_pairs=kept_pairs, count_published=count_published)

    skill_ids = {s for person_entries in entries.values() for s, *_ in person_entries} | named
    skill_names = dict(Skill.objects.filter(pk__in=sorted(skill_ids)).values_list("id", "name")) if skill_ids else {}

    on = program.starts_on or timezone.localdate()
    mentors: list[engine.Person] = []
    mentees: list[engine.Person] = []
    members: dict[int, Member] = {}
    people: dict[int, engine.Person] = {}
    already: set[int] = set()
    for row in rows:
        (enrollment_id, pid, role, capacity, first, last, email, title, level, unit, tz, languages, hours) = row[:13]
        learns = role in LEARNING_ROLES and (general or learner_ids is None or pid in learner_ids)
        teaches = role in TEACHING_ROLES
        name = f"{first} {last}".strip() or email
        free = capacity - seats.taken[pid]
        person = engine.Person(
            id=pid,
            level=level or 0,
            skills=_person_skills(
                entries.get(pid, ()),
                learns=learns,
                teaches=teaches,
                goals=goals.get(enrollment_id, set()),
                offers=offers.get(enrollment_id, set()),
                focus=focus_set,
            ),
            capacity=1 if general else max(free, 0),
            name=name,
            org_unit_id=tree.department(unit, unit_level) if unit is not None else None,
            org_path=tree.department_path(unit, unit_level) if unit is not None else (),
            line_ids=frozenset(lines.chain(pid)),
            languages=frozenset(languages or ()),
            utc_offset=_offset_hours(tz or "UTC", on),
            availability=None if hours is None else float(hours),
            work_style=_work_style(row[13:]),
        )
        members[pid] = Member(pid, name, title, role, unit, capacity)
        people[pid] = person
        if pid in seats.busy or (general and free <= 0 and pid in seats.taken):
            already.add(pid)
            if general or not teaches:
                continue
        if general:
            mentors.append(person)  # general pools: everyone once; the engine ignores sides
            continue
        if teaches and free > 0:
            mentors.append(person)
        elif teaches:
            already.add(pid)
        if learns and pid not in seats.busy:
            mentees.append(person)
    rules = rules_for(
        program,
        focus=focus_set or (),
        previous_pairs=seats.previous,
        blocks=seats.blocks,
        requests=seats.requests,
        skill_names=skill_names,
    )
    return Pool(
        program_id=program.pk,
        rules=rules,
        mentors=mentors,
        mentees=mentees,
        members=members,
        people=people,
        already_paired=already,
        department_level=unit_level,
    )


ENROLLMENT_FIELDS = (
    "id",
    "participant_id",
    "role",
    "capacity",
    "participant__user__first_name",
    "participant__user__last_name",
    "participant__user__email",
    "participant__job_title",
    "participant__career_level",
    "participant__org_unit_id",
    "participant__timezone",
    "participant__languages",
    "participant__availability_hours",
    *(f"participant__{name}" for name in WS_FIELDS),
)


def _skill_links(through: Any, enrollments: QuerySet[Enrollment]) -> dict[int, set[int]]:
    """Enrollment id -> the skills it names through `through` (goals or offers), in one query."""
    links: dict[int, set[int]] = defaultdict(set)
    rows = through.objects.filter(enrollment__in=enrollments.values("id")).values_list("enrollment_id", "skill_id")
    for enrollment_id, skill_id in rows:
        links[enrollment_id].add(skill_id)
    return links


def _skill_entries(
    enrollments: QuerySet[Enrollment], named: set[int], focus: Collection[int] | None
) -> dict[int, list[tuple[int, int, int, bool]]]:
    """Participant id -> (skill, level, want priority, can teach) for the inventory lines that
    matter to matching: wanted, teachable, named by a goal or offer, inside the focus."""
    relevant = Q(want_priority__gt=0) | Q(can_teach=True) | Q(level__gte=USEFUL_TEACHING_LEVEL)
    if named:
        relevant |= Q(skill_id__in=sorted(named))
    query = SkillEntry.objects.filter(
        relevant, participant__in=enrollments.values("participant_id"), skill__retired_at=None
    )
    if focus is not None:
        query = query.filter(skill_id__in=sorted(focus))
    entries: dict[int, list[tuple[int, int, int, bool]]] = defaultdict(list)
    for participant_id, skill_id, level, want, can_teach in query.values_list(
        "participant_id", "skill_id", "level", "want_priority", "can_teach"
    ).order_by():
        entries[participant_id].append((skill_id, level, want, can_teach))
    return entries


@dataclass
class _Seats:
    """Who is already spoken for in the program, and which pairs the rules must know about."""

    general: bool
    taken: defaultdict[int, int] = field(default_factory=lambda: defaultdict(int))  # mentor -> places used
    busy: set[int] = field(default_factory=set)  # out of the pool: already in a pair here
    previous: set[Pair] = field(default_factory=set)  # paired before, elsewhere or earlier
    blocks: set[Pair] = field(default_factory=set)  # removed, declined or refused pairs
    requests: set[Pair] = field(default_factory=set)  # (mentee, mentor) self-match requests pending

    def take(self, mentor_id: int, mentee_id: int) -> None:
        """A pair that holds: the mentee is out, the mentor has one place fewer (and is out too in
        a general pool, where everyone has one pair)."""
        self.taken[mentor_id] += 1
        self.busy.add(mentee_id)
        if self.general:
            self.busy.add(mentor_id)

    @classmethod
    def load(
        cls,
        program: Program,
        enrollments: QuerySet[Enrollment],
        *,
        kept_pairs: Collection[Pair],
        count_published: bool,
    ) -> _Seats:
        seats = cls(general=program.is_general)
        pool = enrollments.values("participant_id")
        # Mentorships touching the pool: active ones in this program take people out (or use a
        # mentor's place); any other one is a previous pair.
        for mentor_id, mentee_id, program_id, status in Mentorship.objects.filter(
            Q(mentor__in=pool) | Q(mentee__in=pool)
        ).values_list("mentor_id", "mentee_id", "program_id", "status"):
            if program_id == program.pk and status == MentorshipStatus.ACTIVE:
                seats.take(mentor_id, mentee_id)
            else:
                seats.previous.add((mentor_id, mentee_id))
        statuses = [ProposalStatus.REMOVED, ProposalStatus.DECLINED]
        for mentor_id, mentee_id, status in Proposal.objects.filter(
            run__program=program, status__in=statuses + ([ProposalStatus.PUBLISHED] if count_published else [])
        ).values_list("mentor_id", "mentee_id", "status"):
            if status == ProposalStatus.PUBLISHED:
                seats.take(mentor_id, mentee_id)  # waiting for answers: neither is free until one declines
            else:
                seats.blocks.add((mentor_id, mentee_id))
        for mentor_id, mentee_id in kept_pairs:
            seats.take(mentor_id, mentee_id)
        for mentee_id, mentor_id, status in SelfMatchRequest.objects.filter(
            program=program, status__in=[RequestStatus.PENDING, RequestStatus.DECLINED]
        ).values_list("mentee_id", "mentor_id", "status"):
            if status == RequestStatus.PENDING:
                seats.requests.add((mentee_id, mentor_id))
            else:
                seats.blocks.add((mentor_id, mentee_id))
        return seats
