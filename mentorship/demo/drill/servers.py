"""Throwaway servers for the fault drill and the fault tests: a PostgreSQL cluster, a Redis and an
SMTP sink, each on a free loopback port, each started and stopped by whoever made it. They never
touch the machine's own PostgreSQL or Redis. Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from email import message_from_bytes
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], seconds: float, interval: float = 0.1) -> bool:
    """Poll `condition` for at most `seconds`; True as soon as it holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def stop_process(process: subprocess.Popen[bytes] | None, *, timeout: float = 10) -> None:
    """Terminate a process we started, then kill it if it does not stop in time."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)


class RedisServer:
    """A redis-server of our own on a free port, with nothing persisted: stopping it loses every
    message in it, as a Redis restart without persistence does."""

    def __init__(self) -> None:
        if shutil.which("redis-server") is None:
            raise FileNotFoundError("redis-server is not installed")
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="drill-redis-")  # nothing is written there
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self._folder.name],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        if not wait_until(lambda: _port_open(self.port), 10):
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None
        wait_until(lambda: not _port_open(self.port), 5)
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class SMTPSink(socketserver.ThreadingTCPServer):
    """Just enough SMTP for Django's backend, on loopback. Keeps each message it accepted. With
    `hang` set it swallows the next message and never confirms it, as a server that stalls in
    the middle of a hand-off (the client waits until it is killed or times out)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.hang = threading.Event()
        self.swallowed = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def accept(self, message: bytes) -> None:
        with self._lock:
            self.messages.append(message)

    def recipients(self) -> list[str]:
        with self._lock:
            return [str(message_from_bytes(m)["To"]) for m in self.messages]

    def message_ids(self) -> list[str]:
        with self._lock:
            return [str(message_from_bytes(m)["Message-ID"]) for m in self.messages]

    def close(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()


class _SMTPHandler(socketserver.StreamRequestHandler):
    server: SMTPSink

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        try:
            self._converse()
        except OSError:  # the client was killed mid-conversation: that is what the drill does
            return

    def _converse(self) -> None:
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP")):
                self.reply("250 OK")
            elif command == b"DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                message = b"".join(iter(self.rfile.readline, b".\r\n"))
                if self.server.hang.is_set():
                    self.server.swallowed.set()
                    self.server.release.wait(120)
                    return
                self.server.accept(message)
                self.reply("250 Queued")
            elif command == b"QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Not implemented")


class PostgresCluster:
    """A PostgreSQL cluster of our own: initdb in a temporary folder, on a free port, trust auth
    on loopback only. initdb refuses to run as root, so as root the cluster belongs to an
    unprivileged user (the system's `postgres` user if there is one, else one we create)."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="drill-pg-"))
        self.data = self.folder / "data"
        self.user = _unprivileged_user() if os.geteuid() == 0 else None
        if self.user is not None:
            shutil.chown(self.folder, self.user.pw_uid, self.user.pw_gid)
            self.folder.chmod(0o700)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/drill"

    def _run(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            list(args), check=check, timeout=timeout, capture_output=True, preexec_fn=self._demote, cwd=self.folder
        )

    def _demote(self) -> None:
        if self.user is not None:
            os.setgid(self.user.pw_gid)
            os.setuid(self.user.pw_uid)

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--no-sync", "--locale=C",
        )  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.folder}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 60\n"
            )
        self.start()
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "drill")

    def start(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-t", "60",
                  "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def _pg_bin() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "pg_ctl").exists():
            return candidate
    raise FileNotFoundError("PostgreSQL's server programs (initdb, pg_ctl) are not installed")


def _unprivileged_user() -> pwd.struct_passwd:
    for name in ("postgres", "mentorship-drill"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    subprocess.run(["useradd", "--system", "--no-create-home", "mentorship-drill"], check=True, timeout=30)
    return pwd.getpwnam("mentorship-drill")


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL: no cleanup, no acknowledgement, as the out-of-memory killer does it."""
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
