"""Everyone's email preferences, and HR's list of reminders whose email could not be delivered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.feedback import services
from mentorship.feedback.forms import PreferencesForm
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.participants.access import hr_admin_required

PER_PAGE = 25


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = services.email_preferences_for(request.user)
    form = PreferencesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        services.email_preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, "Your email preferences are saved.")
        return redirect("feedback:preferences")
    return render(
        request,
        "feedback/preferences.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@hr_admin_required
def delivery_failures(request: AuthenticatedHttpRequest) -> HttpResponse:
    failures = (
        Notification.objects.filter(email_status=EmailStatus.FAILED)
        .select_related("recipient")
        .order_by("-created_at", "-id")
    )
    page = Paginator(failures, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "feedback/delivery_failures.html", {"page": page})
