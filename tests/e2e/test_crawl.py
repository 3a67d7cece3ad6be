"""Every page each demo person can reach works on any screen: a crawl instead of a page list.

For the HR admin, the manager, the senior and the junior employee of the demo, and a new employee
who has not onboarded yet, the crawl (tests/e2e/crawl.py) follows every link the pages show, from
the home page outwards. Each page must answer 200, log no console error, pass axe-core, and fit
375 px and 768 px screens; every link shown must answer 200. New pages are covered as soon as a
page links to them.
"""

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from playwright.sync_api import Browser

from mentorship.accounts.models import User
from mentorship.demo.organisation import DEMO_DOMAIN
from tests.e2e.conftest import signed_in_page
from tests.e2e.crawl import crawl

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = ("hr", "manager", "mentor", "junior")


def test_every_page_every_demo_person_can_reach_works_on_phones_and_tablets(
    browser: Browser, live_server: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("seed_demo", stdout=None)
    newcomer = User.objects.create_user(email=f"new@{DEMO_DOMAIN}", password=None, first_name="Nova")
    EmailAddress.objects.create(user=newcomer, email=newcomer.email, verified=True, primary=True)
    people = {role: User.objects.get(email=f"{role}@{DEMO_DOMAIN}") for role in ROLES} | {"new employee": newcomer}

    problems: list[str] = []
    summaries: list[str] = []
    for role, user in people.items():
        context = signed_in_page(browser, live_server, user).context
        report = crawl(context, live_server.url, role)
        context.close()
        summaries.append(report.summary())
        problems.extend(f"{role}: {problem}" for problem in report.problems)
        # The crawl must really have gone somewhere: the home page alone would prove nothing.
        assert len(report.pages) >= 10, report.summary()

    with capsys.disabled():
        print("\n" + "\n".join(summaries))
    assert not problems, "\n".join(problems)
