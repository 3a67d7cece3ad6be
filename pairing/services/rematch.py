"""HR re-matches a person in a running program: their at-risk pair ends and they start with a new
partner the engine allows, scored and explained as in a match run, without waiting for the next
matching phase."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from mentorship.accounts.models import User
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record
from mentorship.mentorships.models import Mentorship
from mentorship.mentorships.services import mentorship_end_by_hr, mentorship_start
from mentorship.notifications.services import notify
from mentorship.participants.models import Participant
from mentorship.programs.models import ProgramStatus
from pairing.services.self_match import Suggestion, suggestions_for

REMATCH_STATUSES = (ProgramStatus.MATCHING, ProgramStatus.RUNNING)
CANDIDATES = 10


def rematch_refusal(mentorship: Mentorship) -> str | None:
    """Why this pair's mentee cannot be re-matched now, or None when they can."""
    if not mentorship.is_active:
        return "This pair has already ended."
    if mentorship.program.status not in REMATCH_STATUSES:
        return f"The program is {mentorship.program.get_status_display().lower()}: nobody starts a new pair in it."
    return None


def rematch_candidates(mentorship: Mentorship, limit: int = CANDIDATES) -> list[Suggestion]:
    """The best partners the program's rules allow for the pair's mentee, other than the current
    one, who have room for another pair: the engine's scores and reasons, best first."""
    found = suggestions_for(mentorship.program, mentorship.mentee, limit=limit + 1)
    return [s for s in found if s.partner_id != mentorship.mentor_id][:limit]


@transaction.atomic
def mentorship_rematch(*, mentorship: Mentorship, partner_id: int, reason: str, by: User) -> Mentorship:
    """End the pair (HR, with a reason) and pair its mentee with `partner_id`, who must still be an
    allowed partner with room. Both new partners are told; the trail records both steps."""
    refusal = rematch_refusal(mentorship)
    if refusal:
        raise ValidationError(refusal)
    chosen = next((s for s in rematch_candidates(mentorship) if s.partner_id == partner_id), None)
    if chosen is None:
        raise ValidationError({"partner": "That person can no longer take this pair: choose another partner."})
    mentee = mentorship.mentee
    mentorship_end_by_hr(
        mentorship=mentorship, by=by, reason=reason, what_next=f"{mentee.name} starts with {chosen.name} instead. "
    )
    partner = Participant.objects.select_related("user").get(pk=partner_id)
    new = mentorship_start(program=mentorship.program, mentor=partner, mentee=mentee)
    for person in (partner, mentee):
        notify(
            recipient=person.user,
            kind="mentorship_started",
            title=f"A new mentorship in {mentorship.program.name}",
            body=f"HR paired {partner.name} with {mentee.name}. Agree your first session and your goals.",
            url=reverse("mentorships:detail", args=[new.pk]),
            dedupe_key=f"mentorship:{new.pk}:started:{person.pk}",
        )
    audit_record(
        action=Action.PAIR_REMATCHED,
        actor=by,
        program=mentorship.program,
        subject=mentee.user,
        obj=new,
        summary=f"Re-matched after pair {mentorship.pk} ended",  # ids only: the trail keeps no names
    )
    return new
