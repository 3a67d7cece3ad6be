"""Fault tests: a Redis of our own that a test may stop and start again, the app's cache and
Celery pointed at it, and Celery workers in subprocesses that a test may SIGKILL.

The shared Redis and PostgreSQL are never stopped: every server a test stops is its own.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from kombu import pools

from mentorship.celery import app
from mentorship.demo.drill.servers import RedisServer, SMTPSink, stop_process, wait_until

ROOT = Path(__file__).resolve().parents[2]
# Redis settings as in production (mentorship/settings.py), for the broker we point Celery at.
BROKER_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "visibility_timeout": 240, "max_retries": 0}


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    try:
        server = RedisServer()
    except FileNotFoundError:
        pytest.skip("redis-server is not installed: these tests stop a Redis of their own (CI installs it)")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _reset_producers() -> None:
    """Forget the connections Celery and kombu keep to the old broker (kombu keeps producer pools
    in a registry of its own: reset it too, or the next enqueue finds a closed pool)."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@contextmanager
def app_on(redis: RedisServer) -> Iterator[None]:
    """Point the cache (as settings build it with REDIS_URL) and Celery's broker at `redis`."""
    caches: dict[str, Any] = {
        "default": {
            "BACKEND": "mentorship.core.cache.FallbackCache",
            "KEY_PREFIX": "faults",
            "OPTIONS": {"primary": "redis", "fallback": "database", "retry_after": 15},
        },
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis.url,
            "KEY_PREFIX": "faults",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0, "retry_on_timeout": False},
        },
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mentorship_cache_fallback",
            "KEY_PREFIX": "faults",
        },
    }
    conf = app.conf
    saved = conf.broker_url, conf.broker_transport_options
    conf.broker_url, conf.broker_transport_options = redis.url, BROKER_OPTIONS
    _reset_producers()
    try:
        with override_settings(CACHES=caches, CELERY_BROKER_URL=redis.url):
            yield
    finally:
        conf.broker_url, conf.broker_transport_options = saved
        _reset_producers()


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL (CI's main run): the worker runs in a subprocess, which must see the rows this "
            "test commits, and the lease heartbeat needs a database that takes concurrent writers."
        )


class Workers:
    """Celery workers in subprocesses, on `redis`, with the test database; stopped at the end."""

    def __init__(self, tmp_path: Path) -> None:
        self.started: list[subprocess.Popen[bytes]] = []
        self.log = tmp_path / "worker.log"

    def start(
        self, redis: RedisServer, *, smtp: SMTPSink | None = None, slow_engine: float = 0
    ) -> subprocess.Popen[bytes]:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "fault_worker_settings",
            "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), str(ROOT)]),
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": redis.url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port if smtp else 1),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": "30",
            "PYTHONUNBUFFERED": "1",
            "FAULT_TEST_QUEUE": app.conf.task_default_queue,
            "FAULT_SLOW_ENGINE_SECONDS": str(slow_engine),
        }
        offset = self.log.stat().st_size if self.log.exists() else 0
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "mentorship", "worker", "--pool=solo", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.started.append(process)
        ready = wait_until(lambda: b"ready." in self.log.read_bytes()[offset:] or process.poll() is not None, 60)
        assert ready and process.poll() is None, self.log.read_text()
        return process

    def stop_all(self) -> None:
        for process in self.started:
            stop_process(process)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    started = Workers(tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def smtp() -> Iterator[SMTPSink]:
    sink = SMTPSink()
    yield sink
    sink.close()
