"""The start page (core:home): what each role does next. It lives with pairing, the lowest layer
that knows everything it shows: the profile, the skill inventory, the programs, their pools and the
matches waiting for an answer."""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.participants.access import participant_or_404
from mentorship.participants.roles import is_hr_admin, is_manager
from mentorship.programs.eligibility import programs_open_to
from mentorship.programs.models import Enrollment, Program, ProgramStatus
from pairing.models import Proposal, ProposalStatus, Response
from skills.models import SkillSuggestion, SuggestionStatus

# Fewer inventory lines than this and matching has little to go on.
USEFUL_INVENTORY_SIZE = 5


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Tells each role what to do next: fill the profile and skills, join a program, run one."""
    participant = participant_or_404(request)
    hr = is_hr_admin(request.user)
    enrollments = list(Enrollment.objects.filter(participant=participant, withdrawn_at=None).select_related("program"))
    enrolled_ids = {e.program_id for e in enrollments}
    open_programs = [p for p in programs_open_to(participant, today=timezone.localdate()) if p.pk not in enrolled_ids]
    awaiting = (
        Proposal.objects.filter(status=ProposalStatus.PUBLISHED)
        .filter(
            Q(mentor=participant, mentor_response=Response.PENDING)
            | Q(mentee=participant, mentee_response=Response.PENDING)
        )
        .select_related("run__program", "mentor__user", "mentee__user")
        .order_by("pk")
    )
    context: dict[str, Any] = {
        "participant": participant,
        # A published match waiting for this person's answer comes first: nothing else moves until then.
        "awaiting_matches": [(p, p.mentee if p.mentor_id == participant.pk else p.mentor) for p in awaiting],
        "is_hr_admin": hr,
        "is_manager": is_manager(request.user),
        "report_count": participant.reports.count(),
        "profile_gaps": _profile_gaps(participant),
        "skill_count": participant.skill_entries.count(),
        "useful_inventory_size": USEFUL_INVENTORY_SIZE,
        "enrollments": enrollments,
        "open_programs": open_programs,
        "privacy_threshold": settings.PRIVACY_THRESHOLD,
    }
    if hr:
        context["hr_programs"] = list(
            Program.objects.exclude(status=ProgramStatus.CLOSED)
            .annotate(people=Count("enrollments", filter=Q(enrollments__withdrawn_at=None)))
            .order_by("status", "name")[:8]
        )
        context["pending_suggestions"] = SkillSuggestion.objects.filter(status=SuggestionStatus.PENDING).count()
    return render(request, "core/home.html", context)


def _profile_gaps(participant: Any) -> list[str]:
    gaps = []
    if not participant.bio:
        gaps.append("a short bio")
    if not participant.languages:
        gaps.append("the languages you speak")
    if participant.manager_id is None:
        gaps.append("your manager")
    if any(answer is None for *_, answer in participant.work_style):
        gaps.append("the work-style questions")
    return gaps
