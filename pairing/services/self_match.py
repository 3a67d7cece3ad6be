"""Self-match: a mentee asks a mentor of their choice, who accepts or declines; requests expire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.mentorships.services import mentorship_start
from mentorship.notifications.services import notify
from mentorship.participants.models import Participant
from mentorship.programs.models import Program, ProgramStatus
from pairing import engine
from pairing.engine.explain import make_pair
from pairing.engine.rules import broken_rules
from pairing.engine.score import has_skill_flow
from pairing.loading import load_pool
from pairing.models import (
    Proposal,
    ProposalStatus,
    RequestStatus,
    SelfMatchRequest,
)
from pairing.services.runs import flow_dicts, lock_program

SELF_MATCH_STATUSES = (ProgramStatus.MATCHING, ProgramStatus.RUNNING)
DEFAULT_REQUEST_EXPIRY_DAYS = 7
SUGGESTIONS = 5


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
    program = lock_program(program)
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
                flows=flow_dicts(chosen.pair),
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
