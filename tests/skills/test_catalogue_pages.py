"""HR's catalogue pages: only HR admins see them; list, add, edit, retire, merge, suggestions."""

import pytest
from django.urls import reverse

from skills import services
from skills.models import Skill, SkillCategory, SkillEntry, SkillSuggestion, SuggestionStatus, WantPriority

pytestmark = pytest.mark.django_db


def _hr_pages(skill: Skill, suggestion: SkillSuggestion) -> list[tuple[str, str]]:
    return [
        ("get", reverse("skills:catalogue")),
        ("get", reverse("skills:skill_create")),
        ("get", reverse("skills:skill_edit", args=[skill.pk])),
        ("post", reverse("skills:skill_retire", args=[skill.pk])),
        ("post", reverse("skills:skill_restore", args=[skill.pk])),
        ("get", reverse("skills:skill_merge", args=[skill.pk])),
        ("get", reverse("skills:suggestions")),
        ("get", reverse("skills:suggestion_review", args=[suggestion.pk])),
    ]


def test_employees_and_managers_get_404_on_every_catalogue_page(client_for, junior_mentor, manager):
    skill = Skill.objects.get(name="SQL")
    suggestion = services.suggestion_create(participant=junior_mentor, name="Abacus", category=SkillCategory.CAREER)
    for person in (junior_mentor, manager):
        client = client_for(person)
        for method, url in _hr_pages(skill, suggestion):
            assert getattr(client, method)(url).status_code == 404, url
    assert Skill.objects.get(pk=skill.pk).is_active


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("skills:catalogue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_catalogue_lists_counts_of_people_per_skill(client_for, hr_admin, junior_mentor, senior_mentor):
    sql = Skill.objects.get(name="SQL")
    for person, teach in ((junior_mentor, False), (senior_mentor, True)):
        services.inventory_set_entry(
            participant=person, skill=sql, level=3, want_priority=WantPriority.LOW, can_teach=teach
        )

    response = client_for(hr_admin).get(reverse("skills:catalogue"), {"q": "sql"})

    row = next(skill for skill in response.context["page"].object_list if skill.pk == sql.pk)
    assert (row.people, row.teachers, row.learners) == (2, 1, 2)
    assert f'href="{reverse("skills:skill_edit", args=[sql.pk])}">SQL</a>' in response.content.decode()


def test_the_catalogue_filters_by_category_and_pages(client_for, hr_admin):
    client = client_for(hr_admin)
    career = client.get(reverse("skills:catalogue"), {"category": SkillCategory.CAREER})
    names = {skill.category for skill in career.context["page"].object_list}
    assert names == {SkillCategory.CAREER}

    second = client.get(reverse("skills:catalogue"), {"page": 2})
    assert second.context["page"].number == 2
    assert 'rel="prev"' in second.content.decode()


def test_the_catalogue_query_count_does_not_grow_with_the_number_of_skills(
    client_for, hr_admin, make_skill, make_person, django_assert_max_num_queries
):
    client = client_for(hr_admin)
    people = [make_person() for _ in range(3)]
    for person in people:
        for skill in Skill.objects.all()[:30]:
            services.inventory_set_entry(
                participant=person, skill=skill, level=2, want_priority=WantPriority.LOW, can_teach=True
            )
    client.get(reverse("skills:catalogue"))  # warm up the session and the user's groups
    # Session, user, profile, HR role, page count, pending suggestions, the page with its counts.
    with django_assert_max_num_queries(9) as few:
        client.get(reverse("skills:catalogue"), {"state": "all"})
    for _ in range(30):
        make_skill()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("skills:catalogue"), {"state": "all"})
    assert len(response.context["page"].object_list) == 25


def test_hr_adds_a_skill_and_sees_a_clear_error_for_a_duplicate_name(client_for, hr_admin):
    client = client_for(hr_admin)
    data = {"name": "Quantum basics", "category": SkillCategory.DIGITAL, "description": "Qubits.", "aliases": "qc"}
    response = client.post(reverse("skills:skill_create"), data)
    assert response.status_code == 302
    assert Skill.objects.get(name="Quantum basics").aliases == "qc"

    again = client.post(reverse("skills:skill_create"), {**data, "name": "QUANTUM BASICS"})
    assert again.status_code == 400
    assert "already has “Quantum basics”" in again.content.decode()


def test_hr_edits_and_retires_and_restores_a_skill(client_for, hr_admin):
    client = client_for(hr_admin)
    skill = Skill.objects.get(name="Storytelling")
    data = {"name": "Storytelling", "category": SkillCategory.INTERPERSONAL, "description": "Stories.", "aliases": ""}
    assert client.post(reverse("skills:skill_edit", args=[skill.pk]), data).status_code == 302
    skill.refresh_from_db()
    assert skill.description == "Stories."

    client.post(reverse("skills:skill_retire", args=[skill.pk]))
    skill.refresh_from_db()
    assert not skill.is_active
    client.post(reverse("skills:skill_restore", args=[skill.pk]))
    skill.refresh_from_db()
    assert skill.is_active


def test_the_merge_page_finds_the_survivor_shows_what_moves_and_merges(client_for, hr_admin, junior_mentor):
    client = client_for(hr_admin)
    duplicate = services.skill_create(name="Structured Query Lang", category=SkillCategory.TECHNICAL)
    services.inventory_set_entry(
        participant=junior_mentor, skill=duplicate, level=2, want_priority=WantPriority.NONE, can_teach=False
    )
    sql = Skill.objects.get(name="SQL")
    url = reverse("skills:skill_merge", args=[duplicate.pk])

    search = client.get(url, {"q": "sql"})
    assert f'name="target" value="{sql.pk}"' in search.content.decode()
    assert f'value="{duplicate.pk}"' not in search.content.decode()  # not merged into itself

    confirm = client.get(url, {"target": sql.pk})
    assert confirm.context["preview"].entries_moving == 1
    assert "Merge Structured Query Lang into SQL" in confirm.content.decode()

    done = client.post(url, {"target": sql.pk})
    assert done.status_code == 302
    assert SkillEntry.objects.get(participant=junior_mentor).skill == sql
    duplicate.refresh_from_db()
    assert duplicate.merged_into == sql


def test_the_merge_page_refuses_a_retired_survivor(client_for, hr_admin, make_skill):
    source, retired = make_skill(), make_skill()
    services.skill_retire(skill=retired)
    response = client_for(hr_admin).post(reverse("skills:skill_merge", args=[source.pk]), {"target": retired.pk})
    assert response.status_code == 400
    source.refresh_from_db()
    assert source.merged_into is None


def test_hr_works_through_the_suggestion_queue(client_for, hr_admin, junior_mentor):
    client = client_for(hr_admin)
    approve = services.suggestion_create(participant=junior_mentor, name="Podcasting", category=SkillCategory.DIGITAL)
    mapped = services.suggestion_create(
        participant=junior_mentor, name="Spreadsheet macros", category=SkillCategory.DIGITAL
    )
    rejected = services.suggestion_create(participant=junior_mentor, name="Napping", category=SkillCategory.CAREER)

    queue = client.get(reverse("skills:suggestions"))
    assert [s.name for s in queue.context["page"].object_list] == ["Podcasting", "Spreadsheet macros", "Napping"]

    client.post(
        reverse("skills:suggestion_review", args=[approve.pk]),
        {"action": "approve", "name": "Podcasting", "category": SkillCategory.DIGITAL, "description": "Audio shows."},
    )
    review = client.get(reverse("skills:suggestion_review", args=[mapped.pk]), {"q": "excel"})
    spreadsheets = Skill.objects.get(name="Spreadsheet analysis")
    assert spreadsheets in review.context["candidates"]
    client.post(reverse("skills:suggestion_review", args=[mapped.pk]), {"action": "map", "skill": spreadsheets.pk})
    refused = client.post(reverse("skills:suggestion_review", args=[rejected.pk]), {"action": "reject", "note": ""})
    assert refused.status_code == 400
    client.post(reverse("skills:suggestion_review", args=[rejected.pk]), {"action": "reject", "note": "Not a skill."})

    statuses = dict(SkillSuggestion.objects.values_list("name", "status"))
    assert statuses == {
        "Podcasting": SuggestionStatus.APPROVED,
        "Spreadsheet macros": SuggestionStatus.MERGED,
        "Napping": SuggestionStatus.REJECTED,
    }
    assert Skill.objects.get(name="Podcasting").description == "Audio shows."
    assert len(client.get(reverse("skills:suggestions")).context["page"].object_list) == 0
