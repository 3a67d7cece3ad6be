"""“Why you two”: a pair's explanation in plain words for the two people in it.

HR reads the engine's explanation lines, with points per factor. The two people get sentences
without numbers about anyone else, and without the score itself: what each can teach the other
(levels labelled: "their level 5, yours 0"), which of the secondary factors speak for the pair,
which factors had no data (counted as neutral, never as a match), and in a reverse pair that
the more junior colleague is the one teaching.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Secondary factors worth a sentence when they earned at least this share of their maximum.
STRONG_SHARE = 0.7
FACTOR_SENTENCES = {
    "work_style": "You answered the work-style questions in similar ways.",
    "availability": "You both have set aside enough time for mentoring each month.",
    "timezone": "You work in the same or nearby time zones, so meeting is easy.",
    "cross_department": "You work in different parts of the organisation: each of you gets to see another side of it.",
    "request": "One of you asked to be paired with the other.",
}


MISSING_WHAT = {
    "availability": "monthly time for mentoring",
    "work_style": "work-style answers",
    "cross_department": "place in the organisation",
}


def _skill_list(flows: Iterable[Mapping[str, Any]], *, teacher: str, learner: str) -> str:
    return ", ".join(
        f"{flow['skill']} ({teacher} level {flow['teacher_level']}, {learner} {flow['learner_level']})"
        for flow in sorted(flows, key=lambda f: (-int(f["priority"]), str(f["skill"])))
    )


def _missing_lines(viewer_id: int, partner_name: str, missing: Mapping[str, Any]) -> list[str]:
    lines = []
    for factor, what in MISSING_WHAT.items():
        ids = [int(i) for i in missing.get(factor, [])]
        if not ids:
            continue
        if len(ids) == 2:
            who = "Neither of you has given your"
        elif ids[0] == viewer_id:
            who = "You have not given your"
        else:
            who = f"{partner_name} has not given their"
        lines.append(f"{who} {what}, so it counted as neutral: neither for nor against this match.")
    return lines


def why_you_two(
    *,
    viewer_id: int,
    partner_name: str,
    flows: Iterable[Mapping[str, Any]],
    factors: Mapping[str, float],
    weights: Mapping[str, float],
    facts: Mapping[str, Any] | None = None,
) -> list[str]:
    facts = facts or {}
    flows = list(flows)
    to_viewer = [f for f in flows if f["learner_id"] == viewer_id]
    from_viewer = [f for f in flows if f["teacher_id"] == viewer_id]
    lines = []
    teacher = facts.get("junior_teaches")
    if teacher is not None:
        lines.append(
            "This is reverse mentoring: the more junior colleague teaches. "
            + ("You teach " + partner_name + "." if int(teacher) == viewer_id else partner_name + " teaches you.")
        )
    if to_viewer:
        lines.append(
            f"{partner_name} can help you with what you want to learn: "
            + _skill_list(to_viewer, teacher="their", learner="yours")
            + "."
        )
    if from_viewer:
        lines.append(
            f"You can help {partner_name} with what they want to learn: "
            + _skill_list(from_viewer, teacher="your", learner="theirs")
            + "."
        )
    total = sum(float(w) for w in weights.values()) or 1.0
    names = {"request": "requests"}
    for factor, sentence in FACTOR_SENTENCES.items():
        weight = float(weights.get(names.get(factor, factor), 0) or 0)
        maximum = 100.0 * weight / total
        if factor in (facts.get("missing") or {}):
            continue  # no data: never claimed as a match
        if maximum > 0 and float(factors.get(factor, 0.0)) >= STRONG_SHARE * maximum:
            lines.append(sentence)
    lines.extend(_missing_lines(viewer_id, partner_name, facts.get("missing") or {}))
    return lines
