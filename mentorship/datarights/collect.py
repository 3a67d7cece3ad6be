"""What the app holds about one person, section by section, as rows for JSON and CSV.

Only the person's own records and the shared records of their own mentorships: never a partner's
private notes, ratings, check-ins or profile, and partners are named by role, not by name.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from mentorship.accounts.models import User
from mentorship.core.hostile import spreadsheet_safe
from mentorship.feedback.models import EmailPreference
from mentorship.mentorships.models import Mentorship
from mentorship.notifications.models import Notification
from mentorship.participants.models import WORK_STYLE_QUESTIONS, Participant
from mentorship.programs.models import Enrollment
from mentorship.workspace.access import members_filter
from mentorship.workspace.models import CheckIn, FitCheck, Goal, MentoringSession, PrivateNote, SessionRating
from pairing.models import Proposal, SelfMatchRequest
from skills.models import Assessment, SkillEntry, SkillSuggestion

Row = dict[str, Any]


@dataclass(frozen=True)
class Section:
    name: str  # file name without extension
    title: str
    rows: Callable[[User, Participant], Iterable[Row]]


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _side(participant: Participant, mentorship: Mentorship) -> tuple[str, str]:
    return ("mentor", "mentee") if mentorship.mentor_id == participant.pk else ("mentee", "mentor")


def _account(user: User, participant: Participant) -> Iterable[Row]:
    yield {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
        "email_addresses": "; ".join(
            f"{a.email} ({'verified' if a.verified else 'unverified'})"
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ),
        "single_sign_on": "; ".join(
            f"{a.provider}: {a.uid}" for a in SocialAccount.objects.filter(user=user).order_by("provider")
        ),
    }


def _profile(user: User, participant: Participant) -> Iterable[Row]:
    row: Row = {
        "job_title": participant.job_title,
        "org_unit": participant.org_unit.name if participant.org_unit else "",
        "manager": participant.manager.name if participant.manager else "",  # the person's own reporting line
        "career_level": participant.get_career_level_display() if participant.career_level else "",
        "years_experience": participant.years_experience,
        "timezone": participant.timezone,
        "languages": ", ".join(participant.language_names),
        "availability_hours": participant.availability_hours,
        "bio": participant.bio,
        "hire_date": participant.hire_date,
        "onboarded_at": participant.onboarded_at,
    }
    for name, question, *_ in WORK_STYLE_QUESTIONS:
        row[f"work_style: {question}"] = getattr(participant, name)
    yield row


def _skills(user: User, participant: Participant) -> Iterable[Row]:
    for entry in SkillEntry.objects.filter(participant=participant).select_related("skill").order_by("skill__name"):
        yield {
            "skill": entry.skill.name,
            "level": entry.level,
            "wants_to_learn_priority": entry.get_want_priority_display(),
            "can_teach": entry.can_teach,
            "updated_at": entry.updated_at,
        }


def _assessments(user: User, participant: Participant) -> Iterable[Row]:
    rows = Assessment.objects.filter(participant=participant).select_related("skill").order_by("assessed_at", "id")
    for a in rows:
        by = "you" if a.assessed_by_id in (None, participant.pk) else "your partner"
        yield {"skill": a.skill.name, "level": a.level, "source": a.source, "assessed_by": by, "at": a.assessed_at}


def _suggestions(user: User, participant: Participant) -> Iterable[Row]:
    for s in SkillSuggestion.objects.filter(suggested_by=participant).order_by("created_at"):
        yield {"name": s.name, "category": s.category, "description": s.description, "status": s.status}


def _enrollments(user: User, participant: Participant) -> Iterable[Row]:
    rows = (
        Enrollment.objects.filter(participant=participant).select_related("program").prefetch_related("goals", "offers")
    )
    for e in rows.order_by("created_at", "id"):
        yield {
            "program": e.program.name,
            "role": e.role,
            "learning_goals": ", ".join(sorted(s.name for s in e.goals.all())),
            "teaching_offers": ", ".join(sorted(s.name for s in e.offers.all())),
            "capacity": e.capacity,
            "motivation": e.motivation,
            "enrolled_at": e.created_at,
            "withdrawn_at": e.withdrawn_at,
        }


def _matches(user: User, participant: Participant) -> Iterable[Row]:
    for p in (
        Proposal.objects.filter(members_filter(participant)).select_related("run__program").order_by("created_at", "id")
    ):
        you = "mentor" if p.mentor_id == participant.pk else "mentee"
        yield {
            "program": p.run.program.name,
            "your_role": you,
            "status": p.status,
            "your_answer": p.mentor_response if you == "mentor" else p.mentee_response,
            "declined_by_you": p.declined_by_id == participant.pk,
            "your_decline_reason": p.decline_reason if p.declined_by_id == participant.pk else "",
            "proposed_at": p.created_at,
        }
    rows = (
        SelfMatchRequest.objects.filter(members_filter(participant))
        .select_related("program")
        .order_by("created_at", "id")
    )
    for r in rows:
        asked = r.mentee_id == participant.pk
        yield {
            "program": r.program.name,
            "your_role": "mentee (you asked)" if asked else "mentor (you were asked)",
            "status": r.status,
            "your_message": r.message if asked else "",
            "your_decline_reason": "" if asked else r.decline_reason,
            "proposed_at": r.created_at,
        }


def _mentorships(user: User, participant: Participant) -> Iterable[Row]:
    for m in (
        Mentorship.objects.filter(members_filter(participant)).select_related("program").order_by("started_at", "id")
    ):
        you, partner = _side(participant, m)
        yield {
            "id": m.pk,
            "program": m.program.name,
            "your_role": you,
            "partner": f"your {partner}",
            "status": m.status,
            "started_at": m.started_at,
            "ended_at": m.ended_at,
            "cadence_days": m.cadence_days,
            "meeting_channel": m.meeting_channel,
        }


def _goals(user: User, participant: Participant) -> Iterable[Row]:
    rows = Goal.objects.filter(mentorship__in=Mentorship.objects.filter(members_filter(participant))).select_related(
        "skill"
    )
    for g in rows.order_by("created_at", "id"):
        yield {
            "mentorship": g.mentorship_id,
            "learner": "you" if g.learner_id == participant.pk else "your partner",
            "title": g.title,
            "skill": g.skill.name if g.skill else "",
            "from_level": g.from_level,
            "target_level": g.target_level,
            "due_on": g.due_on,
            "status": g.status,
            "progress_notes": g.progress_notes,
        }


def _sessions(user: User, participant: Participant) -> Iterable[Row]:
    rows = (
        MentoringSession.objects.filter(mentorship__in=Mentorship.objects.filter(members_filter(participant)))
        .prefetch_related("skills")
        .order_by("held_on", "id")
    )
    for s in rows:
        yield {
            "id": s.pk,
            "mentorship": s.mentorship_id,
            "held_on": s.held_on,
            "duration_minutes": s.duration_minutes,
            "format": s.format,
            "skills": ", ".join(sorted(k.name for k in s.skills.all())),
            "shared_notes": s.shared_notes,
            "logged_by": "you" if s.logged_by_id == participant.pk else "your partner",
            "confirmed_at": s.confirmed_at,
        }


def _private_notes(user: User, participant: Participant) -> Iterable[Row]:
    for n in PrivateNote.objects.filter(author=participant).order_by("session_id"):
        yield {"session": n.session_id, "text": n.text, "updated_at": n.updated_at}


def _ratings(user: User, participant: Participant) -> Iterable[Row]:
    for r in SessionRating.objects.filter(rater=participant).order_by("created_at", "id"):
        yield {
            "session": r.session_id,
            "score": r.score,
            "learned": r.learned,
            "improve": r.improve,
            "at": r.created_at,
        }


def _check_ins(user: User, participant: Participant) -> Iterable[Row]:
    for c in CheckIn.objects.filter(participant=participant).order_by("submitted_at", "id"):
        yield {
            "mentorship": c.mentorship_id,
            "kind": c.kind,
            "relationship_rating": c.relationship_rating,
            "would_recommend": c.would_recommend,
            "comment": c.comment,
            "submitted_at": c.submitted_at,
        }
    for f in FitCheck.objects.filter(participant=participant).order_by("answered_at", "id"):
        yield {"mentorship": f.mentorship_id, "kind": "fit check", "answer": f.answer, "comment": f.comment}


def _notifications(user: User, participant: Participant) -> Iterable[Row]:
    for n in Notification.objects.filter(recipient=user).order_by("created_at", "id").iterator(chunk_size=1000):
        yield {
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "created_at": n.created_at,
            "read_at": n.read_at,
            "email_status": n.email_status,
        }
    for p in EmailPreference.objects.filter(user=user):
        yield {"kind": f"email preference: {p.kind}", "title": p.choice}


SECTIONS = [
    Section("account", "Account and sign-in", _account),
    Section("profile", "Profile", _profile),
    Section("skills", "Skill inventory", _skills),
    Section("assessments", "Skill assessments over time", _assessments),
    Section("skill_suggestions", "Skills you suggested", _suggestions),
    Section("enrollments", "Program enrollments", _enrollments),
    Section("matches", "Match proposals and requests", _matches),
    Section("mentorships", "Mentorships", _mentorships),
    Section("goals", "Goals", _goals),
    Section("sessions", "Sessions", _sessions),
    Section("private_notes", "Your private session notes", _private_notes),
    Section("ratings", "Your session ratings", _ratings),
    Section("check_ins", "Your check-ins and fit checks", _check_ins),
    Section("notifications", "Notifications and email preferences", _notifications),
]

README = """Everything Mentorship holds about {email}, prepared on {at}.

Each section is in two files: NAME.json (the records as a list) and NAME.csv (the same, for a
spreadsheet). Your partners appear as "your mentor", "your mentee" or "your partner": their own
notes, ratings, check-ins and profiles are theirs, and are not in this download.

{sections}
"""


def _csv(rows: list[Row]) -> str:
    out = io.StringIO()
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: spreadsheet_safe(v) if isinstance(v, str) else v for k, v in row.items()})
    return out.getvalue()


def build_zip(user: User, participant: Participant, *, at: datetime, progress: Callable[[int, str], None]) -> bytes:
    buffer = io.BytesIO()
    counts = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, section in enumerate(SECTIONS):
            progress(int(100 * index / len(SECTIONS)), section.title)
            rows = [{key: _value(value) for key, value in row.items()} for row in section.rows(user, participant)]
            archive.writestr(f"{section.name}.json", json.dumps(rows, ensure_ascii=False, indent=2, default=str))
            archive.writestr(f"{section.name}.csv", _csv(rows))
            counts.append(f"- {section.name}: {section.title} ({len(rows)} records)")
        archive.writestr("README.txt", README.format(email=user.email, at=at.isoformat(), sections="\n".join(counts)))
    return buffer.getvalue()
