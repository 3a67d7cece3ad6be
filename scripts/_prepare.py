"""The database steps of start.py, run inside .venv in one Python process (Django starts once,
not once per step): check the settings, create the database if missing, migrate, queue a first
heartbeat, seed the demo.

    .venv/bin/python scripts/_prepare.py LOGINS_FILE SETUP_LOG

Progress goes to stdout, one line per step; what the steps print goes to SETUP_LOG; the demo
logins (seed_demo's own output) go to LOGINS_FILE for the banner. Once the schema is current it
prints SCHEMA_READY, on which start.py starts the web server while the demo is seeded. A bad
setting or an unreachable database ends it with one line and a non-zero status.
"""

import contextlib
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_READY = "-- schema ready --"
# start.py's own start, so both count seconds from one moment (the monotonic clock is system-wide).
_STARTED = float(os.environ.get("START_MONOTONIC") or time.monotonic())


def say(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:3.0f}s] {message}", flush=True)


def main(logins_file: Path, setup_log: Path) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    from mentorship.env import exit_on_bad_settings

    exit_on_bad_settings()
    import django
    from django.conf import settings
    from django.core.management import CommandError, call_command

    django.setup()
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        where = f"SQLite in {_shown(Path(database['NAME']))}"
    else:
        where = f"PostgreSQL database {database['NAME']!r} on {database.get('HOST') or 'localhost'}"
    broker = "Redis" if settings.REDIS_URL else "files under var/broker/"
    say(f"Settings read: {where}, Celery broker in {broker}.")
    with setup_log.open("w") as log, contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        _log_to(log)
        try:
            call_command("ensure_database", stdout=log)
            pending = _pending_migrations()
            if pending:
                _say_outside(f"Applying {pending} database migrations ...")
            call_command("migrate", interactive=False, stdout=log)
            # Queued before the demo's emails, so the worker's first task proves it is alive and
            # /healthz turns green without waiting behind them (or a minute for beat).
            from mentorship.core.tasks import heartbeat
            from mentorship.tasking import enqueue_now

            enqueue_now(heartbeat)
            _say_outside(SCHEMA_READY, plain=True)
            _say_outside("Loading the demo organisation (people, programs, pairs) ...")
            with logins_file.open("w") as logins:
                call_command("seed_demo", stdout=logins)
        except CommandError as error:
            _say_outside(f"Could not prepare the database: {' '.join(str(error).split())}", error=True)
            return 1
    return 0


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _pending_migrations() -> int:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _say_outside(message: str, *, error: bool = False, plain: bool = False) -> None:
    """A progress line on the real terminal while stdout and stderr go to the setup log."""
    stream = sys.__stderr__ if error else sys.__stdout__
    line = message if error or plain else f"[{time.monotonic() - _STARTED:3.0f}s] {message}"
    if stream is not None:
        stream.write(line + "\n")
        stream.flush()


def _log_to(log: object) -> None:
    # The app's log lines (the demo's sweep, kombu's notes) belong in the setup log, not on screen.
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(logging.StreamHandler(log))  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    try:
        sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
    except KeyboardInterrupt:  # Ctrl-C reaches start.py too, which says it is stopping
        sys.exit(130)
