"""HR edits the org tree here, not in the Django admin: create, rename, move, merge, delete.

Every page says who a change affects before HR confirms it, and every change goes through a
service in `participants.services`. HR admins only; everyone else gets a 404.
"""

from collections import Counter
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.core.forms import add_service_errors
from mentorship.participants import services
from mentorship.participants.access import hr_admin_required
from mentorship.participants.models import OrgUnit, Participant
from mentorship.participants.orgtree import OrgTree, head_counts

PEOPLE_PER_PAGE = 50
ACTIONS = ("rename", "move", "merge", "delete")


def _unit_for(pk: int) -> OrgUnit:
    return get_object_or_404(OrgUnit, pk=pk)


class _UnitChoiceField(forms.TypedChoiceField):
    def __init__(self, tree: OrgTree, exclude: set[int], **kwargs: Any) -> None:
        choices = [("", "Choose a unit")] + [
            (pk, tree.label(pk, with_root=True)) for pk, _ in tree.walk() if pk not in exclude
        ]
        super().__init__(choices=choices, coerce=int, **kwargs)


class NameForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name")


class CreateForm(NameForm):
    def __init__(self, *args: Any, tree: OrgTree, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = _UnitChoiceField(tree, set(), label="Inside")
        if tree.root_id is not None:
            self.fields["parent"].initial = tree.root_id


class MoveForm(forms.Form):
    def __init__(self, *args: Any, tree: OrgTree, unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inside = set(tree.subtree(unit.pk))
        self.fields["parent"] = _UnitChoiceField(tree, inside | {unit.parent_id or 0}, label="Move it inside")


class MergeForm(forms.Form):
    def __init__(self, *args: Any, tree: OrgTree, unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"] = _UnitChoiceField(tree, set(tree.subtree(unit.pk)), label="Merge it into")


def _head_counts(tree: OrgTree) -> tuple[Counter[int], Counter[int]]:
    """(people directly in each unit, people in each unit and everything below it), one query."""
    direct: Counter[int] = Counter(head_counts())
    total: Counter[int] = Counter()
    for unit, count in direct.items():
        for node in tree.path_ids(unit):
            total[node] += count
    return direct, total


def _tree_page(
    request: AuthenticatedHttpRequest, org: OrgTree, create_form: CreateForm, *, status: int = 200
) -> HttpResponse:
    direct, total = _head_counts(org)
    context = {
        "org": org,
        "rows": [(pk, org.names[pk], depth, direct[pk], total[pk]) for pk, depth in org.walk()],
        "create_form": create_form,
        "root_form": NameForm(),
        "unplaced": Participant.objects.filter(org_unit__isnull=True, user__is_active=True).count(),
    }
    return render(request, "participants/org/tree.html", context, status=status)


@hr_admin_required
def tree(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = OrgTree.load()
    return _tree_page(request, org, CreateForm(tree=org))


@require_POST
@hr_admin_required
def root_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NameForm(request.POST)
    if OrgUnit.objects.filter(parent=None).exists() or not form.is_valid():
        messages.error(request, "Give the organisation a name (there can be only one root).")
        return redirect("participants:org_tree")
    services.org_root_ensure(name=form.cleaned_data["name"])
    messages.success(request, "Your organisation is set up. Add its divisions and departments below it.")
    return redirect("participants:org_tree")


@require_POST
@hr_admin_required
def unit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = OrgTree.load()
    form = CreateForm(request.POST, tree=org)
    if form.is_valid():
        parent = _unit_for(form.cleaned_data["parent"])
        try:
            unit = services.org_unit_create(name=form.cleaned_data["name"], parent=parent, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{unit.name}” created inside “{parent.name}”.")
            return redirect("participants:org_unit", unit.pk)
    return _tree_page(request, org, form, status=400)


def _unit_page(
    request: AuthenticatedHttpRequest, unit: OrgUnit, *, forms_: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    org = OrgTree.load()
    inside = org.subtree(unit.pk)
    people = Participant.objects.filter(org_unit_id__in=inside, user__is_active=True).select_related("user", "org_unit")
    page = Paginator(people.order_by("user__last_name", "user__first_name", "id"), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    direct, total = _head_counts(org)
    given = forms_ or {}
    context = {
        "unit": unit,
        "org": org,
        "label": org.label(unit.pk, with_root=True),
        "is_root": unit.parent_id is None,
        "children": [(pk, org.names[pk], total[pk]) for pk in sorted(org.children.get(unit.pk, []))],
        "left_here": Participant.objects.filter(org_unit_id__in=inside, user__is_active=False).count(),
        "direct": direct[unit.pk],
        "total": total[unit.pk],
        "page": page,
        "programs": list(unit.programs.order_by("name").values_list("name", flat=True)),
        "rename_form": given.get("rename") or NameForm(initial={"name": unit.name}),
        "move_form": given.get("move") or MoveForm(tree=org, unit=unit),
        "merge_form": given.get("merge") or MergeForm(tree=org, unit=unit),
        "delete_form": given.get("delete") or forms.Form(),
        "create_form": CreateForm(tree=org, initial={"parent": unit.pk}),
    }
    return render(request, "participants/org/unit.html", context, status=status)


@hr_admin_required
def unit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _unit_page(request, _unit_for(pk))


@require_POST
@hr_admin_required
def unit_change(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    unit = _unit_for(pk)
    if action not in ACTIONS:
        raise Http404("No such change.")
    org = OrgTree.load()
    by = request.user
    form: forms.Form
    if action == "rename":
        form = NameForm(request.POST)
    elif action == "move":
        form = MoveForm(request.POST, tree=org, unit=unit)
    elif action == "merge":
        form = MergeForm(request.POST, tree=org, unit=unit)
    else:
        form = forms.Form(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "rename":
                old = unit.name
                services.org_unit_rename(unit=unit, name=data["name"], by=by)
                messages.success(request, f"“{old}” is now called “{unit.name}”.")
            elif action == "move":
                services.org_unit_move(unit=unit, parent=_unit_for(data["parent"]), by=by)
                messages.success(request, f"“{unit.name}” moved. Everyone in it moved with it.")
            elif action == "merge":
                into = services.org_unit_merge(unit=unit, into=_unit_for(data["into"]), by=by)
                messages.success(request, f"“{unit.name}” merged into “{into.name}”; its people and sub-units moved.")
                return redirect("participants:org_unit", into.pk)
            else:
                parent = unit.parent_id
                services.org_unit_delete(unit=unit, by=by)
                messages.success(request, f"“{unit.name}” deleted.")
                return redirect("participants:org_unit", parent) if parent else redirect("participants:org_tree")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("participants:org_unit", unit.pk)
    unit.refresh_from_db()
    return _unit_page(request, unit, forms_={action: form}, status=400)
