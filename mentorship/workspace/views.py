"""The pair's forms: goals, the agreement, sessions (log, confirm, correct, rate, private note),
the fit check, check-ins and ending. The workspace page itself is mentorships:detail.

Only the two people write; the program's HR owners may read a session (with every rating, never
a private note); everyone else gets 404 (see access.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.core.forms import add_service_errors
from mentorship.participants.models import Participant
from mentorship.workspace import queries, services
from mentorship.workspace.access import Workspace, mentorship_for
from mentorship.workspace.forms import (
    AgreementForm,
    CheckInForm,
    EndForm,
    FitCheckForm,
    GoalForm,
    GoalProgressForm,
    PrivateNoteForm,
    RatingForm,
    SessionForm,
)
from mentorship.workspace.models import (
    CheckIn,
    CheckInKind,
    FitAnswer,
    FitCheck,
    Goal,
    GoalStatus,
    MentoringSession,
    PrivateNote,
    SessionRating,
)


def _member(request: AuthenticatedHttpRequest, mentorship_pk: int) -> tuple[Workspace, Participant]:
    """The workspace for one of its two people (404 for anyone else, HR owners included: they read,
    they never write)."""
    ws = mentorship_for(request.user, mentorship_pk)
    if ws.me is None:  # cannot happen without hr_may_read; kept so the type is narrowed honestly
        raise Http404("No such mentorship.")
    return ws, ws.me


def _session(
    request: AuthenticatedHttpRequest, pk: int, *, hr_may_read: bool = False
) -> tuple[MentoringSession, Workspace]:
    mentorship_pk = MentoringSession.objects.filter(pk=pk).values_list("mentorship_id", flat=True).first()
    if mentorship_pk is None:
        raise Http404("No such session.")
    ws = mentorship_for(request.user, mentorship_pk, hr_may_read=hr_may_read)
    session = MentoringSession.objects.select_related(
        "logged_by__user", "confirmed_by__user", "corrected_by__user"
    ).get(pk=pk)
    session.mentorship = ws.mentorship
    return session, ws


def _my_session(request: AuthenticatedHttpRequest, pk: int) -> tuple[MentoringSession, Workspace, Participant]:
    session, ws = _session(request, pk)
    if ws.me is None:
        raise Http404("No such session.")
    return session, ws, ws.me


def _goal(request: AuthenticatedHttpRequest, pk: int) -> tuple[Goal, Workspace, Participant]:
    mentorship_pk = Goal.objects.filter(pk=pk).values_list("mentorship_id", flat=True).first()
    if mentorship_pk is None:
        raise Http404("No such goal.")
    ws, me = _member(request, mentorship_pk)
    goal = Goal.objects.select_related("skill", "learner__user").get(pk=pk)
    goal.mentorship = ws.mentorship
    return goal, ws, me


def _workspace_url(mentorship_pk: int) -> str:
    return reverse("mentorships:detail", args=[mentorship_pk])


def _ended(request: AuthenticatedHttpRequest, ws: Workspace) -> HttpResponse | None:
    """Back to the workspace, with a word why, when the pair has ended: its record is settled."""
    if ws.mentorship.is_active:
        return None
    messages.info(request, "This mentorship has ended, so its goals, sessions and agreement stay as they are.")
    return redirect(_workspace_url(ws.mentorship.pk))


# --- Goals ---------------------------------------------------------------------------------------


@login_required
def goal_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ws, me = _member(request, pk)
    if (ended := _ended(request, ws)) is not None:
        return ended
    learners = queries.learner_choices(ws.mentorship)
    form = GoalForm(request.POST or None, mentorship=ws.mentorship, learners=learners, goal=None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.goal_create(
                mentorship=ws.mentorship,
                by=me,
                learner=form.chosen_learner(),
                title=data["title"],
                due_on=data["due_on"],
                skill=data["skill"],
                from_level=data["from_level"],
                target_level=data["target_level"],
                progress_notes=data["progress_notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Goal added.")
            return redirect(f"{_workspace_url(pk)}#goals")
    return render(request, "workspace/goal_form.html", {"ws": ws, "form": form, "goal": None}, status=_status(form))


@login_required
def goal_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    goal, ws, me = _goal(request, pk)
    if (ended := _ended(request, ws)) is not None:
        return ended
    initial = {
        "title": goal.title,
        "skill": goal.skill_id,
        "from_level": goal.from_level,
        "target_level": goal.target_level,
        "due_on": goal.due_on,
        "status": goal.status,
        "progress_notes": goal.progress_notes,
    }
    form = GoalForm(request.POST or None, initial=initial, mentorship=ws.mentorship, learners=[goal.learner], goal=goal)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.goal_update(
                goal=goal,
                by=me,
                title=data["title"],
                due_on=data["due_on"],
                skill=data["skill"],
                from_level=data["from_level"],
                target_level=data["target_level"],
                status=data["status"] or goal.status,
                progress_notes=data["progress_notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Goal saved.")
            return redirect(f"{_workspace_url(ws.mentorship.pk)}#goals")
    return render(request, "workspace/goal_form.html", {"ws": ws, "form": form, "goal": goal}, status=_status(form))


@require_POST
@login_required
def goal_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The inline quick edit on the workspace page: htmx swaps the goal card; without JS, back to
    the page."""
    goal, ws, me = _goal(request, pk)
    form = GoalProgressForm(request.POST)
    if form.is_valid():
        try:
            services.goal_progress_update(
                goal=goal, by=me, status=form.cleaned_data["status"], progress_notes=form.cleaned_data["progress_notes"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
    if not request.htmx:
        if form.errors:
            for problems in form.errors.values():
                messages.error(request, " ".join(str(problem) for problem in problems))
        else:
            messages.success(request, "Progress saved.")
        return redirect(f"{_workspace_url(ws.mentorship.pk)}#goal-{goal.pk}")
    (row,) = queries.goal_progress(ws.mentorship, [goal])
    return render(
        request,
        "mentorships/detail.html#goal",
        {
            "ws": ws,
            "mentorship": ws.mentorship,
            "row": row,
            "goal_statuses": GoalStatus.choices,
            "progress_errors": form.errors,
            "saved": not form.errors,
        },
        status=_status(form),
    )


# --- The agreement -------------------------------------------------------------------------------


@login_required
def agreement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ws, me = _member(request, pk)
    if (ended := _ended(request, ws)) is not None:
        return ended
    initial = {"cadence_days": ws.mentorship.effective_cadence_days, "meeting_channel": ws.mentorship.meeting_channel}
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(mentorship=ws.mentorship, by=me, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your agreement is saved.")
            return redirect(f"{_workspace_url(pk)}#agreement")
    return render(request, "workspace/agreement.html", {"ws": ws, "form": form}, status=_status(form))


# --- Sessions ------------------------------------------------------------------------------------


@login_required
def session_log(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ws, me = _member(request, pk)
    if (ended := _ended(request, ws)) is not None:
        return ended
    form = SessionForm(
        request.POST or None,
        skill_ids=services.goal_skill_ids(ws.mentorship),
        initial={"held_on": timezone.localdate(), "duration_minutes": 60},
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_log(mentorship=ws.mentorship, by=me, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Session logged. {ws.partner.name if ws.partner else 'Your partner'} will be asked to confirm it.",
            )
            return redirect("workspace:session_rate", session.pk)
    return render(
        request, "workspace/session_form.html", {"ws": ws, "form": form, "session": None}, status=_status(form)
    )


@login_required
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session, ws = _session(request, pk, hr_may_read=True)
    context: dict[str, object] = {"ws": ws, "session": session, "skills": list(session.skills.order_by("name"))}
    if ws.me is not None:
        note = PrivateNote.objects.filter(session=session, author=ws.me).first()
        context["my_rating"] = SessionRating.objects.filter(session=session, rater=ws.me).first()
        context["note_form"] = PrivateNoteForm(initial={"text": note.text if note else ""})
        context["can_confirm"] = session.confirmed_at is None and session.logged_by_id != ws.me.pk
    else:
        # The program's HR owners: every rating of the session, never a private note.
        context["ratings"] = list(session.ratings.select_related("rater__user").order_by("rater__user__first_name"))
    return render(request, "workspace/session_detail.html", context)


@require_POST
@login_required
def session_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session, ws, me = _my_session(request, pk)
    try:
        services.session_confirm(session=session, by=me)
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(" ".join(error.messages), status=400)
        messages.error(request, " ".join(error.messages))
    else:
        if not request.htmx:
            messages.success(request, "Session confirmed. Thank you.")
    if request.htmx:
        return render(request, "workspace/_confirmation.html", {"ws": ws, "session": session})
    return redirect("workspace:session_detail", pk)


@login_required
def session_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session, ws, me = _my_session(request, pk)
    if session.confirmed_at is not None:
        messages.info(request, "This session is confirmed, so its details are settled.")
        return redirect("workspace:session_detail", pk)
    correcting = session.logged_by_id != me.pk
    form = SessionForm(
        request.POST or None,
        skill_ids=services.goal_skill_ids(ws.mentorship) | {s.pk for s in session.skills.all()},
        with_private_note=False,
        initial=SessionForm.initial_from(session),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, by=me, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Session corrected and confirmed." if correcting else "Session saved.")
            return redirect("workspace:session_detail", pk)
    return render(
        request,
        "workspace/session_form.html",
        {"ws": ws, "form": form, "session": session, "correcting": correcting},
        status=_status(form),
    )


@require_POST
@login_required
def session_private_note(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session, _ws, me = _my_session(request, pk)
    form = PrivateNoteForm(request.POST)
    if form.is_valid():
        services.private_note_set(session=session, author=me, text=form.cleaned_data["text"])
        messages.success(
            request, "Your private note is saved." if form.cleaned_data["text"] else "Private note deleted."
        )
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("text", [])) or "Please check your note.")
    return redirect("workspace:session_detail", pk)


@login_required
def session_rate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session, ws, me = _my_session(request, pk)
    existing = SessionRating.objects.filter(session=session, rater=me).first()
    form = RatingForm(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services.session_rate(session=session, rater=me, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you. Only you and the program's HR team see your rating.")
            return redirect("workspace:session_detail", pk)
    return render(
        request,
        "workspace/session_rate.html",
        {"ws": ws, "session": session, "form": form, "existing": existing},
        status=_status(form),
    )


# --- Fit, check-ins, ending ----------------------------------------------------------------------


@login_required
def fit_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ws, me = _member(request, pk)
    current = FitCheck.objects.filter(mentorship=ws.mentorship, participant=me).first()
    form = FitCheckForm(
        request.POST or None, initial={"answer": current.answer, "comment": current.comment} if current else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            fit = services.fit_check_answer(mentorship=ws.mentorship, participant=me, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if fit.answer == FitAnswer.NOT_A_FIT:
                messages.warning(
                    request,
                    "Thank you for saying so. The program's HR team has been told; ask them for a re-match.",
                )
            else:
                messages.success(request, "Thank you.")
            return redirect(_workspace_url(pk))
    met = ws.mentorship.sessions.exists()
    return render(
        request,
        "workspace/fit_check.html",
        {"ws": ws, "form": form, "current": current, "met": met},
        status=_status(form),
    )


@login_required
def check_in(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in CheckInKind.values:
        raise Http404("No such check-in.")
    ws, me = _member(request, pk)
    partner = ws.mentorship.partner_of(me)
    done = CheckIn.objects.filter(mentorship=ws.mentorship, participant=me, kind=kind).first()
    by_learner = queries.goal_skills_by_learner(ws.mentorship)
    own_skills, partner_skills = by_learner.get(me.pk, []), by_learner.get(partner.pk, [])
    form = CheckInForm(
        request.POST or None,
        own_skills=own_skills,
        partner_skills=partner_skills,
        partner_name=partner.name,
        current=queries.current_levels(me, [s.pk for s in own_skills]),
    )
    is_open = queries.check_in_open(ws.mentorship, kind, today=timezone.localdate())
    if request.method == "POST" and done is None and is_open and form.is_valid():
        try:
            services.check_in_submit(
                mentorship=ws.mentorship,
                participant=me,
                kind=kind,
                relationship_rating=form.cleaned_data["relationship_rating"],
                would_recommend=form.cleaned_data["would_recommend"],
                comment=form.cleaned_data["comment"],
                own_levels=form.own_levels(),
                partner_levels=form.partner_levels(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you. Your skill levels are updated in your inventory.")
            return redirect(_workspace_url(pk))
    return render(
        request,
        "workspace/check_in.html",
        {
            "ws": ws,
            "form": form,
            "kind": CheckInKind(kind),
            "done": done,
            "is_open": is_open,
            "dates": queries.check_in_dates(ws.mentorship),
            "partner": partner,
        },
        status=_status(form),
    )


@login_required
def end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ws, me = _member(request, pk)
    if not ws.mentorship.is_active:
        messages.info(request, "This mentorship has already ended.")
        return redirect(_workspace_url(pk))
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentorship_end(
                mentorship=ws.mentorship,
                by=me,
                completed=form.cleaned_data["outcome"] == "completed",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your mentorship has ended. One last step: the final check-in.")
            return redirect("workspace:check_in", pk, CheckInKind.FINAL)
    return render(request, "workspace/end.html", {"ws": ws, "form": form}, status=_status(form))


def _status(form: object) -> int:
    """400 for a posted form with errors, so tests and htmx can tell a failed post from a page."""
    return 400 if getattr(form, "is_bound", False) and getattr(form, "errors", None) else 200
