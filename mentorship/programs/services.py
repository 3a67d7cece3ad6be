"""Every write to programs and enrollments goes through these functions."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record
from mentorship.participants.models import CareerLevel, OrgUnit, Participant
from mentorship.programs import defaults
from mentorship.programs.eligibility import ineligibility_reason
from mentorship.programs.models import (
    Enrollment,
    EnrollmentRole,
    Program,
    ProgramEvent,
    ProgramKind,
    ProgramStatus,
)
from skills.models import Skill, SkillCategory, SkillEntry

# Reverse mentoring is about digital skills unless HR says otherwise.
DEFAULT_FOCUS = {defaults.REVERSE: [SkillCategory.DIGITAL.value]}
MANY_FIELDS = ("focus_skills", "eligible_units", "owners")
MATCHING_LABELS = {
    "min_level_gap": "Minimum level gap",
    "max_level_gap": "Maximum level gap",
    "different_department": "Different department",
    "department_level": "Department level",
    "shared_language": "Shared language",
    "min_overlap_hours": "Minimum overlap hours",
    "avoid_previous_pairs": "Avoid previous pairs",
    "learning_floor": "Learning floor (levels ahead; 0 = off)",
}
REMINDER_LABELS = {
    "rating_delay_hours": "Ask for a rating after (hours)",
    "cadence_grace_days": "Cadence grace (days)",
    "escalate_after_missed_cycles": "Escalate after missed cycles",
    "remind_before_enrollment_closes": "Remind before enrollment closes",
}
USEFUL_TEACHING_LEVEL = 3
MAX_DEPARTMENT_LEVEL = 10

# status -> statuses it may move to. Back-steps exist for the honest mistakes: opening too early,
# or needing more people after matching began.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProgramStatus.DRAFT: (ProgramStatus.ENROLLING,),
    ProgramStatus.ENROLLING: (ProgramStatus.MATCHING, ProgramStatus.DRAFT),
    ProgramStatus.MATCHING: (ProgramStatus.RUNNING, ProgramStatus.ENROLLING),
    ProgramStatus.RUNNING: (ProgramStatus.CLOSED,),
    ProgramStatus.CLOSED: (),
}
TRANSITION_VERBS: dict[tuple[str, str], str] = {
    (ProgramStatus.DRAFT, ProgramStatus.ENROLLING): "Open enrollment",
    (ProgramStatus.ENROLLING, ProgramStatus.MATCHING): "Close enrollment and start matching",
    (ProgramStatus.ENROLLING, ProgramStatus.DRAFT): "Back to draft",
    (ProgramStatus.MATCHING, ProgramStatus.RUNNING): "Start the program",
    (ProgramStatus.MATCHING, ProgramStatus.ENROLLING): "Reopen enrollment",
    (ProgramStatus.RUNNING, ProgramStatus.CLOSED): "Close the program",
}
ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    ProgramKind.TRADITIONAL: (EnrollmentRole.MENTOR, EnrollmentRole.MENTEE),
    ProgramKind.REVERSE: (EnrollmentRole.MENTOR, EnrollmentRole.MENTEE),
    ProgramKind.RECIPROCAL: (EnrollmentRole.MENTOR, EnrollmentRole.MENTEE, EnrollmentRole.BOTH),
    ProgramKind.PEER: (EnrollmentRole.MENTOR, EnrollmentRole.MENTEE, EnrollmentRole.BOTH),
}
LEARNING_ROLES = (EnrollmentRole.MENTEE, EnrollmentRole.BOTH)
TEACHING_ROLES = (EnrollmentRole.MENTOR, EnrollmentRole.BOTH)


class ConfirmationRequired(ValidationError):
    """The transition is allowed, but only when HR confirms what it will leave behind."""


# --- Defaults and checks shared with the forms -------------------------------------------------


def complete_matching(kind: str, given: dict[str, Any] | None) -> dict[str, Any]:
    """The kind's default rules with whatever HR set on top; weights merge key by key."""
    given = dict(given or {})
    rules = defaults.default_matching(kind)
    weights = {**rules["weights"], **(given.pop("weights", None) or {})}
    rules.update({key: value for key, value in given.items() if value is not None})
    rules["weights"] = {name: weights[name] for name in defaults.DEFAULT_WEIGHTS}
    return rules


def complete_reminders(given: dict[str, Any] | None) -> dict[str, Any]:
    reminders = defaults.default_reminders()
    reminders.update({key: value for key, value in (given or {}).items() if value is not None})
    return reminders


def matching_errors(rules: dict[str, Any]) -> dict[str, str]:
    """Field -> message for rules the engine cannot use."""
    errors: dict[str, str] = {}
    for name, weight in rules["weights"].items():
        if not isinstance(weight, int) or not 0 <= weight <= 100:
            errors[f"weight_{name}"] = "Each weight must be between 0 and 100."
    if not errors and (total := sum(rules["weights"].values())) != 100:
        errors["weights"] = f"The weights add up to {total}; they must add up to exactly 100."
    level = rules["department_level"]
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= MAX_DEPARTMENT_LEVEL:
        errors["department_level"] = f"The department level must be between 1 and {MAX_DEPARTMENT_LEVEL}."
    if rules["min_level_gap"] > rules["max_level_gap"]:
        errors["min_level_gap"] = "The minimum level gap cannot be larger than the maximum level gap."
    if rules["learning_floor"] not in {value for value, _ in defaults.LEARNING_FLOOR_CHOICES}:
        errors["learning_floor"] = "Choose one of the learning floors offered."
    return errors


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    # Clamp the day so 31 January + 1 month lands on the last day of February.
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --- Programs ------------------------------------------------------------------------------------


def can_change_program(user: Any, program: Program) -> bool:
    """Owners change a program; any HR admin may when the setting says so. Uses prefetched owners."""
    if getattr(settings, "PROGRAMS_ANY_HR_ADMIN_MAY_EDIT", False):
        return True
    return any(owner.pk == user.pk for owner in program.owners.all())


def changeable_program_ids(user: Any) -> set[int]:
    """The programs `can_change_program` admits `user` to, from one query: for pages that list
    many programs' rows and show a change only where it is allowed."""
    programs = Program.objects.all() if getattr(settings, "PROGRAMS_ANY_HR_ADMIN_MAY_EDIT", False) else None
    if programs is None:
        programs = Program.objects.filter(owners=user.pk)
    return set(programs.values_list("pk", flat=True))


def _apply_kind_defaults(data: dict[str, Any]) -> dict[str, Any]:
    kind = data["kind"]
    months, cadence, capacity = defaults.DEFAULT_SHAPE[kind]
    filled = dict(data)
    filled["matching"] = complete_matching(kind, data.get("matching"))
    filled["reminders"] = complete_reminders(data.get("reminders"))
    if filled.get("cadence_days") is None:
        filled["cadence_days"] = cadence
    if filled.get("default_capacity") is None:
        filled["default_capacity"] = capacity
    if filled.get("focus_categories") is None:
        filled["focus_categories"] = list(DEFAULT_FOCUS.get(kind, []))
    if not filled.get("guide"):
        filled["guide"] = defaults.DEFAULT_GUIDE
    if filled.get("starts_on") and not filled.get("ends_on"):
        filled["ends_on"] = add_months(filled["starts_on"], months)
    return filled


def schedule_errors(values: dict[str, Any]) -> dict[str, str]:
    """Field -> message for dates and ranges that do not fit together (missing values are skipped)."""
    errors: dict[str, str] = {}
    opens, closes = values.get("enrollment_opens"), values.get("enrollment_closes")
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts and ends and ends <= starts:
        errors["ends_on"] = "The program must end after it starts."
    if closes and starts and closes > starts:
        errors["enrollment_closes"] = "Enrollment must close on or before the start date."
    if opens and closes and opens > closes:
        errors["enrollment_opens"] = "Enrollment must open before it closes."
    low, high = values.get("level_min"), values.get("level_max")
    if low is not None and high is not None and low > high:
        errors["level_max"] = "The highest career level cannot be below the lowest."
    return errors


def _check_program(program: Program) -> None:
    errors: dict[str, Any] = schedule_errors(vars(program))
    rule_errors = matching_errors(program.matching)
    if rule_errors:
        errors["matching"] = list(rule_errors.values())
    if errors:
        raise ValidationError(errors)
    program.full_clean(exclude=["created_by"])


def _set_many(program: Program, data: dict[str, Any]) -> None:
    for name in MANY_FIELDS:
        if name in data:
            getattr(program, name).set(data[name])


@transaction.atomic
def program_create(*, data: dict[str, Any], by: User) -> Program:
    """A draft program with the kind's defaults for anything left out; `by` becomes an owner."""
    data = _apply_kind_defaults(data)
    program = Program(**{name: value for name, value in data.items() if name not in MANY_FIELDS}, created_by=by)
    _check_program(program)
    program.save()
    _set_many(program, data)
    program.owners.add(by)
    ProgramEvent.objects.create(
        program=program,
        actor=by,
        kind=ProgramEvent.Kind.CREATED,
        summary=f"Created as a {program.get_kind_display()} draft",
    )
    audit_record(action=Action.PROGRAM_CREATED, actor=by, program=program, summary=f"Kind: {program.kind}")
    return program


def _readable(name: str, value: Any) -> str:
    if value in (None, "", [], set()):
        return "—"
    if name == "kind":
        return str(ProgramKind(value).label)
    if name in ("level_min", "level_max"):
        return str(CareerLevel(value).label)
    if name == "focus_categories":
        return ", ".join(str(SkillCategory(code).label) for code in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) > 80:
        return value[:77] + "…"
    return str(value)


def _many_labels(name: str, ids: Iterable[int]) -> str:
    ids = sorted(ids)
    if not ids:
        return "—"
    names: list[str]
    if name == "focus_skills":
        names = list(Skill.objects.filter(pk__in=ids).values_list("name", flat=True))
    elif name == "eligible_units":
        names = list(OrgUnit.objects.filter(pk__in=ids).values_list("name", flat=True))
    else:
        names = [user.get_full_name() or user.email for user in User.objects.filter(pk__in=ids)]
    return ", ".join(sorted(names))


def _field_label(name: str) -> str:
    field = Program._meta.get_field(name)
    return str(getattr(field, "verbose_name", name)).capitalize()


def _diff(program: Program, data: dict[str, Any]) -> dict[str, list[str]]:
    """What an edit changes, as readable "label: [old, new]" pairs."""
    changes: dict[str, list[str]] = {}
    for name, new in data.items():
        if name in MANY_FIELDS:
            old_ids = {obj.pk for obj in getattr(program, name).all()}
            new_ids = {obj if isinstance(obj, int) else obj.pk for obj in new}
            if old_ids != new_ids:
                changes[_field_label(name)] = [_many_labels(name, old_ids), _many_labels(name, new_ids)]
        elif name in ("matching", "reminders"):
            old_rules, labels = getattr(program, name) or {}, MATCHING_LABELS if name == "matching" else REMINDER_LABELS
            if name == "matching":  # a rule added since the program was saved had its default
                old_rules = complete_matching(program.kind, old_rules)
            for key, label in labels.items():
                if old_rules.get(key) != new.get(key):
                    changes[label] = [_readable(key, old_rules.get(key)), _readable(key, new.get(key))]
            if name == "matching":
                old_weights = old_rules.get("weights") or {}
                for key, label in defaults.WEIGHT_NAMES.items():
                    if old_weights.get(key) != new["weights"].get(key):
                        changes[f"Weight: {label}"] = [
                            _readable(key, old_weights.get(key)),
                            _readable(key, new["weights"].get(key)),
                        ]
        else:
            old = getattr(program, name)
            if name == "focus_categories":
                old, new = sorted(old or []), sorted(new or [])
            if old != new:
                changes[_field_label(name)] = [_readable(name, old), _readable(name, new)]
    return changes


def _audit_changes(changes: dict[str, list[str]], data: dict[str, Any], owners_before: list[int]) -> dict[str, Any]:
    """The audit trail keeps ids, not names: owners are recorded as user ids."""
    label = _field_label("owners")
    if label not in changes:
        return changes
    after = sorted(obj if isinstance(obj, int) else obj.pk for obj in data["owners"])
    ids = [", ".join(map(str, owners_before)), ", ".join(map(str, after))]
    return {**{k: v for k, v in changes.items() if k != label}, "Owner ids": ids}


@transaction.atomic
def program_update(*, program: Program, data: dict[str, Any], by: User) -> Program:
    """Save an edit and record what changed. The kind is fixed once enrollment has opened."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status == ProgramStatus.CLOSED:
        raise ValidationError("A closed program can no longer be edited.")
    if "kind" in data and data["kind"] != program.kind and program.status != ProgramStatus.DRAFT:
        raise ValidationError({"kind": "The kind can only change while the program is a draft."})
    if "owners" in data and not data["owners"]:
        raise ValidationError({"owners": "A program needs at least one owner."})
    kind = data.get("kind", program.kind)
    if "matching" in data:
        data = {**data, "matching": complete_matching(kind, data["matching"])}
    if "reminders" in data:
        data = {**data, "reminders": complete_reminders(data["reminders"])}
    changes = _diff(program, data)
    if not changes:
        return program
    owners_before = sorted(program.owners.values_list("pk", flat=True)) if "owners" in data else []
    for name, value in data.items():
        if name not in MANY_FIELDS:
            setattr(program, name, value)
    _check_program(program)
    program.save()
    _set_many(program, data)
    ProgramEvent.objects.create(
        program=program,
        actor=by,
        kind=ProgramEvent.Kind.EDITED,
        summary="Edited " + ", ".join(label.lower() for label in changes)[:290],
        changes=changes,
    )
    audit_record(
        action=Action.PROGRAM_CHANGED, actor=by, program=program, changes=_audit_changes(changes, data, owners_before)
    )
    return program


def _enrollment_problems(program: Program) -> list[str]:
    missing = []
    if not program.objectives.strip():
        missing.append("objectives")
    for name, label in (
        ("enrollment_opens", "the date enrollment opens"),
        ("enrollment_closes", "the date enrollment closes"),
        ("starts_on", "the start date"),
        ("ends_on", "the end date"),
    ):
        if getattr(program, name) is None:
            missing.append(label)
    problems = [f"Add {', '.join(missing)} before opening enrollment."] if missing else []
    if program.enrollment_closes and program.starts_on and program.enrollment_closes > program.starts_on:
        problems.append("Enrollment must close on or before the start date.")
    return problems


def _active_enrollments(program: Program) -> Any:
    return program.enrollments.filter(withdrawn_at__isnull=True)


@transaction.atomic
def program_transition(*, program: Program, to: str, by: User, confirm: bool = False) -> Program:
    """Move the program along its lifecycle, checking the guard of each step; every move is recorded."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    source = program.status
    if to not in TRANSITIONS.get(source, ()):
        raise ValidationError(
            f"A {program.get_status_display().lower()} program cannot move to {ProgramStatus(to).label.lower()}."
            if to in ProgramStatus.values
            else "Unknown status."
        )
    if to == ProgramStatus.ENROLLING and source == ProgramStatus.DRAFT:
        problems = _enrollment_problems(program)
        if problems:
            raise ValidationError(problems)
    if to == ProgramStatus.DRAFT and (enrolled := _active_enrollments(program).count()):
        raise ValidationError(
            f"{enrolled} {'person has' if enrolled == 1 else 'people have'} enrolled; "
            "a program with enrollments cannot go back to draft."
        )
    if to == ProgramStatus.CLOSED and not confirm:
        # A learner is matched once they are in a mentorship of this program, on either side
        # (reciprocal and peer pairs have no fixed sides).
        unmatched = (
            _active_enrollments(program)
            .filter(role__in=LEARNING_ROLES)
            .exclude(
                Q(participant__mentorships_as_mentee__program=program)
                | Q(participant__mentorships_as_mentor__program=program)
            )
            .count()
        )
        if unmatched:
            raise ConfirmationRequired(
                f"{unmatched} {'mentee is' if unmatched == 1 else 'mentees are'} still unmatched. "
                "Closing ends the program for them too. Confirm to close anyway."
            )
    program.status = to
    program.save(update_fields=["status", "updated_at"])
    ProgramEvent.objects.create(
        program=program,
        actor=by,
        kind=ProgramEvent.Kind.TRANSITION,
        summary=f"{ProgramStatus(source).label} → {ProgramStatus(to).label}"
        + (" (confirmed with unmatched mentees)" if confirm and to == ProgramStatus.CLOSED else ""),
        changes={"status": [source, to]},
    )
    audit_record(action=Action.PROGRAM_TRANSITION, actor=by, program=program, changes={"Status": [source, to]})
    return program


# --- Enrollment ----------------------------------------------------------------------------------


def focus_skill_ids(program: Program) -> set[int] | None:
    """The skills a program is about; None when it has no focus (every skill counts)."""
    skill_ids = set(program.focus_skills.values_list("id", flat=True))
    if not skill_ids and not program.focus_categories:
        return None
    if program.focus_categories:
        skill_ids |= set(
            Skill.objects.filter(category__in=program.focus_categories, retired_at__isnull=True).values_list(
                "id", flat=True
            )
        )
    return skill_ids


def _inventory_skills(participant: Participant, program: Program) -> tuple[set[int], set[int]]:
    """(skills the person wants to learn, skills they can teach), limited to the program's focus."""
    entries = SkillEntry.objects.filter(participant=participant, skill__retired_at__isnull=True)
    focus = focus_skill_ids(program)
    if focus is not None:
        entries = entries.filter(skill_id__in=focus)
    wanted = set(entries.filter(want_priority__gt=0).values_list("skill_id", flat=True))
    teachable = set(
        entries.filter(Q(can_teach=True) | Q(level__gte=USEFUL_TEACHING_LEVEL)).values_list("skill_id", flat=True)
    )
    return wanted, teachable


def _ids(skills: Iterable[Any]) -> set[int]:
    return {skill if isinstance(skill, int) else skill.pk for skill in skills}


def _clean_enrollment(program: Program, participant: Participant, data: dict[str, Any]) -> dict[str, Any]:
    role = data.get("role")
    if role not in ROLES_BY_KIND[program.kind]:
        allowed = " or ".join(str(EnrollmentRole(r).label).split(":")[0].lower() for r in ROLES_BY_KIND[program.kind])
        raise ValidationError({"role": f"In a {program.get_kind_display().lower()} program you can join as {allowed}."})
    wanted, teachable = _inventory_skills(participant, program)
    goals = _ids(data.get("goals", ())) if role in LEARNING_ROLES else set()
    offers = _ids(data.get("offers", ())) if role in TEACHING_ROLES else set()
    errors: dict[str, str] = {}
    if role in LEARNING_ROLES and not goals:
        errors["goals"] = "Choose at least one skill you want to learn."
    elif goals - wanted:
        errors["goals"] = "Learning goals must be skills your inventory marks as wanted" + (
            " and within the program's focus." if focus_skill_ids(program) is not None else "."
        )
    if role in TEACHING_ROLES and not offers:
        errors["offers"] = "Choose at least one skill you can teach."
    elif offers - teachable:
        errors["offers"] = "You can offer skills you can teach (level 3 or more, or marked as teachable)" + (
            " within the program's focus." if focus_skill_ids(program) is not None else "."
        )
    capacity = data.get("capacity") or 1
    if role in TEACHING_ROLES and not 1 <= capacity <= 10:
        errors["capacity"] = "You can mentor between 1 and 10 people."
    if errors:
        raise ValidationError(errors)
    return {
        "role": role,
        "goals": goals,
        "offers": offers,
        "capacity": capacity if role in TEACHING_ROLES else 1,
        "motivation": (data.get("motivation") or "").strip(),
    }


def _lock_enrolling_program(program: Program, message: str) -> Program:
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status != ProgramStatus.ENROLLING:
        raise ValidationError(message)
    return program


def _save_enrollment(enrollment: Enrollment, cleaned: dict[str, Any]) -> Enrollment:
    enrollment.role = cleaned["role"]
    enrollment.capacity = cleaned["capacity"]
    enrollment.motivation = cleaned["motivation"]
    enrollment.withdrawn_at = None
    enrollment.full_clean(exclude=["program", "participant"], validate_constraints=False)
    enrollment.save()
    enrollment.goals.set(cleaned["goals"])
    enrollment.offers.set(cleaned["offers"])
    return enrollment


@transaction.atomic
def enrollment_create(*, program: Program, participant: Participant, data: dict[str, Any]) -> Enrollment:
    """Enroll while enrollment is open; a withdrawn enrollment comes back rather than duplicating."""
    # The program row lock orders this against a transition to matching.
    program = _lock_enrolling_program(program, "This program is not open for enrollment.")
    today = timezone.localdate()
    if not (program.enrollment_opens and program.enrollment_closes) or not (
        program.enrollment_opens <= today <= program.enrollment_closes
    ):
        raise ValidationError("Enrollment for this program is not open today.")
    reason = ineligibility_reason(participant, program)
    if reason:
        raise ValidationError(reason)
    cleaned = _clean_enrollment(program, participant, data)
    enrollment = Enrollment.objects.filter(program=program, participant=participant).first()
    if enrollment is not None and enrollment.is_active:
        raise ValidationError("You are already enrolled in this program.")
    return _save_enrollment(enrollment or Enrollment(program=program, participant=participant), cleaned)


@transaction.atomic
def enrollment_update(*, enrollment: Enrollment, data: dict[str, Any]) -> Enrollment:
    program = _lock_enrolling_program(
        enrollment.program, "Matching has started, so your enrollment can no longer change. Contact HR if needed."
    )
    if not enrollment.is_active:
        raise ValidationError("You have withdrawn from this program; enroll again instead.")
    return _save_enrollment(enrollment, _clean_enrollment(program, enrollment.participant, data))


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment) -> Enrollment:
    _lock_enrolling_program(
        enrollment.program, "Matching has started, so you can no longer withdraw here. Contact HR if needed."
    )
    if enrollment.withdrawn_at is None:
        enrollment.withdrawn_at = timezone.now()
        enrollment.save(update_fields=["withdrawn_at", "updated_at"])
    return enrollment
