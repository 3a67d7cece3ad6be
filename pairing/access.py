"""The objects of matching a view may show, each to whom it belongs: 404 for everyone else."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.participants.access import participant_or_404
from mentorship.programs.models import Program
from pairing.models import MatchRun, Proposal, ProposalStatus, SelfMatchRequest
from pairing.services import runs


def program_for_runs(request: AuthenticatedHttpRequest, pk: int, *, to_change: bool = False) -> Program:
    """A program whose matching runs this person may see (HR admins and its owners; 404 for
    everyone else); 403 when changing them without being an owning HR admin."""
    program = get_object_or_404(Program.objects.prefetch_related("owners"), pk=pk)
    if not runs.can_view_runs(request.user, program):
        raise Http404("No such program.")
    if to_change and not runs.can_run_matching(request.user, program):
        raise PermissionDenied("Only the program's owners may run matching.")
    return program


def run_for_hr(request: AuthenticatedHttpRequest, pk: int, *, to_change: bool = False) -> MatchRun:
    """A match run, to whoever may see its program's runs (`program_for_runs`)."""
    run = get_object_or_404(MatchRun.objects.select_related("program", "started_by", "published_by"), pk=pk)
    run.program = program_for_runs(request, run.program_id, to_change=to_change)
    return run


def proposal_for(request: AuthenticatedHttpRequest, pk: int) -> Proposal:
    """A published proposal, for its two people only (404 for everyone else, HR included: HR
    reviews proposals on the run page)."""
    me = participant_or_404(request)
    proposal = (
        Proposal.objects.select_related(
            "run__program", "mentor__user", "mentor__org_unit", "mentee__user", "mentee__org_unit"
        )
        .filter(Q(mentor=me) | Q(mentee=me), pk=pk)
        .exclude(status__in=[ProposalStatus.PROPOSED, ProposalStatus.REMOVED])
        .first()
    )
    if proposal is None:
        raise Http404("No such proposal.")
    return proposal


def self_match_request_for(request: AuthenticatedHttpRequest, pk: int) -> SelfMatchRequest:
    """A request to pair up, for its two people only (404 for everyone else)."""
    me = participant_or_404(request)
    found = (
        SelfMatchRequest.objects.select_related("program", "mentor__user", "mentee__user", "mentorship")
        .filter(Q(mentor=me) | Q(mentee=me), pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such request.")
    return found
