"""The two people's view of their mentorship. The full workspace (goals, sessions, ratings) comes later."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mentorship.mentorships.models import Mentorship
from mentorship.participants.models import Participant
from pairing.explaining import why_you_two


def _participant(request: HttpRequest) -> Participant:
    participant = getattr(request.user, "participant", None)
    if participant is None:
        raise Http404("No such mentorship.")
    return participant


def _mentorship_for(request: HttpRequest, pk: int) -> Mentorship:
    """The mentorship, for its mentor or mentee only; everyone else gets 404 so it does not leak."""
    me = _participant(request)
    mentorship = (
        Mentorship.objects.select_related(
            "program", "mentor__user", "mentor__org_unit", "mentee__user", "mentee__org_unit", "proposal__run"
        )
        .filter(Q(mentor=me) | Q(mentee=me), pk=pk)
        .first()
    )
    if mentorship is None:
        raise Http404("No such mentorship.")
    return mentorship


@login_required
def mentorship_list(request: HttpRequest) -> HttpResponse:
    me = _participant(request)
    mentorships = (
        Mentorship.objects.filter(Q(mentor=me) | Q(mentee=me))
        .select_related("program", "mentor__user", "mentee__user")
        .order_by("-started_at", "-id")
    )
    rows = [(m, m.partner_of(me), "mentor" if m.mentor_id == me.pk else "mentee") for m in mentorships]
    return render(request, "mentorships/list.html", {"rows": rows})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = _mentorship_for(request, pk)
    me = _participant(request)
    partner = mentorship.partner_of(me)
    source = mentorship.proposal
    flows, factors, weights = [], {}, {}
    if source is not None:
        flows, factors, weights = source.flows, source.factors, source.run.parameters.get("weights", {})
    else:
        request_row = getattr(mentorship, "self_match_request", None)
        if request_row is not None:
            flows = request_row.flows
    why = why_you_two(viewer_id=me.pk, partner_name=partner.name, flows=flows, factors=factors, weights=weights)
    objectives = [line.strip() for line in mentorship.program.objectives.splitlines() if line.strip()]
    return render(
        request,
        "mentorships/detail.html",
        {
            "mentorship": mentorship,
            "partner": partner,
            "my_role": "mentor" if mentorship.mentor_id == me.pk else "mentee",
            "why": why,
            "objectives": objectives,
        },
    )
