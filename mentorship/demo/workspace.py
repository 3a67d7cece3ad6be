"""Workspace demo data: about four months of history for the running demo program.

Call after mentorship.demo.matching.seed_matching_demo(). It moves the "Mentoring circle" program and its
pairs back in time (the program started ~4 months ago), then gives each pair goals with progress
notes, sessions every few weeks (some pairs meet less), ratings for most sessions but not all,
fit checks, midpoint check-ins with the skill growth they recorded, and exactly one pair that is
clearly at risk (no session for over two cycles, two ratings of 2 or less).

It writes rows directly, in bulk and with past timestamps, because the services stamp "now" and
refuse dates in the past; that is right for people and wrong for a history. The rules the
services enforce (dates within the pair's time, one rating per person, levels 0-5, inventory =
latest assessment) are kept here by construction. Deterministic (seeded random), and it runs once:
if the program's pairs already have sessions, it changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from mentorship.demo.organisation import DEMO_DOMAIN
from mentorship.mentorships.models import Mentorship, MentorshipStatus, effective_cadence
from mentorship.programs.models import Enrollment, Program
from mentorship.workspace.models import (
    CheckIn,
    CheckInKind,
    FitAnswer,
    FitCheck,
    Goal,
    MentoringSession,
    PrivateNote,
    SessionFormat,
    SessionRating,
)
from skills.models import Assessment, AssessmentSource, Skill, SkillEntry

RUNNING_PROGRAM = "Mentoring circle"  # matching.RUNNING.name
STARTED_DAYS_AGO = 120
PROGRAM_DAYS = 182  # a six-month program, like the traditional default
LOW = 2  # a rating of 2 or less is low (the feedback sweep's threshold)

FORMATS = [
    (SessionFormat.MEETING, 50),
    (SessionFormat.WORKING, 25),
    (SessionFormat.SHADOWING, 15),
    (SessionFormat.REVERSE_SHADOWING, 10),
]
GOAL_TITLES = [
    "Apply {skill} on a live piece of work, with my mentor's feedback",
    "Lead one team session that relies on {skill}",
    "Get to the point where colleagues ask me for help with {skill}",
    "Write down how I use {skill} and present it to my team",
]
PROGRESS_NOTES = [
    "Week {week}: tried it on a real task; went better than expected.",
    "Week {week}: agreed a small practice exercise before our next session.",
    "Week {week}: got feedback from my manager; next step is doing it without notes.",
    "Week {week}: stuck on the harder cases; we will work through one together.",
]
SHARED_NOTES = {
    SessionFormat.MEETING: [
        "Talked through {skill}: what good looks like and one thing to try this week.",
        "Reviewed last session's action; agreed to practise {skill} in Thursday's meeting.",
        "Career conversation, then a short role-play on {skill}.",
    ],
    SessionFormat.WORKING: [
        "Worked on a real document together, focusing on {skill}.",
        "Pair-worked on the team's backlog; practised {skill} as we went.",
    ],
    SessionFormat.SHADOWING: [
        "Shadowed a stakeholder meeting; debriefed on how {skill} showed up.",
        "Watched a planning session; noted three moments that used {skill}.",
    ],
    SessionFormat.REVERSE_SHADOWING: [
        "Mentor watched me run a stand-up and gave feedback on {skill}.",
        "Mentor sat in on my client call; we discussed my {skill} afterwards.",
    ],
}
LEARNED = [
    "A simple structure I can reuse.",
    "How to ask better questions before jumping to answers.",
    "That it is fine to pause and check understanding.",
    "Concrete phrases for difficult conversations.",
    "",
]
IMPROVE = ["More time for practice.", "Agree the agenda beforehand.", "Fewer topics, more depth.", ""]
PRIVATE_NOTES = [
    "Ask about the reorganisation next time.",
    "I felt more confident than last time.",
    "Remember to send the article we discussed.",
]
RISK_NOTES = "Had to reschedule again; we ran out of time."


@dataclass
class _Pair:
    mentorship: Mentorship
    started: date
    skills: list[Skill] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    sessions: list[MentoringSession] = field(default_factory=list)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _weighted(rng: random.Random, choices: list[tuple[Any, int]]) -> Any:
    return rng.choices([value for value, _ in choices], weights=[weight for _, weight in choices])[0]


def _backdate(model: type[models.Model], column: str, stamps: Mapping[int, datetime]) -> None:
    """Set an auto_now(_add) column to past values in one UPDATE: bulk_create stamps "now"."""
    if stamps:
        model.objects.filter(pk__in=list(stamps)).update(  # type: ignore[attr-defined]  # a concrete model: Model itself has no manager
            **{
                column: Case(
                    *(When(pk=pk, then=Value(at)) for pk, at in stamps.items()), output_field=models.DateTimeField()
                )
            }
        )


@transaction.atomic
def seed_workspace_demo() -> int:
    """Give the running demo program a few months of history. Returns the number of sessions made
    (0 when there is nothing to do)."""
    program = Program.objects.filter(name=RUNNING_PROGRAM).first()
    if program is None:
        return 0
    mentorships = list(
        Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE)
        .select_related("mentor__user", "mentee__user")
        .order_by("pk")
    )
    if not mentorships or MentoringSession.objects.filter(mentorship__program=program).exists():
        return 0
    rng = random.Random(5150)
    today = timezone.localdate()
    start = today - timedelta(days=STARTED_DAYS_AGO)
    _backdate_program(program, start)
    # The pair HR should notice: not one the demo logins are in, so they see a healthy workspace.
    fixed = {f"{name}@{DEMO_DOMAIN}" for name in ("junior", "mentor", "manager", "hr")}
    candidates = [m for m in mentorships if not {m.mentor.user.email, m.mentee.user.email} & fixed] or mentorships
    risky = rng.choice(candidates)
    pairs = [
        _backdate_pair(m, start + timedelta(days=rng.randint(0, 6)), rng, keep_program_cadence=m is risky)
        for m in mentorships
    ]
    at_risk = next(p for p in pairs if p.mentorship is risky)
    _goals(pairs, program, today, rng)
    _sessions(pairs, at_risk, program, today, rng)
    _ratings_and_notes(pairs, at_risk, today, rng)
    _fit_checks(pairs, at_risk, rng)
    _midpoint_check_ins(pairs, at_risk, program, today, rng)
    _mark_at_risk(at_risk, today, program)
    return sum(len(p.sessions) for p in pairs)


def _backdate_program(program: Program, start: date) -> None:
    Program.objects.filter(pk=program.pk).update(
        enrollment_opens=start - timedelta(days=35),
        enrollment_closes=start - timedelta(days=10),
        starts_on=start,
        ends_on=start + timedelta(days=PROGRAM_DAYS),
    )
    # People enrolled while enrollment was open, not today, or time-to-match would come out negative.
    for offset, enrollment_id in enumerate(program.enrollments.order_by("id").values_list("id", flat=True)):
        Enrollment.objects.filter(pk=enrollment_id).update(created_at=_at(start - timedelta(days=34 - offset % 20), 10))
    program.refresh_from_db()


def _backdate_pair(mentorship: Mentorship, started: date, rng: random.Random, *, keep_program_cadence: bool) -> _Pair:
    mentorship.started_at = _at(started, 9)
    # Some pairs agreed their own rhythm; the others keep the program's.
    cadence = rng.choice([None, None, 14, 21, 28])
    mentorship.cadence_days = None if keep_program_cadence else cadence
    mentorship.meeting_channel = rng.choice(
        ["Video call (link in the invite)", "Coffee corner, 3rd floor", "Alternating: video and in person", ""]
    )
    Mentorship.objects.filter(pk=mentorship.pk).update(
        started_at=mentorship.started_at,
        cadence_days=mentorship.cadence_days,
        meeting_channel=mentorship.meeting_channel,
    )
    return _Pair(mentorship, started)


def _goal_skills(pairs: list[_Pair], program: Program, rng: random.Random) -> None:
    """1-3 skills per mentee: what they enrolled to learn, else what their inventory says they want."""
    mentee_ids = [p.mentorship.mentee_id for p in pairs]
    enrolled: dict[int, list[Skill]] = {}
    for enrollment in Enrollment.objects.filter(program=program, participant__in=mentee_ids).prefetch_related("goals"):
        enrolled[enrollment.participant_id] = sorted(enrollment.goals.all(), key=lambda s: s.pk)
    wanted: dict[int, list[Skill]] = {}
    for entry in (
        SkillEntry.objects.filter(participant__in=mentee_ids, want_priority__gt=0, skill__retired_at=None)
        .select_related("skill")
        .order_by("-want_priority", "skill_id")
    ):
        wanted.setdefault(entry.participant_id, []).append(entry.skill)
    # Last resort, so every pair has a goal: a skill from the program's focus.
    focus = list(Skill.objects.filter(retired_at=None, category__in=program.focus_categories).order_by("pk"))
    for pair in pairs:
        options = enrolled.get(pair.mentorship.mentee_id) or wanted.get(pair.mentorship.mentee_id) or []
        pair.skills = options[: rng.randint(1, 3)] or rng.sample(focus, min(1, len(focus)))


def _goals(pairs: list[_Pair], program: Program, today: date, rng: random.Random) -> None:
    _goal_skills(pairs, program, rng)
    levels = dict(
        ((entry.participant_id, entry.skill_id), entry.level)
        for entry in SkillEntry.objects.filter(participant__in=[p.mentorship.mentee_id for p in pairs])
    )
    new: list[Goal] = []
    for pair in pairs:
        mentee = pair.mentorship.mentee
        for number, skill in enumerate(pair.skills):
            start_level = levels.get((mentee.pk, skill.pk), 0)
            if start_level >= 5:
                continue
            weeks = max(4, (today - pair.started).days // 7)
            notes = [rng.choice(PROGRESS_NOTES).format(week=w) for w in sorted(rng.sample(range(2, weeks), 2))]
            new.append(
                Goal(
                    mentorship=pair.mentorship,
                    learner=mentee,
                    skill=skill,
                    title=GOAL_TITLES[(pair.mentorship.pk + number) % len(GOAL_TITLES)].format(skill=skill.name),
                    from_level=start_level,
                    target_level=min(5, start_level + rng.choice([1, 2, 2])),
                    due_on=program.ends_on - timedelta(days=rng.randint(0, 30)) if program.ends_on else None,
                    progress_notes="\n".join(notes),
                    created_by=rng.choice([mentee, pair.mentorship.mentor]),
                )
            )
    Goal.objects.bulk_create(new)
    for goal in new:
        next(p for p in pairs if p.mentorship.pk == goal.mentorship_id).goals.append(goal)
    _backdate(Goal, "created_at", {g.pk: _at(p.started + timedelta(days=5)) for p in pairs for g in p.goals})


def _session_days(pair: _Pair, at_risk: bool, program_cadence: int, today: date, rng: random.Random) -> list[date]:
    """Meeting days from the pair's start to yesterday. Most pairs meet every 2-3 weeks, some
    less; the at-risk pair met three times early on and then stopped."""
    first = pair.started + timedelta(days=rng.randint(3, 8))
    if at_risk:
        return [first, first + timedelta(days=24), first + timedelta(days=47)]
    cadence = effective_cadence(pair.mentorship.cadence_days, program_cadence)
    sparse = rng.random() < 0.25
    low, high = (cadence + 7, cadence + 16) if sparse else (max(7, cadence - 5), cadence + 2)
    days, day = [], first
    while day < today:
        days.append(day)
        day += timedelta(days=rng.randint(low, high))
    # Keep every healthy pair within two cycles of today, so only the at-risk pair is at risk.
    if (today - days[-1]).days > cadence + 10:
        days.append(today - timedelta(days=rng.randint(1, cadence)))
    return days


def _sessions(pairs: list[_Pair], at_risk: _Pair, program: Program, today: date, rng: random.Random) -> None:
    new: list[MentoringSession] = []
    for pair in pairs:
        m = pair.mentorship
        for day in _session_days(pair, pair is at_risk, program.cadence_days, today, rng):
            fmt = _weighted(rng, FORMATS)
            skill = rng.choice(pair.skills).name if pair.skills else "the goals"
            logger = m.mentee if rng.random() < 0.6 else m.mentor
            recent = (today - day).days <= 3
            confirmed = not recent or rng.random() < 0.3
            session = MentoringSession(
                mentorship=m,
                held_on=day,
                duration_minutes=rng.choice([30, 45, 60, 60, 60, 90]),
                format=fmt,
                shared_notes=(RISK_NOTES if pair is at_risk and day != pair.started else "")
                or rng.choice(SHARED_NOTES[fmt]).format(skill=skill),
                logged_by=logger,
                confirmed_by=m.partner_of(logger) if confirmed else None,
                confirmed_at=_at(day + timedelta(days=1), 18) if confirmed else None,
            )
            new.append(session)
            pair.sessions.append(session)
    MentoringSession.objects.bulk_create(new)
    links: list[Any] = []
    for pair in pairs:
        for session in pair.sessions:
            if pair.skills:
                covered = rng.sample(pair.skills, rng.randint(1, len(pair.skills)))
                links.extend(
                    MentoringSession.skills.through(mentoringsession_id=session.pk, skill_id=s.pk) for s in covered
                )
    MentoringSession.skills.through.objects.bulk_create(links)
    stamps = {s.pk: _at(s.held_on, 17) for p in pairs for s in p.sessions}
    _backdate(MentoringSession, "created_at", stamps)
    _backdate(MentoringSession, "updated_at", stamps)


def _ratings_and_notes(pairs: list[_Pair], at_risk: _Pair, today: date, rng: random.Random) -> None:
    """Most sessions rated by both, some by one, the last few days' sessions often not yet (so the
    feedback sweep has rating reminders to send). Healthy pairs get at most one low rating."""
    ratings: list[SessionRating] = []
    stamps: list[datetime] = []
    notes: list[PrivateNote] = []
    for pair in pairs:
        m = pair.mentorship
        low_left = 1
        for index, session in enumerate(pair.sessions):
            for person in (m.mentee, m.mentor):
                recent = (today - session.held_on).days <= 3
                if pair is at_risk and person is m.mentee:
                    score: int | None = [3, 2, 1][min(index, 2)]  # it went downhill, and they said so
                elif rng.random() < (0.35 if recent else 0.82):
                    score = (
                        rng.choice([3, 3, 4])
                        if pair is at_risk
                        else _weighted(rng, [(5, 35), (4, 40), (3, 18), (2, 7)])
                    )
                    if pair is not at_risk and score is not None and score <= LOW:
                        score, low_left = (score, 0) if low_left else (3, 0)
                else:
                    score = None
                if score is not None:
                    ratings.append(
                        SessionRating(
                            session=session,
                            rater=person,
                            score=score,
                            learned=rng.choice(LEARNED) if score > LOW else "",
                            improve=RISK_NOTES if score <= LOW else rng.choice(IMPROVE),
                        )
                    )
                    stamps.append(_at(session.held_on + timedelta(days=1), 12))
                if rng.random() < 0.12:
                    notes.append(PrivateNote(session=session, author=person, text=rng.choice(PRIVATE_NOTES)))
    SessionRating.objects.bulk_create(ratings)
    _backdate(SessionRating, "created_at", {r.pk: at for r, at in zip(ratings, stamps, strict=True)})
    PrivateNote.objects.bulk_create(notes)


def _fit_checks(pairs: list[_Pair], at_risk: _Pair, rng: random.Random) -> None:
    fits: list[FitCheck] = []
    answered: list[datetime] = []
    for pair in pairs:
        if not pair.sessions:
            continue
        first = min(s.held_on for s in pair.sessions)
        for person in (pair.mentorship.mentee, pair.mentorship.mentor):
            if rng.random() > 0.85:
                continue  # not everyone answers
            answer = (
                FitAnswer.UNDECIDED
                if pair is at_risk
                else _weighted(rng, [(FitAnswer.GOOD, 85), (FitAnswer.UNDECIDED, 15)])
            )
            fits.append(FitCheck(mentorship=pair.mentorship, participant=person, answer=answer))
            answered.append(_at(first + timedelta(days=rng.randint(1, 4)), 11))
    FitCheck.objects.bulk_create(fits)
    _backdate(FitCheck, "answered_at", {fit.pk: at for fit, at in zip(fits, answered, strict=True)})


def _midpoint_check_ins(pairs: list[_Pair], at_risk: _Pair, program: Program, today: date, rng: random.Random) -> None:
    """Most people answered the midpoint check-in once it opened: the mentee's goal skills moved
    up a level or so (a "check_in" assessment, and the inventory follows), and mentors added
    their view of their mentee ("partner" assessments, which leave the inventory alone)."""
    check_ins: list[CheckIn] = []
    submitted: list[datetime] = []
    assessments: list[Assessment] = []
    new_levels: dict[tuple[int, int], int] = {}
    for pair in pairs:
        if program.ends_on is None:
            break
        midpoint = pair.started + (program.ends_on - pair.started) / 2
        if midpoint >= today:
            continue
        m = pair.mentorship
        for person in (m.mentee, m.mentor):
            if rng.random() > (0.5 if pair is at_risk else 0.8):
                continue
            at = _at(min(today - timedelta(days=1), midpoint + timedelta(days=rng.randint(0, 6))), 16)
            check_ins.append(
                CheckIn(
                    mentorship=m,
                    participant=person,
                    kind=CheckInKind.MIDPOINT,
                    relationship_rating=2 if pair is at_risk else rng.choice([3, 4, 4, 5, 5]),
                    would_recommend=pair is not at_risk or rng.random() < 0.3,
                    comment="" if rng.random() < 0.6 else "Good progress so far; we want to meet more regularly.",
                )
            )
            submitted.append(at)
            for goal in pair.goals:
                if goal.skill_id is None:
                    continue
                start_level, target = goal.from_level or 0, goal.target_level or 5
                grown = min(target, start_level + (0 if pair is at_risk else rng.choice([0, 1, 1, 2])))
                if person is m.mentee:
                    new_levels[(m.mentee_id, goal.skill_id)] = grown
                    source, by = AssessmentSource.CHECK_IN, m.mentee
                else:
                    source, by = AssessmentSource.PARTNER, m.mentor
                assessments.append(
                    Assessment(
                        participant=m.mentee,
                        skill_id=goal.skill_id,
                        level=grown,
                        source=source,
                        assessed_by=by,
                        assessed_at=at,
                    )
                )
    CheckIn.objects.bulk_create(check_ins)
    _backdate(CheckIn, "submitted_at", {c.pk: at for c, at in zip(check_ins, submitted, strict=True)})
    Assessment.objects.bulk_create(assessments)
    _inventory_follows(new_levels)


def _inventory_follows(levels: Mapping[tuple[int, int], int]) -> None:
    """The inventory shows each person's latest own level, as inventory_set_entry keeps it."""
    entries = SkillEntry.objects.filter(participant__in={p for p, _ in levels}, skill__in={s for _, s in levels})
    changed = []
    for entry in entries:
        level = levels.get((entry.participant_id, entry.skill_id))
        if level is not None and level != entry.level:
            entry.level = level
            changed.append(entry)
    SkillEntry.objects.bulk_update(changed, ["level"])
    known = {(e.participant_id, e.skill_id) for e in entries}
    SkillEntry.objects.bulk_create(
        SkillEntry(participant_id=p, skill_id=s, level=level) for (p, s), level in levels.items() if (p, s) not in known
    )


def _mark_at_risk(pair: _Pair, today: date, program: Program) -> None:
    """What the feedback sweep would have concluded: more than two cycles without a session, and
    two low ratings. Set here so the demo shows it before any sweep has run."""
    last = max(s.held_on for s in pair.sessions)
    cadence = pair.mentorship.effective_cadence_days
    since = last + timedelta(days=2 * cadence + 4)
    low = SessionRating.objects.filter(session__mentorship=pair.mentorship, score__lte=LOW).count()
    Mentorship.objects.filter(pk=pair.mentorship.pk).update(
        at_risk_since=_at(min(since, today), 6),
        at_risk_reason=(
            f"No session for {(today - last).days} days (more than two {cadence}-day cycles); "
            f"{low} sessions rated 2 or less."
        ),
    )
