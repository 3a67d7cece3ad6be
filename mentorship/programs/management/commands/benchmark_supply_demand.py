"""Time the skill supply-and-demand page on a large pool.

Builds a pool of bench people with realistic inventories inside one transaction, renders the page
through the test client as the program's owner, prints the timings and the query count, and rolls
everything back: nothing is left in the database.
"""

import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.participants import services as people
from mentorship.participants.models import OrgUnit, Participant
from mentorship.programs import queries, services
from mentorship.programs.models import Enrollment, EnrollmentRole, Program, ProgramStatus
from skills.models import Skill, SkillCategory, SkillEntry

UNUSABLE = make_password(None)  # bench people never sign in
DEPARTMENTS = ["Engineering", "Data", "Sales", "Marketing", "Finance", "People", "Operations", "Legal"]


class Command(BaseCommand):
    help = "Build a throwaway pool and time the supply-and-demand page (everything is rolled back)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pool", type=int, default=5000, help="People enrolled in the program.")
        parser.add_argument("--runs", type=int, default=20, help="Timed page renders.")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, pool: int, runs: int, seed: int, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        rng = random.Random(seed)  # noqa: S311  (reproducible bench data, not secrets)
        with transaction.atomic():
            started = time.perf_counter()
            owner, program = self._build(rng, pool)
            self.stdout.write(f"Built a pool of {pool} in {time.perf_counter() - started:.1f} s.")
            self._measure(owner, program, runs)
            transaction.set_rollback(True)
        self.stdout.write("Rolled back: no bench rows remain.")

    def _skills(self) -> list[int]:
        skill_ids = list(Skill.objects.filter(retired_at__isnull=True).values_list("id", flat=True))
        if len(skill_ids) < 40:  # an empty catalogue still gets a realistic spread
            created = Skill.objects.bulk_create(
                Skill(name=f"Bench skill {n}", category=SkillCategory.values[n % len(SkillCategory.values)])
                for n in range(80)
            )
            skill_ids += [skill.pk for skill in created]
        return skill_ids

    def _build(self, rng: random.Random, size: int) -> tuple[User, Program]:
        skill_ids = self._skills()
        root = people.org_unit_ensure_path(path=[f"Bench Co {rng.random():.8f}"])  # rolled back at the end
        units = [OrgUnit.objects.create(name=name, parent=root) for name in DEPARTMENTS]
        owner = User.objects.create_user(email="bench.owner@bench.invalid", first_name="Bench", last_name="Owner")
        people.hr_admin_grant(user=owner)
        onboarded = datetime(2026, 1, 1, tzinfo=UTC)
        Participant.objects.create(user=owner, career_level=6, org_unit=units[0], onboarded_at=onboarded)

        users = User.objects.bulk_create(
            User(email=f"bench-{n}@bench.invalid", first_name=f"Bench{n}", last_name="Person", password=UNUSABLE)
            for n in range(size)
        )
        participants = Participant.objects.bulk_create(
            Participant(
                user=user,
                career_level=rng.randint(1, 7),
                org_unit=rng.choice(units),
                languages=["en"],
                onboarded_at=onboarded,
            )
            for user in users
        )
        # About twelve skills per person: most are learners in some and practitioners in others.
        entries: list[SkillEntry] = []
        for participant in participants:
            for skill_id in rng.sample(skill_ids, 12):
                level = rng.choices(range(6), weights=[15, 20, 20, 20, 15, 10])[0]
                entries.append(
                    SkillEntry(
                        participant=participant,
                        skill_id=skill_id,
                        level=level,
                        want_priority=rng.choice([0, 0, 1, 2, 3]) if level < 3 else 0,
                        can_teach=level >= 4 or (level == 2 and rng.random() < 0.1),
                    )
                )
        SkillEntry.objects.bulk_create(entries, batch_size=5000)

        today = timezone.localdate()
        program = services.program_create(
            data={
                "name": "Bench peer program",
                "kind": "peer",
                "objectives": "Benchmark.",
                "focus_categories": [],
                "enrollment_opens": today - timedelta(days=1),
                "enrollment_closes": today + timedelta(days=10),
                "starts_on": today + timedelta(days=20),
            },
            by=owner,
        )
        program = services.program_transition(program=program, to=ProgramStatus.ENROLLING, by=owner)

        wanted: dict[int, list[int]] = {}
        teachable: dict[int, list[int]] = {}
        for entry in entries:
            if entry.want_priority:
                wanted.setdefault(entry.participant_id, []).append(entry.skill_id)
            if entry.can_teach or entry.level >= 3:
                teachable.setdefault(entry.participant_id, []).append(entry.skill_id)
        roles = rng.choices(
            [EnrollmentRole.MENTOR, EnrollmentRole.MENTEE, EnrollmentRole.BOTH], weights=[40, 50, 10], k=size
        )
        enrollments = Enrollment.objects.bulk_create(
            Enrollment(program=program, participant=participant, role=role, capacity=rng.randint(1, 3))
            for participant, role in zip(participants, roles, strict=True)
        )
        goals, offers = Enrollment.goals.through, Enrollment.offers.through
        goal_rows, offer_rows = [], []
        for enrollment in enrollments:
            pid = enrollment.participant_id
            if enrollment.role != EnrollmentRole.MENTOR and wanted.get(pid):
                picks = rng.sample(wanted[pid], min(3, len(wanted[pid])))
                goal_rows += [goals(enrollment_id=enrollment.pk, skill_id=skill_id) for skill_id in picks]
            if enrollment.role != EnrollmentRole.MENTEE and teachable.get(pid):
                picks = rng.sample(teachable[pid], min(3, len(teachable[pid])))
                offer_rows += [offers(enrollment_id=enrollment.pk, skill_id=skill_id) for skill_id in picks]
        goals.objects.bulk_create(goal_rows, batch_size=5000)
        offers.objects.bulk_create(offer_rows, batch_size=5000)
        self.stdout.write(
            f"{len(entries)} inventory lines, {len(goal_rows)} learning goals, {len(offer_rows)} teaching offers."
        )
        return owner, program

    def _measure(self, owner: User, program: Program, runs: int) -> None:
        host = next((h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")), "localhost")
        client = Client(HTTP_HOST=host)
        client.force_login(owner)
        url = reverse("programs:supply_demand", args=[program.pk])
        warm = client.get(url, secure=True)
        if warm.status_code != 200:
            raise SystemExit(f"The page answered {warm.status_code}.")
        reset_queries()  # with DEBUG on, the build filled the capped query log
        with CaptureQueriesContext(connection) as captured:
            client.get(url, secure=True)
        query_count = len(captured)  # read now: later requests reset the query log
        if self.verbosity >= 2:
            for query in captured.captured_queries:
                self.stdout.write(f"{query['time']:>7} s  {query['sql'][:160]}")
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url, secure=True)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        rows = len(queries.supply_and_demand(program))
        self.stdout.write(
            f"{connection.vendor}: {runs} renders of the supply-and-demand page ({rows} wanted skills): "
            f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, {query_count} queries per render "
            f"(DEBUG={settings.DEBUG})."
        )
