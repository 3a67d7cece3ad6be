from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "mentorship.imports"
    label = "imports"
    verbose_name = "Employee import"

    def ready(self) -> None:
        from mentorship.imports import services
        from mentorship.notifications import emails
        from mentorship.notifications.kinds import INVITATION

        emails.register(INVITATION, services.invitation_email)  # the invitation carries a fresh link
