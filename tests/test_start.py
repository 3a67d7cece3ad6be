"""scripts/start.py, the README's first command: the parts that can be checked in a second or two.

The banner waits for a green /healthz, logs go to files kept one start back, and a junk setting
stops start.py and manage.py with one line and a non-zero status, never a traceback.
"""

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import start  # noqa: E402

_SETTINGS_VARIABLES = ("DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS")


class _Health:
    """A stand-in /healthz: 503 with a failing check for the first `unhealthy` requests, then 200."""

    def __init__(self, unhealthy: int) -> None:
        self.unhealthy = unhealthy
        self.requests = 0


@pytest.fixture
def healthz() -> Iterator[tuple[str, _Health]]:
    state = _Health(unhealthy=3)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests += 1
            ok = state.requests > state.unhealthy
            body = {"status": "ok" if ok else "unhealthy", "checks": {"database": {"ok": True, "detail": "sqlite"}}}
            if not ok:
                body["checks"]["beat"] = {"ok": False, "detail": "no heartbeat recorded yet"}
            payload = json.dumps(body).encode()
            self.send_response(200 if ok else 503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/healthz", state
    server.shutdown()
    server.server_close()


def test_it_waits_for_a_green_healthz_before_it_says_ready(healthz) -> None:
    url, state = healthz
    assert start.wait_until_healthy(url, alive=lambda: None, timeout=10, interval=0.01) == (True, "")
    assert state.requests == 4  # three 503s, then the 200 it returned on


def test_it_says_which_check_is_still_down_when_time_runs_out(healthz) -> None:
    url, state = healthz
    state.unhealthy = 10**6
    healthy, why = start.wait_until_healthy(url, alive=lambda: None, timeout=0.2, interval=0.01)
    assert not healthy
    assert why == "not healthy after 0 s: beat: no heartbeat recorded yet"


def test_it_stops_waiting_when_a_process_dies(healthz) -> None:
    url, state = healthz
    state.unhealthy = 10**6
    healthy, why = start.wait_until_healthy(url, alive=lambda: "the worker process stopped (exit 1)", timeout=10)
    assert (healthy, why) == (False, "the worker process stopped (exit 1)")
    assert state.requests == 0


def test_it_keeps_waiting_while_nothing_answers() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    healthy, why = start.wait_until_healthy(
        f"http://127.0.0.1:{port}/healthz", alive=lambda: None, timeout=0.2, interval=0.01
    )
    assert not healthy
    assert why.endswith("the web server does not answer yet")


def test_the_banner_names_the_address_the_logs_and_ends_with_the_logins() -> None:
    logins = "Demo logins (password for all: pw):\n  HR admin   hr@demo.example.com\n  Junior   junior@demo.example.com"
    text = start.banner(port=8123, logins=logins, log_dir=ROOT / "var" / "log", seconds=31.4)
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0] == "  Mentorship is running at http://127.0.0.1:8123/ (ready in 31 s)"
    assert "var/log/web.log, worker.log, beat.log" in text
    assert "http://127.0.0.1:8123/dev/outbox/" in text
    assert "Ctrl-C" in text
    assert lines[-1].strip() == "Junior   junior@demo.example.com"  # the logins come last
    assert lines[-3].strip().startswith("Demo logins")


def test_each_start_writes_fresh_logs_and_keeps_the_previous_ones(tmp_path: Path) -> None:
    with start.open_log("worker", tmp_path) as log:
        log.write("first start\n")
    with start.open_log("worker", tmp_path) as log:
        log.write("second start\n")
    assert (tmp_path / "worker.log").read_text() == "second start\n"
    assert (tmp_path / "worker.log.1").read_text() == "first start\n"


def test_the_end_of_a_log_is_its_last_lines(tmp_path: Path) -> None:
    log = tmp_path / "web.log"
    log.write_text("".join(f"line {n}\n" for n in range(40)))
    assert start.tail(log, 2) == "line 38\nline 39\n"
    assert start.tail(tmp_path / "missing.log") == ""


# A junk setting: one line, a non-zero status, no traceback ----------------------------------------


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {name: value for name, value in os.environ.items() if name not in _SETTINGS_VARIABLES}
    return subprocess.run(
        args, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120, check=False
    )


def _start(var_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """start.py's main() with this interpreter as the virtualenv's (the test run's venv is built),
    and its logs and database under `var_dir`."""
    code = (
        "import sys; sys.path.insert(0, 'scripts'); import start;"
        "start.ensure_venv = lambda *a: sys.executable; sys.exit(start.main())"
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    return _run([sys.executable, "-c", code], PORT=port, VAR_DIR=str(var_dir), **env)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "yes please"}, "Bad setting: DEBUG='yes please' is not a boolean"),
        ({"DATABASE_URL": "postgres://me:pa/ss@db:5432/app"}, "Bad setting: DATABASE_URL has a port that is not"),
        ({"DATABASE_URL": "mysql://db/app"}, "Bad setting: DATABASE_URL must be a URL starting with one of"),
        ({"PRIVACY_THRESHOLD": "two"}, "Bad setting: PRIVACY_THRESHOLD='two' is not a whole number."),
    ],
)
def test_manage_py_refuses_a_junk_setting_in_one_line(env: dict[str, str], message: str) -> None:
    result = _run([sys.executable, "manage.py", "check"], **env)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1, result.stderr  # one line, no traceback
    assert "pa/ss" not in result.stderr  # never the URL: it may hold a password


def test_start_py_refuses_a_junk_setting_in_one_line(tmp_path: Path) -> None:
    result = _start(tmp_path, DEBUG="yes please")
    assert result.returncode == 2
    assert result.stderr == (
        "Bad setting: DEBUG='yes please' is not a boolean: use one of 1/0, true/false, yes/no, on/off.\n"
    )
    assert "Traceback" not in result.stdout
    assert "running at" not in result.stdout  # no banner


def test_start_py_says_in_one_line_when_the_database_cannot_be_reached(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port no PostgreSQL listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = _start(tmp_path, DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/nothing_here")
    assert result.returncode == 1
    assert result.stderr.startswith("Could not prepare the database: Cannot reach PostgreSQL")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert (tmp_path / "log").is_dir()  # its logs went where VAR_DIR says, not into the checkout's var/
