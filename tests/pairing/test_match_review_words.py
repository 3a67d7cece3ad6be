"""HR's match review in plain words: a sentence for every reason code (HR third person,
participants second), rounded scores, one pair count, a publish step that says what it will do,
no publish button when nothing is left, and Pin / Remove as real buttons."""

import re
from collections.abc import Callable
from pathlib import Path

from django.test import Client
from django.urls import reverse

from mentorship.participants.models import Participant
from pairing import wording
from pairing.engine import reasons
from pairing.models import MatchRun, ProposalStatus
from pairing.services import review, runs

from .conftest import Seeded, enroll, set_entry

YOU = re.compile(r"\byou(rs?|rself)?\b", re.IGNORECASE)


def _engine_codes() -> set[str]:
    """Every reason code the engine can write, read from its source so a new one is noticed."""
    source = Path(reasons.__file__).read_text()
    written = set(re.findall(r'\(\s*"([a-z_]+)",', source)) | set(re.findall(r'code, text = \(?"([a-z_]+)"', source))
    return (written | set(reasons.ALL_RULED_OUT)) - {"self", "skills"}


def test_every_reason_code_has_a_sentence_in_third_person_for_hr_and_second_for_participants() -> None:
    codes = _engine_codes()
    assert {"same_unit", "no_learner", "reporting_line", "mentees_elsewhere", "capacity"} <= codes
    assert codes <= set(wording.REASON_SUMMARIES), codes - set(wording.REASON_SUMMARIES)
    for code in codes:
        hr, mine = wording.reason_for_hr(code), wording.reason_for_participant(code)
        assert hr[0].isupper() and "_" not in hr and not YOU.search(hr), (code, hr)
        assert YOU.search(mine), (code, mine)


def test_the_engines_own_sentences_read_in_third_person_for_hr() -> None:
    samples = [t.format(who="mentors", one="mentor", hours=2, gap=2) for t in reasons.ALL_RULED_OUT.values()]
    samples += [
        "the mentors you could pair with have no places left in this program",
        "all mentors you could pair with are full with mentees who score at least as high with them as you would",
        "you have not asked to learn any of the program's focus skills",
        "no enrolled mentee wants a skill you teach at a level you are clearly ahead of, within the program rules",
        "every mentee you could take is paired with a mentor they score at least as high with",
    ]
    for text in samples:
        assert not YOU.search(wording.third_person(text)), text
    assert wording.third_person("all qualified mentors are in your own org unit") == (
        "all qualified mentors are in their own org unit"
    )
    assert wording.third_person("nobody in the pool wants to learn what you can teach") == (
        "nobody in the pool wants to learn what they can teach"
    )


def test_the_run_page_shows_hr_sentences_and_rounded_scores(
    seeded: Seeded, hr: Client, make_person: Callable[..., Participant]
) -> None:
    extra = make_person("gus.senior@example.com", first_name="Gus", last_name="Senior", career_level=6)
    set_entry(extra, seeded.skills["genai"], level=1, want=3)
    enroll(seeded.program, extra, "mentee", goals=[seeded.skills["genai"]])  # one mentee too many
    solved = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    runs.match_run_execute(run_id=solved.pk)
    solved.refresh_from_db()
    page = hr.get(reverse("pairing:run", args=[solved.pk])).content.decode()
    assert solved.unmatched.exists()
    for row in solved.unmatched.all():
        assert wording.reason_for_hr(row.reason) in page
        assert wording.third_person(row.text)[1:] in page
    for code in solved.unmatched.values_list("reason", flat=True):
        assert f"<dt>{code}</dt>" not in page
    total = solved.quality["total_score"]
    assert f"<dt>Total score</dt><dd>{total:.0f}" in page


def test_run_list_and_run_page_agree_on_the_pair_count(seeded: Seeded, solved: MatchRun, hr: Client) -> None:
    first = solved.proposals.order_by("id").first()
    assert first is not None
    review.proposal_pin(proposal=first, pinned=True, by=seeded.hr.user)
    hr.post(reverse("pairing:run_resolve", args=[solved.pk]))
    resolved = MatchRun.objects.exclude(pk=solved.pk).get()
    runs.match_run_execute(run_id=resolved.pk)
    resolved.refresh_from_db()
    live = resolved.proposals.exclude(status=ProposalStatus.REMOVED).count()
    page = hr.get(reverse("pairing:run", args=[resolved.pk])).content.decode()
    assert f'<dd id="pair-count">{live} (1 kept' in page
    listing = hr.get(reverse("pairing:program_runs", args=[seeded.program.pk])).content.decode()
    assert f"<td>{live} (1 kept)</td>" in listing


def test_publishing_asks_first_and_says_what_will_happen(seeded: Seeded, solved: MatchRun, hr: Client) -> None:
    url = reverse("pairing:run_publish", args=[solved.pk])
    page = hr.get(reverse("pairing:run", args=[solved.pk])).content.decode()
    assert f'href="{url}">Publish 3 pairs…' in page
    confirm = hr.get(url)
    assert confirm.status_code == 200
    assert "3 pairs, 6 emails." in confirm.content.decode()
    assert not solved.proposals.filter(status=ProposalStatus.PUBLISHED).exists()  # asking changes nothing
    done = hr.post(url, follow=True)
    assert "Published 3 pairs" in done.content.decode()
    assert solved.proposals.filter(status=ProposalStatus.PUBLISHED).count() == 3


def test_nothing_to_publish_means_no_publish_button(seeded: Seeded, solved: MatchRun, hr: Client) -> None:
    for proposal in solved.proposals.all():
        review.proposal_remove(proposal=proposal, by=seeded.hr.user)
    url = reverse("pairing:run_publish", args=[solved.pk])
    page = hr.get(reverse("pairing:run", args=[solved.pk])).content.decode()
    assert url not in page and "Nothing to publish" in page
    assert hr.get(url).status_code == 302  # straight back, with the reason


def test_pin_and_remove_are_real_buttons_in_post_forms(seeded: Seeded, solved: MatchRun, hr: Client) -> None:
    page = hr.get(reverse("pairing:run", args=[solved.pk])).content.decode()
    proposal = solved.proposals.first()
    assert proposal is not None
    pin = reverse("pairing:proposal_pin", args=[solved.pk, proposal.pk])
    assert re.search(rf'<form method="post" action="{pin}"[^>]*>.*?<button type="submit" class="button', page, re.S)
    assert 'class="link-button">Pin' not in page and 'class="link-button">Remove' not in page


def test_a_hand_made_pair_says_which_rule_it_breaks_in_words(seeded: Seeded, solved: MatchRun, hr: Client) -> None:
    dee = seeded.mentees[0]
    removed = review.proposal_remove(proposal=solved.proposals.get(mentee=dee), by=seeded.hr.user)
    review.proposal_create_manual(
        run=solved, mentor_id=removed.mentor_id, mentee_id=dee.pk, by=seeded.hr.user, confirm=True
    )
    page = hr.get(reverse("pairing:run", args=[solved.pk])).content.decode()
    assert "<li>This pair was removed or declined earlier in this program.</li>" in page
    assert "breaking: blocked" not in page
