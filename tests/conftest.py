"""Shared fixtures: a few named personas, and the rules every test run follows."""

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache

from mentorship.accounts.models import User
from mentorship.celery import app as celery_app
from mentorship.core.cache import FallbackCache
from mentorship.participants import services
from mentorship.participants.models import OrgUnit, Participant

PASSWORD = "correct-horse-battery-staple"


def pytest_configure(config: pytest.Config) -> None:
    # Tests may share the cache with a developer's running app: keep their keys apart.
    # Real hashing costs half a second per password; tests check flows, not the hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for alias in settings.CACHES.values():  # with Redis: the fallback cache and its two caches
        alias["KEY_PREFIX"] = f"test-{os.getpid()}"
    # Tests read a dashboard right after the write they check: no lag (tests/dashboards tests it).
    settings.DASHBOARD_CACHE_LAG_SECONDS = 0
    default = settings.CACHES["default"]
    if default["BACKEND"].endswith("FileBasedCache"):
        default["LOCATION"] = tempfile.mkdtemp(prefix="mentorship-test-cache-")
    # A queue of this run's own on the shared broker, so another run's worker (or the app's)
    # never takes this run's tasks, nor this run's workers theirs.
    celery_app.conf.task_default_queue = f"tests-{os.getpid()}"


def clear_test_cache() -> None:
    """Delete this run's cache keys only: a Redis FLUSHDB would also drop the broker's queues."""
    for alias in settings.CACHES:
        backend = caches[alias]
        if isinstance(backend, FallbackCache):
            # Its caches are cleared on their own. Each test starts on Redis again: a slow Redis
            # reply in an earlier test must not leave this one switching caches halfway through.
            backend._primary_down_until = 0.0
            continue
        if isinstance(backend, DatabaseCache):
            continue  # it lives in the test database
        if isinstance(backend, RedisCache):
            client = backend._cache.get_client(write=True)
            keys = list(client.scan_iter(f"{settings.CACHES[alias]['KEY_PREFIX']}:*"))
            if keys:
                client.delete(*keys)
        else:
            backend.clear()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With MENTORSHIP_FORBID_SKIPS=1 (CI's main run) a skipped test fails the run."""
    if os.environ.get("MENTORSHIP_FORBID_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        print(f"\n{skipped} test(s) were skipped, and this run must run every test.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@contextmanager
def celery_worker() -> Iterator[None]:
    """A real worker (in a thread) on this run's queue, after dropping what earlier tests left
    there: tests without a worker still enqueue on commit, for rows that no longer exist."""
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    """Rate-limit counters live in the cache; each test starts with none."""
    clear_test_cache()
    yield
    clear_test_cache()


@pytest.fixture
def org(db: Any) -> dict[str, OrgUnit]:
    company = services.org_unit_ensure_path(path=["Acme"])
    return {
        "company": company,
        "engineering": services.org_unit_ensure_path(path=["Acme", "Engineering"]),
        "data": services.org_unit_ensure_path(path=["Acme", "Engineering", "Data"]),
        "people": services.org_unit_ensure_path(path=["Acme", "People"]),
    }


@pytest.fixture
def make_person(db: Any) -> Callable[..., Participant]:
    """A signed-up, verified, onboarded person. Keyword arguments set profile fields."""
    counter = iter(range(1, 1_000_000))

    def make(email: str | None = None, *, first_name: str = "Pat", last_name: str = "", **profile: Any) -> Participant:
        email = email or f"person{next(counter)}@example.com"
        user = User.objects.create_user(email=email, password=PASSWORD, first_name=first_name, last_name=last_name)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        participant = services.participant_ensure(user=user)
        defaults: dict[str, Any] = {
            "job_title": "Analyst",
            "career_level": 3,
            "years_experience": 5,
            "timezone": "Europe/Berlin",
            "languages": ["en"],
            "onboarded_at": datetime(2026, 1, 1, tzinfo=UTC),
        }
        for name, value in {**defaults, **profile}.items():
            setattr(participant, name, value)
        participant.save()
        return participant

    return make


@pytest.fixture
def senior_mentor(make_person: Callable[..., Participant], org: dict[str, OrgUnit]) -> Participant:
    return make_person(
        "dana.director@example.com",
        first_name="Dana",
        last_name="Director",
        job_title="Director of Engineering",
        career_level=6,
        org_unit=org["engineering"],
    )


@pytest.fixture
def manager(
    make_person: Callable[..., Participant], org: dict[str, OrgUnit], senior_mentor: Participant
) -> Participant:
    return make_person(
        "mo.manager@example.com",
        first_name="Mo",
        last_name="Manager",
        job_title="Data Lead",
        career_level=5,
        org_unit=org["data"],
        manager=senior_mentor,
    )


@pytest.fixture
def junior_mentor(
    make_person: Callable[..., Participant], org: dict[str, OrgUnit], manager: Participant
) -> Participant:
    return make_person(
        "jo.junior@example.com",
        first_name="Jo",
        last_name="Junior",
        job_title="Junior Data Analyst",
        career_level=1,
        org_unit=org["data"],
        manager=manager,
        bio="I love dashboards.",
        ws_structure=4,
        availability_hours=6,
    )


@pytest.fixture
def hr_admin(make_person: Callable[..., Participant], org: dict[str, OrgUnit]) -> Participant:
    person = make_person(
        "harriet.hr@example.com",
        first_name="Harriet",
        last_name="HR",
        job_title="HR Director",
        career_level=6,
        org_unit=org["people"],
    )
    services.hr_admin_grant(user=person.user)
    return person


@pytest.fixture
def outsider(make_person: Callable[..., Participant]) -> Participant:
    return make_person("olly.outsider@example.com", first_name="Olly", last_name="Outsider")
