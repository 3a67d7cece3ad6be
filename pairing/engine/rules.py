"""Hard rules, pair by pair, in plain Python.

The vectorised scorer (score.py) applies the same rules as masks over whole blocks of
pairs; this module is the readable definition, used for explanations, unmatched reasons
and as the oracle in tests.
"""

from __future__ import annotations

import math

from pairing.engine.model import MAX_SKILL_LEVEL, Person, Rules

# Codes in the order reasons are reported; text reads "... <text>".
RULE_TEXT: dict[str, str] = {
    "self": "is the same person",
    "seniority": "does not have the seniority the program asks for",
    "reporting_line": "is in your reporting line",
    "same_unit": "is in your own org unit",
    "language": "shares no language with you",
    "working_hours": "has too little working-hour overlap with you",
    "previously_paired": "was paired with you before",
    "blocked": "is blocked from pairing with you",
    "learning_floor": "is not far enough ahead in any skill you want",
}


def qualifying_level(learner_level: int) -> int:
    """Lowest teacher level that counts as clearly ahead of the learner.

    Two levels ahead always counts; one level ahead counts only from level 3 (a teacher at
    level 2 is barely past a beginner). Level 6 means nobody qualifies.
    """
    return min(learner_level + 2, max(3, learner_level + 1))


def is_clearly_ahead(teacher_level: int, learner_level: int) -> bool:
    return learner_level < MAX_SKILL_LEVEL and teacher_level >= qualifying_level(learner_level)


def floor_flow(teacher: Person, learner: Person, rules: Rules, gap: int | None = None) -> bool:
    """Does the teacher teach the learner at least one wanted focus skill clearly ahead and
    at least `gap` (default: the learning floor) levels ahead?"""
    gap = rules.learning_floor if gap is None else gap
    for skill_id, want in learner.skills.items():
        offer = teacher.skills.get(skill_id)
        if want.wants <= 0 or offer is None or not offer.can_teach:
            continue
        if rules.skill_focus and skill_id not in rules.skill_focus:
            continue
        if is_clearly_ahead(offer.level, want.level) and offer.level - want.level >= gap:
            return True
    return False


def learning_floor_ok(mentor: Person, mentee: Person, rules: Rules) -> bool:
    """The floor per kind: the mentor's teaching (traditional, reverse), both ways for a swap
    (reciprocal), either way (peer)."""
    if rules.learning_floor <= 0:
        return True
    down = floor_flow(mentor, mentee, rules)
    if rules.kind == "reciprocal":
        return down and floor_flow(mentee, mentor, rules)
    if rules.kind == "peer":
        return down or floor_flow(mentee, mentor, rules)
    return down


def seniority_ok(mentor: Person, mentee: Person, rules: Rules) -> bool:
    diff = mentor.level - mentee.level
    if rules.kind == "traditional":
        return diff >= rules.gap
    if rules.kind == "reverse":
        return -diff >= max(rules.gap, 1)
    if rules.kind == "peer":
        return abs(diff) <= rules.gap
    return True


def in_reporting_line(a: Person, b: Person) -> bool:
    return a.id in b.line_ids or b.id in a.line_ids


def utc_window(person: Person) -> tuple[float, float]:
    """Working hours in UTC as (start in [0, 24), end = start + length)."""
    start, end = person.work_hours
    length = (end - start) % 24 or (24.0 if end != start else 0.0)
    utc_start = (start - person.utc_offset) % 24
    return utc_start, utc_start + length


def overlap_of_windows(a: tuple[float, float], b: tuple[float, float]) -> float:
    # Windows repeat daily; with starts in [0, 24) only shifts of -1, 0, +1 days can meet.
    total = 0.0
    for shift in (-24.0, 0.0, 24.0):
        total += max(0.0, min(a[1], b[1] + shift) - max(a[0], b[0] + shift))
    return min(total, 24.0)


def hours_overlap(a: Person, b: Person) -> float:
    return overlap_of_windows(utc_window(a), utc_window(b))


def shares_language(a: Person, b: Person) -> bool:
    return not a.languages or not b.languages or bool(a.languages & b.languages)


def unordered(pairs: frozenset[tuple[int, int]]) -> frozenset[frozenset[int]]:
    return frozenset(frozenset(p) for p in pairs)


def broken_rules(mentor: Person, mentee: Person, rules: Rules) -> list[str]:
    """Codes of every hard rule the pair breaks (empty = allowed, skills aside: a pair with
    no skill flow at all breaks the skills rule, not the learning floor)."""
    broken: list[str] = []
    key = frozenset((mentor.id, mentee.id))
    if mentor.id == mentee.id:
        broken.append("self")
    if not seniority_ok(mentor, mentee, rules):
        broken.append("seniority")
    if in_reporting_line(mentor, mentee):
        broken.append("reporting_line")
    if rules.other_unit_only and mentor.org_unit_id == mentee.org_unit_id:
        broken.append("same_unit")
    if rules.shared_language and not shares_language(mentor, mentee):
        broken.append("language")
    if rules.min_overlap_hours > 0 and hours_overlap(mentor, mentee) < rules.min_overlap_hours:
        broken.append("working_hours")
    if rules.avoid_previous and key in unordered(rules.previous_pairs):
        broken.append("previously_paired")
    if key in unordered(rules.blocks):
        broken.append("blocked")
    if not learning_floor_ok(mentor, mentee, rules) and (
        floor_flow(mentor, mentee, rules, gap=0) or (rules.is_general and floor_flow(mentee, mentor, rules, gap=0))
    ):
        broken.append("learning_floor")  # some skill flows, none far enough ahead
    return broken


def timezone_closeness(a: Person, b: Person) -> float:
    """1 in the same zone, 0.5 six hours apart, 0 twelve hours apart (a cosine curve)."""
    return (1.0 + math.cos(2.0 * math.pi * (a.utc_offset - b.utc_offset) / 24.0)) / 2.0
