"""The notification centre: a person's own notifications, newest first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.notifications import services
from mentorship.notifications.models import Notification

PER_PAGE = 20


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    if request.GET.get("show") == "unread":
        notifications = notifications.filter(read_at=None)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    unread_count = services.unread(request.user).count()
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_count": unread_count, "show": request.GET.get("show", "")},
    )


@require_POST
@login_required
def mark_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # Someone else's notification is simply not found.
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification)
    if request.htmx:
        return render(request, "notifications/list.html#notification", {"notification": notification})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
@login_required
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications:list")
