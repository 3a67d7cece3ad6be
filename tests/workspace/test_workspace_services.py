"""The workspace's write path: goals, sessions, confirmation, ratings, fit, check-ins, ending."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentorship.mentorships.models import EndReason, MentorshipStatus
from mentorship.notifications.models import Notification
from mentorship.workspace import queries, services
from mentorship.workspace.models import CheckIn, FitCheck, Goal, MentoringSession, PrivateNote, SessionRating
from skills.models import Assessment, AssessmentSource, SkillEntry

from .conftest import Pair, make_running_program, skill_named

TODAY = timezone.localdate


def _log(pair: Pair, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "mentorship": pair.mentorship,
        "by": pair.mentee,
        "held_on": TODAY() - timedelta(days=1),
        "duration_minutes": 60,
        "format": "meeting",
    }
    return services.session_log(**{**values, **overrides})


# --- Goals ---------------------------------------------------------------------------------------


def test_a_goal_starts_at_the_learners_inventory_level(pair: Pair, goal: Goal) -> None:
    assert (goal.learner, goal.from_level, goal.target_level) == (pair.mentee, 1, 3)


def test_a_goal_on_a_skill_not_in_the_inventory_starts_at_zero(pair: Pair) -> None:
    goal = services.goal_create(
        mentorship=pair.mentorship,
        by=pair.mentor,
        learner=pair.mentee,
        title="Handle a hard stakeholder",
        skill=pair.other_skill,
        target_level=2,
        due_on=TODAY() + timedelta(days=30),
    )
    assert goal.from_level == 0 and goal.created_by == pair.mentor


def test_a_goal_must_aim_above_its_start(pair: Pair) -> None:
    with pytest.raises(ValidationError) as caught:
        services.goal_create(
            mentorship=pair.mentorship,
            by=pair.mentee,
            learner=pair.mentee,
            title="Facilitate",
            skill=pair.skill,
            from_level=3,
            target_level=2,
            due_on=TODAY() + timedelta(days=30),
        )
    assert caught.value.message_dict["target_level"] == ["Aim above the level you start from."]


def test_a_goal_is_due_within_the_program(pair: Pair) -> None:
    with pytest.raises(ValidationError, match="before the program ends"):
        services.goal_create(
            mentorship=pair.mentorship,
            by=pair.mentee,
            learner=pair.mentee,
            title="Facilitate",
            due_on=pair.program.ends_on + timedelta(days=1),
        )


def test_in_a_traditional_program_goals_are_the_mentees(pair: Pair) -> None:
    with pytest.raises(ValidationError, match="the mentee's"):
        services.goal_create(
            mentorship=pair.mentorship,
            by=pair.mentor,
            learner=pair.mentor,
            title="Learn to coach",
            due_on=TODAY() + timedelta(days=30),
        )


def test_in_a_skill_swap_both_people_may_have_goals(pair: Pair) -> None:
    program = make_running_program(pair.hr, kind="reciprocal", name="Swap")
    swap = pair.mentorship
    swap.program = program
    swap.save()
    goal = services.goal_create(
        mentorship=swap,
        by=pair.mentor,
        learner=pair.mentor,
        title="Learn the new BI tool",
        skill=pair.other_skill,
        target_level=2,
        due_on=TODAY() + timedelta(days=30),
    )
    assert goal.learner == pair.mentor


def test_nobody_outside_the_pair_may_add_a_goal(pair: Pair, outsider) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="Only the two people"):
        services.goal_create(
            mentorship=pair.mentorship,
            by=outsider,
            learner=pair.mentee,
            title="x",
            due_on=TODAY() + timedelta(days=3),
        )


# --- Sessions ------------------------------------------------------------------------------------


def test_a_session_cannot_be_in_the_future(pair: Pair) -> None:
    with pytest.raises(ValidationError) as caught:
        _log(pair, held_on=TODAY() + timedelta(days=1))
    assert "held_on" in caught.value.message_dict


def test_a_session_cannot_be_before_the_mentorship_started(pair: Pair) -> None:
    with pytest.raises(ValidationError, match="Your mentorship started on"):
        _log(pair, held_on=TODAY() - timedelta(days=31))


@pytest.mark.parametrize(("minutes", "ok"), [(4, False), (5, True), (480, True), (481, False)])
def test_a_session_lasts_from_5_minutes_to_8_hours(pair: Pair, minutes: int, ok: bool) -> None:
    if ok:
        assert _log(pair, duration_minutes=minutes).duration_minutes == minutes
    else:
        with pytest.raises(ValidationError, match="Enter a length"):
            _log(pair, duration_minutes=minutes)


def test_session_skills_come_from_the_pairs_goals(pair: Pair, goal: Goal) -> None:
    assert list(_log(pair, skills=[pair.skill]).skills.all()) == [pair.skill]
    with pytest.raises(ValidationError, match="Choose skills from your goals"):
        _log(pair, skills=[pair.other_skill])


def test_reverse_shadowing_is_a_session_format(pair: Pair) -> None:
    assert _log(pair, format="reverse_shadowing").get_format_display().startswith("Reverse shadowing")


def test_the_partner_confirms_a_session_and_the_logger_cannot(pair: Pair, session: MentoringSession) -> None:
    with pytest.raises(ValidationError, match="Your partner confirms"):
        services.session_confirm(session=session, by=pair.mentee)
    services.session_confirm(session=session, by=pair.mentor)
    services.session_confirm(session=session, by=pair.mentor)  # twice is harmless
    session.refresh_from_db()
    assert session.confirmed_by == pair.mentor and session.confirmed_at is not None


def test_a_correction_by_the_partner_records_who_corrected_and_confirms(pair: Pair, session: MentoringSession) -> None:
    services.session_update(
        session=session,
        by=pair.mentor,
        held_on=session.held_on,
        duration_minutes=90,
        format="working",
        skills=[pair.skill],
        shared_notes="We planned the retro and rehearsed the opening.",
    )
    session.refresh_from_db()
    assert (session.duration_minutes, session.corrected_by, session.confirmed_by) == (90, pair.mentor, pair.mentor)
    with pytest.raises(ValidationError, match="settled"):
        services.session_update(
            session=session,
            by=pair.mentee,
            held_on=session.held_on,
            duration_minutes=30,
            format="meeting",
            skills=[],
            shared_notes="",
        )


def test_the_logger_edits_without_it_counting_as_a_correction(pair: Pair, session: MentoringSession) -> None:
    services.session_update(
        session=session,
        by=pair.mentee,
        held_on=session.held_on,
        duration_minutes=50,
        format="meeting",
        skills=[],
        shared_notes="Fixed a typo.",
    )
    session.refresh_from_db()
    assert session.corrected_by is None and session.confirmed_at is None and session.duration_minutes == 50


def test_a_private_note_belongs_to_its_author_only(pair: Pair, session: MentoringSession) -> None:
    services.private_note_set(session=session, author=pair.mentor, text="MARA-PRIVATE")
    assert set(PrivateNote.objects.filter(session=session).values_list("author_id", "text")) == {
        (pair.mentee.pk, "JO-PRIVATE: I felt nervous about asking."),
        (pair.mentor.pk, "MARA-PRIVATE"),
    }
    services.private_note_set(session=session, author=pair.mentor, text="  ")
    assert not PrivateNote.objects.filter(session=session, author=pair.mentor).exists()


# --- Ratings -------------------------------------------------------------------------------------


def test_each_person_rates_a_session_once(pair: Pair, session: MentoringSession) -> None:
    services.session_rate(session=session, rater=pair.mentee, score=4, learned="How to open a retro.")
    services.session_rate(session=session, rater=pair.mentor, score=5)
    with pytest.raises(ValidationError, match="already rated"):
        services.session_rate(session=session, rater=pair.mentee, score=1)
    assert SessionRating.objects.filter(session=session).count() == 2


def test_a_rating_is_from_1_to_5(pair: Pair, session: MentoringSession) -> None:
    for score in (0, 6):
        with pytest.raises(ValidationError, match="from 1 to 5"):
            services.session_rate(session=session, rater=pair.mentee, score=score)


def test_an_outsider_cannot_rate(pair: Pair, session: MentoringSession, outsider) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.session_rate(session=session, rater=outsider, score=5)


# --- Fit -----------------------------------------------------------------------------------------


def test_the_fit_question_comes_after_the_first_session(pair: Pair) -> None:
    with pytest.raises(ValidationError, match="Meet once first"):
        services.fit_check_answer(mentorship=pair.mentorship, participant=pair.mentee, answer="good")


def test_not_a_fit_alerts_the_programs_hr_owners_once_and_marks_the_pair_at_risk(
    pair: Pair, session: MentoringSession
) -> None:
    services.fit_check_answer(
        mentorship=pair.mentorship, participant=pair.mentee, answer="not_a_fit", comment="We never click."
    )
    services.fit_check_answer(mentorship=pair.mentorship, participant=pair.mentee, answer="not_a_fit")
    alerts = Notification.objects.filter(kind="hr_alert")
    assert [(n.recipient, n.dedupe_key) for n in alerts] == [
        (pair.hr.user, f"fit:{pair.mentorship.pk}:{pair.mentee.pk}:{pair.hr.user.pk}")
    ]
    assert "We never click." in alerts[0].body
    assert alerts[0].email_status == "pending"  # the notifications app delivers it
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.at_risk_since is not None and "not a fit" in pair.mentorship.at_risk_reason
    assert FitCheck.objects.get().comment == ""  # the second answer replaced the first


def test_a_good_fit_alerts_nobody(pair: Pair, session: MentoringSession) -> None:
    services.fit_check_answer(mentorship=pair.mentorship, participant=pair.mentor, answer="good")
    pair.mentorship.refresh_from_db()
    assert not Notification.objects.exists() and pair.mentorship.at_risk_since is None


# --- Check-ins -----------------------------------------------------------------------------------


def _midpoint(pair: Pair):  # type: ignore[no-untyped-def]
    return queries.check_in_dates(pair.mentorship).midpoint


def test_the_midpoint_is_halfway_between_the_start_and_the_programs_end(pair: Pair) -> None:
    dates = queries.check_in_dates(pair.mentorship)
    start = TODAY() - timedelta(days=30)  # the pair's own start, not the program's
    assert dates.start == start
    assert dates.midpoint == start + (pair.program.ends_on - start) / 2
    assert dates.final == pair.program.ends_on


def test_the_midpoint_check_in_opens_on_its_date(pair: Pair, goal: Goal) -> None:
    with pytest.raises(ValidationError, match="not open yet"):
        services.check_in_submit(
            mentorship=pair.mentorship,
            participant=pair.mentee,
            kind="midpoint",
            relationship_rating=4,
            would_recommend=True,
            own_levels={pair.skill.pk: 2},
        )


def test_a_check_in_updates_ones_own_inventory_and_records_the_partners_view_separately(pair: Pair, goal: Goal) -> None:
    with time_machine.travel(_midpoint(pair) + timedelta(days=1)):
        services.check_in_submit(
            mentorship=pair.mentorship,
            participant=pair.mentee,
            kind="midpoint",
            relationship_rating=4,
            would_recommend=True,
            own_levels={pair.skill.pk: 2},
        )
        services.check_in_submit(
            mentorship=pair.mentorship,
            participant=pair.mentor,
            kind="midpoint",
            relationship_rating=5,
            would_recommend=True,
            own_levels={},
            partner_levels={pair.skill.pk: 3},
        )
    assert SkillEntry.objects.get(participant=pair.mentee, skill=pair.skill).level == 2  # not the partner's 3
    history = Assessment.objects.filter(participant=pair.mentee, skill=pair.skill)
    assert list(history.values_list("level", "source", "assessed_by")) == [
        (2, AssessmentSource.CHECK_IN, pair.mentee.pk),
        (3, AssessmentSource.PARTNER, pair.mentor.pk),
    ]
    (row,) = queries.goal_progress(pair.mentorship, [goal])
    assert (row.start_level, row.current_level, row.partner_view, row.gained) == (1, 2, 3, 1)


def test_a_check_in_records_an_unchanged_level_too(pair: Pair, goal: Goal) -> None:
    with time_machine.travel(_midpoint(pair) + timedelta(days=1)):
        services.check_in_submit(
            mentorship=pair.mentorship,
            participant=pair.mentee,
            kind="midpoint",
            relationship_rating=3,
            would_recommend=False,
            own_levels={pair.skill.pk: 1},
        )
    assert Assessment.objects.filter(participant=pair.mentee, source=AssessmentSource.CHECK_IN, level=1).count() == 1


def test_a_check_in_asks_for_each_own_goal_skill_and_only_once_per_kind(pair: Pair, goal: Goal) -> None:
    values = {
        "mentorship": pair.mentorship,
        "participant": pair.mentee,
        "kind": "midpoint",
        "relationship_rating": 4,
        "would_recommend": True,
    }
    with time_machine.travel(_midpoint(pair) + timedelta(days=1)):
        with pytest.raises(ValidationError, match="Re-assess each skill"):
            services.check_in_submit(**values, own_levels={})
        with pytest.raises(ValidationError, match="only on your partner's goal skills"):
            services.check_in_submit(**values, own_levels={pair.skill.pk: 2}, partner_levels={pair.skill.pk: 2})
        services.check_in_submit(**values, own_levels={pair.skill.pk: 2})
        with pytest.raises(ValidationError, match="already answered the midpoint"):
            services.check_in_submit(**values, own_levels={pair.skill.pk: 3})
    assert CheckIn.objects.count() == 1


# --- Ending --------------------------------------------------------------------------------------


def test_ending_early_needs_a_reason_from_the_list(pair: Pair) -> None:
    with pytest.raises(ValidationError, match="Tell us why"):
        services.mentorship_end(mentorship=pair.mentorship, by=pair.mentee, completed=False, reason="bored")


def test_ending_early_records_the_reason_tells_the_partner_and_opens_the_final_check_in(pair: Pair, goal: Goal) -> None:
    services.mentorship_end(mentorship=pair.mentorship, by=pair.mentee, completed=False, reason=EndReason.SCHEDULE)
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.status == MentorshipStatus.ENDED_EARLY and pair.mentorship.ended_at is not None
    assert pair.mentorship.end_reason == EndReason.SCHEDULE
    assert Notification.objects.get().recipient == pair.mentor.user
    assert queries.check_in_open(pair.mentorship, "final", today=TODAY())
    assert not queries.check_in_open(pair.mentorship, "midpoint", today=TODAY())
    with pytest.raises(ValidationError, match="already ended"):
        services.mentorship_end(mentorship=pair.mentorship, by=pair.mentor, completed=True)
    with pytest.raises(ValidationError, match="has ended"):
        _log(pair)


def test_completing_records_completed(pair: Pair) -> None:
    services.mentorship_end(mentorship=pair.mentorship, by=pair.mentor, completed=True)
    pair.mentorship.refresh_from_db()
    assert (pair.mentorship.status, pair.mentorship.end_reason) == (MentorshipStatus.COMPLETED, "completed")


# --- What's due ----------------------------------------------------------------------------------


def test_whats_due_lists_confirmation_rating_fit_and_check_in(pair: Pair, session: MentoringSession) -> None:
    kinds = [item.kind for item in queries.due_for(pair.mentorship, pair.mentor, today=TODAY())]
    assert kinds == ["confirm", "rate", "fit"]
    services.session_confirm(session=session, by=pair.mentor)
    services.session_rate(session=session, rater=pair.mentor, score=4)
    services.fit_check_answer(mentorship=pair.mentorship, participant=pair.mentor, answer="good")
    assert queries.due_for(pair.mentorship, pair.mentor, today=TODAY()) == []
    later = _midpoint(pair)
    assert [item.kind for item in queries.due_for(pair.mentorship, pair.mentor, today=later)] == ["check_in"]


def test_sessions_are_counted_against_the_agreed_cadence(pair: Pair, goal: Goal) -> None:
    _log(pair, held_on=TODAY() - timedelta(days=20))
    services.agreement_update(mentorship=pair.mentorship, by=pair.mentor, cadence_days=10, meeting_channel="Room 4")
    cadence = queries.sessions_against_cadence(pair.mentorship, today=TODAY())
    assert (cadence.every_days, cadence.held, cadence.expected, cadence.behind) == (10, 1, 3, 2)


def test_the_cadence_is_between_a_week_and_90_days(pair: Pair) -> None:
    with pytest.raises(ValidationError, match="at least every 90 days"):
        services.agreement_update(mentorship=pair.mentorship, by=pair.mentor, cadence_days=6, meeting_channel="")


def test_a_retired_skill_cannot_start_a_new_goal(pair: Pair) -> None:
    retired = skill_named("Fax etiquette")
    retired.retired_at = timezone.now()
    retired.save()
    with pytest.raises(ValidationError, match="no longer in the catalogue"):
        services.goal_create(
            mentorship=pair.mentorship,
            by=pair.mentee,
            learner=pair.mentee,
            title="Fax",
            skill=retired,
            target_level=2,
            due_on=TODAY() + timedelta(days=3),
        )
