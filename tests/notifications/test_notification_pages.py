from typing import Any

from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from mentorship.notifications import services
from mentorship.notifications.models import Notification


def note(person: Any, key: str) -> Notification:
    return services.notify(
        recipient=person.user, kind="test", title=f"Note {key}", body="", dedupe_key=key, email=False
    )


def login(person: Any) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_the_centre_lists_my_notifications_only(junior_mentor: Any, outsider: Any) -> None:
    note(junior_mentor, "mine")
    note(outsider, "theirs")
    page = login(junior_mentor).get(reverse("notifications:list")).content.decode()
    assert "Note mine" in page and "Note theirs" not in page


def test_the_centre_is_paginated(junior_mentor: Any) -> None:
    for i in range(25):
        note(junior_mentor, f"n{i}")
    page = login(junior_mentor).get(reverse("notifications:list")).content.decode()
    assert "Page 1 of 2" in page


def test_marking_read_over_htmx_swaps_the_item(junior_mentor: Any) -> None:
    item = note(junior_mentor, "one")
    response = login(junior_mentor).post(reverse("notifications:read", args=[item.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().strip().startswith("<li")
    item.refresh_from_db()
    assert item.read_at is not None


def test_someone_elses_notification_cannot_be_marked(junior_mentor: Any, outsider: Any) -> None:
    item = note(outsider, "theirs")
    assert login(junior_mentor).post(reverse("notifications:read", args=[item.pk])).status_code == 404


def test_mark_all_read(junior_mentor: Any) -> None:
    note(junior_mentor, "a")
    note(junior_mentor, "b")
    response = login(junior_mentor).post(reverse("notifications:read_all"), follow=True)
    assert "Marked 2 notifications as read" in response.content.decode()
    assert not services.unread(junior_mentor.user).exists()


def test_the_unread_count_tag_runs_one_query_per_request(junior_mentor: Any, django_assert_num_queries: Any) -> None:
    note(junior_mentor, "a")
    note(junior_mentor, "b")
    request = RequestFactory().get("/")
    request.user = junior_mentor.user
    template = Template("{% load notifications %}{% unread_notifications_count %}/{% unread_notifications_count %}")
    with django_assert_num_queries(1):
        assert template.render(Context({"request": request})) == "2/2"
