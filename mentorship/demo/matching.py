"""Matching demo data: one program of each kind ready to match, and one running program whose
published pairs have accepted. Call after seed_organisation() and seed_inventories(); keyed by
program name, so a second call changes nothing.
"""

from __future__ import annotations

import random

from django.db import transaction

from mentorship.accounts.models import User
from mentorship.demo.organisation import DEMO_DOMAIN, DEMO_PROGRAMS, DemoProgram, demo_program_create, traditional_role
from mentorship.programs import services as program_services
from mentorship.programs.models import Program, ProgramKind, ProgramStatus
from pairing.models import MatchRun, ProposalStatus
from pairing.services import publishing, runs
from skills.models import SkillCategory

RUNNING = DemoProgram(
    "Mentoring circle",
    ProgramKind.TRADITIONAL,
    "Every mentee agrees two growth goals with their mentor and meets every three weeks.\n"
    "Every mentee gives and asks for structured feedback at least once a month.",
    (SkillCategory.LEADERSHIP, SkillCategory.CAREER, SkillCategory.INTERPERSONAL),
    traditional_role,
    36,
)


@transaction.atomic
def seed_matching_demo() -> list[str]:
    """Move the four demo programs on to matching, and run a fifth with published, accepted pairs.
    Returns the names of the programs it changed."""
    hr = User.objects.get(email=f"hr@{DEMO_DOMAIN}")
    changed = []
    enrolling = Program.objects.filter(name__in=[spec.name for spec in DEMO_PROGRAMS], status=ProgramStatus.ENROLLING)
    for program in enrolling.order_by("id"):
        program_services.program_transition(program=program, to=ProgramStatus.MATCHING, by=hr)
        changed.append(program.name)
    if not Program.objects.filter(name=RUNNING.name).exists():
        program = demo_program_create(RUNNING, hr=hr, rng=random.Random(4242))
        program = program_services.program_transition(program=program, to=ProgramStatus.MATCHING, by=hr)
        _match_and_accept(program, hr)
        program_services.program_transition(program=program, to=ProgramStatus.RUNNING, by=hr)
        changed.append(RUNNING.name)
    return changed


def _match_and_accept(program: Program, hr: User) -> None:
    """Run matching in-process, publish, and have every pair accept (as if a few days passed)."""
    run = MatchRun.objects.create(program=program, started_by=hr)
    runs.match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    if not run.proposals.exists():
        return
    publishing.match_run_publish(run=run, by=hr)
    for proposal in run.proposals.filter(status=ProposalStatus.PUBLISHED).select_related("mentor", "mentee"):
        for person in (proposal.mentee, proposal.mentor):
            proposal = publishing.proposal_respond(proposal=proposal, participant=person, accept=True)
