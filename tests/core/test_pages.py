"""Pages every visitor meets: home for each persona, the error pages and the development outbox."""

import pytest
from django.conf import settings as django_settings
from django.core.mail import send_mail
from django.test import RequestFactory
from django.urls import reverse

from mentorship.core import views

pytestmark = pytest.mark.django_db

FILE_MAILER = {"default": {"BACKEND": "mentorship.core.mail.ConsoleAndFileBackend"}}
SMTP_MAILER = {
    "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": "smtp.example.com"}}
}


def _template_names(response) -> list[str]:
    return [template.name for template in response.templates]


# Error pages ---------------------------------------------------------------------------------------


def test_tests_run_with_debug_off_like_production():
    assert django_settings.DEBUG is False


def test_an_unknown_url_gets_the_styled_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "errors/404.html" in _template_names(response)
    page = response.content.decode()
    assert "<h1>Page not found</h1>" in page
    assert 'href="/static/css/app.css"' in page  # the site's own layout, not Django's bare page


def test_a_signed_in_person_gets_the_same_404_page(client, outsider):
    client.force_login(outsider.user)
    response = client.get("/people/999999/")
    assert response.status_code == 404
    assert "errors/404.html" in _template_names(response)
    assert "Olly" in response.content.decode()  # the navigation still knows who is signed in


def test_a_forbidden_page_gets_the_styled_403_page(client, outsider):
    client.force_login(outsider.user)
    response = client.get("/admin/login/")
    assert response.status_code == 403
    assert "errors/403.html" in _template_names(response)


def test_the_500_page_renders_without_the_request_context():
    response = views.error_500(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"<html" in response.content


# Home for each persona ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "greeting", "team", "hr"),
    [
        ("hr_admin", "Hello, Harriet", False, True),
        ("senior_mentor", "Hello, Dana", True, False),
        ("manager", "Hello, Mo", True, False),
        ("junior_mentor", "Hello, Jo", False, False),
        ("outsider", "Hello, Olly", False, False),
    ],
)
def test_home_greets_each_persona_with_what_they_may_do(request, client, junior_mentor, persona, greeting, team, hr):
    person = request.getfixturevalue(persona)
    client.force_login(person.user)
    response = client.get("/")
    assert response.status_code == 200
    assert "core/home.html" in _template_names(response)
    page = response.content.decode()
    assert greeting in page
    assert ("Your team" in page) is team
    assert ("HR administration" in page) is hr
    assert ('<a href="/programs/hr/">Manage programs</a>' in page) is hr
    assert "Keep your account safe" in page


def test_home_lists_what_a_profile_is_missing(client, outsider):
    client.force_login(outsider.user)
    page = client.get("/").content.decode()
    assert "Still missing: a short bio, your manager, the work-style questions." in page
    assert reverse("participants:profile_edit", kwargs={"pk": outsider.pk}) in page


def test_home_says_when_a_profile_is_complete(client, make_person, manager):
    complete = make_person(
        bio="Hello.", manager=manager, ws_structure=1, ws_pace=2, ws_feedback=3, ws_contact=4, ws_focus=5
    )
    client.force_login(complete.user)
    page = client.get("/").content.decode()
    assert "Complete your profile" not in page
    assert "Still missing" not in page
    assert "List your skills" in page  # the next step once the profile is done


def test_home_asks_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/"


def test_home_runs_a_fixed_number_of_queries(client, manager, junior_mentor, make_person, django_assert_num_queries):
    client.force_login(manager.user)
    client.get("/")  # warm the session (one more query than before: matches awaiting an answer)
    with django_assert_num_queries(11):
        assert client.get("/").status_code == 200
    for n in range(5):
        make_person(manager=manager, last_name=f"Report {n}")
    with django_assert_num_queries(11):
        assert client.get("/").status_code == 200


# The development outbox ----------------------------------------------------------------------------


def test_the_outbox_is_missing_when_mail_goes_to_a_real_server(client, settings, hr_admin):
    settings.MAILERS = SMTP_MAILER
    settings.DEBUG = True
    client.force_login(hr_admin.user)
    assert client.get(reverse("core:outbox")).status_code == 404


def test_the_outbox_is_missing_with_the_test_mailer(client, hr_admin):
    client.force_login(hr_admin.user)
    assert client.get(reverse("core:outbox")).status_code == 404


def test_the_outbox_lists_mail_sent_in_development(client, settings, tmp_path):
    settings.MAILERS = FILE_MAILER
    settings.MAIL_OUTBOX_DIR = tmp_path / "mail"
    settings.DEBUG = True

    empty = client.get(reverse("core:outbox"))
    assert empty.status_code == 200
    assert "No email has been sent yet." in empty.content.decode()

    send_mail("First hello", "Confirm at https://example.com/confirm/abc/", None, ["nina@example.com"])
    send_mail("Second hello", "Another body", None, ["omar@example.com"])
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2

    response = client.get(reverse("core:outbox"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Second hello") < page.index("First hello")  # newest first
    assert "to nina@example.com" in page
    assert '<a href="https://example.com/confirm/abc/"' in page  # links are clickable
    assert [mail["subject"] for mail in response.context["messages_sent"]] == ["Second hello", "First hello"]


def test_the_file_mailer_keeps_nothing_and_no_one_reads_the_outbox_when_debug_is_off(
    client, settings, tmp_path, outsider, hr_admin
):
    settings.MAILERS = FILE_MAILER
    settings.MAIL_OUTBOX_DIR = tmp_path
    send_mail("Secret", "A reset link", None, ["someone@example.com"])
    assert list(tmp_path.iterdir()) == []  # dropped, not kept

    assert client.get(reverse("core:outbox")).status_code == 404
    for person in (outsider, hr_admin):
        client.force_login(person.user)
        response = client.get(reverse("core:outbox"))
        assert response.status_code == 404
        assert "Secret" not in response.content.decode()


def test_the_hr_home_gives_the_programs_table_the_whole_row(client, hr_admin):
    client.force_login(hr_admin.user)
    html = client.get("/").content.decode()
    assert '<section class="card grid-wide" aria-labelledby="hr-tasks">' in html
