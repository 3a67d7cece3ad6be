"""Reading an HR export: every problem comes back with its row, column and a clear message."""

from datetime import date

import pytest

from mentorship.imports.parsing import Problem, find_reporting_loops, parse_file
from mentorship.participants.models import LANGUAGES
from tests.imports.conftest import BAD_VALUES, HEADER, make_csv, person_row

MB = 1024 * 1024


def parse(data: bytes, *, max_bytes: int = 20 * MB):
    return parse_file(data, max_bytes=max_bytes, languages=LANGUAGES)


def only_problem(data: bytes) -> Problem:
    result = parse(data)
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


def test_it_reads_a_clean_file_into_rows() -> None:
    result = parse(make_csv([person_row("Ann@Example.com", manager="Boss@Example.com", languages="en; German | fr")]))
    assert result.ok
    (row,) = result.rows
    assert row.row == 2
    assert row.email == "ann@example.com"
    assert row.manager_email == "boss@example.com"
    assert row.department == ("Acme", "Engineering")
    assert row.level == 3
    assert row.hire_date == date(2024, 1, 15)
    assert row.timezone == "Europe/Berlin"
    assert row.languages == ("en", "de", "fr")


def test_it_matches_header_synonyms_ignoring_case_and_punctuation() -> None:
    header = (
        "E-mail",
        "Given name",
        "SURNAME",
        "Position",
        "Org unit path",
        "Manager",
        "Career level (1-7)",
        "Start date",
        "Timezone",
        "Language",
    )
    result = parse(make_csv([person_row("a@example.com")], header=header))
    assert result.ok, result.problems
    assert result.columns == {
        "email",
        "first_name",
        "last_name",
        "job_title",
        "department",
        "manager_email",
        "level",
        "hire_date",
        "timezone",
        "languages",
    }


def test_it_accepts_the_angle_bracket_as_department_separator() -> None:
    result = parse(
        make_csv(
            [
                person_row("a@example.com", department="Engineering>Platform > SRE"),
                person_row("b@example.com", department="Acme / R&D/QA"),
            ]
        )
    )
    assert [row.department for row in result.rows] == [("Engineering", "Platform", "SRE"), ("Acme", "R&D/QA")]


def test_it_reads_day_first_dates() -> None:
    result = parse(
        make_csv([person_row("a@example.com", hired="03/04/2024"), person_row("b@example.com", hired="31.12.2023")])
    )
    assert [row.hire_date for row in result.rows] == [date(2024, 4, 3), date(2023, 12, 31)]


@pytest.mark.parametrize(("row", "column", "message"), BAD_VALUES)
def test_each_bad_value_is_reported_on_its_row_and_column(row: tuple[str, ...], column: str, message: str) -> None:
    result = parse(make_csv([person_row("ok@example.com"), row]))
    assert result.problems == [Problem(3, column, message)]
    assert [r.email for r in result.rows] == ["ok@example.com"]


def test_a_duplicate_email_is_reported_on_the_later_row_ignoring_case() -> None:
    problem = only_problem(
        make_csv([person_row("ann@example.com"), person_row("x@example.com"), person_row("ANN@example.com")])
    )
    assert problem == Problem(4, "Email", "ann@example.com also appears on row 2.")


def test_a_missing_required_column_is_reported_and_no_row_is_read() -> None:
    header = tuple(name for name in HEADER if name != "Last name")
    result = parse(make_csv([("a@example.com", "Ann", "", "", "", "", "", "", "")], header=header))
    assert result.problems == [Problem(1, "Last name", "The required column “Last name” is missing.")]
    assert result.rows == []


def test_an_unknown_column_is_reported_by_name() -> None:
    result = parse(make_csv([(*person_row("a@example.com"), "42")], header=(*HEADER, "Shoe size")))
    (problem,) = result.problems
    assert (problem.row, problem.column) == (1, "Shoe size")
    assert problem.message.startswith("Unknown column “Shoe size”. Expected: Email, First name")


def test_two_columns_read_as_the_same_field_are_reported() -> None:
    result = parse(make_csv([(*person_row("a@example.com"), "b@example.com")], header=(*HEADER, "E-mail")))
    assert result.problems == [Problem(1, "E-mail", "“E-mail” and “Email” are both read as Email; keep one.")]


def test_a_row_with_more_values_than_columns_is_reported() -> None:
    result = parse(make_csv([(*person_row("a@example.com"), "stray")]))
    (problem,) = result.problems
    assert (problem.row, problem.column) == (2, None)
    assert "has 11 values but the header has 10 columns" in problem.message


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_it_sniffs_semicolon_and_tab_delimiters(delimiter: str) -> None:
    rows = [person_row("a@example.com", title="Engineer, Data"), person_row("b@example.com", languages="en, de")]
    result = parse(make_csv(rows, delimiter=delimiter))
    assert result.ok, result.problems
    assert result.delimiter == delimiter
    assert result.rows[0].job_title == "Engineer, Data"
    assert result.rows[1].languages == ("en", "de")


def test_it_accepts_utf8_with_a_byte_order_mark() -> None:
    result = parse(b"\xef\xbb\xbf" + make_csv([person_row("a@example.com", first="Zoë")]))
    assert result.ok, result.problems
    assert result.rows[0].first_name == "Zoë"
    assert result.notices == []


def test_it_falls_back_to_windows_1252_with_a_notice() -> None:
    result = parse(make_csv([person_row("a@example.com", first="Zoë", last="Müller–Ståhl")], encoding="cp1252"))
    assert result.ok, result.problems
    assert (result.rows[0].first_name, result.rows[0].last_name) == ("Zoë", "Müller–Ståhl")
    assert result.encoding == "cp1252"
    assert result.notices and "Windows-1252" in result.notices[0]


def test_it_refuses_an_encoding_it_cannot_read() -> None:
    # 0x81 is undefined in Windows-1252 and invalid on its own in UTF-8.
    problem = only_problem(make_csv([person_row("a@example.com")]) + b"\x81\n")
    assert problem.row is None
    assert problem.message.startswith("The file is neither UTF-8 nor Windows-1252")


def test_it_refuses_utf16_and_spreadsheets_with_advice() -> None:
    assert "UTF-16" in only_problem(make_csv([person_row("a@example.com")], encoding="utf-16")).message
    assert "spreadsheet workbook" in only_problem(b"PK\x03\x04\x14\x00\x06\x00").message
    assert "old .xls spreadsheet workbook" in only_problem(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00").message


def test_it_refuses_a_file_over_the_size_limit() -> None:
    data = make_csv([person_row("a@example.com")])
    result = parse(data, max_bytes=len(data) - 1)
    assert len(result.problems) == 1
    assert result.problems[0].message.startswith("The file is 0.0 MB; the limit is 0.0 MB")
    assert result.rows == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b" \r\n\r\n", "The file is empty."),
        (make_csv([]), "The file has a header row but no people in it."),
    ],
)
def test_it_explains_an_empty_file(data: bytes, message: str) -> None:
    assert only_problem(data) == Problem(None, None, message)


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers() -> None:
    data = make_csv([person_row("a@example.com"), ("",) * 10, person_row("b@example.com", level="9")])
    result = parse(data)
    assert result.total_rows == 2
    assert result.problems == [Problem(4, "Level", "Level 9 is out of range; use 1 to 7.")]


def test_omitted_columns_stay_unset_and_empty_cells_clear() -> None:
    header = ("Email", "First name", "Last name", "Manager", "Department", "Time zone")
    result = parse(make_csv([("a@example.com", "Ann", "Lee", "", "", "")], header=header))
    (row,) = result.rows
    assert (row.manager_email, row.department) == ("", ())  # clear
    assert (row.job_title, row.timezone, row.languages) == (None, None, None)  # leave alone


def test_it_finds_each_reporting_loop_once() -> None:
    managers = {"a": "b", "b": "c", "c": "a", "d": "a", "e": None, "f": "f"}
    assert find_reporting_loops(managers, ["d", "a", "e", "f"]) == [("a", "b", "c"), ("f",)]
    assert find_reporting_loops({"a": "b", "b": None}, ["a", "b"]) == []
