"""One active mentorship per mentee per program, mentor capacity, and mentor != mentee, in the
database as well as in the service."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.mentorships.services import mentorship_start
from mentorship.programs import services as program_services
from mentorship.programs.models import Enrollment, Program


@pytest.fixture
def program(hr_admin: Any) -> Program:
    today = timezone.localdate()
    program = program_services.program_create(
        data={"name": "Leadership for new leads", "kind": "traditional", "objectives": "Lead well."}, by=hr_admin.user
    )
    Program.objects.filter(pk=program.pk).update(status="matching", starts_on=today)
    program.refresh_from_db()
    return program


@pytest.fixture
def people(program: Program, make_person: Any) -> dict[str, Any]:
    mentor = make_person("mentor@example.com", first_name="Mara", last_name="Mentor", career_level=6)
    first = make_person("first@example.com", first_name="Finn", last_name="First", career_level=2)
    second = make_person("second@example.com", first_name="Sam", last_name="Second", career_level=2)
    Enrollment.objects.create(program=program, participant=mentor, role="mentor", capacity=1)
    Enrollment.objects.create(program=program, participant=first, role="mentee")
    Enrollment.objects.create(program=program, participant=second, role="mentee")
    return {"mentor": mentor, "first": first, "second": second}


def test_it_starts_an_active_mentorship(program: Program, people: dict[str, Any]) -> None:
    mentorship = mentorship_start(program=program, mentor=people["mentor"], mentee=people["first"])
    assert mentorship.status == MentorshipStatus.ACTIVE and mentorship.started_at is not None


def test_it_respects_the_mentors_capacity(program: Program, people: dict[str, Any]) -> None:
    mentorship_start(program=program, mentor=people["mentor"], mentee=people["first"])
    with pytest.raises(ValidationError, match="as many people as they offered"):
        mentorship_start(program=program, mentor=people["mentor"], mentee=people["second"])
    assert Mentorship.objects.count() == 1


def test_it_refuses_a_second_active_mentorship_for_a_mentee(
    program: Program, people: dict[str, Any], make_person: Any
) -> None:
    other = make_person("other.mentor@example.com", first_name="Oli", career_level=6)
    Enrollment.objects.create(program=program, participant=other, role="mentor", capacity=2)
    mentorship_start(program=program, mentor=people["mentor"], mentee=people["first"])
    with pytest.raises(ValidationError, match="already has an active mentorship"):
        mentorship_start(program=program, mentor=other, mentee=people["first"])


def test_the_database_allows_one_active_mentorship_per_mentee_per_program(
    program: Program, people: dict[str, Any], make_person: Any
) -> None:
    other = make_person("other.mentor@example.com", first_name="Oli", career_level=6)
    now = timezone.now()
    Mentorship.objects.create(program=program, mentor=people["mentor"], mentee=people["first"], started_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(program=program, mentor=other, mentee=people["first"], started_at=now)
    # An ended one does not count.
    Mentorship.objects.filter(mentee=people["first"]).update(status=MentorshipStatus.ENDED_EARLY, ended_at=now)
    Mentorship.objects.create(program=program, mentor=other, mentee=people["first"], started_at=now)


def test_the_database_refuses_a_mentor_mentoring_themselves(program: Program, people: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(
            program=program, mentor=people["first"], mentee=people["first"], started_at=timezone.now()
        )


def test_only_the_two_people_see_their_mentorship(program: Program, people: dict[str, Any], outsider: Any) -> None:
    mentorship = mentorship_start(program=program, mentor=people["mentor"], mentee=people["first"])
    url = reverse("mentorships:detail", args=[mentorship.pk])
    for person, status in ((people["mentor"], 200), (people["first"], 200), (people["second"], 404), (outsider, 404)):
        client = Client()
        client.force_login(person.user)
        assert client.get(url).status_code == status
    client = Client()
    client.force_login(people["first"].user)
    page = client.get(url).content.decode()
    assert "Mara Mentor" in page and "Lead well." in page
    assert "Leadership for new leads" in client.get(reverse("mentorships:list")).content.decode()
