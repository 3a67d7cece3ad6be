"""Add-to-calendar downloads, planned meetings, and the private iCal feed."""

import zoneinfo
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.core.forms import add_service_errors
from mentorship.ical import events, ics, services
from mentorship.ical.forms import MeetingForm
from mentorship.ical.models import CalendarFeed, PlannedMeeting
from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.notifications.services import absolute_url
from mentorship.participants.access import participant_or_404
from mentorship.participants.models import Participant
from mentorship.workspace.access import members_filter, mentorship_for
from mentorship.workspace.models import CheckInKind, MentoringSession


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _meeting_for(request: AuthenticatedHttpRequest, pk: int) -> tuple[PlannedMeeting, Participant]:
    """A meeting of the viewer's own mentorship; 404 for anyone else."""
    meeting = get_object_or_404(
        PlannedMeeting.objects.select_related(
            "mentorship__program", "mentorship__mentor__user", "mentorship__mentee__user"
        ),
        pk=pk,
    )
    ws = mentorship_for(request.user, meeting.mentorship_id)
    assert ws.me is not None  # noqa: S101  (members only: mentorship_for raised 404 otherwise)
    return meeting, ws.me


@require_GET
@login_required
def session_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(MentoringSession.objects.select_related("mentorship"), pk=pk)
    ws = mentorship_for(request.user, session.mentorship_id)
    assert ws.me is not None  # noqa: S101
    session.mentorship = ws.mentorship
    return _ics(ics.calendar([events.session_event(session, ws.me)]), f"session-{session.pk}.ics")


@require_GET
@login_required
def meeting_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting, me = _meeting_for(request, pk)
    return _ics(ics.calendar([events.meeting_event(meeting, me)]), f"meeting-{meeting.pk}.ics")


@require_GET
@login_required
def check_in_ics(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    ws = mentorship_for(request.user, pk)
    assert ws.me is not None  # noqa: S101
    if kind not in CheckInKind.values or (event := events.check_in_event(ws.mentorship, ws.me, kind)) is None:
        raise Http404("No such check-in.")
    return _ics(ics.calendar([event]), f"check-in-{pk}-{kind}.ics")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: the secret in the URL is the only credential (calendar apps cannot sign
    in). Unknown or replaced secrets, and deactivated people, get 404."""
    row = CalendarFeed.objects.select_related("user__participant").filter(token=token, user__is_active=True).first()
    if row is None or getattr(row.user, "participant", None) is None:
        raise Http404("No such calendar.")
    content = ics.calendar(events.feed_events(row.user.participant), name="Mentorship")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    me = participant_or_404(request)
    feed_row = services.calendar_feed_for(user=request.user)
    mine = Q(mentorship__mentor=me) | Q(mentorship__mentee=me)
    meetings = (
        PlannedMeeting.objects.filter(mine, starts_at__gte=timezone.now(), cancelled_at=None)
        .select_related("mentorship__program", "mentorship__mentor__user", "mentorship__mentee__user")
        .order_by("starts_at")
    )
    active = Mentorship.objects.filter(members_filter(me), status=MentorshipStatus.ACTIVE).select_related(
        "program", "mentor__user", "mentee__user"
    )
    context: dict[str, Any] = {
        "feed_url": absolute_url(reverse("ical:feed", args=[feed_row.token])),
        "meetings": [(m, m.mentorship.partner_of(me)) for m in meetings],
        "mentorships": [(m, m.partner_of(me)) for m in active],
    }
    return render(request, "ical/overview.html", context)


@require_POST
@login_required
def feed_reset(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.calendar_feed_reset(user=request.user)
    messages.success(request, "Your calendar address was replaced. The old one no longer works.")
    return redirect("ical:overview")


def _save(form: MeetingForm, save: Any) -> bool:
    if not form.is_valid():
        return False
    try:
        save(**form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


@login_required
def meeting_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ws = mentorship_for(request.user, pk)
    me = ws.me
    assert me is not None  # noqa: S101
    form = MeetingForm(request.POST or None, tz=me.timezone, initial={"location": ws.mentorship.meeting_channel})
    if request.method == "POST" and _save(
        form, lambda **data: services.meeting_plan(mentorship=ws.mentorship, by=me, **data)
    ):
        messages.success(request, "Meeting planned. You both got an invitation by email.")
        return redirect("ical:overview")
    context = {"form": form, "mentorship": ws.mentorship, "partner": ws.partner, "meeting": None}
    return render(request, "ical/meeting_form.html", context, status=400 if request.method == "POST" else 200)


@login_required
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting, me = _meeting_for(request, pk)
    initial = {
        "starts_at": timezone.localtime(meeting.starts_at, timezone=zoneinfo.ZoneInfo(me.timezone)).replace(
            tzinfo=None
        ),
        "duration_minutes": meeting.duration_minutes,
        "location": meeting.location,
        "agenda": meeting.agenda,
    }
    form = MeetingForm(request.POST or None, tz=me.timezone, initial=initial)
    if request.method == "POST" and _save(form, lambda **data: services.meeting_update(meeting=meeting, by=me, **data)):
        messages.success(request, "Meeting changed. The invitation in your calendars moves with it.")
        return redirect("ical:overview")
    partner = meeting.mentorship.partner_of(me)
    context = {"form": form, "mentorship": meeting.mentorship, "partner": partner, "meeting": meeting}
    return render(request, "ical/meeting_form.html", context, status=400 if request.method == "POST" else 200)


@require_POST
@login_required
def meeting_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting, me = _meeting_for(request, pk)
    services.meeting_cancel(meeting=meeting, by=me)
    messages.success(request, "Meeting cancelled. Calendars that have it will remove it.")
    return redirect("ical:overview")
