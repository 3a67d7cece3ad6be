"""Dashboard queries run side by side on threads outside a transaction, and in turn inside one."""

import threading
from typing import Any

import pytest
from django.test import override_settings

from mentorship.dashboards import reports
from mentorship.dashboards.reports import UnitTree
from mentorship.dashboards.scope import Scope
from mentorship.dashboards.side_by_side import start
from mentorship.participants.models import OrgUnit, Participant


def _figures(page: reports.Dashboard) -> tuple[Any, ...]:
    """Everything a page shows but its charts, whose element ids count up across renders."""
    return page.headline, {name: table.rows for name, table in page.tables.items()}, page.at_risk


def _thread_and_people() -> tuple[str, int]:
    return threading.current_thread().name, Participant.objects.count()


@pytest.mark.django_db
def test_inside_a_transaction_a_query_runs_in_turn_on_the_requests_connection(world: Any) -> None:
    thread, people = start(_thread_and_people).result()
    assert thread == threading.current_thread().name
    assert people == Participant.objects.count() > 0  # it sees the transaction's own rows


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_query_runs_on_a_worker_thread_and_sees_committed_rows(world: Any) -> None:
    thread, people = start(_thread_and_people).result()
    assert thread.startswith("dashboard-query")
    assert people == Participant.objects.count() > 0


@pytest.mark.django_db(transaction=True)
@override_settings(DASHBOARD_QUERY_THREADS=1)
def test_one_thread_means_in_turn() -> None:
    thread, _ = start(_thread_and_people).result()
    assert thread == threading.current_thread().name


def _raises_for_its_reader() -> None:
    future = start(lambda: Participant.objects.get(pk=-1))
    with pytest.raises(Participant.DoesNotExist):
        future.result()


@pytest.mark.django_db
def test_an_error_in_a_query_run_in_turn_reaches_whoever_reads_its_result() -> None:
    _raises_for_its_reader()


@pytest.mark.django_db(transaction=True)
def test_an_error_on_a_worker_thread_reaches_whoever_reads_its_result() -> None:
    _raises_for_its_reader()


@pytest.mark.django_db(transaction=True)
def test_the_dashboards_read_the_same_figures_side_by_side_as_in_turn(world: Any, org: dict[str, OrgUnit]) -> None:
    tree = UnitTree(OrgUnit.objects.values_list("id", "name", "parent_id"))
    team = frozenset(Participant.objects.values_list("id", flat=True))
    scopes = [
        Scope(),
        Scope(start=world.pairs["A"].started_at.date(), units=frozenset({org["data"].pk})),
        Scope(base_people=team, protect=True, program=world.program.pk),
    ]

    def render() -> list[reports.Dashboard]:
        pages = [reports.engagement(scope, tree, at_risk_list=not scope.protect) for scope in scopes]
        return [*pages, reports.comparison(Scope())]

    side_by_side = render()
    with override_settings(DASHBOARD_QUERY_THREADS=1):
        in_turn = render()
    assert [_figures(page) for page in side_by_side] == [_figures(page) for page in in_turn]
    assert side_by_side[0].headline  # something was compared
