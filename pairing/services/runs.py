"""Match runs: start, run on the worker, store, resolve, cancel, retry and recover; and the one
predicate for whether HR may still change a run."""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mentorship import leases
from mentorship.accounts.models import User
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record
from mentorship.participants.roles import is_hr_admin
from mentorship.programs.models import Program, ProgramStatus
from mentorship.programs.services import can_change_program
from pairing import engine
from pairing.engine.gaps import skill_gaps
from pairing.loading import Pool, load_pool
from pairing.models import (
    ACTIVE_RUN_STATUSES,
    STAGE_PERCENT,
    MatchRun,
    Proposal,
    ProposalSource,
    ProposalStatus,
    RunStage,
    RunStatus,
    UnmatchedPerson,
)

logger = logging.getLogger(__name__)

MATCHABLE_STATUSES = (ProgramStatus.MATCHING,)
BULK_BATCH = 2000
# Runs that ended without results: they never stand in the way of reviewing an earlier run.
UNFINISHED_RUN_STATUSES = (RunStatus.FAILED, RunStatus.CANCELLED)
RUN_ALREADY_ACTIVE = (
    "A match run for this program is already in progress. Wait for it to finish, then look at its results."
)


def can_view_runs(user: Any, program: Program) -> bool:
    """HR admins and the program's owners see its runs (owners must be prefetched or it queries)."""
    return bool(is_hr_admin(user) or any(owner.pk == user.pk for owner in program.owners.all()))


def can_run_matching(user: Any, program: Program) -> bool:
    return bool(is_hr_admin(user) and can_change_program(user, program))


def lock_program(program: Program) -> Program:
    return Program.objects.select_for_update().get(pk=program.pk)


def _not_matchable(program: Program) -> str:
    return (
        f"Matching runs while a program is in its matching phase; this one is {program.get_status_display().lower()}."
    )


def check_matchable(program: Program) -> None:
    if program.status not in MATCHABLE_STATUSES:
        raise ValidationError(_not_matchable(program))


def _create_run(
    *, program: Program, by: User, based_on: MatchRun | None = None, options: dict[str, Any] | None = None
) -> MatchRun:
    """A queued run; the program row must be locked. The constraint catches what the lock cannot
    (a lock-free database such as SQLite under concurrent writers, or a bug elsewhere)."""
    if MatchRun.objects.filter(program=program, status__in=ACTIVE_RUN_STATUSES).exists():
        raise ValidationError(RUN_ALREADY_ACTIVE)
    try:
        with transaction.atomic():
            run = MatchRun.objects.create(
                program=program, started_by=by, based_on=based_on, parameters={"options": dict(options or {})}
            )
    except IntegrityError as error:
        raise ValidationError(RUN_ALREADY_ACTIVE) from error
    audit_record(
        action=Action.MATCH_RUN_STARTED,
        actor=by,
        program=program,
        obj=run,
        summary=f"Re-solve of run {based_on.pk}" if based_on else "",
    )
    _enqueue(run.pk)
    return run


def _enqueue(run_id: int) -> None:
    from pairing import tasks  # tasks import this module

    leases.job_enqueue_on_commit(MatchRun, tasks.match_run_execute, run_id)


@transaction.atomic
def match_run_start(*, program: Program, by: User, raise_floor: bool = False) -> MatchRun:
    """Queue a fresh run over the whole pool; the worker solves it (match_run_execute).

    raise_floor: the fairness option, "raise the weakest pair": the highest floor at which as
    many people still pair, then the best total above it; the run shows the cost in total
    score and the floor gained."""
    program = lock_program(program)
    check_matchable(program)
    return _create_run(program=program, by=by, options={"raise_floor": bool(raise_floor)})


def run_options(run: MatchRun) -> dict[str, Any]:
    """The options HR chose when starting the run (older runs have none)."""
    options = (run.parameters or {}).get("options") or {}
    return {"raise_floor": bool(options.get("raise_floor", False))}


def latest_run(program: Program) -> MatchRun | None:
    return MatchRun.objects.filter(program=program).order_by("-created_at", "-id").first()


def newest_reviewable_run_id(program: Program) -> int | None:
    """The program's newest run that did not end without results: the only one HR may change."""
    return (
        MatchRun.objects.filter(program=program)
        .exclude(status__in=UNFINISHED_RUN_STATUSES)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )


def run_change_refusal(run: MatchRun) -> str | None:
    """Why HR can no longer change this run's pairs, or None while it can: only the program's
    newest run, finished, not yet published, while the program is in its matching phase. The
    services' lock and the review page both ask this, so a button shown is a change allowed."""
    if run.program.status not in MATCHABLE_STATUSES:
        return _not_matchable(run.program)
    if run.status != RunStatus.DONE:
        return "This run has not finished."
    if run.is_published:
        return "This run has been published; start a new run to change the pairs."
    if newest_reviewable_run_id(run.program) != run.pk:
        return "A newer run exists for this program; review that one instead."
    return None


def lock_editable_run(run: MatchRun) -> MatchRun:
    """The run, locked with its program, if HR may still change it (see `run_change_refusal`)."""
    program = lock_program(run.program)
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    run.program = program
    refusal = run_change_refusal(run)
    if refusal:
        raise ValidationError(refusal)
    return run


@transaction.atomic
def match_run_resolve(*, run: MatchRun, by: User) -> MatchRun:
    """Re-solve the rest: a new run keeping this run's pinned and manual pairs; removed pairs stay
    blocked (they are read from the program's removed proposals when the new run loads)."""
    run = lock_editable_run(run)
    kept = list(run.proposals.filter(Q(pinned=True) | Q(source=ProposalSource.MANUAL), status=ProposalStatus.PROPOSED))
    new_run = _create_run(program=run.program, by=by, based_on=run, options=run_options(run))
    Proposal.objects.bulk_create(
        [
            Proposal(
                run=new_run,
                mentor_id=p.mentor_id,
                mentee_id=p.mentee_id,
                score=p.score,
                factors=p.factors,
                flows=p.flows,
                explanation=p.explanation,
                facts=p.facts,
                broken_rules=p.broken_rules,
                source=p.source,
                pinned=True,
            )
            for p in kept
        ]
    )
    return new_run


def flow_dicts(pair: engine.Pair) -> list[dict[str, Any]]:
    return [dataclasses.asdict(flow) for flow in pair.flows]


def new_proposal(run: MatchRun, pair: engine.Pair, **extra: Any) -> Proposal:
    return Proposal(
        run=run,
        mentor_id=pair.mentor_id,
        mentee_id=pair.mentee_id,
        score=pair.score,
        factors=dict(pair.factors),
        flows=flow_dicts(pair),
        explanation=list(pair.explanation),
        facts=dict(pair.facts),
        **extra,
    )


def match_run_execute(*, run_id: int) -> bool:
    """Solve a queued run and store its proposals. True when this call did the work.

    The run is a leased job (mentorship.leases): claimed with a conditional UPDATE that also takes
    over a run whose worker died, renewed by a heartbeat while the engine works, and stored only
    if the lease is still ours, so a duplicate or redelivered task finds nothing to do and a run
    HR cancelled meanwhile stores nothing. Any error marks the run failed with the reason, which
    also frees the program for the next run; HR can retry it.
    """
    token = leases.job_claim(MatchRun, pk=run_id)
    if token is None:
        return False
    try:
        with leases.Heartbeat(MatchRun, pk=run_id, token=token) as heartbeat:
            _progress(run_id, token, RunStage.LOADING)
            run = MatchRun.objects.select_related("program").get(pk=run_id)
            kept = list(run.proposals.values_list("mentor_id", "mentee_id"))
            timings: dict[str, float] = {}
            started = time.perf_counter()
            pool = load_pool(run.program, kept_pairs=kept)
            if run_options(run)["raise_floor"]:
                pool.rules = dataclasses.replace(pool.rules, raise_floor=True)
            timings["load"] = time.perf_counter() - started
            heartbeat.check()
            _progress(run_id, token, RunStage.SCORING)
            solution = engine.solve(pool.mentors, pool.mentees, pool.rules, timings=timings)
            heartbeat.check()
            _progress(run_id, token, RunStage.STORING)
            kept_total = sum(run.proposals.values_list("score", flat=True))
            _store(run, pool, solution, token=token, kept_total=kept_total, timings=timings)
    except leases.LeaseLost:
        logger.warning("Match run %s was cancelled or taken over; its results were not stored", run_id)
        return False
    except Exception as error:
        logger.exception("Match run %s failed", run_id)
        leases.job_fail(MatchRun, pk=run_id, token=token, error=f"{type(error).__name__}: {error}")
        return False
    return True


def _progress(run_id: int, token: str, stage: RunStage) -> None:
    """Record the stage the worker starts: one UPDATE, only while the lease is ours."""
    MatchRun.objects.filter(pk=run_id, lease_token=token).update(
        progress_stage=stage, progress_percent=STAGE_PERCENT[stage]
    )


@transaction.atomic
def _store(
    run: MatchRun,
    pool: Pool,
    solution: engine.Solution,
    *,
    token: str,
    kept_total: float,
    timings: dict[str, float],
) -> None:
    started = time.perf_counter()
    run = leases.fence(MatchRun, pk=run.pk, token=token)
    Proposal.objects.bulk_create([new_proposal(run, pair) for pair in solution.pairs], batch_size=BULK_BATCH)
    UnmatchedPerson.objects.bulk_create(
        [
            UnmatchedPerson(run=run, participant_id=u.person_id, role=u.role, reason=u.reason, text=u.text[:500])
            for u in solution.unmatched
        ],
        batch_size=BULK_BATCH,
    )
    learners = [p for p in pool.mentors if pool.is_general] or pool.mentees
    quality = dict(solution.quality)
    kept = run.proposals.count() - len(solution.pairs)
    quality["kept"] = {"pairs": kept, "total_score": round(kept_total, 3)}
    run.parameters = {**pool.parameters(), "options": run_options(run)}
    run.quality = quality
    run.skill_gaps = skill_gaps(pool.mentors, learners, pool.rules)
    timings["store"] = time.perf_counter() - started
    run.timings = {stage: round(seconds, 3) for stage, seconds in timings.items()}
    run.status = RunStatus.DONE
    run.progress_stage, run.progress_percent = "", 100
    run.finished_at = timezone.now()
    run.lease_token, run.lease_expires_at = "", None
    run.save()


def can_cancel_run(user: Any, run: MatchRun) -> bool:
    return run.is_active and can_run_matching(user, run.program)


def can_retry_run(user: Any, run: MatchRun) -> bool:
    return (
        run.status == RunStatus.FAILED
        and run.program.status in MATCHABLE_STATUSES
        and can_run_matching(user, run.program)
        and not MatchRun.objects.filter(program_id=run.program_id, status__in=ACTIVE_RUN_STATUSES).exists()
    )


@transaction.atomic
def match_run_cancel(*, run: MatchRun, by: User) -> MatchRun:
    """Stop a queued or running run. A worker still solving it stores nothing (its lease is
    gone) and the program is free for the next run at once."""
    lock_program(run.program)
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    if not run.is_active:
        raise ValidationError(f"This run is {run.get_status_display().lower()}: there is nothing to cancel.")
    name = by.get_full_name() or by.email
    run.status = RunStatus.CANCELLED
    run.error = f"Cancelled by {name}."
    run.cancelled_by = by
    run.finished_at = timezone.now()
    run.lease_token, run.lease_expires_at = "", None
    run.save(update_fields=["status", "error", "cancelled_by", "finished_at", "lease_token", "lease_expires_at"])
    return run


@transaction.atomic
def match_run_retry(*, run: MatchRun, by: User) -> MatchRun:
    """Queue a failed run again, as it was (a re-solve keeps its kept pairs), with a fresh
    budget of attempts."""
    program = lock_program(run.program)
    check_matchable(program)
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.FAILED:
        raise ValidationError("Only a failed run can be retried.")
    if MatchRun.objects.filter(program=program, status__in=ACTIVE_RUN_STATUSES).exists():
        raise ValidationError(RUN_ALREADY_ACTIVE)
    run.status, run.error, run.attempts = RunStatus.QUEUED, "", 0
    run.started_at = run.finished_at = run.enqueued_at = None
    run.started_by = by
    try:
        with transaction.atomic():
            run.save(
                update_fields=["status", "error", "attempts", "started_at", "finished_at", "enqueued_at", "started_by"]
            )
    except IntegrityError as error:
        raise ValidationError(RUN_ALREADY_ACTIVE) from error
    _enqueue(run.pk)
    return run


def match_runs_recover() -> leases.Recovered:
    """The periodic pass: runs whose worker died are queued again or failed; lost hand-offs are
    enqueued again (see mentorship.leases.jobs_recover)."""
    from pairing import tasks

    return leases.jobs_recover(MatchRun, task=tasks.match_run_execute)
