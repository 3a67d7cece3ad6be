"""HR imports a nested-path file into the demo organisation, sees the tree change before anything
is written, imports, and the demo reverse program still matches people into pairs."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from mentorship.accounts.models import User
from mentorship.demo import organisation as demo
from mentorship.demo.management.commands.benchmark_nested_import import nested_path_csv
from mentorship.demo.matching import seed_matching_demo
from mentorship.imports.models import ImportJob
from mentorship.participants.models import OrgUnit
from mentorship.programs.models import Program
from pairing.models import MatchRun
from tests.conftest import celery_worker
from tests.e2e.conftest import signed_in_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(transactional_db: None) -> Iterator[None]:
    with celery_worker():
        yield


def test_hr_imports_nested_paths_then_the_demo_reverse_program_still_gets_pairs(
    browser: Browser, live_server: Any, worker: None, tmp_path: Path
) -> None:
    demo.seed_organisation()
    demo.seed_inventories()
    demo.seed_programs()
    seed_matching_demo()
    program = Program.objects.get(name=demo.DEMO_PROGRAMS[0].name)
    hr_user = User.objects.get(email=f"hr@{demo.DEMO_DOMAIN}")
    upload = tmp_path / "hris-export.csv"
    upload.write_bytes(nested_path_csv(50))

    hr = signed_in_page(browser, live_server, hr_user)
    hr.goto(f"{live_server.url}/")
    hr.get_by_text("HR", exact=True).click()
    hr.get_by_role("link", name="Import people", exact=True).click()
    hr.get_by_label("CSV or Excel file").set_input_files(str(upload))
    hr.get_by_role("button", name="Check the file").click()

    expect(hr.get_by_role("heading", name="What changes in the org tree")).to_be_visible()
    created = ImportJob.objects.latest("id").tree_changes["created"]
    assert created and all(" / " in label for label in created)  # new teams inside existing units
    expect(hr.get_by_text(f"New unit: {created[0]}")).to_be_visible()
    expect(hr.get_by_text("directly below the organisation root")).to_have_count(0)
    assert OrgUnit.objects.filter(parent=None).count() == 1
    hr.get_by_role("button", name="Import 50 rows").click()
    expect(hr.get_by_text("50 added, 0 updated, 0 unchanged")).to_be_visible()
    assert OrgUnit.objects.filter(parent=None).count() == 1  # still one organisation

    hr.goto(f"{live_server.url}/matching/programs/{program.pk}/")
    hr.get_by_role("button", name="Run matching").click()
    expect(hr.get_by_role("heading", name="Results")).to_be_visible()
    run = MatchRun.objects.filter(program=program).latest("id")
    assert run.proposals.count() >= 10  # the reverse program pairs people across departments
    hr.get_by_text("HR", exact=True).click()
    hr.get_by_role("link", name="Departments and teams").first.click()
    expect(hr.get_by_role("link", name=created[0].split(" / ")[-1]).first).to_be_visible()
    hr.context.close()
