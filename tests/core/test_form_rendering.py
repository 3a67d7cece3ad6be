"""Every form reads the same way: label above the input, help under it, and an error summary at
the top that names and links each problem."""

import re

import pytest
from django import forms
from django.urls import reverse

from mentorship.participants import services as participant_services
from mentorship.participants.forms import ProfileForm

pytestmark = pytest.mark.django_db


def test_a_field_puts_its_label_above_and_its_help_under_the_input(make_person):
    person = make_person()
    html = str(ProfileForm(participant=person).as_div())

    label = html.index('<label for="id_manager_email">')
    field = html.index('id="id_manager_email"')
    help_text = html.index('id="id_manager_email_helptext"')
    assert label < field < help_text
    assert re.search(r'<input[^>]*aria-describedby="id_manager_email_helptext"[^>]*id="id_manager_email"', html)


def test_a_single_checkbox_sits_before_its_own_label_on_one_line():
    class ConfirmForm(forms.Form):
        confirm = forms.BooleanField(label="Make the pair anyway", help_text="It breaks a rule.")

    html = str(ConfirmForm()["confirm"].as_field_group())
    label = '<label for="id_confirm">Make the pair anyway</label>'  # no colon after a checkbox
    assert re.search(r'<div class="field-check"><input type="checkbox"[^>]*> ' + label, html)
    assert html.index("field-check") < html.index('id="id_confirm_helptext"')


def test_the_error_summary_lists_and_links_every_field_with_a_problem(client, hr_admin):
    client.force_login(hr_admin.user)
    response = client.post(
        reverse("programs:create"),
        {"name": "", "kind": "peer", "level_min": "1", "level_max": "7", "cadence_days": "3"},
    )

    assert response.status_code == 400
    summary = response.text[response.text.index('id="form-errors"') :]
    summary = summary[: summary.index("</div>")]
    assert "Please correct 2 problems below." in summary
    assert '<a href="#id_name">Program name: This field is required.</a>' in summary
    assert re.search(r'<a href="#id_cadence_days">[^<]*: The cadence must be between 7 and 90.</a>', summary)
    assert 'tabindex="-1"' in response.text[response.text.index("error-summary") - 200 :][:400]


def test_long_lists_are_marked_for_the_searchable_enhancement_over_a_plain_select(client, hr_admin):
    client.force_login(hr_admin.user)
    html = client.get(reverse("programs:create")).text
    for name in ("focus_skills", "eligible_units", "owners"):
        assert re.search(rf'<select name="{name}"[^>]*data-searchable[^>]*multiple', html) or re.search(
            rf'<select name="{name}"[^>]*multiple[^>]*data-searchable', html
        ), name
    assert "Hold Ctrl" not in html
    assert re.search(r'<script src="/static/js/forms.js" nonce="[^"]+" defer></script>', html)


def test_a_new_profile_guesses_the_time_zone_and_a_finished_one_keeps_its_own(make_person):
    person = make_person()
    finished = str(ProfileForm(participant=person)["timezone"])
    assert "data-searchable" in finished and "data-guess-timezone" not in finished

    person.onboarded_at = None
    person.save(update_fields=["onboarded_at"])
    new = str(ProfileForm(participant=person)["timezone"])
    assert "data-guess-timezone" in new


def test_departments_are_listed_in_the_order_of_their_full_path(make_person):
    for path in (["Acme", "Sales", "Data"], ["Acme", "Engineering", "Platform"], ["Acme", "Engineering", "Data"]):
        participant_services.org_unit_ensure_path(path=path)
    person = make_person()
    labels = [label for value, label in ProfileForm(participant=person).fields["org_unit"].choices if value]

    assert labels == sorted(labels, key=str.casefold)
    assert labels.index("Acme / Engineering / Data") < labels.index("Acme / Engineering / Platform")
    assert labels.index("Acme / Engineering / Platform") < labels.index("Acme / Sales / Data")


def test_allauth_pages_get_the_same_error_summary_and_say_a_problem_once(client, make_person):
    person = make_person("sign.in@example.com")
    response = client.post(reverse("account_login"), {"login": person.user.email, "password": "wrong-password"})

    html = response.content.decode()
    assert 'id="form-errors"' in html
    message = "The email address and/or password you specified are not correct."
    assert html.count(message) == 1
