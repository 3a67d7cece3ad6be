"""Known effects planted in the `seed_scale` data, so the comparison of approaches can be proved.

`seed_scale --plant known-effects` rewrites the scale goals' assessments from a model whose
answers are known, and adds colleagues in no program who update their inventories twice:

    growth = planted[approach, category] + LEVEL_SLOPE * (starting level - 2) + noise

with reverse mentoring +1.0 on digital skills, traditional +0.6 on leadership, every other
approach and category +0.3, and colleagues outside any program +0.1. Starting levels are
confounded with the approach (reverse learners start low, where there is more room to grow;
traditional learners start high), so raw means overstate reverse and understate traditional;
the common mix of starting levels over everyone measured is about 2, where the planted values
are the true growth. Levels are whole numbers: a growth of 1.3 becomes 1 or 2 with the odds
that keep its average at 1.3. Self-assessments in reverse mentoring run +0.5 ahead of the
check-ins and partners' views. `--plant no-difference` plants +0.1 for everyone, with the same
confounding: the raw means still differ, and the page must not claim a difference.
"""

import math
import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.participants.models import OrgUnit, Participant
from mentorship.programs.models import ProgramKind
from mentorship.workspace.models import Goal
from skills.models import Assessment, AssessmentSource, Skill, SkillCategory

KNOWN_EFFECTS = "known-effects"
NO_DIFFERENCE = "no-difference"
PLANS = (KNOWN_EFFECTS, NO_DIFFERENCE)
BASELINE = "none"

BASELINE_GROWTH = 0.1
OTHER_GROWTH = 0.3
PLANTED = {
    (ProgramKind.REVERSE.value, SkillCategory.DIGITAL.value): 1.0,
    (ProgramKind.TRADITIONAL.value, SkillCategory.LEADERSHIP.value): 0.6,
}
LEVEL_SLOPE = -0.3  # each level above 2 grows 0.3 less: less room to grow
NOISE = 0.6
SELF_OPTIMISM = {ProgramKind.REVERSE.value: 0.5}
START_LEVELS = {
    ProgramKind.REVERSE.value: (0, 1, 1, 1, 2, 2, 2, 3),  # mean 1.5
    ProgramKind.TRADITIONAL.value: (1, 2, 2, 2, 3, 3, 3, 4),  # mean 2.5
}
OTHER_START_LEVELS = (1, 2, 2, 3)  # mean 2
MEASURED_AFTER_DAYS = 45  # as seed_scale: a goal is re-assessed once its pair is this old
OUTSIDER_SHARE = 5  # with a plan, one person in five is in no program
SEED = 2026
UNUSABLE = "!"  # as seed_scale: nobody signs in as a scale person


def planted_growth(plan: str, group: str, category: str) -> float:
    """The true growth at starting level 2 (what the adjusted figures should recover)."""
    if plan == NO_DIFFERENCE or group == BASELINE:
        return BASELINE_GROWTH
    return PLANTED.get((group, category), OTHER_GROWTH)


def planted_self_optimism(plan: str, group: str) -> float:
    return 0.0 if plan == NO_DIFFERENCE else SELF_OPTIMISM.get(group, 0.0)


def _whole(rng: random.Random, value: float) -> int:
    """A whole number whose average is `value` (floor(value + U) with U uniform on [0, 1))."""
    return math.floor(value + rng.random())


def draw(rng: random.Random, plan: str, group: str, category: str) -> tuple[int, int, int]:
    """Starting level, latest level and the learner's own optimistic view of it."""
    start = rng.choice(START_LEVELS.get(group, OTHER_START_LEVELS))
    growth = planted_growth(plan, group, category) + LEVEL_SLOPE * (start - 2) + rng.gauss(0, NOISE)
    end = min(5, max(0, start + _whole(rng, growth)))
    seen = min(5, max(0, end + _whole(rng, planted_self_optimism(plan, group))))
    return start, end, seen


@transaction.atomic
def plant_effects(
    *,
    plan: str,
    domain: str,
    program_prefix: str,
    kind_categories: Mapping[str, Sequence[str]],
    outsiders: int,
    seed: int = SEED,
) -> dict[str, int]:
    """Rewrite the scale goals' skills and assessments from the plan, and add `outsiders`
    colleagues in no program, each assessed twice on two skills over the same months."""
    if plan not in PLANS:
        raise ValueError(f"Unknown plan {plan!r}: choose one of {', '.join(PLANS)}.")
    rng = random.Random(seed)
    now = timezone.now()
    skills: dict[str, list[int]] = {}
    for pk, category in Skill.objects.filter(retired_at=None).order_by("id").values_list("id", "category"):
        skills.setdefault(category, []).append(pk)
    scale_people = Participant.objects.filter(user__email__endswith=f"@{domain}")
    Assessment.objects.filter(participant__in=scale_people).delete()

    goals = list(
        Goal.objects.filter(mentorship__program__name__startswith=program_prefix)
        .select_related("mentorship", "mentorship__program")
        .order_by("id")
    )
    used: set[tuple[int, int]] = set()
    assessments: list[Assessment] = []
    for goal in goals:
        mentorship, kind = goal.mentorship, goal.mentorship.program.kind
        category = rng.choice(list(kind_categories[kind]))
        # One goal per skill and learner, so no goal's start is another goal's end.
        choices = [pk for pk in skills[category] if (goal.learner_id, pk) not in used] or skills[category]
        goal.skill_id = rng.choice(choices)
        used.add((goal.learner_id, goal.skill_id))
        start, end, seen = draw(rng, plan, kind, category)
        goal.from_level, goal.target_level = start, min(5, start + 2)
        started = mentorship.started_at
        assessments.append(_assessment(goal.learner_id, goal.skill_id, start, AssessmentSource.SELF, started, -1))
        age = ((mentorship.ended_at or now) - started).days
        if age > MEASURED_AFTER_DAYS:
            partner = mentorship.mentor_id if goal.learner_id == mentorship.mentee_id else mentorship.mentee_id
            for level, source, day, by in (
                (seen, AssessmentSource.SELF, age - 8, None),
                (end, AssessmentSource.CHECK_IN, age - 1, goal.learner_id),
                (end, AssessmentSource.PARTNER, age - 1, partner),
            ):
                assessments.append(_assessment(goal.learner_id, goal.skill_id, level, source, started, day, by))
    Goal.objects.bulk_update(goals, ["skill_id", "from_level", "target_level"], batch_size=5000)

    teams = list(OrgUnit.objects.filter(parent__parent__name="Scale Corp").order_by("id"))
    leads = list(scale_people.filter(user__email__startswith="lead").order_by("id"))
    users = User.objects.bulk_create(
        [
            User(email=f"o{i:05d}@{domain}", first_name="Scale", last_name=f"Outsider {i}", password=UNUSABLE)
            for i in range(outsiders)
        ],
        batch_size=5000,
    )
    people = Participant.objects.bulk_create(
        [
            Participant(
                user=user,
                job_title="Employee",
                career_level=rng.choice([1, 2, 3, 4]),
                languages=["en"],
                org_unit=teams[i % len(teams)] if teams else None,
                manager=leads[i % len(leads)] if leads else None,
                onboarded_at=now - timedelta(days=400),
            )
            for i, user in enumerate(users)
        ],
        batch_size=5000,
    )
    history_start = now - timedelta(days=270)
    categories = [c.value for c in SkillCategory if skills.get(c.value)]
    for person in people:
        for category in rng.sample(categories, 2):
            skill = rng.choice(skills[category])
            start, end, _ = draw(rng, plan, BASELINE, category)
            first = history_start + timedelta(days=rng.randint(0, 90), hours=rng.randint(8, 17))
            later = min(now - timedelta(hours=1), first + timedelta(days=rng.randint(45, 180)))
            assessments.append(_assessment(person.pk, skill, start, AssessmentSource.SELF, first, 0))
            assessments.append(_assessment(person.pk, skill, end, AssessmentSource.SELF, later, 0))
    Assessment.objects.bulk_create(assessments, batch_size=5000)
    measured = sum(1 for a in assessments if a.source == AssessmentSource.CHECK_IN)
    return {
        "assessments": len(assessments),  # replaces seed_scale's own count: these replaced its assessments
        "planted goals": len(goals),
        "re-assessed goals": measured,
        "colleagues outside programs": len(people),
    }


def _assessment(
    person: int, skill: int, level: int, source: str, moment: datetime, days: int, by: int | None = None
) -> Assessment:
    return Assessment(
        participant_id=person,
        skill_id=skill,
        level=level,
        source=source,
        assessed_by_id=by,
        assessed_at=moment + timedelta(days=days),
    )
