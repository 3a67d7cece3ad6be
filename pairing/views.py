"""Matching pages. HR: runs, review (pin, remove, manual pair, re-solve, publish). Participants:
their proposed partner with "why you two", and self-match suggestions and requests.

HR pages answer 404 to anyone who may not see the program's runs; an HR admin who does not own
the program sees them but gets 403 when acting, as on the program pages. Participants see only
their own proposals and requests (404 otherwise), and never any pair's score breakdown.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.participants.access import participant_or_404
from mentorship.participants.models import org_unit_labels
from mentorship.participants.orgtree import OrgTree
from mentorship.programs.eligibility import units_with_descendants
from mentorship.programs.models import Enrollment, EnrollmentRole, Program, ProgramStatus
from pairing.access import program_for_runs, proposal_for, run_for_hr, self_match_request_for
from pairing.engine.explain_for_pair import why_you_two
from pairing.forms import ManualPairForm, ProposalFilterForm, RequestForm, ResponseForm, RunStartForm
from pairing.models import (
    MatchRun,
    Proposal,
    ProposalStatus,
    RequestStatus,
    RunStatus,
    SelfMatchRequest,
)
from pairing.services import publishing, review, runs, self_match

RUNS_PER_PAGE = 20
PROPOSALS_PER_PAGE = 50
UNMATCHED_PER_PAGE = 50
LEARNING_ROLES = (EnrollmentRole.MENTEE, EnrollmentRole.BOTH)
TEACHING_ROLES = (EnrollmentRole.MENTOR, EnrollmentRole.BOTH)


def _back(request: AuthenticatedHttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@contextmanager
def _reporting(request: AuthenticatedHttpRequest) -> Iterator[None]:
    """Run the block; a ValidationError from a service ends it and becomes error messages."""
    try:
        yield
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)


# --- HR: runs ------------------------------------------------------------------------------------


@login_required
def program_runs(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_for_runs(request, program_id)
    # The same pair count as the run page: every live proposal, kept and hand-made ones included.
    all_runs = (
        MatchRun.objects.filter(program=program)
        .select_related("started_by")
        .annotate(live_pairs=Count("proposals", filter=~Q(proposals__status=ProposalStatus.REMOVED)))
        .order_by("-created_at", "-id")
    )
    page = Paginator(all_runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "pairing/program_runs.html",
        {
            "program": program,
            "page": page,
            "can_run": runs.can_run_matching(request.user, program),
            "matchable": program.status == ProgramStatus.MATCHING,
            "active_run": next((run for run in page.object_list if run.is_active), None),
            "start_form": RunStartForm(),
        },
    )


@require_POST
@login_required
def run_start(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_for_runs(request, program_id, to_change=True)
    form = RunStartForm(request.POST)
    if not form.is_valid():  # a checkbox cannot really fail; a hostile value is a 400
        messages.error(request, "The run options were not understood.")
        return redirect("pairing:program_runs", program.pk)
    with _reporting(request):
        run = runs.match_run_start(
            program=program,
            by=request.user,
            raise_floor=form.cleaned_data["raise_floor"],
        )
        _say_how_it_starts(
            request, run, "Matching", "Matching started. Results appear here as soon as the run finishes."
        )
        return redirect("pairing:run", run.pk)
    return redirect("pairing:program_runs", program.pk)


def _say_how_it_starts(request: AuthenticatedHttpRequest, run: MatchRun, what: str, started: str) -> None:
    """Say whether a worker has the run; with the broker down the run waits, saved, for the
    recovery pass to hand it over."""
    run.refresh_from_db(fields=["enqueued_at"])
    if run.enqueued_at is None:
        messages.warning(
            request, f"{what} queued; it will start as soon as workers are available. This page follows it."
        )
    else:
        messages.success(request, started)


@require_POST
@login_required
def run_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = run_for_hr(request, pk, to_change=True)
    with _reporting(request):
        runs.match_run_cancel(run=run, by=request.user)
        messages.success(request, "Run cancelled. The program is free for a new run.")
    return redirect("pairing:run", run.pk)


@require_POST
@login_required
def run_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = run_for_hr(request, pk, to_change=True)
    with _reporting(request):
        run = runs.match_run_retry(run=run, by=request.user)
        _say_how_it_starts(request, run, "Retry", "Retry started. Results appear here as soon as the run finishes.")
    return redirect("pairing:run", run.pk)


def _filtered_proposals(run: MatchRun, form: ProposalFilterForm) -> QuerySet[Proposal]:
    proposals = run.proposals.select_related(
        "mentor__user", "mentee__user", "mentor__org_unit", "mentee__org_unit"
    ).order_by("-pinned", "-score", "id")
    if not form.is_valid():
        return proposals.exclude(status=ProposalStatus.REMOVED)
    data = form.cleaned_data
    if data.get("status"):
        proposals = proposals.filter(status=data["status"])
    if data.get("score_min") is not None:
        proposals = proposals.filter(score__gte=data["score_min"])
    if data.get("score_max") is not None:
        proposals = proposals.filter(score__lte=data["score_max"])
    if data.get("unit") is not None:
        units = units_with_descendants([data["unit"].pk], OrgTree.load())
        proposals = proposals.filter(Q(mentor__org_unit__in=units) | Q(mentee__org_unit__in=units))
    for word in (data.get("q") or "").split()[:4]:
        proposals = proposals.filter(
            Q(mentor__user__first_name__icontains=word)
            | Q(mentor__user__last_name__icontains=word)
            | Q(mentee__user__first_name__icontains=word)
            | Q(mentee__user__last_name__icontains=word)
        )
    return proposals


def _editable(run: MatchRun, user: Any) -> bool:
    return runs.run_change_refusal(run) is None and runs.can_run_matching(user, run.program)


def _run_context(request: AuthenticatedHttpRequest, run: MatchRun) -> dict[str, Any]:
    context: dict[str, Any] = {
        "run": run,
        "program": run.program,
        "can_cancel": runs.can_cancel_run(request.user, run),
        "can_retry": runs.can_retry_run(request.user, run),
    }
    if run.status != RunStatus.DONE:
        return context
    labels = org_unit_labels()
    form = ProposalFilterForm(request.GET or None, unit_choices=sorted(labels.items(), key=lambda kv: kv[1]))
    proposals = _filtered_proposals(run, form)
    page = Paginator(proposals, PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
    unmatched = run.unmatched.select_related("participant__user").order_by("role", "reason", "participant_id")
    unmatched_page = Paginator(unmatched, UNMATCHED_PER_PAGE).get_page(request.GET.get("upage"))
    declines = (
        Proposal.objects.filter(run__program=run.program, status=ProposalStatus.DECLINED)
        .select_related("mentor__user", "mentee__user", "declined_by__user")
        .order_by("-updated_at")[:50]
    )
    quality = run.quality or {}
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        filter_form=form,
        page=page,
        filter_query=query.urlencode(),
        unmatched_page=unmatched_page,
        declines=declines,
        quality=quality,
        unmatched_by_reason=(quality.get("unmatched") or {}).get("by_reason", {}),
        optimum=quality.get("optimum") or {},
        fairness=quality.get("raise_floor"),
        gap_percent=round(100 * float((quality.get("optimum") or {}).get("gap") or 0), 3),
        kept=quality.get("kept") or {},
        editable=_editable(run, request.user),
        live_count=run.proposals.exclude(status=ProposalStatus.REMOVED).count(),
        publishable_count=publishing.publishable_count(run),
    )
    return context


@login_required
def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = run_for_hr(request, pk)
    context = _run_context(request, run)
    if request.htmx and request.htmx.target == "proposals":
        return render(request, "pairing/run.html#proposals", context)
    return render(request, "pairing/run.html", context)


@login_required
def run_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The polled fragment: progress while the run works, then its results in place."""
    run = run_for_hr(request, pk)
    return render(request, "pairing/run.html#run_body", _run_context(request, run))


def _row_or_back(request: AuthenticatedHttpRequest, run: MatchRun, proposal: Proposal) -> HttpResponse:
    if request.htmx:
        proposal = Proposal.objects.select_related(
            "mentor__user", "mentee__user", "mentor__org_unit", "mentee__org_unit"
        ).get(pk=proposal.pk)
        context = {"proposal": proposal, "run": run, "editable": _editable(run, request.user)}
        return render(request, "pairing/run.html#proposal_row", context)
    return _back(request, reverse("pairing:run", args=[run.pk]))


@require_POST
@login_required
def proposal_pin(request: AuthenticatedHttpRequest, pk: int, proposal_id: int) -> HttpResponse:
    run = run_for_hr(request, pk, to_change=True)
    proposal = get_object_or_404(Proposal, pk=proposal_id, run=run)
    with _reporting(request):
        proposal = review.proposal_pin(
            proposal=proposal,
            pinned=request.POST.get("pinned") == "1",
            by=request.user,
        )
    return _row_or_back(request, run, proposal)


@require_POST
@login_required
def proposal_remove(request: AuthenticatedHttpRequest, pk: int, proposal_id: int) -> HttpResponse:
    run = run_for_hr(request, pk, to_change=True)
    proposal = get_object_or_404(Proposal, pk=proposal_id, run=run)
    with _reporting(request):
        proposal = review.proposal_remove(proposal=proposal, by=request.user)
    return _row_or_back(request, run, proposal)


def _manual_choices(program: Program) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    rows = (
        Enrollment.objects.filter(program=program, withdrawn_at=None)
        .values_list(
            "participant_id",
            "role",
            "participant__user__first_name",
            "participant__user__last_name",
            "participant__user__email",
            "participant__job_title",
        )
        .order_by("participant__user__first_name", "participant__user__last_name", "participant_id")
    )
    general = program.is_general
    mentors, mentees = [], []
    for pid, role, first, last, email, title in rows:
        label = f"{(first + ' ' + last).strip() or email} · {title or 'no title'}"
        if general or role in TEACHING_ROLES:
            mentors.append((pid, label))
        if general or role in LEARNING_ROLES:
            mentees.append((pid, label))
    return mentors, mentees


@login_required
def manual_pair(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = run_for_hr(request, pk, to_change=True)
    if not _editable(run, request.user):
        messages.error(request, "This run can no longer be changed.")
        return redirect("pairing:run", run.pk)
    mentors, mentees = _manual_choices(run.program)
    form = ManualPairForm(request.POST or None, mentors=mentors, mentees=mentees, general=run.program.is_general)
    check = None
    status = 200
    if request.method == "POST" and form.is_valid():
        mentor_id, mentee_id = form.cleaned_data["mentor"], form.cleaned_data["mentee"]
        try:
            check = review.manual_pair_check(run=run, mentor_id=mentor_id, mentee_id=mentee_id)
            if request.POST.get("action") == "save":
                review.proposal_create_manual(
                    run=run,
                    mentor_id=mentor_id,
                    mentee_id=mentee_id,
                    by=request.user,
                    confirm=form.cleaned_data["confirm"],
                )
                messages.success(request, "Pair added to the proposals.")
                return redirect("pairing:run", run.pk)
        except review.ConfirmationRequired:
            form.add_error("confirm", "This pair breaks the rules listed above: tick the box to make it anyway.")
            status = 400
        except ValidationError as error:
            form.add_error(None, error.messages)
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "pairing/manual_pair.html",
        {"run": run, "program": run.program, "form": form, "check": check},
        status=status,
    )


@require_POST
@login_required
def run_resolve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = run_for_hr(request, pk, to_change=True)
    with _reporting(request):
        run = runs.match_run_resolve(run=run, by=request.user)
        _say_how_it_starts(
            request, run, "Re-solve", "Re-solving the rest: pinned and manual pairs are kept, removed pairs stay apart."
        )
    return redirect("pairing:run", run.pk)


@require_http_methods(["GET", "POST"])
@login_required
def run_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: what publishing will do, and the one button that does it. POST: publish."""
    run = run_for_hr(request, pk, to_change=True)
    if request.method == "GET":
        count = publishing.publishable_count(run)
        refusal = runs.run_change_refusal(run) or ("" if count else "There are no pairs to publish.")
        if refusal:
            messages.info(request, refusal)
            return redirect("pairing:run", run.pk)
        return render(
            request,
            "pairing/run_publish.html",
            {"run": run, "program": run.program, "pairs": count, "people": 2 * count},
        )
    with _reporting(request):
        count = publishing.match_run_publish(run=run, by=request.user)
        messages.success(
            request, f"Published {count} pair{'s' if count != 1 else ''}: both people of each pair have been told."
        )
    return redirect("pairing:run", run.pk)


# --- Participants ---------------------------------------------------------------------------------


@login_required
def my_matches(request: AuthenticatedHttpRequest) -> HttpResponse:
    me = participant_or_404(request)
    proposals = (
        Proposal.objects.filter(Q(mentor=me) | Q(mentee=me))
        .exclude(status__in=[ProposalStatus.PROPOSED, ProposalStatus.REMOVED])
        .select_related("run__program", "mentor__user", "mentee__user")
        .order_by("-updated_at")[:50]
    )
    requests_rows = (
        SelfMatchRequest.objects.filter(Q(mentor=me) | Q(mentee=me))
        .select_related("program", "mentor__user", "mentee__user")
        .order_by("-created_at")[:50]
    )
    self_match_programs = Program.objects.filter(
        self_match=True,
        status__in=self_match.SELF_MATCH_STATUSES,
        enrollments__participant=me,
        enrollments__withdrawn_at=None,
        enrollments__role__in=LEARNING_ROLES,
    ).order_by("name")
    rows = [(p, p.mentee if p.mentor_id == me.pk else p.mentor, p.response_of(me)) for p in proposals]
    return render(
        request,
        "pairing/my_matches.html",
        {"rows": rows, "requests": requests_rows, "self_match_programs": self_match_programs, "me": me},
    )


@login_required
def proposal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_for(request, pk)
    return render(request, "pairing/proposal.html", _proposal_context(request, proposal, ResponseForm()))


def _proposal_context(request: AuthenticatedHttpRequest, proposal: Proposal, form: ResponseForm) -> dict[str, Any]:
    me = participant_or_404(request)
    partner = proposal.mentee if proposal.mentor_id == me.pk else proposal.mentor
    why = why_you_two(
        viewer_id=me.pk,
        partner_name=partner.name,
        flows=proposal.flows,
        factors=proposal.factors,
        weights=proposal.run.parameters.get("weights", {}),
        facts=proposal.facts,
    )
    return {
        "proposal": proposal,
        "partner": partner,
        "my_role": "mentor" if proposal.mentor_id == me.pk else "mentee",
        "my_response": proposal.response_of(me),
        "why": why,
        "form": form,
        "mentorship": getattr(proposal, "mentorship", None) if proposal.status == ProposalStatus.ACCEPTED else None,
    }


@require_POST
@login_required
def proposal_respond(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_for(request, pk)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        return render(request, "pairing/proposal.html", _proposal_context(request, proposal, form), status=400)
    try:
        proposal = publishing.proposal_respond(
            proposal=proposal,
            participant=participant_or_404(request),
            accept=form.accepted,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return render(request, "pairing/proposal.html", _proposal_context(request, proposal, form), status=400)
    if proposal.status == ProposalStatus.ACCEPTED:
        messages.success(request, "You both accepted: your mentorship has started.")
        return redirect("mentorships:detail", proposal.mentorship.pk)
    if proposal.status == ProposalStatus.DECLINED:
        messages.success(request, "You declined. You stay in the pool for the next round of matching.")
    else:
        messages.success(request, "You accepted. We will tell you when your partner answers.")
    return redirect("pairing:proposal", proposal.pk)


@login_required
def suggestions(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    me = participant_or_404(request)
    program = get_object_or_404(Program, pk=program_id, enrollments__participant=me, enrollments__withdrawn_at=None)
    problem = self_match.self_match_problem(program, me)
    pending = (
        SelfMatchRequest.objects.filter(program=program, mentee=me, status=RequestStatus.PENDING)
        .select_related("mentor__user")
        .first()
    )
    found = [] if problem or pending else self_match.suggestions_for(program, me)
    cards = [
        (
            suggestion,
            why_you_two(
                viewer_id=me.pk,
                partner_name=suggestion.name,
                flows=[vars(flow) for flow in suggestion.pair.flows],
                factors=suggestion.pair.factors,
                weights=(program.matching or {}).get("weights", {}),
                facts=suggestion.pair.facts,
            ),
        )
        for suggestion in found
    ]
    return render(
        request,
        "pairing/suggestions.html",
        {"program": program, "problem": problem, "pending": pending, "cards": cards, "form": RequestForm()},
    )


@require_POST
@login_required
def request_create(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    me = participant_or_404(request)
    program = get_object_or_404(Program, pk=program_id, enrollments__participant=me, enrollments__withdrawn_at=None)
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of your suggested mentors.")
        return redirect("pairing:suggestions", program.pk)
    with _reporting(request):
        match_request = self_match.self_match_request_create(
            program=program, mentee=me, mentor_id=form.cleaned_data["mentor"], message=form.cleaned_data["message"]
        )
        messages.success(request, f"Request sent to {match_request.mentor.name}.")
        return redirect("pairing:request", match_request.pk)
    return redirect("pairing:suggestions", program.pk)


@login_required
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    match_request = self_match_request_for(request, pk)
    me = participant_or_404(request)
    why = why_you_two(
        viewer_id=me.pk,
        partner_name=(match_request.mentee if match_request.mentor_id == me.pk else match_request.mentor).name,
        flows=match_request.flows,
        factors={},
        weights={},
    )
    return render(
        request,
        "pairing/request.html",
        {
            "match_request": match_request,
            "is_mentor": match_request.mentor_id == me.pk,
            "why": why,
            "form": ResponseForm(),
        },
    )


@require_POST
@login_required
def request_respond(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    match_request = self_match_request_for(request, pk)
    me = participant_or_404(request)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose accept or decline.")
        return redirect("pairing:request", pk)
    with _reporting(request):
        match_request = self_match.self_match_request_respond(
            request=match_request, mentor=me, accept=form.accepted, reason=form.cleaned_data["reason"]
        )
        if match_request.mentorship_id:
            messages.success(request, "Accepted: your mentorship has started.")
            return redirect("mentorships:detail", match_request.mentorship_id)
    return redirect("pairing:request", pk)


@require_POST
@login_required
def request_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    match_request = self_match_request_for(request, pk)
    with _reporting(request):
        self_match.self_match_request_cancel(request=match_request, mentee=participant_or_404(request))
        messages.success(request, "Request withdrawn. You can ask someone else.")
    return redirect("pairing:suggestions", match_request.program_id)
