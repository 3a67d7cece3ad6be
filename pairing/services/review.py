"""HR's review of a finished run: pin, remove, and pair two people by hand."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from mentorship.accounts.models import User
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record
from mentorship.mentorships.models import Mentorship, MentorshipStatus
from pairing import engine
from pairing.engine.explain import make_pair
from pairing.engine.rules import broken_rules
from pairing.engine.score import has_skill_flow
from pairing.loading import load_pool
from pairing.models import (
    MatchRun,
    Proposal,
    ProposalSource,
    ProposalStatus,
)
from pairing.services.runs import lock_editable_run, new_proposal

# Rule codes -> words HR reads next to a manual pair.
BROKEN_RULE_WORDS = {
    "self": "A person cannot be paired with themselves.",
    "seniority": "The career levels do not go in the direction the program asks for.",
    "reporting_line": "One of them is in the other's reporting line.",
    "same_unit": "They are in the same department, and the program asks for different departments.",
    "language": "They share no language.",
    "working_hours": "Their working hours overlap less than the program asks for.",
    "previously_paired": "They were paired before.",
    "blocked": "This pair was removed or declined earlier in this program.",
    "skills": "Nobody learns anything: the mentor cannot teach a wanted skill at a level clearly ahead.",
    "learning_floor": "The mentor is not far enough ahead in any wanted skill for the program's learning floor.",
}


class ConfirmationRequired(ValidationError):
    """Allowed, but only when HR confirms what it breaks."""


def _lock_proposal(proposal: Proposal) -> tuple[MatchRun, Proposal]:
    run = lock_editable_run(proposal.run)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk, run=run)
    return run, proposal


@transaction.atomic
def proposal_pin(*, proposal: Proposal, pinned: bool, by: User) -> Proposal:
    """A pinned pair is kept as it is when HR re-solves the rest."""
    _, proposal = _lock_proposal(proposal)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError("Only a proposed pair can be pinned.")
    proposal.pinned = pinned
    proposal.save(update_fields=["pinned", "updated_at"])
    audit_record(
        action=Action.PROPOSAL_PINNED if pinned else Action.PROPOSAL_UNPINNED,
        actor=by,
        program=proposal.run.program_id,
        obj=proposal,
    )
    return proposal


@transaction.atomic
def proposal_remove(*, proposal: Proposal, by: User) -> Proposal:
    """Take a pair out; the two are not proposed to each other again in this program."""
    _, proposal = _lock_proposal(proposal)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError("This pair is no longer a proposal.")
    proposal.status = ProposalStatus.REMOVED
    proposal.pinned = False
    proposal.removed_by = by
    proposal.save(update_fields=["status", "pinned", "removed_by", "updated_at"])
    return proposal


@dataclass(frozen=True)
class ManualCheck:
    pair: engine.Pair
    broken: list[str]  # rule codes, "skills" included
    conflicts: list[str]  # reasons the pair cannot be made at all

    @property
    def broken_words(self) -> list[str]:
        return [BROKEN_RULE_WORDS.get(code, code) for code in self.broken]


def manual_pair_check(*, run: MatchRun, mentor_id: int, mentee_id: int) -> ManualCheck:
    """Score and check a pair HR proposes by hand, with the engine's own rules."""
    if mentor_id == mentee_id:
        raise ValidationError("Choose two different people.")
    pool = load_pool(run.program, participant_ids={mentor_id, mentee_id}, count_published=False)
    mentor, mentee = pool.people.get(mentor_id), pool.people.get(mentee_id)
    if mentor is None or mentee is None:
        raise ValidationError("Both people must be enrolled in this program.")
    rules = pool.rules
    pair = make_pair(mentor, mentee, rules)
    if rules.is_general and (pair.mentor_id, pair.mentee_id) != (mentor_id, mentee_id):
        # Keep HR's sides: a manual pair is explained as HR made it.
        pair = dataclasses.replace(pair, mentor_id=mentor_id, mentee_id=mentee_id)
    broken = broken_rules(mentor, mentee, rules)
    if not has_skill_flow(mentor, mentee, rules):
        broken = [code for code in broken if code != "learning_floor"]
        broken.append("skills")
    conflicts = []
    live = run.proposals.exclude(status=ProposalStatus.REMOVED)
    names = pool.members
    if live.filter(
        Q(mentee_id=mentee_id) | Q(mentor_id=mentee_id) if rules.is_general else Q(mentee_id=mentee_id)
    ).exists():
        conflicts.append(f"{names[mentee_id].name} is already in a pair in this run: remove that pair first.")
    mentor_pairs = live.filter(
        Q(mentor_id=mentor_id) | Q(mentee_id=mentor_id) if rules.is_general else Q(mentor_id=mentor_id)
    ).count()
    capacity = 1 if rules.is_general else names[mentor_id].capacity
    if mentor_pairs >= capacity:
        conflicts.append(
            f"{names[mentor_id].name} already has {mentor_pairs} pair{'s' if mentor_pairs != 1 else ''} in this run, "
            f"their capacity: remove one first."
        )
    if Mentorship.objects.filter(program=run.program, mentee_id=mentee_id, status=MentorshipStatus.ACTIVE).exists():
        conflicts.append(f"{names[mentee_id].name} already has an active mentorship in this program.")
    return ManualCheck(pair=pair, broken=broken, conflicts=conflicts)


@transaction.atomic
def proposal_create_manual(
    *, run: MatchRun, mentor_id: int, mentee_id: int, by: User, confirm: bool = False
) -> Proposal:
    """A pair made by HR. Breaking a hard rule needs `confirm`; the broken rules are recorded."""
    run = lock_editable_run(run)
    check = manual_pair_check(run=run, mentor_id=mentor_id, mentee_id=mentee_id)
    if check.conflicts:
        raise ValidationError(check.conflicts)
    if check.broken and not confirm:
        raise ConfirmationRequired(
            ["This pair breaks the program's rules:", *check.broken_words, "Confirm to make the pair anyway."]
        )
    proposal = new_proposal(run, check.pair, source=ProposalSource.MANUAL, broken_rules=check.broken)
    proposal.save()
    audit_record(
        action=Action.MANUAL_PAIR,
        actor=by,
        program=run.program_id,
        obj=proposal,
        summary=f"Participants {mentor_id} (mentor) and {mentee_id} (mentee)",
        changes={"Broken rules": ["", ", ".join(check.broken)]} if check.broken else None,
    )
    return proposal
