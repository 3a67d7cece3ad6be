"""HR ends a pair from the pairs-at-risk table: only the program's HR owners, with a reason,
audited, both people told; the End and Re-match links show exactly when their views accept."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from mentorship.audit.models import Action, AuditEntry
from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.notifications.models import Notification
from mentorship.participants.models import Participant
from mentorship.participants.services import hr_admin_grant
from mentorship.programs.models import Program, ProgramStatus
from tests.workspace.conftest import Pair, client_for


def _at_risk(pair: Pair) -> None:
    Mentorship.objects.filter(pk=pair.mentorship.pk).update(
        at_risk_since=timezone.now(), at_risk_reason="Missed 2 sessions in a row."
    )


def _other_hr(make_person: Callable[..., Participant]) -> Participant:
    other = make_person("olga.otherhr@example.com", first_name="Olga", last_name="Other")
    hr_admin_grant(user=other.user)
    return other


def test_hr_owner_ends_a_pair_with_a_reason_audited_and_both_told(pair: Pair) -> None:
    _at_risk(pair)
    client = client_for(pair.hr)
    url = reverse("workspace:hr_end", args=[pair.mentorship.pk])
    page = client.get(url)
    assert page.status_code == 200 and "End the pair" in page.content.decode()
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "choose a reason from the list" in refused.content.decode()
    response = client.post(url, {"reason": "not_a_fit"})
    assert response.status_code == 302
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.status == MentorshipStatus.ENDED_EARLY and pair.mentorship.end_reason == "not_a_fit"
    entry = AuditEntry.objects.get(action=Action.MENTORSHIP_ENDED_BY_HR)
    assert (entry.actor_id, entry.program_id, entry.object_id) == (
        pair.hr.user.pk,
        pair.program.pk,
        str(pair.mentorship.pk),
    )
    told = Notification.objects.filter(kind="mentorship_ended").values_list("recipient_id", flat=True)
    assert sorted(told) == sorted([pair.mentor.user.pk, pair.mentee.user.pk])
    again = client.post(url, {"reason": "not_a_fit"})
    assert again.status_code == 302 and AuditEntry.objects.filter(action=Action.MENTORSHIP_ENDED_BY_HR).count() == 1


def test_hr_of_another_program_and_the_members_get_404(pair: Pair, make_person: Callable[..., Participant]) -> None:
    url = reverse("workspace:hr_end", args=[pair.mentorship.pk])
    for person in (_other_hr(make_person), pair.mentor, pair.mentee):
        assert client_for(person).post(url, {"reason": "not_a_fit"}).status_code == 404
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.status == MentorshipStatus.ACTIVE


def test_end_is_shown_exactly_to_those_the_view_accepts(pair: Pair, make_person: Callable[..., Participant]) -> None:
    _at_risk(pair)
    end_url = reverse("workspace:hr_end", args=[pair.mentorship.pk])
    owner_page = client_for(pair.hr).get(reverse("dashboards:hr")).content.decode()
    assert "Missed 2 sessions in a row." in owner_page and end_url in owner_page
    other = _other_hr(make_person)
    Program.owners.through.objects.create(
        program=Program.objects.create(name="Other", kind="traditional"), user=other.user
    )
    other_page = client_for(other).get(reverse("dashboards:hr"))
    assert end_url not in other_page.content.decode()
    assert client_for(other).get(end_url).status_code == 404


def test_rematch_shows_only_while_a_run_may_start(pair: Pair) -> None:
    _at_risk(pair)
    runs_url = reverse("pairing:program_runs", args=[pair.program.pk])
    running = client_for(pair.hr).get(reverse("dashboards:hr")).content.decode()
    assert f'href="{runs_url}">Re-match' not in running  # a running program cannot start a run
    Program.objects.filter(pk=pair.program.pk).update(status=ProgramStatus.MATCHING)
    matching = client_for(pair.hr).get(reverse("dashboards:hr")).content.decode()
    assert f'href="{runs_url}">Re-match' in matching
