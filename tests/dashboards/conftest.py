"""A small world whose dashboard figures are known exactly (worked out in the comments)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine

from mentorship.accounts.models import User
from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.participants.models import OrgUnit, Participant
from mentorship.programs.models import Enrollment, Program, ProgramKind, ProgramStatus
from mentorship.workspace.models import CheckIn, Goal, MentoringSession, SessionRating
from skills.models import Assessment, AssessmentSource, Skill, SkillCategory

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class World:
    program: Program
    mentors: list[Participant]
    mentees: list[Participant]
    pairs: dict[str, Mentorship]
    digital: Skill
    leadership: Skill


def make_program(name: str = "Leadership pathways", kind: str = ProgramKind.TRADITIONAL, **fields: Any) -> Program:
    return Program.objects.create(name=name, kind=kind, status=ProgramStatus.RUNNING, cadence_days=14, **fields)


def enroll(program: Program, person: Participant, role: str, created: str = "2026-01-01") -> Enrollment:
    enrollment = Enrollment.objects.create(program=program, participant=person, role=role)
    Enrollment.objects.filter(pk=enrollment.pk).update(created_at=at(created))
    return enrollment


def pair(
    program: Program,
    mentor: Participant,
    mentee: Participant,
    started: str,
    *,
    status: str = MentorshipStatus.ACTIVE,
    ended: str | None = None,
    reason: str = "",
    at_risk: str | None = None,
    at_risk_reason: str = "",
) -> Mentorship:
    return Mentorship.objects.create(
        program=program,
        mentor=mentor,
        mentee=mentee,
        started_at=at(started),
        status=status,
        ended_at=at(ended) if ended else None,
        end_reason=reason,
        at_risk_since=at(at_risk) if at_risk else None,
        at_risk_reason=at_risk_reason,
    )


def session(mentorship: Mentorship, held_on: str, created: str | None = None) -> MentoringSession:
    row = MentoringSession.objects.create(
        mentorship=mentorship, held_on=date.fromisoformat(held_on), logged_by=mentorship.mentee
    )
    MentoringSession.objects.filter(pk=row.pk).update(created_at=at(created or held_on, 18))
    return row


def rate(row: MentoringSession, rater: Participant, score: int, created: str) -> SessionRating:
    rating = SessionRating.objects.create(session=row, rater=rater, score=score)
    SessionRating.objects.filter(pk=rating.pk).update(created_at=at(created, 10))
    return rating


def check_in(mentorship: Mentorship, person: Participant, kind: str, rating: int, recommend: bool) -> CheckIn:
    return CheckIn.objects.create(
        mentorship=mentorship, participant=person, kind=kind, relationship_rating=rating, would_recommend=recommend
    )


def remind(person: Participant, kind: str, created: str, key: str) -> Notification:
    row = Notification.objects.create(
        recipient=person.user, kind=kind, title="Reminder", dedupe_key=key, email_status=EmailStatus.SKIPPED
    )
    Notification.objects.filter(pk=row.pk).update(created_at=at(created, 8))
    return row


def assess(person: Participant, skill: Skill, level: int, day: str, source: str = AssessmentSource.CHECK_IN) -> None:
    Assessment.objects.create(participant=person, skill=skill, level=level, source=source, assessed_at=at(day))


@pytest.fixture
def skills(db: Any) -> tuple[Skill, Skill]:
    digital = Skill.objects.create(name="Dash prompting", category=SkillCategory.DIGITAL)
    leadership = Skill.objects.create(name="Dash feedback giving", category=SkillCategory.LEADERSHIP)
    return digital, leadership


@pytest.fixture
def world(make_person: Callable[..., Participant], org: dict[str, OrgUnit], skills: tuple[Skill, Skill]) -> World:
    """One traditional program on 31 March 2026, cadence 14 days.

    Enrolled 1 January: mentors m1, m2; mentees e1..e4.
    Pairs: A m1→e1 from 11 Jan, active, at risk since 20 Mar (waited 10 days);
           B m2→e2 from 21 Jan, completed 1 Mar (waited 20 days);
           C m1→e3 from 11 Jan, ended early 1 Feb, "schedule" (waited 10 days). e4 unmatched.
      → match rate 3/4; time to match (10+20+10)/3 = 13.3 days; completion 1/2.
    Sessions: A on 20 Jan, 3 Feb, 17 Feb, 3 Mar; B on 25 Jan, 10 Feb; C none (6 in all).
      Active days to 31 Mar: A 80, B 40, C 22 = 142 → 6 / (142 / 30.44) = 1.29 sessions a month.
      Cadence due: A 80//14 = 5 (held 4: no), B 2 (held 2: yes), C 1 (held 0: no) → 1/3.
    Ratings: A#1 e1 5, m1 4; A#2 e1 3; B#1 e2 4 → average 4.0; 4 of 12 asked → 33%.
    Check-ins: e1 4 yes, m1 5 yes, e2 3 no → relationship 4.0, recommend 2/3.
    Growth: e1 digital 1 → 3 (+2); e2 leadership from-level 2 → 3 (+1; the partner's 5 is not
      counted); e1 leadership never re-assessed (not measured) → digital +2, leadership +1, all +1.5.
    Reminders: e1 rating 21 Jan, rated 22 Jan (answered); m1 rating 4 Feb (no rating after: not
      answered); e3 cadence nudge 25 Jan, no session logged (not answered); an HR alert (not a
      reminder) → 1 of 3.
    """
    digital, leadership = skills
    program = make_program()
    m1 = make_person(first_name="Mia", last_name="Mentor", org_unit=org["engineering"], career_level=5)
    m2 = make_person(first_name="Max", last_name="Mentor", org_unit=org["engineering"], career_level=5)
    mentees = [
        make_person(first_name=f"Eve{i}", last_name="Mentee", org_unit=org["data"], career_level=2) for i in range(1, 5)
    ]
    e1, e2, e3, _e4 = mentees
    for mentor in (m1, m2):
        enroll(program, mentor, "mentor")
    for mentee in mentees:
        enroll(program, mentee, "mentee")
    a = pair(program, m1, e1, "2026-01-11", at_risk="2026-03-20", at_risk_reason="Two missed cycles")
    b = pair(program, m2, e2, "2026-01-21", status=MentorshipStatus.COMPLETED, ended="2026-03-01", reason="completed")
    c = pair(program, m1, e3, "2026-01-11", status=MentorshipStatus.ENDED_EARLY, ended="2026-02-01", reason="schedule")
    a1, a2 = session(a, "2026-01-20"), session(a, "2026-02-03")
    session(a, "2026-02-17")
    session(a, "2026-03-03")
    b1 = session(b, "2026-01-25")
    session(b, "2026-02-10")
    rate(a1, e1, 5, "2026-01-22")
    rate(a1, m1, 4, "2026-01-21")
    rate(a2, e1, 3, "2026-02-05")
    rate(b1, e2, 4, "2026-01-26")
    check_in(a, e1, "midpoint", 4, True)
    check_in(a, m1, "midpoint", 5, True)
    check_in(b, e2, "final", 3, False)
    Goal.objects.create(mentorship=a, learner=e1, skill=digital, title="Prompt well", from_level=1, target_level=3)
    Goal.objects.create(mentorship=a, learner=e1, skill=leadership, title="Feedback", from_level=1, target_level=2)
    Goal.objects.create(mentorship=b, learner=e2, skill=leadership, title="Lead 1:1s", from_level=2, target_level=4)
    assess(e1, digital, 1, "2026-01-01", AssessmentSource.SELF)
    assess(e1, digital, 3, "2026-03-01")
    assess(e2, leadership, 3, "2026-02-20")
    assess(e2, leadership, 5, "2026-02-21", AssessmentSource.PARTNER)
    remind(e1, "session_rating", "2026-01-21", "r1")
    remind(m1, "session_rating", "2026-02-04", "r2")
    remind(e3, "cadence_nudge", "2026-01-25", "r3")
    remind(m1, "hr_alert", "2026-03-20", "r4")
    return World(program, [m1, m2], mentees, {"A": a, "B": b, "C": c}, digital, leadership)


@pytest.fixture
def hr_client(client: Any, hr_admin: Participant) -> Any:
    client.force_login(hr_admin.user)
    return client


def login(client: Any, person: Participant) -> Any:
    client.force_login(person.user)
    return client


def user_of(person: Participant) -> User:
    return person.user
