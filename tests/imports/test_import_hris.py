"""HRIS exports as they come: usual header names, HR's column choices (remembered), and XLSX
read with the same checks and row numbers as CSV."""

import io
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from mentorship.imports import services
from mentorship.imports.models import ColumnMapping, ImportJob, ImportStatus
from mentorship.imports.parsing import parse_file
from mentorship.participants.models import LANGUAGES, OrgUnit, Participant
from tests.imports.conftest import BAD_VALUES, HEADER, make_csv, person_row, post_file

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list[Any]], header: tuple[str, ...] | list[str] = HEADER, *, start_row: int = 1) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for _ in range(start_row - 1):
        sheet.append([])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def check(content: bytes, **options: Any) -> ImportJob:
    return services.import_job_create(file_name="people", content=content, by=None, **options)


# Each HR system's export, by its own header names; values in the template's order.
EXPORTS = {
    "BambooHR": ("Employee #", "First Name", "Last Name", "Work Email", "Job Title", "Department", "Division",
                 "Supervisor Email", "Hire Date", "Location"),
    "Workday": ("Employee ID", "Legal First Name", "Legal Last Name", "Email - Work", "Business Title",
                "Supervisory Organization", "Manager Email", "Hire Date", "Cost Center"),
    "HiBob": ("Employee ID", "First name", "Last name", "Email", "Job title", "Department", "Reports to email",
              "Start date", "Site"),
    "Personio": ("ID", "First name", "Last name", "Email", "Position", "Department", "Team", "Supervisor email",
                 "Hire date", "Office"),
    "ADP": ("Associate ID", "First Name", "Last Name", "Work Contact: Work Email", "Job Title Description",
            "Home Department Description", "Reports To Email", "Hire Date"),
    "SuccessFactors": ("User ID", "First Name", "Last Name", "Email Address", "Title", "Division", "Department",
                       "Manager Email", "Hire Date", "Employment Status"),
}  # fmt: skip
# What a column reads as, by the header's position in the tuple above; None: ignored.
FIELDS = {
    "Employee #": None, "Employee ID": None, "ID": None, "Associate ID": None, "User ID": None,
    "Location": None, "Cost Center": None, "Site": None, "Office": None, "Employment Status": None,
}  # fmt: skip


DEPARTMENTS = {
    "BambooHR": ("Engineering", "Data"),
    "Workday": ("Engineering",),
    "HiBob": ("Data",),
    "Personio": ("Data", "Platform"),
    "ADP": ("Data",),
    "SuccessFactors": ("Engineering", "Data"),
}


@pytest.mark.parametrize("system", sorted(EXPORTS))
def test_a_header_set_from_each_common_export_is_mapped_without_manual_steps(system: str) -> None:
    header = EXPORTS[system]
    values = {
        "email": "ana@example.com",
        "first_name": "Ana",
        "last_name": "Lopez",
        "job_title": "Analyst",
        "manager_email": "",
        "hire_date": "2024-03-01",
    }
    result = parse_file(make_csv([_row(header)], header=header), max_bytes=10**6, languages=LANGUAGES)
    assert result.ok, result.problems
    assert not result.needs_mapping
    (row,) = result.rows
    assert (row.email, row.first_name, row.last_name, row.job_title) == tuple(
        values[k] for k in ("email", "first_name", "last_name", "job_title")
    )
    assert row.hire_date == date(2024, 3, 1)
    assert row.department == DEPARTMENTS[system]  # several columns: joined widest first
    ignored = [c.header for c in result.columns_read if c.field == ""]
    assert ignored == [h for h in header if h in FIELDS]
    job = check(make_csv([_row(header)], header=header))
    assert job.status == ImportStatus.READY  # no column step


def _row(header: tuple[str, ...]) -> tuple[str, ...]:
    cells = {
        "email": "ana@example.com",
        "first": "Ana",
        "last": "Lopez",
        "title": "Analyst",
        "division": "Engineering",
        "department": "Data",
        "manager": "",
        "hire": "2024-03-01",
    }
    out = []
    for name in header:
        key = name.lower()
        if "first" in key:
            out.append(cells["first"])
        elif "last" in key:
            out.append(cells["last"])
        elif ("email" in key and any(w in key for w in ("supervisor", "manager", "reports"))) or key == "manager":
            out.append(cells["manager"])
        elif "email" in key:
            out.append(cells["email"])
        elif any(w in key for w in ("title", "position")):
            out.append(cells["title"])
        elif "division" in key or "supervisory" in key:
            out.append(cells["division"])
        elif "department" in key:
            out.append(cells["department"])
        elif key == "team":
            out.append("Platform")
        elif "date" in key:
            out.append(cells["hire"])
        else:
            out.append("X-1")
    return tuple(out)


def test_division_and_department_columns_are_joined_widest_first(org: dict[str, OrgUnit]) -> None:
    header = ("Email", "First name", "Last name", "Department", "Division")
    job = check(make_csv([("a@example.com", "A", "B", "Data", "Engineering")], header=header))
    assert job.preview_rows[0]["department"] == "Engineering / Data"
    services.import_job_confirm(job=job, invite=False)
    assert Participant.objects.get(user__email="a@example.com").org_unit == org["data"]


def test_an_unknown_column_waits_for_hr_and_the_choice_is_remembered(hr_admin: Participant) -> None:
    header = (*HEADER, "Org Level 2", "Favourite snack")
    content = make_csv([(*person_row("a@example.com"), "Engineering / Data", "crisps")], header=header)
    job = check(content)
    assert job.status == ImportStatus.MAPPING
    assert [c["how"] for c in job.columns][-2:] == ["unknown", "unknown"]
    assert not Participant.objects.filter(user__email="a@example.com").exists()

    fields = [c["field"] or "" for c in job.columns]
    fields[4], fields[-2], fields[-1] = "", "department", ""  # the path column instead of "Department"
    job = services.import_job_map(job=job, fields=fields, by=hr_admin.user)
    assert job.status == ImportStatus.READY, job.problems
    assert job.preview_rows[0]["department"] == "Engineering / Data"
    assert dict(ColumnMapping.objects.values_list("header_key", "field"))["orglevel2"] == "department"

    again = check(content)  # the next export from the same system
    assert again.status == ImportStatus.READY
    assert [c["how"] for c in again.columns][-2:] == ["remembered", "remembered"]

    # Set back to its usual reading, a header is no longer remembered: it follows the app's names.
    fields = [c["field"] for c in again.columns]
    fields[4] = "department"
    services.import_job_map(job=again, fields=fields, by=hr_admin.user)
    assert "department" not in dict(ColumnMapping.objects.values_list("header_key", "field"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (["email", "email", "last_name", "", "", "", "", "", "", ""], "Read only one column as Email"),
        (["email", "", "last_name", "", "", "", "", "", "", ""], "First name: they are required"),
        (["email", "first_name", "last_name", "nonsense", "", "", "", "", "", ""], "Choose how each column is read"),
        (["email"], "Choose how each column is read"),
    ],
)
def test_a_column_choice_that_cannot_work_is_refused(hr_admin: Participant, fields: list[str], message: str) -> None:
    job = check(make_csv([person_row("a@example.com")]), review_columns=True)
    assert job.status == ImportStatus.MAPPING
    with pytest.raises(Exception, match=message):
        services.import_job_map(job=job, fields=fields, by=hr_admin.user)


def test_hr_reviews_the_columns_on_the_page_and_reaches_the_preview(client: Client, hr_admin: Participant) -> None:
    client.force_login(hr_admin.user)
    header = ("Work Email", "First Name", "Last Name", "Badge colour")
    response = post_file(client, make_csv([("a@example.com", "Ann", "Lee", "blue")], header=header))
    job = ImportJob.objects.latest("id")
    assert response["Location"] == reverse("imports:columns", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "“Badge colour”" in page and "Not recognised: choose what it holds, or ignore it." in page
    assert "Recognised by its name." in page
    posted = {f"column_{n}": field for n, field in enumerate(["email", "first_name", "last_name", ""])}
    response = client.post(reverse("imports:columns", args=[job.pk]), posted)
    assert response["Location"] == reverse("imports:preview", args=[job.pk])
    assert "Everything checks out" in client.get(response["Location"]).content.decode()
    bad = client.post(reverse("imports:columns", args=[job.pk]), {"column_0": "email", "column_1": "email"})
    assert bad.status_code == 400


# XLSX ------------------------------------------------------------------------------------------

ROWS = [
    person_row("ivy@example.com", first="Ivy", department="Acme / Engineering / SRE", manager="bea@example.com"),
    person_row("bea@example.com", first="Bea", department="Engineering / SRE", level="5"),
    person_row("bad@example.com", hired="2024-13-01"),
    person_row("zoe@example.com", first="Zoë", tz="Asia/Tokyo", languages="en|German"),
]


def _comparable(job: ImportJob) -> dict[str, Any]:
    return {
        name: getattr(job, name)
        for name in ("status", "total_rows", "problems", "preview_rows", "tree_changes", "leavers", "created_count")
    }


def test_xlsx_and_csv_give_identical_previews_for_the_same_data(org: dict[str, OrgUnit]) -> None:
    from_csv = check(make_csv(ROWS))
    from_xlsx = check(xlsx([list(row) for row in ROWS]))
    assert from_xlsx.kind == "xlsx"
    assert _comparable(from_xlsx) == _comparable(from_csv)
    assert from_xlsx.problems == [
        {"row": 4, "column": "Hire date", "message": "“2024-13-01” is not a date; use YYYY-MM-DD (or DD/MM/YYYY)."}
    ]
    good = [row for row in ROWS if row[0] != "bad@example.com"]
    assert _comparable(check(xlsx([list(r) for r in good]))) == _comparable(check(make_csv(good)))


@pytest.mark.parametrize(("row", "column", "message"), BAD_VALUES[:6])
def test_xlsx_rows_get_the_same_checks_as_csv(row: tuple[str, ...], column: str, message: str) -> None:
    job = check(xlsx([list(person_row("ok@example.com")), list(row)]))
    assert [(p["row"], p["column"], p["message"]) for p in job.problems] == [(3, column, message)]


def test_xlsx_cells_typed_by_excel_read_like_text_and_keep_sheet_row_numbers(org: dict[str, OrgUnit]) -> None:
    rows = [
        ["a@example.com", "Ann", "Lee", "Analyst", "Engineering / Data", None, 3, datetime(2023, 9, 15), "UTC", "en"],
        [None] * 10,  # a blank row in the sheet is skipped, and row numbers stay the sheet's
        ["b@example.com", "Ben", "Ng", "Analyst", "Engineering / Data", None, 3.0, date(2022, 1, 2), "UTC", "en"],
        ["c@example.com", "Cy", "Oh", "Analyst", "Engineering / Data", None, 9, "2022-01-02", "UTC", "en"],
    ]
    job = check(xlsx(rows, start_row=3))  # the header is on row 3
    assert [(p["row"], p["column"]) for p in job.problems] == [(7, "Level")]
    fixed = check(xlsx(rows[:3], start_row=3))
    assert fixed.status == ImportStatus.READY
    services.import_job_confirm(job=fixed, invite=False)
    ben = Participant.objects.get(user__email="b@example.com")
    assert (ben.career_level, ben.hire_date, ben.org_unit) == (3, date(2022, 1, 2), org["data"])


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04broken", b"PK\x03\x04" + b"\x00" * 100, xlsx([])[:200]],
)
def test_a_damaged_workbook_is_a_problem_not_an_error(client: Client, hr_admin: Participant, content: bytes) -> None:
    client.force_login(hr_admin.user)
    response = post_file(client, content, name="export.xlsx")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "spreadsheet workbook (.xlsx) but it cannot be opened" in page


def test_an_empty_workbook_is_explained() -> None:
    workbook = openpyxl.Workbook()
    out = io.BytesIO()
    workbook.save(out)
    assert check(out.getvalue()).problems == [{"row": None, "column": None, "message": "The file is empty."}]


def test_a_header_with_thousands_of_columns_is_refused_and_trailing_empty_ones_are_dropped() -> None:
    wide = check(make_csv([person_row("a@example.com")], header=(*HEADER, *[f"C{n}" for n in range(400)])))
    assert wide.problems[0]["message"] == "The header has 410 columns; an employee list has at most 300."
    trailing = check(xlsx([[*person_row("a@example.com"), "", ""]], header=[*HEADER, "", ""]))
    assert trailing.status == ImportStatus.READY, trailing.problems
    assert len(trailing.columns) == len(HEADER)
