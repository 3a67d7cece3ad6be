"""Data rights: a person's export of their own data, and HR's erasure of a person."""

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record
from mentorship.datarights import collect
from mentorship.datarights.models import DataExport, Erasure, ExportStatus
from mentorship.feedback.models import EmailPreference
from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.notifications.models import Notification
from mentorship.participants import services as participant_services
from mentorship.participants.models import Participant
from mentorship.programs.models import Enrollment
from mentorship.tasking import enqueue_on_commit
from mentorship.workspace.access import members_filter
from mentorship.workspace.models import CheckIn, FitCheck, PrivateNote, SessionRating
from pairing.models import Proposal, ProposalStatus, RequestStatus, SelfMatchRequest
from skills.models import SkillEntry

logger = logging.getLogger(__name__)

EXPORT_LEASE = timedelta(minutes=5)
EXPORT_KEEP = timedelta(days=7)  # a prepared download is kept this long, then dropped
REQUEUE_AFTER = timedelta(minutes=5)  # a queued export not started by then lost its hand-off
MAX_EXPORT_ATTEMPTS = 3
ERASED_NAME = ("Erased", "person")


# --- Export --------------------------------------------------------------------------------------


@transaction.atomic
def data_export_request(*, user: User) -> DataExport:
    """Queue an export of everything about `user`; an export already on its way is returned."""
    User.objects.select_for_update().get(pk=user.pk)  # two clicks at once make one export
    existing = DataExport.objects.filter(user=user, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).first()
    if existing is not None:
        return existing
    export = DataExport.objects.create(user=user, queued_at=timezone.now())
    audit_record(action=Action.DATA_EXPORT_REQUESTED, actor=user, subject=user, obj=export)
    _enqueue(export.pk)
    return export


def _enqueue(export_id: int) -> None:
    from mentorship.datarights import tasks  # tasks import this module

    enqueue_on_commit(tasks.data_export_build, export_id)


def _claim(export_id: int, now: datetime) -> bool:
    """Take the export: a queued one, or a running one whose worker's lease ran out."""
    open_ = Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING, lease_until__lt=now)
    return bool(
        DataExport.objects.filter(open_, pk=export_id, attempts__lt=MAX_EXPORT_ATTEMPTS).update(
            status=ExportStatus.RUNNING, lease_until=now + EXPORT_LEASE, attempts=models.F("attempts") + 1
        )
    )


def data_export_build(*, export_id: int, now: datetime | None = None) -> bool:
    """Build the ZIP on a worker, reporting progress on the row. True when this call built it.
    A duplicate delivery finds the export claimed (or done) and does nothing."""
    if not _claim(export_id, now or timezone.now()):
        return False
    export = DataExport.objects.select_related("user").get(pk=export_id)
    user = export.user
    participant = participant_services.participant_ensure(user=user)

    def progress(percent: int, step: str) -> None:
        DataExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
            progress=min(percent, 99), step=step[:100], lease_until=timezone.now() + EXPORT_LEASE
        )

    try:
        content = collect.build_zip(user, participant, at=timezone.now(), progress=progress)
    except Exception as error:
        logger.exception("Data export %s failed", export_id)
        DataExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, error=str(error)[:300], finished_at=timezone.now(), lease_until=None
        )
        return False
    finished = timezone.now()
    DataExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE,
        progress=100,
        step="",
        content=content,
        size=len(content),
        finished_at=finished,
        expires_at=finished + EXPORT_KEEP,
        lease_until=None,
    )
    return True


def data_export_downloaded(*, export: DataExport, by: User) -> None:
    audit_record(action=Action.DATA_EXPORT_DOWNLOADED, actor=by, subject=export.user_id, obj=export)


def data_exports_recover(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic pass: re-enqueue exports whose hand-off or worker was lost, fail those that
    used up their attempts, and drop downloads past their expiry."""
    now = now or timezone.now()
    stale = Q(status=ExportStatus.QUEUED, queued_at__lt=now - REQUEUE_AFTER) | Q(
        status=ExportStatus.RUNNING, lease_until__lt=now
    )
    failed = DataExport.objects.filter(stale, attempts__gte=MAX_EXPORT_ATTEMPTS).update(
        status=ExportStatus.FAILED, error="The export failed several times.", finished_at=now, lease_until=None
    )
    ids = list(DataExport.objects.filter(stale).values_list("pk", flat=True)[:1000])
    with transaction.atomic():
        DataExport.objects.filter(pk__in=ids).update(queued_at=now)
        for export_id in ids:
            _enqueue(export_id)
    expired = DataExport.objects.filter(status=ExportStatus.DONE, expires_at__lt=now).delete()[0]
    return {"requeued": len(ids), "failed": failed, "expired": expired}


# --- Erasure -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasurePlan:
    removed: list[str]  # what is deleted
    replaced: list[str]  # what is kept with the person's details replaced
    kept: list[str]  # what stays, detached from the person


def erasure_plan(*, participant: Participant) -> ErasurePlan:
    """What erasing `participant` will do, with counts, for HR's confirmation page."""
    user = participant.user
    mine = members_filter(participant)
    n = {
        "skills": SkillEntry.objects.filter(participant=participant).count(),
        "notes": PrivateNote.objects.filter(author=participant).count(),
        "notifications": Notification.objects.filter(recipient=user).count(),
        "logins": EmailAddress.objects.filter(user=user).count() + SocialAccount.objects.filter(user=user).count(),
        "exports": DataExport.objects.filter(user=user).count(),
        "ratings": SessionRating.objects.filter(rater=participant).count(),
        "check_ins": CheckIn.objects.filter(participant=participant).count(),
        "active": Mentorship.objects.filter(mine, status=MentorshipStatus.ACTIVE).count(),
        "mentorships": Mentorship.objects.filter(mine).count(),
        "enrollments": Enrollment.objects.filter(participant=participant).count(),
        "reports": Participant.objects.filter(manager=participant).count(),
    }
    return ErasurePlan(
        removed=[
            "Name, email address, password, sign-in methods and two-factor devices "
            f"({n['logins']} email addresses and single sign-on links)",
            "Profile: job title, manager, bio, languages, time zone, availability, work-style answers, hire date",
            f"Skill inventory ({n['skills']} skills)",
            f"Private session notes ({n['notes']})",
            f"Notifications and email preferences ({n['notifications']} notifications)",
            f"Prepared data downloads ({n['exports']})",
            f"Comments in ratings, check-ins and fit checks ({n['ratings']} ratings, {n['check_ins']} check-ins)",
            "Their name and email address wherever else they appear in text (notifications to others, "
            "match explanations, import files, program history)",
        ],
        replaced=[
            f'The account stays as a nameless, deactivated placeholder ("{" ".join(ERASED_NAME)}") so that '
            "partners' records and the figures built on them stay whole",
            f"Active mentorships end ({n['active']}); the person is no longer eligible for any program",
            f"People who reported to them no longer have a manager in the app ({n['reports']})",
        ],
        kept=[
            f"Mentorships ({n['mentorships']}), sessions and goals: they are also their partners' records",
            f"Program enrollments ({n['enrollments']}), without their motivation text, for the program figures",
            "Ratings' scores, check-in scores and skill assessments, detached from the person, so "
            "dashboards still add up",
            "Department and career level, as aggregates group by them (never shown for this person)",
            "The audit trail, which names people by account number only; an entry records this erasure",
        ],
    )


def _needles(user: User) -> list[str]:
    full = f"{user.first_name} {user.last_name}".strip()
    return [value for value in {user.email, full} if len(value) >= 5]


def _text_fields(model: type[models.Model]) -> "list[models.Field[Any, Any]]":
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField) and not field.primary_key
    ]


# Tables the scrub leaves alone: the audit trail holds no names by design (and refuses updates);
# sessions and migrations hold no free text about people.
_SKIP_MODELS = {"audit.auditentry", "sessions.session", "contenttypes.contenttype", "auth.permission"}


def _scrub_everywhere(needles: list[str], replacement: str) -> int:
    """Replace each needle (case-insensitively) in every text and JSON column of every table:
    the person's name and email in other people's notifications, explanations, imports, history."""
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    changed = 0
    for model in apps.get_models():
        if model._meta.label_lower in _SKIP_MODELS or model._meta.proxy:
            continue
        for field in _text_fields(model):
            hits = Q()
            for needle in needles:
                hits |= Q(**{"_scrub_text__icontains": needle})
            rows = model._default_manager.annotate(_scrub_text=Cast(field.name, TextField())).filter(hits)
            for obj in rows.only("pk", field.attname):
                value = getattr(obj, field.attname)
                if isinstance(field, models.JSONField):
                    new: Any = json.loads(pattern.sub(replacement, json.dumps(value, ensure_ascii=False)))
                else:
                    new = pattern.sub(replacement, value)[: field.max_length or None]
                model._default_manager.filter(pk=obj.pk).update(**{field.attname: new})
                changed += 1
    return changed


def _drop_import_files(needles: list[str]) -> int:
    """Uploaded employee files kept for a pending import: drop any that list the person."""
    from mentorship.imports.models import ImportJob

    dropped = 0
    for job in ImportJob.objects.exclude(content=b"").only("pk", "content"):
        raw = bytes(job.content).lower()
        if any(n.lower().encode() in raw for n in needles):
            dropped += ImportJob.objects.filter(pk=job.pk).update(content=b"")
    return dropped


@transaction.atomic
def person_erase(*, participant: Participant, by: User) -> Erasure:
    """Erase a person: remove or replace their personal data everywhere, keep partners' records
    and aggregates whole, detach their ratings, and record it in the audit trail."""
    participant = Participant.objects.select_for_update().select_related("user").get(pk=participant.pk)
    user = User.objects.select_for_update().get(pk=participant.user_id)
    if Erasure.objects.filter(user=user).exists():
        raise ValidationError("This person has already been erased.")
    if user.pk == by.pk:
        raise ValidationError("You cannot erase yourself; ask another HR admin.")
    if user.is_superuser:
        raise ValidationError("A superuser cannot be erased here; remove the superuser status first.")
    now = timezone.now()
    needles = _needles(user)
    mine = members_filter(participant)
    counts: dict[str, int] = {}

    counts["email_addresses"] = EmailAddress.objects.filter(user=user).delete()[0]
    counts["sso_links"] = SocialAccount.objects.filter(user=user).delete()[0]
    counts["mfa_devices"] = Authenticator.objects.filter(user=user).delete()[0]
    counts["notifications"] = Notification.objects.filter(recipient=user).delete()[0]
    counts["email_preferences"] = EmailPreference.objects.filter(user=user).delete()[0]
    counts["data_exports"] = DataExport.objects.filter(user=user).delete()[0]
    counts["skills"] = SkillEntry.objects.filter(participant=participant).delete()[0]
    counts["private_notes"] = PrivateNote.objects.filter(author=participant).delete()[0]
    counts["ratings_detached"] = SessionRating.objects.filter(rater=participant).update(learned="", improve="")
    counts["check_ins"] = CheckIn.objects.filter(participant=participant).update(comment="")
    FitCheck.objects.filter(participant=participant).update(comment="")
    # Enrollments stay (the dashboards count them); an inactive account is never eligible again.
    counts["enrollments"] = Enrollment.objects.filter(participant=participant).update(motivation="")
    counts["mentorships_ended"] = Mentorship.objects.filter(mine, status=MentorshipStatus.ACTIVE).update(
        status=MentorshipStatus.ENDED_EARLY, ended_at=now, end_reason="A participant left the program."
    )
    Proposal.objects.filter(mine, status__in=[ProposalStatus.PROPOSED, ProposalStatus.PUBLISHED]).update(
        status=ProposalStatus.REMOVED, pinned=False
    )
    Proposal.objects.filter(declined_by=participant).update(decline_reason="")
    SelfMatchRequest.objects.filter(mine, status=RequestStatus.PENDING).update(
        status=RequestStatus.CANCELLED, responded_at=now
    )
    SelfMatchRequest.objects.filter(mentee=participant).update(message="")
    SelfMatchRequest.objects.filter(mentor=participant).update(decline_reason="")
    counts["reports_unlinked"] = Participant.objects.filter(manager=participant).update(manager=None)

    Participant.objects.filter(pk=participant.pk).update(
        job_title="",
        manager=None,
        years_experience=None,
        timezone="UTC",
        languages=[],
        availability_hours=0,
        bio="",
        ws_structure=None,
        ws_pace=None,
        ws_feedback=None,
        ws_contact=None,
        ws_focus=None,
        hire_date=None,
        onboarded_at=None,
        updated_at=now,
    )
    User.groups.through.objects.filter(user=user).delete()
    User.user_permissions.through.objects.filter(user=user).delete()
    Program = apps.get_model("programs", "Program")
    Program.owners.through.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(
        email=f"erased-{user.pk}@erased.invalid",
        first_name=ERASED_NAME[0],
        last_name=ERASED_NAME[1],
        password=make_password(None),  # unusable: no password matches it
        is_active=False,
        is_staff=False,
        is_superuser=False,
        last_login=None,
    )
    from mentorship.ical.models import CalendarFeed

    CalendarFeed.objects.filter(user=user).delete()
    counts["import_files_dropped"] = _drop_import_files(needles)
    counts["texts_scrubbed"] = _scrub_everywhere(needles, " ".join(ERASED_NAME)) if needles else 0
    erasure = Erasure.objects.create(user=user, erased_at=now, erased_by=by, counts=counts)
    audit_record(
        action=Action.PERSON_ERASED,
        actor=by,
        subject=user,
        summary=", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items() if v),
    )
    return erasure
