from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "mentorship.imports"
    label = "imports"
    verbose_name = "Employee import"
