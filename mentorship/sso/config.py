"""Identity providers from the environment, as django-allauth's SOCIALACCOUNT_PROVIDERS.

OpenID Connect: `SSO_OIDC_PROVIDERS=okta,entra` names the providers; each one reads
`SSO_OIDC_<ID>_CLIENT_ID`, `_SECRET`, `_SERVER_URL` (the issuer, whose
/.well-known/openid-configuration is read) and `_NAME` (the button's label).

SAML 2.0: `SSO_SAML_IDPS=corp` names the IdPs; each one reads `SSO_SAML_<ID>_NAME`, and either
`_METADATA_URL` (with `_ENTITY_ID`), or `_METADATA_XML` (the metadata document itself), or
`_ENTITY_ID`, `_SSO_URL` and `_X509CERT`. `SSO_SAML_<ID>_SP_ENTITY_ID` fixes the app's own entity
id (by default its metadata URL). Attributes are read by the names in SSO_SAML_ATTRIBUTES below.
"""

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")

# Attribute names IdPs commonly send, per field: plain names, Entra/ADFS claim URIs, and the
# LDAP OIDs that Shibboleth and other SAML 2.0 IdPs use by default.
SAML_ATTRIBUTES: dict[str, list[str]] = {
    "uid": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier",
        "uid",
        "urn:oid:0.9.2342.19200300.100.1.1",
    ],
    "email": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "email",
        "mail",
        "urn:oid:0.9.2342.19200300.100.1.3",
        "urn:oid:1.2.840.113549.1.9.1.1",
    ],
    "email_verified": ["email_verified", "http://schemas.auth0.com/email_verified"],
    "first_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "givenName",
        "first_name",
        "urn:oid:2.5.4.42",
    ],
    "last_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "sn",
        "surname",
        "last_name",
        "urn:oid:2.5.4.4",
    ],
}


def _ids(env: Mapping[str, str], name: str) -> list[str]:
    ids = [item.strip().lower() for item in env.get(name, "").split(",") if item.strip()]
    for provider_id in ids:
        if not _ID.match(provider_id):
            raise ImproperlyConfigured(
                f"{name}: {provider_id!r} is not a valid id (lowercase letters, digits, dashes)."
            )
    if len(set(ids)) != len(ids):
        raise ImproperlyConfigured(f"{name} names a provider twice.")
    return ids


def _need(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set.")
    return value


def _prefix(kind: str, provider_id: str) -> str:
    return f"SSO_{kind}_{provider_id.upper().replace('-', '_')}_"


def oidc_apps(env: Mapping[str, str]) -> list[dict[str, Any]]:
    apps = []
    for provider_id in _ids(env, "SSO_OIDC_PROVIDERS"):
        p = _prefix("OIDC", provider_id)
        server_url = _need(env, p + "SERVER_URL").rstrip("/")
        if not server_url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(f"{p}SERVER_URL must be an http(s) URL.")
        apps.append(
            {
                "provider_id": provider_id,
                "name": env.get(p + "NAME", "").strip() or provider_id.title(),
                "client_id": _need(env, p + "CLIENT_ID"),
                "secret": env.get(p + "SECRET", "").strip(),
                "settings": {"server_url": server_url, "scope": ["openid", "profile", "email"]},
            }
        )
    return apps


def _idp_from_metadata_xml(xml: str, entity_id: str) -> dict[str, str]:
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml, entity_id=entity_id or None)
    except Exception as error:  # lxml and the parser raise a zoo of types on bad XML
        raise ImproperlyConfigured(f"SAML IdP metadata could not be read: {error}") from error
    idp = parsed.get("idp") or {}
    cert = idp.get("x509cert") or (idp.get("x509certMulti", {}).get("signing") or [""])[0]
    sso_url = idp.get("singleSignOnService", {}).get("url", "")
    if not (idp.get("entityId") and cert and sso_url):
        raise ImproperlyConfigured("SAML IdP metadata lacks an entity id, a signing certificate or an SSO URL.")
    return {"entity_id": idp["entityId"], "x509cert": cert, "sso_url": sso_url}


def saml_apps(env: Mapping[str, str]) -> list[dict[str, Any]]:
    apps = []
    for provider_id in _ids(env, "SSO_SAML_IDPS"):
        p = _prefix("SAML", provider_id)
        entity_id = env.get(p + "ENTITY_ID", "").strip()
        if env.get(p + "METADATA_URL", "").strip():
            idp: dict[str, str] = {
                "metadata_url": env[p + "METADATA_URL"].strip(),
                "entity_id": _need(env, p + "ENTITY_ID"),
            }
        elif env.get(p + "METADATA_XML", "").strip():
            idp = _idp_from_metadata_xml(env[p + "METADATA_XML"], entity_id)
        else:
            idp = {
                "entity_id": _need(env, p + "ENTITY_ID"),
                "sso_url": _need(env, p + "SSO_URL"),
                "x509cert": _need(env, p + "X509CERT"),
            }
        settings: dict[str, Any] = {
            "attribute_mapping": SAML_ATTRIBUTES,
            "idp": idp,
            # Responses must be signed, fresh and addressed to us; IdP-initiated logins carry no
            # request of ours to answer, so they are refused.
            "advanced": {
                "strict": True,
                "want_assertion_signed": True,
                "reject_idp_initiated_sso": True,
                "allow_single_label_domains": True,
            },
        }
        if env.get(p + "SP_ENTITY_ID", "").strip():
            settings["sp"] = {"entity_id": env[p + "SP_ENTITY_ID"].strip()}
        apps.append(
            {
                "provider_id": provider_id,
                "name": env.get(p + "NAME", "").strip() or provider_id.upper(),
                # allauth's SAML URLs carry this as the "organization slug": /accounts/saml/<id>/...
                "client_id": provider_id,
                "settings": settings,
            }
        )
    return apps


def providers(env: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """SOCIALACCOUNT_PROVIDERS for the configured IdPs (empty when none is)."""
    result: dict[str, dict[str, Any]] = {}
    if oidc := oidc_apps(env):
        result["openid_connect"] = {"APPS": oidc, "OAUTH_PKCE_ENABLED": True}
    if saml := saml_apps(env):
        result["saml"] = {"APPS": saml}
    return result


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def form_action_origins(providers: Mapping[str, Mapping[str, Any]], extra: list[str]) -> list[str]:
    """Origins the sign-in forms may lead to. The browser enforces CSP form-action on the redirect
    that follows a form's POST, so without the IdPs' origins the "Continue" to the IdP is blocked.
    An IdP whose authorization page lives on another host than its issuer is added with
    SSO_CSP_FORM_ACTION."""
    origins = []
    for app in providers.get("openid_connect", {}).get("APPS", []):
        origins.append(_origin(app["settings"]["server_url"]))
    for app in providers.get("saml", {}).get("APPS", []):
        idp = app["settings"]["idp"]
        origins.append(_origin(idp.get("sso_url") or idp.get("metadata_url", "")))
    origins += [_origin(url) for url in extra]
    return sorted({origin for origin in origins if origin})
