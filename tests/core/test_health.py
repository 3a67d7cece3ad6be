"""/healthz: the database answers, the broker takes a connection and beat has run recently."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mentorship.celery import app as celery_app
from mentorship.core.models import Heartbeat
from mentorship.core.services import heartbeat_record
from mentorship.core.tasks import heartbeat

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:1/0"


def _health(client):
    response = client.get(reverse("core:healthz"))
    return response.status_code, response.json()


def test_it_is_healthy_with_a_database_a_broker_and_a_fresh_heartbeat(client):
    heartbeat_record()
    status, body = _health(client)
    assert status == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "detail": connection.vendor}
    assert body["checks"]["broker"] == {"ok": True, "detail": "connected"}
    assert body["checks"]["beat"]["ok"] is True
    assert body["checks"]["beat"]["detail"].startswith("last beat 0s ago")


def test_it_answers_without_a_login_and_is_never_cached(client):
    heartbeat_record()
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert "no-cache" in response.headers["Cache-Control"]
    assert response.headers["Content-Type"] == "application/json"


def test_it_answers_even_a_signed_in_person_who_has_not_onboarded(client, make_person):
    heartbeat_record()
    client.force_login(make_person(onboarded_at=None).user)
    assert client.get(reverse("core:healthz")).status_code == 200


def test_it_only_answers_get(client):
    assert client.post(reverse("core:healthz")).status_code == 405


def test_it_is_unhealthy_when_no_heartbeat_was_ever_recorded(client):
    assert not Heartbeat.objects.exists()
    status, body = _health(client)
    assert status == 503
    assert body["status"] == "unhealthy"
    assert body["checks"]["beat"] == {"ok": False, "detail": "no heartbeat recorded yet"}
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


def test_it_is_unhealthy_when_the_heartbeat_is_stale(client):
    heartbeat_record()
    with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=False):
        status, body = _health(client)
    assert status == 503
    assert body["checks"]["beat"] == {"ok": False, "detail": "last beat 600s ago"}
    assert body["checks"]["broker"]["ok"] is True


def test_it_still_counts_a_heartbeat_just_inside_the_limit(client):
    heartbeat_record()
    limit = settings.HEARTBEAT_STALE_AFTER
    with time_machine.travel(timezone.now() + limit - timedelta(seconds=5), tick=False):
        status, body = _health(client)
    assert status == 200
    assert body["checks"]["beat"]["ok"] is True


def test_it_is_unhealthy_quickly_when_the_broker_is_unreachable(client, monkeypatch):
    heartbeat_record()
    monkeypatch.setattr(celery_app.conf, "broker_url", DEAD_BROKER)
    with celery_app.connection_for_write() as conn:
        assert (conn.hostname, conn.port) == ("127.0.0.1", 1)  # the check really aims at the dead port

    started = time.monotonic()
    status, body = _health(client)
    assert time.monotonic() - started < 5
    assert status == 503
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["detail"]  # the kind of failure, for whoever reads the probe
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["beat"]["ok"] is True


def test_the_heartbeat_task_writes_the_row(client):
    assert not Heartbeat.objects.exists()
    result = heartbeat.apply()
    assert result.successful(), result.traceback
    beat = Heartbeat.objects.get()
    assert beat.id == 1
    assert timezone.now() - beat.beat_at < timedelta(seconds=5)
    assert _health(client)[0] == 200


def test_the_heartbeat_keeps_a_single_row(db):
    first = timezone.now() - timedelta(minutes=3)
    heartbeat_record(at=first)
    heartbeat.apply()
    assert Heartbeat.objects.count() == 1
    assert Heartbeat.objects.get().beat_at > first
