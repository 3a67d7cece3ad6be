"""Build (or delete) a large organisation for benchmarking the dashboards.

10,000 participants, 5,000 mentorships, 100,000 sessions and 200,000 ratings, with goals,
assessments, check-ins, enrollments and reminders, across programs of all four kinds over nine
months. Every row hangs off people with an @scale.invalid address and programs named "Scale: …",
so `--delete` removes exactly what this made, and the demo organisation is left alone.
Bulk inserts in batches: a few minutes at most on PostgreSQL, no per-row saves. `--large` builds
100,000 people and 1,000,000 sessions (sessions and ratings are streamed with COPY there).
"""

import random
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.demo import planted
from mentorship.mentorships.models import EndReason, Mentorship, MentorshipStatus
from mentorship.notifications import kinds
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.participants import services as participant_services
from mentorship.participants.models import OrgUnit, Participant
from mentorship.programs.models import Enrollment, EnrollmentRole, Program, ProgramKind, ProgramStatus
from mentorship.workspace.models import CheckIn, CheckInKind, Goal, MentoringSession, SessionRating
from skills.models import Assessment, AssessmentSource, Skill, SkillCategory

DOMAIN = "scale.invalid"
ROOT_UNIT = "Scale Corp"
PROGRAM_PREFIX = "Scale: "
BATCH = 5000
HR_EMAIL = f"hr@{DOMAIN}"
UNUSABLE = "!"  # nobody signs in as a scale person: the benchmark logs in directly

# Which skills each approach mostly works on, so the comparison has something to compare.
KIND_CATEGORIES: dict[str, list[str]] = {
    ProgramKind.TRADITIONAL: [SkillCategory.LEADERSHIP, SkillCategory.CAREER],
    ProgramKind.REVERSE: [SkillCategory.DIGITAL],
    ProgramKind.RECIPROCAL: [SkillCategory.DIGITAL, SkillCategory.INTERPERSONAL, SkillCategory.TECHNICAL],
    ProgramKind.PEER: [SkillCategory.TECHNICAL, SkillCategory.DIGITAL],
}
KIND_GROWTH = {
    ProgramKind.TRADITIONAL: 1.2,
    ProgramKind.REVERSE: 1.8,
    ProgramKind.RECIPROCAL: 1.5,
    ProgramKind.PEER: 1.0,
}


class Command(BaseCommand):
    help = "Build a 10,000-person organisation for the dashboard benchmark (or --delete it)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--pairs", type=int, default=5_000)
        parser.add_argument("--sessions-per-pair", type=int, default=20)
        parser.add_argument(
            "--large",
            action="store_true",
            help="100,000 people, 50,000 pairs and 1,000,000 sessions (2,000,000 ratings), for the 100k benchmarks.",
        )
        parser.add_argument("--delete", action="store_true", help="Remove everything seed_scale made.")
        parser.add_argument(
            "--plant",
            choices=planted.PLANS,
            help="Plant known growth effects (or none) with noise and starting-level confounding, and make one "
            "person in five a colleague in no program, assessed twice (see mentorship/demo/planted.py).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["delete"]:
            delete_scale()
            self.stdout.write(self.style.SUCCESS(f"Scale data deleted in {time.perf_counter() - started:.1f} s."))
            return
        if User.objects.filter(email__endswith=f"@{DOMAIN}").exists():
            raise CommandError("Scale data exists already: run with --delete first.")
        if options["large"]:
            options |= {"people": 100_000, "pairs": 50_000, "sessions_per_pair": 20}
        if options["pairs"] * 2 > options["people"]:
            raise CommandError("Each pair needs two people: --people must be at least twice --pairs.")
        outsiders = options["people"] // planted.OUTSIDER_SHARE if options["plant"] else 0
        counts = build_scale(
            people=options["people"] - outsiders, pairs=options["pairs"], sessions_per_pair=options["sessions_per_pair"]
        )
        if options["plant"]:
            counts |= plant(options["plant"], outsiders=outsiders)
        _refresh_statistics()
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data ready in {time.perf_counter() - started:.1f} s: "
                + ", ".join(f"{count:,} {name}" for name, count in counts.items())
            )
        )
        self.stdout.write(f"HR admin: {HR_EMAIL}; a manager: head1@{DOMAIN} (no password: benchmarks log in directly).")


def plant(plan: str, *, outsiders: int, seed: int = planted.SEED) -> dict[str, int]:
    """Rewrite the scale data's growth from a plan whose answers are known (`planted`)."""
    return planted.plant_effects(
        plan=plan,
        domain=DOMAIN,
        program_prefix=PROGRAM_PREFIX,
        kind_categories=KIND_CATEGORIES,
        outsiders=outsiders,
        seed=seed,
    )


def _refresh_statistics() -> None:
    """Give PostgreSQL's planner the new row counts, and its visibility map the new pages, as
    autovacuum would soon after a bulk load: benchmarks should not time plans made for empty
    tables (or autovacuum being off, as on some development databases)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM cannot run inside a transaction (a test calling this command, say).
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def delete_scale() -> None:
    """Children first, with set-based deletes, so no row is loaded into Python one by one."""
    people = Participant.objects.filter(user__email__endswith=f"@{DOMAIN}")
    programs = Program.objects.filter(name__startswith=PROGRAM_PREFIX)
    with transaction.atomic():
        SessionRating.objects.filter(session__mentorship__program__in=programs).delete()
        MentoringSession.skills.through.objects.filter(mentoringsession__mentorship__program__in=programs).delete()
        MentoringSession.objects.filter(mentorship__program__in=programs).delete()
        CheckIn.objects.filter(mentorship__program__in=programs).delete()
        Goal.objects.filter(mentorship__program__in=programs).delete()
        Mentorship.objects.filter(program__in=programs).delete()
        Enrollment.objects.filter(program__in=programs).delete()
        programs.delete()
        Notification.objects.filter(recipient__email__endswith=f"@{DOMAIN}").delete()
        Assessment.objects.filter(participant__in=people).delete()
        Participant.objects.filter(user__email__endswith=f"@{DOMAIN}").update(manager=None)
        people.delete()
        User.objects.filter(email__endswith=f"@{DOMAIN}").delete()
        root = OrgUnit.objects.filter(name=ROOT_UNIT, parent=None).first()
        if root is not None:
            OrgUnit.objects.filter(parent__parent=root).delete()
            OrgUnit.objects.filter(parent=root).delete()
            root.delete()


def _bulk(model: Any, rows: list[Any]) -> list[Any]:
    created: list[Any] = model.objects.bulk_create(rows, batch_size=BATCH)
    return created


def _sessions_and_ratings(
    rng: random.Random, mentorships: list[Mentorship], *, sessions_per_pair: int, now: datetime
) -> None:
    """`sessions_per_pair` sessions spread over each pair's time, each rated by both people.

    On PostgreSQL the rows are streamed with COPY, without a model instance each, so `--large`
    (a million sessions, two million ratings) builds in under four minutes in under 800 MB. The
    random draws come in the same order either way, so both databases get the same data."""

    def held_days() -> Iterator[tuple[Mentorship, date]]:
        for mentorship in mentorships:
            first = mentorship.started_at.date()
            span = max(1, ((mentorship.ended_at or now).date() - first).days)
            for n in range(sessions_per_pair):
                yield mentorship, first + timedelta(days=min(span, int(span * (n + rng.random()) / sessions_per_pair)))

    scores = [3, 4, 4, 4, 5, 5, 2]
    if connection.vendor != "postgresql":
        sessions = _bulk(
            MentoringSession,
            [MentoringSession(mentorship=m, held_on=held, logged_by_id=m.mentee_id) for m, held in held_days()],
        )
        pair_of = {m.pk: m for m in mentorships}
        ratings = [
            SessionRating(session=row, rater_id=rater, score=rng.choice(scores))
            for row in sessions
            for rater in (pair_of[row.mentorship_id].mentor_id, pair_of[row.mentorship_id].mentee_id)
        ]
        _bulk(SessionRating, ratings)
        return
    _copy(
        MentoringSession,
        ["mentorship_id", "held_on", "logged_by_id"],
        ((m.pk, held, m.mentee_id) for m, held in held_days()),
        now=now,
    )
    members = {m.pk: (m.mentor_id, m.mentee_id) for m in mentorships}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, mentorship_id FROM {MentoringSession._meta.db_table}"  # noqa: S608 (a model's table name)
            " WHERE mentorship_id = ANY(%s) ORDER BY id",
            [list(members)],
        )
        sessions = cursor.fetchall()
    _copy(
        SessionRating,
        ["session_id", "rater_id", "score"],
        ((pk, rater, rng.choice(scores)) for pk, pair in sessions for rater in members[pair]),
        now=now,
    )


def _copy(model: Any, columns: list[str], rows: Iterable[tuple[Any, ...]], *, now: datetime) -> None:
    """COPY rows into `model`'s table: the given columns, and every other column's default
    (timestamps set on creation get `now`, as `bulk_create` would give them)."""
    rest = [f for f in model._meta.concrete_fields if f.column not in columns and not f.primary_key]
    defaults = tuple(
        now if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False) else f.get_default() for f in rest
    )
    names = ", ".join(connection.ops.quote_name(name) for name in [*columns, *(f.column for f in rest)])
    table = connection.ops.quote_name(model._meta.db_table)
    # Django's cursor hands `copy` to psycopg's.
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row + defaults)


@transaction.atomic
def build_scale(*, people: int, pairs: int, sessions_per_pair: int) -> dict[str, int]:
    rng = random.Random(2026)
    now = timezone.now()
    history_start = now - timedelta(days=270)

    # Org: 10 departments of 5 teams.
    root = participant_services.org_unit_ensure_path(path=[ROOT_UNIT])
    teams: list[OrgUnit] = []
    departments: list[OrgUnit] = []
    for d in range(10):
        department = participant_services.org_unit_ensure_path(path=[ROOT_UNIT, f"Department {d + 1}"])
        departments.append(department)
        for t in range(5):
            teams.append(
                participant_services.org_unit_ensure_path(path=[ROOT_UNIT, f"Department {d + 1}", f"Team {t + 1}"])
            )

    # People: a CEO, 10 department heads, 50 team leads, and everyone else in a team under a lead.
    emails = [f"ceo@{DOMAIN}", HR_EMAIL, *[f"head{d + 1}@{DOMAIN}" for d in range(10)]]
    emails += [f"lead{t + 1}@{DOMAIN}" for t in range(50)]
    emails += [f"p{i:05d}@{DOMAIN}" for i in range(people - len(emails))]
    users = _bulk(
        User,
        [
            User(email=email, first_name="Scale", last_name=f"Person {i}", password=UNUSABLE)
            for i, email in enumerate(emails)
        ],
    )
    onboarded = datetime(2025, 1, 1, tzinfo=UTC)
    participants = _bulk(
        Participant,
        [
            Participant(
                user=user,
                job_title="Employee",
                career_level=rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5]),
                languages=["en"],
                onboarded_at=onboarded,
            )
            for user in users
        ],
    )
    ceo, hr, heads, leads, staff = (
        participants[0],
        participants[1],
        participants[2:12],
        participants[12:62],
        participants[62:],
    )
    ceo.career_level, ceo.org_unit = 7, root
    hr.career_level, hr.org_unit, hr.manager = 6, departments[-1], ceo
    for d, head in enumerate(heads):
        head.career_level, head.org_unit, head.manager = 6, departments[d], ceo
    for t, lead in enumerate(leads):
        lead.career_level, lead.org_unit, lead.manager = 5, teams[t], heads[t // 5]
    for i, person in enumerate(staff):
        person.org_unit, person.manager = teams[i % 50], leads[i % 50]
    Participant.objects.bulk_update(participants, ["career_level", "org_unit", "manager"], batch_size=BATCH)
    participant_services.hr_admin_grant(user=users[1])

    # Programs: three of each kind, started nine months ago; the oldest of each kind is closed.
    programs = []
    for kind in ProgramKind:
        for n in range(3):
            programs.append(
                Program.objects.create(
                    name=f"{PROGRAM_PREFIX}{kind.label} {n + 1}",
                    kind=kind,
                    status=ProgramStatus.CLOSED if n == 0 else ProgramStatus.RUNNING,
                    starts_on=history_start.date(),
                    cadence_days=14 if kind != ProgramKind.REVERSE else 21,
                )
            )
    skills_by_category: dict[str, list[int]] = {}
    for pk, category in Skill.objects.filter(retired_at=None).values_list("id", "category"):
        skills_by_category.setdefault(category, []).append(pk)

    # Pairs: mentors from the more senior half, mentees from everyone, one mentee once per program.
    pool = list(staff) + list(leads)
    rng.shuffle(pool)
    enrollments: list[Enrollment] = []
    mentorships: list[Mentorship] = []
    enrolled: set[tuple[int, int]] = set()
    for index in range(pairs):
        program = programs[index % len(programs)]
        mentor, mentee = pool[(2 * index) % len(pool)], pool[(2 * index + 1) % len(pool)]
        started = history_start + timedelta(days=rng.randint(0, 240), hours=rng.randint(8, 17))
        roll = rng.random()
        status, ended, reason, at_risk = MentorshipStatus.ACTIVE, None, "", None
        if roll < 0.2:
            status, ended, reason = MentorshipStatus.COMPLETED, min(now, started + timedelta(days=120)), "completed"
        elif roll < 0.3:
            status = MentorshipStatus.ENDED_EARLY
            ended = min(now, started + timedelta(days=rng.randint(20, 90)))
            reason = rng.choice([r.value for r in EndReason if r != EndReason.COMPLETED])
        elif roll < 0.38:
            at_risk = now - timedelta(days=rng.randint(1, 30))
        mentorships.append(
            Mentorship(
                program=program,
                mentor=mentor,
                mentee=mentee,
                status=status,
                started_at=started,
                ended_at=ended,
                end_reason=reason,
                at_risk_since=at_risk,
                at_risk_reason="Two missed cycles" if at_risk else "",
            )
        )
        reciprocal = program.kind == ProgramKind.RECIPROCAL
        for person, role in ((mentor, EnrollmentRole.MENTOR), (mentee, EnrollmentRole.MENTEE)):
            if (program.pk, person.pk) not in enrolled:
                enrolled.add((program.pk, person.pk))
                enrollments.append(
                    Enrollment(program=program, participant=person, role=EnrollmentRole.BOTH if reciprocal else role)
                )
    # Some learners enrolled and never matched.
    for person in rng.sample(pool, min(len(pool), pairs // 5)):
        program = rng.choice(programs)
        if (program.pk, person.pk) not in enrolled:
            enrolled.add((program.pk, person.pk))
            enrollments.append(Enrollment(program=program, participant=person, role=EnrollmentRole.MENTEE))
    mentorships = _bulk(Mentorship, mentorships)
    enrollments = _bulk(Enrollment, enrollments)
    # Enrollment dates are set by the database on insert; spread them over the months before matching.
    by_pair = {(m.program_id, m.mentee_id): m.started_at for m in mentorships}
    for enrollment in enrollments:
        started = by_pair.get((enrollment.program_id, enrollment.participant_id), now)
        enrollment.created_at = started - timedelta(days=rng.randint(3, 40))
    Enrollment.objects.bulk_update(enrollments, ["created_at"], batch_size=BATCH)

    # Sessions, each rated by both people.
    _sessions_and_ratings(rng, mentorships, sessions_per_pair=sessions_per_pair, now=now)

    # Goals with a start assessment and check-in re-assessments; growth differs by approach.
    goals, assessments, check_ins, notifications = [], [], [], []
    for mentorship in mentorships:
        program = programs[[p.pk for p in programs].index(mentorship.program_id)]
        categories = KIND_CATEGORIES[ProgramKind(program.kind)]
        for g in range(2):
            learner = mentorship.mentee_id
            if program.kind == ProgramKind.RECIPROCAL and g == 1:
                learner = mentorship.mentor_id
            skill = rng.choice(skills_by_category[rng.choice(categories)])
            start = rng.randint(0, 2)
            goals.append(
                Goal(
                    mentorship=mentorship,
                    learner_id=learner,
                    skill_id=skill,
                    title="Scale goal",
                    from_level=start,
                    target_level=min(5, start + 2),
                )
            )
            assessments.append(
                Assessment(
                    participant_id=learner,
                    skill_id=skill,
                    level=start,
                    source=AssessmentSource.SELF,
                    assessed_at=mentorship.started_at - timedelta(days=1),
                )
            )
            age = ((mentorship.ended_at or now) - mentorship.started_at).days
            if age > 45:
                gain = max(0, min(5 - start, round(rng.gauss(KIND_GROWTH[ProgramKind(program.kind)], 0.8))))
                assessments.append(
                    Assessment(
                        participant_id=learner,
                        skill_id=skill,
                        level=start + gain,
                        source=AssessmentSource.CHECK_IN,
                        assessed_at=mentorship.started_at + timedelta(days=age - 1),
                    )
                )
        if ((mentorship.ended_at or now) - mentorship.started_at).days > 60:
            for person in (mentorship.mentor_id, mentorship.mentee_id):
                check_ins.append(
                    CheckIn(
                        mentorship=mentorship,
                        participant_id=person,
                        kind=CheckInKind.MIDPOINT,
                        relationship_rating=rng.choice([3, 4, 4, 5, 5]),
                        would_recommend=rng.random() < 0.8,
                    )
                )
    _bulk(Goal, goals)
    _bulk(Assessment, assessments)
    _bulk(CheckIn, check_ins)
    user_of = dict(Participant.objects.filter(user__email__endswith=f"@{DOMAIN}").values_list("id", "user_id"))
    for index, mentorship in enumerate(mentorships[: pairs * 2 // 5]):
        notifications.append(
            Notification(
                recipient_id=user_of[mentorship.mentee_id],
                kind=[kinds.SESSION_RATING, kinds.CADENCE_NUDGE, kinds.CHECK_IN][index % 3],
                title="Reminder",
                dedupe_key=f"scale:{index}",
                email_status=EmailStatus.SKIPPED,
            )
        )
    notifications = _bulk(Notification, notifications)
    for index, notification in enumerate(notifications):
        notification.created_at = now - timedelta(days=8 + index % 200)
    Notification.objects.bulk_update(notifications, ["created_at"], batch_size=BATCH)
    return {
        "participants": len(participants),
        "programs": len(programs),
        "enrollments": len(enrollments),
        "mentorships": len(mentorships),
        "sessions": len(mentorships) * sessions_per_pair,
        "ratings": len(mentorships) * sessions_per_pair * 2,
        "goals": len(goals),
        "assessments": len(assessments),
        "check-ins": len(check_ins),
        "reminders": len(notifications),
    }
