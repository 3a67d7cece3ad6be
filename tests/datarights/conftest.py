"""A finished mentorship between a distinctive mentee and a mentor, with every kind of record
either of them can have, so an export or an erasure can be checked against the database."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from mentorship.feedback.models import EmailPreference
from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.participants.models import OrgUnit, Participant
from mentorship.programs.models import Enrollment, Program, ProgramKind, ProgramStatus
from mentorship.workspace.models import CheckIn, FitCheck, Goal, MentoringSession, PrivateNote, SessionRating
from pairing.models import MatchRun, Proposal, ProposalStatus, RunStatus
from skills.models import Assessment, AssessmentSource, Skill, SkillCategory, SkillEntry, SkillSuggestion

EMAIL = "zebediah.quuxworth@example.com"
NAME = "Zebediah Quuxworth"
# Free text each side wrote; the mentee's must be in their export and gone after erasure, the
# mentor's must never be in the mentee's export.
MENTEE_TEXT = {
    "bio": "Zeb bio: collects vintage slide rules",
    "note": "Zeb private: nervous about the promotion panel",
    "learned": "Zeb learned: pivot tables at last",
    "check_in": "Zeb check-in: the pairing works",
    "motivation": "Zeb motivation: move into analytics",
}
MENTOR_TEXT = {
    "note": "Mentor private: Zeb needs more structure",
    "learned": "Mentor learned: how juniors use AI",
    "check_in": "Mentor check-in: sessions run long",
}


@dataclass
class Pair:
    mentee: Participant
    mentor: Participant
    mentorship: Mentorship
    program: Program
    sessions: list[MentoringSession]


def make_pair(
    make_person: Callable[..., Participant],
    org: dict[str, OrgUnit],
    mentor: Participant,
    *,
    manager: Participant | None = None,
    sessions: int = 3,
) -> Pair:
    mentee = make_person(
        EMAIL,
        first_name="Zebediah",
        last_name="Quuxworth",
        org_unit=org["data"],
        bio=MENTEE_TEXT["bio"],
        manager=manager,
        ws_pace=4,
    )
    skill = Skill.objects.create(name="Pivot tables", category=SkillCategory.TECHNICAL)
    program = Program.objects.create(
        name="Data fluency",
        kind=ProgramKind.TRADITIONAL,
        status=ProgramStatus.RUNNING,
        cadence_days=14,
        ends_on=timezone.localdate() + timedelta(days=60),
    )
    Enrollment.objects.create(program=program, participant=mentee, role="mentee", motivation=MENTEE_TEXT["motivation"])
    Enrollment.objects.create(program=program, participant=mentor, role="mentor")
    run = MatchRun.objects.create(program=program, status=RunStatus.DONE)
    proposal = Proposal.objects.create(
        run=run,
        mentor=mentor,
        mentee=mentee,
        score=1.0,
        status=ProposalStatus.ACCEPTED,
        explanation=[f"{NAME} wants Pivot tables"],
    )
    started = datetime(2026, 1, 5, 9, tzinfo=UTC)
    mentorship = Mentorship.objects.create(
        program=program,
        mentor=mentor,
        mentee=mentee,
        proposal=proposal,
        started_at=started,
        status=MentorshipStatus.COMPLETED,
        ended_at=started + timedelta(days=80),
        cadence_days=14,
    )
    Goal.objects.create(
        mentorship=mentorship,
        learner=mentee,
        skill=skill,
        title="Build a pivot table unaided",
        from_level=1,
        target_level=3,
        created_by=mentee,
    )
    rows = []
    for i in range(sessions):
        row = MentoringSession.objects.create(
            mentorship=mentorship,
            held_on=date(2026, 1, 10) + timedelta(days=7 * (i % 10)),
            logged_by=mentee,
            shared_notes=f"Session {i}: worked through examples",
        )
        rows.append(row)
    first = rows[0]
    PrivateNote.objects.create(session=first, author=mentee, text=MENTEE_TEXT["note"])
    PrivateNote.objects.create(session=first, author=mentor, text=MENTOR_TEXT["note"])
    SessionRating.objects.create(session=first, rater=mentee, score=5, learned=MENTEE_TEXT["learned"])
    SessionRating.objects.create(session=first, rater=mentor, score=3, learned=MENTOR_TEXT["learned"])
    CheckIn.objects.create(
        mentorship=mentorship,
        participant=mentee,
        kind="midpoint",
        relationship_rating=5,
        would_recommend=True,
        comment=MENTEE_TEXT["check_in"],
    )
    CheckIn.objects.create(
        mentorship=mentorship,
        participant=mentor,
        kind="midpoint",
        relationship_rating=4,
        would_recommend=True,
        comment=MENTOR_TEXT["check_in"],
    )
    FitCheck.objects.create(mentorship=mentorship, participant=mentee, answer="good", comment="Zeb fit: good")
    SkillEntry.objects.create(participant=mentee, skill=skill, level=1, want_priority=3)
    Assessment.objects.create(
        participant=mentee, skill=skill, level=1, source=AssessmentSource.SELF, assessed_at=started
    )
    Assessment.objects.create(
        participant=mentee,
        skill=skill,
        level=3,
        source=AssessmentSource.PARTNER,
        assessed_by=mentor,
        assessed_at=started + timedelta(days=40),
    )
    SkillSuggestion.objects.create(name="Power Query", category=SkillCategory.TECHNICAL, suggested_by=mentee)
    Notification.objects.create(
        recipient=mentee.user,
        kind="session_rate",
        title="Rate your session",
        dedupe_key="zeb-1",
        email_status=EmailStatus.SKIPPED,
    )
    Notification.objects.create(
        recipient=mentor.user,
        kind="session_logged",
        title=f"{NAME} logged a session",
        body=f"{NAME} ({EMAIL}) logged a session with you.",
        dedupe_key="mentor-1",
        email_status=EmailStatus.SKIPPED,
    )
    EmailPreference.objects.create(user=mentee.user, kind=next(iter(_configurable())), choice="digest")
    return Pair(mentee=mentee, mentor=mentor, mentorship=mentorship, program=program, sessions=rows)


def _configurable() -> list[str]:
    from mentorship.notifications import kinds

    return list(kinds.CONFIGURABLE)


@pytest.fixture
def pair(make_person: Callable[..., Participant], org: dict[str, OrgUnit], manager: Participant) -> Pair:
    """The mentee reports to `manager` (Mo); their mentor is another senior person."""
    mentor = make_person("mina.mentor@example.com", first_name="Mina", last_name="Mentorova", career_level=6)
    return make_pair(make_person, org, mentor, manager=manager)
