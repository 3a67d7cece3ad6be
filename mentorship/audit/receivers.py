"""Role changes and deactivations recorded wherever they happen: the HR pages, the admin site,
an import or a script. (The house style keeps domain logic out of signals; an audit trail that
must not depend on which path made a change is the exception, and these receivers only record.)"""

from typing import Any

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from mentorship.accounts.models import User
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record


@receiver(m2m_changed, sender=User.groups.through)
def _groups_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kw: Any) -> None:
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    kind = Action.ROLE_GRANTED if action == "post_add" else Action.ROLE_REVOKED
    if reverse:  # group.user_set.add(...): instance is the group, pk_set the users
        for user_id in sorted(pk_set):
            audit_record(action=kind, subject=user_id, summary=f"Role: {instance.name}")
    else:
        for name in Group.objects.filter(pk__in=pk_set).order_by("name").values_list("name", flat=True):
            audit_record(action=kind, subject=instance, summary=f"Role: {name}")


@receiver(pre_save, sender=User)
def _remember_active(sender: Any, instance: User, **kw: Any) -> None:
    if instance.pk is None or kw.get("raw"):
        return
    fields = kw.get("update_fields")
    if fields is not None and "is_active" not in fields and "is_superuser" not in fields:
        return
    before = User.objects.filter(pk=instance.pk).values("is_active", "is_superuser").first()
    instance._audit_before = before  # type: ignore[attr-defined]  # pre_save hands the old state to post_save


@receiver(post_save, sender=User)
def _active_changed(sender: Any, instance: User, created: bool, **kw: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None  # type: ignore[attr-defined]  # pre_save hands the old state to post_save
    if created or not before:
        return
    if before["is_active"] != instance.is_active:
        audit_record(
            action=Action.PERSON_REACTIVATED if instance.is_active else Action.PERSON_DEACTIVATED, subject=instance
        )
    if before["is_superuser"] != instance.is_superuser:
        audit_record(
            action=Action.ROLE_GRANTED if instance.is_superuser else Action.ROLE_REVOKED,
            subject=instance,
            summary="Role: superuser",
        )
