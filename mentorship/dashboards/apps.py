from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "mentorship.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"
