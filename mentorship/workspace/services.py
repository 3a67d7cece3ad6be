"""Every write in a pair's workspace: goals, the agreement, sessions, ratings, fit, check-ins, ending.

Only the two people of a mentorship write here; each function checks that, so a view that forgot
to would still not let anyone else in. Validation errors carry plain sentences for the forms.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.mentorships.models import EndReason, Mentorship, MentorshipStatus
from mentorship.notifications.services import notify
from mentorship.participants.models import Participant
from mentorship.participants.roles import HR_ADMIN_GROUP
from mentorship.workspace import queries
from mentorship.workspace.models import (
    CheckIn,
    CheckInKind,
    FitAnswer,
    FitCheck,
    Goal,
    GoalStatus,
    MentoringSession,
    PrivateNote,
    SessionFormat,
    SessionRating,
)
from skills.models import LEVEL_LABELS, Assessment, AssessmentSource, Skill, SkillEntry
from skills.services import inventory_set_entry

MIN_MINUTES, MAX_MINUTES = 5, 480
MIN_CADENCE, MAX_CADENCE = 7, 90


def _require_member(mentorship: Mentorship, participant: Participant) -> None:
    if participant.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        raise ValidationError("Only the two people of a mentorship can do this.")


def _require_active(mentorship: Mentorship) -> None:
    if not mentorship.is_active:
        raise ValidationError("This mentorship has ended, so it can no longer be changed.")


def _name(participant: Participant) -> str:
    return participant.name


# --- Goals ---------------------------------------------------------------------------------------


def _check_goal(
    *,
    mentorship: Mentorship,
    learner: Participant,
    skill: Skill | None,
    from_level: int | None,
    target_level: int | None,
    due_on: date,
    goal: Goal | None = None,
) -> None:
    errors: dict[str, str] = {}
    if learner.pk not in {p.pk for p in queries.learner_choices(mentorship)}:
        errors["learner"] = "In this program the goals are the mentee's."
    if skill is not None:
        if target_level is None:
            errors["target_level"] = "Choose the level you aim for."
        elif from_level is not None and target_level <= from_level:
            errors["target_level"] = "Aim above the level you start from."
        if not skill.is_active and (goal is None or goal.skill_id != skill.pk):
            errors["skill"] = f"“{skill.name}” is no longer in the catalogue."
        duplicate = Goal.objects.filter(mentorship=mentorship, learner=learner, skill=skill, status=GoalStatus.OPEN)
        if goal is not None:
            duplicate = duplicate.exclude(pk=goal.pk)
        if duplicate.exists():
            errors["skill"] = f"There is already an open goal for {skill.name}: update that one instead."
    for level, field in ((from_level, "from_level"), (target_level, "target_level")):
        if level is not None and level not in LEVEL_LABELS:
            errors[field] = "Choose a level from 0 to 5."
    if due_on < queries.local_date(mentorship.started_at):
        errors["due_on"] = "Pick a date after your mentorship started."
    elif goal is None and due_on < timezone.localdate():
        errors["due_on"] = "Pick a date in the future: a goal needs time to reach."
    ends_on = mentorship.program.ends_on
    if ends_on is not None and due_on > ends_on:
        errors["due_on"] = f"Pick a date before the program ends on {ends_on:%-d %b %Y}."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def goal_create(
    *,
    mentorship: Mentorship,
    by: Participant,
    learner: Participant,
    title: str,
    due_on: date,
    skill: Skill | None = None,
    from_level: int | None = None,
    target_level: int | None = None,
    progress_notes: str = "",
) -> Goal:
    """Add a goal. Without a from-level, a skill goal starts at the learner's inventory level (0 when
    the skill is not in their inventory), so progress is measured from where they stand today."""
    _require_member(mentorship, by)
    _require_active(mentorship)
    if skill is not None and from_level is None:
        from_level = queries.current_levels(learner, [skill.pk]).get(skill.pk, 0)
    if skill is None:
        from_level = target_level = None
    _check_goal(
        mentorship=mentorship,
        learner=learner,
        skill=skill,
        from_level=from_level,
        target_level=target_level,
        due_on=due_on,
    )
    return Goal.objects.create(
        mentorship=mentorship,
        learner=learner,
        skill=skill,
        title=title.strip(),
        from_level=from_level,
        target_level=target_level,
        due_on=due_on,
        progress_notes=progress_notes.strip(),
        created_by=by,
    )


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    by: Participant,
    title: str,
    due_on: date,
    skill: Skill | None,
    from_level: int | None,
    target_level: int | None,
    status: str,
    progress_notes: str,
) -> Goal:
    """Change a goal. Either of the two may; the learner stays who they were."""
    mentorship = goal.mentorship
    _require_member(mentorship, by)
    _require_active(mentorship)
    if status not in GoalStatus.values:
        raise ValidationError({"status": "Choose a status from the list."})
    if skill is not None and from_level is None:
        from_level = queries.current_levels(goal.learner, [skill.pk]).get(skill.pk, 0)
    if skill is None:
        from_level = target_level = None
    _check_goal(
        mentorship=mentorship,
        learner=goal.learner,
        skill=skill,
        from_level=from_level,
        target_level=target_level,
        due_on=due_on,
        goal=goal,
    )
    goal.title, goal.due_on, goal.skill = title.strip(), due_on, skill
    goal.from_level, goal.target_level = from_level, target_level
    goal.status, goal.progress_notes = status, progress_notes.strip()
    goal.save()
    return goal


@transaction.atomic
def goal_progress_update(*, goal: Goal, by: Participant, status: str, progress_notes: str) -> Goal:
    """The quick edit from the goal list: status and progress notes only."""
    _require_member(goal.mentorship, by)
    _require_active(goal.mentorship)
    if status not in GoalStatus.values:
        raise ValidationError({"status": "Choose a status from the list."})
    goal.status, goal.progress_notes = status, progress_notes.strip()
    goal.save(update_fields=["status", "progress_notes", "updated_at"])
    return goal


# --- The agreement -------------------------------------------------------------------------------


@transaction.atomic
def agreement_update(*, mentorship: Mentorship, by: Participant, cadence_days: int, meeting_channel: str) -> Mentorship:
    """How often and where the pair meets. The cadence drives "sessions against cadence" and the
    feedback sweep's nudges."""
    _require_member(mentorship, by)
    _require_active(mentorship)
    if not MIN_CADENCE <= cadence_days <= MAX_CADENCE:
        raise ValidationError({"cadence_days": f"Meet at least every {MAX_CADENCE} days and at most every week."})
    mentorship.cadence_days = cadence_days
    mentorship.meeting_channel = meeting_channel.strip()
    mentorship.save(update_fields=["cadence_days", "meeting_channel"])
    return mentorship


# --- Sessions ------------------------------------------------------------------------------------


def goal_skill_ids(mentorship: Mentorship) -> set[int]:
    return set(Goal.objects.filter(mentorship=mentorship, skill__isnull=False).values_list("skill_id", flat=True))


def _check_session(
    *, mentorship: Mentorship, held_on: date, duration_minutes: int, format: str, skills: Iterable[Skill]
) -> list[Skill]:
    errors: dict[str, str] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = "A session cannot be in the future: log it once it has happened."
    elif held_on < queries.local_date(mentorship.started_at):
        errors["held_on"] = (
            f"Your mentorship started on {queries.local_date(mentorship.started_at):%-d %b %Y}; "
            "pick a date from then on."
        )
    if not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        errors["duration_minutes"] = f"Enter a length from {MIN_MINUTES} minutes to {MAX_MINUTES // 60} hours."
    if format not in SessionFormat.values:
        errors["format"] = "Choose a format from the list."
    skills = list(skills)
    if {skill.pk for skill in skills} - goal_skill_ids(mentorship):
        errors["skills"] = "Choose skills from your goals."
    if errors:
        raise ValidationError(errors)
    return skills


@transaction.atomic
def session_log(
    *,
    mentorship: Mentorship,
    by: Participant,
    held_on: date,
    duration_minutes: int,
    format: str,
    skills: Iterable[Skill] = (),
    shared_notes: str = "",
    private_note: str = "",
) -> MentoringSession:
    """Record a session. The partner then confirms it or corrects it."""
    _require_member(mentorship, by)
    _require_active(mentorship)
    skills = _check_session(
        mentorship=mentorship, held_on=held_on, duration_minutes=duration_minutes, format=format, skills=skills
    )
    session = MentoringSession.objects.create(
        mentorship=mentorship,
        held_on=held_on,
        duration_minutes=duration_minutes,
        format=format,
        shared_notes=shared_notes.strip(),
        logged_by=by,
    )
    session.skills.set(skills)
    if private_note.strip():
        PrivateNote.objects.create(session=session, author=by, text=private_note.strip())
    return session


@transaction.atomic
def session_confirm(*, session: MentoringSession, by: Participant) -> MentoringSession:
    """The partner of the person who logged it says the session happened as logged. Confirming
    twice is harmless: the first confirmation stands."""
    _require_member(session.mentorship, by)
    if by.pk == session.logged_by_id:
        raise ValidationError("Your partner confirms the sessions you log.")
    now = timezone.now()
    if MentoringSession.objects.filter(pk=session.pk, confirmed_at=None).update(confirmed_by=by, confirmed_at=now):
        session.confirmed_by, session.confirmed_at = by, now
    return session


@transaction.atomic
def session_update(
    *,
    session: MentoringSession,
    by: Participant,
    held_on: date,
    duration_minutes: int,
    format: str,
    skills: Iterable[Skill],
    shared_notes: str,
) -> MentoringSession:
    """Change a session's shared details before it is confirmed.

    The person who logged it simply edits it. When the partner changes it, that is a correction:
    it records who corrected it and when, and confirms the corrected version in the same step
    (the corrector vouches for what they wrote). A confirmed session is settled and stays as is.
    """
    session = MentoringSession.objects.select_for_update().select_related("mentorship__program").get(pk=session.pk)
    _require_member(session.mentorship, by)
    if session.confirmed_at is not None:
        raise ValidationError("This session is confirmed, so its details are settled.")
    skills = _check_session(
        mentorship=session.mentorship, held_on=held_on, duration_minutes=duration_minutes, format=format, skills=skills
    )
    session.held_on, session.duration_minutes, session.format = held_on, duration_minutes, format
    session.shared_notes = shared_notes.strip()
    if by.pk != session.logged_by_id:
        now = timezone.now()
        session.corrected_by, session.corrected_at = by, now
        session.confirmed_by, session.confirmed_at = by, now
    session.save()
    session.skills.set(skills)
    return session


@transaction.atomic
def private_note_set(*, session: MentoringSession, author: Participant, text: str) -> PrivateNote | None:
    """Write (or, with empty text, delete) the author's own private note on a session."""
    _require_member(session.mentorship, author)
    text = text.strip()
    if not text:
        PrivateNote.objects.filter(session=session, author=author).delete()
        return None
    note, _ = PrivateNote.objects.update_or_create(session=session, author=author, defaults={"text": text})
    return note


@transaction.atomic
def session_rate(
    *, session: MentoringSession, rater: Participant, score: int, learned: str = "", improve: str = ""
) -> SessionRating:
    """Rate a session once. Both people attend each session of their pair, so each may rate it.
    The rating is for the rater and the program's HR owners only."""
    _require_member(session.mentorship, rater)
    if score not in range(1, 6):
        raise ValidationError({"score": "Choose a score from 1 to 5."})
    if SessionRating.objects.filter(session=session, rater=rater).exists():
        raise ValidationError("You have already rated this session.")
    try:
        with transaction.atomic():
            return SessionRating.objects.create(
                session=session, rater=rater, score=score, learned=learned.strip(), improve=improve.strip()
            )
    except IntegrityError as error:  # a double submit that raced past the check above
        raise ValidationError("You have already rated this session.") from error


# --- Fit and check-ins ---------------------------------------------------------------------------


def _hr_recipients(mentorship: Mentorship) -> list[User]:
    """The program's owners; if it has none (an old program), every HR admin, so nobody is missed."""
    owners = list(mentorship.program.owners.order_by("pk"))
    if owners:
        return owners
    return list(User.objects.filter(groups__name=HR_ADMIN_GROUP, is_active=True).order_by("pk"))


@transaction.atomic
def fit_check_answer(*, mentorship: Mentorship, participant: Participant, answer: str, comment: str = "") -> FitCheck:
    """Answer (or change) how the pairing fits, once the pair has met.

    "Not a fit" marks the pair at risk and alerts the program's HR owners once per person (a
    unique dedupe key per owner), however often the answer is sent again.
    """
    _require_member(mentorship, participant)
    _require_active(mentorship)
    if answer not in FitAnswer.values:
        raise ValidationError({"answer": "Choose one of the answers."})
    if not MentoringSession.objects.filter(mentorship=mentorship).exists():
        raise ValidationError("Meet once first: the fit question comes after your first session.")
    fit, _ = FitCheck.objects.update_or_create(
        mentorship=mentorship, participant=participant, defaults={"answer": answer, "comment": comment.strip()}
    )
    if answer == FitAnswer.NOT_A_FIT:
        locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
        if locked.at_risk_since is None:
            locked.at_risk_since = timezone.now()
            locked.at_risk_reason = f"{_name(participant)} said the pairing is not a fit."
            locked.save(update_fields=["at_risk_since", "at_risk_reason"])
            mentorship.at_risk_since, mentorship.at_risk_reason = locked.at_risk_since, locked.at_risk_reason
        partner = mentorship.partner_of(participant)
        for owner in _hr_recipients(mentorship):
            notify(
                recipient=owner,
                kind="hr_alert",
                title=f"Not a fit: {_name(participant)} and {_name(partner)} in {mentorship.program.name}",
                body=(
                    f"{_name(participant)} answered the fit check after their first session: not a fit.\n"
                    + (f"Their comment: {fit.comment}\n" if fit.comment else "")
                    + "They may ask you for a re-match."
                ),
                url=reverse("mentorships:detail", args=[mentorship.pk]),
                dedupe_key=f"fit:{mentorship.pk}:{participant.pk}:{owner.pk}",
            )
    return fit


def _record_own_level(*, participant: Participant, skill: Skill, level: int) -> None:
    """Set the inventory level as a check-in; record the check-in even when the level is unchanged,
    so the history shows the skill was re-assessed."""
    entry = SkillEntry.objects.filter(participant=participant, skill=skill).first()
    unchanged = entry is not None and entry.level == level
    inventory_set_entry(
        participant=participant,
        skill=skill,
        level=level,
        want_priority=entry.want_priority if entry else 0,
        can_teach=entry.can_teach if entry else False,
        source=AssessmentSource.CHECK_IN,
        by=participant,
    )
    if unchanged:
        Assessment.objects.create(
            participant=participant,
            skill=skill,
            level=level,
            source=AssessmentSource.CHECK_IN,
            assessed_by=participant,
            assessed_at=timezone.now(),
        )


@transaction.atomic
def check_in_submit(
    *,
    mentorship: Mentorship,
    participant: Participant,
    kind: str,
    relationship_rating: int,
    would_recommend: bool,
    comment: str = "",
    own_levels: Mapping[int, int],
    partner_levels: Mapping[int, int] | None = None,
) -> CheckIn:
    """Answer the midpoint or final check-in, once per kind.

    `own_levels` re-assesses each of the participant's own goal skills (skill id -> level): it
    updates their inventory and writes a "check_in" assessment. `partner_levels` is the optional
    view of the partner's goal skills: "partner" assessments about the partner, which never touch
    the partner's inventory.
    """
    _require_member(mentorship, participant)
    if kind not in CheckInKind.values:
        raise ValidationError("No such check-in.")
    if not queries.check_in_open(mentorship, kind, today=timezone.localdate()):
        raise ValidationError(f"The {CheckInKind(kind).label.lower()} is not open yet.")
    if relationship_rating not in range(1, 6):
        raise ValidationError({"relationship_rating": "Choose a rating from 1 to 5."})
    partner = mentorship.partner_of(participant)
    by_learner = queries.goal_skills_by_learner(mentorship)
    skills = {skill.pk: skill for skill in by_learner.get(participant.pk, [])}
    own_skills = set(skills)
    partner_skills = {skill.pk for skill in by_learner.get(partner.pk, [])}
    partner_levels = partner_levels or {}
    if set(own_levels) != own_skills:
        raise ValidationError("Re-assess each skill of your goals.")
    if set(partner_levels) - partner_skills:
        raise ValidationError("Give your view only on your partner's goal skills.")
    for level in (*own_levels.values(), *partner_levels.values()):
        if level not in LEVEL_LABELS:
            raise ValidationError("Choose levels from 0 to 5.")
    try:
        with transaction.atomic():
            check_in = CheckIn.objects.create(
                mentorship=mentorship,
                participant=participant,
                kind=kind,
                relationship_rating=relationship_rating,
                would_recommend=would_recommend,
                comment=comment.strip(),
            )
    except IntegrityError as error:
        raise ValidationError(f"You have already answered the {CheckInKind(kind).label.lower()}.") from error
    for skill_id in sorted(own_levels):
        _record_own_level(participant=participant, skill=skills[skill_id], level=own_levels[skill_id])
    now = timezone.now()
    Assessment.objects.bulk_create(
        Assessment(
            participant=partner,
            skill_id=skill_id,
            level=level,
            source=AssessmentSource.PARTNER,
            assessed_by=participant,
            assessed_at=now,
        )
        for skill_id, level in sorted(partner_levels.items())
    )
    return check_in


# --- Ending --------------------------------------------------------------------------------------

EARLY_REASONS = [reason for reason in EndReason if reason != EndReason.COMPLETED]


@transaction.atomic
def mentorship_end(*, mentorship: Mentorship, by: Participant, completed: bool, reason: str = "") -> Mentorship:
    """End the mentorship: completed, or early with a reason from the list.

    The row is locked, so two people ending at once end it once. The partner is told, and both
    are then asked for the final check-in.
    """
    locked = Mentorship.objects.select_for_update().select_related("program").get(pk=mentorship.pk)
    _require_member(locked, by)
    if not locked.is_active:
        raise ValidationError("This mentorship has already ended.")
    if completed:
        status, reason = MentorshipStatus.COMPLETED, EndReason.COMPLETED
    else:
        if reason not in {r.value for r in EARLY_REASONS}:
            raise ValidationError({"reason": "Tell us why it ended early: choose a reason from the list."})
        status = MentorshipStatus.ENDED_EARLY
    locked.status, locked.ended_at, locked.end_reason = status, timezone.now(), reason
    locked.save(update_fields=["status", "ended_at", "end_reason"])
    partner = locked.partner_of(by)
    notify(
        recipient=partner.user,
        kind="mentorship_ended",
        title=f"{_name(by)} ended your mentorship in {locked.program.name}",
        body=(
            f"{_name(by)} marked your mentorship as {locked.get_status_display().lower()}. "
            "Please answer the final check-in: it takes two minutes and shows what you both gained."
        ),
        url=reverse("workspace:check_in", args=[locked.pk, CheckInKind.FINAL]),
        dedupe_key=f"ended:{locked.pk}:{partner.pk}",
    )
    mentorship.status, mentorship.ended_at, mentorship.end_reason = locked.status, locked.ended_at, locked.end_reason
    return mentorship
