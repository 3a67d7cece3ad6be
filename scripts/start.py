"""The first command: build the environment, migrate, seed the demo, start web + worker + beat.

    python3 scripts/start.py            # http://127.0.0.1:8000, Ctrl-C stops everything

With nothing set it runs on SQLite and a broker kept in files under var/; with DATABASE_URL and
REDIS_URL set it uses PostgreSQL and Redis. PORT changes the web port.
"""

import os
import signal
import socket
import subprocess
import sys
import time

from _bootstrap import ROOT, ensure_venv


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def site_url_for(port: int, env: dict[str, str]) -> str:
    """Links in emails (verification, invitations, reminders) come from SITE_URL: unless it is
    set, point it at this server, so links in development emails work whatever PORT is."""
    return env.get("SITE_URL") or f"http://127.0.0.1:{port}"


def main() -> int:
    python = str(ensure_venv())
    port = int(os.environ.get("PORT", "8000"))
    if not _port_free(port):
        sys.exit(f"Port {port} is in use. Stop whatever runs there, or pick another: PORT=8001 {sys.argv[0]}")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.setdefault("DEBUG", "1")
    env["SITE_URL"] = site_url_for(port, env)
    (ROOT / "var").mkdir(exist_ok=True)

    def manage(*args: str, echo: bool = True) -> str:
        done = subprocess.run(
            [python, "manage.py", *args], check=True, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        if echo:
            print(done.stdout, end="", flush=True)
        return done.stdout

    manage("ensure_database")
    manage("migrate", "--noinput")
    logins = manage("seed_demo", echo=False)  # shown in the banner below

    celery = [python, "-m", "celery", "-A", "mentorship"]
    processes = {
        "web": subprocess.Popen(
            [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env
        ),
        "worker": subprocess.Popen([*celery, "worker", "--loglevel=INFO", "--concurrency=2"], cwd=ROOT, env=env),
        # Exactly one beat may run, or every periodic task runs twice.
        "beat": subprocess.Popen([*celery, "beat", "--loglevel=INFO"], cwd=ROOT, env=env),
    }
    # A first heartbeat now, so /healthz is green without waiting a minute for beat.
    subprocess.run([*celery, "call", "mentorship.core.tasks.heartbeat"], cwd=ROOT, env=env, capture_output=True)
    time.sleep(1)
    print(
        f"\n  Mentorship is running at http://127.0.0.1:{port}/\n\n{logins}"
        f"\n  Mail the app sends shows at http://127.0.0.1:{port}/dev/outbox/"
        "\n  Press Ctrl-C to stop web, worker and beat.\n",
        flush=True,
    )
    # Ctrl-C and SIGTERM (a process manager) both stop everything. Set here, not inherited: a
    # shell that starts this in the background has it ignore Ctrl-C.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"The {name} process stopped (exit {process.returncode}); stopping the rest.", flush=True)
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
