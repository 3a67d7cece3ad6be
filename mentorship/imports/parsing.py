"""Read an HR system's export (CSV or XLSX) into checked rows. Pure: bytes in, rows and problems out.

Nothing here touches the database: checks that need it (does the manager exist, does a new
manager close a loop with someone already in the app) live in services, which reuse
`find_reporting_loops` from here.

How a file is read (the upload page says the same to HR):
- Encoding: UTF-8, with or without a byte-order mark. Anything else that decodes as
  Windows-1252 (Excel's "CSV" on Western-European Windows) is read as such, with a notice.
  UTF-16 ("Unicode text") and other binary files are refused with a clear message.
- XLSX workbooks (Excel, and every HR system's "export to Excel") are read from their first
  sheet with openpyxl: the first non-empty row is the header, and rows keep the sheet's numbers.
  Dates become YYYY-MM-DD and whole numbers lose their ".0"; then every check is the CSV's.
- Delimiter: whichever of comma, semicolon and tab appears most often in the header line.
- Header names are matched ignoring case, spaces and punctuation, with the usual names of HR
  systems' exports ("Work Email", "Supervisor Email", "Position", "Employee ID"...); HR maps or
  ignores any other column (`mapping`), and services remember that choice for the next file.
  Email, first name and last name are required columns; a column that is left out leaves that
  field alone on existing people. Several columns may be read as Department ("Division" and
  "Department", say): they are joined from the widest to the narrowest into one path.
- An empty cell clears what HR owns (job title, department, manager, level, hire date);
  time zone and languages are the person's own to fill in, so an empty cell leaves them as
  they are (new people get UTC and no languages).
- Dates: YYYY-MM-DD, or day first with slashes or dots (31/12/2024, 31.12.2024). Month-first US
  dates are not accepted: 03/04/2024 is the 3rd of April.
"""

import csv
import io
import re
import zipfile
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
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
# names are compared after `header_key`, so "E-mail", "e_mail" and "E Mail" are all "email".
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "email": (
        "Email",
        (
            "email",
            "emailaddress",
            "workemail",
            "workemailaddress",
            "emailwork",
            "businessemail",
            "businessemailaddress",
            "companyemail",
            "officeemail",
            "primaryemail",
            "primaryworkemail",
            "mail",
            "workcontactworkemail",
        ),
    ),
    "first_name": (
        "First name",
        ("firstname", "givenname", "forename", "first", "legalfirstname", "preferredfirstname", "employeefirstname"),
    ),
    "last_name": (
        "Last name",
        ("lastname", "surname", "familyname", "last", "legallastname", "preferredlastname", "employeelastname"),
    ),
    "job_title": (
        "Job title",
        (
            "jobtitle",
            "title",
            "position",
            "positiontitle",
            "job",
            "businesstitle",
            "jobtitledescription",
            "role",
            "designation",
        ),
    ),
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
            "businessunit",
            "businessunitdescription",
            "homedepartment",
            "homedepartmentdescription",
            "departmentname",
            "departmentdescription",
            "supervisoryorganization",
            "supervisoryorganisation",
            "subdepartment",
            "subteam",
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
            "supervisoremailaddress",
            "manageremailwork",
            "managerworkemail",
            "reportstoemail",
            "reportingtoemail",
            "linemanageremailaddress",
            "directmanageremail",
        ),
    ),
    "level": ("Level", ("level", "careerlevel", "joblevel", "grade", "band")),
    "hire_date": (
        "Hire date",
        (
            "hiredate",
            "startdate",
            "datehired",
            "dateofhire",
            "joindate",
            "joiningdate",
            "joined",
            "hired",
            "originalhiredate",
            "employmentstartdate",
            "senioritydate",
        ),
    ),
    "timezone": ("Time zone", ("timezone", "tz")),
    "languages": ("Languages", ("languages", "language", "spokenlanguages")),
}
LABELS = {key: label for key, (label, _) in COLUMNS.items()}
IGNORE = ""  # a column mapped to this is not read
# Columns HR exports always carry that the app has no use for: recognised, and ignored unasked.
NOT_USED = (
    "employeeid",
    "employeenumber",
    "employeeno",
    "employee",
    "id",
    "associateid",
    "personid",
    "personnelnumber",
    "userid",
    "workerid",
    "personalemail",
    "homeemail",
    "privateemail",
    "location",
    "worklocation",
    "office",
    "site",
    "costcenter",
    "costcentre",
    "phone",
    "workphone",
    "mobile",
    "mobilephone",
    "employmentstatus",
    "status",
    "employmenttype",
    "fte",
    "gender",
    "dateofbirth",
    "birthdate",
    "country",
    "city",
    "salary",
    "payrate",
    "paygroup",
    "managername",
    "reportstoname",
    "supervisorname",
    "displayname",
    "fullname",
    "name",
    "preferredname",
    "middlename",
    "terminationdate",
)
_SYNONYMS = {name: key for key, (_, names) in COLUMNS.items() for name in names}
_SYNONYMS.update((name, IGNORE) for name in NOT_USED)
# Several Department columns are joined widest first: a header's rank, then its column order.
_DEPARTMENT_RANK = {"businessunit": 0, "businessunitdescription": 0, "division": 1, "team": 3, "subteam": 4}
_DEPARTMENT_RANK.update({"unit": 3, "subdepartment": 3})
XLSX_MAX_UNPACKED = 400 * 1024 * 1024  # a workbook that unpacks to more than this is refused unread
MAX_COLUMNS = 300  # HR exports have a few dozen; thousands means the file is not an employee list


@dataclass(frozen=True)
class ColumnChoice:
    """How one column of the file is read: a field key, IGNORE, or None (unknown: HR decides)."""

    header: str
    field: str | None
    how: str  # "recognised" | "remembered" | "chosen" | "not used" | "unknown"

    def as_dict(self) -> dict[str, object]:
        return {"header": self.header, "field": self.field, "how": self.how}


def header_key(name: str) -> str:
    """ "E-mail", " e_mail ", "Level (1-7)" -> "email", "email", "level"."""
    name = re.sub(r"\(.*?\)", "", name.replace("\ufeff", ""))
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def suggest_columns(header: Sequence[str], remembered: Mapping[str, str] | None = None) -> list[ColumnChoice]:
    """Each column's reading: what HR chose before for that header, else the usual names."""
    remembered = remembered or {}
    choices = []
    for name in header:
        key = header_key(name)
        if key in remembered:
            choices.append(ColumnChoice(name, remembered[key], "remembered"))
        elif key in _SYNONYMS:
            found = _SYNONYMS[key]
            choices.append(ColumnChoice(name, found, "not used" if found == IGNORE else "recognised"))
        else:
            choices.append(ColumnChoice(name, IGNORE if not name.strip() else None, "unknown"))
    return choices


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
    columns_read: list[ColumnChoice] = field(default_factory=list)  # how each column was read
    kind: str = "csv"  # or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    total_rows: int = 0  # data rows that are not blank, valid or not
    # Every email that appears in the email column, even on rows with other problems, so that a
    # manager on a broken row is reported once (on that row) and not again as "unknown".
    emails_seen: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unknown_columns(self) -> list[str]:
        return [choice.header for choice in self.columns_read if choice.field is None]

    @property
    def needs_mapping(self) -> bool:
        """The header cannot be read without HR: an unknown column, or a required one missing."""
        return bool(self.unknown_columns) or any(key not in self.columns for key in REQUIRED)


def parse_file(
    data: bytes,
    *,
    max_bytes: int,
    languages: Sequence[tuple[str, str]],
    mapping: Sequence[str] | None = None,
    remembered: Mapping[str, str] | None = None,
) -> ParseResult:
    """Decode, split and check every row of an uploaded CSV or XLSX file.

    `mapping`: the field key (or IGNORE) for each column, as HR chose; without it, columns are
    read by `suggest_columns` and an unknown one is a problem (`unknown_columns` lists them).
    """
    result = ParseResult()
    if len(data) > max_bytes:
        result.problems.append(
            Problem(None, None, f"The file is {_megabytes(len(data))}; the limit is {_megabytes(max_bytes)}.")
        )
        return result
    table = _read_xlsx(data, result) if data.startswith(b"PK\x03\x04") else _read_csv(data, result)
    if table is None:
        return result
    header_row, header, rows = table
    while header and not header[-1].strip():
        header = header[:-1]  # trailing empty header cells: a spreadsheet's formatted but unused columns
    if len(header) > MAX_COLUMNS:
        result.problems.append(
            Problem(
                header_row, None, f"The header has {len(header):,} columns; an employee list has at most {MAX_COLUMNS}."
            )
        )
        return result
    try:
        choices = _choose_columns(header, mapping, remembered)
        result.columns_read = choices
        layout = _read_header(header_row, choices, result)
        if layout is None:
            return result
        _read_rows(rows, len(header), layout, result, _language_lookup(languages))
    except csv.Error as error:
        result.problems.append(Problem(None, None, f"The file is not valid CSV: {error}."))
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


Table = tuple[int, list[str], Iterator[tuple[int, list[str]]]]  # header's row, header, (row, cells)


def _read_csv(data: bytes, result: ParseResult) -> Table | None:
    text = _decode(data, result)
    if text is None:
        return None
    if not text.strip():
        result.problems.append(Problem(None, None, "The file is empty."))
        return None
    result.delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=result.delimiter)
    try:
        header = next(reader)
    except csv.Error as error:
        result.problems.append(Problem(1, None, f"The file is not valid CSV: {error}."))
        return None
    return 1, header, enumerate(reader, start=2)


def _read_xlsx(data: bytes, result: ParseResult) -> Table | None:
    """The first sheet of a workbook, as text cells with the sheet's row numbers."""
    import openpyxl  # only needed for workbooks

    result.kind = "xlsx"
    unreadable = "This looks like a spreadsheet workbook (.xlsx) but it cannot be opened"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        result.problems.append(Problem(None, None, f"{unreadable}. Save it again, or as “CSV UTF-8”."))
        return None
    if unpacked > XLSX_MAX_UNPACKED:
        result.problems.append(
            Problem(None, None, f"The workbook unpacks to {_megabytes(unpacked)}; split it into smaller files.")
        )
        return None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some exporters write wrong dimensions; read what is there
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        for number, values in rows:
            cells = [_cell_text(value) for value in values]
            if any(cells):
                return number, cells, _xlsx_rows(rows, result)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        result.problems.append(Problem(None, None, f"{unreadable} ({type(error).__name__}). Save it again."))
        return None
    result.problems.append(Problem(None, None, "The file is empty."))
    return None


def _xlsx_rows(rows: Iterator[tuple[int, tuple[object, ...]]], result: ParseResult) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        for number, values in rows:
            yield number, [_cell_text(value) for value in values]
    except Exception as error:  # a workbook damaged past its header
        result.problems.append(
            Problem(number + 1 or None, None, f"The workbook cannot be read past here ({type(error).__name__}).")
        )


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes, result: ParseResult) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        result.problems.append(
            Problem(
                None, None, "The file is saved as UTF-16 (“Unicode text”). Save it as “CSV UTF-8” and upload again."
            )
        )
        return None
    if b"\x00" in data[:4096]:
        result.problems.append(
            Problem(
                None,
                None,
                "This is neither a CSV file nor an .xlsx workbook (an old .xls spreadsheet workbook, perhaps). "
                "Save it as “Excel Workbook (.xlsx)” or “CSV UTF-8”.",
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


def _choose_columns(
    header: Sequence[str], mapping: Sequence[str] | None, remembered: Mapping[str, str] | None
) -> list[ColumnChoice]:
    if mapping is None:
        return suggest_columns(header, remembered)
    known = set(COLUMNS) | {IGNORE}
    return [
        ColumnChoice(name, chosen if chosen in known else IGNORE, "chosen")
        for name, chosen in zip(header, [*mapping, *[IGNORE] * (len(header) - len(mapping))], strict=False)
    ]


@dataclass(frozen=True)
class _Layout:
    positions: dict[str, int]  # field key -> column, Department aside
    department: list[int]  # the Department columns, widest first


def _read_header(row: int, choices: Sequence[ColumnChoice], result: ParseResult) -> _Layout | None:
    """Column positions by field key, or None when the rows cannot be read at all."""
    positions: dict[str, int] = {}
    department: list[tuple[int, int]] = []
    for index, choice in enumerate(choices):
        name = choice.header.strip()
        if choice.field is None:
            if not name:
                result.problems.append(Problem(row, f"column {index + 1}", "This column has no name."))
            else:
                expected = ", ".join(LABELS.values())
                result.problems.append(Problem(row, name, f"Unknown column “{name}”. Expected: {expected}."))
        elif choice.field == "department":
            department.append((_DEPARTMENT_RANK.get(header_key(name), 2), index))
        elif choice.field == IGNORE:
            continue
        elif choice.field in positions:
            first = choices[positions[choice.field]].header.strip()
            result.problems.append(
                Problem(row, name, f"“{name}” and “{first}” are both read as {LABELS[choice.field]}; keep one.")
            )
        else:
            positions[choice.field] = index
    result.columns = frozenset(positions) | ({"department"} if department else frozenset())
    missing = [LABELS[key] for key in REQUIRED if key not in positions]
    for label in missing:
        result.problems.append(Problem(row, label, f"The required column “{label}” is missing."))
    return None if missing else _Layout(positions, [index for _, index in sorted(department)])


# Rows ------------------------------------------------------------------------------------------


def _read_rows(
    reader: Iterable[tuple[int, list[str]]],
    width: int,
    layout: _Layout,
    result: ParseResult,
    languages: Mapping[str, str],
) -> None:
    first_row_of: dict[str, int] = {}
    for number, cells in reader:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, often at the end of an export
        result.total_rows += 1
        problems: list[Problem] = []
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            problems.append(
                Problem(
                    number,
                    None,
                    f"This row has {len(cells)} values but the header has {width} columns. "
                    "A value may contain the delimiter without quotes.",
                )
            )
        values = {key: cells[index].strip() if index < len(cells) else "" for key, index in layout.positions.items()}
        if layout.department:
            parts = (cells[index].strip() if index < len(cells) else "" for index in layout.department)
            values["department"] = " / ".join(part for part in parts if part)
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
    return ParsedRow(row=number, email=email, first_name=first_name, last_name=last_name, **optional)  # type: ignore[arg-type]  # each optional value has its field's type


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
