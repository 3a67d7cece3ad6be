"""On a phone the top menu folds behind one button that the keyboard opens and closes; on a
desktop the links show without it."""

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from mentorship.participants.models import Participant
from tests.e2e.conftest import signed_in_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_menu_folds_behind_a_button_on_a_phone(browser: Browser, live_server: Any, hr_admin: Participant) -> None:
    page = signed_in_page(browser, live_server, hr_admin.user)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/")
    menu_button = page.get_by_role("button", name="Menu")
    programs = page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs")
    expect(menu_button).to_be_visible()
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(programs).to_be_hidden()

    # The skip link comes first, then the brand, then the menu button.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(menu_button).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    expect(programs).to_be_visible()
    expect(page.get_by_role("link", name="Inbox")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")).to_be_focused()

    page.keyboard.press("Escape")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(menu_button).to_be_focused()
    expect(programs).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.context.close()


def test_a_desktop_shows_the_links_without_a_menu_button(
    browser: Browser, live_server: Any, hr_admin: Participant
) -> None:
    page = signed_in_page(browser, live_server, hr_admin.user)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    page.context.close()
