from typing import Any

import pytest

from mentorship.dashboards import evidence, reports
from mentorship.dashboards.scope import Scope
from mentorship.demo import dashboards as dashboard_demo
from mentorship.demo import organisation as demo
from mentorship.mentorships.models import Mentorship
from mentorship.programs.models import Program, ProgramKind
from mentorship.workspace.models import MentoringSession

pytestmark = pytest.mark.django_db


def test_the_dashboard_demo_adds_a_finished_program_of_each_kind_once(client: Any) -> None:
    demo.seed_organisation()
    made = dashboard_demo.seed_dashboard_demo()
    assert made == [dashboard_demo.program_name(kind) for kind in ProgramKind]
    counts = (Program.objects.count(), Mentorship.objects.count(), MentoringSession.objects.count())
    assert dashboard_demo.seed_dashboard_demo() == []
    assert (Program.objects.count(), Mentorship.objects.count(), MentoringSession.objects.count()) == counts

    rows = {row[0]: row[1:] for row in reports.comparison(Scope()).tables["approaches"].rows}
    raw = evidence.build(Scope()).analysis.raw
    assert all(raw[kind.value].value > 0 for kind in ProgramKind)
    assert all(cell.value >= 10 for cell in rows["Pairs"])

    from mentorship.accounts.models import User

    client.force_login(User.objects.get(email=f"manager@{demo.DEMO_DOMAIN}"))
    response = client.get("/dashboards/team/")
    visible = [label for label, figure, _ in response.context["dashboard"].headline if not figure.hidden]
    assert "Average skill growth" in visible
