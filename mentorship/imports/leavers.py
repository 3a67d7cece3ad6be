"""Leavers: people a full-list import no longer lists. Nothing is deleted.

Deactivating a person turns off their login (Django refuses inactive users at sign-in and on
every request of a session they still hold), takes them out of every pool (their enrollments in
programs that are not closed are withdrawn; proposals waiting for them are withdrawn too), and
ends their active mentorships with the reason "left the organisation", which their partner and
the program's HR owners are told in their inbox and by email. Their history stays for the
dashboards. A later file that lists them again reactivates them (their account and profile; they
enroll again themselves).
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from mentorship.accounts.models import User
from mentorship.mentorships.models import EndReason, Mentorship, MentorshipStatus
from mentorship.notifications.services import notify
from mentorship.participants.models import Participant
from mentorship.programs.models import Enrollment, ProgramStatus


@dataclass(frozen=True)
class Leaver:
    participant_id: int
    user_id: int
    email: str
    name: str
    org_unit_id: int | None


def leavers_find(*, listed: Collection[str], keep: Iterable[int] = ()) -> list[Leaver]:
    """Active people whose (lower-cased) email is not in `listed`: one query.

    Superusers (the people who run the installation) and the users in `keep` (whoever uploads the
    file) are never counted as leavers, so a full list cannot lock HR out of the app.
    """
    rows = (
        Participant.objects.filter(user__is_active=True, user__is_superuser=False)
        .exclude(user_id__in=list(keep))
        .order_by("user__last_name", "user__first_name", "id")
        .values_list("id", "user_id", Lower("user__email"), "user__first_name", "user__last_name", "org_unit_id")
    )
    return [
        Leaver(pk, user_id, email, f"{first} {last}".strip() or email, unit)
        for pk, user_id, email, first, last, unit in rows
        if email not in listed
    ]


def leavers_deactivate(*, leavers: Collection[Leaver], now: datetime, by: User | None) -> int:
    """Deactivate `leavers` in a fixed number of queries plus one notification per person told.
    Returns how many active mentorships ended."""
    if not leavers:
        return 0
    from pairing.models import Proposal, ProposalStatus  # pairing builds on this app's neighbours

    participant_ids = [leaver.participant_id for leaver in leavers]
    User.objects.filter(pk__in=[leaver.user_id for leaver in leavers]).update(is_active=False)
    Participant.objects.filter(pk__in=participant_ids).update(left_at=now, updated_at=now)
    Enrollment.objects.filter(participant_id__in=participant_ids, withdrawn_at=None).exclude(
        program__status=ProgramStatus.CLOSED
    ).update(withdrawn_at=now, updated_at=now)
    involved = Q(mentor_id__in=participant_ids) | Q(mentee_id__in=participant_ids)
    for status, changes in (
        (ProposalStatus.PROPOSED, {"status": ProposalStatus.REMOVED, "removed_by": by}),
        (ProposalStatus.PUBLISHED, {"status": ProposalStatus.DECLINED, "decline_reason": "Left the organisation."}),
    ):
        Proposal.objects.filter(involved, status=status).update(**changes, updated_at=now)
    ending = list(
        Mentorship.objects.filter(involved, status=MentorshipStatus.ACTIVE).select_related(
            "program", "mentor__user", "mentee__user"
        )
    )
    Mentorship.objects.filter(pk__in=[m.pk for m in ending]).update(
        status=MentorshipStatus.ENDED_EARLY, ended_at=now, end_reason=EndReason.LEFT
    )
    leaving = set(participant_ids)
    owners = _owners_by_program({m.program_id for m in ending})
    for mentorship in ending:
        left = [p for p in (mentorship.mentor, mentorship.mentee) if p.pk in leaving]
        names = " and ".join(p.name for p in left)
        for partner in (mentorship.mentor, mentorship.mentee):
            if partner.pk in leaving:
                continue
            notify(
                recipient=partner.user,
                kind="mentorship_ended",
                title=f"{names} left the organisation: your mentorship in {mentorship.program.name} has ended",
                body=(
                    f"{names} is no longer with the organisation, so your mentorship in {mentorship.program.name} "
                    "ended today. Your sessions and goals stay in your history. Please answer the final check-in; "
                    "HR has been told and can pair you again."
                ),
                url=reverse("mentorships:detail", args=[mentorship.pk]),
                dedupe_key=f"left:{mentorship.pk}:{partner.pk}",
            )
        for owner in owners.get(mentorship.program_id, []):
            notify(
                recipient=owner,
                kind="hr_alert",
                title=f"A pair in {mentorship.program.name} ended: {names} left the organisation",
                body=(
                    f"The employee import deactivated {names}, who left the organisation. Their mentorship "
                    f"({mentorship.mentor.name} mentoring {mentorship.mentee.name}) ended with the reason "
                    "“left the organisation”. The partner has been told and may need a new match."
                ),
                url=reverse("pairing:program_runs", args=[mentorship.program_id]),
                dedupe_key=f"left-hr:{mentorship.pk}:{owner.pk}",
            )
    return len(ending)


def _owners_by_program(program_ids: set[int]) -> dict[int, list[User]]:
    from mentorship.programs.models import Program

    owners: dict[int, list[User]] = {}
    for program in Program.objects.filter(pk__in=sorted(program_ids)).prefetch_related("owners"):
        owners[program.pk] = [owner for owner in program.owners.all() if owner.is_active]
    return owners
