"""Emails name the site, not the host: the product's own wording, and links built from SITE_URL
whatever host the request came in on."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from mentorship.imports import services as import_services
from tests.conftest import PASSWORD
from tests.imports.conftest import deliver_invitations, make_csv, person_row

pytestmark = pytest.mark.django_db
SITE = "https://mentoring.example.org"


def test_the_verification_email_speaks_for_the_product_and_links_to_site_url(
    client: Client, mailoutbox, settings
) -> None:
    settings.SITE_URL = SITE
    client.post(
        reverse("account_signup"),
        {"email": "nina@example.com", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_HOST="127.0.0.1",
    )
    (mail,) = mailoutbox
    assert mail.subject == "[Mentorship] Confirm your email address to start mentoring"
    assert "Welcome to Mentorship." in mail.body
    assert re.search(rf"{re.escape(SITE)}/accounts/confirm-email/\S+/", mail.body)
    assert "127.0.0.1" not in mail.body and "testserver" not in mail.body
    link = re.search(rf"{re.escape(SITE)}(/accounts/confirm-email/\S+/)", mail.body).group(1)
    assert client.get(link).status_code == 200  # the link is a real page


def test_the_password_email_links_to_site_url(client: Client, mailoutbox, settings, outsider) -> None:
    settings.SITE_URL = SITE
    client.post(reverse("account_reset_password"), {"email": outsider.user.email}, HTTP_HOST="127.0.0.1")
    (mail,) = mailoutbox
    assert mail.subject == "[Mentorship] Choose a new password"
    assert f"{SITE}/accounts/password/reset/key/" in mail.body
    assert "127.0.0.1" not in mail.body


def test_the_invitation_links_to_site_url(mailoutbox, settings, django_capture_on_commit_callbacks) -> None:
    settings.SITE_URL = SITE
    job = import_services.import_job_create(file_name="a.csv", content=make_csv([person_row("n@example.com")]), by=None)
    with django_capture_on_commit_callbacks(execute=True):
        import_services.import_job_confirm(job=job, invite=True)
    assert deliver_invitations() == 1  # what the email workers do with the invitation rows
    (mail,) = mailoutbox
    assert f"{SITE}/accounts/password/reset/key/" in mail.body
    assert "added you to Mentorship" in mail.body


def test_the_start_script_points_site_url_at_its_port() -> None:
    script = Path(__file__).resolve().parents[2] / "scripts" / "start.py"
    code = (
        "import sys, os; sys.path.insert(0, 'scripts'); import start;"
        "print(start.site_url_for(8123, {}), start.site_url_for(8123, {'SITE_URL': 'https://x.example'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=script.parents[1], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["http://127.0.0.1:8123", "https://x.example"]
