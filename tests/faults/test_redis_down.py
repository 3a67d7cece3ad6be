"""Redis stopped: logins (with their rate limits), session logging and rating answer; starting a
run or confirming an import saves the job and says it is queued; when Redis returns, the
recovery pass hands the job over and a real worker runs it.

The Redis stopped here is the test's own (tests/faults/conftest.py), used as the cache and the
broker exactly as settings.py sets them up with REDIS_URL.
"""

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.celery import app
from mentorship.demo.drill.servers import RedisServer, wait_until
from mentorship.imports import services as import_services
from mentorship.imports.models import ImportJob, ImportStatus
from mentorship.notifications.models import Notification
from mentorship.participants.models import OrgUnit, Participant
from mentorship.workspace.models import MentoringSession, SessionRating
from pairing.models import MatchRun, RunStatus
from pairing.services import runs
from tests.conftest import PASSWORD
from tests.faults.conftest import app_on
from tests.imports.conftest import post_file, team_csv
from tests.pairing.conftest import Seeded, seed_reverse_program
from tests.workspace.conftest import Pair, pair  # noqa: F401  (the fixture)


@pytest.fixture
def seeded(make_person: Callable[..., Participant], org: dict[str, OrgUnit], hr_admin: Participant) -> Seeded:
    return seed_reverse_program(make_person, org, hr_admin)


def messages_of(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_logins_session_logging_and_rating_answer_while_redis_is_down(
    own_redis: RedisServer,
    pair: Pair,  # noqa: F811
) -> None:
    with app_on(own_redis):
        own_redis.stop()
        started = time.monotonic()
        client = Client()
        wrong = [
            client.post(reverse("account_login"), {"login": pair.mentor.user.email, "password": "not-it-at-all"})
            for _ in range(5)
        ]
        assert [r.status_code for r in wrong] == [200] * 5
        # The rate limit still holds, its counters kept in the database while Redis is away.
        blocked = client.post(reverse("account_login"), {"login": pair.mentor.user.email, "password": PASSWORD})
        assert blocked.status_code in (200, 429) and b"Too many failed login attempts" in blocked.content

        mentee = Client()
        response = mentee.post(reverse("account_login"), {"login": pair.mentee.user.email, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
        assert mentee.get(reverse("mentorships:detail", args=[pair.mentorship.pk])).status_code == 200

        held_on = timezone.localdate() - timedelta(days=2)
        response = mentee.post(
            reverse("workspace:session_log", args=[pair.mentorship.pk]),
            {
                "held_on": held_on.isoformat(),
                "duration_minutes": "45",
                "format": "reverse_shadowing",
            },
        )
        assert response.status_code == 302, response.context["form"].errors if response.context else ""
        session = MentoringSession.objects.get(mentorship=pair.mentorship)
        response = mentee.post(reverse("workspace:session_rate", args=[session.pk]), {"score": "5", "learned": "A"})
        assert response.status_code == 302
        assert SessionRating.objects.filter(session=session, rater=pair.mentee).exists()
        # One timeout, then the fallback until it retries Redis: the whole walk stays quick.
        assert time.monotonic() - started < 20


def test_a_run_started_with_redis_down_is_picked_up_when_redis_returns(
    transactional_db: None, own_redis: RedisServer, seeded: Seeded
) -> None:
    client = Client()
    client.force_login(seeded.hr.user)
    with app_on(own_redis):
        own_redis.stop()
        response = client.post(reverse("pairing:run_start", args=[seeded.program.pk]), follow=True)
        assert response.status_code == 200
        assert "queued; it will start as soon as workers are available" in messages_of(response)
        run = MatchRun.objects.get(program=seeded.program)
        assert (run.status, run.enqueued_at) == (RunStatus.QUEUED, None)
        # Nothing is orphaned: a second start is refused because this run is still coming.
        again = client.post(reverse("pairing:run_start", args=[seeded.program.pk]), follow=True)
        assert "already in progress" in messages_of(again)

        own_redis.start()
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert runs.match_runs_recover().handed_over == [run.pk]
            assert wait_until(lambda: MatchRun.objects.get(pk=run.pk).status == RunStatus.DONE, 30)
        assert MatchRun.objects.get(pk=run.pk).proposals.count() == 3


def test_an_import_confirmed_with_redis_down_is_imported_when_redis_returns(
    transactional_db: None, own_redis: RedisServer, hr_admin: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_services, "ASYNC_THRESHOLD", 5)  # a small file, imported by a worker
    client = Client()
    client.force_login(hr_admin.user)
    with app_on(own_redis):
        own_redis.stop()
        post_file(client, team_csv(8))
        job = ImportJob.objects.get()
        response = client.post(reverse("imports:confirm", args=[job.pk]), {"invite": "on"}, follow=True)
        assert response.status_code == 200
        assert "Import queued; it will start as soon as workers are available." in messages_of(response)
        assert b"starts as soon as a worker is available" in response.content
        assert client.get(reverse("imports:progress", args=[job.pk])).status_code == 200
        job.refresh_from_db()
        assert (job.status, job.enqueued_at) == (ImportStatus.QUEUED, None)

        own_redis.start()
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert import_services.import_jobs_recover().handed_over == [job.pk]
            assert wait_until(lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE, 30)
        job.refresh_from_db()
        assert (job.created_count, job.invitations_sent) == (8, 8)
        assert Notification.objects.filter(kind="invitation").count() == 8
        cache.clear()  # this test's keys on its own Redis
