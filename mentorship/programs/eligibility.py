"""Who may enroll in a program: computed in Python over data loaded in a constant number of queries."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Prefetch

from mentorship.participants.models import OrgUnit, Participant
from mentorship.participants.orgtree import OrgTree
from mentorship.programs.models import Program, ProgramStatus


def units_with_descendants(unit_ids: Iterable[int], tree: OrgTree) -> set[int]:
    """The units and all their sub-units."""
    return {unit for pk in unit_ids for unit in tree.subtree(pk)}


def ineligibility_reason(participant: Participant, program: Program, tree: OrgTree | None = None) -> str | None:
    """Why the person may not join, in words they can act on; None when they may.

    Reads `program.eligible_units.all()`, so prefetch it when checking many programs.
    """
    if not participant.user.is_active:
        return "Your account is not active."
    if participant.onboarded_at is None:
        return "Complete your profile first."
    level = participant.career_level
    if level is None or not program.level_min <= level <= program.level_max:
        return (
            f"This program is for career levels {program.level_min} to {program.level_max}."
            if level is not None
            else "Add your career level to your profile first."
        )
    units = [unit.pk for unit in program.eligible_units.all()]
    if units:
        if participant.org_unit_id is None:
            return "This program is for selected departments; add your department to your profile."
        if participant.org_unit_id not in units_with_descendants(units, tree if tree is not None else OrgTree.load()):
            return "This program is for other departments."
    return None


def is_eligible(participant: Participant, program: Program, tree: OrgTree | None = None) -> bool:
    return ineligibility_reason(participant, program, tree) is None


def open_programs_query(today: date) -> "Iterable[Program]":
    return (
        Program.objects.filter(
            status=ProgramStatus.ENROLLING, enrollment_opens__lte=today, enrollment_closes__gte=today
        )
        .prefetch_related(Prefetch("eligible_units", queryset=OrgUnit.objects.only("id")))
        .order_by("enrollment_closes", "name", "id")
    )


def programs_open_to(participant: Participant, *, today: date) -> list[Program]:
    """Programs enrolling today that the person may join: at most three queries, however many programs."""
    programs = list(open_programs_query(today))
    needs_tree = any(program.eligible_units.all() for program in programs)
    tree = OrgTree.load() if needs_tree else None
    return [program for program in programs if is_eligible(participant, program, tree)]
