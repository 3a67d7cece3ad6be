"""The allauth account adapter: every account has its participant profile from its first moment, and
account emails carry the product's wording and links from SITE_URL. Lives with participants, which it
writes; settings.ACCOUNT_ADAPTER names it (or the single sign-on adapter built on it)."""

from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlsplit

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from mentorship.accounts.models import User
from mentorship.notifications.services import absolute_url
from mentorship.participants import services as participant_services

PRODUCT_NAME = "Mentorship"


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            # Every account has a profile from its first moment; onboarding fills it in.
            participant_services.participant_ensure(user=user)
        return user

    def is_open_for_signup(self, request: HttpRequest | None) -> bool:
        return bool(getattr(settings, "SIGNUP_OPEN", True))

    # Emails: the product's own wording (templates/account/email/) and links from SITE_URL.

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        site = SimpleNamespace(name=PRODUCT_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        extra: dict[str, Any] = {
            "current_site": site,
            "site_url": settings.SITE_URL.rstrip("/"),
            "signup_open": self.is_open_for_signup(context.get("request")),
            "confirmation_days": allauth_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
            "reset_days": max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400)),
        }
        # allauth builds these two links from the request's host; the emails use SITE_URL.
        if template_prefix == "account/email/account_already_exists":
            extra["password_reset_url"] = absolute_url(reverse("account_reset_password"))
        if "signup_url" in context:
            extra["signup_url"] = absolute_url(reverse("account_signup"))
        super().send_mail(template_prefix, email, {**context, **extra})

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))
