"""A real SAML 2.0 identity provider for the tests, built with pysaml2 (signing through xmlsec1).

Its key pair is generated when the tests run; nothing secret is committed.
"""

import base64
import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT, saml
from saml2 import xmldsig as ds
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NameID
from saml2.server import Server

IDP_ENTITY_ID = "https://idp.example.test/saml/metadata"
IDP_SSO_URL = "https://idp.example.test/saml/sso"
PASSWORD_PROTECTED = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def key_pair(directory: Path, name: str) -> tuple[Path, Path]:
    """A fresh RSA key and a self-signed certificate for it, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.pem"
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


@dataclass
class SamlIdp:
    server: Server
    metadata_xml: str
    directory: Path

    def answer(
        self,
        redirect_url: str,
        *,
        email: str,
        attributes: dict[str, list[str]] | None = None,
        audience: str | None = None,
    ) -> tuple[str, dict[str, str]]:
        """The signed response to the AuthnRequest in `redirect_url`: (ACS path, POST data)."""
        query = parse_qs(urlsplit(redirect_url).query)
        request = self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT).message
        acs_url = request.assertion_consumer_service_url
        identity = {"email": [email], **(attributes or {})}
        response = self.server.create_authn_response(
            identity=identity,
            in_response_to=request.id,
            destination=acs_url,
            sp_entity_id=audience or request.issuer.text,
            name_id=NameID(format=saml.NAMEID_FORMAT_EMAILADDRESS, text=email),
            userid=email,
            sign_assertion=True,
            sign_response=True,
            authn={"class_ref": PASSWORD_PROTECTED, "authn_auth": IDP_ENTITY_ID},
            sign_alg=ds.SIG_RSA_SHA256,  # the app refuses SHA-1 signatures as deprecated
            digest_alg=ds.DIGEST_SHA256,
        )
        encoded = base64.b64encode(str(response).encode()).decode()
        data = {"SAMLResponse": encoded}
        if "RelayState" in query:
            data["RelayState"] = query["RelayState"][0]
        return urlsplit(acs_url).path, data


class _Server(Server):
    """The app's SP metadata advertises no encryption key, and the wrong-audience test answers an
    SP the IdP has never heard of: neither needs a metadata lookup to decide on encryption."""

    def has_encrypt_cert_in_metadata(self, sp_entity_id: str | None) -> bool:
        return False


def make_idp() -> SamlIdp:
    xmlsec_binary = shutil.which("xmlsec1")
    if xmlsec_binary is None:
        pytest.skip("No xmlsec1 on PATH: install Debian's xmlsec1 package to run the SAML tests.")
    directory = Path(tempfile.mkdtemp(prefix="saml-idp-"))
    key_file, cert_file = key_pair(directory, "idp")
    config: dict[str, Any] = {
        "entityid": IDP_ENTITY_ID,
        "xmlsec_binary": xmlsec_binary,
        "key_file": str(key_file),
        "cert_file": str(cert_file),
        "service": {
            "idp": {
                "endpoints": {"single_sign_on_service": [(IDP_SSO_URL, BINDING_HTTP_REDIRECT)]},
                "name_id_format": [saml.NAMEID_FORMAT_EMAILADDRESS],
                "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None}},
                "want_authn_requests_signed": False,
            }
        },
        "metadata": {},
        "accepted_time_diff": 0,
    }
    conf = IdPConfig()
    conf.load(config)
    server = _Server(config=conf)
    metadata = create_metadata_string(None, config=conf, sign=False)
    text = metadata.decode() if isinstance(metadata, bytes) else metadata
    return SamlIdp(server=server, metadata_xml=text, directory=directory)
