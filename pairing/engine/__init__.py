"""The pairing engine: plain Python on plain data, no Django.

    from pairing import engine
    solution = engine.solve(mentors, mentees, engine.Rules(kind="reverse"))

See README.md in this folder for the score formula, the file formats and the benchmark.
"""

from pairing.engine.model import (
    KINDS,
    Kind,
    Pair,
    Person,
    Rules,
    SkillEntry,
    SkillFlow,
    Solution,
    Unmatched,
    Weights,
)
from pairing.engine.solve import solve

__all__ = [
    "KINDS",
    "Kind",
    "Pair",
    "Person",
    "Rules",
    "SkillEntry",
    "SkillFlow",
    "Solution",
    "Unmatched",
    "Weights",
    "solve",
]
