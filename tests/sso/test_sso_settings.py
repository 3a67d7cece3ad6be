"""SSO-only mode, and identity providers read from the environment."""

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from mentorship.accounts.models import User
from mentorship.participants.models import Participant
from mentorship.sso import config
from tests.conftest import PASSWORD

OIDC_ENV = {
    "SSO_OIDC_PROVIDERS": "okta",
    "SSO_OIDC_OKTA_NAME": "Okta",
    "SSO_OIDC_OKTA_CLIENT_ID": "app",
    "SSO_OIDC_OKTA_SECRET": "s",
    "SSO_OIDC_OKTA_SERVER_URL": "https://acme.okta.example/",
}


@pytest.fixture
def sso_only(settings: Any) -> Any:
    settings.SSO_REQUIRED = True
    settings.SOCIALACCOUNT_PROVIDERS = config.providers(OIDC_ENV)
    return settings


@pytest.mark.django_db
def test_sso_only_mode_hides_password_sign_in_and_sign_up(client: Client, sso_only: Any) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'type="password"' not in page
    assert "Okta" in page and "/accounts/oidc/okta/login/" in page
    assert "sign up" not in page.lower()
    signup = client.get("/accounts/signup/")
    assert "Sign Up Closed" in signup.content.decode()


@pytest.mark.django_db
def test_a_password_is_refused_for_everyone_but_the_break_glass_superuser(
    client: Client, sso_only: Any, outsider: Participant
) -> None:
    assert 'type="password"' in client.get("/accounts/login/?break-glass=1").content.decode()
    response = client.post("/accounts/login/?break-glass=1", {"login": outsider.user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "signs in with single sign-on" in response.content.decode()
    assert "_auth_user_id" not in client.session

    root = User.objects.create_superuser(email="root@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=root, email=root.email, verified=True, primary=True)
    response = client.post("/accounts/login/?break-glass=1", {"login": "root@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == root.pk


@pytest.mark.django_db
def test_without_sso_only_mode_the_password_form_and_idp_buttons_both_show(client: Client, settings: Any) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = config.providers(OIDC_ENV)
    page = client.get("/accounts/login/").content.decode()
    assert 'type="password"' in page and "Okta" in page


def test_several_oidc_providers_and_a_saml_idp_are_read_from_the_environment() -> None:
    env = {
        **OIDC_ENV,
        "SSO_OIDC_PROVIDERS": "okta,entra",
        "SSO_OIDC_ENTRA_CLIENT_ID": "app2",
        "SSO_OIDC_ENTRA_SERVER_URL": "https://login.microsoftonline.example/tenant/v2.0",
        "SSO_SAML_IDPS": "adfs",
        "SSO_SAML_ADFS_ENTITY_ID": "https://adfs.example/adfs/services/trust",
        "SSO_SAML_ADFS_SSO_URL": "https://adfs.example/adfs/ls/",
        "SSO_SAML_ADFS_X509CERT": "MIIC...",
    }
    providers = config.providers(env)
    oidc = providers["openid_connect"]["APPS"]
    assert [(a["provider_id"], a["name"], a["settings"]["server_url"]) for a in oidc] == [
        ("okta", "Okta", "https://acme.okta.example"),
        ("entra", "Entra", "https://login.microsoftonline.example/tenant/v2.0"),
    ]
    saml = providers["saml"]["APPS"][0]
    assert (saml["client_id"], saml["settings"]["idp"]["sso_url"]) == ("adfs", "https://adfs.example/adfs/ls/")
    assert saml["settings"]["advanced"]["want_assertion_signed"] is True
    assert config.form_action_origins(providers, []) == [
        "https://acme.okta.example",
        "https://adfs.example",
        "https://login.microsoftonline.example",
    ]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SSO_OIDC_PROVIDERS": "okta"}, "SSO_OIDC_OKTA_SERVER_URL must be set"),
        ({**OIDC_ENV, "SSO_OIDC_OKTA_SERVER_URL": "ftp://x"}, "must be an http"),
        ({"SSO_OIDC_PROVIDERS": "Bad Id!"}, "not a valid id"),
        ({"SSO_SAML_IDPS": "corp"}, "SSO_SAML_CORP_ENTITY_ID must be set"),
    ],
)
def test_a_broken_idp_setting_stops_start_up_naming_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        config.providers(env)


def test_the_settings_read_idps_from_the_environment_and_sso_only_mode_needs_one() -> None:
    from tests.test_env import _import_settings

    code = "import mentorship.settings as s; print(sorted(s.SOCIALACCOUNT_PROVIDERS), s.SECURE_CSP['form-action'])"
    result = _import_settings(code, **OIDC_ENV, SSO_REQUIRED="1")
    assert result.returncode == 0, result.stderr
    assert "['openid_connect']" in result.stdout and "https://acme.okta.example" in result.stdout
    refused = _import_settings(SSO_REQUIRED="1")
    assert refused.returncode != 0 and "SSO_REQUIRED=1 needs an identity provider" in refused.stderr
