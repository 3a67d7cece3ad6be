"""The home page says "Accept your match" while a published proposal waits for the person's answer."""

import pytest
from django.test import Client
from django.urls import reverse

from pairing.models import MatchRun
from pairing.services import publishing

from .conftest import Seeded

pytestmark = pytest.mark.django_db


def _home(person) -> str:
    client = Client()
    client.force_login(person.user)
    return client.get(reverse("core:home")).content.decode()


def test_the_home_page_asks_each_member_to_accept_until_they_answer(seeded: Seeded, solved: MatchRun) -> None:
    proposal = solved.proposals.select_related("mentor__user", "mentee__user").order_by("pk").first()
    assert proposal is not None
    assert "Accept your match" not in _home(proposal.mentee)  # still in HR review: not theirs to see

    publishing.match_run_publish(run=solved, by=seeded.hr.user)
    html = _home(proposal.mentee)
    assert "Accept your match" in html
    assert reverse("pairing:proposal", args=[proposal.pk]) in html
    assert proposal.mentor.user.get_full_name() in html

    publishing.proposal_respond(proposal=proposal, participant=proposal.mentee, accept=True)
    assert "Accept your match" not in _home(proposal.mentee)  # answered
    assert "Accept your match" in _home(proposal.mentor)  # the partner has not
