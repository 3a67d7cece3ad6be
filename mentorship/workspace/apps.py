from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "mentorship.workspace"
    label = "workspace"
    verbose_name = "Pair workspace: goals, sessions, ratings, check-ins"
