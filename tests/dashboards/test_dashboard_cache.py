"""The dashboard cache: one computation per page, scope and filters until a write changes the
figures, never a page for another viewer's scope, and pages computed as usual when it fails."""

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentorship.dashboards import cache as dashboard_cache
from mentorship.dashboards.cache import cached
from mentorship.dashboards.scope import Scope
from mentorship.imports import services as import_services
from mentorship.mentorships.models import Mentorship
from mentorship.participants.models import Participant
from mentorship.programs.models import Enrollment
from mentorship.workspace.models import Goal
from tests.dashboards.conftest import NOW, World, login, session
from tests.imports.conftest import make_csv, person_row


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_a_page_is_computed_once_for_one_scope_and_again_for_another(db: Any) -> None:
    build = Counter()
    team = Scope(base_people=frozenset({3, 1, 2}), protect=True)
    same_team = Scope(base_people=frozenset({1, 2, 3}), protect=True)

    assert cached("page", (team, None), build) == 1
    assert cached("page", (same_team, None), build) == 1  # the same people, whatever their order
    assert cached("page", (Scope(base_people=frozenset({1, 2}), protect=True), None), build) == 2
    assert cached("page", (team, "growth_by_skill"), build) == 3  # another table, another entry
    assert cached("other-page", (team, None), build) == 4


def test_a_write_to_a_watched_row_starts_a_new_version(world: World) -> None:
    build = Counter()
    assert cached("page", (Scope(),), build) == 1
    session(world.pairs["A"], "2026-03-02")

    assert cached("page", (Scope(),), build) == 2


def test_within_the_lag_a_changed_page_is_served_as_it_was_then_computed_afresh(world: World, settings: Any) -> None:
    settings.DASHBOARD_CACHE_LAG_SECONDS = 10
    build = Counter()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False) as clock:
        assert cached("page", (Scope(),), build) == 1
        session(world.pairs["A"], "2026-03-02")
        clock.shift(9)
        assert cached("page", (Scope(),), build) == 1  # 9 s old: may lag the change
        clock.shift(2)
        assert cached("page", (Scope(),), build) == 2  # 11 s old and changed: computed
        clock.shift(30)
        assert cached("page", (Scope(),), build) == 2  # unchanged since: still served


def test_a_broken_cache_is_skipped_and_the_page_computed(db: Any) -> None:
    build = Counter()
    with mock.patch.object(dashboard_cache.cache, "get", side_effect=ConnectionError("Redis is down")):
        assert cached("page", (Scope(),), build) == 1
        assert cached("page", (Scope(),), build) == 2
    with mock.patch.object(dashboard_cache.cache, "set", side_effect=ConnectionError("Redis is down")):
        dashboard_cache.figures_changed()  # a write's bump fails quietly too


def test_no_time_means_no_cache(db: Any, settings: Any) -> None:
    settings.DASHBOARD_CACHE_SECONDS = 0
    build = Counter()
    assert [cached("page", (Scope(),), build) for _ in range(2)] == [1, 2]


def test_a_second_view_of_a_dashboard_runs_none_of_its_queries_and_shows_the_same(
    client: Any, hr_admin: Participant, world: World
) -> None:
    login(client, hr_admin)
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get("/dashboards/")
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get("/dashboards/")

    assert second.content.count(b"<tr>") == first.content.count(b"<tr>") > 0
    # Only the request's own reads remain: session, user, profile, HR role, the filters' units
    # and programs, the navigation's questions, and the programs HR may change (the at-risk actions).
    assert len(second_queries.captured_queries) <= 8 < len(first_queries.captured_queries)


def test_a_managers_second_view_reads_none_of_their_subtrees_records(
    client: Any, manager: Participant, world: World
) -> None:
    for person in world.mentees:
        person.manager = manager
        person.save()
    login(client, manager)
    first = client.get("/dashboards/team/")
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get("/dashboards/team/")

    assert second.content.count(b"<tr>") == first.content.count(b"<tr>") > 0
    # Neither the figures nor the filter values offered (privacy.Offer) are computed again.
    tables = [Enrollment._meta.db_table, Mentorship._meta.db_table, Goal._meta.db_table]
    assert not [query for query in second_queries.captured_queries if any(t in query["sql"] for t in tables)]


def test_a_logged_session_shows_on_the_next_view(client: Any, hr_admin: Participant, world: World) -> None:
    login(client, hr_admin)
    before = client.get("/dashboards/").context["dashboard"].table("sessions_by_month").rows
    session(world.pairs["A"], "2026-03-03")
    after = client.get("/dashboards/").context["dashboard"].table("sessions_by_month").rows

    assert sum(row[1].value for row in after) == sum(row[1].value for row in before) + 1


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_again_when_the_write_commits(world: World) -> None:
    build = Counter()
    with mock.patch.object(dashboard_cache, "_bump", wraps=dashboard_cache._bump) as bump:
        session(world.pairs["A"], "2026-03-04")  # autocommit: bumped now and on commit
    assert bump.call_count >= 2
    assert cached("page", (Scope(),), build) == 1


def test_an_import_starts_a_new_version_though_it_writes_people_in_bulk(world: World, hr_admin: Participant) -> None:
    build = Counter()
    assert cached("page", (Scope(),), build) == 1
    job = import_services.import_job_create(
        file_name="people.csv", content=make_csv([person_row("new.person@example.com")]), by=hr_admin.user
    )
    assert cached("page", (Scope(),), build) == 2  # the upload alone already is a write to a watched row
    import_services.import_job_confirm(job=job, invite=False)

    assert Participant.objects.filter(user__email="new.person@example.com").exists()
    assert cached("page", (Scope(),), build) == 3
