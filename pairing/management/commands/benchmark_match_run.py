"""End-to-end match run benchmark: build a realistic pool in the database, then time loading it,
solving it and storing the proposals exactly as a worker does (runs.match_run_execute).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_bench \
        python manage.py benchmark_match_run --people 10000

Every row it writes is clearly marked (emails @bench.invalid, org root and program named
"[bench] ...") and deleted at the end unless --keep is given. Building the pool is not timed.
"""

from __future__ import annotations

import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.participants import services as participant_services
from mentorship.participants.models import WORK_STYLE_QUESTIONS, OrgUnit, Participant
from mentorship.programs.models import Enrollment, Program, ProgramStatus
from mentorship.programs.services import complete_matching
from pairing.models import MatchRun
from pairing.services import runs
from skills.models import Skill, SkillCategory, SkillEntry

BENCH_DOMAIN = "bench.invalid"
BENCH_ROOT = "[bench] Org"
BENCH_PROGRAM = "[bench] Match run benchmark"
DEPARTMENTS, TEAMS = 8, 5
TIMEZONES = ["Europe/Berlin"] * 5 + ["Europe/London"] * 3 + ["America/New_York"] * 2 + ["Asia/Kolkata"]
LANGUAGES = ["de", "fr", "es", "nl", "pl", "hi"]
BATCH = 5000


def build_pool(*, rng: random.Random, people: int, mentor_share: float = 0.3, kind: str = "traditional") -> Program:
    """The generated pool this benchmark times, as a program in matching (the fault drill's large pool)."""
    return Command()._build(rng, people, mentor_share, kind)


class Command(BaseCommand):
    help = "Time load -> solve -> store of a match run over a generated pool (default 10,000 people)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--mentor-share", type=float, default=0.3)
        parser.add_argument("--kind", default="traditional", choices=["traditional", "reverse", "reciprocal", "peer"])
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--keep", action="store_true", help="leave the bench rows in place")

    def handle(self, *args: Any, **options: Any) -> None:
        if Program.objects.filter(name=BENCH_PROGRAM).exists() or OrgUnit.objects.filter(name=BENCH_ROOT).exists():
            self._cleanup()
        rng = random.Random(options["seed"])  # noqa: S311 (a repeatable benchmark pool)
        started = time.perf_counter()
        program = self._build(rng, options["people"], options["mentor_share"], options["kind"])
        built = time.perf_counter() - started
        self.stdout.write(f"database: {connection.vendor}; pool built in {built:.1f} s (not timed below)")
        try:
            run = MatchRun.objects.create(program=program, status="queued")
            started = time.perf_counter()
            ok = runs.match_run_execute(run_id=run.pk)
            wall = time.perf_counter() - started
            run.refresh_from_db()
            if not ok:
                raise CommandError(f"the run failed: {run.error}")
            self._report(run, wall)
        finally:
            if not options["keep"]:
                started = time.perf_counter()
                self._cleanup()
                self.stdout.write(f"bench rows deleted in {time.perf_counter() - started:.1f} s")

    # --- building ---------------------------------------------------------------------------

    @transaction.atomic
    def _build(self, rng: random.Random, n: int, mentor_share: float, kind: str) -> Program:
        skills: dict[str, list[int]] = {c: [] for c in SkillCategory.values}
        for pk, category in Skill.objects.filter(retired_at=None).values_list("id", "category"):
            skills[category].append(pk)
        if not all(skills.values()):
            raise CommandError("the skill catalogue needs skills in every category (run migrate)")
        # The bench tree: the organisation root on an empty database, else a unit just below it,
        # in which case its departments sit one level deeper (the program's department level).
        root = participant_services.org_unit_ensure_path(path=[BENCH_ROOT])
        self.department_level = 1 if root.parent_id is None else 2
        teams = []
        trades: dict[int, list[int]] = {}
        for d in range(DEPARTMENTS):
            dept = OrgUnit.objects.create(name=f"Department {d}", parent=root)
            trade = rng.sample(skills[SkillCategory.TECHNICAL], min(6, len(skills[SkillCategory.TECHNICAL])))
            for t in range(TEAMS):
                team = OrgUnit.objects.create(name=f"Team {d}.{t}", parent=dept)
                teams.append(team)
                trades[team.pk] = trade
        now = timezone.now()
        users = User.objects.bulk_create(
            [
                User(email=f"bench{i}@{BENCH_DOMAIN}", first_name=f"Bench{i}", last_name="Person", password="!")  # noqa: S106 (unusable)
                for i in range(n)
            ],
            batch_size=BATCH,
        )
        n_mentors = round(n * mentor_share) if kind in ("traditional", "reverse") else 0
        senior_mentors = kind == "traditional"
        plan = []
        for i, user in enumerate(users):
            is_mentor = i < n_mentors
            senior = is_mentor == senior_mentors if kind in ("traditional", "reverse") else rng.random() < 0.4
            level = rng.randint(4, 7) if senior else rng.randint(1, 3)
            plan.append((user, is_mentor, senior, level, rng.choice(teams)))
        participants = Participant.objects.bulk_create(
            [
                Participant(
                    user=user,
                    job_title="Bench role",
                    org_unit=team,
                    career_level=level,
                    timezone=rng.choice(TIMEZONES),
                    languages=["en", *rng.sample(LANGUAGES, rng.choice([0, 0, 1]))],
                    availability_hours=rng.choice([2, 4, 4, 6, 8]),
                    onboarded_at=now,
                    **{name: rng.randint(1, 5) for name, *_ in WORK_STYLE_QUESTIONS},
                )
                for user, _, _, level, team in plan
            ],
            batch_size=BATCH,
        )
        # Reporting lines: the first senior of each team leads it.
        leads: dict[int, int] = {}
        for participant, (_, _, senior, _, team) in zip(participants, plan, strict=True):
            if senior and team.pk not in leads:
                leads[team.pk] = participant.pk
        for team_id, lead in leads.items():
            Participant.objects.filter(org_unit_id=team_id, user__email__endswith=BENCH_DOMAIN).exclude(pk=lead).update(
                manager_id=lead
            )
        program = Program.objects.create(
            name=BENCH_PROGRAM,
            kind=kind,
            status=ProgramStatus.MATCHING,
            objectives="Benchmark.",
            matching=complete_matching(kind, {"department_level": self.department_level}),
            starts_on=timezone.localdate(),
        )
        entries, enrollments, goals, offers = [], [], [], []
        for participant, (_, is_mentor, senior, _, team) in zip(participants, plan, strict=True):
            inventory = self._inventory(rng, senior, trades[team.pk], skills)
            for skill_id, (level, want, teach) in inventory.items():
                entries.append(
                    SkillEntry(
                        participant=participant, skill_id=skill_id, level=level, want_priority=want, can_teach=teach
                    )
                )
            general = kind in ("reciprocal", "peer")
            role = "both" if general else ("mentor" if is_mentor else "mentee")
            enrollments.append(
                Enrollment(
                    program=program,
                    participant=participant,
                    role=role,
                    capacity=rng.choice([1, 1, 2, 3]) if is_mentor else 1,
                )
            )
            goals.append([s for s, (_, want, _) in inventory.items() if want and role != "mentor"])
            offers.append([s for s, (_, _, teach) in inventory.items() if teach and role != "mentee"])
        SkillEntry.objects.bulk_create(entries, batch_size=BATCH)
        enrollments = Enrollment.objects.bulk_create(enrollments, batch_size=BATCH)
        Goal, Offer = Enrollment.goals.through, Enrollment.offers.through
        Goal.objects.bulk_create(
            [Goal(enrollment=e, skill_id=s) for e, ids in zip(enrollments, goals, strict=True) for s in ids],
            batch_size=BATCH,
        )
        Offer.objects.bulk_create(
            [Offer(enrollment=e, skill_id=s) for e, ids in zip(enrollments, offers, strict=True) for s in ids],
            batch_size=BATCH,
        )
        self.stdout.write(
            f"pool: {n} people ({n_mentors} mentors), {len(entries)} skill entries, "
            f"{sum(map(len, goals))} goals, {sum(map(len, offers))} offers"
        )
        return program

    @staticmethod
    def _inventory(
        rng: random.Random, senior: bool, trade: list[int], skills: dict[str, list[int]]
    ) -> dict[int, tuple[int, int, bool]]:
        """Like the demo: seniors lead and know their trade and want digital skills; juniors are
        digital natives who want leadership, career and their trade."""
        out: dict[int, tuple[int, int, bool]] = {}

        def add(pool: list[int], k: int, low: int, high: int, want: tuple[int, ...] = (0,)) -> None:
            for skill in rng.sample(pool, min(k, len(pool))):
                level = rng.randint(low, high)
                out[skill] = (level, rng.choice(want), level >= 3 and want == (0,) and rng.random() < 0.85)

        if senior:
            add(trade, rng.randint(2, 4), 3, 5)
            add(skills[SkillCategory.LEADERSHIP], rng.randint(3, 5), 3, 5)
            add(skills[SkillCategory.CAREER], rng.randint(1, 2), 3, 5)
            add(skills[SkillCategory.DIGITAL], rng.randint(2, 4), 0, 2, want=(1, 2, 3, 3))
        else:
            add(skills[SkillCategory.DIGITAL], rng.randint(3, 5), 3, 5)
            add(skills[SkillCategory.LEADERSHIP], rng.randint(1, 3), 0, 2, want=(1, 2, 3, 3))
            add(skills[SkillCategory.CAREER], rng.randint(1, 2), 0, 2, want=(2, 3))
            add(trade, rng.randint(1, 2), 0, 2, want=(1, 2, 3))
        return out

    # --- reporting and cleaning up -------------------------------------------------------------

    def _report(self, run: MatchRun, wall: float) -> None:
        t, q = run.timings, run.quality
        self.stdout.write(
            "match run (load -> solve -> store), seconds: "
            f"load {t['load']:.2f}, scoring {t['scoring']:.2f}, solve {t['solve']:.2f}, "
            f"explain {t['explain']:.2f}, store {t['store']:.2f}; end to end {wall:.2f} (target <= 60)"
        )
        self.stdout.write(
            f"result: {q['pairs']} pairs, total score {q['total_score']}, mean {q['mean_score']}, "
            f"{q['unmatched']['total']} unmatched {q['unmatched']['by_reason']}, "
            f"candidates {q['candidates']['pairs']} (complete: {q['candidates']['complete']}), "
            f"optimum exact: {q['optimum'].get('exact')}"
        )
        self.stdout.write(
            f"stored: {run.proposals.count()} proposals, {run.unmatched.count()} unmatched rows, "
            f"{len(run.skill_gaps)} skill gaps"
        )

    @transaction.atomic
    def _cleanup(self) -> None:
        Program.objects.filter(name=BENCH_PROGRAM).delete()
        bench = Participant.objects.filter(user__email__endswith=f"@{BENCH_DOMAIN}")
        SkillEntry.objects.filter(participant__in=bench).delete()
        bench.update(manager=None)
        # Raw deletes: the bench rows have no other dependants, and the collector would take minutes.
        Participant.objects.filter(user__email__endswith=f"@{BENCH_DOMAIN}")._raw_delete(connection.alias)
        User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}")._raw_delete(connection.alias)
        for root in OrgUnit.objects.filter(Q(parent=None) | Q(parent__parent=None), name=BENCH_ROOT):
            OrgUnit.objects.filter(parent__parent=root).delete()
            OrgUnit.objects.filter(parent=root).delete()
            root.delete()
