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


STOCK = ("Hello from", "Thank you for using", "example.com!", "127.0.0.1", "testserver", "programme")


def _html(mail) -> str:
    """The HTML alternative of a message (every product email has one, like the notifications)."""
    (html, mimetype), *_ = mail.alternatives
    assert mimetype == "text/html"
    return html


def _assert_in_the_product_voice(mail) -> None:
    for text in (mail.subject, mail.body, _html(mail)):
        for stock in STOCK:
            assert stock not in text, (stock, text)
    assert mail.subject.startswith("[Mentorship] ")
    assert "Mentorship: colleagues pairing up to learn from each other" in mail.body
    assert mail.body.rstrip().endswith(SITE)  # the footer names the product and the site
    assert f'href="{SITE}"' in _html(mail)


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
    assert mail.to == ["nina@example.com"]
    assert mail.subject == "[Mentorship] Confirm your email address to start mentoring"
    assert "Welcome to Mentorship" in mail.body
    assert "What happens next:" in mail.body and "it works for 3 days" in mail.body
    assert "fill in your profile" in mail.body and "join a mentoring program" in mail.body
    _assert_in_the_product_voice(mail)
    link = re.search(rf"{re.escape(SITE)}(/accounts/confirm-email/\S+/)", mail.body).group(1)
    assert f'href="{SITE}{link}"' in _html(mail)
    assert ">Confirm my email address</a>" in _html(mail)
    assert client.get(link).status_code == 200  # the link is a real page
    response = client.post(link)
    assert response.status_code == 302  # confirmed, signed in, on to onboarding


def test_the_password_email_links_to_site_url(client: Client, mailoutbox, settings, outsider) -> None:
    settings.SITE_URL = SITE
    client.post(reverse("account_reset_password"), {"email": outsider.user.email}, HTTP_HOST="127.0.0.1")
    (mail,) = mailoutbox
    assert mail.subject == "[Mentorship] Choose a new password"
    assert f"Hello {outsider.user.first_name}," in mail.body
    assert "The link works once, for 3 days." in mail.body
    assert "If you did not ask, ignore this email" in mail.body
    _assert_in_the_product_voice(mail)
    link = re.search(rf"{re.escape(SITE)}(/accounts/password/reset/key/\S+/)", mail.body).group(1)
    assert f'href="{SITE}{link}"' in _html(mail)
    assert client.get(link, follow=True).status_code == 200  # the key page takes it


def test_signing_up_again_tells_the_owner_how_to_get_back_in(client: Client, mailoutbox, settings, outsider) -> None:
    settings.SITE_URL = SITE
    client.post(
        reverse("account_signup"),
        {"email": outsider.user.email, "password1": PASSWORD, "password2": PASSWORD},
        HTTP_HOST="127.0.0.1",
    )
    (mail,) = mailoutbox  # prevent-enumeration: the page says "check your email" either way
    assert mail.subject == "[Mentorship] You already have a Mentorship account"
    assert "no new one was made" in mail.body
    assert f"{SITE}/accounts/password/reset/\n" in mail.body  # allauth would use the request's host
    assert f'href="{SITE}/accounts/password/reset/"' in _html(mail)
    _assert_in_the_product_voice(mail)


def test_a_reset_for_an_unknown_address_offers_sign_up_when_it_is_open(client: Client, mailoutbox, settings) -> None:
    settings.SITE_URL = SITE
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"}, HTTP_HOST="127.0.0.1")
    (mail,) = mailoutbox
    assert mail.subject == "[Mentorship] No Mentorship account uses this address"
    assert "no account uses this address" in mail.body
    assert f"{SITE}/accounts/signup/" in mail.body
    assert f'href="{SITE}/accounts/signup/"' in _html(mail)
    _assert_in_the_product_voice(mail)


def test_a_reset_for_an_unknown_address_points_to_hr_when_sign_up_is_closed(
    client: Client, mailoutbox, settings
) -> None:
    settings.SITE_URL = SITE
    settings.SIGNUP_OPEN = False
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"}, HTTP_HOST="127.0.0.1")
    (mail,) = mailoutbox
    assert "through their HR team" in mail.body and "through their HR team" in _html(mail)
    assert "/accounts/signup/" not in mail.body + _html(mail)  # no link to a closed door


def test_the_invitation_links_to_site_url(mailoutbox, settings, django_capture_on_commit_callbacks, hr_admin) -> None:
    settings.SITE_URL = SITE
    csv = make_csv([person_row("n@example.com", first="Nia")])
    job = import_services.import_job_create(file_name="a.csv", content=csv, by=hr_admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        import_services.import_job_confirm(job=job, invite=True)
    assert deliver_invitations() == 1  # what the email workers do with the invitation rows
    (mail,) = mailoutbox
    inviter = hr_admin.user.get_full_name() or hr_admin.user.email
    assert mail.subject == f"[Mentorship] {inviter} invited you to Mentorship"
    assert mail.body.startswith("Hello Nia,")
    assert f"{inviter} has added you to Mentorship" in mail.body
    assert "What happens next:" in mail.body and "The link works once, for 3 days." in mail.body
    link = re.search(rf"{re.escape(SITE)}/accounts/password/reset/key/\S+/", mail.body).group(0)
    assert f'href="{link}"' in _html(mail) and ">Choose your password</a>" in _html(mail)
    _assert_in_the_product_voice(mail)


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
