"""HR's actions on a pair from the at-risk list: end it with a reason, or re-match its mentee.

Only HR who may change the pair's program get these pages (`hr_may_change_pair`, the rule the
at-risk table asks before it shows the links); everyone else gets 404, so a pair's existence
does not leak.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.core.forms import add_service_errors, choice_field
from mentorship.mentorships.models import Mentorship
from mentorship.mentorships.services import HR_END_REASONS, hr_may_change_pair, mentorship_end_by_hr
from pairing.services.rematch import mentorship_rematch, rematch_candidates, rematch_refusal

REASON_CHOICES = [("", "Choose a reason"), *((reason.value, label) for reason, label in HR_END_REASONS.items())]


class HrEndForm(forms.Form):
    reason = forms.ChoiceField(
        choices=REASON_CHOICES, label="Why does the pair end?", help_text="Both people see this reason."
    )


class RematchForm(forms.Form):
    partner = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label="New partner")
    reason = forms.ChoiceField(
        choices=REASON_CHOICES, label="Why does the current pair end?", help_text="Both people see this reason."
    )

    def __init__(self, *args: Any, partners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "partner").choices = partners


def _pair_for_hr(request: AuthenticatedHttpRequest, pk: int) -> Mentorship:
    mentorship = Mentorship.objects.select_related("program", "mentor__user", "mentee__user").filter(pk=pk).first()
    if mentorship is None or not hr_may_change_pair(request.user, mentorship):
        raise Http404("No such pair.")
    return mentorship


def _after(request: AuthenticatedHttpRequest) -> str:
    return reverse("dashboards:hr")


@login_required
def hr_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship = _pair_for_hr(request, pk)
    form = HrEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mentorship_end_by_hr(mentorship=mentorship, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The pair of {mentorship.mentor.name} and {mentorship.mentee.name} has ended.")
            return redirect(_after(request))
    status = 400 if form.errors else 200
    return render(request, "workspace/hr_end.html", {"mentorship": mentorship, "form": form}, status=status)


@login_required
def rematch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship = _pair_for_hr(request, pk)
    refusal = rematch_refusal(mentorship)
    candidates = [] if refusal else rematch_candidates(mentorship)
    form = RematchForm(request.POST or None, partners=[(c.partner_id, c.name) for c in candidates])
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            new = mentorship_rematch(
                mentorship=mentorship,
                partner_id=form.cleaned_data["partner"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{new.mentee.name} now starts with {new.mentor.name}; both have been told.")
            return redirect(_after(request))
    context = {"mentorship": mentorship, "form": form, "candidates": candidates, "refusal": refusal}
    return render(request, "workspace/hr_rematch.html", context, status=400 if form.errors else 200)
