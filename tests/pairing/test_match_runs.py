"""Match runs through the services: start, execute, review (pin, remove, manual pair, re-solve), publish."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mentorship.celery import app
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.programs.models import ProgramStatus
from pairing.models import MatchRun, Proposal, ProposalStatus, RunStatus
from pairing.services import publishing, review, runs

from .conftest import Seeded


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Tasks enqueued on commit run inline, so the emails land in the test outbox."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def pairs(run: MatchRun, *statuses: str) -> set[tuple[int, int]]:
    proposals = run.proposals.all()
    if statuses:
        proposals = proposals.filter(status__in=statuses)
    return set(proposals.values_list("mentor_id", "mentee_id"))


def pair_of(run: MatchRun, mentee_id: int) -> Proposal:
    return run.proposals.get(mentee_id=mentee_id, status=ProposalStatus.PROPOSED)


def finish(run: MatchRun) -> MatchRun:
    assert runs.match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def test_a_run_stores_its_proposals_explanations_figures_and_parameters(seeded: Seeded, solved: MatchRun) -> None:
    assert solved.status == RunStatus.DONE
    assert solved.proposals.count() == 3
    assert solved.quality["pairs"] == 3
    assert solved.quality["optimum"]["exact"] is True
    assert solved.parameters["kind"] == "reverse"
    assert solved.parameters["other_unit_only"] is True
    assert solved.timings["load"] >= 0
    proposal = solved.proposals.first()
    assert proposal.explanation[0].endswith("of 100.")
    assert proposal.flows and {"skill", "teacher_id", "learner_id"} <= set(proposal.flows[0])
    assert abs(sum(proposal.factors.values()) - proposal.score) < 0.01
    assert {p.mentee_id for p in solved.proposals.all()} == {m.pk for m in seeded.mentees}


def test_an_unmatched_mentee_gets_a_reason_and_their_skill_gap_is_listed(seeded: Seeded, make_person: Any) -> None:
    from .conftest import enroll, set_entry, skill_named

    quantum = skill_named("Quantum computing")
    lonely = make_person("lonely@example.com", first_name="Lou", last_name="Nely", career_level=6)
    set_entry(lonely, quantum, level=0, want=3)
    enroll(seeded.program, lonely, "mentee", goals=[quantum])
    run = finish(runs.match_run_start(program=seeded.program, by=seeded.hr.user))
    row = run.unmatched.get(participant=lonely)
    assert row.reason == "no_teacher"
    assert "Quantum computing" in row.text
    assert run.skill_gaps[0]["skill"] == "Quantum computing"
    assert run.skill_gaps[0]["best_teacher_level"] is None


def test_a_second_start_while_a_run_is_queued_is_refused(seeded: Seeded) -> None:
    runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    with pytest.raises(ValidationError, match="already in progress"):
        runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    assert MatchRun.objects.filter(program=seeded.program).count() == 1


def test_the_database_refuses_two_active_runs_for_one_program(seeded: Seeded) -> None:
    MatchRun.objects.create(program=seeded.program, status=RunStatus.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchRun.objects.create(program=seeded.program, status=RunStatus.QUEUED)


def test_a_finished_run_frees_the_program_for_the_next(seeded: Seeded, solved: MatchRun) -> None:
    again = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    assert again.status == RunStatus.QUEUED


def test_matching_is_refused_outside_the_matching_phase(seeded: Seeded) -> None:
    seeded.program.status = ProgramStatus.ENROLLING
    seeded.program.save()
    with pytest.raises(ValidationError, match="matching phase"):
        runs.match_run_start(program=seeded.program, by=seeded.hr.user)


def test_a_duplicate_delivery_of_the_run_task_does_nothing(seeded: Seeded, solved: MatchRun) -> None:
    assert runs.match_run_execute(run_id=solved.pk) is False
    assert solved.proposals.count() == 3


def test_a_run_that_fails_records_why_and_frees_the_program(seeded: Seeded) -> None:
    seeded.program.matching = {**seeded.program.matching, "weights": {"expertise": "lots"}}
    seeded.program.save()
    run = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    assert runs.match_run_execute(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "ValueError" in run.error
    assert runs.match_run_start(program=seeded.program, by=seeded.hr.user).status == RunStatus.QUEUED


def test_pinned_pairs_are_kept_when_hr_resolves_the_rest(seeded: Seeded, solved: MatchRun) -> None:
    fay = seeded.mentees[2]
    pinned = review.proposal_pin(proposal=pair_of(solved, fay.pk), pinned=True, by=seeded.hr.user)
    new_run = finish(runs.match_run_resolve(run=solved, by=seeded.hr.user))
    assert new_run.based_on_id == solved.pk
    kept = new_run.proposals.get(mentee=fay)
    assert (kept.mentor_id, kept.pinned) == (pinned.mentor_id, True)
    assert new_run.quality["kept"]["pairs"] == 1
    # The pinned pair left the pool: the engine solved only the other two mentees.
    assert new_run.parameters["mentees"] == 2
    assert new_run.proposals.filter(mentee=fay).count() == 1
    assert new_run.proposals.count() == 3


def test_removed_pairs_are_not_proposed_again(seeded: Seeded, solved: MatchRun) -> None:
    dee = seeded.mentees[0]
    removed = review.proposal_remove(proposal=pair_of(solved, dee.pk), by=seeded.hr.user)
    new_run = finish(runs.match_run_resolve(run=solved, by=seeded.hr.user))
    assert (removed.mentor_id, dee.pk) not in pairs(new_run)
    # A fresh run (not a re-solve) keeps them apart too.
    fresh = finish(runs.match_run_start(program=seeded.program, by=seeded.hr.user))
    assert (removed.mentor_id, dee.pk) not in pairs(fresh)


def test_a_manual_pair_breaking_a_hard_rule_needs_confirmation(seeded: Seeded, solved: MatchRun) -> None:
    dee = seeded.mentees[0]
    removed = review.proposal_remove(proposal=pair_of(solved, dee.pk), by=seeded.hr.user)
    check = review.manual_pair_check(run=solved, mentor_id=removed.mentor_id, mentee_id=dee.pk)
    assert check.broken == ["blocked"]
    with pytest.raises(review.ConfirmationRequired):
        review.proposal_create_manual(run=solved, mentor_id=removed.mentor_id, mentee_id=dee.pk, by=seeded.hr.user)
    assert not solved.proposals.filter(mentee=dee, status=ProposalStatus.PROPOSED).exists()
    made = review.proposal_create_manual(
        run=solved, mentor_id=removed.mentor_id, mentee_id=dee.pk, by=seeded.hr.user, confirm=True
    )
    assert (made.source, made.broken_rules, made.score > 0) == ("manual", ["blocked"], True)


def test_a_manual_pair_within_the_rules_is_made_without_confirmation(seeded: Seeded, solved: MatchRun) -> None:
    ada, cy = seeded.mentors[0], seeded.mentors[2]
    dee = seeded.mentees[0]
    for proposal in solved.proposals.filter(mentor=cy) | solved.proposals.filter(mentee=dee):
        review.proposal_remove(proposal=proposal, by=seeded.hr.user)
    check = review.manual_pair_check(run=solved, mentor_id=cy.pk, mentee_id=dee.pk)
    assert (check.broken, check.conflicts) == ([], [])
    made = review.proposal_create_manual(run=solved, mentor_id=cy.pk, mentee_id=dee.pk, by=seeded.hr.user)
    assert made.mentor_id == cy.pk
    assert ada.pk != cy.pk


def test_a_manual_pair_cannot_double_book_a_mentee(seeded: Seeded, solved: MatchRun) -> None:
    dee = seeded.mentees[0]
    other_mentor = next(m for m in seeded.mentors if m.pk != pair_of(solved, dee.pk).mentor_id)
    with pytest.raises(ValidationError, match="already in a pair"):
        review.proposal_create_manual(
            run=solved, mentor_id=other_mentor.pk, mentee_id=dee.pk, by=seeded.hr.user, confirm=True
        )


def test_publishing_notifies_both_people_of_each_pair_in_app_and_by_email(
    seeded: Seeded, solved: MatchRun, eager_tasks: None, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert publishing.match_run_publish(run=solved, by=seeded.hr.user) == 3
    people = {p.user_id for p in seeded.mentors + seeded.mentees}
    notes = Notification.objects.filter(kind="match_proposed")
    assert set(notes.values_list("recipient_id", flat=True)) == people
    assert set(notes.values_list("email_status", flat=True)) == {EmailStatus.SENT}
    assert len(mailoutbox) == 6
    message = mailoutbox[0]
    assert message.alternatives and "text/html" in message.alternatives[0][1]
    assert "http://" in message.body and "/matching/proposals/" in message.body
    assert set(pairs(solved, ProposalStatus.PUBLISHED)) == pairs(solved)


def test_a_published_run_is_frozen(seeded: Seeded, solved: MatchRun) -> None:
    publishing.match_run_publish(run=solved, by=seeded.hr.user)
    proposal = solved.proposals.first()
    with pytest.raises(ValidationError, match="published"):
        review.proposal_pin(proposal=proposal, pinned=True, by=seeded.hr.user)
    with pytest.raises(ValidationError, match="published"):
        publishing.match_run_publish(run=solved, by=seeded.hr.user)


def test_an_older_run_cannot_be_changed_once_a_newer_one_exists(seeded: Seeded, solved: MatchRun) -> None:
    finish(runs.match_run_start(program=seeded.program, by=seeded.hr.user))
    with pytest.raises(ValidationError, match="newer run"):
        review.proposal_remove(proposal=solved.proposals.first(), by=seeded.hr.user)
