"""The employee's inventory editor: always their own, quick with htmx, complete without JS."""

import re

import pytest
from django.urls import reverse

from skills import services
from skills.models import Assessment, Skill, SkillCategory, SkillEntry, SkillSuggestion, WantPriority

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def sql() -> Skill:
    return Skill.objects.get(name="SQL")


def _save_url(skill: Skill) -> str:
    return reverse("skills:inventory_save", args=[skill.pk])


def _entry(person, skill) -> tuple[int, int, bool]:
    entry = SkillEntry.objects.get(participant=person, skill=skill)
    return entry.level, entry.want_priority, entry.can_teach


def test_the_editor_shows_each_entry_as_a_labelled_row_with_the_level_anchors(client_for, junior_mentor, sql):
    services.inventory_set_entry(
        participant=junior_mentor, skill=sql, level=3, want_priority=WantPriority.HIGH, can_teach=True
    )
    html = client_for(junior_mentor).get(reverse("skills:inventory")).content.decode()

    assert f'<label for="level-{sql.pk}">Level<span class="visually-hidden"> for SQL</span></label>' in html
    assert '<option value="3" selected>3 · Practitioner</option>' in html
    # The level's description is readable in full under the select, and the select points at it.
    assert f'aria-describedby="level-help-{sql.pk}"' in html
    assert f'<p class="entry-level-help" id="level-help-{sql.pk}">Works on their own.</p>' in html
    assert f'<label for="can_teach-{sql.pk}">I can teach<span class="visually-hidden"> SQL</span></label>' in html
    assert f'<form method="post" action="{_save_url(sql)}"' in html  # a real form: works without JS
    assert "5 · Expert: can teach experts" in html  # the legend


def test_the_skip_link_to_the_search_box_comes_before_everything_else(client_for, junior_mentor):
    html = client_for(junior_mentor).get(reverse("skills:inventory")).content.decode()
    body = html[html.index("<body") :]
    first_link = re.search(r"<a [^>]*>", body)
    assert first_link is not None and 'href="#skill-search"' in first_link.group(0)
    assert 'id="skill-search"' in body


def test_a_row_has_one_save_model_autosave_with_the_button_only_without_scripts(client_for, junior_mentor, sql):
    services.inventory_set_entry(participant=junior_mentor, skill=sql, level=3, want_priority=0, can_teach=False)
    html = client_for(junior_mentor).get(reverse("skills:inventory")).content.decode()
    row = html[html.index(f'id="entry-{sql.pk}"') :]
    row = row[: row.index("</li>")]
    assert 'hx-trigger="change delay:600ms, submit"' in row
    # The Save button is inside <noscript>: with scripts on, nothing to press and nothing to miss.
    assert re.search(r"<noscript><button type=\"submit\"[^>]*>Save", row)
    assert row.count("<button") == 2  # that one, and Remove


def test_search_as_you_type_returns_only_the_results_with_add_buttons(client_for, junior_mentor, sql):
    services.inventory_set_entry(
        participant=junior_mentor, skill=sql, level=3, want_priority=WantPriority.NONE, can_teach=False
    )
    response = client_for(junior_mentor).get(reverse("skills:inventory_search"), {"q": "kube"}, **HTMX)

    html = response.content.decode()
    assert "<html" not in html
    kubernetes = Skill.objects.get(name="Kubernetes")
    assert re.search(rf'<button type="submit" name="add" value="{kubernetes.pk}"[^>]*>Add Kubernetes</button>', html)

    listed = client_for(junior_mentor).get(reverse("skills:inventory_search"), {"q": "sql"}, **HTMX)
    assert "Add SQL<" not in listed.content.decode()
    assert "already in your list" in listed.content.decode()


def test_a_search_with_no_match_offers_to_suggest_the_skill(client_for, junior_mentor):
    html = client_for(junior_mentor).get(reverse("skills:inventory"), {"q": "basket weaving"}).content.decode()
    assert "No skill matches “basket weaving”" in html
    assert f"{reverse('skills:suggest')}?name=basket%20weaving" in html


def test_without_js_search_and_add_render_the_page_with_an_unsaved_row(client_for, junior_mentor, sql):
    client = client_for(junior_mentor)
    assert client.get(reverse("skills:inventory_search"), {"q": "sql"})["Location"].endswith("?q=sql")

    page = client.get(reverse("skills:inventory"), {"q": "sql", "add": sql.pk}).content.decode()
    assert f'id="entry-{sql.pk}"' in page
    assert "Choose your level…" in page  # nothing saved until a level is chosen
    assert not SkillEntry.objects.filter(participant=junior_mentor).exists()


def test_htmx_add_returns_just_the_new_row(client_for, junior_mentor, sql):
    response = client_for(junior_mentor).get(reverse("skills:inventory_new_row"), {"add": sql.pk}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="inventory-row is-new" id="entry-{sql.pk}">')
    assert "<html" not in html


def test_htmx_row_save_returns_the_row_with_a_saved_status_and_an_announcement(client_for, junior_mentor, sql):
    response = client_for(junior_mentor).post(
        _save_url(sql), {"level": 2, "want_priority": WantPriority.MEDIUM, "can_teach": "on"}, **HTMX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="entry-{sql.pk}"' in html and "✓ Saved" in html
    assert '<p id="inventory-status" hx-swap-oob="innerHTML">Saved SQL.</p>' in html
    assert f'<p class="entry-level-help" id="level-help-{sql.pk}">Can do simple tasks with help.</p>' in html
    assert _entry(junior_mentor, sql) == (2, WantPriority.MEDIUM, True)
    # A first save turns the new row into a saved one (Remove instead of Cancel): the whole row.
    assert response["HX-Retarget"] == f"#entry-{sql.pk}" and response["HX-Reswap"] == "outerHTML"


def test_saving_a_listed_row_again_answers_with_only_its_status_so_nothing_in_use_is_replaced(
    client_for, junior_mentor, sql
):
    client = client_for(junior_mentor)
    client.post(_save_url(sql), {"level": 2, "want_priority": 0}, **HTMX)
    response = client.post(_save_url(sql), {"level": 3, "want_priority": 0}, **HTMX)

    html = response.content.decode()
    assert html.startswith("✓ Saved") and "<select" not in html
    assert '<p id="inventory-status" hx-swap-oob="innerHTML">Saved SQL.</p>' in html
    assert "HX-Retarget" not in response
    assert _entry(junior_mentor, sql) == (3, 0, False)


def test_without_js_a_row_posts_and_redirects_back_to_the_editor(client_for, junior_mentor, sql):
    response = client_for(junior_mentor).post(_save_url(sql), {"level": 4, "want_priority": 0})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('skills:inventory')}#entry-{sql.pk}"
    assert _entry(junior_mentor, sql) == (4, 0, False)


def test_a_row_without_a_level_shows_the_error_in_place(client_for, junior_mentor, sql):
    client = client_for(junior_mentor)
    no_js = client.post(_save_url(sql), {"want_priority": 3})
    assert no_js.status_code == 400
    assert "Choose your level for SQL." in no_js.content.decode()

    htmx = client.post(_save_url(sql), {"want_priority": 3}, **HTMX)
    assert htmx.status_code == 200  # htmx swaps only 2xx responses; the row carries the error
    assert htmx["HX-Retarget"] == f"#entry-{sql.pk}"
    assert "Choose your level for SQL." in htmx.content.decode()
    assert not SkillEntry.objects.filter(participant=junior_mentor).exists()


def test_saving_through_the_editor_writes_history_only_when_the_level_changes(client_for, junior_mentor, sql):
    client = client_for(junior_mentor)
    client.post(_save_url(sql), {"level": 1, "want_priority": 3}, **HTMX)
    client.post(_save_url(sql), {"level": 1, "want_priority": 2, "can_teach": "on"}, **HTMX)
    client.post(_save_url(sql), {"level": 2, "want_priority": 2, "can_teach": "on"}, **HTMX)

    levels = list(Assessment.objects.filter(participant=junior_mentor, skill=sql).values_list("level", flat=True))
    assert levels == [1, 2]


def test_removing_a_row_keeps_history_and_works_with_or_without_js(client_for, junior_mentor, sql):
    client = client_for(junior_mentor)
    python = Skill.objects.get(name="Python")
    for skill in (sql, python):
        client.post(_save_url(skill), {"level": 2, "want_priority": 0})

    htmx = client.post(reverse("skills:inventory_remove", args=[sql.pk]), **HTMX)
    assert "Removed SQL. Its assessment history is kept." in htmx.content.decode()
    no_js = client.post(reverse("skills:inventory_remove", args=[python.pk]))
    assert no_js.status_code == 302

    assert not SkillEntry.objects.filter(participant=junior_mentor).exists()
    assert Assessment.objects.filter(participant=junior_mentor).count() == 2


def test_the_editor_only_ever_touches_the_signed_in_persons_inventory(client_for, junior_mentor, outsider, sql):
    services.inventory_set_entry(
        participant=junior_mentor, skill=sql, level=3, want_priority=WantPriority.NONE, can_teach=False
    )
    client = client_for(outsider)

    page = client.get(reverse("skills:inventory")).content.decode()
    assert f'id="entry-{sql.pk}"' not in page
    client.post(_save_url(sql), {"level": 0, "want_priority": 0})
    assert _entry(outsider, sql) == (0, 0, False)  # the outsider wrote their own line, nobody else's
    client.post(reverse("skills:inventory_remove", args=[sql.pk]))

    assert _entry(junior_mentor, sql) == (3, 0, False)
    assert not SkillEntry.objects.filter(participant=outsider).exists()


def test_a_retired_skill_cannot_be_added_from_the_editor(client_for, junior_mentor, make_skill):
    skill = make_skill("Telex")
    services.skill_retire(skill=skill)
    client = client_for(junior_mentor)
    assert client.post(_save_url(skill), {"level": 2, "want_priority": 0}).status_code == 404
    assert client.get(reverse("skills:inventory_new_row"), {"add": skill.pk}, **HTMX).status_code == 404


def test_the_editor_stays_at_a_fixed_number_of_queries_for_many_skills(
    client_for, junior_mentor, django_assert_max_num_queries
):
    client = client_for(junior_mentor)
    for skill in Skill.objects.all()[:25]:
        services.inventory_set_entry(participant=junior_mentor, skill=skill, level=2, want_priority=1, can_teach=False)
    # Session, user, profile, entries with their skills, search, HR role for the navigation.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("skills:inventory"), {"q": "data"})
    assert len(response.context["rows"]) == 25


def test_history_lists_the_persons_own_assessments_per_skill(client_for, junior_mentor, outsider, sql):
    for level in (1, 3):
        services.inventory_set_entry(
            participant=junior_mentor, skill=sql, level=level, want_priority=0, can_teach=False
        )
    services.inventory_set_entry(participant=outsider, skill=sql, level=5, want_priority=0, can_teach=True)

    response = client_for(junior_mentor).get(reverse("skills:history"))

    assert [a.level for a in response.context["page"].object_list] == [1, 3]
    assert "1 · Aware" in response.content.decode() and "5 · Expert" not in response.content.decode()


def test_an_employee_suggests_a_missing_skill_and_sees_its_status(client_for, junior_mentor, hr_admin):
    client = client_for(junior_mentor)
    assert 'value="Kite surfing"' in client.get(reverse("skills:suggest"), {"name": "Kite surfing"}).content.decode()

    response = client.post(reverse("skills:suggest"), {"name": "Kite surfing", "category": SkillCategory.CAREER})
    assert response.status_code == 302
    suggestion = SkillSuggestion.objects.get(suggested_by=junior_mentor)
    services.suggestion_reject(suggestion=suggestion, by=hr_admin.user, note="Hobby, not a work skill.")

    page = client.get(reverse("skills:suggest")).content.decode()
    assert "Kite surfing" in page and "Declined" in page and "Hobby, not a work skill." in page
    duplicate = client.post(reverse("skills:suggest"), {"name": "kubernetes", "category": SkillCategory.TECHNICAL})
    assert duplicate.status_code == 400
    assert "“Kubernetes” is already in the catalogue" in duplicate.content.decode()
