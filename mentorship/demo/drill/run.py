"""The fault drill: the whole app on servers of its own, faults injected, outcomes counted.

    python3 scripts/fault_drill.py [--rows 10000] [--people 4000] [--quick]

Starts a PostgreSQL cluster (initdb in a temporary folder, on a free port), a redis-server on a
free port and an SMTP sink on loopback; migrates and seeds the demo organisation, a matching pool
and an employee file; runs gunicorn, a Celery worker (prefork, 3 processes) and beat against
them; then injects the faults an operator would:

  1. SIGKILL of the whole worker mid match run and mid import (one kill, both in flight);
  2. SIGKILL of the worker mid email batch, after the import committed (its invitations);
  3. Redis stopped during logins, session logging and rating, a run start and an import confirm;
  4. two beats at once for two minutes' worth of sweeps and recovery passes;
  5. PostgreSQL restarted under the running app.

It prints a table of outcomes and, last, one line:
  FAULTS: experiments=N passed=N stuck_jobs=N lost=N duplicates=N login_500s=N
Production clocks by default (1-minute leases and recovery passes, 4-minute visibility timeout,
2-minute email claims), so the recovery times it prints are the ones an operator would see;
--quick shortens the leases and passes to 10 s to run in a few minutes. Every wait is bounded.
Nothing touches the machine's own PostgreSQL or Redis.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

from mentorship.demo.drill.servers import (
    PostgresCluster,
    RedisServer,
    SMTPSink,
    free_port,
    stop_process,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[3]
DRILL_PASSWORD = "drill-password-2026"  # noqa: S105 (throwaway users in a throwaway database)


@dataclass
class Outcome:
    name: str
    passed: bool
    detail: str


@dataclass
class Tally:
    outcomes: list[Outcome] = field(default_factory=list)
    login_500s: int = 0
    handoff_cuts: int = 0  # kills that landed inside an SMTP hand-off (a duplicate is then allowed)

    def record(self, name: str, passed: bool, detail: str) -> None:
        self.outcomes.append(Outcome(name, passed, detail))
        print(f"  [{'pass' if passed else 'FAIL'}] {name}: {detail}", flush=True)


def url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


# --- A browser without a browser ------------------------------------------------------------------


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """Cookies, CSRF and no redirects: enough to log in and press buttons through gunicorn."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar), _NoRedirect)

    def _csrf(self) -> str:
        return next((cookie.value or "" for cookie in self.jar if cookie.name == "csrftoken"), "")

    def go(self, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, body, Location); status 0 when the server did not answer in 20 s."""
        body = None
        headers = {"Referer": self.base + path}
        if method == "POST":
            body = urlencode({**(data or {}), "csrfmiddlewaretoken": self._csrf()}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = Request(self.base + path, data=body, method=method, headers=headers)  # noqa: S310 (loopback)
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode(errors="replace"), ""
        except HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")
        except (URLError, TimeoutError, ConnectionError):
            return 0, "", ""

    def login(self, email: str, password: str = DRILL_PASSWORD) -> int:
        self.go("GET", url("account_login"))
        status, _, _ = self.go("POST", url("account_login"), {"login": email, "password": password})
        return status


# --- The app's processes --------------------------------------------------------------------------


class App:
    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env, self.folder = env, folder
        self.port = free_port()
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.beats: list[subprocess.Popen[bytes]] = []
        self.restarts: Counter[str] = Counter()
        self._killing = False
        self._lock = threading.RLock()  # one of supervisor and drill starts or kills the worker at a time
        self._stop = threading.Event()
        self._supervisor = threading.Thread(target=self._supervise, daemon=True)

    def _supervise(self) -> None:
        """What a process manager does (compose's `restart: unless-stopped`, systemd): start a
        worker or beat again when it exits on its own. Counted, and printed with the table."""
        while not self._stop.wait(2):
            with self._lock:
                if self._killing or self._stop.is_set():
                    continue
                if self.worker is not None and self.worker.poll() is not None:
                    self.restarts["worker"] += 1
                    self.start_worker()
                if self.beats and self.beats[0].poll() is not None:
                    self.restarts["beat"] += 1
                    self.beats[0] = self.start_beat(replace=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("ab")
        # A session of its own, so a kill takes the worker's pool processes with it.
        return subprocess.Popen(
            list(args), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_web(self) -> None:
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.web = self._spawn(
            "web", gunicorn, "mentorship.wsgi:application", "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
            "--timeout", "60",
        )  # fmt: skip
        if not wait_until(lambda: Browser(self.base).go("GET", url("account_login"))[0] == 200, 60, 0.5):
            raise RuntimeError(f"gunicorn did not answer; see {self.folder / 'web.log'}")

    def start_worker(self) -> None:
        with self._lock:
            self._start_worker()

    def _start_worker(self) -> None:
        self.worker = self._spawn(
            "worker", sys.executable, "-m", "celery", "-A", "mentorship", "worker", "--concurrency=3",
            "--loglevel=INFO", "--without-gossip", "--without-mingle",
        )  # fmt: skip
        log = self.folder / "worker.log"
        size = log.stat().st_size if log.exists() else 0
        wait_until(lambda: b"ready." in log.read_bytes()[size:], 60, 0.3)
        self._killing = False
        if not self._supervisor.is_alive() and not self._stop.is_set():
            self._supervisor.start()

    def kill_worker(self) -> None:
        """SIGKILL to the worker and its pool processes at once, as a crashed container. The
        caller starts the next one (so the supervisor stays out of it meanwhile)."""
        with self._lock:
            self._killing = True
            if self.worker is not None and self.worker.poll() is None:
                os.killpg(self.worker.pid, signal.SIGKILL)
                self.worker.wait(10)

    def start_beat(self, *, replace: bool = False) -> subprocess.Popen[bytes]:
        n = 0 if replace else len(self.beats)
        beat = self._spawn(
            f"beat{n}", sys.executable, "-m", "celery", "-A", "mentorship", "beat", "--loglevel=INFO",
            "-s", str(self.folder / f"beat{n}-schedule"),
        )  # fmt: skip
        if not replace:
            self.beats.append(beat)
        return beat

    def stop(self) -> None:
        self._stop.set()
        if self._supervisor.is_alive():
            self._supervisor.join(70)
        for process in [self.web, self.worker, *self.beats]:
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [self.web, self.worker, *self.beats]:
            stop_process(process, timeout=10)


# --- Reading the database, through restarts -------------------------------------------------------


def db(read: Callable[[], Any], default: Any = None) -> Any:
    """A read that survives the database blinking: on an error the connection is dropped and the
    next call opens a new one."""
    from django.db import connections

    for _ in range(2):
        try:
            return read()
        except Exception:
            connections.close_all()
    return default


# --- The drill ------------------------------------------------------------------------------------


@dataclass
class Seed:
    hr_email: str
    logins: list[str]
    mentee_email: str
    mentorship_id: int
    program_id: int  # a matching pool, for runs
    small_program_id: int  # a small one, for the run started with Redis down
    big_job_id: int  # the large employee file
    small_job_id: int  # a small one, confirmed with Redis down
    invitations_expected: int


def seed(people: int, rows: int) -> Seed:
    import random

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from mentorship.accounts.models import User
    from mentorship.demo import organisation as demo
    from mentorship.imports import services as imports
    from mentorship.imports.management.commands.benchmark_import import generate_csv
    from mentorship.mentorships.models import Mentorship, MentorshipStatus
    from mentorship.programs.models import Program
    from pairing.management.commands.benchmark_match_run import build_pool

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 (closed at exit)
    User.objects.filter(email__endswith=f"@{demo.DEMO_DOMAIN}").update(password=make_password(DRILL_PASSWORD))
    hr = User.objects.get(email=f"hr@{demo.DEMO_DOMAIN}")
    pair = Mentorship.objects.filter(status=MentorshipStatus.ACTIVE).select_related("mentee__user").order_by("pk")
    mentorship = pair.filter(mentee__user__email=f"junior@{demo.DEMO_DOMAIN}").first() or pair.first()
    assert mentorship is not None  # noqa: S101 (the demo always has pairs)
    logins = list(  # people who log in while Redis is down; the last one is the target of a password guesser
        User.objects.filter(email__endswith=f"@{demo.DEMO_DOMAIN}", is_active=True)
        .exclude(email__in=[hr.email, mentorship.mentee.user.email])
        .order_by("pk")
        .values_list("email", flat=True)[:40]
    )
    program = build_pool(rng=random.Random(1), people=people)
    program.owners.add(hr)
    small = Program.objects.get(pk=program.pk)
    small.pk = None
    small.name = "[drill] A small pool"
    small.save()
    small.owners.add(hr)
    for enrollment in program.enrollments.order_by("pk")[:60]:
        enrollment.pk = None
        enrollment.program = small
        enrollment.save()
    content = generate_csv(rows)
    big = imports.import_job_create(file_name="everyone.csv", content=content, by=hr)
    # The first 501 people (the chief and the top of the tree, managers included): large enough
    # to be imported by a worker.
    header, *lines = content.decode().splitlines()
    first = [line for line in lines if int(line.split(",")[0][6:11]) <= imports.ASYNC_THRESHOLD]
    small_file = "\n".join([header, *first]).encode()
    small_job = imports.import_job_create(file_name="first-hires.csv", content=small_file, by=hr)
    assert big.status == small_job.status == "ready", (big.problems[:3], small_job.problems[:3])  # noqa: S101
    return Seed(
        hr_email=hr.email,
        logins=logins,
        mentee_email=mentorship.mentee.user.email,
        mentorship_id=mentorship.pk,
        program_id=program.pk,
        small_program_id=small.pk,
        big_job_id=big.pk,
        small_job_id=small_job.pk,
        invitations_expected=rows,
    )


def run_status(pk: int) -> str:
    from pairing.models import MatchRun

    return str(db(lambda: MatchRun.objects.values_list("status", flat=True).get(pk=pk), "?"))


def job_status(pk: int) -> str:
    from mentorship.imports.models import ImportJob

    return str(db(lambda: ImportJob.objects.values_list("status", flat=True).get(pk=pk), "?"))


def latest_run(program_id: int) -> int | None:
    from pairing.models import MatchRun

    pk: int | None = db(
        lambda: MatchRun.objects.filter(program_id=program_id).order_by("-pk").values_list("pk", flat=True)[0]
    )
    return pk


def kill_mid_run(app: App, seeded: Seed, tally: Tally, bound: float) -> float | None:
    """Returns the recovery time: from the kill until the run is done."""
    from pairing.models import MatchRun

    hr = Browser(app.base)
    hr.login(seeded.hr_email)
    hr.go("POST", url("pairing:run_start", seeded.program_id))
    run_id = latest_run(seeded.program_id)
    if run_id is None:
        tally.record("SIGKILL mid match run", False, "the run did not start")
        return None
    wait_until(lambda: run_status(run_id) == "running", 60, 0.05)
    in_flight = run_status(run_id) == "running"
    app.kill_worker()
    killed = time.monotonic()
    app.start_worker()
    done = wait_until(lambda: run_status(run_id) == "done", bound, 0.5)
    recovery = time.monotonic() - killed
    attempts = db(lambda: MatchRun.objects.values_list("attempts", flat=True).get(pk=run_id), 0)
    free = db(
        lambda: not MatchRun.objects.filter(program_id=seeded.program_id, status__in=["queued", "running"]).exists()
    )
    tally.record(
        "SIGKILL mid match run",
        in_flight and done and attempts == 2 and bool(free),
        f"killed while {'running' if in_flight else 'NOT running'}; done {recovery:.0f} s after the kill on "
        f"attempt {attempts}, program free for the next run"
        if done
        else f"still {run_status(run_id)} {bound:.0f} s after the kill",
    )
    return recovery if done else None


def kill_mid_import(app: App, seeded: Seed, tally: Tally, bound: float) -> None:
    from mentorship.imports import services as imports
    from mentorship.imports.models import ImportJob

    hr = Browser(app.base)
    hr.login(seeded.hr_email)
    hr.go("POST", url("imports:confirm", seeded.big_job_id), {"invite": "on"})

    def importing() -> bool:
        job = db(lambda: ImportJob.objects.get(pk=seeded.big_job_id))
        return job is not None and job.status == "running" and db(lambda: imports.import_progress(job=job), 0) > 0

    in_flight = wait_until(importing, 120, 0.05)
    app.kill_worker()
    killed = time.monotonic()
    app.start_worker()
    done = wait_until(lambda: job_status(seeded.big_job_id) == "done", bound, 0.5)
    job = db(lambda: ImportJob.objects.get(pk=seeded.big_job_id))
    counts_ok = job is not None and job.created_count + job.unchanged_count + job.updated_count == job.total_rows
    tally.record(
        "SIGKILL mid import",
        in_flight and done and counts_ok,
        f"killed {'mid-import' if in_flight else 'NOT mid-import'}; done {time.monotonic() - killed:.0f} s after "
        f"the kill: {job.created_count} added, {job.unchanged_count} unchanged, {job.invitations_sent} invitations"
        if done and job is not None
        else f"still {job_status(seeded.big_job_id)} {bound:.0f} s after the kill",
    )


def kill_mid_email_batch(app: App, sink: SMTPSink, seeded: Seed, tally: Tally, bound: float) -> None:
    from mentorship.notifications.models import EmailStatus, Notification
    from mentorship.notifications.services import message_id

    invitations = Notification.objects.filter(kind="invitation")
    total = db(invitations.count, 0)
    bound = max(bound, total / 10)  # sending takes time of its own: allow 10 emails a second
    sent = invitations.filter(email_status=EmailStatus.SENT)
    wait_until(lambda: db(sent.count, 0) >= total // 10, 120, 0.02)
    mid_batch = 0 < db(sent.count, 0) < total
    app.kill_worker()
    killed = time.monotonic()
    # A claim whose message the sink already holds was cut between the SMTP hand-off and the
    # UPDATE that marks it sent: sending it again after the lease is the one allowed duplicate.
    received = set(sink.message_ids())
    sending = db(
        lambda: list(invitations.filter(email_status=EmailStatus.SENDING).values_list("dedupe_key", flat=True)), []
    )
    cut = [key for key in sending if message_id(key) in received]
    tally.handoff_cuts += len(cut)
    out = db(sent.count, 0)
    app.start_worker()
    done = wait_until(lambda: db(sent.count, 0) == total, bound, 1)
    tally.record(
        "SIGKILL mid email batch (after the import's commit)",
        done and mid_batch,
        f"{out} of {total} invitations sent at the kill, {len(sending)} being sent, {len(cut)} of them inside "
        "the SMTP hand-off; "
        + (f"all sent {time.monotonic() - killed:.0f} s after the kill" if done else f"not all sent in {bound:.0f} s"),
    )


def redis_outage(app: App, redis: RedisServer, seeded: Seed, tally: Tally, bound: float) -> None:
    redis.stop()
    stopped = time.monotonic()
    try:
        statuses = []
        for email in seeded.logins[:20]:
            statuses.append(Browser(app.base).login(email))
        attacker = Browser(app.base)
        failed = [attacker.login(seeded.logins[-1], "wrong-password") for _ in range(6)]
        _, body, _ = attacker.go("POST", url("account_login"), {"login": seeded.logins[-1], "password": DRILL_PASSWORD})
        limited = "Too many failed login attempts" in body
        errors = sum(1 for status in [*statuses, *failed] if status >= 500 or status == 0)
        tally.login_500s += errors
        tally.record(
            "Redis stopped: logins",
            errors == 0 and statuses.count(302) == len(statuses) and limited,
            f"{statuses.count(302)}/{len(statuses)} logins answered, {errors} errors; rate limit "
            + ("still enforced (database fallback)" if limited else "NOT enforced"),
        )

        mentee = Browser(app.base)
        signed_in = mentee.login(seeded.mentee_email)
        from datetime import timedelta

        from django.utils import timezone

        day = (timezone.localdate() - timedelta(days=1)).isoformat()
        log_url = url("workspace:session_log", seeded.mentorship_id)
        mentee.go("GET", log_url)
        logged, _, where = mentee.go("POST", log_url, {"held_on": day, "duration_minutes": "45", "format": "meeting"})
        from mentorship.workspace.models import MentoringSession

        session_id = db(lambda: MentoringSession.objects.filter(mentorship_id=seeded.mentorship_id).latest("pk").pk)
        rated = 0
        if session_id is not None:
            rate_url = url("workspace:session_rate", session_id)
            mentee.go("GET", rate_url)
            rated, _, _ = mentee.go("POST", rate_url, {"score": "5", "learned": "Drill"})
        tally.record(
            "Redis stopped: session logging and rating",
            signed_in == 302 and logged == 302 and where.endswith("/rate/") and rated == 302,
            f"login answered {signed_in}, log a session answered {logged} (to {urlsplit(where).path}), "
            f"rate it answered {rated}",
        )

        hr = Browser(app.base)
        hr.login(seeded.hr_email)
        started, _, location = hr.go("POST", url("pairing:run_start", seeded.small_program_id))
        _, page, _ = hr.go("GET", urlsplit(location).path) if location else (0, "", "")
        run_id = latest_run(seeded.small_program_id)
        confirmed, _, job_location = hr.go("POST", url("imports:confirm", seeded.small_job_id), {"invite": "on"})
        _, job_page, _ = hr.go("GET", urlsplit(job_location).path) if job_location else (0, "", "")
    finally:
        time.sleep(max(0.0, 20 - (time.monotonic() - stopped)))  # an outage of at least 20 s
        redis.start()
    back = time.monotonic()
    queued_said = "queued; it will start as soon as workers are available" in page
    run_done = run_id is not None and wait_until(lambda: run_status(run_id) == "done", bound, 1)
    tally.record(
        "Redis stopped: run start",
        started == 302 and queued_said and run_done,
        f"start answered {started}, page said queued: {queued_said}; "
        + (f"done {time.monotonic() - back:.0f} s after Redis returned" if run_done else "never ran"),
    )
    job_said = "Import queued; it will start as soon as workers are available." in job_page
    job_done = wait_until(lambda: job_status(seeded.small_job_id) == "done", bound, 1)
    tally.record(
        "Redis stopped: import confirm",
        confirmed == 302 and job_said and job_done,
        f"confirm answered {confirmed}, page said queued: {job_said}; "
        + (f"imported {time.monotonic() - back:.0f} s after Redis returned" if job_done else "never imported"),
    )


def two_beats(app: App, tally: Tally, seconds: float) -> None:
    from mentorship.core.models import Heartbeat

    second = app.start_beat()
    time.sleep(seconds)
    both_alive = second.poll() is None and all(beat.poll() is None for beat in app.beats)
    stop_process(second)
    app.beats.remove(second)
    beat_at = db(lambda: Heartbeat.objects.get().beat_at)
    tally.record(
        "Two beats at once",
        both_alive and beat_at is not None,
        f"two beats ran sweeps and recovery passes side by side for {seconds:.0f} s (duplicates counted below)",
    )


def postgres_restart(app: App, cluster: PostgresCluster, seeded: Seed, tally: Tally, bound: float) -> None:
    from django.db import connections

    cluster.stop("fast")
    down = [Browser(app.base).login(seeded.hr_email) for _ in range(3)]
    time.sleep(3)
    cluster.start()
    connections.close_all()
    started = time.monotonic()
    ok = wait_until(lambda: Browser(app.base).login(seeded.hr_email) == 302, 60, 1)
    hr = Browser(app.base)
    hr.login(seeded.hr_email)
    hr.go("POST", url("pairing:run_start", seeded.small_program_id))
    run_id = latest_run(seeded.small_program_id)
    ran = run_id is not None and wait_until(lambda: run_status(run_id) == "done", bound, 1)
    tally.record(
        "PostgreSQL restart",
        ok and ran,
        f"while down: logins answered {dict(Counter(down))}; logins back {time.monotonic() - started:.0f} s after the "
        f"restart, a new run {'finished' if ran else 'did NOT finish'} without restarting web, worker or beat",
    )


def final_counts(sink: SMTPSink, seeded: Seed, tally: Tally, bound: float) -> tuple[int, int, int]:
    """stuck jobs, lost invitations, duplicate emails."""
    from mentorship.imports.models import ImportJob
    from mentorship.notifications.models import EmailStatus, Notification
    from pairing.models import ACTIVE_RUN_STATUSES, MatchRun

    open_emails = Notification.objects.filter(email_status__in=[EmailStatus.PENDING, EmailStatus.SENDING])
    wait_until(lambda: db(open_emails.count, 1) == 0, bound, 2)
    stuck_runs = db(
        lambda: list(MatchRun.objects.filter(status__in=ACTIVE_RUN_STATUSES).values_list("pk", "status")), []
    )
    stuck_jobs = db(
        lambda: list(ImportJob.objects.filter(status__in=["queued", "running"]).values_list("pk", "status")), []
    )
    stuck_emails = db(open_emails.count, 0)
    stuck = len(stuck_runs) + len(stuck_jobs) + stuck_emails
    if stuck:
        print(f"  stuck: runs {stuck_runs}, imports {stuck_jobs}, {stuck_emails} emails", flush=True)
    counts = Counter(sink.message_ids())
    duplicates = sum(n - 1 for n in counts.values())
    invited = db(
        lambda: list(Notification.objects.filter(kind="invitation").values_list("recipient__email", flat=True)), []
    )
    received = set(sink.recipients())
    lost = sum(1 for email in invited if email not in received)
    expected = seeded.invitations_expected
    if len(invited) < expected:
        lost += expected - len(invited)  # invitations never even written
    return stuck, lost, duplicates


@contextmanager
def servers(folder: Path) -> Iterator[tuple[PostgresCluster, RedisServer, SMTPSink]]:
    cluster = PostgresCluster()
    redis = RedisServer()
    sink = SMTPSink()
    try:
        cluster.init()
        redis.start()
        yield cluster, redis, sink
    finally:
        sink.close()
        redis.stop()
        cluster.destroy()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000, help="employees in the imported file (invitations)")
    parser.add_argument("--people", type=int, default=4_000, help="people in the matching pool")
    parser.add_argument("--quick", action="store_true", help="10 s leases and recovery passes instead of 60 s")
    options = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="fault-drill-"))
    clocks = "10" if options.quick else "60"
    bound = 120.0 if options.quick else 420.0  # the longest any job may take to come back
    print(f"Fault drill: logs in {folder}", flush=True)
    tally = Tally()
    started = time.monotonic()
    with servers(folder) as (cluster, redis, sink):
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "EMAIL_"))},
            "DJANGO_SETTINGS_MODULE": "mentorship.settings",
            "DATABASE_URL": cluster.url,
            "REDIS_URL": redis.url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "EMAIL_USE_TLS": "0",
            "DEBUG": "0",
            "SECRET_KEY": "fault-drill-" + os.urandom(16).hex(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "STATIC_MANIFEST": "0",
            "SITE_URL": "http://127.0.0.1",
            "VAR_DIR": str(folder / "var"),
            "LOG_LEVEL": "WARNING",
            "FEEDBACK_SWEEP_MINUTES": "1",
            "JOB_LEASE_SECONDS": clocks,
            "JOB_RECOVERY_SECONDS": clocks,
            "PYTHONUNBUFFERED": "1",
        }
        os.environ.update(env)
        print(f"PostgreSQL on port {cluster.port}, Redis on {redis.port}, SMTP sink on {sink.port}", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=600
        )
        import django

        django.setup()
        seeded = seed(options.people, options.rows)
        print(f"Seeded in {time.monotonic() - started:.0f} s; starting web, worker and beat", flush=True)
        app = App(env, folder)
        try:
            app.start_web()
            app.start_worker()
            app.start_beat()
            print("Experiments:", flush=True)
            recovery = kill_mid_run(app, seeded, tally, bound)
            kill_mid_import(app, seeded, tally, bound)
            kill_mid_email_batch(app, sink, seeded, tally, max(bound, 420))  # email claims last 2 minutes
            redis_outage(app, redis, seeded, tally, bound)
            two_beats(app, tally, 60 if options.quick else 120)
            postgres_restart(app, cluster, seeded, tally, bound)
            stuck, lost, duplicates = final_counts(sink, seeded, tally, bound)
        except BaseException:
            print(f"The drill stopped on an error; logs in {folder}", flush=True)
            raise
        finally:
            app.stop()
    width = max(len(o.name) for o in tally.outcomes) if tally.outcomes else 10
    print(f"\n{'experiment':<{width}}  result  outcome")
    for outcome in tally.outcomes:
        print(f"{outcome.name:<{width}}  {'pass' if outcome.passed else 'FAIL':<6}  {outcome.detail}")
    print(
        f"\n{len(sink.messages)} emails reached the sink; {duplicates} duplicate(s) against "
        f"{tally.handoff_cuts} kill(s) inside an SMTP hand-off; recovery after the worker kill mid match run: "
        + (f"{recovery:.0f} s" if recovery is not None else "none")
        + f" (leases and recovery passes every {clocks} s); drill took {time.monotonic() - started:.0f} s"
    )
    if app.restarts:
        print(
            "Restarted by the drill's supervisor (as a process manager would): "
            + ", ".join(f"{name} {n}x" for name, n in sorted(app.restarts.items()))
        )
    passed = sum(o.passed for o in tally.outcomes)
    print(
        f"FAULTS: experiments={len(tally.outcomes)} passed={passed} stuck_jobs={stuck} lost={lost} "
        f"duplicates={duplicates} login_500s={tally.login_500s}"
    )
    healthy = passed == len(tally.outcomes) and stuck == lost == tally.login_500s == 0
    return 0 if healthy and duplicates <= tally.handoff_cuts else 1


if __name__ == "__main__":
    sys.exit(main())
