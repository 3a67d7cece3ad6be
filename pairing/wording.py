"""The engine's unmatched reasons in plain words, for the two audiences that read them.

The engine writes to the person ("no enrolled mentor can teach you…"). Participants read that
second person as it is; HR reads about someone else, so `third_person` turns the same sentence
round ("…can teach them…"). Every reason code has a one-line summary for the run page's tally.
"""

from __future__ import annotations

import re

# One summary per engine reason code (pairing/engine/reasons.py), in the engine's second person.
# Keep in step with the engine: a test fails when the engine gains a code this table lacks.
REASON_SUMMARIES: dict[str, str] = {
    "capacity": "every partner you could pair with is full",
    "lower_total": "pairing you would lower the overall result",
    "below_floor": "every pair open to you scores below the raised floor",
    "no_gain": "a pair with you would add nothing to the total",
    "no_swap": "those who can teach you want nothing you can teach",
    "no_learner": "nobody wants to learn what you can teach",
    "nothing_to_learn": "you asked to learn none of the program's skills you could still grow in",
    "no_teacher": "nobody enrolled can teach what you want",
    "nothing_to_teach": "you offered to teach none of the program's focus skills",
    "mentees_elsewhere": "every mentee you could take is better paired elsewhere",
    "rules": "everyone who could teach you breaks a program rule",
    "seniority": "no qualified partner is at the right career level for you",
    "reporting_line": "every qualified partner is in your reporting line",
    "same_unit": "every qualified partner is in your own org unit",
    "language": "no qualified partner shares a language with you",
    "working_hours": "no qualified partner shares enough working hours with you",
    "previously_paired": "every qualified partner was paired with you before",
    "blocked": "every qualified partner is blocked from pairing with you",
    "learning_floor": "no qualified partner is far enough ahead of you (the program's learning floor)",
}

_VERBS = "could|would|have|are|were|can|teach|want|score|asked|offered"
_THIRD_PERSON = [
    (re.compile(r"\byourself\b"), "themselves"),
    (re.compile(r"\byours\b"), "theirs"),
    (re.compile(r"\byour\b"), "their"),
    (re.compile(r"\bYour\b"), "Their"),
    (re.compile(rf"\byou(?= (?:{_VERBS})\b)"), "they"),
    (re.compile(rf"\bYou(?= (?:{_VERBS})\b)"), "They"),
    (re.compile(r"\byou\b"), "them"),
]


def third_person(text: str) -> str:
    """The engine's sentence about "you", told to HR about "them"."""
    for pattern, replacement in _THIRD_PERSON:
        text = pattern.sub(replacement, text)
    return text


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def reason_for_hr(code: str) -> str:
    """The tally line for HR: "Nobody wants to learn what they can teach"."""
    return _sentence(third_person(REASON_SUMMARIES.get(code, "another reason")))


def reason_for_participant(code: str) -> str:
    """The same line for the person themselves: "Nobody wants to learn what you can teach"."""
    return _sentence(REASON_SUMMARIES.get(code, "another reason"))
