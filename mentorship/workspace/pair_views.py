"""A person's mentorships, and each pair's workspace page.

The workspace page is for the pair's two people; the program's HR owners may read it too (no
forms, no private notes: those are their author's alone). Everyone else gets 404. The forms the
page links to live in mentorship.workspace.views; the pair itself in mentorship.mentorships.
"""

from typing import Any, NamedTuple

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.mentorships.models import Mentorship
from mentorship.participants.access import participant_or_404
from mentorship.participants.models import Participant
from mentorship.workspace import queries
from mentorship.workspace.access import Workspace, mentorship_for
from mentorship.workspace.forms import AgreementForm
from mentorship.workspace.models import FitAnswer, FitCheck, GoalStatus, MentoringSession, SessionRating
from pairing.engine.explain_for_pair import why_you_two
from skills.models import Skill

SESSIONS_PER_PAGE = 10


class SessionRow(NamedTuple):
    session: MentoringSession
    hr_ratings: list[SessionRating]  # empty for the pair: they never see each other's ratings


@login_required
def mentorship_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    me = participant_or_404(request)
    mentorships = (
        Mentorship.objects.filter(Q(mentor=me) | Q(mentee=me))
        .select_related("program", "mentor__user", "mentee__user")
        .order_by("-started_at", "-id")
    )
    rows = [(m, m.partner_of(me), "mentor" if m.mentor_id == me.pk else "mentee") for m in mentorships]
    return render(request, "mentorships/list.html", {"rows": rows})


def _why(mentorship: Mentorship, me: Participant, partner: Participant) -> list[str]:
    """ "Why you two", from the accepted proposal or the self-match request."""
    flows: list[dict[str, Any]] = []
    factors: dict[str, float] = {}
    weights: dict[str, float] = {}
    facts: dict[str, Any] = {}
    proposal = mentorship.proposal if mentorship.proposal_id else None
    if proposal is not None:
        flows, factors, weights = proposal.flows, proposal.factors, proposal.run.parameters.get("weights", {})
        facts = proposal.facts
    else:
        request_row = getattr(mentorship, "self_match_request", None)
        if request_row is not None:
            flows = request_row.flows
    return why_you_two(
        viewer_id=me.pk, partner_name=partner.name, flows=flows, factors=factors, weights=weights, facts=facts
    )


def _session_page(request: AuthenticatedHttpRequest, ws: Workspace) -> tuple[Page[Any], list[SessionRow]]:
    """One page of the session log. Members learn only whether *they* rated each session, never a
    trace of the partner's rating; HR owners get every rating of the sessions on the page."""
    sessions = (
        MentoringSession.objects.filter(mentorship=ws.mentorship)
        .select_related("logged_by__user", "confirmed_by__user", "corrected_by__user")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("name"), to_attr="skill_list"))
    )
    if ws.me is not None:
        sessions = sessions.annotate(
            rated_by_me=Exists(SessionRating.objects.filter(session=OuterRef("pk"), rater=ws.me))
        )
    page = Paginator(sessions.order_by("-held_on", "-id"), SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    ratings = queries.ratings_by_session([s.pk for s in page.object_list]) if ws.me is None else {}
    return page, [SessionRow(session, ratings.get(session.pk, [])) for session in page.object_list]


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The pair's workspace."""
    ws = mentorship_for(request.user, pk, hr_may_read=True)
    mentorship = ws.mentorship
    today = timezone.localdate()
    goals = list(queries.goals_of(mentorship))
    page, rows = _session_page(request, ws)
    context: dict[str, object] = {
        "ws": ws,
        "mentorship": mentorship,
        "objectives": [line.strip() for line in mentorship.program.objectives.splitlines() if line.strip()],
        "progress": queries.goal_progress(mentorship, goals),
        "cadence": queries.sessions_against_cadence(mentorship, today=today),
        "page": page,
        "session_rows": rows,
        "check_in_dates": queries.check_in_dates(mentorship),
        "can_add_goal": mentorship.is_active,
    }
    if ws.me is not None:
        partner = mentorship.partner_of(ws.me)
        my_fit = FitCheck.objects.filter(mentorship=mentorship, participant=ws.me).first()
        context.update(
            {
                "me": ws.me,
                "partner": partner,
                "my_role": "mentor" if mentorship.mentor_id == ws.me.pk else "mentee",
                "why": _why(mentorship, ws.me, partner),
                "due": queries.due_for(mentorship, ws.me, today=today),
                "my_fit": my_fit,
                "not_a_fit": my_fit is not None and my_fit.answer == FitAnswer.NOT_A_FIT,
                "hr_contacts": list(mentorship.program.owners.order_by("first_name", "last_name"))
                if my_fit is not None and my_fit.answer == FitAnswer.NOT_A_FIT
                else [],
                "agreement_form": AgreementForm(
                    initial={
                        "cadence_days": mentorship.effective_cadence_days,
                        "meeting_channel": mentorship.meeting_channel,
                    }
                ),
                "goal_statuses": GoalStatus.choices,
            }
        )
    else:
        context["hr_view"] = True
    return render(request, "mentorships/detail.html", context)
