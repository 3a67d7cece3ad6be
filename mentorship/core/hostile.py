"""Hostile input, refused once where it enters: a NUL character anywhere in a request's address,
query string or form fields gets a 400, a number in the address too large for any id column
gets a 404, and ids in query strings are read only from plain ASCII digits (`ascii_int`).

PostgreSQL refuses NUL in text and the databases refuse integers beyond 64 bits, so either one
reaching a query would be a 500; and Python's `str.isdigit()` and `int()` accept digits from
every script ("²", "٣"), which are no id here.
"""

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError

# The largest id a column holds (ids are `bigint`, DEFAULT_AUTO_FIELD).
MAX_ID = 2**63 - 1
NUL = "\x00"


def ascii_int(value: str | None, *, maximum: int = MAX_ID) -> int | None:
    """`value` as a whole number when it is only ASCII digits and no greater than `maximum`, else None."""
    if not value or len(value) > len(str(maximum)) or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= maximum else None


# What a spreadsheet would run as a formula (OWASP, "CSV Injection"), and plain numbers, which it
# would not: "-0.4" stays a number that adds up.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell that no spreadsheet runs: one starting like a formula gets a leading apostrophe.
    An empty cell stays empty, and so does every other cell."""
    if cell.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


class HostileInputMiddleware:
    """400 for a NUL character in the path, the query string, or a form field's name or value
    (uploaded files are data and may hold any byte); 404 for an `<int:...>` in the address that
    no id column can hold, for every URL pattern, present and future."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or self._form_has_nul(request):
            return HttpResponseBadRequest(
                "This request holds a NUL character, which no address or form field may contain.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if any(isinstance(value, int) and not 0 <= value <= MAX_ID for value in (*args, *kwargs.values())):
            raise Http404("No such page.")
        return None

    @staticmethod
    def _form_has_nul(request: HttpRequest) -> bool:
        fields: list[Any] = list(request.GET.lists())
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            try:
                fields += request.POST.lists()
            except MultiPartParserError:
                return False  # the view's own reading of the form answers this (400)
        return any(NUL in name or _has_nul(values) for name, values in fields)
