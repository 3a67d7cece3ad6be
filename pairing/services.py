"""Every write to match runs, proposals and self-match requests goes through these functions.

This is where the ORM, the engine and enqueueing meet: `loading.load_pool` turns the database into
engine Persons, `engine.solve` pairs them, and the results are stored here in bulk.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mentorship import leases
from mentorship.accounts.models import User
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record
from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.mentorships.services import mentorship_start
from mentorship.notifications.services import notify
from mentorship.participants.models import Participant
from mentorship.participants.roles import is_hr_admin
from mentorship.programs.models import Program, ProgramStatus
from mentorship.programs.services import can_change_program
from pairing import engine
from pairing.engine.explain import make_pair
from pairing.engine.rules import broken_rules
from pairing.engine.score import has_skill_flow
from pairing.gaps import skill_gaps
from pairing.loading import Pool, load_pool
from pairing.models import (
    ACTIVE_RUN_STATUSES,
    MatchRun,
    Proposal,
    ProposalSource,
    ProposalStatus,
    RequestStatus,
    Response,
    RunStatus,
    SelfMatchRequest,
    UnmatchedPerson,
)

logger = logging.getLogger(__name__)

MATCHABLE_STATUSES = (ProgramStatus.MATCHING,)
SELF_MATCH_STATUSES = (ProgramStatus.MATCHING, ProgramStatus.RUNNING)
DEFAULT_REQUEST_EXPIRY_DAYS = 7
SUGGESTIONS = 5
BULK_BATCH = 2000
# Runs that ended without results: they never stand in the way of reviewing an earlier run.
UNFINISHED_RUN_STATUSES = (RunStatus.FAILED, RunStatus.CANCELLED)
RUN_ALREADY_ACTIVE = (
    "A match run for this program is already in progress. Wait for it to finish, then look at its results."
)
# Rule codes -> words HR reads next to a manual pair.
BROKEN_RULE_WORDS = {
    "self": "A person cannot be paired with themselves.",
    "seniority": "The career levels do not go in the direction the program asks for.",
    "reporting_line": "One of them is in the other's reporting line.",
    "same_unit": "They are in the same department, and the program asks for different departments.",
    "language": "They share no language.",
    "working_hours": "Their working hours overlap less than the program asks for.",
    "previously_paired": "They were paired before.",
    "blocked": "This pair was removed or declined earlier in this program.",
    "skills": "Nobody learns anything: the mentor cannot teach a wanted skill at a level clearly ahead.",
    "learning_floor": "The mentor is not far enough ahead in any wanted skill for the program's learning floor.",
}


class ConfirmationRequired(ValidationError):
    """Allowed, but only when HR confirms what it breaks."""


# --- Access --------------------------------------------------------------------------------------


def can_view_runs(user: Any, program: Program) -> bool:
    """HR admins and the program's owners see its runs (owners must be prefetched or it queries)."""
    return bool(is_hr_admin(user) or any(owner.pk == user.pk for owner in program.owners.all()))


def can_run_matching(user: Any, program: Program) -> bool:
    return bool(is_hr_admin(user) and can_change_program(user, program))


# --- Runs ----------------------------------------------------------------------------------------


def _lock_program(program: Program) -> Program:
    return Program.objects.select_for_update().get(pk=program.pk)


def _check_matchable(program: Program) -> None:
    if program.status not in MATCHABLE_STATUSES:
        raise ValidationError(
            "Matching runs while a program is in its matching phase; "
            f"this one is {program.get_status_display().lower()}."
        )


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
    program = _lock_program(program)
    _check_matchable(program)
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


def _lock_editable_run(run: MatchRun) -> MatchRun:
    """The run, if HR may still change it: the program's newest run, done and not yet published."""
    program = _lock_program(run.program)
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    run.program = program
    _check_matchable(program)
    if run.status != RunStatus.DONE:
        raise ValidationError("This run has not finished.")
    if run.is_published:
        raise ValidationError("This run has been published; start a new run to change the pairs.")
    newest = newest_reviewable_run_id(program)
    if newest is not None and newest != run.pk:
        raise ValidationError("A newer run exists for this program; review that one instead.")
    return run


@transaction.atomic
def match_run_resolve(*, run: MatchRun, by: User) -> MatchRun:
    """Re-solve the rest: a new run keeping this run's pinned and manual pairs; removed pairs stay
    blocked (they are read from the program's removed proposals when the new run loads)."""
    run = _lock_editable_run(run)
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


def _flow_dicts(pair: engine.Pair) -> list[dict[str, Any]]:
    return [dataclasses.asdict(flow) for flow in pair.flows]


def _proposal(run: MatchRun, pair: engine.Pair, **extra: Any) -> Proposal:
    return Proposal(
        run=run,
        mentor_id=pair.mentor_id,
        mentee_id=pair.mentee_id,
        score=pair.score,
        factors=dict(pair.factors),
        flows=_flow_dicts(pair),
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
            run = MatchRun.objects.select_related("program").get(pk=run_id)
            kept = list(run.proposals.values_list("mentor_id", "mentee_id"))
            timings: dict[str, float] = {}
            started = time.perf_counter()
            pool = load_pool(run.program, kept_pairs=kept)
            if run_options(run)["raise_floor"]:
                pool.rules = dataclasses.replace(pool.rules, raise_floor=True)
            timings["load"] = time.perf_counter() - started
            heartbeat.check()
            solution = engine.solve(pool.mentors, pool.mentees, pool.rules, timings=timings)
            heartbeat.check()
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
    Proposal.objects.bulk_create([_proposal(run, pair) for pair in solution.pairs], batch_size=BULK_BATCH)
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
    _lock_program(run.program)
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
    program = _lock_program(run.program)
    _check_matchable(program)
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


# --- HR review -----------------------------------------------------------------------------------


def _lock_proposal(proposal: Proposal) -> tuple[MatchRun, Proposal]:
    run = _lock_editable_run(proposal.run)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk, run=run)
    return run, proposal


@transaction.atomic
def proposal_pin(*, proposal: Proposal, pinned: bool, by: User) -> Proposal:
    """A pinned pair is kept as it is when HR re-solves the rest."""
    _, proposal = _lock_proposal(proposal)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError("Only a proposed pair can be pinned.")
    proposal.pinned = pinned
    proposal.save(update_fields=["pinned", "updated_at"])
    audit_record(
        action=Action.PROPOSAL_PINNED if pinned else Action.PROPOSAL_UNPINNED,
        actor=by,
        program=proposal.run.program_id,
        obj=proposal,
    )
    return proposal


@transaction.atomic
def proposal_remove(*, proposal: Proposal, by: User) -> Proposal:
    """Take a pair out; the two are not proposed to each other again in this program."""
    _, proposal = _lock_proposal(proposal)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError("This pair is no longer a proposal.")
    proposal.status = ProposalStatus.REMOVED
    proposal.pinned = False
    proposal.removed_by = by
    proposal.save(update_fields=["status", "pinned", "removed_by", "updated_at"])
    return proposal


@dataclass(frozen=True)
class ManualCheck:
    pair: engine.Pair
    broken: list[str]  # rule codes, "skills" included
    conflicts: list[str]  # reasons the pair cannot be made at all

    @property
    def broken_words(self) -> list[str]:
        return [BROKEN_RULE_WORDS.get(code, code) for code in self.broken]


def manual_pair_check(*, run: MatchRun, mentor_id: int, mentee_id: int) -> ManualCheck:
    """Score and check a pair HR proposes by hand, with the engine's own rules."""
    if mentor_id == mentee_id:
        raise ValidationError("Choose two different people.")
    pool = load_pool(run.program, participant_ids={mentor_id, mentee_id}, count_published=False)
    mentor, mentee = pool.people.get(mentor_id), pool.people.get(mentee_id)
    if mentor is None or mentee is None:
        raise ValidationError("Both people must be enrolled in this program.")
    rules = pool.rules
    pair = make_pair(mentor, mentee, rules)
    if rules.is_general and (pair.mentor_id, pair.mentee_id) != (mentor_id, mentee_id):
        # Keep HR's sides: a manual pair is explained as HR made it.
        pair = dataclasses.replace(pair, mentor_id=mentor_id, mentee_id=mentee_id)
    broken = broken_rules(mentor, mentee, rules)
    if not has_skill_flow(mentor, mentee, rules):
        broken = [code for code in broken if code != "learning_floor"]
        broken.append("skills")
    conflicts = []
    live = run.proposals.exclude(status=ProposalStatus.REMOVED)
    names = pool.members
    if live.filter(
        Q(mentee_id=mentee_id) | Q(mentor_id=mentee_id) if rules.is_general else Q(mentee_id=mentee_id)
    ).exists():
        conflicts.append(f"{names[mentee_id].name} is already in a pair in this run: remove that pair first.")
    mentor_pairs = live.filter(
        Q(mentor_id=mentor_id) | Q(mentee_id=mentor_id) if rules.is_general else Q(mentor_id=mentor_id)
    ).count()
    capacity = 1 if rules.is_general else names[mentor_id].capacity
    if mentor_pairs >= capacity:
        conflicts.append(
            f"{names[mentor_id].name} already has {mentor_pairs} pair{'s' if mentor_pairs != 1 else ''} in this run, "
            f"their capacity: remove one first."
        )
    if Mentorship.objects.filter(program=run.program, mentee_id=mentee_id, status=MentorshipStatus.ACTIVE).exists():
        conflicts.append(f"{names[mentee_id].name} already has an active mentorship in this program.")
    return ManualCheck(pair=pair, broken=broken, conflicts=conflicts)


@transaction.atomic
def proposal_create_manual(
    *, run: MatchRun, mentor_id: int, mentee_id: int, by: User, confirm: bool = False
) -> Proposal:
    """A pair made by HR. Breaking a hard rule needs `confirm`; the broken rules are recorded."""
    run = _lock_editable_run(run)
    check = manual_pair_check(run=run, mentor_id=mentor_id, mentee_id=mentee_id)
    if check.conflicts:
        raise ValidationError(check.conflicts)
    if check.broken and not confirm:
        raise ConfirmationRequired(
            ["This pair breaks the program's rules:", *check.broken_words, "Confirm to make the pair anyway."]
        )
    proposal = _proposal(run, check.pair, source=ProposalSource.MANUAL, broken_rules=check.broken)
    proposal.save()
    audit_record(
        action=Action.MANUAL_PAIR,
        actor=by,
        program=run.program_id,
        obj=proposal,
        summary=f"Participants {mentor_id} (mentor) and {mentee_id} (mentee)",
        changes={"Broken rules": ["", ", ".join(check.broken)]} if check.broken else None,
    )
    return proposal


# --- Publishing and answers ----------------------------------------------------------------------


def _proposal_url(proposal: Proposal) -> str:
    return reverse("pairing:proposal", args=[proposal.pk])


@transaction.atomic
def match_run_publish(*, run: MatchRun, by: User) -> int:
    """Show every live pair to its two people and tell them (in the app and by email).

    Returns the number of pairs published. Emails leave after commit, one task per notification.
    """
    run = _lock_editable_run(run)
    proposals = list(
        run.proposals.filter(status=ProposalStatus.PROPOSED).select_related("mentor__user", "mentee__user")
    )
    if not proposals:
        raise ValidationError("There are no pairs to publish.")
    Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(
        status=ProposalStatus.PUBLISHED, updated_at=timezone.now()
    )
    run.published_at = timezone.now()
    run.published_by = by
    run.save(update_fields=["published_at", "published_by"])
    audit_record(
        action=Action.MATCH_RUN_PUBLISHED, actor=by, program=run.program_id, obj=run, summary=f"{len(proposals)} pairs"
    )
    program = run.program
    for proposal in proposals:
        url = _proposal_url(proposal)
        for person, partner, role in (
            (proposal.mentor, proposal.mentee, "mentor"),
            (proposal.mentee, proposal.mentor, "mentee"),
        ):
            notify(
                recipient=person.user,
                kind="match_proposed",
                title=f"You have a match in {program.name}",
                body=(
                    f"We propose {partner.name} as your {'mentee' if role == 'mentor' else 'mentor'}. "
                    "See why you two fit, then accept or decline."
                ),
                url=url,
                dedupe_key=f"proposal:{proposal.pk}:published:{person.pk}",
            )
    return len(proposals)


@transaction.atomic
def proposal_respond(*, proposal: Proposal, participant: Participant, accept: bool, reason: str = "") -> Proposal:
    """Accept or decline a published proposal. Both accept: an active mentorship. One declines:
    both go back to the pool for the next run, and HR sees the decline in the review."""
    proposal = Proposal.objects.select_for_update().select_related("run__program").get(pk=proposal.pk)
    if participant.pk not in (proposal.mentor_id, proposal.mentee_id):
        raise ValidationError("This proposal is not yours.")
    if proposal.status != ProposalStatus.PUBLISHED:
        raise ValidationError(f"This proposal is no longer open ({proposal.get_status_display().lower()}).")
    field = "mentor_response" if participant.pk == proposal.mentor_id else "mentee_response"
    if getattr(proposal, field) != Response.PENDING:
        raise ValidationError("You have already answered.")
    program = proposal.run.program
    partner = Participant.objects.select_related("user").get(
        pk=proposal.mentee_id if participant.pk == proposal.mentor_id else proposal.mentor_id
    )
    if not accept:
        setattr(proposal, field, Response.DECLINED)
        proposal.status = ProposalStatus.DECLINED
        proposal.declined_by = participant
        proposal.decline_reason = reason.strip()[:500]
        proposal.save()
        notify(
            recipient=partner.user,
            kind="match_declined",
            title=f"Your proposed match in {program.name} will not go ahead",
            body="Your proposed partner declined. You stay in the pool and HR will propose someone else.",
            url=reverse("pairing:my_matches"),
            dedupe_key=f"proposal:{proposal.pk}:declined:{partner.pk}",
        )
        return proposal
    setattr(proposal, field, Response.ACCEPTED)
    if proposal.mentor_response == Response.ACCEPTED and proposal.mentee_response == Response.ACCEPTED:
        mentorship = mentorship_start(
            program=program, mentor=proposal.mentor, mentee=proposal.mentee, proposal_id=proposal.pk
        )
        proposal.status = ProposalStatus.ACCEPTED
        url = reverse("mentorships:detail", args=[mentorship.pk])
        for person in (participant, partner):
            notify(
                recipient=person.user,
                kind="mentorship_started",
                title=f"Your mentorship in {program.name} has started",
                body="You both accepted. Agree your first session and your goals.",
                url=url,
                dedupe_key=f"mentorship:{mentorship.pk}:started:{person.pk}",
            )
    proposal.save()
    return proposal


# --- Self-match ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    partner_id: int
    name: str
    job_title: str
    pair: engine.Pair


def request_expiry_days(program: Program) -> int:
    days = (program.matching or {}).get("request_expiry_days", DEFAULT_REQUEST_EXPIRY_DAYS)
    return max(1, int(days or DEFAULT_REQUEST_EXPIRY_DAYS))


def self_match_problem(program: Program, participant: Participant) -> str | None:
    """Why this person cannot pick a mentor themselves now; None when they can."""
    if not program.self_match:
        return "This program does not let mentees choose their mentor."
    if program.status not in SELF_MATCH_STATUSES:
        return "Mentors can be chosen once enrollment has closed."
    if not program.enrollments.filter(participant=participant, withdrawn_at=None, role__in=["mentee", "both"]).exists():
        return "You are not enrolled as a mentee in this program."
    if Mentorship.objects.filter(program=program, mentee=participant, status=MentorshipStatus.ACTIVE).exists():
        return "You already have a mentor in this program."
    if Proposal.objects.filter(run__program=program, mentee=participant, status=ProposalStatus.PUBLISHED).exists():
        return "HR has proposed a mentor for you: answer that proposal first."
    return None


def suggestions_for(program: Program, participant: Participant, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """The best allowed partners for one mentee, scored and explained by the engine."""
    pool = load_pool(program, learner_ids={participant.pk})
    me = pool.people.get(participant.pk)
    if me is None:
        return []
    rules = pool.rules
    found = []
    for other in pool.mentors:
        if other.id == participant.pk or other.capacity <= 0:
            continue
        if broken_rules(other, me, rules) or not has_skill_flow(other, me, rules):
            continue
        pair = make_pair(other, me, rules)
        member = pool.members[other.id]
        found.append(Suggestion(other.id, member.name, member.job_title, pair))
    found.sort(key=lambda s: (-s.pair.score, s.partner_id))
    return found[:limit]


def _expire_stale(program: Program, mentee: Participant) -> None:
    SelfMatchRequest.objects.filter(
        program=program, mentee=mentee, status=RequestStatus.PENDING, expires_at__lte=timezone.now()
    ).update(status=RequestStatus.EXPIRED)


@transaction.atomic
def self_match_request_create(
    *, program: Program, mentee: Participant, mentor_id: int, message: str = ""
) -> SelfMatchRequest:
    """Ask one of your suggested mentors; they have `request_expiry_days` to answer."""
    program = _lock_program(program)
    problem = self_match_problem(program, mentee)
    if problem:
        raise ValidationError(problem)
    _expire_stale(program, mentee)
    if SelfMatchRequest.objects.filter(program=program, mentee=mentee, status=RequestStatus.PENDING).exists():
        raise ValidationError("You already have a request waiting for an answer; withdraw it to ask someone else.")
    chosen = next((s for s in suggestions_for(program, mentee) if s.partner_id == mentor_id), None)
    if chosen is None:
        raise ValidationError("Choose one of your suggested mentors.")
    try:
        with transaction.atomic():
            request = SelfMatchRequest.objects.create(
                program=program,
                mentee=mentee,
                mentor_id=mentor_id,
                score=chosen.pair.score,
                flows=_flow_dicts(chosen.pair),
                explanation=list(chosen.pair.explanation),
                message=message.strip()[:500],
                expires_at=timezone.now() + timedelta(days=request_expiry_days(program)),
            )
    except IntegrityError as error:
        raise ValidationError("You already have a request waiting for an answer.") from error
    mentor = Participant.objects.select_related("user").get(pk=mentor_id)
    notify(
        recipient=mentor.user,
        kind="match_request",
        title=f"{mentee.name} would like you as their mentor in {program.name}",
        body=f"Please accept or decline by {request.expires_at:%d %B %Y}.",
        url=reverse("pairing:request", args=[request.pk]),
        dedupe_key=f"request:{request.pk}:created",
    )
    return request


def _expire_if_due(request_id: int) -> None:
    # Its own transaction: the expiry stands even when the answer that found it is refused.
    with transaction.atomic():
        SelfMatchRequest.objects.filter(
            pk=request_id, status=RequestStatus.PENDING, expires_at__lte=timezone.now()
        ).update(status=RequestStatus.EXPIRED)


def _lock_request(request: SelfMatchRequest) -> SelfMatchRequest:
    return SelfMatchRequest.objects.select_for_update().select_related("program").get(pk=request.pk)


def self_match_request_respond(
    *, request: SelfMatchRequest, mentor: Participant, accept: bool, reason: str = ""
) -> SelfMatchRequest:
    """The mentor's answer. Accepting starts the mentorship (capacity checked under lock)."""
    _expire_if_due(request.pk)
    with transaction.atomic():
        return _respond(request=request, mentor=mentor, accept=accept, reason=reason)


def _respond(*, request: SelfMatchRequest, mentor: Participant, accept: bool, reason: str) -> SelfMatchRequest:
    request = _lock_request(request)
    if request.mentor_id != mentor.pk:
        raise ValidationError("This request is not addressed to you.")
    if request.status != RequestStatus.PENDING:
        raise ValidationError(f"This request is no longer open ({request.get_status_display().lower()}).")
    request.responded_at = timezone.now()
    mentee = Participant.objects.select_related("user").get(pk=request.mentee_id)
    if accept:
        request.mentorship = mentorship_start(program=request.program, mentor=mentor, mentee=mentee)
        request.status = RequestStatus.ACCEPTED
        title, url = (
            f"{mentor.name} accepted: your mentorship in {request.program.name} has started",
            reverse("mentorships:detail", args=[request.mentorship.pk]),
        )
    else:
        request.status = RequestStatus.DECLINED
        request.decline_reason = reason.strip()[:500]
        title, url = (
            f"{mentor.name} cannot be your mentor in {request.program.name}",
            reverse("pairing:suggestions", args=[request.program_id]),
        )
    request.save()
    notify(
        recipient=mentee.user,
        kind=f"match_request_{request.status}",
        title=title,
        body="" if accept else "Choose another of your suggestions.",
        url=url,
        dedupe_key=f"request:{request.pk}:{request.status}",
    )
    return request


@transaction.atomic
def self_match_request_cancel(*, request: SelfMatchRequest, mentee: Participant) -> SelfMatchRequest:
    _expire_if_due(request.pk)
    request = _lock_request(request)
    if request.mentee_id != mentee.pk:
        raise ValidationError("This request is not yours.")
    if request.status != RequestStatus.PENDING:
        raise ValidationError("This request is no longer open.")
    request.status = RequestStatus.CANCELLED
    request.save(update_fields=["status"])
    return request


@transaction.atomic
def self_match_requests_expire() -> int:
    """Expire every pending request past its date and tell the mentee (run by a periodic task)."""
    stale = list(
        SelfMatchRequest.objects.select_for_update()
        .filter(status=RequestStatus.PENDING, expires_at__lte=timezone.now())
        .select_related("program", "mentee__user", "mentor__user")
    )
    SelfMatchRequest.objects.filter(pk__in=[r.pk for r in stale]).update(status=RequestStatus.EXPIRED)
    for request in stale:
        notify(
            recipient=request.mentee.user,
            kind="match_request_expired",
            title=f"{request.mentor.name} did not answer in time",
            body="Your request has expired. Choose another of your suggestions.",
            url=reverse("pairing:suggestions", args=[request.program_id]),
            dedupe_key=f"request:{request.pk}:expired",
        )
    return len(stale)
