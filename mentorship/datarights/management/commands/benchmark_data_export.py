"""Time the data export of one person with many sessions: builds the data, exports it a few times,
prints the median, and rolls everything back (nothing stays in the database).

    python manage.py benchmark_data_export --sessions 100 --repeat 5
"""

import statistics
import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.datarights import services
from mentorship.datarights.models import DataExport
from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.participants import services as participant_services
from mentorship.programs.models import Enrollment, Program, ProgramKind, ProgramStatus
from mentorship.workspace.models import MentoringSession, PrivateNote, SessionRating
from skills.models import Skill, SkillCategory, SkillEntry


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the export of one person's data (with N sessions); changes nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--sessions", type=int, default=100)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args: Any, sessions: int, repeat: int, **options: Any) -> None:
        try:
            with transaction.atomic():
                user = self._person(sessions)
                timings, size = [], 0
                for _ in range(repeat):
                    export = DataExport.objects.create(user=user)
                    started = time.perf_counter()
                    services.data_export_build(export_id=export.pk)
                    timings.append(time.perf_counter() - started)
                    export.refresh_from_db()
                    size = export.size
                self.stdout.write(
                    f"export of a person with {sessions} sessions: median {statistics.median(timings) * 1000:.0f} ms "
                    f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}, n={repeat}), ZIP {size} bytes"
                )
                raise _Rollback
        except _Rollback:
            pass

    def _person(self, sessions: int) -> User:
        stamp = int(time.time() * 1000)
        users = [
            User.objects.create_user(email=f"bench-{stamp}-{n}@example.invalid", first_name=f"Bench{n}") for n in (1, 2)
        ]
        mentee, mentor = (participant_services.participant_ensure(user=u) for u in users)
        program = Program.objects.create(
            name=f"Benchmark {stamp}", kind=ProgramKind.TRADITIONAL, status=ProgramStatus.RUNNING
        )
        skills = [
            Skill.objects.create(name=f"Bench skill {stamp} {n}", category=SkillCategory.TECHNICAL) for n in range(10)
        ]
        for skill in skills:
            SkillEntry.objects.create(participant=mentee, skill=skill, level=2, want_priority=2)
        Enrollment.objects.create(program=program, participant=mentee, role="mentee")
        mentorship = Mentorship.objects.create(
            program=program,
            mentor=mentor,
            mentee=mentee,
            started_at=timezone.now() - timedelta(days=400),
            status=MentorshipStatus.COMPLETED,
            ended_at=timezone.now(),
        )
        for n in range(sessions):
            session = MentoringSession.objects.create(
                mentorship=mentorship,
                held_on=date.today() - timedelta(days=3 * n),
                logged_by=mentee,
                shared_notes=f"Session {n}: " + "worked through examples. " * 5,
            )
            session.skills.set(skills[n % 10 : n % 10 + 2])
            PrivateNote.objects.create(session=session, author=mentee, text=f"Private note {n}")
            SessionRating.objects.create(session=session, rater=mentee, score=1 + n % 5, learned=f"Learned {n}")
            Notification.objects.create(
                recipient=mentee.user,
                kind="session_rating",
                title=f"Rate session {n}",
                dedupe_key=f"bench-{stamp}-{n}",
                email_status=EmailStatus.SKIPPED,
            )
        return mentee.user
