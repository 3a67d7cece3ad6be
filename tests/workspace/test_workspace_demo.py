"""The workspace demo: months of believable history for the running program, made once."""

from datetime import timedelta

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from mentorship.demo import matching as pairing_demo
from mentorship.demo import organisation as core_demo
from mentorship.demo.workspace import RUNNING_PROGRAM, seed_workspace_demo
from mentorship.mentorships.models import Mentorship
from mentorship.programs.models import Program
from mentorship.workspace.models import CheckIn, FitCheck, Goal, MentoringSession, PrivateNote, SessionRating
from skills.models import Assessment, AssessmentSource, SkillEntry

pytestmark = pytest.mark.django_db


def _state() -> dict[str, object]:
    return {
        "program": list(Program.objects.filter(name=RUNNING_PROGRAM).values()),
        "mentorships": list(Mentorship.objects.order_by("pk").values()),
        "goals": Goal.objects.count(),
        "sessions": MentoringSession.objects.count(),
        "ratings": SessionRating.objects.count(),
        "notes": PrivateNote.objects.count(),
        "fits": FitCheck.objects.count(),
        "check_ins": CheckIn.objects.count(),
        "assessments": Assessment.objects.count(),
        "entries": dict(SkillEntry.objects.values_list("id", "level")),
    }


def test_the_running_program_gets_months_of_history_once() -> None:
    core_demo.seed_organisation()
    core_demo.seed_inventories()
    core_demo.seed_programs()
    pairing_demo.seed_matching_demo()
    made = seed_workspace_demo()
    first = _state()
    assert seed_workspace_demo() == 0
    assert _state() == first

    today = timezone.localdate()
    program = Program.objects.get(name=RUNNING_PROGRAM)
    assert today - timedelta(days=125) <= program.starts_on <= today - timedelta(days=110)
    pairs = Mentorship.objects.filter(program=program).annotate(
        goal_count=Count("goals", distinct=True),
        low=Count("sessions__ratings", filter=Q(sessions__ratings__score__lte=2), distinct=True),
    )
    assert pairs.count() >= 10 and made == MentoringSession.objects.count() >= 5 * pairs.count()
    assert all(1 <= pair.goal_count <= 3 for pair in pairs)
    assert not Goal.objects.filter(progress_notes="").exists()
    for pair in pairs:
        assert pair.started_at.date() >= program.starts_on
        assert not pair.sessions.filter(Q(held_on__gte=today) | Q(held_on__lt=pair.started_at.date())).exists()

    at_risk = [pair for pair in pairs if pair.at_risk_since]
    assert len(at_risk) == 1
    risky = at_risk[0]
    assert risky.low >= 2 and "No session for" in risky.at_risk_reason
    last = risky.sessions.order_by("-held_on").first()
    assert (today - last.held_on).days > 2 * program.cadence_days
    assert all(pair.low <= 1 for pair in pairs if pair.pk != risky.pk)  # the sweep will not flag others

    # Ratings for most sessions but not all; fit checks; midpoint check-ins that show growth.
    possible = 2 * MentoringSession.objects.count()
    assert 0.6 * possible <= SessionRating.objects.count() < possible
    assert FitCheck.objects.exists() and CheckIn.objects.filter(kind="midpoint").exists()
    grown = [
        goal
        for goal in Goal.objects.filter(mentorship__program=program)
        if Assessment.objects.filter(
            participant=goal.learner, skill=goal.skill, source=AssessmentSource.CHECK_IN, level__gt=goal.from_level
        ).exists()
    ]
    assert grown
    for goal in grown:  # the inventory shows the latest own assessment
        latest = (
            Assessment.objects.filter(participant=goal.learner, skill=goal.skill)
            .exclude(source=AssessmentSource.PARTNER)
            .latest("assessed_at", "id")
        )
        assert SkillEntry.objects.get(participant=goal.learner, skill=goal.skill).level == latest.level
