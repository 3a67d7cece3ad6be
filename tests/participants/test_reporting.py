import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentorship.accounts.models import User
from mentorship.participants.models import Participant
from mentorship.participants.reporting import ReportingLines


def test_it_sees_a_manager_above_every_level_below():
    lines = ReportingLines({1: None, 2: 1, 3: 2, 4: 3, 5: 1})
    assert lines.in_one_line(1, 4)
    assert lines.in_one_line(4, 2)
    assert lines.is_above(2, 4)
    assert not lines.is_above(4, 2)


def test_it_keeps_siblings_and_cousins_apart():
    lines = ReportingLines({1: None, 2: 1, 3: 1, 4: 2, 5: 3})
    assert not lines.in_one_line(2, 3)
    assert not lines.in_one_line(4, 5)
    assert not lines.in_one_line(4, 3)


def test_it_does_not_count_a_person_as_in_their_own_line():
    assert not ReportingLines({1: None}).in_one_line(1, 1)


def test_it_lists_the_chain_and_the_subtree():
    lines = ReportingLines({1: None, 2: 1, 3: 2, 4: 2, 5: None})
    assert lines.chain(4) == [2, 1]
    assert lines.below(2) == [3, 4]
    assert lines.below(1) == [2, 3, 4]
    assert lines.below(5) == []


def test_it_survives_a_manager_cycle_without_looping():
    lines = ReportingLines({1: 2, 2: 3, 3: 1, 4: None})
    assert lines.chain(1) == [2, 3]
    assert lines.would_cycle(4, 4)
    assert not lines.in_one_line(1, 4)


def test_it_spots_a_new_manager_that_would_close_a_loop():
    lines = ReportingLines({1: None, 2: 1, 3: 2})
    assert lines.would_cycle(1, 3)
    assert not lines.would_cycle(3, 1)
    assert not lines.would_cycle(3, None)


def _random_tree(size: int, seed: int) -> dict[int, int | None]:
    rng = random.Random(seed)
    managers: dict[int, int | None] = {1: None}
    for person in range(2, size + 1):
        # Managers come from the first fifth, so trees are a few levels deep like real ones.
        managers[person] = rng.randint(max(1, person // 5), person - 1)
    return managers


def _naive_in_one_line(managers: dict[int, int | None], a: int, b: int) -> bool:
    def above(x: int) -> set[int]:
        seen: set[int] = set()
        current = managers[x]
        while current is not None:
            seen.add(current)
            current = managers[current]
        return seen

    return a in above(b) or b in above(a)


def test_it_agrees_with_walking_the_chain_on_random_trees():
    managers = _random_tree(400, seed=3)
    lines = ReportingLines(managers)
    rng = random.Random(4)
    for _ in range(3_000):
        a, b = rng.randint(1, 400), rng.randint(1, 400)
        assert lines.in_one_line(a, b) == _naive_in_one_line(managers, a, b), (a, b)


@pytest.mark.django_db
def test_it_loads_twenty_thousand_people_in_one_query():
    size = 20_000
    shape = _random_tree(size, seed=11)
    users = User.objects.bulk_create(User(email=f"p{i}@example.com", password="!") for i in range(size))
    people = Participant.objects.bulk_create(Participant(user=user) for user in users)
    ids = [p.pk for p in people]
    by_index = {i + 1: pk for i, pk in enumerate(ids)}
    for index, participant in enumerate(people, start=1):
        manager_index = shape[index]
        participant.manager_id = by_index[manager_index] if manager_index else None
    Participant.objects.bulk_update(people, ["manager"], batch_size=2_000)

    with CaptureQueriesContext(connection) as queries:
        lines = ReportingLines.load()
        rng = random.Random(5)
        checks = [(rng.choice(ids), rng.choice(ids)) for _ in range(20_000)]
        answers = [lines.in_one_line(a, b) for a, b in checks]
    assert len(queries) == 1

    reverse = {pk: i for i, pk in by_index.items()}
    for (a, b), answer in list(zip(checks, answers, strict=True))[:2_000]:
        assert answer == _naive_in_one_line(shape, reverse[a], reverse[b])
    top, direct_report = by_index[1], by_index[2]
    assert lines.in_one_line(top, direct_report)
