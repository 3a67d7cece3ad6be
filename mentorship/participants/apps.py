from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "mentorship.participants"
    label = "participants"
    verbose_name = "People and organisation"
