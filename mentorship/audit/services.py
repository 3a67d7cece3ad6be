"""The one write path to the audit trail. Entries are only ever added."""

from typing import Any

from mentorship.accounts.models import User
from mentorship.audit.context import current_actor_id
from mentorship.audit.models import Action, AuditEntry


def _id(value: Any) -> int | None:
    return None if value is None else int(value if isinstance(value, int) else value.pk)


def audit_record(
    *,
    action: Action | str,
    actor: User | int | None = None,
    subject: User | int | None = None,
    program: Any = None,
    obj: Any = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Written in the caller's transaction, so a rolled-back action leaves none.

    `actor` defaults to the signed-in user of the current request (None for the system).
    Keep `summary` free of names and emails: people are referred to by `actor` and `subject`.
    """
    actor_id = _id(actor) if actor is not None else current_actor_id.get()
    return AuditEntry.objects.create(
        action=str(action),
        actor_id=actor_id,
        subject_id=_id(subject),
        program_id=_id(program),
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        changes=changes or {},
    )
