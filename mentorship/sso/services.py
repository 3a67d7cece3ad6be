"""Accounts made or linked by single sign-on, and the profile fields an IdP may send."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction

from mentorship.accounts.models import User
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record
from mentorship.participants import services as participant_services
from mentorship.participants.models import OrgUnit, Participant


def claim(claims: Mapping[str, Any], name: str) -> str:
    """One claim as text; SAML attributes arrive as lists of values."""
    if not name:
        return ""
    value = claims.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value).strip() if value is not None else ""


def _org_unit(name: str) -> OrgUnit | None:
    """ "Engineering / Data" is a path from the top; a bare name is an existing unit of that name,
    or a new top-level unit."""
    path = [part.strip() for part in name.split("/") if part.strip()]
    if not path:
        return None
    if len(path) == 1:
        existing = OrgUnit.objects.filter(name__iexact=path[0]).order_by("id").first()
        if existing is not None:
            return existing
    return participant_services.org_unit_ensure_path(path=[part[:120] for part in path])


def profile_from_claims(*, participant: Participant, claims: Mapping[str, Any]) -> Participant:
    """Fill department and manager from the IdP's claims (names set by SSO_CLAIM_DEPARTMENT and
    SSO_CLAIM_MANAGER_EMAIL). Only empty fields are filled: HR's import stays the authority."""
    changed = []
    department = claim(claims, settings.SSO_CLAIM_DEPARTMENT)
    if department and participant.org_unit_id is None:
        participant.org_unit = _org_unit(department)
        changed.append("org_unit")
    manager_email = claim(claims, settings.SSO_CLAIM_MANAGER_EMAIL)
    if manager_email and participant.manager_id is None:
        manager = (
            Participant.objects.filter(user__email__iexact=manager_email, user__is_active=True)
            .exclude(pk=participant.pk)
            .first()
        )
        if manager is not None and manager.manager_id != participant.pk:
            participant.manager = manager
            changed.append("manager")
    if changed:
        participant.save(update_fields=[*changed, "updated_at"])
    return participant


@transaction.atomic
def sso_account_created(*, user: User, provider: str, claims: Mapping[str, Any]) -> Participant:
    """The first sign-in through an IdP made this account: give it its profile."""
    participant = participant_services.participant_ensure(user=user)
    profile_from_claims(participant=participant, claims=claims)
    audit_record(action=Action.SSO_ACCOUNT_CREATED, actor=user, subject=user, summary=f"Provider: {provider}")
    return participant


def sso_account_linked(*, user: User, provider: str) -> None:
    audit_record(action=Action.SSO_LINKED, actor=user, subject=user, summary=f"Provider: {provider}")
