"""seed_scale builds what it says (COPY on PostgreSQL, bulk inserts elsewhere) and removes it."""

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from mentorship.mentorships.models import Mentorship
from mentorship.workspace.models import MentoringSession, SessionRating


@pytest.mark.django_db
def test_it_builds_sessions_rated_by_both_people_inside_each_pairs_time_and_deletes_them(db: Any) -> None:
    call_command("seed_scale", people=300, pairs=40, sessions_per_pair=3, verbosity=0)

    assert Mentorship.objects.count() == 40
    assert MentoringSession.objects.count() == 120
    assert SessionRating.objects.count() == 240
    assert not MentoringSession.objects.filter(held_on__lt=F("mentorship__started_at__date")).exists()
    assert not SessionRating.objects.exclude(score__in=range(1, 6)).exists()
    both = SessionRating.objects.filter(rater=F("session__mentorship__mentor")).count()
    assert both == SessionRating.objects.filter(rater=F("session__mentorship__mentee")).count() == 120
    assert all(row.created_at is not None and row.updated_at is not None for row in MentoringSession.objects.all())

    with pytest.raises(CommandError, match="exists already"):
        call_command("seed_scale", people=300, pairs=40, verbosity=0)
    call_command("seed_scale", delete=True, verbosity=0)
    assert not MentoringSession.objects.exists()
    assert not SessionRating.objects.exists()
