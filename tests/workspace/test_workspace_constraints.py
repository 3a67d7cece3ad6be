"""The database itself refuses what the services refuse: written straight through the ORM."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentorship.workspace.models import CheckIn, Goal, MentoringSession, SessionRating

from .conftest import Pair


def test_one_rating_per_person_per_session(pair: Pair, session: MentoringSession) -> None:
    SessionRating.objects.create(session=session, rater=pair.mentee, score=4)
    SessionRating.objects.create(session=session, rater=pair.mentor, score=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionRating.objects.create(session=session, rater=pair.mentee, score=5)


@pytest.mark.parametrize(("score", "ok"), [(0, False), (1, True), (5, True), (6, False)])
def test_a_rating_score_is_1_to_5(pair: Pair, session: MentoringSession, score: int, ok: bool) -> None:
    if ok:
        SessionRating.objects.create(session=session, rater=pair.mentee, score=score)
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            SessionRating.objects.create(session=session, rater=pair.mentee, score=score)


@pytest.mark.parametrize(("start", "target", "ok"), [(1, 2, True), (2, 2, False), (3, 1, False), (None, 4, True)])
def test_a_goal_aims_above_its_start(pair: Pair, start: int | None, target: int, ok: bool) -> None:
    values = {
        "mentorship": pair.mentorship,
        "learner": pair.mentee,
        "title": "x",
        "from_level": start,
        "target_level": target,
    }
    if ok:
        Goal.objects.create(**values)
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            Goal.objects.create(**values)


def test_goal_levels_stay_within_0_to_5(pair: Pair) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.create(mentorship=pair.mentorship, learner=pair.mentee, title="x", from_level=1, target_level=6)


@pytest.mark.parametrize(("minutes", "ok"), [(4, False), (5, True), (480, True), (481, False)])
def test_a_session_lasts_5_to_480_minutes(pair: Pair, minutes: int, ok: bool) -> None:
    values = {
        "mentorship": pair.mentorship,
        "held_on": timezone.localdate() - timedelta(days=1),
        "duration_minutes": minutes,
        "logged_by": pair.mentee,
    }
    if ok:
        MentoringSession.objects.create(**values)
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            MentoringSession.objects.create(**values)


def test_a_check_in_happens_once_per_person_and_kind(pair: Pair) -> None:
    values = {"mentorship": pair.mentorship, "relationship_rating": 4, "would_recommend": True}
    CheckIn.objects.create(participant=pair.mentee, kind="midpoint", **values)
    CheckIn.objects.create(participant=pair.mentee, kind="final", **values)
    CheckIn.objects.create(participant=pair.mentor, kind="midpoint", **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(participant=pair.mentee, kind="midpoint", **values)


@pytest.mark.parametrize("rating", [0, 6])
def test_a_check_in_rates_the_relationship_1_to_5(pair: Pair, rating: int) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(
            mentorship=pair.mentorship,
            participant=pair.mentee,
            kind="midpoint",
            relationship_rating=rating,
            would_recommend=True,
        )
