from celery import shared_task

from pairing.services import runs, self_match


@shared_task
def match_run_execute(run_id: int) -> None:
    runs.match_run_execute(run_id=run_id)


@shared_task
def self_match_requests_expire() -> None:
    self_match.self_match_requests_expire()


@shared_task
def match_runs_recover() -> dict[str, int]:
    return runs.match_runs_recover().as_dict()
