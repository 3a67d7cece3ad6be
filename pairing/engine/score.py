"""The score of one pair, 0-100, as documented in README.md ("Score").

This is the readable definition, used for every reported score and explanation. The
candidate search (candidates.py) computes exactly the same formula on whole blocks of
pairs with numpy; tests check the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from pairing.engine.model import (
    MAX_SKILL_LEVEL,
    NEUTRAL_FACTOR,
    NEUTRAL_WORK_STYLE,
    WORK_STYLE_QUESTIONS,
    Person,
    Rules,
    SkillFlow,
)
from pairing.engine.rules import is_clearly_ahead, timezone_closeness

FACTORS: tuple[str, ...] = (
    "expertise",
    "work_style",
    "availability",
    "timezone",
    "cross_department",
    "request",
)
GAP_THAT_COUNTS_FULLY = 3
# Five answers 1-5: the largest possible sum of squared differences is 5 * 4**2.
WORK_STYLE_MAX_DISTANCE = WORK_STYLE_QUESTIONS * 16


@dataclass(frozen=True)
class Breakdown:
    score: float
    factors: dict[str, float]  # points per factor; they sum to score
    raw: dict[str, float]  # each factor 0-1 before weighting
    flows: tuple[SkillFlow, ...]  # skills flowing teacher -> learner, both ways for swaps
    gain_to_mentee: float
    gain_to_mentor: float


def skill_credit(teacher_level: int, learner_level: int) -> float:
    """0-1: half for how expert the teacher is, half for the gap (3 levels count fully)."""
    if not is_clearly_ahead(teacher_level, learner_level):
        return 0.0
    gap = min(teacher_level - learner_level, GAP_THAT_COUNTS_FULLY)
    return 0.5 * teacher_level / MAX_SKILL_LEVEL + 0.5 * gap / GAP_THAT_COUNTS_FULLY


def counts(skill_id: int, rules: Rules) -> bool:
    return not rules.skill_focus or skill_id in rules.skill_focus


def wanted_priority(learner: Person, rules: Rules) -> int:
    return sum(e.wants for s, e in learner.skills.items() if e.wants > 0 and counts(s, rules))


def skill_flows(teacher: Person, learner: Person, rules: Rules) -> tuple[SkillFlow, ...]:
    flows = []
    for skill_id in sorted(learner.skills):
        want = learner.skills[skill_id]
        offer = teacher.skills.get(skill_id)
        if want.wants <= 0 or offer is None or not offer.can_teach or not counts(skill_id, rules):
            continue
        credit = skill_credit(offer.level, want.level)
        if credit > 0:
            flows.append(
                SkillFlow(
                    skill_id=skill_id,
                    skill=rules.skill_name(skill_id),
                    teacher_id=teacher.id,
                    learner_id=learner.id,
                    teacher_level=offer.level,
                    learner_level=want.level,
                    priority=want.wants,
                    credit=credit,
                )
            )
    return tuple(flows)


def expertise_gain(flows: tuple[SkillFlow, ...], learner: Person, rules: Rules) -> float:
    """Share of what the learner wants (weighted by priority) that the teacher covers, 0-1."""
    wanted = wanted_priority(learner, rules)
    if wanted == 0:
        return 0.0
    return sum(f.priority * f.credit for f in flows) / wanted


def mutual_gain(a: float, b: float) -> float:
    """Harmonic mean: a swap where only one side learns scores zero."""
    return 2.0 * a * b / (a + b) if a > 0 and b > 0 else 0.0


def answers(person: Person) -> list[int]:
    given = list(person.work_style[:WORK_STYLE_QUESTIONS])
    return given + [NEUTRAL_WORK_STYLE] * (WORK_STYLE_QUESTIONS - len(given))


def work_style_similarity(a: Person, b: Person) -> float:
    """1 - squared distance / 80 over the five answers; neutral when either gave none."""
    if not a.work_style or not b.work_style:
        return NEUTRAL_FACTOR
    distance = sum((x - y) ** 2 for x, y in zip(answers(a), answers(b), strict=True))
    return 1.0 - distance / WORK_STYLE_MAX_DISTANCE


def enough_time(person: Person, rules: Rules) -> float:
    hours = person.availability or 0.0
    return min(1.0, max(0.0, hours) / rules.weights.availability_target_hours)


def availability(a: Person, b: Person, rules: Rules) -> float:
    """Both have enough time: product of each one's share of the target; neutral when
    either did not say."""
    if a.availability is None or b.availability is None:
        return NEUTRAL_FACTOR
    return enough_time(a, rules) * enough_time(b, rules)


def cross_department(a: Person, b: Person) -> float:
    """0 in the same unit, rising to 1 when the org paths share nothing; neutral when
    either unit is unknown."""
    if not a.org_path or not b.org_path:
        return NEUTRAL_FACTOR
    shared = 0
    for x, y in zip(a.org_path, b.org_path, strict=False):
        if x != y:
            break
        shared += 1
    return 1.0 - shared / max(len(a.org_path), len(b.org_path))


def requested(a: Person, b: Person, rules: Rules) -> float:
    return 1.0 if (a.id, b.id) in rules.requests or (b.id, a.id) in rules.requests else 0.0


def breakdown(mentor: Person, mentee: Person, rules: Rules) -> Breakdown:
    """Score one pair. For reciprocal and peer pools both directions are scored."""
    down = skill_flows(mentor, mentee, rules)
    to_mentee = expertise_gain(down, mentee, rules)
    up: tuple[SkillFlow, ...] = ()
    to_mentor = 0.0
    if rules.is_general:
        up = skill_flows(mentee, mentor, rules)
        to_mentor = expertise_gain(up, mentor, rules)
    if rules.kind == "reciprocal":
        expertise = mutual_gain(to_mentee, to_mentor)
    elif rules.kind == "peer":
        expertise = max(to_mentee, to_mentor)
    else:
        expertise = to_mentee
    raw = {
        "expertise": expertise,
        "work_style": work_style_similarity(mentor, mentee),
        "availability": availability(mentor, mentee, rules),
        "timezone": timezone_closeness(mentor, mentee),
        "cross_department": cross_department(mentor, mentee),
        "request": requested(mentor, mentee, rules),
    }
    w = rules.weights
    total = w.total()
    weight = {
        "expertise": w.expertise,
        "work_style": w.work_style,
        "availability": w.availability,
        "timezone": w.timezone,
        "cross_department": w.cross_department,
        "request": w.request,
    }
    factors = {f: 100.0 * weight[f] * raw[f] / total if total else 0.0 for f in FACTORS}
    score = sum(factors.values())
    return Breakdown(
        score=score,
        factors=factors,
        raw=raw,
        flows=down + up,
        gain_to_mentee=to_mentee,
        gain_to_mentor=to_mentor,
    )


def has_skill_flow(mentor: Person, mentee: Person, rules: Rules) -> bool:
    """The skill side of the hard rules: no pair is proposed without learning in it."""
    b = breakdown(mentor, mentee, rules)
    return b.raw["expertise"] > 0
