"""Every write to mentorships goes through these functions."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.participants.models import Participant
from mentorship.programs.models import Enrollment, EnrollmentRole, Program

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
