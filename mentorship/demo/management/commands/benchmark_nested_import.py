"""Does importing nested department paths change how an existing program matches? It must not.

    python manage.py seed_demo && python manage.py benchmark_nested_import --people 50

On the demo data: solves the demo reverse program, imports a generated file of `--people` new
people whose departments are written as paths below the organisation ("Engineering / Platform",
half of them with the root's name in front, some in new sub-teams), solves again, and prints both
pair lists' sizes and whether they are identical. Everything runs in one transaction that is
rolled back, so the demo data is left as it was.
"""

import csv
import io
import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from mentorship.accounts.models import User
from mentorship.demo.organisation import DEMO_DOMAIN, DEMO_PROGRAMS
from mentorship.imports import services
from mentorship.imports.models import ImportStatus
from mentorship.imports.parsing import template_header
from mentorship.participants.orgtree import OrgTree
from mentorship.programs.models import Program
from pairing.loading import load_pool
from pairing.models import MatchRun, RunStatus
from pairing.services import runs

DOMAIN = "nested.invalid"
NEW_TEAMS = ("SRE", "Analytics Guild", "Enablement")


def nested_path_rows(count: int, *, seed: int = 12) -> list[list[str]]:
    """`count` new people in the existing tree's departments and teams, written as paths below
    the root (every other one with the root's name in front), a few in new sub-teams; the first
    person of each department manages the rest of it."""
    tree = OrgTree.load()
    if tree.root_id is None:
        raise CommandError("There is no org tree yet: run `manage.py seed_demo` first.")
    units = [pk for pk, depth in tree.walk() if depth >= 1]
    rng = random.Random(seed)
    rows: list[list[str]] = []
    heads: dict[int, str] = {}
    for n in range(count):
        unit = units[n % len(units)]
        path = list(tree.path_names(unit)[1:])
        if n % 7 == 3:
            path.append(NEW_TEAMS[n % len(NEW_TEAMS)])
        if n % 2:
            path.insert(0, tree.root_name)
        department = tree.department(unit)
        email = f"person{n:03d}@{DOMAIN}"
        manager = heads.setdefault(department, email)
        rows.append(
            [
                email,
                rng.choice(["Ada", "Ben", "Chen", "Dana", "Emil", "Fatima", "Gus", "Hana"]),
                rng.choice(["Okafor", "Müller", "García", "Nowak", "Sato", "Dubois"]),
                "Analyst",
                rng.choice([" / ", " > "]).join(path),
                "" if manager == email else manager,
                str(6 if manager == email else rng.randint(1, 4)),
                "2024-01-15",
                "Europe/Berlin",
                "en",
            ]
        )
    return rows


def nested_path_csv(count: int, *, seed: int = 12) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(template_header())
    writer.writerows(nested_path_rows(count, seed=seed))
    return out.getvalue().encode()


class Command(BaseCommand):
    help = "Solve the demo reverse program before and after importing nested department paths (rolled back)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=50)

    def handle(self, *args: Any, people: int, **options: Any) -> None:
        program = Program.objects.filter(name=DEMO_PROGRAMS[0].name).first()
        hr = User.objects.filter(email=f"hr@{DEMO_DOMAIN}").first()
        if program is None or hr is None:
            raise CommandError("Run `manage.py seed_demo` first: this measures the demo reverse program.")
        with transaction.atomic():
            before = self._pairs(program, hr)
            content = nested_path_csv(people)
            started = time.perf_counter()
            job = services.import_job_create(file_name="nested.csv", content=content, by=hr)
            if job.status != ImportStatus.READY or job.new_top_level:
                raise CommandError(f"The file does not import cleanly: {job.problems[:3]} {job.new_top_level}")
            job = services.import_job_confirm(job=job, invite=False)
            took = time.perf_counter() - started
            after = self._pairs(program, hr)
            tree = job.tree_changes
            pool = load_pool(program)
            self.stdout.write(
                f"database: {connection.vendor}; program: {program.name} ({program.kind}); "
                f"pool: {len(pool.mentors)} mentors, {len(pool.mentees)} mentees"
            )
            self.stdout.write(f"before the import: {len(before)} pairs")
            self.stdout.write(
                f"imported {job.created_count} people with nested paths in {took:.2f} s: "
                f"{len(tree.get('created', []))} units created, {len(tree.get('new_top_level', []))} new top-level"
            )
            self.stdout.write(f"after the import: {len(after)} pairs; identical pairs: {before == after}")
            transaction.set_rollback(True)
        self.stdout.write("Rolled back: the demo data is as it was.")

    def _pairs(self, program: Program, hr: User) -> list[tuple[int, int]]:
        run = MatchRun.objects.create(program=program, started_by=hr)
        runs.match_run_execute(run_id=run.pk)
        run.refresh_from_db()
        if run.status != RunStatus.DONE:
            raise CommandError(f"The match run ended {run.status}: {getattr(run, 'error', '')}")
        return sorted(run.proposals.values_list("mentor_id", "mentee_id"))
