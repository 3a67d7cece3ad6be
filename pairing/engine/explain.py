"""Plain-words explanations for HR (third person): what each pair gains, factor by factor.

An explanation states only what the data holds: a factor whose data is missing says so and
shows its neutral points; skill levels are labelled ("teacher 5, learner 0"); a reverse pair
says that the more junior colleague teaches. `Pair.facts` carries the same facts as data, so
the participants' page (explain_for_pair.py) can word them in the second person.
"""

from __future__ import annotations

from collections.abc import Sequence

from pairing.engine.model import Pair, Person, Rules, SkillFlow
from pairing.engine.score import Breakdown, breakdown

FACTOR_WORDS = {
    "work_style": "Similar work style",
    "availability": "Time for mentoring",
    "timezone": "Timezone closeness",
    "cross_department": "Cross-department exposure",
    "request": "An explicit request",
}


def plural(n: float, one: str, many: str | None = None) -> str:
    """'1 hour', '2.5 hours', '0 hours'."""
    return f"{n:g} {one if n == 1 else (many or one + 's')}"


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
        facts=facts(mentor, mentee, rules),
    )


def missing(mentor: Person, mentee: Person) -> dict[str, list[int]]:
    """Factor -> ids of the people in the pair whose data for it is missing."""
    out = {
        "availability": [p.id for p in (mentor, mentee) if p.availability is None],
        "work_style": [p.id for p in (mentor, mentee) if not p.work_style],
        "cross_department": [p.id for p in (mentor, mentee) if not p.org_path],
    }
    return {factor: ids for factor, ids in out.items() if ids}


def facts(mentor: Person, mentee: Person, rules: Rules) -> dict[str, object]:
    """The facts an explanation rests on, as data: missing data per factor, and for reverse
    pairs that the more junior colleague is the one teaching."""
    out: dict[str, object] = {"missing": missing(mentor, mentee)}
    if rules.kind == "reverse":
        out["junior_teaches"] = mentor.id
    return out


def _levels(flow: SkillFlow) -> str:
    return f"{flow.skill} (teacher {flow.teacher_level}, learner {flow.learner_level}, priority {flow.priority})"


def _flow_line(teacher: Person, learner: Person, flows: Sequence[SkillFlow]) -> str:
    if not flows:
        return f"{teacher.label} has nothing to teach {learner.label} in this program."
    return f"{teacher.label} can teach {learner.label}: " + "; ".join(_levels(f) for f in flows) + "."


def _points(rules: Rules, factor: str, value: float) -> str:
    weights = rules.weights
    maximum = 100.0 * getattr(weights, factor) / weights.total() if weights.total() else 0.0
    return f"{value:.1f} of {maximum:.1f} points"


def _not_given(what: str, ids: Sequence[int], mentor: Person, mentee: Person) -> str:
    if len(ids) == 2:
        return f"neutral: {what} not given by either of them"
    who = mentor if ids[0] == mentor.id else mentee
    return f"neutral: {what} not given by {who.label}"


def _hours(person: Person) -> str:
    return f"{person.label} {plural(person.availability or 0.0, 'hour')} a month"


def explain(mentor: Person, mentee: Person, result: Breakdown, rules: Rules) -> list[str]:
    down = [f for f in result.flows if f.teacher_id == mentor.id]
    up = [f for f in result.flows if f.teacher_id == mentee.id]
    lines = [f"{mentor.label} and {mentee.label}: score {result.score:.1f} of 100."]
    if rules.kind == "reverse":
        lines.append(
            f"Reverse mentoring: the more junior colleague teaches. {mentor.label} (career level "
            f"{mentor.level}) teaches {mentee.label} (career level {mentee.level})."
        )
    lines.append(_flow_line(mentor, mentee, down))
    if rules.is_general:
        lines.append(_flow_line(mentee, mentor, up))
    lines.append(_expertise_line(mentor, mentee, result, rules))
    raw = result.raw
    gaps = missing(mentor, mentee)
    offset = abs(mentor.utc_offset - mentee.utc_offset)
    details = {
        "work_style": (
            _not_given("work-style answers", gaps["work_style"], mentor, mentee)
            if "work_style" in gaps
            else "their answers to the five work-style questions compared"
        ),
        "availability": (
            _not_given("availability", gaps["availability"], mentor, mentee)
            if "availability" in gaps
            else f"{_hours(mentor)}, {_hours(mentee)}; "
            f"{plural(rules.weights.availability_target_hours, 'hour')} counts as enough"
        ),
        "timezone": "same time zone" if offset == 0 else f"{plural(offset, 'hour')} apart",
        "cross_department": (
            _not_given("org unit", gaps["cross_department"], mentor, mentee)
            if "cross_department" in gaps
            else "different parts of the organisation"
            if raw["cross_department"] > 0
            else "same org unit"
        ),
        "request": "one of them asked for the other",
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


__all__ = ["explain", "facts", "make_pair", "missing", "plural"]
