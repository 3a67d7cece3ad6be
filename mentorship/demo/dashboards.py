"""Demo history for the dashboards: one finished "last cycle" program of each kind.

Each has pairs that met, rated sessions, answered check-ins and re-assessed their goal skills, with
growth that differs by approach and skill category (reverse mentoring grows digital skills most,
traditional mentoring leadership and career), so the comparison page has a story to tell. People
from the demo organisation's "manager@" team are in every program, so the manager's dashboard has
enough people to show figures. Deterministic, bulk inserts, keyed by program name: a second call
changes nothing.
"""

import random
from datetime import UTC, datetime, timedelta

from django.db import transaction

from mentorship.demo.organisation import DEMO_DOMAIN
from mentorship.mentorships.models import EndReason, Mentorship, MentorshipStatus
from mentorship.participants.models import Participant
from mentorship.participants.reporting import ReportingLines
from mentorship.programs.models import Enrollment, EnrollmentRole, Program, ProgramKind, ProgramStatus
from mentorship.workspace.models import CheckIn, CheckInKind, Goal, MentoringSession, SessionFormat, SessionRating
from skills.models import Assessment, AssessmentSource, Skill, SkillCategory

PAIRS_PER_PROGRAM = 12
# Average levels gained per goal, by approach and category: the story the comparison tells.
GROWTH = {
    ProgramKind.TRADITIONAL: {SkillCategory.LEADERSHIP: 1.6, SkillCategory.CAREER: 1.4, SkillCategory.DIGITAL: 0.5},
    ProgramKind.REVERSE: {SkillCategory.DIGITAL: 2.2, SkillCategory.LEADERSHIP: 0.4},
    ProgramKind.RECIPROCAL: {
        SkillCategory.DIGITAL: 1.5,
        SkillCategory.INTERPERSONAL: 1.3,
        SkillCategory.TECHNICAL: 1.2,
    },
    ProgramKind.PEER: {SkillCategory.TECHNICAL: 1.3, SkillCategory.DIGITAL: 1.1},
}
LEVELS = {
    # (mentor levels, mentee levels)
    ProgramKind.TRADITIONAL: ((4, 5, 6), (1, 2, 3)),
    ProgramKind.REVERSE: ((1, 2, 3), (4, 5, 6)),
    ProgramKind.RECIPROCAL: ((2, 3, 4, 5), (2, 3, 4, 5)),
    ProgramKind.PEER: ((2, 3, 4), (2, 3, 4)),
}
CYCLE_START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def program_name(kind: ProgramKind) -> str:
    return f"Last cycle: {kind.label.lower()}"


@transaction.atomic
def seed_dashboard_demo() -> list[str]:
    """Create the missing "last cycle" programs; returns the names of those it made."""
    people = list(
        Participant.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}")
        .exclude(user__email=f"hr@{DEMO_DOMAIN}")
        .order_by("id")
    )
    if not people:
        return []
    manager_id = Participant.objects.filter(user__email=f"manager@{DEMO_DOMAIN}").values_list("id", flat=True).first()
    team = set(ReportingLines.load().below(manager_id)) if manager_id else set()
    skills: dict[str, list[int]] = {}
    for pk, category in Skill.objects.filter(retired_at=None).order_by("name").values_list("id", "category"):
        skills.setdefault(category, []).append(pk)
    made = []
    for index, kind in enumerate(ProgramKind):
        name = program_name(kind)
        if Program.objects.filter(name=name).exists():
            continue
        _seed_program(kind, name, people, team, skills, random.Random(9000 + index))
        made.append(name)
    return made


def _pick_pairs(
    kind: ProgramKind, people: list[Participant], team: set[int], rng: random.Random
) -> list[tuple[Participant, Participant]]:
    mentor_levels, mentee_levels = LEVELS[kind]
    ordered = sorted(people, key=lambda p: (p.pk not in team, rng.random()))
    mentors = [p for p in ordered if p.career_level in mentor_levels]
    used: set[int] = set()
    pairs: list[tuple[Participant, Participant]] = []
    for mentee in (p for p in ordered if p.career_level in mentee_levels):
        if len(pairs) == PAIRS_PER_PROGRAM:
            break
        if mentee.pk in used:
            continue
        mentor = next(
            (
                m
                for m in mentors
                if m.pk not in used and m.pk != mentee.pk and m.manager_id != mentee.pk and mentee.manager_id != m.pk
            ),
            None,
        )
        if mentor is None:
            break
        used |= {mentor.pk, mentee.pk}
        pairs.append((mentor, mentee))
    return pairs


def _seed_program(
    kind: ProgramKind,
    name: str,
    people: list[Participant],
    team: set[int],
    skills: dict[str, list[int]],
    rng: random.Random,
) -> None:
    starts = CYCLE_START + timedelta(days=7 * list(ProgramKind).index(kind))
    duration = 120 if kind == ProgramKind.REVERSE else 180
    program = Program.objects.create(
        name=name,
        kind=kind,
        status=ProgramStatus.CLOSED,
        objectives="Grow the program's focus skills by at least one level.",
        focus_categories=list(GROWTH[kind]),
        enrollment_opens=(starts - timedelta(days=30)).date(),
        enrollment_closes=(starts - timedelta(days=7)).date(),
        starts_on=starts.date(),
        ends_on=(starts + timedelta(days=duration)).date(),
        cadence_days=21 if kind == ProgramKind.REVERSE else 14,
    )
    pairs = _pick_pairs(kind, people, team, rng)
    both = kind == ProgramKind.RECIPROCAL
    enrollments = []
    for mentor, mentee in pairs:
        enrollments.append(
            Enrollment(program=program, participant=mentor, role=EnrollmentRole.BOTH if both else EnrollmentRole.MENTOR)
        )
        enrollments.append(
            Enrollment(program=program, participant=mentee, role=EnrollmentRole.BOTH if both else EnrollmentRole.MENTEE)
        )
    enrollments = Enrollment.objects.bulk_create(enrollments)
    for enrollment in enrollments:
        enrollment.created_at = starts - timedelta(days=rng.randint(8, 28))
    Enrollment.objects.bulk_update(enrollments, ["created_at"])

    mentorships = []
    for number, (mentor, mentee) in enumerate(pairs):
        started = starts + timedelta(days=rng.randint(0, 6), hours=rng.randint(0, 6))
        early = number % 6 == 5  # one pair in six ends early
        ended = started + timedelta(days=rng.randint(35, 70) if early else duration)
        mentorships.append(
            Mentorship(
                program=program,
                mentor=mentor,
                mentee=mentee,
                status=MentorshipStatus.ENDED_EARLY if early else MentorshipStatus.COMPLETED,
                started_at=started,
                ended_at=ended,
                end_reason=rng.choice([EndReason.SCHEDULE, EndReason.NOT_A_FIT, EndReason.ROLE_CHANGE]).value
                if early
                else EndReason.COMPLETED.value,
            )
        )
    mentorships = Mentorship.objects.bulk_create(mentorships)

    sessions, goals, assessments, check_ins = [], [], [], []
    categories = list(GROWTH[kind])
    for number, mentorship in enumerate(mentorships):
        day = mentorship.started_at
        while day < _ended(mentorship):
            sessions.append(
                MentoringSession(
                    mentorship=mentorship,
                    held_on=day.date(),
                    duration_minutes=rng.choice([45, 60, 60, 90]),
                    format=SessionFormat.REVERSE_SHADOWING
                    if kind == ProgramKind.REVERSE and rng.random() < 0.3
                    else SessionFormat.MEETING,
                    logged_by=mentorship.mentee,
                    confirmed_by=mentorship.mentor,
                    confirmed_at=day + timedelta(days=1),
                )
            )
            day += timedelta(days=program.cadence_days + rng.randint(-3, 6))
        for goal_number, category in enumerate(categories[:2] if len(categories) > 1 else categories * 2):
            learner = mentorship.mentee
            if kind == ProgramKind.RECIPROCAL and goal_number == 1:
                learner = mentorship.mentor  # in a swap, each learns one thing
            skill = skills[category][(number * 3 + goal_number) % len(skills[category])]
            start = rng.randint(0, 2)
            gain = max(0, min(5 - start, round(rng.gauss(GROWTH[kind][category], 0.6))))
            goals.append(
                Goal(
                    mentorship=mentorship,
                    learner=learner,
                    skill_id=skill,
                    title=f"Reach level {min(5, start + 2)}",
                    from_level=start,
                    target_level=min(5, start + 2),
                    created_by=learner,
                )
            )
            assessments.append(
                Assessment(
                    participant=learner,
                    skill_id=skill,
                    level=start,
                    source=AssessmentSource.SELF,
                    assessed_at=mentorship.started_at - timedelta(days=2),
                )
            )
            assessments.append(
                Assessment(
                    participant=learner,
                    skill_id=skill,
                    level=start + gain,
                    source=AssessmentSource.CHECK_IN,
                    assessed_at=_ended(mentorship) - timedelta(days=1),
                )
            )
        for person in (mentorship.mentor, mentorship.mentee):
            check_ins.append(
                CheckIn(
                    mentorship=mentorship,
                    participant=person,
                    kind=CheckInKind.FINAL,
                    relationship_rating=rng.choice([3, 4, 4, 5, 5] if mentorship.status == "completed" else [2, 3]),
                    would_recommend=rng.random() < (0.85 if mentorship.status == "completed" else 0.3),
                )
            )
    sessions = MentoringSession.objects.bulk_create(sessions)
    ratings = []
    pair_of = {m.pk: m for m in mentorships}
    for row in sessions:
        mentorship = pair_of[row.mentorship_id]
        for rater in (mentorship.mentor_id, mentorship.mentee_id):
            if rng.random() < 0.8:  # not everyone rates every session
                ratings.append(SessionRating(session=row, rater_id=rater, score=rng.choice([3, 4, 4, 5, 5])))
    SessionRating.objects.bulk_create(ratings)
    Goal.objects.bulk_create(goals)
    Assessment.objects.bulk_create(assessments)
    check_ins = CheckIn.objects.bulk_create(check_ins)
    for check_in in check_ins:  # submitted when the pair ended, not today
        check_in.submitted_at = _ended(pair_of[check_in.mentorship_id])
    CheckIn.objects.bulk_update(check_ins, ["submitted_at"])


def _ended(mentorship: Mentorship) -> datetime:
    """When a pair of the demo's history ended: every one of them has."""
    if mentorship.ended_at is None:
        raise ValueError(f"Mentorship {mentorship.pk} of the demo history has not ended.")
    return mentorship.ended_at
