from django.apps import AppConfig


class IcalConfig(AppConfig):
    name = "mentorship.ical"
    label = "ical"
    verbose_name = "Calendar"
