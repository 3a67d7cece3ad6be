from celery import shared_task

from mentorship.datarights import services


@shared_task
def data_export_build(export_id: int) -> None:
    """Build a person's data export; a repeated delivery finds it claimed and does nothing."""
    services.data_export_build(export_id=export_id)


@shared_task
def data_exports_recover() -> None:
    services.data_exports_recover()
