from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mentorship.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # Role changes and deactivations can happen on any path (HR pages, the admin site, an
        # import): receivers on the user model record them wherever they come from.
        from mentorship.audit import receivers  # noqa: F401
