from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.participants import services
from mentorship.participants.access import participant_or_404
from mentorship.participants.forms import STEPS, ProfileForm
from mentorship.participants.models import Participant, org_unit_labels
from mentorship.participants.roles import is_hr_admin

PEOPLE_PER_PAGE = 25


def _participant_for_onboarding(request: AuthenticatedHttpRequest) -> Participant:
    """Onboarding is where a profile begins: made here when the sign-up did not make one. Every
    other page reads it with `participant_or_404` (the middleware sends people here first)."""
    return services.participant_ensure(user=request.user)


def _private_profile_for(request: AuthenticatedHttpRequest, pk: int) -> Participant:
    """The profile with its private fields: only the person themself and HR admins; 404 for others."""
    participant = get_object_or_404(Participant.objects.select_related("user", "manager__user", "org_unit"), pk=pk)
    if participant.user_id != request.user.pk and not is_hr_admin(request.user):
        raise Http404("No such profile.")
    return participant


def _save_profile(form: ProfileForm, participant: Participant) -> bool:
    """Save through the service; its refusals land on the form. True when saved."""
    if not form.is_valid():
        return False
    try:
        services.participant_update(participant=participant, data=form.profile_data())
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error("manager_email" if field == "manager" else (field if field in form.fields else None), errors)
        return False
    return True


@login_required
def my_profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect("participants:profile", pk=participant_or_404(request).pk)


@login_required
def profile(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = _private_profile_for(request, pk)
    unit_label = org_unit_labels().get(participant.org_unit_id or 0, "") if participant.org_unit_id else ""
    return render(
        request,
        "participants/profile.html",
        {"person": participant, "unit_label": unit_label, "is_self": participant.user_id == request.user.pk},
    )


@login_required
def profile_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = _private_profile_for(request, pk)
    form = ProfileForm(request.POST or None, participant=participant)
    if request.method == "POST" and _save_profile(form, participant):
        messages.success(request, "Profile saved.")
        return redirect("participants:profile", pk=participant.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "participants/profile_edit.html", {"form": form, "person": participant}, status=status)


@login_required
def person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The public card any colleague may see: no work-style answers, availability or manager."""
    participant = get_object_or_404(
        Participant.objects.select_related("user", "org_unit"), pk=pk, onboarded_at__isnull=False
    )
    unit_label = org_unit_labels().get(participant.org_unit_id, "") if participant.org_unit_id else ""
    return render(request, "participants/person.html", {"person": participant, "unit_label": unit_label})


@login_required
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    # People who left (deactivated by a full-list import) are not colleagues to find any more.
    people = Participant.objects.select_related("user", "org_unit").filter(
        onboarded_at__isnull=False, user__is_active=True
    )
    if query:
        people = people.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(job_title__icontains=query)
            | Q(org_unit__name__icontains=query)
        )
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    template = "participants/directory.html#results" if request.htmx else "participants/directory.html"
    return render(request, template, {"page": page, "query": query})


@login_required
def onboarding(request: AuthenticatedHttpRequest, step: int = 1) -> HttpResponse:
    participant = _participant_for_onboarding(request)
    if not 1 <= step <= len(STEPS):
        raise Http404("No such step.")
    title, fields = STEPS[step - 1]
    form = ProfileForm(request.POST or None, participant=participant, fields=fields)
    if request.method == "POST" and _save_profile(form, participant):
        if step < len(STEPS):
            return redirect("participants:onboarding", step=step + 1)
        services.participant_onboarding_complete(participant=participant)
        messages.success(request, "Welcome aboard: your profile is ready.")
        return redirect("core:home")
    context = {"form": form, "step": step, "steps": [name for name, _ in STEPS], "title": title}
    status = 400 if request.method == "POST" else 200
    return render(request, "participants/onboarding.html", context, status=status)
