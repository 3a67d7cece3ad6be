"""Skill gaps nobody in the pool can fill: plain data in, plain data out (no Django)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pairing.engine.model import MAX_SKILL_LEVEL, Person, Rules
from pairing.engine.rules import qualifying_level
from pairing.engine.score import counts


def skill_gaps(teachers: Sequence[Person], learners: Sequence[Person], rules: Rules) -> list[dict[str, object]]:
    """Wanted focus skills that no teacher in the pool is clearly ahead enough to teach.

    One line per skill: how many learners want it at a level nobody can teach, and the best level
    on offer (None when nobody offers it at all), most learners first. HR reads this as "recruit
    mentors for these skills", whatever the rules and capacities do.
    """
    best: dict[int, int] = {}
    for teacher in teachers:
        for skill_id, entry in teacher.skills.items():
            if entry.can_teach and counts(skill_id, rules):
                best[skill_id] = max(best.get(skill_id, -1), entry.level)
    unmet: dict[int, int] = defaultdict(int)
    for learner in learners:
        for skill_id, entry in learner.skills.items():
            if entry.wants <= 0 or not counts(skill_id, rules) or entry.level >= MAX_SKILL_LEVEL:
                continue
            if best.get(skill_id, -1) < qualifying_level(entry.level):
                unmet[skill_id] += 1
    return [
        {
            "skill_id": skill_id,
            "skill": rules.skill_name(skill_id),
            "learners": n,
            "best_teacher_level": best.get(skill_id),
        }
        for skill_id, n in sorted(unmet.items(), key=lambda item: (-item[1], rules.skill_name(item[0])))
    ]
