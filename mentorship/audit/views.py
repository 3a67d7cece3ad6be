"""HR reads the audit trail. There is no view that changes or deletes an entry."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.audit import queries
from mentorship.audit.forms import AuditFilterForm
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record
from mentorship.core.hostile import spreadsheet_safe
from mentorship.participants.roles import is_hr_admin

PER_PAGE = 50


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@login_required
def trail(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    if not is_hr_admin(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    filters = form.cleaned_data if request.GET and valid else {}
    rows = queries.entries(
        person=filters.get("person"), program=filters.get("program"), action=filters.get("action") or ""
    )
    if request.GET.get("format") == "csv" and valid:
        audit_record(
            action=Action.AUDIT_CSV,
            actor=request.user.pk,
            summary="Filters: " + (", ".join(f"{k}={v}" for k, v in sorted(request.GET.items()) if k != "format")),
        )
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow([spreadsheet_safe(cell) for cell in row]) for row in queries.csv_rows(rows)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="audit-{timezone.now():%Y%m%d-%H%M}.csv"'
        return response
    page = Paginator(rows if valid else rows.none(), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {"form": form, "page": page, "filters": query.urlencode()},
        status=200 if valid else 400,
    )
