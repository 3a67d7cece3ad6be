"""A rating is for its author and the program's HR owners; a private note for its author alone.

Every page, fragment and email the partner can reach is searched for the other person's rating
text, score and private note. Each check has a positive control (the author does see it), so a
page that stopped showing anything would fail here rather than pass.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications.models import Notification
from mentorship.participants.models import Participant
from mentorship.participants.services import hr_admin_grant
from mentorship.workspace import services
from mentorship.workspace.models import Goal, MentoringSession

from .conftest import Pair, client_for, make_running_program

JO_SECRETS = ("JO-LEARNED-SECRET", "JO-IMPROVE-SECRET", "JO-PRIVATE")
MARA_SECRETS = ("MARA-LEARNED-SECRET", "MARA-PRIVATE")


@pytest.fixture
def rated(pair: Pair, goal: Goal, session: MentoringSession) -> MentoringSession:
    """Jo logged the session with a private note and rated it 2; Mara rated it 5 with her own note."""
    services.private_note_set(session=session, author=pair.mentee, text="JO-PRIVATE")
    services.private_note_set(session=session, author=pair.mentor, text="MARA-PRIVATE")
    services.session_rate(
        session=session, rater=pair.mentee, score=2, learned="JO-LEARNED-SECRET", improve="JO-IMPROVE-SECRET"
    )
    services.session_rate(session=session, rater=pair.mentor, score=5, learned="MARA-LEARNED-SECRET")
    return session


def _pages(pair: Pair, session: MentoringSession) -> list[str]:
    m = pair.mentorship.pk
    return [
        reverse("mentorships:detail", args=[m]),
        reverse("mentorships:list"),
        reverse("workspace:session_detail", args=[session.pk]),
        reverse("workspace:session_rate", args=[session.pk]),
        reverse("workspace:session_edit", args=[session.pk]),
        reverse("workspace:fit_check", args=[m]),
        reverse("workspace:check_in", args=[m, "midpoint"]),
        reverse("workspace:end", args=[m]),
        reverse("workspace:agreement", args=[m]),
        reverse("notifications:list"),
    ]


def _everything_seen_by(client: Client, pair: Pair, session: MentoringSession, goal: Goal) -> str:
    seen = []
    for url in _pages(pair, session):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        seen.append(response.content.decode())
    # htmx fragments: the inline goal edit and the confirm button.
    htmx = {"HTTP_HX_REQUEST": "true"}
    seen.append(
        client.post(
            reverse("workspace:goal_progress", args=[goal.pk]), {"status": "open", "progress_notes": "ok"}, **htmx
        ).content.decode()
    )
    seen.append(client.post(reverse("workspace:session_confirm", args=[session.pk]), **htmx).content.decode())
    return "\n".join(seen)


def test_the_partner_never_sees_the_other_persons_rating_or_private_note(
    pair: Pair, goal: Goal, rated: MentoringSession
) -> None:
    mara_sees = _everything_seen_by(client_for(pair.mentor), pair, rated, goal)
    for secret in JO_SECRETS:
        assert secret not in mara_sees
    assert "2 out of 5" not in mara_sees and "2/5" not in mara_sees
    assert "MARA-LEARNED-SECRET" in mara_sees and "MARA-PRIVATE" in mara_sees  # her own, so the pages work

    jo_sees = _everything_seen_by(client_for(pair.mentee), pair, rated, goal)
    for secret in MARA_SECRETS:
        assert secret not in jo_sees
    assert "5 out of 5" not in jo_sees and "5/5" not in jo_sees
    assert "JO-LEARNED-SECRET" in jo_sees and "JO-PRIVATE" in jo_sees


def test_emails_and_notifications_of_the_pair_carry_no_rating_or_note(pair: Pair, rated: MentoringSession) -> None:
    services.fit_check_answer(mentorship=pair.mentorship, participant=pair.mentee, answer="not_a_fit")
    services.mentorship_end(mentorship=pair.mentorship, by=pair.mentee, completed=True)
    text = " ".join(f"{n.title} {n.body}" for n in Notification.objects.all())
    assert Notification.objects.filter(recipient=pair.mentor.user).exists()
    for secret in JO_SECRETS + MARA_SECRETS:
        assert secret not in text


def test_a_manager_of_either_person_gets_404(
    pair: Pair, goal: Goal, rated: MentoringSession, manager: Participant, make_person: Callable[..., Participant]
) -> None:
    assert pair.mentee.manager == manager
    mara_boss = make_person("boss@example.com", first_name="Bea", career_level=7)
    pair.mentor.manager = mara_boss
    pair.mentor.save()
    for boss in (manager, mara_boss):
        client = client_for(boss)
        for url in _pages(pair, rated):
            if url in (reverse("mentorships:list"), reverse("notifications:list")):
                continue
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("workspace:session_confirm", args=[rated.pk])).status_code == 404
        assert client.post(reverse("workspace:goal_progress", args=[goal.pk]), {"status": "open"}).status_code == 404


def test_hr_owners_of_another_program_and_other_hr_admins_get_404(
    pair: Pair, rated: MentoringSession, make_person: Callable[..., Participant]
) -> None:
    other_owner = make_person("owen.owner@example.com", first_name="Owen")
    hr_admin_grant(user=other_owner.user)
    make_running_program(other_owner, name="Another program")
    client = client_for(other_owner)
    assert client.get(reverse("mentorships:detail", args=[pair.mentorship.pk])).status_code == 404
    assert client.get(reverse("workspace:session_detail", args=[rated.pk])).status_code == 404


def test_hr_owners_of_the_program_see_ratings_but_never_private_notes(
    pair: Pair, goal: Goal, rated: MentoringSession
) -> None:
    client = client_for(pair.hr)
    page = client.get(reverse("mentorships:detail", args=[pair.mentorship.pk])).content.decode()
    session_page = client.get(reverse("workspace:session_detail", args=[rated.pk])).content.decode()
    assert "Jo Junior: 2/5" in page and "Mara Mentor: 5/5" in page
    assert "JO-LEARNED-SECRET" in session_page and "MARA-LEARNED-SECRET" in session_page
    for private in ("JO-PRIVATE", "MARA-PRIVATE"):
        assert private not in page and private not in session_page
    # They read; they never write, rate or confirm for the pair.
    assert client.get(reverse("workspace:session_rate", args=[rated.pk])).status_code == 404
    assert client.post(reverse("workspace:session_confirm", args=[rated.pk])).status_code == 404
    assert client.get(reverse("workspace:session_log", args=[pair.mentorship.pk])).status_code == 404


def test_an_outsider_and_an_anonymous_visitor_get_nothing(
    pair: Pair, rated: MentoringSession, outsider: Participant
) -> None:
    url = reverse("mentorships:detail", args=[pair.mentorship.pk])
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).get(reverse("workspace:session_detail", args=[rated.pk])).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "JO-" not in anonymous.content.decode()


def test_a_missing_session_or_goal_is_a_plain_404(pair: Pair) -> None:
    client = client_for(pair.mentee)
    assert client.get(reverse("workspace:session_detail", args=[999_999])).status_code == 404
    assert client.get(reverse("workspace:goal_edit", args=[999_999])).status_code == 404
    assert timezone.now() - pair.mentorship.started_at > timedelta(days=1)
