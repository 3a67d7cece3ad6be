"""Reading the trail: filters HR uses and the rows of the CSV export."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet

from mentorship.audit.models import Action, AuditEntry


def entries(*, person: Any = None, program: Any = None, action: str = "") -> "QuerySet[AuditEntry]":
    """Entries newest first; `person` matches the actor or the subject."""
    rows = AuditEntry.objects.select_related("actor", "subject", "program").order_by("-at", "-id")
    if person is not None:
        rows = rows.filter(Q(actor=person) | Q(subject=person))
    if program is not None:
        rows = rows.filter(program=program)
    if action:
        rows = rows.filter(action=action)
    return rows


def _who(user: Any, user_id: int | None) -> str:
    if user_id is None:
        return "system"
    if user is None:
        return f"deleted user #{user_id}"
    return f"{user.get_full_name() or user.email} <{user.email}>"


CSV_HEADER = ["id", "at", "action", "actor", "subject", "program", "object", "summary", "changes"]


def csv_rows(rows: "QuerySet[AuditEntry]") -> Iterator[list[str]]:
    import json

    yield CSV_HEADER
    labels = dict(Action.choices)
    for entry in rows.iterator(chunk_size=2000):
        yield [
            str(entry.pk),
            entry.at.isoformat(),
            labels.get(entry.action, entry.action),
            _who(entry.actor, entry.actor_id),
            _who(entry.subject, entry.subject_id) if entry.subject_id else "",
            entry.program.name if entry.program else (f"#{entry.program_id}" if entry.program_id else ""),
            f"{entry.object_type} {entry.object_id}".strip(),
            entry.summary,
            json.dumps(entry.changes, ensure_ascii=False, sort_keys=True) if entry.changes else "",
        ]
