"""Sensible defaults per program kind: what HR gets before changing anything.

Matching rules are read by the pairing engine; reminder settings by the feedback-loop sweeps. Both
are stored as JSON on the program so HR can tune them per program without a migration.
"""

from typing import Any

from mentorship.participants.orgtree import DEFAULT_DEPARTMENT_LEVEL

TRADITIONAL, REVERSE, RECIPROCAL, PEER = "traditional", "reverse", "reciprocal", "peer"

# Factor weights add up to 100; complementary expertise dominates by design.
DEFAULT_WEIGHTS = {
    "expertise": 60,
    "work_style": 10,
    "availability": 10,
    "timezone": 10,
    "cross_department": 5,
    "requests": 5,
}
DEFAULT_LEARNING_FLOOR = 2
LEARNING_FLOOR_CHOICES = [
    (0, "Off: any skill the mentor is clearly ahead in"),
    (2, "At least one wanted skill taught by someone two levels ahead"),
    (3, "At least one wanted skill taught by someone three levels ahead"),
]

WEIGHT_NAMES = {
    "expertise": "Complementary expertise",
    "work_style": "Work-style similarity",
    "availability": "Availability",
    "timezone": "Time-zone closeness",
    "cross_department": "Cross-department exposure",
    "requests": "Explicit requests",
}


def default_matching(kind: str) -> dict[str, Any]:
    rules: dict[str, Any] = {
        # Seniority direction: traditional needs the mentor this many levels above; reverse needs
        # the mentor at least this many below; peer allows at most `max_level_gap` either way.
        "min_level_gap": {TRADITIONAL: 2, REVERSE: 1}.get(kind, 0),
        "max_level_gap": 1 if kind == PEER else 6,
        "different_department": kind in (REVERSE, RECIPROCAL),
        # Which level of the org tree is a person's "department" for the rule above and for the
        # cross-department factor: 1 is the first level below the organisation root.
        "department_level": DEFAULT_DEPARTMENT_LEVEL,
        "shared_language": True,
        "min_overlap_hours": 2,
        "avoid_previous_pairs": True,
        # The learning floor: a proposal must carry at least one wanted skill taught by someone
        # this many levels ahead of the learner (0 = off: any clearly-ahead teaching counts).
        "learning_floor": DEFAULT_LEARNING_FLOOR,
        "weights": dict(DEFAULT_WEIGHTS),
    }
    return rules


def default_reminders() -> dict[str, Any]:
    return {
        "rating_delay_hours": 24,
        "cadence_grace_days": 3,
        "escalate_after_missed_cycles": 2,
        "remind_before_enrollment_closes": True,
    }


# (duration in months, cadence in days, capacity) per kind.
DEFAULT_SHAPE = {
    TRADITIONAL: (6, 21, 2),
    REVERSE: (3, 14, 1),
    RECIPROCAL: (4, 14, 1),
    PEER: (3, 14, 1),
}

DEFAULT_GUIDE = """Before your first session
- Agree two or three clear, specific objectives: which skills, to what level, by when.
- Agree how often and where you meet, and how to reach each other in between.

In every session
- Communicate openly: say what works, what does not, and what you need.
- Give feedback regularly, both ways. A mentor learns too.
- Note what you covered and what you will try before the next session.

After every session
- Rate the session: it takes a minute and tells HR what to improve. Only you and HR see it.
"""

KIND_EXPLANATIONS = {
    TRADITIONAL: (
        "A more experienced colleague guides a less experienced one in leadership, technical depth and career growth."
    ),
    REVERSE: "A junior colleague coaches a senior one in digital skills, new technology and current ways of working.",
    RECIPROCAL: "A skill swap: each of you teaches the other something you are good at.",
    PEER: "Colleagues at a similar level learn from each other's strengths.",
}
