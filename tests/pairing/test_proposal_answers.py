"""Participants answer published proposals: both accept -> a mentorship; a decline -> back to the pool."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.notifications.models import Notification
from pairing.models import MatchRun, Proposal, ProposalStatus
from pairing.services import publishing, runs

from .conftest import Seeded


@pytest.fixture
def published(seeded: Seeded, solved: MatchRun) -> MatchRun:
    publishing.match_run_publish(run=solved, by=seeded.hr.user)
    return solved


def proposal_for(run: MatchRun, mentee: Any) -> Proposal:
    return run.proposals.select_related("mentor", "mentee").get(mentee=mentee)


def test_when_both_accept_the_pair_becomes_an_active_mentorship(seeded: Seeded, published: MatchRun) -> None:
    proposal = proposal_for(published, seeded.mentees[0])
    proposal = publishing.proposal_respond(proposal=proposal, participant=proposal.mentee, accept=True)
    assert proposal.status == ProposalStatus.PUBLISHED
    assert not Mentorship.objects.exists()
    proposal = publishing.proposal_respond(proposal=proposal, participant=proposal.mentor, accept=True)
    assert proposal.status == ProposalStatus.ACCEPTED
    mentorship = Mentorship.objects.get()
    assert (mentorship.mentor_id, mentorship.mentee_id, mentorship.proposal_id) == (
        proposal.mentor_id,
        proposal.mentee_id,
        proposal.pk,
    )
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert Notification.objects.filter(kind="mentorship_started").count() == 2


def test_nobody_answers_twice_or_for_someone_else(seeded: Seeded, published: MatchRun) -> None:
    proposal = proposal_for(published, seeded.mentees[0])
    publishing.proposal_respond(proposal=proposal, participant=proposal.mentee, accept=True)
    with pytest.raises(ValidationError, match="already answered"):
        publishing.proposal_respond(proposal=proposal, participant=proposal.mentee, accept=False)
    with pytest.raises(ValidationError, match="not yours"):
        publishing.proposal_respond(proposal=proposal, participant=seeded.mentees[1], accept=True)


def test_a_decline_returns_both_to_the_pool_and_hr_sees_it(seeded: Seeded, published: MatchRun) -> None:
    proposal = proposal_for(published, seeded.mentees[0])
    proposal = publishing.proposal_respond(
        proposal=proposal, participant=proposal.mentee, accept=False, reason="We already work together."
    )
    assert (proposal.status, proposal.declined_by_id, proposal.decline_reason) == (
        ProposalStatus.DECLINED,
        proposal.mentee_id,
        "We already work together.",
    )
    assert Notification.objects.filter(kind="match_declined", recipient=proposal.mentor.user).exists()
    run = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    runs.match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    # Only the declined pair's two people were free; they are back, but not with each other.
    assert run.parameters["mentees"] == 1
    assert not run.proposals.filter(mentor=proposal.mentor, mentee=proposal.mentee).exists()


def test_a_proposal_can_be_answered_only_once_published(seeded: Seeded, solved: MatchRun) -> None:
    proposal = proposal_for(solved, seeded.mentees[0])
    with pytest.raises(ValidationError, match="no longer open"):
        publishing.proposal_respond(proposal=proposal, participant=proposal.mentee, accept=True)


def test_a_second_acceptance_cannot_exceed_the_mentors_capacity(seeded: Seeded, published: MatchRun) -> None:
    from mentorship.mentorships.services import mentorship_start

    proposal = proposal_for(published, seeded.mentees[0])
    # Meanwhile the mentor's only place went to someone else (say, a self-match request).
    other = seeded.mentees[1]
    Proposal.objects.filter(mentee=other).update(status=ProposalStatus.DECLINED)
    mentorship_start(program=seeded.program, mentor=proposal.mentor, mentee=other)
    publishing.proposal_respond(proposal=proposal, participant=proposal.mentee, accept=True)
    with pytest.raises(ValidationError, match="already mentors as many"):
        publishing.proposal_respond(proposal=proposal, participant=proposal.mentor, accept=True)
    assert Mentorship.objects.filter(mentor=proposal.mentor).count() == 1
