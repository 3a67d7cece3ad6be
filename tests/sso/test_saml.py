"""SAML 2.0 sign-in against a real IdP (pysaml2, signing with a key pair made at test time):
a valid response signs in; a bad signature, an expired assertion and a wrong audience are each
refused with a message that says which."""

import base64
import shutil
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.audit.models import Action, AuditEntry
from mentorship.participants.models import Participant
from mentorship.sso import config
from tests.sso.saml_idp import SamlIdp, make_idp

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore:CFB has been moved")


@pytest.fixture(scope="module")
def idp() -> Iterator[SamlIdp]:
    made = make_idp()
    yield made
    shutil.rmtree(made.directory, ignore_errors=True)  # its key pair and certificate


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="testserver")  # browsers always send Host; python3-saml needs it


@pytest.fixture
def saml_settings(settings: Any, idp: SamlIdp) -> Any:
    env = {"SSO_SAML_IDPS": "corp", "SSO_SAML_CORP_NAME": "Corp SSO", "SSO_SAML_CORP_METADATA_XML": idp.metadata_xml}
    settings.SOCIALACCOUNT_PROVIDERS = config.providers(env)
    return settings


def start(client: Client) -> str:
    """Ask the app to sign in through the IdP; the URL it sends the browser to."""
    response = client.post("/accounts/saml/corp/login/", {"process": "login"})
    assert response.status_code == 302, response.content[:500]
    assert response["Location"].startswith("https://idp.example.test/saml/sso?SAMLRequest=")
    return response["Location"]


def finish(client: Client, acs_path: str, data: dict[str, str]) -> Any:
    response = client.post(acs_path, data)
    assert response.status_code == 302  # the ACS stashes the POST and redirects to finish the login
    return client.get(response["Location"])


def sign_in(client: Client, idp: SamlIdp, email: str, **kwargs: Any) -> Any:
    acs_path, data = idp.answer(start(client), email=email, **kwargs)
    return finish(client, acs_path, data)


@pytest.mark.django_db
def test_a_valid_signed_response_creates_the_account_and_profile_once(
    client: Client, idp: SamlIdp, saml_settings: Any, senior_mentor: Participant
) -> None:
    attributes = {
        "givenName": ["Sam"],
        "sn": ["Saml"],
        "department": ["Acme / Engineering / Platform"],
        "manager_email": [senior_mentor.user.email],
    }
    response = sign_in(client, idp, "sam.saml@example.com", attributes=attributes)
    assert response.status_code == 302, response.content[:800]
    user = User.objects.get(email="sam.saml@example.com")
    assert (user.first_name, user.last_name) == ("Sam", "Saml")
    participant = Participant.objects.select_related("org_unit", "manager").get(user=user)
    assert participant.org_unit is not None and participant.org_unit.name == "Platform"
    assert participant.manager == senior_mentor
    assert AuditEntry.objects.filter(action=Action.SSO_ACCOUNT_CREATED, subject=user).count() == 1

    client.logout()
    assert sign_in(client, idp, "sam.saml@example.com", attributes=attributes).status_code == 302
    assert User.objects.filter(email__iexact="sam.saml@example.com").count() == 1
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_an_existing_verified_account_is_linked_not_duplicated(
    client: Client, idp: SamlIdp, saml_settings: Any, outsider: Participant
) -> None:
    response = sign_in(client, idp, outsider.user.email.upper())
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert User.objects.filter(email__iexact=outsider.user.email).count() == 1
    assert int(client.session["_auth_user_id"]) == outsider.user.pk
    assert AuditEntry.objects.filter(action=Action.SSO_LINKED, subject=outsider.user).count() == 1


@pytest.mark.django_db
def test_without_trusting_the_idps_emails_an_unverified_new_address_gets_no_account(
    client: Client, idp: SamlIdp, saml_settings: Any
) -> None:
    saml_settings.SSO_SAML_EMAIL_VERIFIED = False
    response = sign_in(client, idp, "unverified@example.com")
    assert response.status_code == 403
    assert "does not confirm that your email address is verified" in response.content.decode()
    assert not User.objects.filter(email="unverified@example.com").exists()


def _tamper(data: dict[str, str]) -> dict[str, str]:
    xml = base64.b64decode(data["SAMLResponse"]).decode()
    forged = xml.replace("eve@example.com", "ceo@example.com")
    assert forged != xml
    return {**data, "SAMLResponse": base64.b64encode(forged.encode()).decode()}


@pytest.mark.django_db
def test_a_response_with_a_bad_signature_is_refused(client: Client, idp: SamlIdp, saml_settings: Any) -> None:
    acs_path, data = idp.answer(start(client), email="eve@example.com")
    response = finish(client, acs_path, _tamper(data))
    assert response.status_code == 401
    assert "signature on the sign-in response is not valid" in response.content.decode()
    assert not User.objects.filter(email__in=["eve@example.com", "ceo@example.com"]).exists()


@pytest.mark.django_db
def test_an_expired_assertion_is_refused(client: Client, idp: SamlIdp, saml_settings: Any) -> None:
    location = start(client)
    with time_machine.travel(timezone.now() - timedelta(hours=1)):
        acs_path, data = idp.answer(location, email="late@example.com")
    response = finish(client, acs_path, data)
    assert response.status_code == 401
    assert "The sign-in response has expired" in response.content.decode()
    assert not User.objects.filter(email="late@example.com").exists()


@pytest.mark.django_db
def test_a_response_for_another_audience_is_refused(client: Client, idp: SamlIdp, saml_settings: Any) -> None:
    acs_path, data = idp.answer(start(client), email="mallory@example.com", audience="https://other-app.example/saml")
    response = finish(client, acs_path, data)
    assert response.status_code == 401
    assert "meant for another application (wrong audience)" in response.content.decode()
    assert not User.objects.filter(email="mallory@example.com").exists()


def test_idp_metadata_that_is_not_xml_stops_start_up_with_a_clear_error() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="metadata could not be read"):
        config.providers({"SSO_SAML_IDPS": "corp", "SSO_SAML_CORP_METADATA_XML": "<not-metadata"})
