"""Time each dashboard page as a signed-in HR admin, manager or employee would load it.

Renders every page N times through Django's test client (the whole request: middleware, views,
queries, templates) and prints the median and 95th percentile server time and the query count.
"computed" is every query running (the dashboard cache off, as on the first view after a change);
"cached" is the same page served from the dashboard cache (mentorship/dashboards/cache.py).
Run it on the `seed_scale` data with PostgreSQL; the target is a computed median of 300 ms at
10,000 people (500 ms at 100,000: `--target-ms 500`) and at most 15 queries, whatever the size.
"""

import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from mentorship.accounts.models import User
from mentorship.demo.management.commands.seed_scale import DOMAIN, HR_EMAIL, PROGRAM_PREFIX
from mentorship.mentorships.models import Mentorship
from mentorship.programs.models import Program, ProgramKind

TARGET_MS = 300
TARGET_QUERIES = 15


class Command(BaseCommand):
    help = "Benchmark the dashboard pages (median and p95 server time, queries per page)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--target-ms", type=int, default=TARGET_MS, help="Median to meet, computed.")
        parser.add_argument("--hr", default=HR_EMAIL, help="Email of an HR admin.")
        parser.add_argument("--manager", default=f"head1@{DOMAIN}", help="Email of a manager.")

    def handle(self, *args: Any, **options: Any) -> None:
        users = {u.email: u for u in User.objects.filter(email__in=[options["hr"], options["manager"]])}
        if len(users) != 2:
            raise CommandError("Run seed_scale first (or pass --hr and --manager emails that exist).")
        program = (
            Program.objects.filter(name__startswith=PROGRAM_PREFIX).order_by("id").first() or Program.objects.first()
        )
        if program is None:
            raise CommandError("No program to benchmark.")
        mentee = Mentorship.objects.filter(program=program).select_related("mentee__user").first()
        pages = [
            ("HR: all programs", options["hr"], "/dashboards/"),
            ("HR: reverse, last 90 days", options["hr"], "/dashboards/?kind=reverse&start=" + _days_ago(90)),
            ("HR: program report", options["hr"], f"/dashboards/programs/{program.pk}/"),
            ("HR: compare approaches", options["hr"], "/dashboards/approaches/"),
            ("HR: CSV growth by skill", options["hr"], "/dashboards/?format=csv&table=growth_by_skill"),
            ("Manager: team", options["manager"], "/dashboards/team/"),
            ("Manager: team, one program", options["manager"], f"/dashboards/team/?program={program.pk}"),
            (
                "Manager: team, kind and dates",
                options["manager"],
                f"/dashboards/team/?kind={ProgramKind.PEER}&start={_days_ago(120)}",
            ),
        ]
        if mentee is not None:
            pages.append(("Employee: my progress", mentee.mentee.user.email, "/dashboards/mine/"))
        target = options["target_ms"]
        self.stdout.write(
            f"{'page':<34} {'computed median ms':>18} {'p95':>7} {'cached median ms':>16} {'queries':>8}  target"
        )
        failed = False
        for label, email, url in pages:
            client = Client(HTTP_HOST="localhost")
            client.force_login(User.objects.get(email=email))
            with override_settings(DASHBOARD_CACHE_SECONDS=0):
                _get(client, url)  # warm up: template loading, connection
                computed = [_timed(client, url) for _ in range(options["runs"])]
                # Inside a transaction: the request would otherwise reset the query log it writes to.
                with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                    _get(client, url)
                queries = len(captured.captured_queries)  # now: the next request empties the log
            _get(client, url)  # fills the cache
            cached = [_timed(client, url) for _ in range(options["runs"])]
            median = statistics.median(computed)
            p95 = sorted(computed)[max(0, round(0.95 * len(computed)) - 1)]
            ok = median <= target and queries <= TARGET_QUERIES
            failed |= not ok
            self.stdout.write(
                f"{label:<34} {median:>18.1f} {p95:>7.1f} {statistics.median(cached):>16.1f} {queries:>8}  "
                + ("ok" if ok else "MISSED")
            )
        self.stdout.write(
            (self.style.ERROR if failed else self.style.SUCCESS)(
                f"Target: computed median ≤ {target} ms and ≤ {TARGET_QUERIES} queries per page."
            )
        )


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}")


def _timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    _get(client, url)
    return (time.perf_counter() - started) * 1000


def _days_ago(days: int) -> str:
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.localdate() - timedelta(days=days)).isoformat()
