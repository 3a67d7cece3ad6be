"""Program pages: HR configures and runs programs; employees see what is open to them and enroll.

HR pages answer 404 to anyone who is not an HR admin, so their existence does not leak. An HR admin
who does not own a program may look at it but gets the 403 page when trying to change it: they can
see it exists, so a 404 would only confuse.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.core.forms import add_service_errors, choice_field
from mentorship.participants.access import hr_admin_required, participant_or_404
from mentorship.participants.models import CareerLevel, Participant, org_unit_labels
from mentorship.programs import defaults, queries, services
from mentorship.programs.access import program_for_hr
from mentorship.programs.eligibility import programs_open_to
from mentorship.programs.forms import EnrollmentForm, ProgramForm, TransitionForm
from mentorship.programs.models import Enrollment, EnrollmentRole, Program, ProgramEvent, ProgramStatus
from skills.models import Skill, SkillCategory

PROGRAMS_PER_PAGE = 20
PEOPLE_PER_PAGE = 25
EVENTS_ON_DETAIL = 10
EVENTS_PER_PAGE = 30


# --- Access --------------------------------------------------------------------------------------


def _explain(program: Program) -> Program:
    program.kind_explanation = defaults.KIND_EXPLANATIONS[program.kind]  # type: ignore[attr-defined]  # a display attribute for the template
    return program


# --- HR: programs --------------------------------------------------------------------------------


@hr_admin_required
def hr_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    programs = Program.objects.annotate(**queries.role_counts_annotation()).order_by("-created_at", "id")
    if status in ProgramStatus.values:
        programs = programs.filter(status=status)
    else:
        status = ""
    page = Paginator(programs, PROGRAMS_PER_PAGE).get_page(request.GET.get("page"))
    owned = set(request.user.owned_programs.values_list("id", flat=True))
    return render(
        request,
        "programs/hr_list.html",
        {"page": page, "status": status, "statuses": ProgramStatus.choices, "owned": owned},
    )


@hr_admin_required
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(data=form.program_data(), by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{program.name}” created as a draft.")
            return redirect("programs:detail", pk=program.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/form.html", {"form": form, "program": None}, status=status)


@login_required
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = program_for_hr(request, pk, to_change=True)
    if program.status == ProgramStatus.CLOSED:
        messages.error(request, "A closed program can no longer be edited.")
        return redirect("programs:detail", pk=program.pk)
    form = ProgramForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(program=program, data=form.program_data(), by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Program saved.")
            return redirect("programs:detail", pk=program.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/form.html", {"form": form, "program": program}, status=status)


def _rules_for_display(program: Program) -> tuple[list[tuple[str, str]], list[tuple[str, int]], list[tuple[str, str]]]:
    rules = services.complete_matching(program.kind, program.matching)
    reminders = services.complete_reminders(program.reminders)

    def readable(value: Any) -> str:
        return ("Yes" if value else "No") if isinstance(value, bool) else str(value)

    return (
        [(label, readable(rules[key])) for key, label in services.MATCHING_LABELS.items()],
        [(defaults.WEIGHT_NAMES[key], weight) for key, weight in rules["weights"].items()],
        [(label, readable(reminders[key])) for key, label in services.REMINDER_LABELS.items()],
    )


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = program_for_hr(request, pk)
    prefetch_related_objects([program], "focus_skills", "eligible_units")
    unit_labels = org_unit_labels() if program.eligible_units.all() else {}
    rules, weights, reminders = _rules_for_display(program)
    can_change = services.can_change_program(request.user, program)
    transitions = [(to, services.TRANSITION_VERBS[(program.status, to)]) for to in services.TRANSITIONS[program.status]]
    events = list(program.events.select_related("actor")[: EVENTS_ON_DETAIL + 1])
    context = {
        "program": _explain(program),
        "focus_categories": [SkillCategory(code).label for code in program.focus_categories],
        "unit_names": sorted(unit_labels.get(unit.pk, unit.name) for unit in program.eligible_units.all()),
        "rules": rules,
        "weights": weights,
        "reminders": reminders,
        "can_change": can_change,
        "transitions": transitions if can_change else [],
        "counts": queries.pool_counts(program),
        "events": events[:EVENTS_ON_DETAIL],
        "more_events": len(events) > EVENTS_ON_DETAIL,
    }
    return render(request, "programs/detail.html", context)


@require_POST
@login_required
def transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = program_for_hr(request, pk, to_change=True)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status to move to.")
        return redirect("programs:detail", pk=program.pk)
    to, confirm = form.cleaned_data["to"], form.cleaned_data["confirm"]
    try:
        program = services.program_transition(program=program, to=to, by=request.user, confirm=confirm)
    except services.ConfirmationRequired as error:
        context = {
            "program": program,
            "to": to,
            "verb": services.TRANSITION_VERBS.get((program.status, to), "Continue"),
            "warning": error.messages[0],
        }
        return render(request, "programs/transition_confirm.html", context, status=409)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("programs:detail", pk=program.pk)
    messages.success(request, f"The program is now {program.get_status_display().lower()}.")
    return redirect("programs:detail", pk=program.pk)


@login_required
def history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = program_for_hr(request, pk)
    events = ProgramEvent.objects.filter(program=program).select_related("actor")
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "programs/history.html", {"program": program, "page": page})


# --- HR: pool ------------------------------------------------------------------------------------


class PoolFilterForm(forms.Form):
    role = forms.ChoiceField(choices=[("", "Any role"), *EnrollmentRole.choices], required=False)
    unit = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Department or team")
    level = forms.TypedChoiceField(
        choices=[("", "Any level"), *CareerLevel.choices], coerce=int, required=False, empty_value=None
    )
    skill = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Skill (wanted or offered)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = sorted(org_unit_labels().items(), key=lambda item: item[1].lower())
        choice_field(self, "unit").choices = [("", "Any department"), *units]
        skills = Skill.objects.filter(retired_at__isnull=True).order_by("name").values_list("id", "name")
        choice_field(self, "skill").choices = [("", "Any skill"), *skills]


@login_required
def pool(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = program_for_hr(request, pk)
    filters = PoolFilterForm(request.GET or None)
    chosen: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    enrollments = queries.pool_enrollments(
        program,
        unit_id=chosen.get("unit"),
        level=chosen.get("level"),
        skill_id=chosen.get("skill"),
        role=chosen.get("role") or None,
    )
    page = Paginator(enrollments, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "program": program,
        "filters": filters,
        "filtered": any(chosen.values()),
        "counts": queries.pool_counts(program),
        "page": page,
    }
    template = "programs/pool.html#results" if request.htmx else "programs/pool.html"
    return render(request, template, context)


@login_required
def supply_demand(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = program_for_hr(request, pk)
    balances = queries.supply_and_demand(program)
    context = {
        "program": program,
        "balances": balances,
        "gaps": sum(1 for balance in balances if balance.nobody_can_teach),
        "counts": queries.pool_counts(program),
    }
    return render(request, "programs/supply_demand.html", context)


# --- Employees -----------------------------------------------------------------------------------


@login_required
def employee_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    participant = participant_or_404(request)
    open_programs = [_explain(p) for p in programs_open_to(participant, today=timezone.localdate())]
    mine = list(
        Enrollment.objects.filter(participant=participant).select_related("program").order_by("-created_at", "id")
    )
    enrolled = {enrollment.program_id: enrollment for enrollment in mine if enrollment.is_active}
    for program in open_programs:
        program.my_enrollment = enrolled.get(program.pk)  # type: ignore[attr-defined]  # a display attribute for the template
    return render(request, "programs/list.html", {"open_programs": open_programs, "mine": mine})


def _open_program_for(participant: Participant, pk: int) -> Program:
    """A program the person may enroll in today; 404 otherwise, so closed or foreign ones do not leak."""
    for program in programs_open_to(participant, today=timezone.localdate()):
        if program.pk == pk:
            return _explain(program)
    raise Http404("No such open program.")


@login_required
def enroll(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = participant_or_404(request)
    program = _open_program_for(participant, pk)
    existing = Enrollment.objects.filter(program=program, participant=participant).first()
    if existing is not None and existing.is_active:
        return redirect("programs:enrollment_edit", pk=program.pk)
    form = EnrollmentForm(request.POST or None, program=program, participant=participant, enrollment=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_create(program=program, participant=participant, data=form.enrollment_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"You are enrolled in “{program.name}”.")
            return redirect("programs:list")
    status = 400 if request.method == "POST" else 200
    context = {"program": program, "form": form, "enrollment": None}
    return render(request, "programs/enroll.html", context, status=status)


def _own_enrollment(participant: Participant, pk: int) -> Enrollment:
    return get_object_or_404(
        Enrollment.objects.select_related("program"), program_id=pk, participant=participant, withdrawn_at=None
    )


@login_required
def enrollment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = participant_or_404(request)
    enrollment = _own_enrollment(participant, pk)
    program = _explain(enrollment.program)
    if program.status != ProgramStatus.ENROLLING:
        messages.info(request, "Matching has started, so your enrollment can no longer change. Contact HR if needed.")
        return redirect("programs:list")
    form = EnrollmentForm(request.POST or None, program=program, participant=participant, enrollment=enrollment)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_update(enrollment=enrollment, data=form.enrollment_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your enrollment is saved.")
            return redirect("programs:list")
    status = 400 if request.method == "POST" else 200
    context = {"program": program, "form": form, "enrollment": enrollment}
    return render(request, "programs/enroll.html", context, status=status)


@require_POST
@login_required
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = _own_enrollment(participant_or_404(request), pk)
    try:
        services.enrollment_withdraw(enrollment=enrollment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You have withdrawn from “{enrollment.program.name}”.")
    return redirect("programs:list")
