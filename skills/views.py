"""Catalogue pages for HR admins, and each employee's own inventory editor.

The inventory URLs never carry a person: they always edit the signed-in person's own inventory, so
there is nobody else's to reach. HR pages answer 404 to everyone else, so they do not advertise.
"""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.core.forms import add_service_errors
from mentorship.core.hostile import ascii_int
from mentorship.participants.access import hr_admin_required, participant_or_404
from mentorship.participants.models import Participant
from skills import queries, services
from skills.forms import (
    LEVEL_DESCRIPTIONS,
    ApproveSuggestionForm,
    CatalogueFilterForm,
    InventoryEntryForm,
    MapSuggestionForm,
    MergeForm,
    RejectSuggestionForm,
    SkillForm,
    SuggestionForm,
)
from skills.models import LEVELS, Skill, SkillEntry, SkillSuggestion, SuggestionStatus

SKILLS_PER_PAGE = 25
SUGGESTIONS_PER_PAGE = 20
HISTORY_PER_PAGE = 100


def _page_status(request: AuthenticatedHttpRequest, form: forms.Form | None = None) -> int:
    return 400 if request.method == "POST" and form is not None and form.errors else 200


# HR: the catalogue -----------------------------------------------------------------------------


@require_GET
@hr_admin_required
def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = CatalogueFilterForm(request.GET or None)
    chosen = filters.filters()
    page = Paginator(queries.catalogue_with_counts(**chosen), SKILLS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "filtered": bool(chosen["query"] or chosen["category"]),
        "pending_suggestions": queries.pending_suggestion_count(),
    }
    return render(request, "skills/catalogue.html", context)


@require_http_methods(["GET", "POST"])
@hr_admin_required
def skill_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SkillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            skill = services.skill_create(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added “{skill.name}” to the catalogue.")
            return redirect("skills:catalogue")
    return render(request, "skills/skill_form.html", {"form": form}, status=_page_status(request, form))


@require_http_methods(["GET", "POST"])
@hr_admin_required
def skill_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    skill = get_object_or_404(Skill.objects.select_related("merged_into"), pk=pk)
    form = SkillForm.for_skill(skill, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.skill_update(skill=skill, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved “{skill.name}”.")
            return redirect("skills:catalogue")
    context = {"form": form, "skill": skill, "people": SkillEntry.objects.filter(skill=skill).count()}
    return render(request, "skills/skill_form.html", context, status=_page_status(request, form))


@require_POST
@hr_admin_required
def skill_retire(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=pk)
    services.skill_retire(skill=skill, by=request.user)
    messages.success(request, f"Retired “{skill.name}”. People who listed it keep their entries and history.")
    return redirect("skills:skill_edit", pk=skill.pk)


@require_POST
@hr_admin_required
def skill_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=pk)
    try:
        services.skill_restore(skill=skill, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{skill.name}” is back in the catalogue.")
    return redirect("skills:skill_edit", pk=skill.pk)


@require_http_methods(["GET", "POST"])
@hr_admin_required
def skill_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Step 1 finds the skill to keep, step 2 shows what moves, and the POST merges."""
    source = get_object_or_404(Skill, pk=pk, merged_into=None)
    if request.method == "POST":
        form = MergeForm(request.POST, source=source)
        if form.is_valid():
            target = form.cleaned_data["target"]
            try:
                result = services.skill_merge(source=source, target=target, by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Merged “{source.name}” into “{target.name}”: {result.entries_moved + result.entries_combined} "
                    f"inventory entries and {result.assessments_moved} assessments now belong to “{target.name}”.",
                )
                return redirect("skills:skill_edit", pk=target.pk)
    else:
        form = MergeForm(request.GET if "target" in request.GET else None, source=source)
    query = request.GET.get("q", "").strip()[:100]
    context: dict[str, Any] = {
        "source": source,
        "form": form,
        "query": query,
        "candidates": queries.search_skills(query, exclude_ids=[source.pk]) if query else [],
    }
    if form.is_bound and form.is_valid():
        context["target"] = form.cleaned_data["target"]
        context["preview"] = queries.merge_preview(source=source, target=context["target"])
    return render(request, "skills/skill_merge.html", context, status=_page_status(request, form))


@require_GET
@hr_admin_required
def suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    pending = SkillSuggestion.objects.filter(status=SuggestionStatus.PENDING).select_related("suggested_by__user")
    page = Paginator(pending.order_by("created_at", "pk"), SUGGESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    decided = (
        SkillSuggestion.objects.exclude(status=SuggestionStatus.PENDING)
        .select_related("suggested_by__user", "skill")
        .order_by("-decided_at", "-pk")[:10]
    )
    return render(request, "skills/suggestions.html", {"page": page, "decided": decided})


@require_http_methods(["GET", "POST"])
@hr_admin_required
def suggestion_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(SkillSuggestion.objects.select_related("suggested_by__user", "skill"), pk=pk)
    approve_initial = {"name": suggestion.name, "category": suggestion.category, "description": suggestion.description}
    approve_form = ApproveSuggestionForm(initial=approve_initial)
    reject_form = RejectSuggestionForm()
    map_form = MapSuggestionForm()
    action = request.POST.get("action")
    if request.method == "POST" and suggestion.status != SuggestionStatus.PENDING:
        messages.info(request, "This suggestion was already decided.")
        return redirect("skills:suggestions")
    if action == "approve":
        approve_form = ApproveSuggestionForm(request.POST)
        if approve_form.is_valid():
            try:
                skill = services.suggestion_approve(suggestion=suggestion, by=request.user, **approve_form.cleaned_data)
            except ValidationError as error:
                add_service_errors(approve_form, error)
            else:
                messages.success(request, f"“{skill.name}” is in the catalogue.")
                return redirect("skills:suggestions")
    elif action == "map":
        map_form = MapSuggestionForm(request.POST)
        if map_form.is_valid():
            skill = map_form.cleaned_data["skill"]
            try:
                services.suggestion_merge(
                    suggestion=suggestion,
                    skill=skill,
                    by=request.user,
                    note=map_form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(map_form, error)
            else:
                messages.success(request, f"Mapped “{suggestion.name}” to “{skill.name}”; it is now an alias.")
                return redirect("skills:suggestions")
    elif action == "reject":
        reject_form = RejectSuggestionForm(request.POST)
        if reject_form.is_valid():
            services.suggestion_reject(suggestion=suggestion, by=request.user, note=reject_form.cleaned_data["note"])
            messages.success(request, f"Declined “{suggestion.name}”.")
            return redirect("skills:suggestions")
    elif request.method == "POST":
        return HttpResponse("Unknown action.", status=400)
    query = request.GET.get("q", "").strip()[:100]
    context = {
        "suggestion": suggestion,
        "approve_form": approve_form,
        "map_form": map_form,
        "reject_form": reject_form,
        "query": query,
        "candidates": queries.search_skills(query or suggestion.name),
    }
    failed = any(f.errors for f in (approve_form, map_form, reject_form))
    return render(request, "skills/suggestion_review.html", context, status=400 if failed else 200)


# Employees: my inventory -----------------------------------------------------------------------


def _row(
    skill: Skill, entry: SkillEntry | None, form: InventoryEntryForm | None = None, **extra: Any
) -> dict[str, Any]:
    return {"skill": skill, "entry": entry, "form": form or InventoryEntryForm(skill=skill, entry=entry), **extra}


def _inventory_context(
    request: AuthenticatedHttpRequest, participant: Participant, *, replace: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The editor page: one row per entry (`replace` swaps in a row with errors), search, new row."""
    entries = list(SkillEntry.objects.filter(participant=participant).select_related("skill").order_by("skill__name"))
    rows = [replace if replace and replace["skill"].pk == e.skill_id else _row(e.skill, e) for e in entries]
    listed = {e.skill_id for e in entries}
    query = request.GET.get("q", "").strip()[:100]
    new_row = replace if replace and replace["entry"] is None else None
    add = request.GET.get("add", "")
    add_pk = ascii_int(add)
    if new_row is None and add_pk is not None:
        skill = Skill.objects.filter(pk=add_pk, retired_at=None).first()
        if skill is not None and skill.pk not in listed:
            new_row = _row(skill, None)
    return {
        "rows": rows,
        "new_row": new_row,
        "query": query,
        "results": queries.search_skills(query) if query else [],
        "listed": listed,
        "levels": LEVELS,
        "level_descriptions": LEVEL_DESCRIPTIONS,
    }


@require_GET
@login_required
def inventory(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "skills/inventory.html", _inventory_context(request, participant_or_404(request)))


@require_GET
@login_required
def inventory_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search-as-you-type results for the add box; without htmx, the whole page with them."""
    query = request.GET.get("q", "").strip()[:100]
    if not request.htmx:
        return redirect(f"{reverse('skills:inventory')}?{urlencode({'q': query})}")
    listed = set(SkillEntry.objects.filter(participant=participant_or_404(request)).values_list("skill_id", flat=True))
    context = {"query": query, "results": queries.search_skills(query) if query else [], "listed": listed}
    return render(request, "skills/inventory.html#search_results", context)


@require_GET
@login_required
def inventory_new_row(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An unsaved row for the chosen skill; it becomes an entry when the person picks a level."""
    add = request.GET.get("add", "")
    if not request.htmx:
        return redirect(f"{reverse('skills:inventory')}?{urlencode({'add': add})}")
    skill = get_object_or_404(Skill, pk=ascii_int(add) or 0, retired_at=None)
    if SkillEntry.objects.filter(participant=participant_or_404(request), skill=skill).exists():
        # Already a row on the page: swap nothing, let the script move focus to it.
        response = HttpResponse(status=204)
        response["HX-Trigger"] = f'{{"skill-already-listed": {{"skill": {skill.pk}}}}}'
        return response
    return render(request, "skills/inventory.html#entry_row", {"row": _row(skill, None)})


@require_POST
@login_required
def inventory_save(request: AuthenticatedHttpRequest, skill_id: int) -> HttpResponse:
    """Save one row. With htmx a saved row answers with just its status, so nothing the person is
    using is replaced; a first save or an error swaps the whole row (its buttons or messages change)."""
    participant = participant_or_404(request)
    skill = get_object_or_404(Skill, pk=skill_id)
    entry = SkillEntry.objects.filter(participant=participant, skill=skill).first()
    existed = entry is not None
    if entry is None and not skill.is_active:
        raise Http404("No such skill.")
    form = InventoryEntryForm(request.POST, skill=skill, entry=entry)
    if form.is_valid():
        try:
            entry = services.inventory_set_entry(participant=participant, skill=skill, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
    if form.errors:
        row = _row(skill, entry, form)
        if request.htmx:
            # 200, not 400: htmx leaves the page alone on 4xx, and the row must show its error.
            response = render(request, "skills/inventory.html#entry_row", {"row": row})
            return reswap(retarget(response, f"#entry-{skill.pk}"), "outerHTML")
        context = _inventory_context(request, participant, replace=row)
        return render(request, "skills/inventory.html", context, status=400)
    if request.htmx:
        announce = f"Saved {skill.name}."
        if existed:
            return render(request, "skills/inventory.html#entry_saved", {"announce": announce})
        context = {"row": _row(skill, entry, saved=True), "announce": announce}
        response = render(request, "skills/inventory.html#entry_row", context)
        return reswap(retarget(response, f"#entry-{skill.pk}"), "outerHTML")
    messages.success(request, f"Saved {skill.name}.")
    return redirect(f"{reverse('skills:inventory')}#entry-{skill.pk}")


@require_POST
@login_required
def inventory_remove(request: AuthenticatedHttpRequest, skill_id: int) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=skill_id)
    services.inventory_remove_entry(participant=participant_or_404(request), skill=skill)
    text = f"Removed {skill.name}. Its assessment history is kept."
    if request.htmx:
        return render(request, "skills/inventory.html#announcement", {"announce": text})
    messages.success(request, text)
    return redirect("skills:inventory")


@require_GET
@login_required
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(queries.assessment_history(participant_or_404(request).pk), HISTORY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "skills/history.html", {"page": page})


@require_http_methods(["GET", "POST"])
@login_required
def suggest(request: AuthenticatedHttpRequest) -> HttpResponse:
    participant = participant_or_404(request)
    form = SuggestionForm(request.POST or None, initial={"name": request.GET.get("name", "")[:120]})
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = services.suggestion_create(participant=participant, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Thanks: HR will review “{suggestion.name}”.")
            return redirect("skills:suggest")
    mine = SkillSuggestion.objects.filter(suggested_by=participant).select_related("skill").order_by("-created_at")
    context = {"form": form, "suggestions": mine[:50]}
    return render(request, "skills/suggest.html", context, status=_page_status(request, form))
