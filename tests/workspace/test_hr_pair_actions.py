"""HR's End and Re-match on the at-risk list: shown exactly where the views admit the viewer, and
doing what they say (the pair ends with a reason; the mentee starts with a new partner)."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.audit.models import Action, AuditEntry
from mentorship.mentorships.models import EndReason, Mentorship, MentorshipStatus
from mentorship.notifications.models import Notification
from mentorship.participants.models import Participant
from mentorship.participants.services import hr_admin_grant
from mentorship.programs.models import Enrollment, EnrollmentRole
from skills.models import SkillEntry
from tests.workspace.conftest import Pair

pytestmark = pytest.mark.django_db


def _client(person: Participant) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def at_risk(pair: Pair) -> Pair:
    Mentorship.objects.filter(pk=pair.mentorship.pk).update(
        at_risk_since=timezone.now(), at_risk_reason="No session for two cycles"
    )
    return pair


@pytest.fixture
def other_hr(make_person: Callable[..., Participant]) -> Participant:
    person = make_person("hana.other-hr@example.com", first_name="Hana", last_name="Other")
    hr_admin_grant(user=person.user)
    return person


@pytest.fixture
def new_mentor(at_risk: Pair, make_person: Callable[..., Participant]) -> Participant:
    """A senior colleague with a free place who teaches what the mentee wants to learn."""
    for person, role in ((at_risk.mentor, EnrollmentRole.MENTOR), (at_risk.mentee, EnrollmentRole.MENTEE)):
        Enrollment.objects.create(program=at_risk.program, participant=person, role=role, capacity=1)
    mentor = make_person("nia.new@example.com", first_name="Nia", last_name="New", career_level=6)
    Enrollment.objects.create(program=at_risk.program, participant=mentor, role=EnrollmentRole.MENTOR, capacity=1)
    SkillEntry.objects.create(participant=mentor, skill=at_risk.skill, level=5, can_teach=True)
    return mentor


def test_the_at_risk_list_offers_end_and_rematch_to_the_programs_hr(at_risk: Pair, other_hr: Participant) -> None:
    end_url = reverse("workspace:hr_end", args=[at_risk.mentorship.pk])
    rematch_url = reverse("workspace:hr_rematch", args=[at_risk.mentorship.pk])

    page = _client(at_risk.hr).get(reverse("dashboards:hr")).content.decode()
    assert end_url in page and rematch_url in page

    # Another HR admin sees the pair at risk, but may not change this program: no dead links.
    page = _client(other_hr).get(reverse("dashboards:hr")).content.decode()
    assert "No session for two cycles" in page
    assert end_url not in page and rematch_url not in page
    assert _client(other_hr).get(end_url).status_code == 404
    assert _client(other_hr).get(rematch_url).status_code == 404


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_the_pairs_own_people_and_outsiders_get_404(at_risk: Pair, outsider: Participant, who: str) -> None:
    for person in (getattr(at_risk, who), outsider):
        for name in ("workspace:hr_end", "workspace:hr_rematch"):
            assert _client(person).get(reverse(name, args=[at_risk.mentorship.pk])).status_code == 404


def test_hr_ends_a_pair_with_a_reason_and_both_people_are_told(at_risk: Pair) -> None:
    url = reverse("workspace:hr_end", args=[at_risk.mentorship.pk])
    client = _client(at_risk.hr)
    assert "Why does the pair end?" in client.get(url).content.decode()

    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 400
    assert Mentorship.objects.get(pk=at_risk.mentorship.pk).status == MentorshipStatus.ACTIVE

    response = client.post(url, {"reason": EndReason.NOT_A_FIT})
    assert response.status_code == 302
    ended = Mentorship.objects.get(pk=at_risk.mentorship.pk)
    assert (ended.status, ended.end_reason) == (MentorshipStatus.ENDED_EARLY, EndReason.NOT_A_FIT)
    told = Notification.objects.filter(kind="mentorship_ended").values_list("recipient_id", flat=True)
    assert set(told) == {at_risk.mentor.user_id, at_risk.mentee.user_id}
    entry = AuditEntry.objects.get(action=Action.PAIR_ENDED_BY_HR)
    assert (entry.actor_id, entry.object_id) == (at_risk.hr.user_id, str(ended.pk))

    # Ended: the pair is no longer HR's to change.
    assert client.get(url).status_code == 404


def test_hr_rematches_the_mentee_with_an_allowed_partner(at_risk: Pair, new_mentor: Participant) -> None:
    url = reverse("workspace:hr_rematch", args=[at_risk.mentorship.pk])
    client = _client(at_risk.hr)
    page = client.get(url).content.decode()
    assert "Nia New" in page
    assert "Mara" not in page.split("best first")[1]  # the current mentor is not offered again

    response = client.post(url, {"partner": new_mentor.pk, "reason": EndReason.SCHEDULE})
    assert response.status_code == 302
    old = Mentorship.objects.get(pk=at_risk.mentorship.pk)
    assert (old.status, old.end_reason) == (MentorshipStatus.ENDED_EARLY, EndReason.SCHEDULE)
    new = Mentorship.objects.get(program=at_risk.program, status=MentorshipStatus.ACTIVE)
    assert (new.mentor_id, new.mentee_id) == (new_mentor.pk, at_risk.mentee.pk)
    started = Notification.objects.filter(kind="mentorship_started").values_list("recipient_id", flat=True)
    assert set(started) == {new_mentor.user_id, at_risk.mentee.user_id}
    assert AuditEntry.objects.filter(action=Action.PAIR_REMATCHED, object_id=str(new.pk)).exists()


def test_a_partner_the_rules_do_not_allow_is_refused_and_nothing_changes(
    at_risk: Pair, new_mentor: Participant, outsider: Participant
) -> None:
    url = reverse("workspace:hr_rematch", args=[at_risk.mentorship.pk])
    response = _client(at_risk.hr).post(url, {"partner": outsider.pk, "reason": EndReason.SCHEDULE})
    assert response.status_code == 400
    assert Mentorship.objects.get(pk=at_risk.mentorship.pk).status == MentorshipStatus.ACTIVE
    assert Mentorship.objects.filter(program=at_risk.program).count() == 1
