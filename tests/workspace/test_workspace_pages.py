"""The workspace in the browser's terms: plain form posts that work without JS, htmx fragments
where they help, and a page whose query count does not grow with the pair's history."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from mentorship.mentorships.models import MentorshipStatus
from mentorship.workspace import queries, services
from mentorship.workspace.models import CheckIn, Goal, MentoringSession, PrivateNote, SessionRating
from skills.models import Assessment, SkillEntry

from .conftest import Pair, client_for

TODAY = timezone.localdate


def test_the_workspace_shows_partner_program_goals_agreement_sessions_and_whats_due(
    pair: Pair, goal: Goal, session: MentoringSession
) -> None:
    page = client_for(pair.mentor).get(reverse("mentorships:detail", args=[pair.mentorship.pk])).content.decode()
    assert "Your mentorship with Jo Junior" in page
    assert "Every mentee runs a meeting on their own." in page  # objectives
    assert "Run the team retrospective on my own" in page and "level 1 → 3" in page
    assert "Meet every" in page and "14 days" in page
    assert "Confirm or correct the session" in page and "Rate the session" in page
    assert "How does the pairing fit" in page
    assert "I love dashboards." in page  # Jo's public bio
    assert "Mo Manager" not in page  # the manager is not part of the public profile


def test_logging_a_session_without_js_then_rating_it(pair: Pair, goal: Goal) -> None:
    client = client_for(pair.mentee)
    url = reverse("workspace:session_log", args=[pair.mentorship.pk])
    assert "Reverse shadowing" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "held_on": (TODAY() - timedelta(days=2)).isoformat(),
            "duration_minutes": "50",
            "format": "reverse_shadowing",
            "skills": [str(pair.skill.pk)],
            "shared_notes": "Jo showed me the new dashboard.",
            "private_note": "Remember to ask about budgets.",
        },
    )
    session = MentoringSession.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("workspace:session_rate", args=[session.pk])
    assert PrivateNote.objects.get().author == pair.mentee
    rate = reverse("workspace:session_rate", args=[session.pk])
    response = client.post(rate, {"score": "4", "learned": "Shortcuts", "improve": "More time"})
    assert response.status_code == 302
    assert SessionRating.objects.get().score == 4
    again = client.post(rate, {"score": "1"})
    assert "Each session is rated once" in again.content.decode() and SessionRating.objects.get().score == 4


def test_a_session_in_the_future_is_refused_next_to_the_date_field(pair: Pair) -> None:
    response = client_for(pair.mentee).post(
        reverse("workspace:session_log", args=[pair.mentorship.pk]),
        {"held_on": (TODAY() + timedelta(days=1)).isoformat(), "duration_minutes": "60", "format": "meeting"},
    )
    assert response.status_code == 400
    assert "A session cannot be in the future" in response.content.decode()
    assert not MentoringSession.objects.exists()


def test_the_partner_confirms_with_htmx_and_gets_just_the_fragment(pair: Pair, session: MentoringSession) -> None:
    response = client_for(pair.mentor).post(
        reverse("workspace:session_confirm", args=[session.pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Confirmed" in body and "<html" not in body
    assert f'id="confirmation-{session.pk}"' in body
    session.refresh_from_db()
    assert session.confirmed_by == pair.mentor


def test_confirming_works_without_js_and_the_logger_cannot_confirm(pair: Pair, session: MentoringSession) -> None:
    url = reverse("workspace:session_confirm", args=[session.pk])
    response = client_for(pair.mentee).post(url, follow=True)
    assert "Your partner confirms the sessions you log." in response.content.decode()
    response = client_for(pair.mentor).post(url)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.confirmed_by == pair.mentor


def test_the_partner_corrects_a_session(pair: Pair, session: MentoringSession) -> None:
    client = client_for(pair.mentor)
    url = reverse("workspace:session_edit", args=[session.pk])
    assert "saving confirms the corrected version" in client.get(url).content.decode()
    client.post(
        url,
        {
            "held_on": session.held_on.isoformat(),
            "duration_minutes": "75",
            "format": "working",
            "shared_notes": "We also rehearsed.",
        },
    )
    session.refresh_from_db()
    assert (session.duration_minutes, session.corrected_by, session.confirmed_by) == (75, pair.mentor, pair.mentor)
    page = client_for(pair.mentee).get(reverse("workspace:session_detail", args=[session.pk])).content.decode()
    assert "corrected by Mara Mentor" in page


def test_adding_a_goal_defaults_its_start_to_the_inventory(pair: Pair) -> None:
    response = client_for(pair.mentor).post(
        reverse("workspace:goal_create", args=[pair.mentorship.pk]),
        {
            "title": "Facilitate a workshop",
            "skill": str(pair.skill.pk),
            "from_level": "",
            "target_level": "3",
            "due_on": (TODAY() + timedelta(days=40)).isoformat(),
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.learner, goal.from_level, goal.created_by) == (pair.mentee, 1, pair.mentor)


def test_a_goal_aiming_too_low_is_refused_next_to_the_target(pair: Pair) -> None:
    response = client_for(pair.mentee).post(
        reverse("workspace:goal_create", args=[pair.mentorship.pk]),
        {
            "title": "Facilitate",
            "skill": str(pair.skill.pk),
            "from_level": "3",
            "target_level": "2",
            "due_on": (TODAY() + timedelta(days=40)).isoformat(),
        },
    )
    assert response.status_code == 400 and "Aim above the level you start from." in response.content.decode()


def test_goal_progress_updates_inline_with_htmx_and_without_js(pair: Pair, goal: Goal) -> None:
    url = reverse("workspace:goal_progress", args=[goal.pk])
    response = client_for(pair.mentor).post(
        url, {"status": "open", "progress_notes": "Ran the first half alone."}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and f'id="goal-{goal.pk}"' in body and "<html" not in body
    assert "Ran the first half alone." in body and "Progress saved." in body
    response = client_for(pair.mentee).post(url, {"status": "achieved", "progress_notes": "Done!"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.status, goal.progress_notes) == ("achieved", "Done!")


def test_both_people_change_the_agreement(pair: Pair) -> None:
    client_for(pair.mentee).post(
        reverse("workspace:agreement", args=[pair.mentorship.pk]),
        {"cadence_days": "21", "meeting_channel": "https://meet.example.com/jo-mara"},
    )
    pair.mentorship.refresh_from_db()
    assert (pair.mentorship.cadence_days, pair.mentorship.meeting_channel) == (21, "https://meet.example.com/jo-mara")
    response = client_for(pair.mentor).post(
        reverse("workspace:agreement", args=[pair.mentorship.pk]), {"cadence_days": "3", "meeting_channel": ""}
    )
    assert response.status_code == 400


def test_not_a_fit_shows_the_re_match_note_with_hr_contacts(pair: Pair, session: MentoringSession) -> None:
    client = client_for(pair.mentee)
    response = client.post(
        reverse("workspace:fit_check", args=[pair.mentorship.pk]), {"answer": "not_a_fit"}, follow=True
    )
    page = response.content.decode()
    assert "ask them for a re-match" in page and pair.hr.user.email in page


def test_the_midpoint_check_in_page_updates_the_inventory(pair: Pair, goal: Goal) -> None:
    url = reverse("workspace:check_in", args=[pair.mentorship.pk, "midpoint"])
    client = client_for(pair.mentee)
    assert "opens on" in client.get(url).content.decode()
    with time_machine.travel(queries.check_in_dates(pair.mentorship).midpoint):
        client = client_for(pair.mentee)  # a fresh sign-in: the first one has expired by then
        form = client.get(url).content.decode()
        assert "Your level in Facilitation now" in form
        response = client.post(
            url,
            {f"own_{pair.skill.pk}": "2", "relationship_rating": "4", "would_recommend": "yes", "comment": "Good"},
        )
    assert response.status_code == 302
    assert CheckIn.objects.get().would_recommend is True
    assert SkillEntry.objects.get(participant=pair.mentee, skill=pair.skill).level == 2
    assert Assessment.objects.filter(participant=pair.mentee, source="check_in").count() == 1


def test_an_unknown_check_in_kind_is_404(pair: Pair) -> None:
    url = reverse("workspace:check_in", args=[pair.mentorship.pk, "weekly"])
    assert client_for(pair.mentee).get(url).status_code == 404


def test_ending_asks_for_the_final_check_in(pair: Pair, goal: Goal) -> None:
    client = client_for(pair.mentee)
    url = reverse("workspace:end", args=[pair.mentorship.pk])
    response = client.post(url, {"outcome": "early"})
    assert response.status_code == 400 and "Tell us why it ended early" in response.content.decode()
    response = client.post(url, {"outcome": "early", "reason": "role_change"})
    assert response["Location"] == reverse("workspace:check_in", args=[pair.mentorship.pk, "final"])
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.status == MentorshipStatus.ENDED_EARLY
    final = client.get(response["Location"]).content.decode()
    assert "Your level in Facilitation now" in final
    page = client.get(reverse("mentorships:detail", args=[pair.mentorship.pk])).content.decode()
    assert "Answer the final check-in" in page and "Log a session" not in page


def test_the_session_log_is_paginated_newest_first(pair: Pair, goal: Goal) -> None:
    for days in range(1, 13):
        services.session_log(
            mentorship=pair.mentorship,
            by=pair.mentee,
            held_on=TODAY() - timedelta(days=days),
            duration_minutes=30,
            format="meeting",
        )
    url = reverse("mentorships:detail", args=[pair.mentorship.pk])
    client = client_for(pair.mentor)
    first = client.get(url).content.decode()
    newest, oldest = TODAY() - timedelta(days=1), TODAY() - timedelta(days=12)
    assert f"{newest:%-d %b %Y}" in first and "Page 1 of 2" in first
    assert f"{oldest:%-d %b %Y}</a>" in client.get(url + "?page=2").content.decode()


def test_the_workspace_page_query_count_does_not_grow_with_history(
    pair: Pair, goal: Goal, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    url = reverse("mentorships:detail", args=[pair.mentorship.pk])
    for viewer in (pair.mentor, pair.hr):
        client = client_for(viewer)
        client.get(url)  # warm up the session and the user
    for days in range(1, 9):
        session = services.session_log(
            mentorship=pair.mentorship,
            by=pair.mentee,
            held_on=TODAY() - timedelta(days=days),
            duration_minutes=30,
            format="meeting",
            skills=[pair.skill],
        )
        services.session_rate(session=session, rater=pair.mentee, score=3)
    services.goal_create(
        mentorship=pair.mentorship,
        by=pair.mentee,
        learner=pair.mentee,
        title="Another",
        skill=pair.other_skill,
        target_level=2,
        due_on=TODAY() + timedelta(days=20),
    )
    for viewer in (pair.mentor, pair.hr):
        client = client_for(viewer)
        with django_assert_max_num_queries(22):  # 20 for a member, 15 for an HR owner today
            assert client.get(url).status_code == 200


def test_an_ended_mentorships_forms_send_people_back_to_the_workspace(pair: Pair, goal: Goal) -> None:
    services.mentorship_end(mentorship=pair.mentorship, by=pair.mentor, completed=True)
    client = client_for(pair.mentee)
    for url in (
        reverse("workspace:session_log", args=[pair.mentorship.pk]),
        reverse("workspace:goal_create", args=[pair.mentorship.pk]),
        reverse("workspace:goal_edit", args=[goal.pk]),
        reverse("workspace:agreement", args=[pair.mentorship.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse(
            "mentorships:detail", args=[pair.mentorship.pk]
        ), url
