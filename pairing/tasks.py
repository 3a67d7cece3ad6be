from celery import shared_task

from pairing import services


@shared_task
def match_run_execute(run_id: int) -> None:
    services.match_run_execute(run_id=run_id)


@shared_task
def self_match_requests_expire() -> None:
    services.self_match_requests_expire()


@shared_task
def match_runs_recover() -> dict[str, int]:
    return services.match_runs_recover().as_dict()
