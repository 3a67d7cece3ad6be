"""Load the real web server with HR admins, managers and employees, and print what it sustained.

    python manage.py benchmark_load                      # 10, 50, 100 users, 30 s each
    python manage.py benchmark_load --users 10 --seconds 20 --large

It needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL). It seeds the `seed_scale` organisation if
it is missing, starts gunicorn on 127.0.0.1 with the production configuration
(mentorship/gunicorn_conf.py, DEBUG off) on a free port, signs people in (sessions written
directly: scale people have no password), and runs virtual users in threads, each with its own
keep-alive connection and its persona's page mix, with no pause between requests (a closed loop,
as wrk or locust with no wait time). Each stage ramps its users up over `--ramp` seconds, then
measures for `--seconds`. Traffic goes only to 127.0.0.1.

Printed per stage: per page and overall requests per second, median, 95th and 99th percentile
latency, errors (any answer other than the expected one, or no answer), and the peak number of
connections to this database in pg_stat_activity, sampled every 50 ms (the sampler's own is not
counted). The load generator shares the machine with the server: on a small machine its threads
take CPU the server would otherwise have, so the figures are a floor.
"""

import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from http.client import HTTPConnection, HTTPException
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.demo.management.commands.seed_scale import DOMAIN, HR_EMAIL, PROGRAM_PREFIX
from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.programs.models import Program, ProgramStatus

EMPLOYEE_PAGES = {"home", "inbox", "workspace", "log session", "rate", "skills", "programs", "my progress"}
DASHBOARD_PAGES = {"HR dashboard", "HR dashboard filtered", "program report", "compare approaches", "CSV export"}
DASHBOARD_PAGES |= {"team dashboard", "team dashboard filtered"}
# Of every ten virtual users: seven employees, two managers, one HR admin.
PERSONA_CYCLE = ["employee"] * 7 + ["manager"] * 2 + ["hr"]
SESSION_PATH = re.compile(r"/mentorships/sessions/(\d+)/")


@dataclass
class Person:
    """A signed-in virtual user's identity: cookies and what their pages are about."""

    persona: str
    cookies: str
    csrf: str
    mentorship: int | None = None


@dataclass
class Stage:
    users: int
    seconds: float
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    peak_connections: int = 0
    load: str = ""
    measuring: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, page: str, ms: float, ok: bool) -> None:
        if not self.measuring:
            return
        with self.lock:
            self.samples[page].append(ms)
            if not ok:
                self.errors[page] += 1


class Command(BaseCommand):
    help = "Run gunicorn on 127.0.0.1 and load it with HR admins, managers and employees (10, 50, 100 users)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--users", default="10,50,100", help="Concurrent users per stage, comma-separated.")
        parser.add_argument("--seconds", type=float, default=30, help="Measured time per stage.")
        parser.add_argument("--ramp", type=float, default=5, help="Seconds to start a stage's users.")
        parser.add_argument("--workers", type=int, help="gunicorn workers (default: mentorship/gunicorn_conf.py).")
        parser.add_argument("--threads", type=int, help="Threads per gunicorn worker (default: as configured).")
        parser.add_argument("--large", action="store_true", help="Seed the 100,000-person organisation if seeding.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed for the page mixes.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            levels = [int(part) for part in options["users"].split(",") if part.strip()]
        except ValueError:
            raise CommandError("--users takes whole numbers, comma-separated (10,50,100).") from None
        if not levels or min(levels) < 1 or max(levels) > 500:
            raise CommandError("--users: between 1 and 500 users per stage.")
        # Bounded: a stage never runs longer than ten minutes.
        if not (0 < options["seconds"] <= 600 and 0 <= options["ramp"] <= 60):
            raise CommandError("--seconds: more than 0 and at most 600; --ramp: 0 to 60.")
        if connection.vendor != "postgresql" or not settings.REDIS_URL:
            raise CommandError(
                "Set DATABASE_URL (PostgreSQL) and REDIS_URL: the benchmark measures the production setup."
            )
        if not User.objects.filter(email=HR_EMAIL).exists():
            self.stdout.write("Seeding the scale organisation (seed_scale)...")
            call_command("seed_scale", large=options["large"], stdout=self.stdout)
        rng = random.Random(options["seed"])
        people = _sign_in(max(levels))
        _build_mixes()
        connection.close()  # not counted among the server's connections
        port = _free_port()
        server = _start_gunicorn(port, options["workers"], options["threads"])
        try:
            _wait_until_up(port, server)
            self.stdout.write(f"gunicorn on 127.0.0.1:{port}: {_describe(options)}")
            stages = []
            for users in levels:
                stage = Stage(users, options["seconds"])
                _run_stage(stage, people[:users], port, options["ramp"], rng)
                stages.append(stage)
                self._report(stage)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        self._summary(stages)

    def _report(self, stage: Stage) -> None:
        self.stdout.write(
            f"\n{stage.users} users, {stage.seconds:.0f} s measured, load average before/after: {stage.load}; "
            f"peak PostgreSQL connections: {stage.peak_connections}"
        )
        self.stdout.write(
            f"{'page':<26} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"
        )
        rows = sorted(stage.samples.items())
        groups = [
            ("employee pages", [ms for page, t in rows if page in EMPLOYEE_PAGES for ms in t], EMPLOYEE_PAGES),
            ("dashboards", [ms for page, t in rows if page in DASHBOARD_PAGES for ms in t], DASHBOARD_PAGES),
            ("all", [ms for _, t in rows for ms in t], None),
        ]
        for page, times in rows:
            self._row(page, times, stage.errors[page], stage.seconds)
        for label, times, pages in groups:
            errors = sum(n for page, n in stage.errors.items() if pages is None or page in pages)
            self._row(f"= {label}", times, errors, stage.seconds)

    def _row(self, label: str, times: list[float], errors: int, seconds: float) -> None:
        if not times:
            self.stdout.write(f"{label:<26} {0:>8}")
            return
        ordered = sorted(times)
        self.stdout.write(
            f"{label:<26} {len(times):>8} {len(times) / seconds:>7.1f} {statistics.median(ordered):>8.0f} "
            f"{_percentile(ordered, 95):>8.0f} {_percentile(ordered, 99):>8.0f} {errors:>6}"
        )

    def _summary(self, stages: list[Stage]) -> None:
        self.stdout.write("\nSummary (the issue's targets on a quiet 2-core machine):")
        for stage in stages:
            employee = sorted(ms for page, t in stage.samples.items() if page in EMPLOYEE_PAGES for ms in t)
            dashboards = sorted(ms for page, t in stage.samples.items() if page in DASHBOARD_PAGES for ms in t)
            errors = sum(stage.errors.values())
            self.stdout.write(
                f"{stage.users:>4} users: employee pages {len(employee) / stage.seconds:.1f} req/s, "
                f"p95 {_percentile(employee, 95):.0f} ms; dashboards p95 {_percentile(dashboards, 95):.0f} ms; "
                f"errors {errors}; peak connections {stage.peak_connections}; load {stage.load}"
            )


def _describe(options: dict[str, Any]) -> str:
    workers = options["workers"] or os.environ.get("WEB_CONCURRENCY") or "default"
    threads = options["threads"] or os.environ.get("WEB_THREADS") or "default"
    return f"workers={workers}, threads={threads} (mentorship/gunicorn_conf.py), DEBUG=0"


def _percentile(ordered: list[float], percent: int) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))]


def _load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


# Signing in ----------------------------------------------------------------------------------------


def _sign_in(count: int) -> list[Person]:
    """One person per virtual user, each with a session of their own, in PERSONA_CYCLE order."""
    managers = list(
        User.objects.filter(email__regex=rf"^(head\d+|lead\d+)@{re.escape(DOMAIN)}$").order_by("id")[: max(1, count)]
    )
    # Employees are mentees of active pairs in running programs: they can log and rate sessions.
    pairs = list(
        Mentorship.objects.filter(
            program__name__startswith=PROGRAM_PREFIX,
            program__status=ProgramStatus.RUNNING,
            status=MentorshipStatus.ACTIVE,
        )
        .select_related("mentee__user")
        .order_by("id")[: max(1, count)]
    )
    hr = User.objects.get(email=HR_EMAIL)
    if not managers or not pairs:
        raise CommandError(
            "The scale organisation has no managers or active pairs: run seed_scale --delete, then again."
        )
    people = []
    for index in range(count):
        persona = PERSONA_CYCLE[index % len(PERSONA_CYCLE)]
        mentorship = None
        if persona == "hr":
            user = hr
        elif persona == "manager":
            user = managers[index % len(managers)]
        else:
            pair = pairs[index % len(pairs)]
            user, mentorship = pair.mentee.user, pair.pk
        client = Client()
        client.force_login(user)
        csrf = secrets.token_hex(16)  # 32 characters: Django accepts its secret itself as the token
        cookies = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
        cookies += f"{settings.CSRF_COOKIE_NAME}={csrf}"
        people.append(Person(persona, cookies, csrf, mentorship))
    return people


# The server ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_gunicorn(port: int, workers: int | None, threads: int | None) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "DEBUG": "0",
        # The server must sign and check sessions as this process wrote them.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_MANIFEST": "0",
        "LOG_LEVEL": "WARNING",
        # Static files are served from the source folders here (no collectstatic): say nothing.
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
    }
    command = [sys.executable, "-m", "gunicorn", "mentorship.wsgi:application", "-c", "python:mentorship.gunicorn_conf"]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"]
    if workers:
        command += ["--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)  # noqa: S603 (our own server)


def _wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"gunicorn exited with {server.returncode}.")
        try:
            conn = HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise CommandError("gunicorn did not answer within 60 s.")


# Virtual users ---------------------------------------------------------------------------------------


Action = Callable[["VirtualUser"], None]


class VirtualUser(threading.Thread):
    def __init__(self, person: Person, port: int, stage: Stage, stop: threading.Event, rng: random.Random) -> None:
        super().__init__(daemon=True)
        self.person, self.port, self.stage, self.stop = person, port, stage, stop
        self.rng = random.Random(rng.random())
        self.conn = HTTPConnection("127.0.0.1", port, timeout=60)
        actions = MIXES[person.persona]
        self.actions, self.weights = [a for a, _ in actions], [w for _, w in actions]

    def run(self) -> None:
        while not self.stop.is_set():
            self.rng.choices(self.actions, self.weights)[0](self)
        self.conn.close()

    def request(self, page: str, path: str, *, data: dict[str, str] | None = None, expect: int = 200) -> str:
        """One request; returns the redirect target (for POSTs) and records its time."""
        headers = {"Cookie": self.person.cookies, "Host": "127.0.0.1"}
        body = None
        if data is not None:
            body = urlencode(data)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.person.csrf}
        started = time.perf_counter()
        try:
            self.conn.request("POST" if data is not None else "GET", path, body=body, headers=headers)
            response = self.conn.getresponse()
            response.read()
            ok, location = response.status == expect, response.getheader("Location") or ""
        except (OSError, HTTPException):
            self.conn.close()  # reconnects on the next request
            ok, location = False, ""
        self.stage.record(page, (time.perf_counter() - started) * 1000, ok)
        return location


def _get(page: str, path: str | Callable[[VirtualUser], str]) -> Action:
    def action(user: VirtualUser) -> None:
        user.request(page, path(user) if callable(path) else path)

    return action


def _log_and_rate(user: VirtualUser) -> None:
    """Open the session form, log a session held today, then rate it: as a mentee would."""
    pair = user.person.mentorship
    user.request("log session", f"/mentorships/{pair}/sessions/new/")
    today = timezone.localdate().isoformat()
    location = user.request(
        "log session",
        f"/mentorships/{pair}/sessions/new/",
        data={"held_on": today, "duration_minutes": "45", "format": "meeting", "shared_notes": "Load test"},
        expect=302,
    )
    match = SESSION_PATH.search(location)
    if match is None:
        return
    user.request("rate", f"/mentorships/sessions/{match[1]}/rate/")
    user.request(
        "rate", f"/mentorships/sessions/{match[1]}/rate/", data={"score": "4", "learned": "Plenty"}, expect=302
    )


def _days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def _program() -> int:
    found = Program.objects.filter(name__startswith=PROGRAM_PREFIX).order_by("id").values_list("id", flat=True).first()
    return found or 0


MIXES: dict[str, list[tuple[Action, int]]] = {}


def _build_mixes() -> None:
    program = _program()
    MIXES["employee"] = [
        (_get("home", "/"), 20),
        (_get("inbox", "/notifications/"), 15),
        (_get("workspace", lambda user: f"/mentorships/{user.person.mentorship}/"), 25),
        (_log_and_rate, 5),  # four requests: form, log, rating form, rate
        (_get("skills", "/skills/mine/"), 10),
        (_get("programs", "/programs/"), 5),
        (_get("my progress", "/dashboards/mine/"), 5),
    ]
    MIXES["manager"] = [
        (_get("home", "/"), 20),
        (_get("team dashboard", "/dashboards/team/"), 40),
        (_get("team dashboard filtered", f"/dashboards/team/?kind=peer&start={_days_ago(120)}"), 20),
        (_get("inbox", "/notifications/"), 10),
        (_get("skills", "/skills/mine/"), 10),
    ]
    MIXES["hr"] = [
        (_get("home", "/"), 10),
        (_get("HR dashboard", "/dashboards/"), 30),
        (_get("HR dashboard filtered", f"/dashboards/?kind=reverse&start={_days_ago(90)}"), 15),
        (_get("program report", f"/dashboards/programs/{program}/"), 15),
        (_get("compare approaches", "/dashboards/approaches/"), 15),
        (_get("CSV export", "/dashboards/?format=csv&table=growth_by_skill"), 10),
        (_get("programs (HR)", "/programs/hr/"), 5),
    ]


def _run_stage(stage: Stage, people: list[Person], port: int, ramp: float, rng: random.Random) -> None:
    stop, done = threading.Event(), threading.Event()
    sampler = threading.Thread(target=_sample_connections, args=(stage, done), daemon=True)
    sampler.start()
    users = [VirtualUser(person, port, stage, stop, rng) for person in people]
    for index, user in enumerate(users):
        user.start()
        time.sleep(ramp / len(users) if index < len(users) - 1 else 0)
    load_before = _load_average()
    stage.measuring = True
    time.sleep(stage.seconds)
    stage.measuring = False
    stop.set()
    for user in users:
        user.join(timeout=70)
    done.set()
    sampler.join(timeout=5)
    stage.load = f"{load_before} / {_load_average()}"


def _sample_connections(stage: Stage, done: threading.Event) -> None:
    """The most client connections to this database at once, from PostgreSQL's own view, not
    counting the sampler's (a connection of its own, closed when the stage ends) nor autovacuum."""
    import psycopg

    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as conn:
        while not done.is_set():
            (count,) = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            ).fetchone() or (0,)
            stage.peak_connections = max(stage.peak_connections, int(count))
            time.sleep(0.05)
