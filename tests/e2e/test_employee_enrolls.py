from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mentorship.programs import services as program_services
from mentorship.programs.models import Enrollment, EnrollmentRole, ProgramKind, ProgramStatus
from skills import services as skill_services
from skills.models import Skill, SkillEntry
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_employee_fills_their_inventory_and_enrolls_as_a_mentee(page: Page, live_server, make_person, hr_admin):
    skill_services.catalogue_seed()  # browser tests flush the database, catalogue included
    today = timezone.localdate()
    program = program_services.program_create(
        data={
            "name": "AI for leaders",
            "kind": ProgramKind.REVERSE,
            "objectives": "Use generative AI tools weekly.",
            "enrollment_opens": today - timedelta(days=1),
            "enrollment_closes": today + timedelta(days=10),
            "starts_on": today + timedelta(days=14),
        },
        by=hr_admin.user,
    )
    program_services.program_transition(program=program, to=ProgramStatus.ENROLLING, by=hr_admin.user)
    director = make_person("dee.director@example.com", first_name="Dee", career_level=6)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(director.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("link", name="My skills", exact=True).click()
    page.wait_for_load_state()  # htmx is listening from here on
    page.get_by_label("Find a skill to add").fill("genai")
    page.get_by_role("button", name="Add Generative AI tools").click()
    row = page.locator("#entry-" + str(Skill.objects.get(name="Generative AI tools").pk))
    # The new row takes the focus once htmx has wired it up: from then on a change saves it.
    expect(page.get_by_label("Level for Generative AI tools")).to_be_focused()
    page.get_by_label("Level for Generative AI tools").select_option("1")
    expect(row.locator(".entry-status")).to_have_text("✓ Saved")  # the row saves itself
    page.get_by_label("Want to learn Generative AI tools").select_option("3")
    expect(page.locator("#inventory-status")).to_have_text("Saved Generative AI tools.")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    entry = SkillEntry.objects.get(participant=director, skill__name="Generative AI tools")
    assert (entry.level, entry.want_priority) == (1, 3)

    page.get_by_role("link", name="Programs").first.click()
    expect(page.get_by_role("heading", name="AI for leaders")).to_be_visible()
    page.get_by_role("link", name="Enroll").first.click()
    page.get_by_label("Mentee").check()
    page.get_by_label("Generative AI tools").check()
    page.get_by_label("Why do you want to join?").fill("My team uses AI more than I do.")
    page.get_by_role("button", name="Enroll").click()

    enrollment = Enrollment.objects.get(program=program, participant=director)
    assert enrollment.role == EnrollmentRole.MENTEE
    assert [s.name for s in enrollment.goals.all()] == ["Generative AI tools"]
    expect(page.get_by_text("AI for leaders").first).to_be_visible()
