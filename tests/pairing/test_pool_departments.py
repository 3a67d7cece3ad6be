"""The engine input carries each person's department at the program's level of the org tree."""

import pytest

from mentorship.participants import services as participant_services
from pairing.loading import load_pool
from tests.pairing.conftest import Seeded

pytestmark = pytest.mark.django_db


def test_the_engine_gets_each_persons_department_at_the_programs_level(seeded: Seeded, org) -> None:
    ada, dee = seeded.mentors[0], seeded.mentees[0]  # Ada in Engineering / Data, Dee in People
    pool = load_pool(seeded.program)
    assert pool.parameters()["department_level"] == 1
    assert (pool.people[ada.pk].org_unit_id, pool.people[ada.pk].org_path) == (
        org["engineering"].pk,
        (org["engineering"].pk,),
    )
    assert (pool.people[dee.pk].org_unit_id, pool.people[dee.pk].org_path) == (org["people"].pk, (org["people"].pk,))

    seeded.program.matching = {**seeded.program.matching, "department_level": 2}
    seeded.program.save()
    pool = load_pool(seeded.program)
    assert pool.people[ada.pk].org_unit_id == org["data"].pk
    assert pool.people[ada.pk].org_path == (org["engineering"].pk, org["data"].pk)
    assert pool.people[dee.pk].org_unit_id == org["people"].pk  # no level 2 below People: People itself


def test_new_units_elsewhere_in_the_tree_leave_every_department_as_it_was(seeded: Seeded) -> None:
    before = {pid: (p.org_unit_id, p.org_path) for pid, p in load_pool(seeded.program).people.items()}
    for path in (["Sales"], ["Engineering", "Platform", "SRE"], ["Acme", "People", "Recruiting"]):
        participant_services.org_unit_ensure_path(path=path)
    after = {pid: (p.org_unit_id, p.org_path) for pid, p in load_pool(seeded.program).people.items()}
    assert after == before
