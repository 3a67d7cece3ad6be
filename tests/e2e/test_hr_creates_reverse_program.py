from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mentorship.programs.models import Program, ProgramStatus
from mentorship.programs.services import add_months
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_hr_admin_creates_a_reverse_program_and_opens_enrollment(page: Page, live_server, hr_admin) -> None:
    sign_in(page, live_server, hr_admin.user)
    today = timezone.localdate()

    page.goto(f"{live_server.url}/programs/hr/")
    page.get_by_role("link", name="New program").first.click()
    page.get_by_label("Program name").fill("AI coaching for leaders")
    page.get_by_label("Reverse mentoring").check()
    page.get_by_label("Objectives").fill("Each leader uses a generative AI assistant in their weekly work.")
    page.get_by_label("Enrollment opens:", exact=True).fill(today.isoformat())
    page.get_by_label("Enrollment closes:", exact=True).fill((today + timedelta(days=14)).isoformat())
    page.get_by_label("Starts on").fill((today + timedelta(days=21)).isoformat())
    page.get_by_role("button", name="Create draft").click()

    expect(page.get_by_role("heading", name="AI coaching for leaders")).to_be_visible()
    expect(page.get_by_text("A junior colleague coaches a senior one")).to_be_visible()
    page.get_by_role("button", name="Open enrollment").click()

    expect(page.locator("#program-status")).to_have_text("Enrolling")
    history = page.get_by_role("region", name="History")
    expect(history.get_by_text("Draft → Enrolling")).to_be_visible()
    expect(history.get_by_text("Harriet HR").first).to_be_visible()
    program = Program.objects.get()
    assert (program.kind, program.status) == ("reverse", ProgramStatus.ENROLLING)
    assert program.ends_on == add_months(program.starts_on, 3)  # reverse programs last three months
