"""The write path for people and the organisation, and the database's own guard rails."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mentorship.accounts.models import User
from mentorship.participants import services
from mentorship.participants.models import OrgUnit, Participant
from mentorship.participants.roles import HR_ADMIN_GROUP, is_hr_admin

pytestmark = pytest.mark.django_db


def _reload(person: Participant) -> Participant:
    return Participant.objects.select_related("user").get(pk=person.pk)


def test_it_saves_names_on_the_user_and_the_rest_on_the_profile(junior_mentor, senior_mentor):
    services.participant_update(
        participant=junior_mentor,
        data={"first_name": "Joanna", "last_name": "Jones", "job_title": "Data Analyst", "manager": senior_mentor},
    )
    saved = _reload(junior_mentor)
    assert (saved.user.first_name, saved.user.last_name) == ("Joanna", "Jones")
    assert saved.name == "Joanna Jones"
    assert saved.job_title == "Data Analyst"
    assert saved.manager == senior_mentor


def test_it_refuses_a_person_as_their_own_manager(junior_mentor):
    manager_before = junior_mentor.manager_id
    with pytest.raises(ValidationError) as error:
        services.participant_update(participant=junior_mentor, data={"manager": junior_mentor, "first_name": "X"})
    assert error.value.message_dict == {"manager": ["You cannot be your own manager."]}
    saved = _reload(junior_mentor)
    assert saved.manager_id == manager_before
    assert saved.user.first_name == "Jo"


def test_it_refuses_a_direct_report_as_manager(manager, junior_mentor):
    with pytest.raises(ValidationError) as error:
        services.participant_update(participant=manager, data={"manager": junior_mentor})
    assert error.value.message_dict == {"manager": ["Jo Junior reports to you, directly or through others."]}
    assert _reload(manager).manager_id == manager.manager_id


def test_it_refuses_a_cycle_through_several_levels_and_saves_nothing(senior_mentor, manager, junior_mentor):
    with pytest.raises(ValidationError, match="reports to you"):
        services.participant_update(
            participant=senior_mentor,
            data={"manager": junior_mentor, "first_name": "Changed", "job_title": "Changed"},
        )
    saved = _reload(senior_mentor)
    assert saved.manager_id is None
    assert saved.user.first_name == "Dana"
    assert saved.job_title == "Director of Engineering"


def test_it_accepts_a_manager_from_another_branch(make_person, manager, junior_mentor):
    other_branch = make_person(first_name="Bo", last_name="Branch")
    services.participant_update(participant=manager, data={"manager": other_branch})
    assert _reload(manager).manager == other_branch
    services.participant_update(participant=manager, data={"manager": None})
    assert _reload(manager).manager is None


def test_it_rolls_back_the_name_when_a_profile_field_is_invalid(junior_mentor):
    with pytest.raises(ValidationError) as error:
        services.participant_update(participant=junior_mentor, data={"first_name": "Joanna", "timezone": "Mars/Base"})
    assert "timezone" in error.value.message_dict
    saved = _reload(junior_mentor)
    assert saved.user.first_name == "Jo"
    assert saved.timezone == "Europe/Berlin"


def test_it_creates_an_empty_profile_once(db):
    user = User.objects.create_user(email="new@example.com", password="x")
    first = services.participant_ensure(user=user)
    second = services.participant_ensure(user=user)
    assert first.pk == second.pk
    assert first.onboarded_at is None
    assert Participant.objects.filter(user=user).count() == 1


def test_it_completes_onboarding_once(make_person):
    newcomer = make_person(onboarded_at=None)
    services.participant_onboarding_complete(participant=newcomer)
    first = _reload(newcomer).onboarded_at
    assert first is not None
    services.participant_onboarding_complete(participant=_reload(newcomer))
    assert _reload(newcomer).onboarded_at == first


def test_org_unit_ensure_path_is_idempotent(db):
    unit = services.org_unit_ensure_path(path=["Acme", "Engineering", "Platform"])
    count = OrgUnit.objects.count()
    again = services.org_unit_ensure_path(path=[" Acme ", "Engineering", "Platform "])
    assert again.pk == unit.pk
    assert OrgUnit.objects.count() == count == 3
    assert unit.parent.name == "Engineering"
    assert unit.parent.parent.name == "Acme"
    assert unit.parent.parent.parent is None


def test_org_unit_ensure_path_keeps_same_names_under_different_parents_apart(db):
    sales_ops = services.org_unit_ensure_path(path=["Acme", "Sales", "Operations"])
    it_ops = services.org_unit_ensure_path(path=["Acme", "IT", "Operations"])
    assert sales_ops.pk != it_ops.pk
    assert OrgUnit.objects.filter(name="Operations").count() == 2


def test_org_unit_ensure_path_refuses_an_empty_path(db):
    with pytest.raises(ValueError, match="at least one name"):
        services.org_unit_ensure_path(path=[])


def test_hr_admin_grant_makes_staff_and_an_hr_group_member(outsider):
    user = outsider.user
    assert not user.is_staff
    assert not is_hr_admin(User.objects.get(pk=user.pk))
    services.hr_admin_grant(user=user)
    services.hr_admin_grant(user=user)  # twice changes nothing
    fresh = User.objects.get(pk=user.pk)
    assert fresh.is_staff
    assert not fresh.is_superuser
    assert list(fresh.groups.values_list("name", flat=True)) == [HR_ADMIN_GROUP]
    assert Group.objects.filter(name=HR_ADMIN_GROUP).count() == 1
    assert is_hr_admin(fresh)


# Constraints the database enforces even when code forgets -------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("career_level", 8), ("career_level", 0), ("ws_pace", 6), ("years_experience", 61), ("availability_hours", 41)],
)
def test_the_database_refuses_out_of_range_values(outsider, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.filter(pk=outsider.pk).update(**{field: value})
    assert getattr(_reload(outsider), field) == getattr(outsider, field)


def test_the_database_accepts_the_edges_of_the_ranges(outsider):
    Participant.objects.filter(pk=outsider.pk).update(career_level=7, ws_pace=1, years_experience=60)
    saved = _reload(outsider)
    assert (saved.career_level, saved.ws_pace, saved.years_experience) == (7, 1, 60)


def test_the_database_refuses_a_person_as_their_own_manager(outsider):
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.filter(pk=outsider.pk).update(manager=outsider.pk)
    assert _reload(outsider).manager_id is None


def test_the_database_refuses_an_org_unit_as_its_own_parent(org):
    unit = org["data"]
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.filter(pk=unit.pk).update(parent=unit.pk)


def test_the_database_refuses_two_top_level_units_with_one_name(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.create(name="Acme", parent=None)


def test_the_database_refuses_two_emails_differing_only_in_case(outsider):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="OLLY.outsider@example.com")
