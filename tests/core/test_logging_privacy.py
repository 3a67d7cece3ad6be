"""Nothing personal reaches the log at INFO or below: no email address, body, reset link or rating."""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mentorship.mentorships.models import Mentorship
from mentorship.notifications import services as notification_services
from mentorship.participants.models import Participant
from mentorship.workspace import services as workspace_services
from tests.workspace.conftest import make_running_program

pytestmark = pytest.mark.django_db


def test_mail_reset_links_notes_and_ratings_stay_out_of_the_info_log(
    client: Client,
    hr_admin: Participant,
    junior_mentor: Participant,
    make_person: Callable[..., Participant],
    mailoutbox: list[Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    mentor = make_person("mara.mentor@example.com", first_name="Mara", career_level=6)
    mentorship = Mentorship.objects.create(
        program=make_running_program(hr_admin),
        mentor=mentor,
        mentee=junior_mentor,
        started_at=timezone.now() - timedelta(days=30),
    )
    with caplog.at_level(logging.DEBUG):
        client.post("/accounts/password/reset/", {"email": hr_admin.user.email})
        note = notification_services.notify(
            recipient=junior_mentor.user, kind="hr_alert", title="Private title", body="PRIVATE-BODY", dedupe_key="log"
        )
        notification_services.notification_email_deliver(notification_id=note.pk)
        session = workspace_services.session_log(
            mentorship=mentorship, by=junior_mentor, held_on=timezone.localdate() - timedelta(days=1),
            duration_minutes=30, format="meeting", skills=[], shared_notes="", private_note="PRIVATE-NOTE",
        )  # fmt: skip
        workspace_services.session_rate(session=session, rater=junior_mentor, score=2, learned="PRIVATE-LEARNED")
    assert len(mailoutbox) == 2  # the flows ran: a reset link and a notification went out
    reset_link = next(line for line in mailoutbox[0].body.splitlines() if "/password/reset/key/" in line)
    quiet = "\n".join(record.getMessage() for record in caplog.records if record.levelno <= logging.INFO)
    for personal in (
        hr_admin.user.email, junior_mentor.user.email, mentor.user.email, reset_link.strip(), "PRIVATE-BODY",
        "Private title", "PRIVATE-NOTE", "PRIVATE-LEARNED",
    ):  # fmt: skip
        assert personal not in quiet
