"""Each reminder rule, travelling in time: when it starts, when it repeats, and when it stops."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from mentorship.feedback import services
from mentorship.feedback.rules import missed_cycles
from mentorship.mentorships.models import MentorshipStatus
from mentorship.notifications.models import Notification
from mentorship.programs.models import Enrollment, Program, ProgramStatus
from mentorship.workspace.models import CheckIn, CheckInKind
from pairing.models import MatchRun, Proposal, ProposalStatus, Response, RunStatus

from .conftest import Pair, at, rate


def keys(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("dedupe_key", flat=True))


def sweep_at(clock: Any, when: datetime) -> dict[str, int]:
    clock.move_to(when)
    return services.sweep().written


# --- Session ratings ------------------------------------------------------------------------------


def test_it_asks_both_attendees_to_rate_a_day_after_the_session_then_once_more_at_72_hours_then_stops(
    clock: Any, pair: Pair, log_session: Any
) -> None:
    session = log_session(date(2026, 3, 2))
    mentor, mentee = pair.mentor.user_id, pair.mentee.user_id
    # The session's day ends at midnight; the program asks 24 hours after that.
    assert sweep_at(clock, at(date(2026, 3, 3), 23, 59)) == {}
    sweep_at(clock, at(date(2026, 3, 4), 0, 0))
    assert keys("session_rating") == [
        f"session_rating:s{session.pk}.u{mentor}:first",
        f"session_rating:s{session.pk}.u{mentee}:first",
    ]
    assert sweep_at(clock, at(date(2026, 3, 5), 23, 59)) == {}  # nothing new before 72 hours
    sweep_at(clock, at(date(2026, 3, 6), 0, 0))
    assert len(keys("session_rating")) == 4
    assert f"session_rating:s{session.pk}.u{mentee}:second" in keys("session_rating")
    for day in (7, 10, 20, 31):
        assert sweep_at(clock, at(date(2026, 3, day))).get("session_rating") is None
    assert len(keys("session_rating")) == 4


def test_it_does_not_ask_someone_who_already_rated(clock: Any, pair: Pair, log_session: Any) -> None:
    session = log_session(date(2026, 3, 2))
    rate(session, pair.mentor)
    sweep_at(clock, at(date(2026, 3, 4)))
    note = Notification.objects.get(kind="session_rating")
    assert note.recipient_id == pair.mentee.user_id
    assert note.url == f"/mentorships/sessions/{session.pk}/rate/"
    assert note.title == "Rate your session with Dana on 2 March"


def test_the_first_ask_waits_for_the_programs_own_delay(clock: Any, pair: Pair, log_session: Any) -> None:
    pair.program.reminders = {**pair.program.reminders, "rating_delay_hours": 48}
    pair.program.save()
    log_session(date(2026, 3, 2))
    assert sweep_at(clock, at(date(2026, 3, 4), 23)) == {}
    assert sweep_at(clock, at(date(2026, 3, 5), 0)) == {"session_rating": 2}


def test_a_pair_that_ended_early_is_not_asked_about_its_sessions(clock: Any, pair: Pair, log_session: Any) -> None:
    log_session(date(2026, 3, 2))
    pair.mentorship.status, pair.mentorship.ended_at = MentorshipStatus.ENDED_EARLY, datetime(2026, 3, 3, tzinfo=UTC)
    pair.mentorship.save()
    assert sweep_at(clock, at(date(2026, 3, 4))).get("session_rating") is None


def test_when_the_sweep_missed_the_first_window_only_the_second_reminder_goes_out(
    clock: Any, pair: Pair, log_session: Any
) -> None:
    session = log_session(date(2026, 3, 2))
    sweep_at(clock, at(date(2026, 3, 8)))
    assert keys("session_rating") == [
        f"session_rating:s{session.pk}.u{pair.mentor.user_id}:second",
        f"session_rating:s{session.pk}.u{pair.mentee.user_id}:second",
    ]


# --- Cadence and risk -----------------------------------------------------------------------------


def test_missed_cycles_count_whole_cycles_after_the_grace() -> None:
    last = date(2026, 2, 2)
    assert missed_cycles(today=date(2026, 2, 19), last_met=last, cadence=14, grace=3) == 0
    assert missed_cycles(today=date(2026, 2, 20), last_met=last, cadence=14, grace=3) == 1
    assert missed_cycles(today=date(2026, 3, 5), last_met=last, cadence=14, grace=3) == 1
    assert missed_cycles(today=date(2026, 3, 6), last_met=last, cadence=14, grace=3) == 2


def test_a_quiet_pair_is_nudged_once_per_missed_cycle_then_marked_at_risk_and_hr_alerted_once(
    clock: Any, pair: Pair
) -> None:
    # Started 2 February, cadence 14 days, grace 3: behind from 20 February.
    assert sweep_at(clock, at(date(2026, 2, 19))) == {}
    assert sweep_at(clock, at(date(2026, 2, 20))) == {"cadence_nudge": 2}
    assert sweep_at(clock, at(date(2026, 2, 27))) == {}  # same cycle: no second nudge
    assert sweep_at(clock, at(date(2026, 3, 2))) == {"cadence_nudge": 2}  # a new cycle
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.at_risk_since is None
    assert sweep_at(clock, at(date(2026, 3, 6))) == {"hr_alert": 1}
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.at_risk_since == at(date(2026, 3, 6))
    assert pair.mentorship.at_risk_reason == "Missed 2 sessions in a row."
    alert = Notification.objects.get(kind="hr_alert")
    assert alert.recipient == pair.hr.user
    assert alert.url == f"/mentorships/{pair.mentorship.pk}/"
    assert "Dana Director and Jo Junior" in alert.title
    assert sweep_at(clock, at(date(2026, 3, 7))) == {}
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.at_risk_since == at(date(2026, 3, 6))  # marked once
    assert sorted(Notification.objects.filter(kind="cadence_nudge").values_list("recipient_id", flat=True)) == sorted(
        [pair.mentor.user_id, pair.mentee.user_id] * 2
    )


def test_a_session_within_the_cadence_keeps_the_pair_off_the_list(clock: Any, pair: Pair, log_session: Any) -> None:
    log_session(date(2026, 2, 16))
    assert sweep_at(clock, at(date(2026, 3, 5))).get("cadence_nudge") is None
    assert sweep_at(clock, at(date(2026, 3, 6))) == {"cadence_nudge": 2}


def test_the_pairs_own_cadence_wins_over_the_programs(clock: Any, pair: Pair) -> None:
    pair.mentorship.cadence_days = 30
    pair.mentorship.save()
    assert sweep_at(clock, at(date(2026, 3, 7))) == {}  # 33 days: 30 + 3 of grace
    assert sweep_at(clock, at(date(2026, 3, 8))) == {"cadence_nudge": 2}


def test_two_low_ratings_mark_the_pair_at_risk(clock: Any, pair: Pair, log_session: Any) -> None:
    first, second = log_session(date(2026, 2, 20)), log_session(date(2026, 2, 27))
    rate(first, pair.mentee, 2)
    services.sweep()
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.at_risk_since is None
    rate(second, pair.mentor, 1)
    services.sweep()
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.at_risk_since is not None
    assert pair.mentorship.at_risk_reason == "2 sessions rated 2 or less."
    assert keys("hr_alert") == [f"hr_alert:m{pair.mentorship.pk}.u{pair.hr.user_id}:risk20260302"]


def test_a_program_without_owners_alerts_every_hr_admin(clock: Any, pair: Pair, log_session: Any) -> None:
    pair.program.owners.clear()
    for session in (log_session(date(2026, 2, 20)), log_session(date(2026, 2, 27))):
        rate(session, pair.mentee, 1)
    services.sweep()
    assert list(Notification.objects.filter(kind="hr_alert").values_list("recipient_id", flat=True)) == [
        pair.hr.user_id
    ]


# --- Proposals ------------------------------------------------------------------------------------


@pytest.fixture
def proposal(pair: Pair, manager: Any, junior_mentor: Any) -> Proposal:
    run = MatchRun.objects.create(
        program=pair.program, status=RunStatus.DONE, published_at=datetime(2026, 3, 2, 9, tzinfo=UTC)
    )
    return Proposal.objects.create(
        run=run,
        mentor=manager,
        mentee=pair.mentee,
        score=50,
        status=ProposalStatus.PUBLISHED,
        mentor_response=Response.ACCEPTED,
    )


def test_a_published_proposal_reminds_whoever_has_not_answered_at_3_and_7_days(
    clock: Any, proposal: Proposal, pair: Pair
) -> None:
    assert sweep_at(clock, datetime(2026, 3, 5, 8, 59, tzinfo=UTC)).get("proposal_answer") is None
    assert sweep_at(clock, datetime(2026, 3, 5, 9, 0, tzinfo=UTC)).get("proposal_answer") == 1
    assert sweep_at(clock, datetime(2026, 3, 8, 9, 0, tzinfo=UTC)).get("proposal_answer") is None
    assert sweep_at(clock, datetime(2026, 3, 9, 9, 0, tzinfo=UTC)).get("proposal_answer") == 1
    for day in (10, 15, 25):
        assert sweep_at(clock, datetime(2026, 3, day, 9, tzinfo=UTC)).get("proposal_answer") is None
    u = pair.mentee.user_id
    assert keys("proposal_answer") == [
        f"proposal_answer:p{proposal.pk}.u{u}:3d",
        f"proposal_answer:p{proposal.pk}.u{u}:7d",
    ]
    assert Notification.objects.filter(kind="proposal_answer").first().url == f"/matching/proposals/{proposal.pk}/"


def test_an_answered_proposal_reminds_nobody(clock: Any, proposal: Proposal) -> None:
    proposal.mentee_response = Response.ACCEPTED
    proposal.status = ProposalStatus.ACCEPTED
    proposal.save()
    assert sweep_at(clock, datetime(2026, 3, 9, 9, tzinfo=UTC)).get("proposal_answer") is None


# --- Check-ins ------------------------------------------------------------------------------------


def test_the_midpoint_check_in_is_asked_on_the_day_and_reminded_once_three_days_later(clock: Any, pair: Pair) -> None:
    # Halfway from the pair's start (2 February) to the program's end (31 July): 2 May.
    assert sweep_at(clock, at(date(2026, 5, 1))).get("check_in") is None
    assert sweep_at(clock, at(date(2026, 5, 2))).get("check_in") == 2
    CheckIn.objects.create(
        mentorship=pair.mentorship,
        participant=pair.mentor,
        kind=CheckInKind.MIDPOINT,
        relationship_rating=4,
        would_recommend=True,
    )
    assert sweep_at(clock, at(date(2026, 5, 4))).get("check_in") is None
    assert sweep_at(clock, at(date(2026, 5, 5))).get("check_in") == 1  # only the mentee, once
    assert sweep_at(clock, at(date(2026, 5, 9))).get("check_in") is None
    reminder = Notification.objects.get(dedupe_key__endswith=":remind")
    assert reminder.recipient == pair.mentee.user
    assert reminder.url == f"/mentorships/{pair.mentorship.pk}/check-in/midpoint/"


def test_the_final_check_in_is_asked_at_the_programs_end(clock: Any, pair: Pair) -> None:
    assert sweep_at(clock, at(date(2026, 7, 30))).get("check_in") is None
    sweep_at(clock, at(date(2026, 7, 31)))
    assert set(keys("check_in")) >= {
        f"check_in:m{pair.mentorship.pk}.final.u{pair.mentor.user_id}:ask",
        f"check_in:m{pair.mentorship.pk}.final.u{pair.mentee.user_id}:ask",
    }


# --- Enrollment closing ---------------------------------------------------------------------------


@pytest.fixture
def enrolling(clock: Any, db: Any) -> Program:
    return Program.objects.create(
        name="Reverse: AI for leaders",
        kind="reverse",
        status=ProgramStatus.ENROLLING,
        enrollment_opens=date(2026, 2, 20),
        enrollment_closes=date(2026, 3, 5),
        level_min=3,
        level_max=7,
        reminders={"remind_before_enrollment_closes": True},
    )


def test_eligible_people_who_have_not_enrolled_hear_three_days_before_enrollment_closes(
    clock: Any, enrolling: Program, outsider: Any, senior_mentor: Any, junior_mentor: Any, manager: Any
) -> None:
    Enrollment.objects.create(program=enrolling, participant=manager, role="mentee")
    clock.move_to(at(date(2026, 3, 1)))
    assert services.sweep().written.get("enrollment_closing") is None
    clock.move_to(at(date(2026, 3, 2)))
    services.sweep()
    services.sweep()
    recipients = set(Notification.objects.filter(kind="enrollment_closing").values_list("recipient_id", flat=True))
    assert outsider.user_id in recipients and senior_mentor.user_id in recipients
    assert manager.user_id not in recipients  # already enrolled
    assert junior_mentor.user_id not in recipients  # career level 1: not eligible
    note = Notification.objects.get(kind="enrollment_closing", recipient=outsider.user)
    assert note.title == "Enrollment in Reverse: AI for leaders closes in 3 days"
    assert note.url == f"/programs/{enrolling.pk}/enroll/"


def test_a_program_can_switch_the_enrollment_reminder_off(clock: Any, enrolling: Program, outsider: Any) -> None:
    enrolling.reminders = {"remind_before_enrollment_closes": False}
    enrolling.save()
    assert services.sweep().written.get("enrollment_closing") is None


def test_it_skips_rows_already_written_so_a_second_sweep_writes_nothing(
    clock: Any, pair: Pair, log_session: Any
) -> None:
    log_session(date(2026, 2, 20))
    clock.move_to(at(date(2026, 3, 2)) + timedelta(minutes=1))
    first = services.sweep().written
    assert first
    assert services.sweep().written == {}
