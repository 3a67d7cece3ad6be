"""The long lists in forms, with a browser: a filter box over checkboxes instead of Ctrl-click,
the time zone guessed from the browser, and an error summary that takes the focus."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from mentorship.programs.models import Program
from skills import services as skill_services
from tests.e2e.conftest import signed_in_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_hr_filters_the_skill_list_and_ticks_skills_without_ctrl_click(browser: Browser, live_server, hr_admin):
    skill_services.catalogue_seed()
    page = signed_in_page(browser, live_server, hr_admin.user)
    page.goto(f"{live_server.url}/programs/hr/new/")

    # The label now leads to the filter box; the plain select is still in the form, hidden.
    skills_filter = page.get_by_role("searchbox", name="Focus skills")
    expect(skills_filter).to_have_attribute("type", "search")
    expect(page.locator("select[name=focus_skills]")).to_be_hidden()
    options = page.get_by_role("group", name="Focus skills")
    total = options.get_by_role("checkbox").count()
    assert total > 50

    skills_filter.fill("kube")
    expect(options.get_by_role("checkbox", name="Kubernetes")).to_be_visible()
    assert options.locator("label:visible").count() < 5
    page.keyboard.press("ArrowDown")  # from the filter into the list
    expect(options.get_by_role("checkbox", name="Kubernetes")).to_be_focused()
    page.keyboard.press("Space")
    skills_filter.fill("sql")
    options.get_by_role("checkbox", name="SQL", exact=True).check()
    expect(page.locator("#id_focus_skills-count")).to_contain_text("2 chosen")

    page.get_by_label("Program name").fill("Cloud basics")
    page.get_by_label("Peer reskilling").check()
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", name="Cloud basics")).to_be_visible()
    program = Program.objects.get(name="Cloud basics")
    assert sorted(program.focus_skills.values_list("name", flat=True)) == ["Kubernetes", "SQL"]


def test_the_error_summary_takes_the_focus_and_its_links_reach_the_fields(browser: Browser, live_server, hr_admin):
    page = signed_in_page(browser, live_server, hr_admin.user)
    page.goto(f"{live_server.url}/programs/hr/new/")
    page.get_by_label("Peer reskilling").check()
    page.get_by_role("button", name="Create draft").click()

    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Program name: This field is required.").click()
    expect(page.get_by_label("Program name")).to_be_focused()


def test_a_new_profile_takes_the_browsers_time_zone(browser: Browser, live_server, make_person):
    person = make_person("newbie@example.com", first_name="Nia")
    person.onboarded_at = None
    person.timezone = "UTC"
    person.save(update_fields=["onboarded_at", "timezone"])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Tokyo")
    page: Page = context.new_page()
    client = Client()
    client.force_login(person.user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    try:
        page.goto(f"{live_server.url}/welcome/")
        page.get_by_label("Last name").fill("Newman")
        page.get_by_role("button", name="Continue").click()
        zone = page.get_by_label("Time zone:", exact=True)
        expect(zone).to_have_value("Asia/Tokyo")
        expect(page.get_by_text("Set from your browser: Asia/Tokyo.")).to_be_visible()

        # The filter box narrows 600 zones to a few; the choice follows the match.
        page.get_by_label("Filter the time zones").fill("berlin")
        expect(zone).to_have_value("Europe/Berlin")
    finally:
        context.close()
