"""Read an HR system's CSV export into checked rows. Pure: bytes in, rows and problems out.

Nothing here touches the database: checks that need it (does the manager exist, does a new
manager close a loop with someone already in the app) live in services, which reuse
`find_reporting_loops` from here.

How a file is read (the upload page says the same to HR):
- Encoding: UTF-8, with or without a byte-order mark. Anything else that decodes as
  Windows-1252 (Excel's "CSV" on Western-European Windows) is read as such, with a notice.
  UTF-16 ("Unicode text") and binary files (an .xlsx workbook) are refused with a clear message.
- Delimiter: whichever of comma, semicolon and tab appears most often in the header line.
- Header names are matched ignoring case, spaces and punctuation, with common synonyms
  ("E-mail", "Department", "Manager", "Career level"...). Email, first name and last name are
  required columns; a column that is left out leaves that field alone on existing people.
- An empty cell clears what HR owns (job title, department, manager, level, hire date);
  time zone and languages are the person's own to fill in, so an empty cell leaves them as
  they are (new people get UTC and no languages).
- Dates: YYYY-MM-DD, or day first with slashes or dots (31/12/2024, 31.12.2024). Month-first US
  dates are not accepted: 03/04/2024 is the 3rd of April.
"""

import csv
import io
import re
import zoneinfo
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

REQUIRED = ("email", "first_name", "last_name")
MAX_NAME = 150  # User.first_name / last_name
MAX_TITLE = 120  # Participant.job_title
MAX_UNIT_NAME = 120  # OrgUnit.name
MAX_EMAIL = 254
LEVELS = range(1, 8)

# Field key -> (label shown to HR and written in the template, accepted header names). Header
# names are compared after `_header_key`, so "E-mail", "e_mail" and "E Mail" are all "email".
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "email": ("Email", ("email", "emailaddress", "workemail", "businessemail", "primaryemail", "mail")),
    "first_name": ("First name", ("firstname", "givenname", "forename", "first")),
    "last_name": ("Last name", ("lastname", "surname", "familyname", "last")),
    "job_title": ("Job title", ("jobtitle", "title", "position", "positiontitle", "job")),
    "department": (
        "Department",
        (
            "department",
            "dept",
            "departmentpath",
            "departmentorgunit",
            "departmentorgunitpath",
            "orgunit",
            "orgunitpath",
            "organisationunit",
            "organizationunit",
            "organisation",
            "organization",
            "division",
            "team",
            "unit",
        ),
    ),
    "manager_email": (
        "Manager email",
        (
            "manageremail",
            "manager",
            "manageremailaddress",
            "linemanager",
            "linemanageremail",
            "reportsto",
            "supervisor",
            "supervisoremail",
        ),
    ),
    "level": ("Level", ("level", "careerlevel", "joblevel", "grade", "band")),
    "hire_date": (
        "Hire date",
        ("hiredate", "startdate", "datehired", "dateofhire", "joindate", "joiningdate", "joined", "hired"),
    ),
    "timezone": ("Time zone", ("timezone", "tz")),
    "languages": ("Languages", ("languages", "language", "spokenlanguages")),
}
LABELS = {key: label for key, (label, _) in COLUMNS.items()}
_SYNONYMS = {name: key for key, (_, names) in COLUMNS.items() for name in names}

_UNIT_SEPARATOR = re.compile(r"(?:^|\s+)/(?:\s+|$)|>")  # "/" inside a name ("R&D/QA") is kept
_LIST_SEPARATOR = re.compile(r"[;|,]")
_LEVEL = re.compile(r"^(?:l|level\s*)?(\d+)$", re.IGNORECASE)
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")

Report = Callable[[str, str], None]  # report(field key, message) for the row being read


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file. `row` is the spreadsheet row (the header is row 1)."""

    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class ParsedRow:
    """A valid row. Optional fields are None when the file has no such column."""

    row: int
    email: str  # lower-cased: people are matched on email, ignoring case
    first_name: str
    last_name: str
    job_title: str | None = None
    department: tuple[str, ...] | None = None  # () means "no department"
    manager_email: str | None = None  # "" means "no manager"
    level: int | None = None
    hire_date: date | None = None
    timezone: str | None = None  # None: leave as is
    languages: tuple[str, ...] | None = None  # None: leave as is


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    columns: frozenset[str] = frozenset()  # field keys present in the header
    encoding: str = ""
    delimiter: str = ""
    total_rows: int = 0  # data rows that are not blank, valid or not
    # Every email that appears in the email column, even on rows with other problems, so that a
    # manager on a broken row is reported once (on that row) and not again as "unknown".
    emails_seen: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_csv(data: bytes, *, max_bytes: int, languages: Sequence[tuple[str, str]]) -> ParseResult:
    """Decode, split and check every row of an uploaded CSV file."""
    result = ParseResult()
    if len(data) > max_bytes:
        result.problems.append(
            Problem(None, None, f"The file is {_megabytes(len(data))}; the limit is {_megabytes(max_bytes)}.")
        )
        return result
    text = _decode(data, result)
    if text is None:
        return result
    if not text.strip():
        result.problems.append(Problem(None, None, "The file is empty."))
        return result
    result.delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=result.delimiter)
    try:
        header = next(reader)
        positions = _read_header(header, result)
        if positions is None:
            return result
        _read_rows(reader, header, positions, result, _language_lookup(languages))
    except csv.Error as error:
        result.problems.append(Problem(reader.line_num or None, None, f"The file is not valid CSV: {error}."))
    if result.total_rows == 0 and not result.problems:
        result.problems.append(Problem(None, None, "The file has a header row but no people in it."))
    result.problems.sort(key=lambda p: (p.row or 0, _column_order(p.column)))
    return result


def find_reporting_loops(managers: Mapping[str, str | None], starts: Iterable[str]) -> list[tuple[str, ...]]:
    """Loops in the reporting lines reachable from `starts` (each loop once, in walking order).

    `managers` maps a person to their manager (None at the top). Walks are iterative: an HR file
    may hold a reporting line thousands deep if it is wrong.
    """
    done: set[str] = set()
    loops: list[tuple[str, ...]] = []
    for start in sorted(starts):
        path: list[str] = []
        on_path: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in done:
            if current in on_path:
                loops.append(tuple(path[on_path[current] :]))
                break
            on_path[current] = len(path)
            path.append(current)
            current = managers.get(current)
        done.update(path)
    return loops


def template_header() -> list[str]:
    return [LABELS[key] for key in COLUMNS]


# Decoding and header ---------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _decode(data: bytes, result: ParseResult) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        result.problems.append(
            Problem(
                None, None, "The file is saved as UTF-16 (“Unicode text”). Save it as “CSV UTF-8” and upload again."
            )
        )
        return None
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        result.problems.append(
            Problem(
                None, None, "This is not a CSV file (it looks like a spreadsheet workbook). Save it as “CSV UTF-8”."
            )
        )
        return None
    try:
        result.encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        return data.decode(result.encoding)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        result.encoding = ""
        result.problems.append(
            Problem(
                None,
                None,
                f"The file is neither UTF-8 nor Windows-1252 (byte {error.start + 1} cannot be read). "
                "Save it as “CSV UTF-8” and upload again.",
            )
        )
        return None
    result.encoding = "cp1252"
    result.notices.append(
        "The file is not UTF-8, so it was read as Windows-1252 (Western European). "
        "Check that names with accents look right below; if not, save it as “CSV UTF-8”."
    )
    return text


def _sniff_delimiter(text: str) -> str:
    """The most frequent of comma, semicolon and tab in the header line (comma on a tie)."""
    header = text.lstrip("\r\n").split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _header_key(name: str) -> str:
    """ "E-mail", " e_mail ", "Level (1-7)" -> "email", "email", "level"."""
    name = re.sub(r"\(.*?\)", "", name.replace("\ufeff", ""))
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def _read_header(header: list[str], result: ParseResult) -> dict[str, int] | None:
    """Column positions by field key, or None when the rows cannot be read at all."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name.strip():
            result.problems.append(Problem(1, f"column {index + 1}", "This column has no name."))
            continue
        key = _SYNONYMS.get(_header_key(name))
        if key is None:
            expected = ", ".join(LABELS.values())
            result.problems.append(Problem(1, name.strip(), f"Unknown column “{name.strip()}”. Expected: {expected}."))
        elif key in positions:
            first = header[positions[key]].strip()
            result.problems.append(
                Problem(1, name.strip(), f"“{name.strip()}” and “{first}” are both read as {LABELS[key]}; keep one.")
            )
        else:
            positions[key] = index
    result.columns = frozenset(positions)
    missing = [LABELS[key] for key in REQUIRED if key not in positions]
    for label in missing:
        result.problems.append(Problem(1, label, f"The required column “{label}” is missing."))
    return None if missing else positions


# Rows ------------------------------------------------------------------------------------------


def _read_rows(
    reader: Iterable[list[str]],
    header: list[str],
    positions: dict[str, int],
    result: ParseResult,
    languages: Mapping[str, str],
) -> None:
    first_row_of: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, often at the end of an export
        result.total_rows += 1
        problems: list[Problem] = []
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            problems.append(
                Problem(
                    number,
                    None,
                    f"This row has {len(cells)} values but the header has {len(header)} columns. "
                    "A value may contain the delimiter without quotes.",
                )
            )
        values = {key: cells[index].strip() if index < len(cells) else "" for key, index in positions.items()}
        row = _read_row(number, values, problems, languages)
        email = values["email"].lower()
        if email:
            result.emails_seen.add(email)
            if email in first_row_of:
                problems.append(Problem(number, LABELS["email"], f"{email} also appears on row {first_row_of[email]}."))
            else:
                first_row_of[email] = number
        if problems:
            result.problems.extend(problems)
        elif row is not None:
            result.rows.append(row)


def _read_row(
    number: int, values: dict[str, str], problems: list[Problem], languages: Mapping[str, str]
) -> ParsedRow | None:
    def problem(key: str, message: str) -> None:
        problems.append(Problem(number, LABELS[key], message))

    email = _email(values["email"], "email", problem, required=True)
    first_name, last_name = values["first_name"], values["last_name"]
    if not first_name:
        problem("first_name", "First name is required.")
    for key, value in (("first_name", first_name), ("last_name", last_name)):
        if len(value) > MAX_NAME:
            problem(key, f"Keep it to {MAX_NAME} characters (it has {len(value)}).")
    optional: dict[str, object] = {}
    if "job_title" in values:
        optional["job_title"] = values["job_title"]
        if len(values["job_title"]) > MAX_TITLE:
            problem("job_title", f"Keep it to {MAX_TITLE} characters (it has {len(values['job_title'])}).")
    if "department" in values:
        optional["department"] = _department(values["department"], problem)
    if "manager_email" in values:
        manager = _email(values["manager_email"], "manager_email", problem, required=False)
        if manager and manager == email:
            problem("manager_email", "A person cannot be their own manager.")
        optional["manager_email"] = manager or ""
    if "level" in values:
        optional["level"] = _level(values["level"], problem)
    if "hire_date" in values:
        optional["hire_date"] = _date(values["hire_date"], problem)
    if values.get("timezone"):
        optional["timezone"] = _timezone(values["timezone"], problem)
    if values.get("languages"):
        optional["languages"] = _languages(values["languages"], languages, problem)
    if problems or email is None:
        return None
    return ParsedRow(row=number, email=email, first_name=first_name, last_name=last_name, **optional)  # type: ignore[arg-type]


def _email(value: str, key: str, problem: Report, *, required: bool) -> str | None:
    if not value:
        if required:
            problem(key, "Email is required.")
        return None
    try:
        if len(value) > MAX_EMAIL:
            raise ValidationError("too long")
        validate_email(value)
    except ValidationError:
        problem(key, f"“{value}” is not a valid email address.")
        return None
    return value.lower()


def _department(value: str, problem: Report) -> tuple[str, ...]:
    if not value:
        return ()
    parts = tuple(part.strip() for part in _UNIT_SEPARATOR.split(value))
    if not all(parts):
        problem("department", f"“{value}” has an empty part; separate units with “ / ” or “>”.")
    for part in parts:
        if len(part) > MAX_UNIT_NAME:
            problem("department", f"“{part[:40]}…” is longer than {MAX_UNIT_NAME} characters.")
    return parts


def _level(value: str, problem: Report) -> int | None:
    if not value:
        return None
    match = _LEVEL.match(value.replace(" ", ""))
    if match is None:
        problem("level", f"“{value}” is not a level; use a whole number from 1 to 7.")
        return None
    level = int(match.group(1))
    if level not in LEVELS:
        problem("level", f"Level {level} is out of range; use 1 to 7.")
        return None
    return level


def _date(value: str, problem: Report) -> date | None:
    if not value:
        return None
    iso, day_first = _ISO.match(value), _DAY_FIRST.match(value)
    try:
        if iso:
            parsed = date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        elif day_first:
            parsed = date(int(day_first.group(3)), int(day_first.group(2)), int(day_first.group(1)))
        else:
            raise ValueError(value)
        if parsed.year < 1900:
            raise ValueError(value)
    except ValueError:
        problem("hire_date", f"“{value}” is not a date; use YYYY-MM-DD (or DD/MM/YYYY).")
        return None
    return parsed


@cache
def _timezones() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones() - {"localtime", "Factory"}}


def _timezone(value: str, problem: Report) -> str | None:
    name = _timezones().get(value.casefold())
    if name is None:
        problem("timezone", f"“{value}” is not a known time zone; use a name like Europe/Berlin.")
    return name


def _language_lookup(languages: Sequence[tuple[str, str]]) -> dict[str, str]:
    lookup = {name.casefold(): code for code, name in languages}
    lookup.update({code.casefold(): code for code, _ in languages})
    return lookup


def _languages(value: str, lookup: Mapping[str, str], problem: Report) -> tuple[str, ...]:
    codes: list[str] = []
    for part in filter(None, (p.strip() for p in _LIST_SEPARATOR.split(value))):
        code = lookup.get(part.casefold())
        if code is None:
            problem("languages", f"Unknown language “{part}”; use a code or an English name (en, German...).")
        elif code not in codes:
            codes.append(code)
    return tuple(codes)


def _column_order(column: str | None) -> int:
    labels = list(LABELS.values())
    return labels.index(column) + 1 if column in labels else 0
