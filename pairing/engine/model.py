"""Plain data the engine reads and writes: frozen dataclasses, no Django."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["traditional", "reverse", "reciprocal", "peer"]
KINDS: tuple[Kind, ...] = ("traditional", "reverse", "reciprocal", "peer")
Role = Literal["mentor", "mentee", "participant"]

MAX_SKILL_LEVEL = 5
# A secondary factor whose data is missing for either person counts this share of its weight
# (half: neither for nor against the pair), and the explanation says so.
NEUTRAL_FACTOR = 0.5
WORK_STYLE_QUESTIONS = 5
NEUTRAL_WORK_STYLE = 3

# Scores are 0-100 floats; the solvers need integers, so scores are scaled by
# SCORE_SCALE (0.001 of a point is the finest difference the objective sees).
SCORE_SCALE = 1000


@dataclass(frozen=True)
class SkillEntry:
    level: int = 0  # 0-5, anchored descriptions live in the skills app
    wants: int = 0  # wants-to-learn priority 1..3, 0 = does not want it
    can_teach: bool = False


@dataclass(frozen=True)
class Person:
    id: int
    level: int = 0  # career level; bigger is more senior
    skills: Mapping[int, SkillEntry] = field(default_factory=dict)
    capacity: int = 1  # mentees a mentor takes; ignored for mentees and general pools
    name: str = ""
    org_unit_id: int | None = None
    org_path: tuple[int, ...] = ()  # ancestor unit ids from the root, own unit last
    line_ids: frozenset[int] = frozenset()  # ids of everyone up the management chain
    languages: frozenset[str] = frozenset()  # empty = not stated, passes the language rule
    utc_offset: float = 0.0  # hours
    work_hours: tuple[float, float] = (9.0, 17.0)  # local start and end, 0-24
    availability: float | None = None  # hours per month for mentoring; None = not given
    # five answers 1-5; () = not given (the factor is then neutral for the pair); a partial
    # list counts the missing answers as the neutral middle answer
    work_style: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        return self.name or f"#{self.id}"


@dataclass(frozen=True)
class Weights:
    """Relative factor weights; the score divides by their sum, so it stays 0-100."""

    expertise: float = 70.0
    work_style: float = 8.0
    availability: float = 7.0
    timezone: float = 5.0
    cross_department: float = 5.0
    request: float = 5.0
    availability_target_hours: float = 4.0  # a month's mentoring time that counts as "enough"

    def total(self) -> float:
        return (
            self.expertise + self.work_style + self.availability + self.timezone + self.cross_department + self.request
        )


@dataclass(frozen=True)
class Rules:
    kind: Kind = "traditional"
    # traditional: mentor at least N levels above; reverse: mentor at least N below;
    # peer: levels at most N apart; reciprocal: no seniority rule. None = kind default.
    level_gap: int | None = None
    skill_focus: frozenset[int] = frozenset()  # empty = every skill counts
    other_unit_only: bool = False
    shared_language: bool = True
    min_overlap_hours: float = 0.0  # 0 = no working-hours rule
    avoid_previous: bool = True
    previous_pairs: frozenset[tuple[int, int]] = frozenset()  # either order
    blocks: frozenset[tuple[int, int]] = frozenset()  # either order
    requests: frozenset[tuple[int, int]] = frozenset()  # (who asked, whom); either counts
    weights: Weights = field(default_factory=Weights)
    # The learning floor: a pair must carry at least one wanted focus skill taught by someone
    # this many levels ahead of the learner in it (reciprocal: both ways). 0 = off.
    learning_floor: int = 2
    # Start the solve from each person's best K partners (None = every allowed pair). Pruning
    # never costs optimality: pricing adds any left-out pair that would improve the total.
    candidates_per_person: int | None = 30
    raise_floor: bool = False
    skill_names: Mapping[int, str] = field(default_factory=dict)

    @property
    def gap(self) -> int:
        if self.level_gap is not None:
            return self.level_gap
        return {"traditional": 2, "reverse": 1, "peer": 1, "reciprocal": 0}[self.kind]

    @property
    def is_general(self) -> bool:
        """Reciprocal and peer pools have no sides: anyone may pair with anyone."""
        return self.kind in ("reciprocal", "peer")

    def skill_name(self, skill_id: int) -> str:
        return self.skill_names.get(skill_id, f"skill {skill_id}")


@dataclass(frozen=True)
class SkillFlow:
    skill_id: int
    skill: str
    teacher_id: int
    learner_id: int
    teacher_level: int
    learner_level: int
    priority: int
    credit: float  # 0-1, see score.skill_credit


@dataclass(frozen=True)
class Pair:
    mentor_id: int
    mentee_id: int
    score: float
    factors: Mapping[str, float]  # points each factor added; they sum to score
    flows: tuple[SkillFlow, ...] = ()
    explanation: tuple[str, ...] = ()
    # What the explanation rests on, as data: {"missing": {factor: [ids]}, and for reverse
    # pairs "junior_teaches": the teaching (more junior) person's id}
    facts: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Unmatched:
    person_id: int
    role: Role
    reason: str  # a stable code: no_teacher, reporting_line, rules, capacity, ...
    text: str


@dataclass(frozen=True)
class Solution:
    kind: Kind
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    quality: Mapping[str, object]

    @property
    def total(self) -> float:
        return round(sum(p.score for p in self.pairs), 3)
