"""A newcomer's way in: sign up, verify, log in, onboard; and the guards around logging in."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from mentorship.accounts.models import User
from mentorship.participants.models import Participant
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


NEW_EMAIL = "nina.newcomer@example.com"


def _login(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _confirm_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_newcomer_signs_up_verifies_logs_in_and_onboards(client, mailoutbox, manager, org):
    response = client.post(
        reverse("account_signup"), {"email": NEW_EMAIL, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email=NEW_EMAIL)
    assert Participant.objects.get(user=user).onboarded_at is None  # the profile exists from the start

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [NEW_EMAIL]
    assert mailoutbox[0].subject.startswith("[Mentorship] ")
    confirm_url = _confirm_link(mailoutbox[0])

    # Unverified, the right password still does not let them in.
    stranger = Client()
    response = _login(stranger, NEW_EMAIL)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    response = stranger.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))

    # Confirming: the GET shows a button, the POST confirms.
    response = stranger.get(confirm_url)
    assert response.status_code == 200
    assert NEW_EMAIL in response.content.decode()
    assert not user.emailaddress_set.get().verified
    response = stranger.post(confirm_url)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified

    # Logged in, they are sent through onboarding before anything else.
    browser = Client()
    response = _login(browser, NEW_EMAIL)
    assert response.status_code == 302
    response = browser.get("/")
    assert response.status_code == 302
    assert response.url == reverse("participants:onboarding", kwargs={"step": 1})
    assert browser.get(response.url).status_code == 200

    step1 = {
        "first_name": "Nina",
        "last_name": "Newcomer",
        "job_title": "Data Analyst",
        "org_unit": org["data"].pk,
        "manager_email": manager.user.email.upper(),
    }
    response = browser.post(reverse("participants:onboarding", kwargs={"step": 1}), step1)
    assert response.status_code == 302
    assert response.url == reverse("participants:onboarding", kwargs={"step": 2})
    step2 = {
        "career_level": "2",
        "years_experience": "3",
        "timezone": "Europe/Lisbon",
        "languages": ["en", "pt"],
        "availability_hours": "6",
    }
    response = browser.post(reverse("participants:onboarding", kwargs={"step": 2}), step2)
    assert response.status_code == 302
    assert response.url == reverse("participants:onboarding", kwargs={"step": 3})
    # Still not onboarded half way through: home sends them back.
    assert browser.get("/").url == reverse("participants:onboarding", kwargs={"step": 1})
    step3 = {"ws_structure": "1", "ws_pace": "2", "ws_feedback": "3", "ws_contact": "4", "ws_focus": "5", "bio": "Hi!"}
    response = browser.post(reverse("participants:onboarding", kwargs={"step": 3}), step3)
    assert response.status_code == 302
    assert response.url == reverse("core:home")

    participant = Participant.objects.select_related("user").get(user=user)
    assert (participant.user.first_name, participant.user.last_name) == ("Nina", "Newcomer")
    assert participant.job_title == "Data Analyst"
    assert participant.org_unit == org["data"]
    assert participant.manager == manager
    assert participant.career_level == 2
    assert participant.years_experience == 3
    assert participant.timezone == "Europe/Lisbon"
    assert participant.languages == ["en", "pt"]
    assert participant.availability_hours == 6
    assert [answer for *_, answer in participant.work_style] == [1, 2, 3, 4, 5]
    assert participant.bio == "Hi!"
    assert participant.onboarded_at is not None

    response = browser.get("/")
    assert response.status_code == 200
    assert "core/home.html" in [t.name for t in response.templates]
    assert "Hello, Nina" in response.content.decode()


def test_an_onboarding_step_with_junk_shows_errors_and_does_not_advance(client, make_person):
    newcomer = make_person(onboarded_at=None)
    client.force_login(newcomer.user)
    response = client.post(
        reverse("participants:onboarding", kwargs={"step": 2}),
        {"career_level": "8", "years_experience": "-1", "timezone": "Mars/Olympus", "availability_hours": "6"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"career_level", "years_experience", "timezone", "languages"}
    newcomer.refresh_from_db()
    assert newcomer.career_level == 3
    assert newcomer.timezone == "Europe/Berlin"


def test_it_refuses_even_the_right_password_after_five_failed_logins(client, outsider):
    email = outsider.user.email
    for _ in range(5):
        response = _login(client, email, "wrong-password-123")
        assert response.status_code == 200
        assert "The email address and/or password you specified are not correct." in response.content.decode()

    response = _login(client, email, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_it_counts_failed_logins_per_email_not_per_person_overall(client, outsider, junior_mentor):
    for _ in range(5):
        _login(client, outsider.user.email, "wrong-password-123")
    response = _login(client, junior_mentor.user.email, PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def _without_per_request_tokens(response) -> str:
    """The page with its CSP nonce and CSRF token blanked: those differ on every response."""
    page = response.content.decode()
    page = re.sub(r'nonce="[^"]+"', 'nonce=""', page)
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", page)


def test_password_reset_answers_the_same_for_unknown_and_known_emails(client, outsider, mailoutbox):
    known = client.post(reverse("account_reset_password"), {"email": outsider.user.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("account_reset_password_done")
    done_known, done_unknown = client.get(known.url), client.get(unknown.url)
    assert done_known.status_code == done_unknown.status_code == 200
    assert _without_per_request_tokens(done_known) == _without_per_request_tokens(done_unknown)

    # allauth (EMAIL_UNKNOWN_ACCOUNTS on by default) tells the unknown address that it has no
    # account, without a reset link; only the real account gets a link.
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {outsider.user.email, "nobody@example.com"}
    assert "/accounts/password/reset/key/" in by_recipient[outsider.user.email].body
    assert "/accounts/password/reset/key/" not in by_recipient["nobody@example.com"].body
    assert not User.objects.filter(email="nobody@example.com").exists()


def test_the_admin_login_sends_visitors_to_the_app_login(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_the_admin_refuses_a_signed_in_colleague_who_is_not_staff(client, outsider):
    client.force_login(outsider.user)
    assert client.get("/admin/login/").status_code == 403


def test_the_admin_welcomes_an_hr_admin(client, hr_admin):
    client.force_login(hr_admin.user)
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_person_can_reach_two_factor_setup(client, outsider):
    assert _login(client, outsider.user.email).status_code == 302
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 200
    assert reverse("mfa_activate_totp") in response.content.decode()

    # Turning on TOTP asks for the password again, even straight after logging in.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    response = client.post(response.url, {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")

    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    totp_url = response.context["totp_url"]
    assert totp_url.startswith("otpauth://totp/olly.outsider%40example.com?")
    assert "issuer=Mentorship" in totp_url
    page = response.content.decode()
    assert "Activate Authenticator App" in page
    assert 'src="data:image/svg+xml;base64,' in page


def test_two_factor_pages_need_a_login(client):
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
