"""OpenID Connect sign-in in Chromium against a real provider on loopback (oidc-provider-mock, an
Authlib-based OpenID provider), through the whole authorization-code flow: the app redirects to
the provider, the person picks an identity there, the provider redirects back with a code, and
the app exchanges it for tokens and reads the ID token and userinfo.

Two IdPs are configured at once, as a company with two directories would have.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from oidc_provider_mock import User as IdpUser
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Page, expect

from mentorship.accounts.models import User
from mentorship.audit.models import Action, AuditEntry
from mentorship.participants.models import Participant
from mentorship.sso import config

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PERSON = IdpUser(
    sub="nia-0001",
    claims={
        "email": "nia.newcomer@example.com",
        "email_verified": True,
        "given_name": "Nia",
        "family_name": "Newcomer",
        "department": "Acme / Engineering / Data",
        "manager_email": "dana.director@example.com",
    },
)
EXISTING = IdpUser(sub="olly-0002", claims={"email": "olly.outsider@example.com", "email_verified": True})
UNVERIFIED = IdpUser(sub="imposter-0003", claims={"email": "jo.junior@example.com", "email_verified": False})


@pytest.fixture(scope="module")
def idps() -> Iterator[dict[str, str]]:
    users = [NEW_PERSON, EXISTING, UNVERIFIED]
    with run_server_in_thread(user_claims=users) as okta, run_server_in_thread(user_claims=users) as entra:
        yield {"okta": f"http://localhost:{okta.server_port}", "entra": f"http://localhost:{entra.server_port}"}


@pytest.fixture
def oidc(settings: Any, idps: dict[str, str]) -> dict[str, str]:
    env = {
        "SSO_OIDC_PROVIDERS": "okta,entra",
        "SSO_OIDC_OKTA_NAME": "Okta (test)",
        "SSO_OIDC_OKTA_CLIENT_ID": "mentorship-app",
        "SSO_OIDC_OKTA_SECRET": "okta-test-secret",
        "SSO_OIDC_OKTA_SERVER_URL": idps["okta"],
        "SSO_OIDC_ENTRA_NAME": "Entra ID (test)",
        "SSO_OIDC_ENTRA_CLIENT_ID": "mentorship-app",
        "SSO_OIDC_ENTRA_SECRET": "entra-test-secret",
        "SSO_OIDC_ENTRA_SERVER_URL": idps["entra"],
    }
    settings.SOCIALACCOUNT_PROVIDERS = config.providers(env)
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": ["'self'", *config.form_action_origins(settings.SOCIALACCOUNT_PROVIDERS, [])],
    }
    return idps


def sign_in_through(page: Page, live_server: Any, provider: str, identity: IdpUser) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("link", name="Entra ID (test)")).to_be_visible()
    page.get_by_role("link", name=provider).click()
    page.get_by_role("button", name="Continue").click()  # allauth asks before leaving the site
    page.get_by_role("button", name=f"Authorize as {identity.sub}").click()  # at the provider


def test_first_sign_in_creates_the_account_and_profile_once(
    page: Page, live_server: Any, oidc: dict[str, str], senior_mentor: Participant
) -> None:
    sign_in_through(page, live_server, "Okta (test)", NEW_PERSON)
    expect(page.get_by_role("heading", name="Step 1 of 3: About you")).to_be_visible()

    user = User.objects.get(email="nia.newcomer@example.com")
    assert (user.first_name, user.last_name) == ("Nia", "Newcomer")
    participant = Participant.objects.select_related("org_unit", "manager").get(user=user)
    assert participant.org_unit is not None and participant.org_unit.name == "Data"
    assert participant.manager == senior_mentor
    assert SocialAccount.objects.filter(user=user, provider="okta", uid="nia-0001").exists()

    page.context.clear_cookies()
    sign_in_through(page, live_server, "Okta (test)", NEW_PERSON)
    expect(page.get_by_role("heading", name="Step 1 of 3: About you")).to_be_visible()
    assert User.objects.filter(email__iexact="nia.newcomer@example.com").count() == 1
    assert AuditEntry.objects.filter(action=Action.SSO_ACCOUNT_CREATED, subject=user).count() == 1


def test_an_existing_verified_account_is_linked_through_the_second_idp(
    page: Page, live_server: Any, oidc: dict[str, str], outsider: Participant
) -> None:
    sign_in_through(page, live_server, "Entra ID (test)", EXISTING)
    expect(page.locator("summary", has_text="Olly")).to_be_visible()  # the account menu: signed in
    assert User.objects.filter(email__iexact=outsider.user.email).count() == 1
    assert SocialAccount.objects.get(provider="entra").user_id == outsider.user.pk
    assert AuditEntry.objects.filter(action=Action.SSO_LINKED, subject=outsider.user).count() == 1


def test_an_unverified_email_matching_an_account_is_refused(
    page: Page, live_server: Any, oidc: dict[str, str], junior_mentor: Participant
) -> None:
    sign_in_through(page, live_server, "Okta (test)", UNVERIFIED)
    expect(page.get_by_role("alert")).to_contain_text("does not confirm that this email address is verified")
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(email__iexact="jo.junior@example.com").count() == 1
