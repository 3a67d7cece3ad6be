"""Profiles: private to their owner and HR, a public card for colleagues, and the directory."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.participants.forms import initial_for
from mentorship.participants.models import WORK_STYLE_QUESTIONS, Participant

pytestmark = pytest.mark.django_db


def _profile_url(person: Participant) -> str:
    return reverse("participants:profile", kwargs={"pk": person.pk})


def _edit_url(person: Participant) -> str:
    return reverse("participants:profile_edit", kwargs={"pk": person.pk})


def _card_url(person: Participant) -> str:
    return reverse("participants:person", kwargs={"pk": person.pk})


def _edit_form(person: Participant, **changes: Any) -> dict[str, Any]:
    """Everything the edit form posts for `person` today, with `changes` on top."""
    data = {name: value for name, value in initial_for(person).items() if value is not None}
    data["org_unit"] = data.get("org_unit") or ""
    # The personas skipped most of the questionnaire, which the form requires.
    unanswered = {name: 3 for name, *_ in WORK_STYLE_QUESTIONS if name not in data}
    return {**data, **unanswered, **changes}


def _snapshot(person: Participant) -> dict[str, Any]:
    person = Participant.objects.select_related("user").get(pk=person.pk)
    return {
        "name": (person.user.first_name, person.user.last_name),
        "job_title": person.job_title,
        "manager": person.manager_id,
        "availability_hours": person.availability_hours,
        "updated_at": person.updated_at,
    }


def _directory_names(response) -> list[str]:
    return re.findall(r'<a href="/people/\d+/">([^<]+)</a>', response.content.decode())


# Own profile and the public card ---------------------------------------------------------------


def test_it_shows_a_person_their_own_private_fields(client, junior_mentor):
    client.force_login(junior_mentor.user)
    response = client.get(_profile_url(junior_mentor))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your profile" in page
    assert "6 hours a month" in page
    assert "4 of 5" in page  # ws_structure
    assert "Mo Manager" in page
    assert "I love dashboards." in page


def test_my_profile_leads_to_the_own_profile(client, junior_mentor):
    client.force_login(junior_mentor.user)
    response = client.get(reverse("participants:my_profile"))
    assert response.status_code == 302
    assert response.url == _profile_url(junior_mentor)


def test_it_shows_colleagues_only_the_public_card(client, outsider, junior_mentor):
    client.force_login(outsider.user)
    response = client.get(_card_url(junior_mentor))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Jo Junior" in page
    assert "Junior Data Analyst" in page
    assert "Acme / Engineering / Data" in page
    assert "I love dashboards." in page
    assert "hours a month" not in page
    assert "Work style" not in page
    assert "of 5" not in page
    assert "Mo Manager" not in page
    assert junior_mentor.user.email not in page
    assert _profile_url(junior_mentor) not in page


@pytest.mark.parametrize("url_for", [_profile_url, _edit_url], ids=["profile", "edit"])
def test_it_answers_404_to_a_colleague_reading_someone_elses_profile(client, outsider, junior_mentor, url_for):
    client.force_login(outsider.user)
    response = client.get(url_for(junior_mentor))
    assert response.status_code == 404
    assert "6 hours a month" not in response.content.decode()


@pytest.mark.parametrize("url_for", [_profile_url, _edit_url], ids=["profile", "edit"])
def test_it_answers_404_to_a_colleague_posting_to_someone_elses_profile(client, outsider, junior_mentor, url_for):
    # Their own manager gets no further than anyone else.
    before = _snapshot(junior_mentor)
    client.force_login(junior_mentor.manager.user)
    response = client.post(url_for(junior_mentor), _edit_form(junior_mentor, job_title="Hacked", availability_hours=0))
    assert response.status_code == 404
    assert _snapshot(junior_mentor) == before


def test_it_answers_404_for_a_profile_that_does_not_exist(client, outsider):
    client.force_login(outsider.user)
    assert client.get(reverse("participants:profile", kwargs={"pk": 999_999})).status_code == 404
    assert client.get(reverse("participants:person", kwargs={"pk": 999_999})).status_code == 404


def test_it_shows_an_hr_admin_the_private_profile(client, hr_admin, junior_mentor):
    client.force_login(hr_admin.user)
    response = client.get(_profile_url(junior_mentor))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Jo Junior" in page
    assert "Your profile" not in page
    assert "6 hours a month" in page
    assert "Mo Manager" in page


def test_it_lets_an_hr_admin_correct_a_profile(client, hr_admin, junior_mentor):
    client.force_login(hr_admin.user)
    response = client.post(_edit_url(junior_mentor), _edit_form(junior_mentor, job_title="Data Analyst"))
    assert response.status_code == 302
    junior_mentor.refresh_from_db()
    assert junior_mentor.job_title == "Data Analyst"


def test_it_asks_for_a_login_before_any_profile(client, junior_mentor):
    for url in (_profile_url(junior_mentor), _card_url(junior_mentor), reverse("participants:directory")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


# Editing ----------------------------------------------------------------------------------------


def test_it_saves_an_edited_profile(client, junior_mentor, senior_mentor, org):
    client.force_login(junior_mentor.user)
    assert client.get(_edit_url(junior_mentor)).status_code == 200
    response = client.post(
        _edit_url(junior_mentor),
        _edit_form(
            junior_mentor,
            first_name="Joanna",
            job_title="Data Analyst",
            org_unit=org["engineering"].pk,
            manager_email="DANA.director@example.com",
            availability_hours=8,
            languages=["en", "fr"],
            ws_focus=5,
        ),
    )
    assert response.status_code == 302
    assert response.url == _profile_url(junior_mentor)
    junior_mentor.refresh_from_db()
    junior_mentor.user.refresh_from_db()
    assert junior_mentor.user.first_name == "Joanna"
    assert junior_mentor.job_title == "Data Analyst"
    assert junior_mentor.org_unit == org["engineering"]
    assert junior_mentor.manager == senior_mentor
    assert junior_mentor.availability_hours == 8
    assert junior_mentor.languages == ["en", "fr"]
    assert junior_mentor.ws_focus == 5
    assert "Profile saved." in client.get(response.url).content.decode()


def test_it_refuses_a_manager_email_nobody_has(client, junior_mentor):
    before = _snapshot(junior_mentor)
    client.force_login(junior_mentor.user)
    response = client.post(
        _edit_url(junior_mentor), _edit_form(junior_mentor, manager_email="ghost@example.com", job_title="Changed")
    )
    assert response.status_code == 400
    assert "Nobody with that email is registered yet" in response.context["form"].errors["manager_email"][0]
    assert "Please correct 1 problem below." in response.content.decode()
    assert _snapshot(junior_mentor) == before


def test_it_refuses_oneself_as_manager(client, junior_mentor):
    before = _snapshot(junior_mentor)
    client.force_login(junior_mentor.user)
    response = client.post(_edit_url(junior_mentor), _edit_form(junior_mentor, manager_email="jo.junior@example.com"))
    assert response.status_code == 400
    assert response.context["form"].errors["manager_email"] == ["You cannot be your own manager."]
    assert _snapshot(junior_mentor) == before


def test_it_refuses_a_manager_who_reports_to_you_through_others(client, senior_mentor, junior_mentor):
    # Jo reports to Mo, who reports to Dana: Dana cannot now report to Jo.
    before = _snapshot(senior_mentor)
    client.force_login(senior_mentor.user)
    response = client.post(
        _edit_url(senior_mentor),
        _edit_form(senior_mentor, manager_email=junior_mentor.user.email, first_name="Changed", job_title="Changed"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["manager_email"] == ["Jo Junior reports to you, directly or through others."]
    assert _snapshot(senior_mentor) == before


def test_it_shows_field_errors_for_out_of_range_values(client, junior_mentor):
    before = _snapshot(junior_mentor)
    client.force_login(junior_mentor.user)
    response = client.post(
        _edit_url(junior_mentor), _edit_form(junior_mentor, availability_hours=41, ws_pace=6, languages=["xx"])
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"availability_hours", "ws_pace", "languages"}
    assert _snapshot(junior_mentor) == before


# The directory -----------------------------------------------------------------------------------


def test_it_finds_people_by_name_title_or_department(client, outsider, junior_mentor, senior_mentor):
    client.force_login(outsider.user)
    assert _directory_names(client.get(reverse("participants:directory"), {"q": "junior"})) == ["Jo Junior"]
    assert _directory_names(client.get(reverse("participants:directory"), {"q": "director of"})) == ["Dana Director"]
    assert _directory_names(client.get(reverse("participants:directory"), {"q": "Data"})) == ["Jo Junior", "Mo Manager"]
    response = client.get(reverse("participants:directory"), {"q": "nobody-like-this"})
    assert _directory_names(response) == []
    assert "Nobody matches" in response.content.decode()


def test_it_pages_the_directory(client, make_person):
    people = [make_person(first_name="Pat", last_name=f"Person {n:02}") for n in range(1, 31)]
    client.force_login(people[0].user)

    first = client.get(reverse("participants:directory"))
    assert _directory_names(first) == [f"Pat Person {n:02}" for n in range(1, 26)]
    assert "Page 1 of 2 · 30 in all" in first.content.decode()
    assert 'href="?page=2" rel="next"' in first.content.decode()

    second = client.get(reverse("participants:directory"), {"page": 2})
    assert _directory_names(second) == [f"Pat Person {n:02}" for n in range(26, 31)]
    assert 'href="?page=1" rel="prev"' in second.content.decode()

    # A page past the end shows the last page rather than an error.
    assert _directory_names(client.get(reverse("participants:directory"), {"page": 99})) == _directory_names(second)


def test_it_keeps_the_search_in_the_page_links(client, make_person):
    people = [make_person(first_name="Sam", last_name=f"Searcher {n:02}") for n in range(1, 28)]
    client.force_login(people[0].user)
    response = client.get(reverse("participants:directory"), {"q": "Searcher"})
    assert 'href="?q=Searcher&amp;page=2"' in response.content.decode()


def test_it_answers_htmx_with_just_the_results(client, outsider, junior_mentor):
    client.force_login(outsider.user)
    response = client.get(reverse("participants:directory"), {"q": "Jo"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode().strip()
    assert fragment.startswith('<div id="results"')
    assert fragment.endswith("</div>")
    assert "<html" not in fragment
    assert 'role="search"' not in fragment
    assert _directory_names(response) == ["Jo Junior"]

    full = client.get(reverse("participants:directory"), {"q": "Jo"})
    assert "<html" in full.content.decode()
    assert 'id="results"' in full.content.decode()


def test_it_leaves_people_who_have_not_onboarded_out_of_the_directory(client, outsider, make_person):
    newcomer = make_person("nell.new@example.com", first_name="Nell", last_name="New", onboarded_at=None)
    client.force_login(outsider.user)
    assert "Nell New" not in _directory_names(client.get(reverse("participants:directory")))
    assert _directory_names(client.get(reverse("participants:directory"), {"q": "Nell"})) == []
    assert client.get(_card_url(newcomer)).status_code == 404


def test_the_directory_query_count_does_not_grow_with_the_people_listed(client, make_person, org):
    viewer = make_person(org_unit=org["data"])
    client.force_login(viewer.user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("participants:directory")).status_code == 200
    for n in range(20):
        make_person(org_unit=org["engineering"] if n % 2 else org["people"], last_name=f"Extra {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("participants:directory"))
    assert len(_directory_names(response)) == 21
    assert len(many) == len(few)


# Onboarding gate and navigation -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/people/", "/profile/"])
def test_it_sends_someone_who_has_not_onboarded_to_the_welcome_steps(client, make_person, path):
    newcomer = make_person(onboarded_at=None)
    client.force_login(newcomer.user)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == reverse("participants:onboarding", kwargs={"step": 1})


@pytest.mark.parametrize("name", ["account_email", "account_change_password", "mfa_index"])
def test_it_lets_someone_who_has_not_onboarded_manage_their_account(client, make_person, name):
    newcomer = make_person(onboarded_at=None)
    client.force_login(newcomer.user)
    assert client.get(reverse(name)).status_code == 200


def test_it_leaves_visitors_who_are_not_signed_in_to_the_login(client):
    response = client.get("/people/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_it_shows_the_hr_admin_link_only_to_hr_admins(client, hr_admin, outsider):
    client.force_login(hr_admin.user)
    page = client.get("/").content.decode()
    assert '<a href="/programs/hr/">Manage programs</a>' in page
    assert "HR administration" in page

    client.force_login(outsider.user)
    page = client.get("/").content.decode()
    assert "Manage programs" not in page
    assert "HR admin" not in page
    assert "/admin/" not in page


def test_a_manager_home_mentions_their_reports(client, manager, junior_mentor, make_person):
    make_person(first_name="Ria", last_name="Report", manager=manager)
    client.force_login(manager.user)
    page = client.get("/").content.decode()
    assert "Your team" in page
    assert "2 people report to you directly" in page


def test_a_home_without_reports_has_no_team_section(client, junior_mentor):
    client.force_login(junior_mentor.user)
    page = client.get("/").content.decode()
    assert "Your team" not in page
    assert "report to you" not in page
