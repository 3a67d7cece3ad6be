from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class DashboardsConfig(AppConfig):
    name = "mentorship.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        # Cache invalidation only (see dashboards.cache): a write to a row the dashboards read
        # starts a new version of the cached figures. No domain logic hangs off these signals.
        from mentorship.dashboards import cache

        for model in cache.watched_models():
            post_save.connect(cache.on_write, sender=model, dispatch_uid=f"dashboards-cache-{model._meta.label}")
            post_delete.connect(cache.on_write, sender=model, dispatch_uid=f"dashboards-cache-{model._meta.label}")
