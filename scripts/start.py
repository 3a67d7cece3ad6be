"""The first command: build the environment, migrate, seed the demo, start web + worker + beat.

    python3 scripts/start.py            # http://127.0.0.1:8000, Ctrl-C stops everything

With nothing set it runs on SQLite and a broker kept in files under var/; with DATABASE_URL and
REDIS_URL set it uses PostgreSQL and Redis. PORT changes the web port.

It says what it is doing while it works, writes the logs of web, worker and beat to var/log/
(the previous start's are kept as *.log.1), and prints the address and the demo logins only
once /healthz answers that the database, the broker and a worker are all up.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from subprocess import Popen
from typing import IO

from _bootstrap import ROOT, STARTED, ensure_venv, say
from _prepare import SCHEMA_READY

LOG_DIR = Path(os.environ.get("VAR_DIR") or ROOT / "var") / "log"  # VAR_DIR: as in the settings
SERVICES = ("web", "worker", "beat")
READY_TIMEOUT = 120  # seconds to wait for /healthz before saying what is still down


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def site_url_for(port: int, env: Mapping[str, str]) -> str:
    """Links in emails (verification, invitations, reminders) come from SITE_URL: unless it is
    set, point it at this server, so links in development emails work whatever PORT is."""
    return env.get("SITE_URL") or f"http://127.0.0.1:{port}"


def open_log(name: str, log_dir: Path = LOG_DIR) -> IO[str]:
    """var/log/<name>.log, fresh for this start; the previous start's is kept as <name>.log.1."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / f"{name}.log"
    if path.exists():
        path.replace(log_dir / f"{name}.log.1")
    return path.open("w")


def wait_until_healthy(
    url: str,
    *,
    alive: Callable[[], str | None],
    timeout: float | None = READY_TIMEOUT,
    interval: float = 0.25,
) -> tuple[bool, str]:
    """Poll `url` (/healthz) until it answers 200. `alive` names a process that has stopped, if
    any. Returns (True, "") when healthy; (False, why) when a process stopped or time ran out
    (never, with timeout None)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    last = "no answer yet"
    while True:
        stopped = alive()
        if stopped:
            return False, stopped
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own loopback URL)
                if response.status == 200:
                    return True, ""
        except urllib.error.HTTPError as error:  # 503: some check is down; say which
            last = _failing_checks(error.read())
        except (OSError, ValueError):
            last = "the web server does not answer yet"
        if deadline is not None and time.monotonic() >= deadline:
            return False, f"not healthy after {timeout:.0f} s: {last}"
        time.sleep(interval)


def _failing_checks(body: bytes) -> str:
    try:
        checks = json.loads(body)["checks"]
        return "; ".join(f"{name}: {check['detail']}" for name, check in checks.items() if not check["ok"])
    except (ValueError, KeyError, TypeError):
        return "unhealthy"


def banner(*, port: int, logins: str, log_dir: Path = LOG_DIR, seconds: float | None = None) -> str:
    """What start.py prints once /healthz is green: the address, where the logs and mail are,
    how to stop; the demo logins last, where the eye lands."""
    shown = _shown(log_dir)
    ready = f" (ready in {seconds:.0f} s)" if seconds is not None else ""
    lines = [
        "",
        f"  Mentorship is running at http://127.0.0.1:{port}/{ready}",
        "",
        f"  Logs:    {shown}/web.log, worker.log, beat.log (setup.log: migrations and demo data)",
        f"  Mail:    http://127.0.0.1:{port}/dev/outbox/ (nothing leaves this machine)",
        "  Stop:    Ctrl-C stops web, worker and beat together.",
        "",
        *(f"  {line}".rstrip() for line in logins.strip("\n").splitlines()),
        "",
    ]
    return "\n".join(lines)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "".join(path.read_text(errors="replace").splitlines(keepends=True)[-lines:])
    except OSError:
        return ""


def start_service(name: str, python: str, port: int, env: Mapping[str, str], log: IO[str]) -> Popen:  # type: ignore[type-arg]
    celery = [python, "-m", "celery", "-A", "mentorship"]
    commands = {
        # Checks are skipped: _prepare.py has just loaded the same code, and they cost a second.
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2"],
        # Exactly one beat may run, or every periodic task runs twice.
        "beat": [*celery, "beat", "--loglevel=INFO"],
    }
    return subprocess.Popen(commands[name], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(processes: Mapping[str, Popen], logs: Mapping[str, IO[str]]) -> None:  # type: ignore[type-arg]
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    for log in logs.values():
        log.close()


def _report_stopped(why: str) -> int:
    """A process died: say which, with the end of its log, and stop the rest (main's finally)."""
    print(f"\nMentorship stopped: {why}.", flush=True)
    for name in SERVICES:
        if f"the {name} process" in why:
            print(f"Last lines of {_shown(LOG_DIR)}/{name}.log:\n{tail(LOG_DIR / f'{name}.log')}", flush=True)
    return 1


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    if not _port_free(port):
        sys.exit(f"Port {port} is in use. Stop whatever runs there, or pick another: PORT=8001 {sys.argv[0]}")
    # Ctrl-C and SIGTERM (a process manager) both stop everything. Set here, not inherited: a
    # shell that starts this in the background has it ignore Ctrl-C.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    processes: dict[str, Popen] = {}  # type: ignore[type-arg]
    logs: dict[str, IO[str]] = {}
    try:
        say(f"Starting Mentorship from {ROOT}")
        python = str(ensure_venv())
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "START_MONOTONIC": repr(STARTED)}
        env.setdefault("DEBUG", "1")
        env["SITE_URL"] = site_url_for(port, env)
        LOG_DIR.mkdir(parents=True, exist_ok=True)

        logins_file = LOG_DIR / "demo-logins.txt"
        logs = {name: open_log(name) for name in SERVICES}
        prepare = subprocess.Popen(
            [python, str(ROOT / "scripts" / "_prepare.py"), str(logins_file), str(LOG_DIR / "setup.log")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for line in prepare.stdout or ():
            if line.strip() != SCHEMA_READY:
                print(line, end="", flush=True)
                continue
            # The schema is current: the web server (which only reads) starts now, beside the
            # seeding, and shares its wait.
            say(f"Starting the web server; its log goes to {_shown(LOG_DIR)}/web.log ...")
            processes["web"] = start_service("web", python, port, env, logs["web"])
        if prepare.wait() != 0:
            return prepare.returncode  # _prepare.py has said why, in one line
        # Worker and beat after the demo is seeded, not beside it: on SQLite a worker sending the
        # demo's emails while the demo is written made both wait on the database lock (a restart
        # took 26 s instead of 10).
        say(f"Starting the worker; its log goes to {_shown(LOG_DIR)}/worker.log ...")
        processes["worker"] = start_service("worker", python, port, env, logs["worker"])

        def stopped() -> str | None:
            for name, process in processes.items():
                if process.poll() is not None:
                    return f"the {name} process stopped (exit {process.returncode})"
            return None

        healthz = f"http://127.0.0.1:{port}/healthz"
        say(f"Waiting for {healthz} (database, broker, worker) ...")
        healthy, why = wait_until_healthy(healthz, alive=stopped)
        if not healthy and not stopped():  # slow, not dead: say what is missing, keep waiting
            say(f"Still waiting: {why}. The logs in {_shown(LOG_DIR)}/ say more; Ctrl-C stops.")
            healthy, why = wait_until_healthy(healthz, alive=stopped, timeout=None)
        if not healthy:
            return _report_stopped(why)
        # Beat last: /healthz does not need it (the worker ran the heartbeat queued above), and
        # starting it beside the worker slowed both on a 2-core machine.
        processes["beat"] = start_service("beat", python, port, env, logs["beat"])
        logins = logins_file.read_text() if logins_file.exists() else ""
        print(banner(port=port, logins=logins, seconds=time.monotonic() - STARTED), flush=True)
        while True:
            down = stopped()
            if down:
                return _report_stopped(down)
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    finally:
        stop(processes, logs)


if __name__ == "__main__":
    sys.exit(main())
