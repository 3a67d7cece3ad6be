"""Self-match: a mentee sees their top suggestions, asks one; the mentor accepts or declines;
unanswered requests expire."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.mentorships.models import Mentorship
from mentorship.notifications.models import Notification
from pairing.models import RequestStatus
from pairing.services import self_match

from .conftest import Seeded


@pytest.fixture
def open_program(seeded: Seeded) -> Seeded:
    seeded.program.self_match = True
    seeded.program.matching = {**seeded.program.matching, "request_expiry_days": 3}
    seeded.program.save()
    return seeded


def login(person: Any) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_a_mentee_sees_their_best_allowed_mentors_first(open_program: Seeded) -> None:
    dee = open_program.mentees[0]
    found = self_match.suggestions_for(open_program.program, dee)
    ada, cy = open_program.mentors[0], open_program.mentors[2]
    assert [s.partner_id for s in found] == [ada.pk, cy.pk]  # Bo cannot teach generative AI
    assert found[0].pair.score > found[1].pair.score


def test_asking_a_mentor_notifies_them_and_their_acceptance_starts_the_mentorship(open_program: Seeded) -> None:
    dee, ada = open_program.mentees[0], open_program.mentors[0]
    request = self_match.self_match_request_create(program=open_program.program, mentee=dee, mentor_id=ada.pk)
    assert request.status == RequestStatus.PENDING
    assert abs(request.expires_at - request.created_at - timedelta(days=3)) < timedelta(seconds=1)
    assert Notification.objects.filter(recipient=ada.user, kind="match_request").exists()
    with pytest.raises(ValidationError, match="already have a request waiting"):
        self_match.self_match_request_create(
            program=open_program.program, mentee=dee, mentor_id=open_program.mentors[2].pk
        )
    request = self_match.self_match_request_respond(request=request, mentor=ada, accept=True)
    assert request.status == RequestStatus.ACCEPTED
    assert Mentorship.objects.get().pk == request.mentorship_id
    assert Notification.objects.filter(recipient=dee.user, kind="match_request_accepted").exists()
    assert self_match.self_match_problem(open_program.program, dee) == "You already have a mentor in this program."


def test_a_declined_request_lets_the_mentee_ask_someone_else(open_program: Seeded) -> None:
    dee, ada, cy = open_program.mentees[0], open_program.mentors[0], open_program.mentors[2]
    request = self_match.self_match_request_create(program=open_program.program, mentee=dee, mentor_id=ada.pk)
    self_match.self_match_request_respond(request=request, mentor=ada, accept=False, reason="Full this quarter.")
    assert [s.partner_id for s in self_match.suggestions_for(open_program.program, dee)] == [cy.pk]
    again = self_match.self_match_request_create(program=open_program.program, mentee=dee, mentor_id=cy.pk)
    assert again.status == RequestStatus.PENDING


def test_only_a_suggested_mentor_can_be_asked(open_program: Seeded) -> None:
    dee, bo = open_program.mentees[0], open_program.mentors[1]
    with pytest.raises(ValidationError, match="suggested mentors"):
        self_match.self_match_request_create(program=open_program.program, mentee=dee, mentor_id=bo.pk)


def test_self_match_needs_the_program_option(seeded: Seeded) -> None:
    with pytest.raises(ValidationError, match="does not let mentees choose"):
        self_match.self_match_request_create(
            program=seeded.program, mentee=seeded.mentees[0], mentor_id=seeded.mentors[0].pk
        )


def test_an_unanswered_request_expires(open_program: Seeded) -> None:
    dee, ada = open_program.mentees[0], open_program.mentors[0]
    request = self_match.self_match_request_create(program=open_program.program, mentee=dee, mentor_id=ada.pk)
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        with pytest.raises(ValidationError, match="expired"):
            self_match.self_match_request_respond(request=request, mentor=ada, accept=True)
        request.refresh_from_db()
        assert request.status == RequestStatus.EXPIRED
    assert not Mentorship.objects.exists()


def test_the_expiry_sweep_expires_and_tells_the_mentee(open_program: Seeded) -> None:
    dee, ada = open_program.mentees[0], open_program.mentors[0]
    self_match.self_match_request_create(program=open_program.program, mentee=dee, mentor_id=ada.pk)
    assert self_match.self_match_requests_expire() == 0
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert self_match.self_match_requests_expire() == 1
    assert Notification.objects.filter(recipient=dee.user, kind="match_request_expired").exists()


def test_the_suggestions_page_and_the_request_flow_in_the_browser_pages(open_program: Seeded, outsider: Any) -> None:
    dee, ada = open_program.mentees[0], open_program.mentors[0]
    page = login(dee).get(reverse("pairing:suggestions", args=[open_program.program.pk])).content.decode()
    assert "Ask Ada Junior" in page and "can help you with what you want to learn" in page
    assert "score" not in page.lower()
    response = login(dee).post(
        reverse("pairing:request_create", args=[open_program.program.pk]), {"mentor": ada.pk, "message": "Hi!"}
    )
    assert response.status_code == 302
    request_url = response["Location"]
    assert login(outsider).get(request_url).status_code == 404
    assert "Hi!" in login(ada).get(request_url).content.decode()
    response = login(ada).post(request_url + "respond/", {"decision": "accept"})
    assert response["Location"].startswith("/mentorships/")
    assert login(outsider).get(reverse("pairing:suggestions", args=[open_program.program.pk])).status_code == 404
