import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from mentorship.accounts.models import User
from mentorship.participants.models import OrgUnit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_new_employee_signs_up_verifies_onboards_and_lands_home(
    page: Page, live_server, mailoutbox, settings
) -> None:
    settings.SITE_URL = live_server.url  # links in emails come from SITE_URL, not the request's host
    OrgUnit.objects.create(name="Data")
    email = "new.hire@example.com"

    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password (again):").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link is not None, mail.outbox[0].body
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").click()

    # Verified and signed in: onboarding takes over.
    expect(page.get_by_role("heading", name="Step 1 of 3: About you")).to_be_visible()
    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Last name").fill("Newhire")
    page.get_by_label("Job title").fill("Data Analyst")
    page.get_by_label("Department or team").select_option(label="Data")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Step 2 of 3: Experience and availability")).to_be_visible()
    page.get_by_label("2 · Associate").check()
    page.get_by_label("Years of work experience").fill("2")
    page.get_by_label("Time zone:", exact=True).select_option("Europe/Berlin")
    page.get_by_label("English").check()
    page.get_by_label("Hours a month for mentoring").fill("4")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Step 3 of 3: How you like to work")).to_be_visible()
    for group in page.locator("fieldset").all():
        group.get_by_label("3", exact=True).check()
    page.get_by_label("Bio").fill("Curious about data and people.")
    page.get_by_role("button", name="Finish").click()

    expect(page.get_by_role("heading", name="Hello, Nina")).to_be_visible()
    expect(page.get_by_text("Welcome aboard")).to_be_visible()
    participant = User.objects.get(email=email).participant
    assert participant.onboarded_at is not None
    assert participant.career_level == 2
    assert participant.ws_focus == 3
