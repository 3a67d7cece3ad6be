"""The demo organisation: believable in shape, and safe to build twice."""

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db.models import Count

from mentorship.accounts.models import User
from mentorship.demo import organisation as demo
from mentorship.participants.models import OrgUnit, Participant
from mentorship.participants.reporting import ReportingLines
from mentorship.participants.roles import HR_ADMIN_GROUP
from mentorship.programs.models import Enrollment, EnrollmentRole, Program, ProgramStatus
from skills.models import Assessment, SkillCategory, SkillEntry

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _state() -> dict[str, object]:
    return {
        "users": User.objects.count(),
        "participants": Participant.objects.count(),
        "org_units": OrgUnit.objects.count(),
        "email_addresses": EmailAddress.objects.count(),
        "hr_admins": User.objects.filter(groups__name=HR_ADMIN_GROUP).count(),
        "updated_at": dict(Participant.objects.values_list("id", "updated_at")),
        "managers": dict(Participant.objects.values_list("id", "manager_id")),
        "passwords": dict(User.objects.values_list("id", "password")),
        "skill_entries": SkillEntry.objects.count(),
        "assessments": Assessment.objects.count(),
        "programs": dict(Program.objects.values_list("name", "status")),
        "enrollments": Enrollment.objects.count(),
    }


def test_seeding_twice_changes_nothing_the_second_time():
    _seed()
    first = _state()
    _seed()
    second = _state()
    assert second == first
    assert first["participants"] == first["users"] == first["email_addresses"]


def test_the_demo_organisation_looks_like_a_real_company():
    output = _seed()
    people = Participant.objects.filter(user__email__endswith=f"@{demo.DEMO_DOMAIN}")
    total = people.count()
    assert 280 <= total <= 320
    assert f"Demo organisation ready: {total} people, {Program.objects.count()} programs." in output
    assert not people.filter(onboarded_at=None).exists()
    assert not EmailAddress.objects.filter(verified=False).exists()

    company = OrgUnit.objects.get(parent=None)
    assert company.name == "Northwind Group"
    assert company.children.count() >= 8

    lines = ReportingLines.load()
    levels = {pk: len(lines.chain(pk)) + 1 for pk in people.values_list("id", flat=True)}
    assert 4 <= max(levels.values()) <= 5
    assert list(levels.values()).count(1) == 1  # one chief executive at the top, everyone else below
    assert lines.below(people.get(user__email=f"ceo@{demo.DEMO_DOMAIN}").pk) == sorted(
        pk for pk in levels if levels[pk] > 1
    )

    managers = people.annotate(reports_count=Count("reports")).filter(reports_count__gt=0)
    assert managers.count() >= 30
    assert User.objects.filter(groups__name=HR_ADMIN_GROUP, is_staff=True).exists()
    assert {level for level in people.values_list("career_level", flat=True)} == set(range(1, 8))


def test_the_printed_demo_logins_work(client):
    output = _seed()
    assert f"password for all: {demo.DEMO_PASSWORD}" in output
    emails = re.findall(rf"\b[\w.]+@{re.escape(demo.DEMO_DOMAIN)}\b", output)
    assert len(emails) == 4
    for email in emails:
        assert client.login(email=email, password=demo.DEMO_PASSWORD), email
        response = client.get("/")
        assert response.status_code == 200, email
        client.logout()

    hr = User.objects.get(email=f"hr@{demo.DEMO_DOMAIN}")
    assert hr.is_staff
    assert hr.groups.filter(name=HR_ADMIN_GROUP).exists()
    assert Participant.objects.get(user__email=f"manager@{demo.DEMO_DOMAIN}").reports.exists()
    assert not client.login(email=emails[0], password="wrong-password")


def test_the_demo_gives_everyone_skills_shaped_by_seniority():
    _seed()
    seniors = SkillEntry.objects.filter(participant__career_level__gte=5)
    juniors = SkillEntry.objects.filter(participant__career_level__lte=2)
    assert not Participant.objects.filter(skill_entries=None).exists()

    def mean_level(entries, category):
        levels = list(entries.filter(skill__category=category).values_list("level", flat=True))
        return sum(levels) / len(levels)

    assert mean_level(seniors, SkillCategory.LEADERSHIP) > mean_level(juniors, SkillCategory.LEADERSHIP) + 1.5
    assert mean_level(juniors, SkillCategory.DIGITAL) > mean_level(seniors, SkillCategory.DIGITAL) + 1.5
    # Every inventory line has the dated self-assessment growth is measured from.
    self_assessed = set(Assessment.objects.filter(source="self").values_list("participant_id", "skill_id"))
    assert set(SkillEntry.objects.values_list("participant_id", "skill_id")) <= self_assessed


def test_the_demo_leaves_one_program_of_each_kind_ready_to_match_with_a_real_pool():
    _seed()
    programs = Program.objects.filter(status=ProgramStatus.MATCHING)
    assert sorted(programs.values_list("kind", flat=True)) == ["peer", "reciprocal", "reverse", "traditional"]
    for program in programs:
        roles = set(program.enrollments.values_list("role", flat=True))
        teaches = roles & {EnrollmentRole.MENTOR, EnrollmentRole.BOTH}
        learns = roles & {EnrollmentRole.MENTEE, EnrollmentRole.BOTH}
        assert teaches, program.name
        assert learns, program.name
        assert program.enrollments.count() >= 20
    reverse = programs.get(kind="reverse")
    mentor_levels = reverse.enrollments.filter(role=EnrollmentRole.MENTOR).values_list(
        "participant__career_level", flat=True
    )
    mentee_levels = reverse.enrollments.filter(role=EnrollmentRole.MENTEE).values_list(
        "participant__career_level", flat=True
    )
    assert max(mentor_levels) < min(mentee_levels)  # reverse: juniors teach seniors
