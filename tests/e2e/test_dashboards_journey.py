"""A manager filters their team's dashboard by program; HR compares approaches and downloads CSV."""

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from mentorship.participants.models import OrgUnit, Participant
from mentorship.workspace.models import Goal
from tests.dashboards.conftest import assess, enroll, make_program, pair, rate, session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _signed_in(browser: Browser, live_server: Any, person: Participant) -> Page:
    client = Client()
    client.force_login(person.user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _history(make_person: Callable[..., Participant], manager: Participant, org: dict[str, OrgUnit]) -> None:
    """Six of the manager's reports in a traditional program, five in a reverse one, each with a
    rated session and a re-assessed goal skill."""
    from skills.models import Skill, SkillCategory

    # Made here: transactional tests before this one may have flushed the seeded catalogue.
    skill = Skill.objects.create(name="Dashboards journey skill", category=SkillCategory.DIGITAL)
    day = (timezone.localdate() - timedelta(days=40)).isoformat()
    for name, kind, size in (("Leadership pathways", "traditional", 6), ("Reverse AI", "reverse", 5)):
        program = make_program(name, kind)
        for index in range(size):
            mentee = make_person(first_name=f"{kind}{index}", org_unit=org["data"], manager=manager)
            mentor = make_person(career_level=6)
            enroll(program, mentee, "mentee", day)
            mentorship = pair(program, mentor, mentee, day)
            rate(session(mentorship, day), mentee, 4 if kind == "traditional" else 5, day)
            Goal.objects.create(mentorship=mentorship, learner=mentee, skill=skill, title="Grow", from_level=1)
            assess(mentee, skill, 2 if kind == "traditional" else 3, timezone.localdate().isoformat())


def test_a_manager_filters_by_program_and_hr_downloads_the_comparison(
    browser: Browser,
    live_server: Any,
    make_person: Callable[..., Participant],
    manager: Participant,
    hr_admin: Participant,
    org: dict[str, OrgUnit],
) -> None:
    _history(make_person, manager, org)

    page = _signed_in(browser, live_server, manager)
    page.goto(f"{live_server.url}/dashboards/team/")
    expect(page.get_by_role("heading", name="My team's engagement")).to_be_visible()
    rating = page.locator(".dash-figure", has_text="Average session rating")
    expect(rating).to_contain_text("4.5")  # (6 × 4 + 5 × 5) / 11
    page.get_by_label("Program", exact=True).select_option(label="Reverse AI")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/dashboards/team/\?program=\d+"))  # the view is a shareable link
    # Five people in the reverse program: enough to show, and the six left out are enough too.
    expect(rating).to_contain_text("5.0")
    page.context.close()

    page = _signed_in(browser, live_server, hr_admin)
    page.goto(f"{live_server.url}/dashboards/approaches/")
    expect(page.get_by_role("heading", name="Comparison of approaches")).to_be_visible()
    expect(page.get_by_role("heading", name="What the figures say about skill growth")).to_be_visible()
    expect(page.get_by_role("img", name="Adjusted skill growth by approach")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Download CSV\W+Approaches side by side")).click()
    download = download_info.value
    assert download.suggested_filename == "approaches-approaches.csv"
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Measure,Traditional mentoring,Reverse mentoring")
    assert "Pairs,6,5,0,0" in lines
    page.context.close()
