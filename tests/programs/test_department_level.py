"""The department rule is defined, not accidental: a program names the level of the org tree that
counts as "department", and the engine input carries each person's department at that level."""

import pytest

from mentorship.participants.models import OrgUnit
from mentorship.programs import services
from mentorship.programs.forms import ProgramForm
from tests.programs.test_program_forms import _post

pytestmark = pytest.mark.django_db


def test_the_form_offers_the_levels_of_the_tree_and_defaults_to_the_first_below_the_root(
    org: dict[str, OrgUnit],
) -> None:
    form = ProgramForm(_post())
    choices = dict(form.fields["department_level"].choices)
    assert choices[""] == "The default: the first level below the organisation root"
    assert choices[1] == "first level below the root: Engineering, People"
    assert choices[2] == "level 2 below the root: Data"
    assert form.is_valid(), form.errors
    assert "department_level" not in form.program_data()["matching"]
    assert services.complete_matching("reverse", {})["department_level"] == 1

    form = ProgramForm(_post(department_level="2"))
    assert form.is_valid(), form.errors
    assert form.program_data()["matching"]["department_level"] == 2
    assert "department_level" in ProgramForm(_post(department_level="9")).errors  # not a level of this tree


def test_a_stored_level_out_of_range_is_refused_by_the_service() -> None:
    rules = services.complete_matching("reverse", {"department_level": 0})
    assert services.matching_errors(rules) == {"department_level": "The department level must be between 1 and 10."}


def test_editing_a_program_saved_before_the_setting_records_no_phantom_change(hr_admin) -> None:
    from mentorship.programs.models import Program, ProgramEvent
    from tests.pairing.conftest import make_program

    program = make_program(hr_admin)
    legacy = {key: value for key, value in program.matching.items() if key != "department_level"}
    Program.objects.filter(pk=program.pk).update(matching=legacy)
    program.refresh_from_db()
    services.program_update(program=program, data={"name": "Renamed", "matching": legacy}, by=hr_admin.user)
    event = ProgramEvent.objects.filter(program=program, kind=ProgramEvent.Kind.EDITED).latest("at")
    assert list(event.changes) == ["Name"]  # and no "Department level: — → 1"
