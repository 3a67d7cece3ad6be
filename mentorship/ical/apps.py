from django.apps import AppConfig


class IcalConfig(AppConfig):
    name = "mentorship.ical"
    label = "ical"
    verbose_name = "Calendar"

    def ready(self) -> None:
        from mentorship.ical import invitations, services
        from mentorship.notifications import attachments

        for kind in (services.MEETING_PLANNED, services.MEETING_CHANGED, services.MEETING_CANCELLED):
            attachments.register(kind, invitations.meeting_invitation)
