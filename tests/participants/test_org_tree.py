"""The org tree: one root, paths read below it, and HR's edits through services and pages."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from mentorship.participants import services
from mentorship.participants.models import OrgUnit, Participant
from mentorship.participants.orgtree import OrgTree
from tests.pairing.conftest import make_program

pytestmark = pytest.mark.django_db


def test_paths_with_and_without_the_root_name_land_in_one_tree(org: dict[str, OrgUnit]) -> None:
    with_root = services.org_unit_ensure_path(path=["Acme", "Engineering", "Platform"])
    without = services.org_unit_ensure_path(path=["engineering", " Platform "])
    assert with_root == without
    assert with_root.parent == org["engineering"]
    assert OrgUnit.objects.filter(parent=None).count() == 1


def test_the_first_path_of_an_empty_installation_names_the_root() -> None:
    unit = services.org_unit_ensure_path(path=["Globex", "Sales"])
    assert (unit.name, unit.parent.name, unit.parent.parent) == ("Sales", "Globex", None)
    assert services.org_unit_ensure_path(path=["Marketing"]).parent == unit.parent


def test_the_database_holds_one_root(org: dict[str, OrgUnit]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.create(name="Another company", parent=None)


def test_the_tree_names_departments_by_level(org: dict[str, OrgUnit]) -> None:
    sre = services.org_unit_ensure_path(path=["Engineering", "Data", "SRE"])
    tree = OrgTree.load()
    assert tree.department(sre.pk) == org["engineering"].pk  # level 1: below the root
    assert tree.department(sre.pk, 2) == org["data"].pk
    assert tree.department(org["people"].pk, 2) == org["people"].pk  # shallower units are their own
    assert tree.department(org["company"].pk) == org["company"].pk
    assert tree.department_path(sre.pk, 2) == (org["engineering"].pk, org["data"].pk)
    assert tree.label(sre.pk) == "Engineering / Data / SRE"
    assert tree.find(["Acme", "engineering", "DATA"]) == org["data"].pk


def test_creating_or_renaming_refuses_a_name_the_parent_already_has(org: dict[str, OrgUnit], hr_admin) -> None:
    with pytest.raises(ValidationError, match="Merge the two units instead"):
        services.org_unit_create(name="  engineering ", parent=org["company"], by=hr_admin.user)
    with pytest.raises(ValidationError, match="already has a unit"):
        services.org_unit_rename(unit=org["people"], name="Engineering", by=hr_admin.user)
    renamed = services.org_unit_rename(unit=org["people"], name="People & Culture", by=hr_admin.user)
    assert OrgUnit.objects.get(pk=renamed.pk).name == "People & Culture"


def test_a_unit_cannot_move_below_itself_and_the_root_stays_on_top(org: dict[str, OrgUnit], hr_admin) -> None:
    with pytest.raises(ValidationError, match="cannot move below itself"):
        services.org_unit_move(unit=org["engineering"], parent=org["data"], by=hr_admin.user)
    with pytest.raises(ValidationError, match="cannot move below itself"):
        services.org_unit_move(unit=org["engineering"], parent=org["engineering"], by=hr_admin.user)
    with pytest.raises(ValidationError, match="stays at the top"):
        services.org_unit_move(unit=org["company"], parent=org["people"], by=hr_admin.user)


def test_moving_a_unit_keeps_every_person_in_it(
    org: dict[str, OrgUnit], make_person: Callable[..., Participant], hr_admin
) -> None:
    data_people = [make_person(org_unit=org["data"]) for _ in range(3)]
    services.org_unit_move(unit=org["data"], parent=org["people"], by=hr_admin.user)
    assert {p.org_unit_id for p in Participant.objects.filter(pk__in=[p.pk for p in data_people])} == {org["data"].pk}
    assert OrgTree.load().label(org["data"].pk) == "People / Data"


def test_merging_moves_people_sub_units_and_program_eligibility(
    org: dict[str, OrgUnit], make_person: Callable[..., Participant], hr_admin
) -> None:
    # Engineering (with Data) merges into People, which has its own Data: the two Data teams merge too.
    people_data = services.org_unit_ensure_path(path=["People", "Data"])
    platform = services.org_unit_ensure_path(path=["Engineering", "Platform"])
    everyone = [
        make_person(org_unit=org["engineering"]),
        make_person(org_unit=org["data"]),
        make_person(org_unit=platform),
        make_person(org_unit=people_data),
    ]
    program = make_program(hr_admin, eligible_units=[org["engineering"]])
    before = Participant.objects.count()

    into = services.org_unit_merge(unit=org["engineering"], into=org["people"], by=hr_admin.user)

    assert into == org["people"]
    assert not OrgUnit.objects.filter(pk__in=[org["engineering"].pk, org["data"].pk]).exists()
    units = dict(Participant.objects.filter(pk__in=[p.pk for p in everyone]).values_list("id", "org_unit_id"))
    assert units == {
        everyone[0].pk: org["people"].pk,
        everyone[1].pk: people_data.pk,
        everyone[2].pk: platform.pk,
        everyone[3].pk: people_data.pk,
    }
    assert OrgUnit.objects.get(pk=platform.pk).parent_id == org["people"].pk
    assert list(program.eligible_units.all()) == [org["people"]]
    assert Participant.objects.count() == before  # nobody lost


def test_merging_into_a_unit_inside_it_is_refused(org: dict[str, OrgUnit], hr_admin) -> None:
    with pytest.raises(ValidationError, match="choose a unit outside it"):
        services.org_unit_merge(unit=org["engineering"], into=org["data"], by=hr_admin.user)


def test_only_an_empty_unit_no_program_relies_on_can_be_deleted(
    org: dict[str, OrgUnit], make_person: Callable[..., Participant], hr_admin
) -> None:
    with pytest.raises(ValidationError, match="sub-units"):
        services.org_unit_delete(unit=org["engineering"], by=hr_admin.user)
    legal = services.org_unit_create(name="Legal", parent=org["company"], by=hr_admin.user)
    person = make_person(org_unit=legal)
    with pytest.raises(ValidationError, match="People still belong"):
        services.org_unit_delete(unit=legal, by=hr_admin.user)
    person.user.is_active = False  # they left: their history stays with the unit
    person.user.save()
    with pytest.raises(ValidationError, match="People who left are still recorded"):
        services.org_unit_delete(unit=legal, by=hr_admin.user)
    person.org_unit = None
    person.save()
    program = make_program(hr_admin, eligible_units=[legal])
    with pytest.raises(ValidationError, match="Programs are open only to this unit"):
        services.org_unit_delete(unit=legal, by=hr_admin.user)
    program.eligible_units.clear()
    empty = legal
    services.org_unit_delete(unit=empty, by=hr_admin.user)
    assert not OrgUnit.objects.filter(pk=empty.pk).exists()


# Pages -----------------------------------------------------------------------------------------


@pytest.fixture
def hr_client(client: Client, hr_admin: Participant) -> Client:
    client.force_login(hr_admin.user)
    return client


@pytest.mark.parametrize("persona", ["junior_mentor", "manager"])
def test_the_tree_pages_are_404_for_everyone_but_hr(client: Client, persona: str, request: Any, org) -> None:
    client.force_login(request.getfixturevalue(persona).user)
    assert client.get(reverse("participants:org_tree")).status_code == 404
    assert client.get(reverse("participants:org_unit", args=[org["data"].pk])).status_code == 404
    url = reverse("participants:org_unit_change", args=[org["data"].pk, "delete"])
    assert client.post(url).status_code == 404
    assert OrgUnit.objects.filter(pk=org["data"].pk).exists()


def test_the_tree_page_shows_head_counts_per_unit(
    hr_client: Client, org: dict[str, OrgUnit], make_person: Callable[..., Participant]
) -> None:
    for _ in range(2):
        make_person(org_unit=org["data"])
    page = hr_client.get(reverse("participants:org_tree")).content.decode()
    assert "Departments and teams" in page

    def counts(name: str) -> tuple[str, ...]:
        found = re.search(
            rf"org/units/\d+/\">{name}</a>.*?</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>", page, re.S
        )
        assert found, name
        return found.groups()

    # (level, people directly in it, people in it and below); the HR admin is in People.
    assert counts("Data") == ("2", "2", "2")
    assert counts("Engineering") == ("1", "0", "2")
    assert counts("People") == ("1", "1", "1")
    assert counts("Acme") == ("0", "0", "3")


def test_the_unit_page_lists_who_a_change_affects_and_a_merge_goes_through(
    hr_client: Client, org: dict[str, OrgUnit], make_person: Callable[..., Participant]
) -> None:
    person = make_person(first_name="Quinn", last_name="Data", org_unit=org["data"])
    page = hr_client.get(reverse("participants:org_unit", args=[org["data"].pk])).content.decode()
    assert "Who a change here affects" in page and "Quinn Data" in page
    response = hr_client.post(
        reverse("participants:org_unit_change", args=[org["data"].pk, "merge"]), {"into": org["people"].pk}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.org_unit_id == org["people"].pk


def test_a_move_into_its_own_sub_unit_is_a_form_error(hr_client: Client, org: dict[str, OrgUnit]) -> None:
    url = reverse("participants:org_unit_change", args=[org["engineering"].pk, "move"])
    response = hr_client.post(url, {"parent": org["data"].pk})
    assert response.status_code == 400  # Data is not even offered: the form refuses it
    assert OrgUnit.objects.get(pk=org["engineering"].pk).parent_id == org["company"].pk


@pytest.mark.parametrize(
    ("action", "data"),
    [("rename", {"name": ""}), ("move", {"parent": "x"}), ("merge", {"into": "999999"}), ("nope", {})],
)
def test_hostile_posts_get_a_form_error_or_404_never_a_500(
    hr_client: Client, org: dict[str, OrgUnit], action: str, data: dict[str, str]
) -> None:
    response = hr_client.post(reverse("participants:org_unit_change", args=[org["data"].pk, action]), data)
    assert response.status_code in (400, 404)


def test_hr_creates_and_renames_a_unit_from_the_pages(hr_client: Client, org: dict[str, OrgUnit]) -> None:
    response = hr_client.post(
        reverse("participants:org_unit_create"), {"name": "Platform", "parent": org["engineering"].pk}
    )
    unit = OrgUnit.objects.get(name="Platform")
    assert response["Location"] == reverse("participants:org_unit", args=[unit.pk])
    hr_client.post(reverse("participants:org_unit_change", args=[unit.pk, "rename"]), {"name": "Platform & SRE"})
    assert OrgUnit.objects.get(pk=unit.pk).name == "Platform & SRE"
    clash = hr_client.post(reverse("participants:org_unit_create"), {"name": "data", "parent": org["engineering"].pk})
    assert clash.status_code == 400
    assert "Merge the two units instead" in clash.content.decode()


def test_a_new_installation_names_its_organisation_on_the_tree_page(client: Client, django_user_model: Any) -> None:
    admin = django_user_model.objects.create_superuser(email="root@example.com", password="a-long-password-1")
    services.participant_onboarding_complete(participant=services.participant_ensure(user=admin))
    client.force_login(admin)
    assert "Name your organisation" in client.get(reverse("participants:org_tree")).content.decode()
    client.post(reverse("participants:org_root_create"), {"name": "  Globex  "})
    assert list(OrgUnit.objects.values_list("name", "parent")) == [("Globex", None)]
    client.post(reverse("participants:org_root_create"), {"name": "Second root"})  # refused: one root
    assert OrgUnit.objects.count() == 1
