from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "mentorship.sso"
    label = "sso"
    verbose_name = "Single sign-on"
