"""Employee import pages: HR admins only; everyone else gets a 404, so the pages do not leak."""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseLocation

from mentorship.imports import services
from mentorship.imports.forms import ConfirmForm, UploadForm
from mentorship.imports.models import ImportJob, ImportStatus
from mentorship.imports.parsing import template_header
from mentorship.participants.roles import is_hr_admin

JOBS_PER_PAGE = 10
PROBLEMS_PER_PAGE = 50
PEOPLE_PER_PAGE = 50
RESULT_LISTS = ("created", "updated", "unchanged")
# Fields too big to load for pages that do not show them (the file, the result lists).
HEAVY = ("content", "preview_rows", "problems", "created_emails", "updated_emails", "unchanged_emails", "changes")


def _require_hr_admin(request: HttpRequest) -> None:
    if not is_hr_admin(request.user):
        raise Http404("No such page.")


def _visible_jobs(request: HttpRequest) -> QuerySet[ImportJob]:
    """The import jobs this HR admin may see: their own (a job holds the personal data of a whole
    file), every job for superusers, or every HR admin's with IMPORT_JOBS_SHARED_WITH_HR_ADMINS."""
    _require_hr_admin(request)
    jobs = ImportJob.objects.select_related("created_by")
    if request.user.is_superuser or settings.IMPORT_JOBS_SHARED_WITH_HR_ADMINS:
        return jobs
    return jobs.filter(created_by=request.user.pk)


def _job_for(request: HttpRequest, pk: int, *, defer: tuple[str, ...] = ("content",)) -> ImportJob:
    """One import job, or 404 for anyone who may not see it (see `_visible_jobs`)."""
    return get_object_or_404(_visible_jobs(request).defer(*defer), pk=pk)


def _page_for(job: ImportJob) -> str:
    """Where a job is shown in its current state."""
    if job.status in (ImportStatus.INVALID, ImportStatus.READY):
        return reverse("imports:preview", args=[job.pk])
    if job.is_active:
        return reverse("imports:progress", args=[job.pk])
    return reverse("imports:result", args=[job.pk])


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    _require_hr_admin(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.import_job_create(file_name=upload.name or "upload.csv", content=upload.read(), by=request.user)  # type: ignore[arg-type]
        return redirect("imports:preview", job.pk)
    jobs = _visible_jobs(request).defer(*HEAVY)
    page = Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    status = 400 if request.method == "POST" else 200
    return render(request, "imports/upload.html", {"form": form, "page": page}, status=status)


@login_required
def template_csv(request: HttpRequest) -> HttpResponse:
    _require_hr_admin(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(template_header())
    writer.writerow(
        ["ada.lovelace@example.com", "Ada", "Lovelace", "Head of Engineering", "Acme / Engineering", "", "6",
         "2019-04-01", "Europe/London", "en; fr"]
    )  # fmt: skip
    writer.writerow(
        ["grace.hopper@example.com", "Grace", "Hopper", "Platform Engineer", "Acme / Engineering / Platform",
         "ada.lovelace@example.com", "3", "2023-09-15", "America/New_York", "en|es"]
    )  # fmt: skip
    # The byte-order mark makes Excel open the file as UTF-8, so accented names survive.
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="employee-import-template.csv"'
    return response


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if job.status not in (ImportStatus.INVALID, ImportStatus.READY):
        return redirect(_page_for(job))
    problems = Paginator(job.problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"job": job, "problems": problems, "form": ConfirmForm(), "async_threshold": services.ASYNC_THRESHOLD}
    return render(request, "imports/preview.html", context)


@require_POST
@login_required
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk, defer=HEAVY)
    form = ConfirmForm(request.POST)
    if job.status != ImportStatus.READY or not form.is_valid():
        messages.error(request, "This file cannot be imported (again); here is where it stands.")
        return redirect(_page_for(job))
    job = services.import_job_confirm(job=job, invite=form.cleaned_data["invite"])
    if job.status == ImportStatus.INVALID:
        messages.error(request, "People changed since the preview; the file now has problems.")
    return redirect(_page_for(job))


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk, defer=HEAVY)
    if not job.is_active:
        url = _page_for(job)
        if request.htmx:  # type: ignore[attr-defined]
            # Swap the result page into <main> without a reload, and put its URL in the address bar.
            return HttpResponseLocation(url, target="#main", select="#main", swap="outerHTML")
        return redirect(url)
    processed = services.import_progress(job=job)
    percent = int(100 * processed / job.total_rows) if job.total_rows else 0
    template = "imports/progress.html#progress" if request.htmx else "imports/progress.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job, "processed": processed, "percent": percent})


@login_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if job.status in (ImportStatus.INVALID, ImportStatus.READY) or job.is_active:
        return redirect(_page_for(job))
    counts = {name: len(getattr(job, f"{name}_emails")) for name in RESULT_LISTS}
    chosen = request.GET.get("list")
    if chosen not in RESULT_LISTS:
        chosen = next((name for name in RESULT_LISTS if counts[name]), "created")
    emails = getattr(job, f"{chosen}_emails")
    page = Paginator(emails, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(email, job.changes.get(email, [])) for email in page.object_list]
    tabs = [(name, counts[name]) for name in RESULT_LISTS]
    context = {"job": job, "counts": counts, "chosen": chosen, "page": page, "rows": rows, "tabs": tabs}
    return render(request, "imports/result.html", context)
