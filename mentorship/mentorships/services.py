"""Every write to mentorships goes through these functions."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record
from mentorship.mentorships.models import EndReason, Mentorship, MentorshipStatus
from mentorship.notifications.services import notify
from mentorship.participants.models import Participant
from mentorship.participants.roles import is_hr_admin
from mentorship.programs.models import Enrollment, EnrollmentRole, Program
from mentorship.programs.services import changeable_program_ids

TEACHING_ROLES = (EnrollmentRole.MENTOR, EnrollmentRole.BOTH)
# Reciprocal and peer pairs have no sides: the engine calls whoever gives more the mentor, and
# everyone is in at most one pair.


def active_mentorships(program: Program) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE)


@transaction.atomic
def mentorship_start(
    *, program: Program, mentor: Participant, mentee: Participant, proposal_id: int | None = None
) -> Mentorship:
    """Make the pair an active mentorship, respecting the mentor's capacity.

    Both enrollment rows are locked (in id order, so two acceptances never deadlock), so two
    acceptances for the same mentor queue up and the second counts the first one's mentorship.
    The mentee side is also guarded by a unique constraint: one active mentorship per mentee per
    program, whatever path created it.
    """
    if mentor.pk == mentee.pk:
        raise ValidationError("Nobody can mentor themselves.")
    enrollments = {
        e.participant_id: e
        for e in Enrollment.objects.select_for_update()
        .filter(program=program, participant__in=[mentor.pk, mentee.pk], withdrawn_at=None)
        .order_by("pk")
    }
    mentor_enrollment, mentee_enrollment = enrollments.get(mentor.pk), enrollments.get(mentee.pk)
    general = program.is_general
    if mentor_enrollment is None or (not general and mentor_enrollment.role not in TEACHING_ROLES):
        raise ValidationError(f"{mentor.name} is not enrolled to teach in this program any more.")
    if mentee_enrollment is None:
        raise ValidationError(f"{mentee.name} is not enrolled in this program any more.")
    active = active_mentorships(program)
    if general:
        for person in (mentor, mentee):
            if active.filter(Q(mentor=person) | Q(mentee=person)).exists():
                raise ValidationError(f"{person.name} already has an active pair in this program.")
    elif active.filter(mentor=mentor).count() >= mentor_enrollment.capacity:
        raise ValidationError(
            f"{mentor.name} already mentors as many people as they offered "
            f"({mentor_enrollment.capacity}) in this program."
        )
    try:
        with transaction.atomic():
            return Mentorship.objects.create(
                program=program, mentor=mentor, mentee=mentee, proposal_id=proposal_id, started_at=timezone.now()
            )
    except IntegrityError as error:
        if active.filter(mentee=mentee).exists():
            raise ValidationError(f"{mentee.name} already has an active mentorship in this program.") from error
        raise


# The early-end reasons as HR reads them: about the pair, not from it.
HR_END_REASONS = {
    EndReason.SCHEDULE: "They could not find time to meet",
    EndReason.NOT_A_FIT: "They were not a good fit",
    EndReason.ROLE_CHANGE: "One of them changed role",
    EndReason.LEFT: "One of them left the organisation",
    EndReason.OTHER: "Another reason",
}


def hr_may_change_pair(user: Any, mentorship: Mentorship) -> bool:
    """HR may end or re-match an active pair of a program they may change (its owners, or any HR
    admin when the setting says so). The at-risk table asks `changeable_program_ids` for the
    same rule, so it shows End and Re-match exactly where these views admit the viewer."""
    return bool(mentorship.is_active and is_hr_admin(user) and mentorship.program_id in changeable_program_ids(user))


@transaction.atomic
def mentorship_end_by_hr(*, mentorship: Mentorship, by: User, reason: str, what_next: str = "") -> Mentorship:
    """HR ends an active pair early, with a reason: both people are told (and asked for the final
    check-in, as when one of them ends it), and the audit trail records who did it."""
    locked = Mentorship.objects.select_for_update().select_related("program", "mentor__user", "mentee__user")
    locked_pair = locked.get(pk=mentorship.pk)
    if not locked_pair.is_active:
        raise ValidationError("This pair has already ended.")
    if reason not in HR_END_REASONS:
        raise ValidationError({"reason": "Choose why the pair ends from the list."})
    locked_pair.status, locked_pair.ended_at, locked_pair.end_reason = (
        MentorshipStatus.ENDED_EARLY,
        timezone.now(),
        reason,
    )
    locked_pair.save(update_fields=["status", "ended_at", "end_reason"])
    for person in (locked_pair.mentor, locked_pair.mentee):
        notify(
            recipient=person.user,
            kind="mentorship_ended",
            title=f"HR ended your mentorship in {locked_pair.program.name}",
            body=(
                f"HR ended the pair of {locked_pair.mentor.name} and {locked_pair.mentee.name} "
                f"({HR_END_REASONS[EndReason(reason)].lower()}). {what_next}"
                "Please answer the final check-in: it takes two minutes and shows what you both gained."
            ),
            url=reverse("workspace:check_in", args=[locked_pair.pk, "final"]),
            dedupe_key=f"ended:{locked_pair.pk}:{person.pk}",
        )
    audit_record(
        action=Action.PAIR_ENDED_BY_HR,
        actor=by,
        program=locked_pair.program,
        obj=locked_pair,
        summary=HR_END_REASONS[EndReason(reason)],
    )
    mentorship.status, mentorship.ended_at, mentorship.end_reason = (
        locked_pair.status,
        locked_pair.ended_at,
        locked_pair.end_reason,
    )
    return mentorship
