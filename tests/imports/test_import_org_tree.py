"""Imports and the org tree: paths read below the one root, the tree diff before anything is
written, new top-level units confirmed, and programs that match the same after nested paths."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from mentorship.imports import services
from mentorship.imports.models import ImportJob, ImportStatus
from mentorship.participants.models import OrgUnit, Participant
from pairing.loading import load_pool
from pairing.models import ProposalStatus
from pairing.services import runs
from tests.imports.conftest import make_csv, person_row, post_file
from tests.pairing.conftest import Seeded, seed_reverse_program

pytestmark = pytest.mark.django_db
HEADER = ("Email", "First name", "Last name", "Department")


def check(rows: list[tuple[str, ...]], header: tuple[str, ...] = HEADER, **options: Any) -> ImportJob:
    return services.import_job_create(file_name="people.csv", content=make_csv(rows, header=header), by=None, **options)


def unit_of(email: str) -> OrgUnit | None:
    return Participant.objects.select_related("org_unit").get(user__email=email).org_unit


def test_nested_paths_with_and_without_the_root_name_land_in_one_tree(org: dict[str, OrgUnit]) -> None:
    job = check(
        [
            ("a@example.com", "A", "One", "Acme / Engineering / Platform"),
            ("b@example.com", "B", "Two", "Engineering / Platform"),
            ("c@example.com", "C", "Three", "engineering > data"),
            ("d@example.com", "D", "Four", "Acme"),
        ]
    )
    assert job.tree_changes["created"] == ["Engineering / Platform"]
    assert job.new_top_level == []
    services.import_job_confirm(job=job, invite=False)
    assert unit_of("a@example.com") == unit_of("b@example.com")
    assert unit_of("a@example.com").parent == org["engineering"]
    assert unit_of("c@example.com") == org["data"]
    assert unit_of("d@example.com") == org["company"]
    assert OrgUnit.objects.filter(parent=None).count() == 1


def test_a_new_top_level_unit_is_flagged_and_needs_confirming(org: dict[str, OrgUnit]) -> None:
    job = check([("a@example.com", "A", "One", "Enginering / Platform")])  # a typo of a division
    assert job.status == ImportStatus.READY
    assert job.new_top_level == ["Enginering"]
    assert job.tree_changes["created"] == ["Enginering", "Enginering / Platform"]
    with pytest.raises(ValidationError, match="new units directly below the organisation root"):
        services.import_job_confirm(job=job, invite=False)
    assert not OrgUnit.objects.filter(name="Enginering").exists()

    job = services.import_job_confirm(job=job, invite=False, new_units_ok=True)
    assert job.status == ImportStatus.DONE
    assert OrgUnit.objects.get(name="Enginering").parent == org["company"]


def test_the_preview_page_warns_about_new_top_level_units_and_the_form_insists(
    client: Client, hr_admin: Participant, org: dict[str, OrgUnit]
) -> None:
    client.force_login(hr_admin.user)
    post_file(client, make_csv([("a@example.com", "A", "One", "Marketing / Growth")], header=HEADER))
    job = ImportJob.objects.latest("id")
    page = client.get(reverse("imports:preview", args=[job.pk])).content.decode()
    assert "1 new unit directly below the organisation root:</strong>\n      Marketing." in page
    assert "New unit: Marketing / Growth" in page
    refused = client.post(reverse("imports:confirm", args=[job.pk]))
    assert refused.status_code == 400
    assert "Confirm the new units directly below the organisation root" in refused.content.decode()
    done = client.post(reverse("imports:confirm", args=[job.pk]), {"new_units_ok": "on"})
    assert done["Location"] == reverse("imports:result", args=[job.pk])


def test_the_tree_diff_lists_creates_moves_and_emptied_units(
    org: dict[str, OrgUnit], make_person: Callable[..., Participant]
) -> None:
    make_person("mover@example.com", first_name="Mo", last_name="Ver", org_unit=org["data"])
    make_person("stay@example.com", first_name="Stay", last_name="Put", org_unit=org["people"])
    make_person("other@example.com", first_name="Oth", last_name="Er", org_unit=org["engineering"])
    job = check(
        [
            ("mover@example.com", "Mo", "Ver", "Engineering / Platform"),
            ("stay@example.com", "Stay", "Put", "People"),
            ("other@example.com", "Oth", "Er", "Engineering / Platform"),
            ("new@example.com", "New", "Person", "Engineering / Platform / SRE"),
        ]
    )
    tree = job.tree_changes
    assert tree["created"] == ["Engineering / Platform", "Engineering / Platform / SRE"]
    assert tree["renamed"] == []
    assert tree["emptied"] == ["Engineering", "Engineering / Data"]
    assert tree["moves_count"] == 2
    assert {(m["name"], m["from"], m["to"]) for m in tree["moves"]} == {
        ("Mo Ver", "Engineering / Data", "Engineering / Platform"),
        ("Oth Er", "Engineering", "Engineering / Platform"),
    }
    assert not OrgUnit.objects.filter(name="Platform").exists()  # only a preview so far


def test_a_team_whose_people_all_move_to_one_new_name_beside_it_is_renamed(
    org: dict[str, OrgUnit], make_person: Callable[..., Participant]
) -> None:
    for n in range(3):
        make_person(f"d{n}@example.com", org_unit=org["data"])
    rows = [(f"d{n}@example.com", "Pat", "", "Engineering / Data & Analytics") for n in range(3)]
    rows.append(("newbie@example.com", "New", "Bie", "Engineering / Data & Analytics"))
    job = check(rows)
    assert job.tree_changes["renamed"] == [
        {"from": "Engineering / Data", "to": "Engineering / Data & Analytics", "people": 3}
    ]
    assert job.tree_changes["created"] == [] and job.tree_changes["moves_count"] == 0
    services.import_job_confirm(job=job, invite=False)
    data = OrgUnit.objects.get(pk=org["data"].pk)  # the same unit, so programs limited to it still are
    assert data.name == "Data & Analytics"
    assert unit_of("newbie@example.com") == data == unit_of("d0@example.com")


def test_an_empty_installation_takes_its_root_from_paths_that_all_start_with_it() -> None:
    job = check([("a@example.com", "A", "One", "Globex / Sales"), ("b@example.com", "B", "Two", "Globex / IT / Ops")])
    assert job.tree_changes["root_created"] == "Globex"
    assert job.new_top_level == []  # a new organisation's file defines its tree
    services.import_job_confirm(job=job, invite=False)
    assert OrgUnit.objects.get(parent=None).name == "Globex"
    assert unit_of("b@example.com").parent.parent.name == "Globex"


@pytest.fixture
def seeded(make_person: Callable[..., Participant], org: dict[str, OrgUnit], hr_admin: Participant) -> Seeded:
    return seed_reverse_program(make_person, org, hr_admin)


def _pool_departments(seeded: Seeded) -> dict[int, tuple[Any, ...]]:
    pool = load_pool(seeded.program)
    return {pid: (p.org_unit_id, p.org_path) for pid, p in pool.people.items()}


def test_importing_nested_paths_never_changes_how_an_existing_program_matches(seeded: Seeded) -> None:
    before_departments = _pool_departments(seeded)
    run = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    runs.match_run_execute(run_id=run.pk)
    before = sorted(run.proposals.filter(status=ProposalStatus.PROPOSED).values_list("mentor_id", "mentee_id"))
    assert before  # the reverse program pairs people across departments

    rows = [
        person_row(f"n{n}@example.com", department=path)
        for n, path in enumerate(
            ["Acme / Engineering / Platform", "Engineering / Platform / SRE", "People / Recruiting", "Engineering"] * 5
        )
    ]
    job = services.import_job_create(file_name="nested.csv", content=make_csv(rows), by=None)
    assert job.new_top_level == []
    assert services.import_job_confirm(job=job, invite=False).status == ImportStatus.DONE

    assert _pool_departments(seeded) == before_departments
    again = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    runs.match_run_execute(run_id=again.pk)
    after = sorted(again.proposals.filter(status=ProposalStatus.PROPOSED).values_list("mentor_id", "mentee_id"))
    assert after == before
