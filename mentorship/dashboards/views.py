"""Dashboard pages. Each answers 404 to people who may not see it, so its existence does not leak.

- HR admins: every program (`hr`), one program as a printable report (`program`), and the
  comparison of approaches (`compare`).
- Managers: their reporting subtree (`team`), or the subtree of someone in it (`team_of`),
  aggregated and protected by the privacy threshold.
- Everyone: their own progress (`mine`).
Every table downloads as CSV with `?format=csv&table=<name>`, with the page's privacy rules.
"""

import csv
from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import BigIntegerField, BooleanField, CharField, Count, Q, Value
from django.db.models.functions import Concat
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record
from mentorship.core.hostile import spreadsheet_safe
from mentorship.dashboards import disclosure, evidence, queries, reports
from mentorship.dashboards.cache import cached
from mentorship.dashboards.forms import FilterForm
from mentorship.dashboards.scope import Scope
from mentorship.dashboards.tables import Dashboard
from mentorship.mentorships.models import Mentorship
from mentorship.participants.access import hr_admin_required, participant_or_404
from mentorship.participants.models import OrgUnit, Participant
from mentorship.participants.orgtree import OrgTree
from mentorship.participants.reporting import ReportingLines
from mentorship.participants.roles import remember_manager
from mentorship.programs.models import Enrollment, Program
from mentorship.programs.services import changeable_program_ids


def _tree() -> OrgTree:
    return OrgTree(OrgUnit.objects.values_list("id", "name", "parent_id"))


def _tree_and_programs() -> tuple[OrgTree, list[tuple[int, str]], dict[int, str]]:
    """The org tree, the programs for the filters and each program's kind, read in one query
    (UNION ALL), so the page's query budget goes to its figures."""
    units = OrgUnit.objects.annotate(
        is_program=Value(False, output_field=BooleanField()), kind=Value("", output_field=CharField())
    ).values_list("is_program", "id", "name", "parent_id", "kind")
    programs = Program.objects.annotate(
        is_program=Value(True, output_field=BooleanField()), parent=Value(None, output_field=BigIntegerField())
    ).values_list("is_program", "id", "name", "parent", "kind")
    rows = list(units.order_by().union(programs.order_by(), all=True).order_by("is_program", "name", "id"))
    tree = OrgTree((pk, name, parent) for is_program, pk, name, parent, _ in rows if not is_program)
    kinds = {pk: kind for is_program, pk, _, _, kind in rows if is_program}
    return tree, [(pk, name) for is_program, pk, name, _, _ in rows if is_program], kinds


def _scope(filters: dict[str, Any], tree: OrgTree, **fixed: Any) -> Scope:
    unit = filters.get("unit")
    chosen: dict[str, Any] = {
        "units": tree.descendants(unit) if unit else None,
        "units_focus": unit,
        "program": filters.get("program"),
        "kind": filters.get("kind") or None,
        "start": filters.get("start"),
        "end": filters.get("end"),
    }
    return Scope(**(chosen | fixed))


def _only(request: AuthenticatedHttpRequest) -> str | None:
    """The one table a CSV export asks for: only the queries behind it need to run."""
    return request.GET.get("table", "") if request.GET.get("format") == "csv" else None


def _page(
    request: AuthenticatedHttpRequest,
    template: str,
    dashboard: Dashboard,
    form: FilterForm,
    filename: str,
    **context: Any,
) -> HttpResponse:
    if request.GET.get("format") == "csv":
        return _csv(dashboard, request.GET.get("table", ""), filename)
    query = urlencode({name: value for name, value in request.GET.items() if name not in ("format", "table")})
    # The at-risk list offers End and Re-match only for programs the viewer may change (the rule
    # of `hr_may_change_pair`), read once and only when the list has rows.
    changeable = SimpleLazyObject(lambda: changeable_program_ids(request.user))
    return render(
        request,
        template,
        {
            "dashboard": dashboard,
            "form": form,
            "query": query,
            "filtered": bool(form.filters()),
            "changeable_programs": changeable,
            **context,
        },
    )


def _csv(dashboard: Dashboard, name: str, filename: str) -> HttpResponse:
    table = dashboard.table(name)
    if table is None:
        raise Http404("No such table.")
    audit_record(action=Action.DASHBOARD_CSV, summary=f"{filename}: {table.name}")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{table.name}.csv"'
    writer = csv.writer(response)
    for row in table.csv_rows():
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


@require_GET
@hr_admin_required
def hr(request: AuthenticatedHttpRequest) -> HttpResponse:
    tree, programs, _ = _tree_and_programs()
    form = FilterForm(request.GET or None, programs=programs, units=tree.choices())
    scope = _scope(form.filters(), tree)
    dashboard = reports.engagement(scope, tree, at_risk_list=True, only=_only(request))
    return _page(request, "dashboards/hr.html", dashboard, form, "engagement")


@require_GET
@hr_admin_required
def program(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    tree = _tree()
    form = FilterForm(request.GET or None, units=tree.choices())
    scope = _scope(form.filters(), tree, program=program.pk)
    only = _only(request)
    dashboard = reports.engagement(scope, tree, at_risk_list=True, only=only)
    _add_evidence(dashboard, scope, only, tables=("effects_by_approach_and_category",))
    return _page(request, "dashboards/program.html", dashboard, form, f"program-{program.pk}", program=program)


@require_GET
@hr_admin_required
def compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    tree = _tree()
    form = FilterForm(request.GET or None, units=tree.choices())
    scope = _scope(form.filters(), tree)
    only = _only(request)
    dashboard = reports.comparison(scope, only=only)
    _add_evidence(dashboard, scope, only, tables=evidence.TABLES)
    return _page(request, "dashboards/compare.html", dashboard, form, "approaches", kinds=reports.KINDS)


def _add_evidence(dashboard: Dashboard, scope: Scope, only: str | None, *, tables: tuple[str, ...]) -> None:
    """The reading on skill growth and its tables (`evidence`), unless a CSV asks for another table."""
    if only is not None and only not in tables:
        return
    found = cached("evidence", (scope,), lambda: evidence.build(scope))
    dashboard.reading = found.reading
    dashboard.tables |= {name: found.tables[name] for name in tables if only in (None, name)}


def _org_people() -> tuple[ReportingLines, dict[int, int | None]]:
    """Everyone's manager (as reporting lines) and org unit, from one query."""
    managers: dict[int, int | None] = {}
    units_of: dict[int, int | None] = {}
    for pk, manager, unit in Participant.objects.values_list("id", "manager_id", "org_unit_id"):
        managers[pk] = manager
        units_of[pk] = unit
    return ReportingLines(managers), units_of


def _subtree(
    request: AuthenticatedHttpRequest, lead_pk: int | None
) -> tuple[Participant, ReportingLines, dict[int, str], dict[int, int | None]]:
    """The manager, the reporting lines and everyone's org unit (cached with the figures:
    numbering a large organisation costs more than a dashboard served from the cache), and names
    for the team being viewed (its lead and the lead's direct reports). 404 for anyone who
    manages nobody."""
    me = participant_or_404(request)
    lead_pk = lead_pk or me.pk
    lines, units_of = cached("org-people", (), _org_people)
    if not lines.below(me.pk):
        raise Http404("No such page.")
    name = Concat("user__first_name", Value(" "), "user__last_name", output_field=CharField())
    rows = Participant.objects.filter(Q(manager_id=lead_pk) | Q(pk=lead_pk)).annotate(label=name)
    labels = {pk: label.strip() for pk, label in rows.values_list("id", "label") if label.strip()}
    remember_manager(request.user)  # the navigation need not ask again
    return me, lines, labels, units_of


def _team_units(
    offered: Collection[int], team: frozenset[int], tree: OrgTree, units_of: Mapping[int, int | None]
) -> set[int]:
    """The offered units that say something about the team: not one that holds all of it ("Every
    unit" is that view) nor a unit above the team's own that holds the same people as one of them
    (Sales when the team's people there are all in Sales / EMEA): those list units beyond the team."""
    chains = {person: set(tree.ancestors(units_of.get(person))) for person in team}
    groups: dict[frozenset[int], int] = {}
    for unit in sorted(offered):
        group = frozenset(person for person, chain in chains.items() if unit in chain)
        if not group or group == team:
            continue
        kept = groups.get(group)
        if kept is None or len(tree.ancestors(unit)) > len(tree.ancestors(kept)):
            groups[group] = unit
    return set(groups.values())


@require_GET
@login_required
def team(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """A manager's subtree, or a sub-team in it, through the filter values privacy offers them
    (see privacy: no set of these views describes fewer than the threshold's people)."""
    me, lines, labels, units_of = _subtree(request, pk)
    subtree = frozenset(lines.below(me.pk))
    tree, programs, kinds = _tree_and_programs()
    # Cached like the lines it is drawn from: it reads the whole subtree's enrolments, pairs and
    # goals, which a page served from the cache would otherwise still pay for on every view.
    offer = cached(
        "offer",
        (me.pk,),
        lambda: disclosure.manager_offer(me=me.pk, lines=lines, units_of=units_of, tree=tree, program_kinds=kinds),
    )
    team_people = None
    if pk is not None:
        # Only a sub-team offered to me: any other team does not exist for me.
        if pk not in offer.teams:
            raise Http404("No such team.")
        team_people = frozenset(lines.below(pk))
    lead = pk or me.pk
    sub_teams = sorted(
        ((person, label) for person, label in labels.items() if person != lead and person in offer.teams),
        key=lambda item: item[1].lower(),
    )
    team_units = _team_units(offer.units, subtree, tree, units_of)
    form = FilterForm(
        request.GET or None,
        programs=[(value, name) for value, name in programs if value in offer.programs],
        units=[(value, name) for value, name in tree.choices() if value in team_units],
        kinds=offer.kinds,
        dates=False,
    )
    scope = _scope(form.filters(), tree, base_people=subtree, team_people=team_people, protect=True)
    only = _only(request)
    guard = disclosure.view_disclosure(scope, offer, tree, units_of=units_of, program_kinds=kinds, only=only)
    dashboard = reports.engagement(scope, tree, only=only, disclosure=guard)
    return _page(
        request,
        "dashboards/team.html",
        dashboard,
        form,
        "team",
        team_size=len(team_people if team_people is not None else subtree),
        lead_name=labels.get(pk) if pk else None,
        sub_teams=sub_teams,
        withheld=offer.withheld,
    )


@require_GET
@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My own progress in every program: no privacy threshold, it is all mine."""
    me = participant_or_404(request)
    enrollments = list(
        Enrollment.objects.filter(participant=me).select_related("program").order_by("-created_at", "-id")
    )
    mentorships = list(
        Mentorship.objects.filter(Q(mentor=me) | Q(mentee=me))
        .select_related("program", "mentor__user", "mentee__user")
        .annotate(held=Count("sessions", distinct=True))
        .order_by("-started_at", "-id")
    )
    today = timezone.localdate()
    rows = []
    for mentorship in mentorships:
        last = timezone.localdate(mentorship.ended_at) if mentorship.ended_at else today
        days = (last - timezone.localdate(mentorship.started_at)).days + 1
        cadence = mentorship.effective_cadence_days
        rows.append(
            {
                "mentorship": mentorship,
                "partner": mentorship.partner_of(me),
                "role": "mentor" if mentorship.mentor_id == me.pk else "mentee",
                "held": mentorship.held,
                "due": days // cadence,
                "cadence": cadence,
            }
        )
    goals = queries.own_goals(me.pk)
    return render(
        request,
        "dashboards/mine.html",
        {"enrollments": enrollments, "rows": rows, "goals": goals},
    )
