"""The skill inventory with the keyboard only: the search box in two key presses, and a saved row
keeps the focus where the person was working."""

import pytest
from playwright.sync_api import Browser, expect

from skills import services as skill_services
from skills.models import Skill, SkillEntry
from tests.e2e.conftest import signed_in_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _focused(page) -> dict[str, str]:
    return page.evaluate(
        "() => ({id: document.activeElement.id, text: document.activeElement.textContent.trim(),"
        " tag: document.activeElement.tagName})"
    )


def test_one_tab_and_enter_reach_the_search_box(browser: Browser, live_server, make_person):
    skill_services.catalogue_seed()
    person = make_person("kim.keys@example.com", first_name="Kim")
    page = signed_in_page(browser, live_server, person.user)
    page.goto(f"{live_server.url}/skills/mine/")

    page.keyboard.press("Tab")
    assert _focused(page) == {"id": "", "text": "Skip to search", "tag": "A"}
    expect(page.get_by_role("link", name="Skip to search")).to_be_visible()  # shown once focused
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "skill-search"

    page.keyboard.type("kube")
    add = page.get_by_role("button", name="Add Kubernetes")
    expect(add).to_be_visible()
    page.keyboard.press("ArrowDown")
    assert _focused(page)["text"] == "Add Kubernetes"


def test_a_saved_row_keeps_the_focus_and_says_saved(browser: Browser, live_server, make_person):
    skill_services.catalogue_seed()
    person = make_person("kim.keys@example.com", first_name="Kim")
    sql = Skill.objects.get(name="SQL")
    python = Skill.objects.get(name="Python")
    for skill in (sql, python):
        skill_services.inventory_set_entry(participant=person, skill=skill, level=2, want_priority=0, can_teach=False)
    page = signed_in_page(browser, live_server, person.user)
    page.goto(f"{live_server.url}/skills/mine/")
    page.wait_for_load_state()

    row = page.locator(f"#entry-{sql.pk}")
    expect(row.get_by_role("button", name="Save SQL")).to_have_count(0)  # one save model: autosave
    level = row.get_by_label("Level for SQL")
    level.focus()
    page.keyboard.press("ArrowDown")  # a closed select changes its value with the arrow keys
    # The description under the select follows at once, in full.
    expect(row.locator(".entry-level-help")).to_have_text("Works on their own.")
    expect(row.locator(".entry-status")).to_have_text("✓ Saved")
    expect(page.locator("#inventory-status")).to_have_text("Saved SQL.")  # the polite live region
    assert _focused(page)["id"] == f"level-{sql.pk}"
    assert SkillEntry.objects.get(participant=person, skill=sql).level == 3

    page.keyboard.press("Tab")  # on to "Want to learn", then the checkbox
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == f"can_teach-{sql.pk}"
    page.keyboard.press("Space")
    expect(row.locator(".entry-status")).to_have_text("Saving…")
    expect(row.locator(".entry-status")).to_have_text("✓ Saved")
    expect(page.locator("#inventory-status")).to_have_text("Saved SQL.")
    assert SkillEntry.objects.get(participant=person, skill=sql).can_teach
    assert _focused(page)["id"] == f"can_teach-{sql.pk}"

    page.keyboard.press("Tab")  # the focus goes on from where it was: Remove SQL, not the page top
    assert _focused(page)["text"] == "Remove SQL"


def test_a_new_row_keeps_the_focus_on_its_level_through_its_first_save(browser: Browser, live_server, make_person):
    skill_services.catalogue_seed()
    person = make_person("kim.keys@example.com", first_name="Kim")
    page = signed_in_page(browser, live_server, person.user)
    page.goto(f"{live_server.url}/skills/mine/")
    page.wait_for_load_state()
    page.get_by_label("Find a skill to add").fill("sql")
    page.get_by_role("button", name="Add SQL").click()
    sql = Skill.objects.get(name="SQL")
    expect(page.get_by_label("Level for SQL")).to_be_focused()

    page.keyboard.press("ArrowDown")  # "Choose your level…" -> "0 · None"
    expect(page.locator(f"#entry-{sql.pk} .entry-status")).to_have_text("✓ Saved")
    expect(page.locator(f"#entry-{sql.pk}")).not_to_have_class("inventory-row is-new")
    expect(page.get_by_label("Level for SQL")).to_be_focused()
    assert SkillEntry.objects.get(participant=person, skill=sql).level == 0
