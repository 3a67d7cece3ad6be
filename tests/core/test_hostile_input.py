"""Hostile input never gets a 500: every URL pattern the resolver knows, as every role, with NUL
bytes, unicode digits, overlong values, malformed ids and query strings, by GET and POST.

The patterns are read from the resolver, so a page added later is fuzzed without editing this
test. Ids in the address point at real objects of a small world where the pattern names one, so
the hostile query strings and forms reach the views behind the access checks.
"""

import re
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from mentorship.core.hostile import ascii_int, spreadsheet_safe
from mentorship.imports import services as import_services
from mentorship.mentorships.models import Mentorship
from mentorship.notifications.models import Notification
from mentorship.participants.models import OrgUnit, Participant
from mentorship.participants.roles import HR_ADMIN_GROUP
from mentorship.programs.models import Enrollment
from mentorship.workspace import services as workspace_services
from tests.imports.conftest import team_csv
from tests.workspace.conftest import make_running_program, skill_named

pytestmark = pytest.mark.django_db

OVERLONG_DIGITS = "9" * 40
UNICODE_DIGITS = "²٣੩"
# Hostile query strings (already encoded): unicode digits, malformed dates and choices, values too
# long or too large for their column, a broken percent escape, a repeated name, an open redirect.
QUERIES = [
    "q=%C2%B2&add=%C2%B2&page=%D9%A3&program=%C2%B2&unit=%D9%A3&kind=nonsense&start=2026-02-31&end=x"
    "&format=csv&table=..%2F..%2Fetc&list=%C2%B2&next=%2F%2Fevil.example&skill=%D9%A3&status=%FF&level=%C2%B2",
    f"q={'x' * 5000}&add={OVERLONG_DIGITS}&page={OVERLONG_DIGITS}&program={OVERLONG_DIGITS}&unit=-1"
    f"&start=0001-01-01&end=9999-12-31&format=csv&table=enrollment_by_role&skill={OVERLONG_DIGITS}&list=&=&&a=%",
]
# A form with the field names the app's forms use, each holding a value its field must refuse.
FORM = {
    name: value
    for names, value in [
        (("q", "name", "title", "bio", "body", "shared_notes", "private_note", "reason", "objectives"), "x" * 5000),
        (("level", "score", "rating", "target_level", "from_level", "capacity", "relationship_rating"), "²"),
        (
            ("program", "skill", "skill_id", "mentor", "mentee", "participant", "target", "into", "unit"),
            OVERLONG_DIGITS,
        ),
        (("duration_minutes", "minutes", "cadence_days", "years_experience", "career_level", "step"), "٣"),
        (("held_on", "due_on", "start", "end", "starts_on", "ends_on", "enrollment_opens"), "2026-02-31"),
        (("kind", "role", "format", "status", "action", "decision", "to", "invite"), "nonsense"),
        (("email", "login", "password", "password1", "password2"), "²@example.com"),
        (("next",), "//evil.example/"),
    ]
    for name in names
}
ROLES = ["anonymous", "outsider", "mentee", "mentor", "manager", "hr_admin", "superuser"]


def _patterns(resolvers: list[Any], prefix: str = "") -> Iterator[str]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _fill(template: str, ids: dict[str, int], value: str | None = None) -> str:
    """A concrete path for a route (`<int:pk>`) or regex (`(?P<key>...)`) pattern: each parameter
    set to `value`, or to the id of the world's object that the path names."""

    def one(name: str, converter: str) -> str:
        if value is not None:
            return value if converter != "int" or value.isascii() else OVERLONG_DIGITS
        if converter == "int":
            return str(_id_for(template, name, ids))
        return {"kind": "midpoint", "uidb36": "1z"}.get(name, "key-that-is-not-real")

    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: one(m.group(2), m.group(1) or "str"), template)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: one(m.group(1), "str"), path)
    return "/" + path.replace("^", "").replace("$", "")


def _id_for(template: str, name: str, ids: dict[str, int]) -> int:
    for prefix, key in [
        ("people/", "person"),
        ("welcome/", "step"),
        ("skills/", "skill"),
        ("hr/import/", "job"),
        ("mentorships/goals/", "goal"),
        ("mentorships/sessions/", "session"),
        ("mentorships/", "mentorship"),
        ("notifications/", "notification"),
        ("dashboards/team/", "manager"),
        ("admin/", "person"),
    ]:
        if template.startswith(prefix):
            return ids[key]
    return ids["program"] if name in ("pk", "program_id") else 1


@pytest.fixture
def world(
    hr_admin: Participant,
    junior_mentor: Participant,
    manager: Participant,
    outsider: Participant,
    make_person: Callable[..., Participant],
    org: dict[str, OrgUnit],
) -> dict[str, Any]:
    hr_admin.user.groups.add(Group.objects.get_or_create(name=HR_ADMIN_GROUP)[0])
    program = make_running_program(hr_admin)
    mentor = make_person("mara.mentor@example.com", first_name="Mara", career_level=6, org_unit=org["people"])
    for person, role in ((mentor, "mentor"), (junior_mentor, "mentee")):
        Enrollment.objects.create(program=program, participant=person, role=role)
    mentorship = Mentorship.objects.create(
        program=program, mentor=mentor, mentee=junior_mentor, started_at=timezone.now() - timedelta(days=30)
    )
    skill = skill_named("Facilitation")
    goal = workspace_services.goal_create(
        mentorship=mentorship,
        by=junior_mentor,
        learner=junior_mentor,
        title="Run a retro",
        skill=skill,
        target_level=3,
        due_on=timezone.localdate() + timedelta(days=60),
    )
    session = workspace_services.session_log(
        mentorship=mentorship,
        by=junior_mentor,
        held_on=timezone.localdate() - timedelta(days=7),
        duration_minutes=45,
        format="meeting",
        skills=[skill],
        shared_notes="Planned the retro.",
        private_note="",
    )
    note = Notification.objects.create(recipient=junior_mentor.user, kind="hr_alert", title="Hi", dedupe_key="fuzz")
    job = import_services.import_job_create(file_name="t.csv", content=team_csv(2), by=hr_admin.user)
    root = make_person("root@example.com", first_name="Root")
    root.user.is_superuser = root.user.is_staff = True
    root.user.save()
    people = {
        "outsider": outsider,
        "mentee": junior_mentor,
        "mentor": mentor,
        "manager": manager,
        "hr_admin": hr_admin,
        "superuser": root,
    }
    ids = {
        "person": junior_mentor.pk,
        "step": 1,
        "skill": skill.pk,
        "job": job.pk,
        "goal": goal.pk,
        "session": session.pk,
        "mentorship": mentorship.pk,
        "notification": note.pk,
        "manager": manager.pk,
        "program": program.pk,
    }
    return {"people": people, "ids": ids}


PATH_VALUES = (OVERLONG_DIGITS, UNICODE_DIGITS, "x" * 300, "-1")


def _requests(template: str, ids: dict[str, int], role: int, turn: int) -> Iterator[tuple[str, str, Any, int | None]]:
    """(method, path, form data, the one status expected or None for "anything but 500").

    To stay fast, the variants take turns: each role meets one hostile query string and one
    malformed address per pattern, every other role posts the hostile form, and the roles between
    them meet every variant on every pattern. A NUL gets a 400
    before anyone is known (the guard runs before sessions), so it is sent once per pattern."""
    path = _fill(template, ids)
    params = "<" in template or "(?P" in template
    if template.startswith("admin/"):
        # Django's own admin, for the one role it opens to; everyone else meets its login page.
        if ROLES[role] == "superuser":
            yield "GET", f"{path}?{QUERIES[turn % len(QUERIES)]}", None, None
            if params:
                yield "GET", _fill(template, ids, PATH_VALUES[turn % len(PATH_VALUES)]), None, None
        return
    if ROLES[role] == "anonymous":
        yield "GET", f"{path}?q=a%00b", None, 400
        yield "POST", path, {"name": "a\x00b"}, 400
    yield "GET", f"{path}?{QUERIES[(role + turn) % len(QUERIES)]}", None, None
    if params:
        yield "GET", _fill(template, ids, PATH_VALUES[(role + turn) % len(PATH_VALUES)]), None, None
    if (role + turn) % 2 == 0:  # every other role posts the hostile form to each pattern
        yield "POST", path, FORM, None


def test_no_url_pattern_answers_500_to_hostile_input_as_any_role(world: dict[str, Any]) -> None:
    templates = sorted(set(_patterns(get_resolver().url_patterns)))
    counted: dict[int, int] = {}
    started = time.monotonic()
    for role, name in enumerate(ROLES):
        client = Client()
        for turn, template in enumerate(templates):
            if name != "anonymous":
                client.force_login(world["people"][name].user)  # again: a fuzzed POST may sign out
            for method, path, data, expected in _requests(template, world["ids"], role, turn):
                response = client.get(path) if method == "GET" else client.post(path, data)
                counted[response.status_code] = counted.get(response.status_code, 0) + 1
                assert response.status_code != 500, (name, method, path)
                if expected is not None:
                    assert response.status_code == expected, (name, method, path, response.status_code)
    requests = sum(counted.values())
    print(
        f"\n{len(templates)} URL patterns, {len(ROLES)} roles, {requests} requests in "
        f"{time.monotonic() - started:.1f} s, by status: {dict(sorted(counted.items()))}"
    )
    assert len(templates) > 200 and requests > 1000  # the resolver was walked, not skipped
    assert 500 not in counted


@pytest.mark.parametrize(
    ("value", "expected"),
    [("7", 7), ("0042", 42), ("9223372036854775807", 2**63 - 1), ("9223372036854775808", None), ("²", None),
     ("٣", None), ("", None), (None, None), ("-1", None), (" 7", None), ("7\x00", None), (OVERLONG_DIGITS, None)],
)  # fmt: skip
def test_ids_are_read_only_from_plain_ascii_digits(value: str | None, expected: int | None) -> None:
    assert ascii_int(value) == expected


def test_unicode_digits_in_the_skill_editor_are_no_skill(client: Client, junior_mentor: Participant) -> None:
    client.force_login(junior_mentor.user)
    assert client.get("/skills/mine/?add=%C2%B2").status_code == 200
    assert client.get("/skills/mine/add/?add=%C2%B2", headers={"HX-Request": "true"}).status_code == 404
    assert client.get("/people/?q=%00").status_code == 400


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("", ""),
        ("Acme / Sales", "Acme / Sales"),
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-0.40", "-0.40"),
        ("+5", "+5"),
        ("42", "42"),
        ("a=b", "a=b"),
    ],
)
def test_only_cells_that_start_like_a_formula_are_quoted_in_csv(cell: str, written: str) -> None:
    assert spreadsheet_safe(cell) == written
