"""The connection budget: a dashboard request runs every query on the request's own connection."""

import threading
from typing import Any
from unittest import mock

import pytest
from django.db import connection, connections

from mentorship.participants.models import Participant
from tests.dashboards.conftest import World, login


@pytest.mark.django_db(transaction=True)  # outside a test transaction, where threads could connect
def test_a_dashboard_request_opens_no_connection_and_starts_no_thread(
    client: Any, hr_admin: Participant, manager: Participant, world: World, settings: Any
) -> None:
    settings.DASHBOARD_CACHE_SECONDS = 0  # every query runs
    for person in world.mentees:
        person.manager = manager
        person.save()
    connection.ensure_connection()
    threads = threading.active_count()
    wrapper = type(connections["default"])
    with mock.patch.object(wrapper, "connect", autospec=True, side_effect=wrapper.connect) as connect:
        for person, url in [
            (hr_admin, "/dashboards/"),
            (hr_admin, "/dashboards/approaches/"),
            (hr_admin, f"/dashboards/programs/{world.program.pk}/"),
            (manager, "/dashboards/team/"),
        ]:
            login(client, person)
            assert client.get(url).status_code == 200
            assert threading.active_count() == threads

    assert connect.call_count == 0
