"""Employee import pages: HR admins only; everyone else gets a 404, so the pages do not leak."""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseLocation

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.core.forms import add_service_errors
from mentorship.imports import services
from mentorship.imports.forms import ColumnsForm, ConfirmForm, UploadForm
from mentorship.imports.models import ImportJob, ImportStatus
from mentorship.imports.parsing import template_header
from mentorship.participants.access import hr_admin_required

JOBS_PER_PAGE = 10
PROBLEMS_PER_PAGE = 50
PEOPLE_PER_PAGE = 50
RESULT_LISTS = ("created", "updated", "unchanged", "left")
LEAVERS_PER_PAGE = 50
# Fields too big to load for pages that do not show them (the file, the result lists).
HEAVY = (
    "content",
    "preview_rows",
    "problems",
    "created_emails",
    "updated_emails",
    "unchanged_emails",
    "changes",
    "tree_changes",
    "leavers",
    "left_emails",
)


def _visible_jobs(request: AuthenticatedHttpRequest) -> QuerySet[ImportJob]:
    """The import jobs this HR admin may see: their own (a job holds the personal data of a whole
    file), every job for superusers, or every HR admin's with IMPORT_JOBS_SHARED_WITH_HR_ADMINS."""
    jobs = ImportJob.objects.select_related("created_by")
    if request.user.is_superuser or settings.IMPORT_JOBS_SHARED_WITH_HR_ADMINS:
        return jobs
    return jobs.filter(created_by=request.user.pk)


def _job_for(request: AuthenticatedHttpRequest, pk: int, *, defer: tuple[str, ...] = ("content",)) -> ImportJob:
    """One import job, or 404 for anyone who may not see it (see `_visible_jobs`)."""
    return get_object_or_404(_visible_jobs(request).defer(*defer), pk=pk)


def _page_for(job: ImportJob) -> str:
    """Where a job is shown in its current state."""
    if job.status == ImportStatus.MAPPING:
        return reverse("imports:columns", args=[job.pk])
    if job.status in (ImportStatus.INVALID, ImportStatus.READY):
        return reverse("imports:preview", args=[job.pk])
    if job.is_active:
        return reverse("imports:progress", args=[job.pk])
    return reverse("imports:result", args=[job.pk])


@hr_admin_required
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.import_job_create(
            file_name=upload.name or "upload.csv",
            content=upload.read(),
            by=request.user,
            full_list=form.cleaned_data["full_list"],
            review_columns=form.cleaned_data["review_columns"],
        )
        return redirect(_page_for(job))
    jobs = _visible_jobs(request).defer(*HEAVY)
    page = Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    status = 400 if request.method == "POST" else 200
    return render(request, "imports/upload.html", {"form": form, "page": page}, status=status)


@hr_admin_required
def template_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
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


@hr_admin_required
def columns(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """How each column is read: shown when the header needs HR, or when HR asks to review it."""
    job = _job_for(request, pk, defer=("content", "preview_rows", "problems"))
    if job.status not in (ImportStatus.MAPPING, ImportStatus.READY):
        return redirect(_page_for(job))
    form = ColumnsForm(request.POST or None, columns=job.columns)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_map(job=job, fields=form.fields_chosen(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return redirect(_page_for(job))
    status = 400 if request.method == "POST" else 200
    return render(request, "imports/columns.html", {"job": job, "form": form}, status=status)


TREE_CHANGE_KEYS = ("root_created", "created", "renamed", "emptied", "moves_count")


def _nothing_changes(job: ImportJob) -> bool:
    """A file that matches the data already here: nobody new, nobody updated or leaving, no unit moved."""
    tree = job.tree_changes or {}
    return not (job.created_count or job.updated_count or job.leavers or any(tree.get(key) for key in TREE_CHANGE_KEYS))


def _preview_page(
    request: AuthenticatedHttpRequest, job: ImportJob, form: ConfirmForm, *, status: int = 200
) -> HttpResponse:
    problems = Paginator(job.problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    leavers = Paginator(job.leavers, LEAVERS_PER_PAGE).get_page(request.GET.get("leavers"))
    context = {
        "job": job,
        "problems": problems,
        "leavers": leavers,
        # A "full list" that would deactivate a large share of people is more likely a partial file.
        "leaver_share": round(100 * len(job.leavers) / (len(job.leavers) + job.total_rows)) if job.leavers else 0,
        "tree": job.tree_changes,
        "nothing_changes": _nothing_changes(job),
        "form": form,
        "async_threshold": services.ASYNC_THRESHOLD,
    }
    return render(request, "imports/preview.html", context, status=status)


@hr_admin_required
def preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if job.status not in (ImportStatus.INVALID, ImportStatus.READY):
        return redirect(_page_for(job))
    return _preview_page(request, job, ConfirmForm(job=job))


@require_POST
@hr_admin_required
def confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk, defer=HEAVY)
    form = ConfirmForm(request.POST, job=job)
    if job.status != ImportStatus.READY or not form.is_valid():
        messages.error(request, "This file cannot be imported (again); here is where it stands.")
        return redirect(_page_for(job))
    try:
        job = services.import_job_confirm(
            job=job,
            invite=form.cleaned_data["invite"],
            new_units_ok=form.cleaned_data.get("new_units_ok", False),
            leavers_ok=form.cleaned_data.get("leavers_ok", False),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _preview_page(request, _job_for(request, pk), form, status=400)
    if job.status == ImportStatus.INVALID:
        messages.error(request, "People changed since the preview; the file now has problems.")
    _say_if_waiting(request, job)
    return redirect(_page_for(job))


def _say_if_waiting(request: AuthenticatedHttpRequest, job: ImportJob) -> None:
    if job.status == ImportStatus.QUEUED and job.enqueued_at is None:  # the broker is down
        messages.warning(request, "Import queued; it will start as soon as workers are available.")


@require_POST
@hr_admin_required
def retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk, defer=HEAVY)
    try:
        job = services.import_job_retry(job=job, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        _say_if_waiting(request, job)
    return redirect(_page_for(job))


@hr_admin_required
def progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk, defer=HEAVY)
    if not job.is_active:
        url = _page_for(job)
        if request.htmx:
            # Swap the result page into <main> without a reload, and put its URL in the address bar.
            return HttpResponseLocation(url, target="#main", select="#main", swap="outerHTML")
        return redirect(url)
    stage, processed = services.import_progress_stage(job=job)
    percent = int(100 * processed / job.total_rows) if job.total_rows else 0
    template = "imports/progress.html#progress" if request.htmx else "imports/progress.html"
    return render(request, template, {"job": job, "processed": processed, "percent": percent, "stage": stage})


@hr_admin_required
def result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
    tabs = [(name, counts[name]) for name in RESULT_LISTS if name != "left" or job.full_list]
    context = {
        "job": job,
        "counts": counts,
        "chosen": chosen,
        "page": page,
        "rows": rows,
        "tabs": tabs,
        "can_retry": services.can_retry_import(job),
        "invitations": services.invitations_status(job=job) if job.invite else {},
    }
    return render(request, "imports/result.html", context)
