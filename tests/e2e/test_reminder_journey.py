"""A mentee logs a session; two days later the sweep asks the mentor to rate it; the mentor opens
the link in the reminder email and rates the session."""

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from mentorship.feedback import services
from mentorship.mentorships.models import Mentorship
from mentorship.programs.defaults import default_reminders
from mentorship.programs.models import Program, ProgramStatus
from mentorship.workspace.models import MentoringSession, SessionRating
from tests.conftest import celery_worker
from tests.e2e.conftest import signed_in_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(transactional_db: None) -> Iterator[None]:
    with celery_worker():
        yield


@pytest.fixture
def pair(hr_admin: Any, senior_mentor: Any, junior_mentor: Any) -> Mentorship:
    today = timezone.localdate()
    program = Program.objects.create(
        name="Lead well",
        kind="traditional",
        status=ProgramStatus.RUNNING,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=150),
        reminders=default_reminders(),
    )
    program.owners.add(hr_admin.user)
    return Mentorship.objects.create(
        program=program, mentor=senior_mentor, mentee=junior_mentor, started_at=timezone.now() - timedelta(days=10)
    )


def test_the_mentor_rates_a_session_from_the_reminder_email(
    browser: Browser, live_server: Any, worker: None, pair: Mentorship, mailoutbox: list[Any], settings: Any
) -> None:
    settings.SITE_URL = live_server.url  # links in emails point at this server
    held_on = timezone.localdate() - timedelta(days=2)

    mentee = signed_in_page(browser, live_server, pair.mentee.user)
    mentee.goto(f"{live_server.url}/mentorships/{pair.pk}/sessions/new/")
    mentee.get_by_label("Date").fill(held_on.isoformat())
    mentee.get_by_label("Length (minutes)").fill("45")
    mentee.get_by_label("Shared notes").fill("Walked through the quarterly planning deck.")
    mentee.get_by_role("button", name="Log the session").click()
    expect(mentee.get_by_role("heading", name=re.compile("^Rate the session"))).to_be_visible()
    session = MentoringSession.objects.get(mentorship=pair)
    # The mentee rates right away; the mentor does not.
    mentee.get_by_label("4 · Good").check()
    mentee.get_by_role("button", name="Send the rating").click()
    expect(mentee.get_by_text("Thank you. Only you and the program's HR team see your rating.")).to_be_visible()

    # The session was two days ago: beat's sweep finds the mentor's rating due.
    assert services.sweep().written == {"session_rating": 1}
    for _ in range(150):  # the worker delivers it within seconds
        if mailoutbox:
            break
        mentee.wait_for_timeout(200)
    assert [message.to for message in mailoutbox] == [[pair.mentor.user.email]]
    link = re.search(r"http://\S+/rate/", mailoutbox[0].body).group(0)
    assert link == f"{live_server.url}/mentorships/sessions/{session.pk}/rate/"

    mentor = signed_in_page(browser, live_server, pair.mentor.user)
    mentor.goto(link)
    expect(mentor.get_by_role("heading", name=re.compile("^Rate the session"))).to_be_visible()
    mentor.get_by_label("5 · Excellent").check()
    mentor.get_by_label("What I learned").fill("How Jo reads the data before the meeting.")
    mentor.get_by_role("button", name="Send the rating").click()
    expect(mentor.get_by_text("Thank you. Only you and the program's HR team see your rating.")).to_be_visible()
    rating = SessionRating.objects.get(session=session, rater=pair.mentor)
    assert (rating.score, rating.learned) == (5, "How Jo reads the data before the meeting.")
    # Rated: the second reminder will not come.
    assert services.sweep().written == {}
