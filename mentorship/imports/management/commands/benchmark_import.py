"""Time the employee import on a realistic file: `manage.py benchmark_import --rows 10000`.

Generates a company (one chief, then four more levels of reporting lines, ten departments with
teams, rows shuffled), then times check + import through the services (not Celery) three times:
the first creates everyone, the second finds everyone unchanged, the third retitles most of
them. Everything it creates uses the @bench.invalid domain and a "Bench Corp" org tree (the
organisation root on an empty database, else a unit directly below the root), and is deleted at
the end unless --keep is given. `--format xlsx` times the same people as an Excel workbook.
"""

import csv
import io
import random
import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Q

from mentorship.accounts.models import User
from mentorship.imports import services
from mentorship.imports.models import ImportJob, ImportStatus
from mentorship.imports.parsing import template_header
from mentorship.participants.models import LANGUAGES, OrgUnit

DOMAIN = "bench.invalid"
ROOT = "Bench Corp"
DEPARTMENTS = ["Engineering", "Data", "Product", "Design", "Sales", "Marketing", "Finance", "People", "Legal",
               "Operations"]  # fmt: skip
TIMEZONES = ["Europe/Berlin", "Europe/London", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Asia/Tokyo"]
FIRST = ["Ada", "Ben", "Chen", "Dana", "Emil", "Fatima", "Gus", "Hana", "Ivo", "Jun", "Kofi", "Lea", "Mo", "Noor"]
LAST = ["Okafor", "Müller", "García", "Nowak", "Sato", "Dubois", "Rossi", "Silva", "Berg", "Khan", "Smith", "Ng"]


def _csv(lines: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(template_header())
    writer.writerows(lines)
    return out.getvalue().encode()


def generate_csv(rows: int, *, seed: int = 7) -> bytes:
    """The generated company as a CSV file (the fault drill imports it)."""
    return _csv(generate_rows(rows, seed=seed))


def _xlsx(lines: list[list[str]]) -> bytes:
    """An Excel workbook, as HR systems' "export to Excel" writes one."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Employees")
    sheet.append(template_header())
    for line in lines:
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def generate_rows(rows: int, *, seed: int = 7) -> list[list[str]]:
    """A company as an HR system exports it: person n reports to (n - 1) // 10, so five levels
    hold 11,111 people; rows are shuffled so many managers come after their reports."""
    rng = random.Random(seed)  # noqa: S311 (made-up people, not secrets)
    lines = []
    for n in range(rows):
        depth = 0 if n == 0 else 1 if n <= 10 else 2 if n <= 110 else 3 if n <= 1110 else 4
        ancestors = [n]
        while ancestors[-1] > 0:
            ancestors.append((ancestors[-1] - 1) // 10)
        # Level-1 people head a department; level-2 people lead a team inside it.
        chain = list(reversed(ancestors))
        path = [ROOT]
        if depth >= 1:
            path.append(DEPARTMENTS[(chain[1] - 1) % 10])
        if depth >= 2:
            path.append(f"Team {chain[2]:03d}")
        manager = "" if n == 0 else f"person{(n - 1) // 10:05d}@{DOMAIN}"
        langs = rng.sample([code for code, _ in LANGUAGES], k=rng.randint(1, 3))
        lines.append(
            [
                f"person{n:05d}@{DOMAIN}",
                rng.choice(FIRST),
                rng.choice(LAST),
                ["Chief Executive", "Director", "Head of Team", "Lead", "Specialist"][depth],
                " / ".join(path),
                manager,
                str(max(1, 7 - depth - rng.randint(0, 1))),
                (date(2005, 1, 1) + timedelta(days=rng.randint(0, 7000))).isoformat(),
                rng.choice(TIMEZONES),
                "; ".join(langs),
            ]
        )
    rng.shuffle(lines)
    return lines


class Command(BaseCommand):
    help = "Time checking and importing a generated employee file (run it against PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--keep", action="store_true", help="Leave the generated people in the database.")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv", dest="file_format")

    def handle(self, *args: Any, rows: int, keep: bool, file_format: str, **options: Any) -> None:
        if rows < 1:
            raise CommandError("--rows must be at least 1.")
        self._clean()
        lines = generate_rows(rows)
        # A third file retitles every specialist, to time updates too.
        retitled = [[("Senior Specialist" if cell == "Specialist" else cell) for cell in line] for line in lines]
        encode = _xlsx if file_format == "xlsx" else _csv
        content, changed = encode(lines), encode(retitled)
        self.stdout.write(
            f"{rows:,} rows, {file_format.upper()} {len(content) / 1024:,.0f} KB, database: {connection.vendor}"
        )
        try:
            self._time("first import (creates)", content, rows, "created")
            self._time("re-import (unchanged)", content, rows, "unchanged")
            self._time("re-import (titles changed)", changed, rows, None)
        finally:
            if not keep:
                self._clean()

    def _time(self, label: str, content: bytes, rows: int, expect_all: str | None) -> None:
        started = time.perf_counter()
        job = services.import_job_create(file_name="benchmark.csv", content=content, by=None)
        checked = time.perf_counter()
        if job.status != ImportStatus.READY:
            raise CommandError(f"The generated file has problems: {job.problems[:5]}")
        # The service directly, not through Celery: this times the import, not the queue.
        self._run(job)
        done = time.perf_counter()
        job.refresh_from_db()
        if job.status != ImportStatus.DONE:
            raise CommandError(f"The import failed: {job.error or job.problems[:5]}")
        counts = {"created": job.created_count, "updated": job.updated_count, "unchanged": job.unchanged_count}
        if expect_all and counts[expect_all] != rows:
            raise CommandError(f"Expected {rows:,} {expect_all}, got {counts}")
        total = done - started
        self.stdout.write(
            f"{label}: {total:.2f} s, {rows / total:,.0f} rows/s "
            f"(check {checked - started:.2f} s, import {done - checked:.2f} s; "
            + ", ".join(f"{name} {count:,}" for name, count in counts.items())
            + ")"
        )

    def _run(self, job: ImportJob) -> None:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
        services.import_job_run(job_id=job.pk)

    def _clean(self) -> None:
        User.objects.filter(email__endswith=f"@{DOMAIN}").delete()
        ImportJob.objects.filter(file_name="benchmark.csv", created_by=None).delete()
        # Units protect their children, so delete the deepest first.
        root = OrgUnit.objects.filter(Q(parent=None) | Q(parent__parent=None), name=ROOT).first()
        if root is None:
            return
        levels = [[root.pk]]
        while levels[-1]:
            levels.append(list(OrgUnit.objects.filter(parent__in=levels[-1]).values_list("id", flat=True)))
        for ids in reversed(levels):
            OrgUnit.objects.filter(pk__in=ids).delete()
