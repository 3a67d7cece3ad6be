"""Plain-words explanations: what each pair gains, factor by factor."""

from __future__ import annotations

from pairing.engine.model import Pair, Person, Rules, SkillFlow
from pairing.engine.score import Breakdown, breakdown

FACTOR_WORDS = {
    "work_style": "Similar work style",
    "availability": "Time for mentoring",
    "timezone": "Timezone closeness",
    "cross_department": "Cross-department exposure",
    "request": "An explicit request",
}


def make_pair(a: Person, b: Person, rules: Rules) -> Pair:
    """Score and explain a chosen pair. In reciprocal and peer pools the person who gives
    more learning is called the mentor (the lower id on a tie)."""
    result = breakdown(a, b, rules)
    mentor, mentee = a, b
    if rules.is_general:
        swap = result.gain_to_mentor > result.gain_to_mentee or (
            result.gain_to_mentor == result.gain_to_mentee and b.id < a.id
        )
        if swap:
            mentor, mentee = b, a
            result = breakdown(mentor, mentee, rules)
    return Pair(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        score=round(result.score, 3),
        factors={k: round(v, 3) for k, v in result.factors.items()},
        flows=result.flows,
        explanation=tuple(explain(mentor, mentee, result, rules)),
    )


def _levels(flow: SkillFlow) -> str:
    return f"{flow.skill} (level {flow.teacher_level} -> {flow.learner_level}, priority {flow.priority})"


def _flow_line(teacher: Person, learner: Person, flows: list[SkillFlow]) -> str:
    if not flows:
        return f"{teacher.label} has nothing to teach {learner.label} in this program."
    return f"{teacher.label} can teach {learner.label}: " + "; ".join(_levels(f) for f in flows) + "."


def _points(rules: Rules, factor: str, value: float) -> str:
    weights = rules.weights
    maximum = 100.0 * getattr(weights, factor) / weights.total() if weights.total() else 0.0
    return f"{value:.1f} of {maximum:.1f} points"


def explain(mentor: Person, mentee: Person, result: Breakdown, rules: Rules) -> list[str]:
    down = [f for f in result.flows if f.teacher_id == mentor.id]
    up = [f for f in result.flows if f.teacher_id == mentee.id]
    lines = [f"{mentor.label} and {mentee.label}: score {result.score:.1f} of 100."]
    lines.append(_flow_line(mentor, mentee, down))
    if rules.is_general:
        lines.append(_flow_line(mentee, mentor, up))
    lines.append(_expertise_line(mentor, mentee, result, rules))
    raw = result.raw
    details = {
        "work_style": "answers to the five work-style questions compared",
        "availability": (
            f"{mentor.availability:g} and {mentee.availability:g} hours a month; "
            f"{rules.weights.availability_target_hours:g} counts as enough"
        ),
        "timezone": f"{abs(mentor.utc_offset - mentee.utc_offset):g} hours apart",
        "cross_department": (
            "different parts of the organisation" if raw["cross_department"] > 0 else "same org unit or unknown units"
        ),
        "request": "one of them asked for the other" if raw["request"] else "no request",
    }
    for factor, words in FACTOR_WORDS.items():
        if factor == "request" and not raw["request"]:
            continue
        lines.append(f"{words} added {_points(rules, factor, result.factors[factor])} ({details[factor]}).")
    return lines


def _expertise_line(mentor: Person, mentee: Person, result: Breakdown, rules: Rules) -> str:
    points = _points(rules, "expertise", result.factors["expertise"])
    to_mentee = f"{result.gain_to_mentee:.0%}"
    if rules.kind == "reciprocal":
        return (
            f"Complementary expertise added {points}: {mentee.label} gets {to_mentee} and "
            f"{mentor.label} gets {result.gain_to_mentor:.0%} of what they want to learn "
            "(weighted by priority); a swap counts the harmonic mean of the two, so both must gain."
        )
    if rules.kind == "peer":
        return (
            f"Complementary expertise added {points}: the better direction counts; {mentee.label} "
            f"gets {to_mentee} and {mentor.label} gets {result.gain_to_mentor:.0%} of what they "
            "want to learn (weighted by priority)."
        )
    return (
        f"Complementary expertise added {points}: {mentor.label} covers {to_mentee} of what "
        f"{mentee.label} wants to learn, weighted by priority."
    )
