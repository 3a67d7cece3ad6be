"""A person's own data download, and HR's erasure of a person."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.datarights import services
from mentorship.datarights.forms import EraseForm
from mentorship.datarights.models import DataExport, ExportStatus
from mentorship.participants.access import require_hr_admin
from mentorship.participants.models import Participant


def _export_for(request: AuthenticatedHttpRequest, pk: int) -> DataExport:
    """A person's own export; 404 for everyone else, HR included."""
    return get_object_or_404(DataExport, pk=pk, user_id=request.user.pk)


@login_required
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    exports = DataExport.objects.filter(user_id=request.user.pk).defer("content")[:10]
    return render(request, "datarights/my_data.html", {"exports": exports})


@require_POST
@login_required
def export_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    export = services.data_export_request(user=request.user)
    return redirect("datarights:export", pk=export.pk)


@require_GET
@login_required
def export_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    export = _export_for(request, pk)
    template = "datarights/export.html#progress" if request.htmx else "datarights/export.html"
    return render(request, template, {"export": export})


@require_GET
@login_required
def export_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    export = _export_for(request, pk)
    if export.status != ExportStatus.DONE or (export.expires_at and export.expires_at < timezone.now()):
        raise Http404("This download is not ready or has expired.")
    services.data_export_downloaded(export=export, by=request.user)
    response = HttpResponse(bytes(export.content), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="my-mentorship-data-{export.created_at:%Y%m%d}.zip"'
    return response


def _erasable_for(request: AuthenticatedHttpRequest, pk: int) -> Participant:
    """HR admins only (404 for others, so the page does not reveal who exists); never an erased person."""
    require_hr_admin(request)
    return get_object_or_404(Participant.objects.select_related("user").filter(user__erasure__isnull=True), pk=pk)


@login_required
def erase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = _erasable_for(request, pk)
    form = EraseForm(request.POST or None, email=participant.user.email)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_erase(participant=participant, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The person was erased. An entry in the audit trail records it.")
            return redirect("participants:directory")
    plan = services.erasure_plan(participant=participant)
    status = 400 if request.method == "POST" else 200
    return render(request, "datarights/erase.html", {"person": participant, "plan": plan, "form": form}, status=status)
