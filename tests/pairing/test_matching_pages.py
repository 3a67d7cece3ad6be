"""Matching pages: HR runs and reviews, participants answer; outsiders see nothing (404)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mentorship.participants import services as participant_services
from pairing.models import MatchRun, Proposal, ProposalStatus
from pairing.services import publishing, review, runs

from .conftest import Seeded, client_for


@pytest.fixture
def published(seeded: Seeded, solved: MatchRun) -> MatchRun:
    publishing.match_run_publish(run=solved, by=seeded.hr.user)
    return solved


def test_hr_starts_a_run_and_lands_on_its_page_which_polls_until_done(seeded: Seeded, hr: Client) -> None:
    response = hr.post(reverse("pairing:run_start", args=[seeded.program.pk]))
    run = MatchRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pairing:run", args=[run.pk])
    page = hr.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page
    runs.match_run_execute(run_id=run.pk)
    fragment = hr.get(reverse("pairing:run_status", args=[run.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "every 1s" not in fragment
    assert "Proposals" in fragment and "Dee Senior" in fragment
    assert "<html" not in fragment


def test_a_second_start_is_refused_with_a_clear_message(seeded: Seeded, hr: Client) -> None:
    hr.post(reverse("pairing:run_start", args=[seeded.program.pk]))
    response = hr.post(reverse("pairing:run_start", args=[seeded.program.pk]), follow=True)
    assert "already in progress" in response.content.decode()
    assert MatchRun.objects.count() == 1


def test_an_hr_admin_who_does_not_own_the_program_may_look_but_not_run(
    seeded: Seeded, solved: MatchRun, make_person: Any
) -> None:
    other = make_person("other.hr@example.com", first_name="Otto")
    participant_services.hr_admin_grant(user=other.user)
    client = client_for(other)
    assert client.get(reverse("pairing:run", args=[solved.pk])).status_code == 200
    assert client.post(reverse("pairing:run_start", args=[seeded.program.pk])).status_code == 403


def test_outsiders_and_participants_cannot_see_runs(seeded: Seeded, solved: MatchRun, outsider: Any) -> None:
    proposal = solved.proposals.first()
    for person in (outsider, seeded.mentees[0]):
        client = client_for(person)
        assert client.get(reverse("pairing:program_runs", args=[seeded.program.pk])).status_code == 404
        assert client.get(reverse("pairing:run", args=[solved.pk])).status_code == 404
        assert client.post(reverse("pairing:proposal_pin", args=[solved.pk, proposal.pk])).status_code == 404


def test_a_proposal_is_hidden_until_published_and_then_shown_only_to_its_two_people(
    seeded: Seeded, solved: MatchRun, outsider: Any
) -> None:
    proposal = solved.proposals.select_related("mentor", "mentee").get(mentee=seeded.mentees[0])
    url = reverse("pairing:proposal", args=[proposal.pk])
    assert client_for(proposal.mentee).get(url).status_code == 404
    publishing.match_run_publish(run=solved, by=seeded.hr.user)
    assert client_for(proposal.mentee).get(url).status_code == 200
    assert client_for(proposal.mentor).get(url).status_code == 200
    for person in (outsider, seeded.mentees[1], seeded.hr):
        assert client_for(person).get(url).status_code == 404


def test_participants_see_why_they_fit_in_plain_words_but_never_scores(seeded: Seeded, published: MatchRun) -> None:
    mine = published.proposals.select_related("mentor", "mentee").get(mentee=seeded.mentees[0])
    page = client_for(mine.mentee).get(reverse("pairing:proposal", args=[mine.pk])).content.decode()
    assert "Why you two" in page
    assert f"{mine.mentor.name} can help you with what you want to learn: Generative AI tools" in page
    assert "score" not in page.lower() and "points" not in page
    for other in published.proposals.exclude(pk=mine.pk).select_related("mentor", "mentee"):
        assert other.mentee.name not in page
        assert f"{other.score:.1f}" not in page


def test_the_mentee_accepts_then_the_mentor_and_both_land_in_the_mentorship(
    seeded: Seeded, published: MatchRun
) -> None:
    proposal = published.proposals.select_related("mentor", "mentee").get(mentee=seeded.mentees[0])
    url = reverse("pairing:proposal_respond", args=[proposal.pk])
    response = client_for(proposal.mentee).post(url, {"decision": "accept"})
    assert response.status_code == 302
    response = client_for(proposal.mentor).post(url, {"decision": "accept"})
    proposal.refresh_from_db()
    mentorship = proposal.mentorship
    assert response["Location"] == reverse("mentorships:detail", args=[mentorship.pk])
    page = client_for(proposal.mentee).get(response["Location"]).content.decode()
    assert "Why you two" in page and proposal.mentor.name in page
    assert client_for(seeded.mentees[1]).get(response["Location"]).status_code == 404


def test_a_decline_with_a_reason_shows_in_hr_review(seeded: Seeded, published: MatchRun, hr: Client) -> None:
    proposal = published.proposals.select_related("mentee").get(mentee=seeded.mentees[0])
    client_for(proposal.mentee).post(
        reverse("pairing:proposal_respond", args=[proposal.pk]), {"decision": "decline", "reason": "Too busy now."}
    )
    page = hr.get(reverse("pairing:run", args=[published.pk])).content.decode()
    assert "Too busy now." in page


def test_hr_filters_proposals_by_score_and_name(seeded: Seeded, solved: MatchRun, hr: Client) -> None:
    url = reverse("pairing:run", args=[solved.pk])
    page = hr.get(url, {"q": "Dee"}, headers={"HX-Request": "true", "HX-Target": "proposals"}).content.decode()
    assert "Dee Senior" in page and "Eli Senior" not in page and "<html" not in page
    low = min(solved.proposals.values_list("score", flat=True))
    page = hr.get(url, {"score_min": low + 0.01}).content.decode()
    assert "Fay Senior" not in page.split('id="proposals"')[1].split("</table>")[0]


def test_pinning_over_htmx_swaps_just_the_row(seeded: Seeded, solved: MatchRun, hr: Client) -> None:
    proposal = solved.proposals.first()
    response = hr.post(
        reverse("pairing:proposal_pin", args=[solved.pk, proposal.pk]), {"pinned": "1"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.strip().startswith(f'<tr id="proposal-{proposal.pk}"')
    assert "Unpin" in body
    proposal.refresh_from_db()
    assert proposal.pinned


def test_a_manual_pair_page_asks_for_confirmation_when_a_rule_breaks(
    seeded: Seeded, solved: MatchRun, hr: Client
) -> None:
    dee = seeded.mentees[0]
    removed = solved.proposals.get(mentee=dee)
    review.proposal_remove(proposal=removed, by=seeded.hr.user)
    url = reverse("pairing:manual_pair", args=[solved.pk])
    data = {"mentor": removed.mentor_id, "mentee": dee.pk, "action": "save"}
    response = hr.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "removed or declined earlier" in page and "tick the box" in page
    assert not Proposal.objects.filter(run=solved, mentee=dee, status=ProposalStatus.PROPOSED).exists()
    response = hr.post(url, {**data, "confirm": "on"})
    assert response.status_code == 302
    assert Proposal.objects.get(run=solved, mentee=dee, status=ProposalStatus.PROPOSED).source == "manual"


def test_hr_publishes_from_the_run_page(seeded: Seeded, solved: MatchRun, hr: Client) -> None:
    response = hr.post(reverse("pairing:run_publish", args=[solved.pk]), follow=True)
    assert "Published 3 pairs" in response.content.decode()
    assert solved.proposals.filter(status=ProposalStatus.PUBLISHED).count() == 3


def test_the_run_page_needs_a_fixed_number_of_queries(
    seeded: Seeded, solved: MatchRun, hr: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(25):
        assert hr.get(reverse("pairing:run", args=[solved.pk])).status_code == 200


def test_hr_runs_with_raise_the_weakest_pair_and_sees_its_cost_and_floor_beside_the_run(
    seeded: Seeded, hr: Client
) -> None:
    runs_page = hr.get(reverse("pairing:program_runs", args=[seeded.program.pk])).content.decode()
    assert 'name="raise_floor"' in runs_page and "Raise the weakest pair" in runs_page
    hr.post(reverse("pairing:run_start", args=[seeded.program.pk]), {"raise_floor": "on"})
    run = MatchRun.objects.get()
    assert run.parameters["options"] == {"raise_floor": True}
    runs.match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    floor = run.quality["raise_floor"]
    assert floor["floor_score"] >= floor["floor_before"] and floor["cost"] >= 0
    assert run.parameters["options"] == {"raise_floor": True} and run.parameters["raise_floor"] is True
    page = hr.get(reverse("pairing:run", args=[run.pk])).content.decode()
    assert f"Weakest pair raised from {floor['floor_before']} to {floor['floor_score']}" in page
    assert f"at a cost of {floor['cost']} in total score" in page
    listing = hr.get(reverse("pairing:program_runs", args=[seeded.program.pk])).content.decode()
    assert f"cost {floor['cost']} total score" in listing


def test_a_plain_run_is_certified_optimal_and_says_so(seeded: Seeded, solved: MatchRun, hr: Client) -> None:
    assert solved.parameters["options"] == {"raise_floor": False}
    assert solved.quality["optimum"]["status"] == "certified" and solved.quality["optimum"]["optimal"] is True
    page = hr.get(reverse("pairing:run", args=[solved.pk])).content.decode()
    assert "Certified: no allowed pair" in page and "Fairness" not in page


def test_the_learning_floor_is_a_program_setting_that_reaches_the_engine(seeded: Seeded) -> None:
    from pairing.loading import load_pool

    assert load_pool(seeded.program).rules.learning_floor == 2
    seeded.program.matching = {**(seeded.program.matching or {}), "learning_floor": 0}
    seeded.program.save(update_fields=["matching"])
    assert load_pool(seeded.program).rules.learning_floor == 0
