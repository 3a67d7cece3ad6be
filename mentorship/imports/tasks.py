from celery import shared_task

from mentorship.imports import services


@shared_task
def import_run(job_id: int) -> None:
    """Import a confirmed file on a worker; the service makes a repeat delivery harmless."""
    services.import_job_run(job_id=job_id)


@shared_task
def import_jobs_recover() -> dict[str, int]:
    return services.import_jobs_recover().as_dict()
