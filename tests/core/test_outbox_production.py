"""With DEBUG off the development outbox does not exist: no page, no stored mail, for anyone."""

import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.mail import send_mail

from mentorship.participants.models import Participant

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
# Static files are not collected here; the manifest storage would fail on the error page.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "testserver",
    "EMAIL_HOST": "",
    "STATIC_MANIFEST": "0",
}
DROPPING = {"default": {"BACKEND": "mentorship.core.mail.DroppingBackend"}}


def test_production_settings_without_a_mail_server_drop_mail_and_serve_no_outbox(tmp_path: Path) -> None:
    # The real settings module, imported fresh with production values; the page is asked for over
    # HTTPS as the production server would see it.
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings; from django.test import Client\n"
        "print(settings.MAILERS['default']['BACKEND'])\n"
        "print(Client().get('/dev/outbox/', secure=True).status_code)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_HOST")}
    env |= PRODUCTION | {"DJANGO_SETTINGS_MODULE": "mentorship.settings", "VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["mentorship.core.mail.DroppingBackend", "404"]


@pytest.mark.parametrize("role", ["anonymous", "employee", "manager", "hr_admin", "superuser"])
def test_the_outbox_is_404_for_every_role_under_production_settings(
    role: str,
    client: Any,
    settings: Any,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    make_person: Callable[..., Participant],
) -> None:
    settings.DEBUG = False
    settings.MAILERS = DROPPING
    settings.MAIL_OUTBOX_DIR = tmp_path
    send_mail("Reset your password", "https://example.com/reset/key/abc", None, ["victim@example.com"])
    if role == "superuser":
        root = make_person("root@example.com")
        root.user.is_superuser = True
        root.user.save()
        client.force_login(root.user)
    elif role != "anonymous":
        fixture = {"employee": "outsider", "manager": "manager", "hr_admin": "hr_admin"}[role]
        client.force_login(request.getfixturevalue(fixture).user)
    response = client.get("/dev/outbox/")
    assert response.status_code == 404
    assert "Reset your password" not in response.content.decode()
    assert list(tmp_path.iterdir()) == []


def test_a_dropped_message_is_logged_without_its_recipient_subject_or_body(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.MAILERS = DROPPING
    with caplog.at_level(logging.DEBUG):
        sent = send_mail("Reset your password", "https://example.com/reset/key/abc", None, ["victim@example.com"])
    assert sent == 0
    assert "1 email(s) dropped: EMAIL_HOST is not set" in caplog.text
    for personal in ("victim", "Reset", "reset/key"):
        assert personal not in caplog.text
