"""Time the feedback sweep on a large, realistic database, and count its queries.

Run it against a throwaway PostgreSQL database; it refuses a database that already has people:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_sweepbench \\
    REDIS_URL=redis://127.0.0.1:6379/9 sh -c 'manage.py ensure_database && manage.py migrate -v0 &&
      manage.py benchmark_sweep --mentorships 100000 --sessions 1000000'

The data: ten running programs; pairs started 20 to 180 days ago, most meeting about every 14
days and rating four sessions in five, one pair in ten gone quiet, a few unhappy. The first sweep
writes everything due at once (a cold start); the second finds nothing new, which is the steady
state every 15 minutes. Emails are handed to the broker on a queue of the benchmark's own,
purged at the end; nothing is sent.
"""

import random
import time
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.celery import app
from mentorship.feedback import services
from mentorship.mentorships.models import Mentorship
from mentorship.notifications.models import Notification
from mentorship.participants.models import Participant
from mentorship.programs.defaults import default_reminders
from mentorship.programs.models import Program, ProgramStatus

PROGRAMS = 10
BATCH = 10_000
QUEUE = "benchmark-sweep"


class Command(BaseCommand):
    help = "Build a large feedback-loop database and time two sweeps (PostgreSQL)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--mentorships", type=int, default=100_000)
        parser.add_argument("--sessions", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, mentorships: int, sessions: int, seed: int, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark builds with COPY: point DATABASE_URL at a throwaway PostgreSQL database.")
        if User.objects.exists():
            raise CommandError("This database has people in it. Use a throwaway database (see --help).")
        if mentorships < PROGRAMS or sessions < mentorships:
            raise CommandError(f"Use at least {PROGRAMS} mentorships and as many sessions as mentorships.")
        app.conf.task_default_queue = QUEUE
        rng = random.Random(seed)  # noqa: S311  # test data, not secrets
        now = timezone.now()
        started = time.perf_counter()
        counts = self._build(rng, now, mentorships, sessions)
        self.stdout.write(f"Built {counts} in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        try:
            for label in ("first sweep (cold start)", "second sweep (steady state)"):
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    result = services.sweep()
                    seconds = time.perf_counter() - began
                self.stdout.write(
                    f"{label}: {seconds:.2f} s, {len(queries)} queries, wrote {result.total:,} reminders "
                    f"{result.written}, {len(result.at_risk):,} pairs newly at risk"
                )
            handed = Notification.objects.exclude(email_queued_at=None).count()
            self.stdout.write(f"emails handed to the broker: {handed:,} of {Notification.objects.count():,}")
        finally:
            with app.connection_for_write() as conn:
                conn.default_channel.queue_purge(QUEUE)  # type: ignore[attr-defined]  # kombu's channel is untyped

    def _build(self, rng: random.Random, now: datetime, mentorships: int, sessions: int) -> dict[str, int]:
        today = now.date()
        hr = User.objects.create_user(email="hr@bench.example", password=None, first_name="Hana")
        programs = [
            Program.objects.create(
                name=f"Program {number}",
                kind="traditional",
                status=ProgramStatus.RUNNING,
                starts_on=today - timedelta(days=200),
                ends_on=today + timedelta(days=rng.randint(30, 200)),
                cadence_days=14,
                reminders=default_reminders(),
            )
            for number in range(PROGRAMS)
        ]
        for program in programs:
            program.owners.add(hr)
        # One mentor for every four mentees.
        people = mentorships + mentorships // 4
        self._copy(
            "accounts_user",
            ["email", "password", "first_name", "last_name", "is_active", "is_staff", "is_superuser", "date_joined"],
            ((f"p{i}@bench.example", "!", f"P{i}", "Bench", True, False, False, now) for i in range(people)),
        )
        user_ids = list(User.objects.exclude(pk=hr.pk).order_by("pk").values_list("pk", flat=True))
        self._copy(
            "participants_participant",
            ["user_id", "job_title", "career_level", "timezone", "languages", "availability_hours", "bio",
             "onboarded_at", "created_at", "updated_at"],
            ((uid, "Analyst", 3, "UTC", '["en"]', 4, "", now, now, now) for uid in user_ids),
        )  # fmt: skip
        participant_ids = list(Participant.objects.order_by("pk").values_list("pk", flat=True))
        mentees, mentors = participant_ids[:mentorships], participant_ids[mentorships:]
        rows = []
        for i, mentee in enumerate(mentees):
            start = now - timedelta(days=rng.randint(20, 180), hours=rng.randint(0, 23))
            rows.append((programs[i % PROGRAMS].pk, mentors[i % len(mentors)], mentee, "active", start, "", "", ""))
        self._copy(
            "mentorships_mentorship",
            ["program_id", "mentor_id", "mentee_id", "status", "started_at", "end_reason", "meeting_channel",
             "at_risk_reason"],
            rows,
        )  # fmt: skip
        pairs = list(Mentorship.objects.order_by("pk").values_list("pk", "started_at", "mentor_id", "mentee_id"))
        per_pair = sessions // len(pairs)
        session_rows = []
        for index, (pk, started_at, _, mentee) in enumerate(pairs):
            quiet = index % 10 == 0  # one pair in ten stopped meeting a while ago
            last = today - timedelta(days=rng.randint(25, 60) if quiet else rng.randint(0, 16))
            first = started_at.date()
            count = per_pair + (1 if index < sessions - per_pair * len(pairs) else 0)
            for n in range(count):
                held = max(first, last - timedelta(days=14 * n))
                session_rows.append((pk, held, 60, "meeting", "", mentee, now, now))
        self._copy(
            "workspace_mentoringsession",
            ["mentorship_id", "held_on", "duration_minutes", "format", "shared_notes", "logged_by_id", "created_at",
             "updated_at"],
            session_rows,
        )  # fmt: skip
        people_of = {pk: (mentor, mentee) for pk, _, mentor, mentee in pairs}
        recent = today - timedelta(days=20)
        rating_rows = []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, mentorship_id FROM workspace_mentoringsession WHERE held_on >= %s ORDER BY id", [recent]
            )
            for sid, mid in cursor.fetchall():
                for rater in people_of[mid]:
                    if rng.random() < 0.8:  # four ratings in five
                        score = 1 if rng.random() < 0.03 else rng.randint(3, 5)
                        rating_rows.append((sid, rater, score, "", "", now))
        self._copy(
            "workspace_sessionrating",
            ["session_id", "rater_id", "score", "learned", "improve", "created_at"],
            rating_rows,
        )
        return {
            "people": people,
            "mentorships": len(pairs),
            "sessions": len(session_rows),
            "ratings": len(rating_rows),
        }

    def _copy(self, table: str, columns: list[str], rows: Any) -> None:
        """PostgreSQL COPY: the fastest way in, and plain rows (no model instances)."""
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
