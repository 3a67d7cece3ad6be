"""One date and time style through the locale's formats, and `ago` that never says "0 minutes ago"."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone

from mentorship.core.templatetags.dates import ago

NOW = datetime(2026, 12, 2, 11, 30, tzinfo=ZoneInfo("UTC"))


def _render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_every_way_of_printing_a_date_gives_the_same_style():
    assert _render("{{ when }}", when=NOW) == "2 Dec 2026, 11:30"
    assert _render('{{ when|date:"DATETIME_FORMAT" }}', when=NOW) == "2 Dec 2026, 11:30"
    assert _render("{{ when|date }}", when=NOW.date()) == "2 Dec 2026"
    assert _render("{{ when }}", when=NOW.date()) == "2 Dec 2026"


@pytest.mark.parametrize(
    ("age", "reads"),
    [
        (timedelta(seconds=0), "just now"),
        (timedelta(seconds=40), "just now"),
        (timedelta(minutes=5), "5\xa0minutes ago"),
        (timedelta(hours=3), "3\xa0hours ago"),
        (timedelta(days=3), "29 Nov 2026, 11:30"),
    ],
)
def test_ago_reads_well_at_every_age(age, reads):
    with time_machine.travel(NOW, tick=False):
        assert ago(timezone.now() - age) == reads
