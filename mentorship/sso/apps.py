from typing import Any

from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "mentorship.sso"
    label = "sso"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        from allauth.socialaccount.models import SocialLogin
        from allauth.socialaccount.signals import social_account_added

        from mentorship.sso import services

        def linked(sender: Any, request: Any, sociallogin: SocialLogin, **kwargs: Any) -> None:
            # Every link of an IdP identity to an existing account: by matching email at sign-in,
            # or from the account's "third-party accounts" page.
            services.sso_account_linked(user=sociallogin.user, provider=sociallogin.account.get_provider().name)

        social_account_added.connect(linked, dispatch_uid="mentorship-sso-linked")
