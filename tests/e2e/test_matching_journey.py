"""HR runs matching on a reverse program, pins a pair, re-solves the rest, publishes; the pair accepts."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from mentorship.mentorships.models import Mentorship
from pairing.models import MatchRun, Proposal
from tests.conftest import celery_worker
from tests.e2e.conftest import signed_in_page
from tests.pairing.conftest import Seeded, seed_reverse_program

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(make_person: Any, org: Any, hr_admin: Any) -> Seeded:
    """The small reverse program of the pairing tests: three juniors teach three seniors."""
    return seed_reverse_program(make_person, org, hr_admin)


@pytest.fixture
def worker(transactional_db: None) -> Iterator[None]:
    with celery_worker():
        yield


def test_hr_matches_pins_resolves_and_publishes_then_the_pair_accepts(
    browser: Browser, live_server: Any, worker: None, seeded: Any
) -> None:
    hr = signed_in_page(browser, live_server, seeded.hr.user)
    hr.goto(f"{live_server.url}/matching/programs/{seeded.program.pk}/")
    hr.get_by_role("button", name="Run matching").click()
    # The page polls with htmx and shows the results in place when the worker is done.
    expect(hr.get_by_role("heading", name="Results")).to_be_visible()
    first_run = MatchRun.objects.get()
    assert hr.url.endswith(f"/matching/runs/{first_run.pk}/")

    hr.get_by_role("button", name=re.compile(r"^Pin Cy Junior and Fay Senior")).click()
    expect(hr.get_by_role("button", name=re.compile(r"^Unpin Cy Junior and Fay Senior"))).to_be_visible()
    hr.get_by_role("button", name="Re-solve the rest, keeping pinned and hand-made pairs").click()
    expect(hr.get_by_role("heading", name="Results")).to_be_visible()
    second_run = MatchRun.objects.exclude(pk=first_run.pk).get()
    expect(hr.locator("#pair-count")).to_contain_text("1 kept from run")
    pinned = second_run.proposals.get(pinned=True)
    assert (pinned.mentor.name, pinned.mentee.name) == ("Cy Junior", "Fay Senior")

    hr.get_by_role("link", name="Publish 3 pairs…").click()
    expect(hr.get_by_text("3 pairs, 6 emails.")).to_be_visible()  # it says what will happen first
    hr.get_by_role("button", name="Publish and send 6 emails").click()
    expect(hr.get_by_text("Published 3 pairs")).to_be_visible()

    dee = seeded.mentees[0]
    proposal = Proposal.objects.select_related("mentor__user").get(run=second_run, mentee=dee)
    mentee = signed_in_page(browser, live_server, dee.user)
    mentee.goto(f"{live_server.url}/matching/mine/")
    mentee.get_by_role("link", name=proposal.mentor.name).click()
    expect(mentee.get_by_role("heading", name="Why you two")).to_be_visible()
    expect(mentee.get_by_text("can help you with what you want to learn")).to_be_visible()
    mentee.get_by_role("button", name="Accept").click()
    expect(mentee.get_by_text("You accepted.").first).to_be_visible()

    mentor = signed_in_page(browser, live_server, proposal.mentor.user)
    mentor.goto(f"{live_server.url}/notifications/")
    mentor.get_by_role("link", name=re.compile("You have a match")).click()
    mentor.get_by_role("button", name="Accept").click()
    expect(mentor.get_by_role("heading", name=f"Your mentorship with {dee.name}")).to_be_visible()
    assert Mentorship.objects.filter(mentor=proposal.mentor, mentee=dee, status="active").exists()
    for page in (hr, mentee, mentor):
        page.context.close()
