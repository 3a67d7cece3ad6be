"""django-allauth's hooks for single sign-on: just-in-time accounts, safe linking, clear errors."""

from typing import Any

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render

from mentorship.accounts.models import User
from mentorship.participants.adapter import AccountAdapter as BaseAccountAdapter
from mentorship.sso import services

# What python3-saml reports, turned into what a person (and their IT desk) can act on.
SAML_REASONS = [
    ("signature", "The identity provider's signature on the sign-in response is not valid."),
    ("expired", "The sign-in response has expired. Sign in again."),
    ("notonorafter", "The sign-in response has expired. Sign in again."),
    ("audience", "The sign-in response was meant for another application (wrong audience)."),
    ("destination", "The sign-in response was sent to another address than this application's."),
    ("issuer", "The sign-in response comes from an identity provider this application does not trust."),
]


def saml_message(reason: str) -> str:
    lowered = reason.lower()
    for needle, message in SAML_REASONS:
        if needle in lowered:
            return message
    return "The identity provider's response could not be accepted."


def _refuse(request: HttpRequest, message: str) -> ImmediateHttpResponse:
    return ImmediateHttpResponse(render(request, "sso/refused.html", {"message": message}, status=403))


def _email_of(sociallogin: SocialLogin) -> tuple[str, bool]:
    """The email the IdP asserts, and whether it vouches that the email is verified."""
    addresses = list(sociallogin.email_addresses)
    email = (sociallogin.user.email if sociallogin.user else "") or (addresses[0].email if addresses else "")
    verified = any(a.verified and a.email.lower() == email.lower() for a in addresses)
    if type(sociallogin.account.get_provider()).id == "saml" and settings.SSO_SAML_EMAIL_VERIFIED:
        verified = True  # the corporate directory behind a SAML IdP is the authority on its emails
    return email.strip(), verified


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # The IdP decides who may sign in, so SSO accounts are made even when sign-up is closed.
        return bool(settings.SSO_JIT)

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """A new IdP identity whose email already has an account: link it when both sides have
        verified that email, refuse otherwise. Never make a second account for one email."""
        if sociallogin.is_existing:
            return
        email, idp_verified = _email_of(sociallogin)
        if not email:
            raise _refuse(request, "Your identity provider did not send an email address, which this app needs.")
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            if not idp_verified:
                # An unverified address could be anyone's: an account made for it would later
                # receive that person's invitations and HR import.
                raise _refuse(
                    request,
                    "Your identity provider does not confirm that your email address is verified, so no "
                    "account can be made for it. Ask your IT team to mark it verified.",
                )
            return  # a new person: allauth signs them up (save_user below)
        if not existing.is_active:
            raise _refuse(request, "This account is deactivated. Ask your HR team.")
        locally_verified = EmailAddress.objects.filter(user=existing, email__iexact=email, verified=True).exists()
        if not idp_verified:
            raise _refuse(
                request,
                f"An account with {email} exists, but your identity provider does not confirm that this email "
                "address is verified, so it cannot be linked. Ask your IT team to mark it verified.",
            )
        if not locally_verified:
            raise _refuse(
                request,
                f"An account with {email} exists but its email address was never confirmed, so single sign-on "
                "cannot be linked to it. Confirm the address from the account first, or ask your HR team.",
            )
        sociallogin.connect(request, existing)  # audited by the receiver in apps.py

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> User:
        user: User = super().save_user(request, sociallogin, form)
        services.sso_account_created(
            user=user, provider=sociallogin.account.get_provider().name, claims=_claims(sociallogin)
        )
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        if extra_context is not None:
            reason = str(extra_context.get("saml_last_error_reason") or "")
            extra_context["sso_message"] = (
                saml_message(reason)
                if "saml_errors" in extra_context
                else "Single sign-on did not complete. Try again, or ask your IT team if it keeps failing."
            )


def _claims(sociallogin: SocialLogin) -> dict[str, Any]:
    data = sociallogin.account.extra_data or {}
    if isinstance(data, dict) and isinstance(data.get("userinfo"), dict):  # allauth keeps OIDC data per source
        return {**(data.get("id_token") or {}), **data["userinfo"]}
    return data if isinstance(data, dict) else {}


class AccountAdapter(BaseAccountAdapter):
    """With SSO_REQUIRED=1, passwords are for the break-glass superuser only."""

    def is_open_for_signup(self, request: HttpRequest | None) -> bool:
        return not settings.SSO_REQUIRED and super().is_open_for_signup(request)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        if user is not None and settings.SSO_REQUIRED and not user.is_superuser:
            raise forms.ValidationError("This organisation signs in with single sign-on. Use your company's button.")
        return user
