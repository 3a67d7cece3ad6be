"""Publishing a run's pairs and the two people's answers: an accepted pair starts a mentorship."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record
from mentorship.mentorships.services import mentorship_start
from mentorship.notifications.services import notify
from mentorship.participants.models import Participant
from pairing.models import (
    MatchRun,
    Proposal,
    ProposalStatus,
    Response,
)
from pairing.services.runs import lock_editable_run


def _proposal_url(proposal: Proposal) -> str:
    return reverse("pairing:proposal", args=[proposal.pk])


@transaction.atomic
def match_run_publish(*, run: MatchRun, by: User) -> int:
    """Show every live pair to its two people and tell them (in the app and by email).

    Returns the number of pairs published. Emails leave after commit, one task per notification.
    """
    run = lock_editable_run(run)
    proposals = list(
        run.proposals.filter(status=ProposalStatus.PROPOSED).select_related("mentor__user", "mentee__user")
    )
    if not proposals:
        raise ValidationError("There are no pairs to publish.")
    Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(
        status=ProposalStatus.PUBLISHED, updated_at=timezone.now()
    )
    run.published_at = timezone.now()
    run.published_by = by
    run.save(update_fields=["published_at", "published_by"])
    audit_record(
        action=Action.MATCH_RUN_PUBLISHED, actor=by, program=run.program_id, obj=run, summary=f"{len(proposals)} pairs"
    )
    program = run.program
    for proposal in proposals:
        url = _proposal_url(proposal)
        for person, partner, role in (
            (proposal.mentor, proposal.mentee, "mentor"),
            (proposal.mentee, proposal.mentor, "mentee"),
        ):
            notify(
                recipient=person.user,
                kind="match_proposed",
                title=f"You have a match in {program.name}",
                body=(
                    f"We propose {partner.name} as your {'mentee' if role == 'mentor' else 'mentor'}. "
                    "See why you two fit, then accept or decline."
                ),
                url=url,
                dedupe_key=f"proposal:{proposal.pk}:published:{person.pk}",
            )
    return len(proposals)


@transaction.atomic
def proposal_respond(*, proposal: Proposal, participant: Participant, accept: bool, reason: str = "") -> Proposal:
    """Accept or decline a published proposal. Both accept: an active mentorship. One declines:
    both go back to the pool for the next run, and HR sees the decline in the review."""
    proposal = Proposal.objects.select_for_update().select_related("run__program").get(pk=proposal.pk)
    if participant.pk not in (proposal.mentor_id, proposal.mentee_id):
        raise ValidationError("This proposal is not yours.")
    if proposal.status != ProposalStatus.PUBLISHED:
        raise ValidationError(f"This proposal is no longer open ({proposal.get_status_display().lower()}).")
    field = "mentor_response" if participant.pk == proposal.mentor_id else "mentee_response"
    if getattr(proposal, field) != Response.PENDING:
        raise ValidationError("You have already answered.")
    program = proposal.run.program
    partner = Participant.objects.select_related("user").get(
        pk=proposal.mentee_id if participant.pk == proposal.mentor_id else proposal.mentor_id
    )
    if not accept:
        setattr(proposal, field, Response.DECLINED)
        proposal.status = ProposalStatus.DECLINED
        proposal.declined_by = participant
        proposal.decline_reason = reason.strip()[:500]
        proposal.save()
        notify(
            recipient=partner.user,
            kind="match_declined",
            title=f"Your proposed match in {program.name} will not go ahead",
            body="Your proposed partner declined. You stay in the pool and HR will propose someone else.",
            url=reverse("pairing:my_matches"),
            dedupe_key=f"proposal:{proposal.pk}:declined:{partner.pk}",
        )
        return proposal
    setattr(proposal, field, Response.ACCEPTED)
    if proposal.mentor_response == Response.ACCEPTED and proposal.mentee_response == Response.ACCEPTED:
        mentorship = mentorship_start(
            program=program, mentor=proposal.mentor, mentee=proposal.mentee, proposal_id=proposal.pk
        )
        proposal.status = ProposalStatus.ACCEPTED
        url = reverse("mentorships:detail", args=[mentorship.pk])
        for person in (participant, partner):
            notify(
                recipient=person.user,
                kind="mentorship_started",
                title=f"Your mentorship in {program.name} has started",
                body="You both accepted. Agree your first session and your goals.",
                url=url,
                dedupe_key=f"mentorship:{mentorship.pk}:started:{person.pk}",
            )
    proposal.save()
    return proposal
