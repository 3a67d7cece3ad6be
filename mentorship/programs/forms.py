"""Forms validate what people typed and explain mistakes; the services decide and save."""

from typing import Any

from django import forms
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet

from mentorship.accounts.models import User
from mentorship.core.forms import choice_field, model_choice_field
from mentorship.participants.models import CareerLevel, OrgUnit, Participant
from mentorship.participants.orgtree import OrgTree
from mentorship.participants.roles import HR_ADMIN_GROUP
from mentorship.programs import defaults, services
from mentorship.programs.models import Enrollment, EnrollmentRole, Program, ProgramKind
from skills.models import LEVEL_LABELS, Skill, SkillCategory, SkillEntry, WantPriority

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DEFAULT_CHOICE = ("", "The kind's default")
YES_NO = [("yes", "Yes"), ("no", "No")]
MATCHING_BOOLEANS = ("different_department", "shared_language", "avoid_previous_pairs")


def _range_messages(low: int, high: int, what: str) -> dict[str, str]:
    message = f"{what} must be between {low} and {high}."
    return {"min_value": message, "max_value": message, "invalid": f"{what} must be a whole number."}


def _bounded(low: int, high: int, what: str, *, label: str, help_text: str = "", **extra: Any) -> forms.IntegerField:
    """An optional whole number within [low, high]; left empty, the default applies."""
    return forms.IntegerField(
        required=False,
        min_value=low,
        max_value=high,
        error_messages=_range_messages(low, high, what),
        label=label,
        help_text=help_text,
        **extra,
    )


def _defaults_hint(values: dict[str, Any]) -> str:
    parts = [f"{ProgramKind(kind).label.split()[0].lower()} {value}" for kind, value in values.items()]
    return "Leave empty for the kind's default: " + ", ".join(parts) + "."


def _per_kind(key: str) -> dict[str, Any]:
    return {kind: defaults.default_matching(kind)[key] for kind in ProgramKind.values}


class OwnersField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


def hr_admin_users() -> QuerySet[User]:
    group = Group.objects.filter(name=HR_ADMIN_GROUP)
    return (
        User.objects.filter(Q(groups__in=group) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


class ProgramForm(forms.Form):
    """Create or edit a program. Rules and reminders left empty take the kind's defaults."""

    name = forms.CharField(max_length=150, label="Program name")
    kind = forms.ChoiceField(
        choices=ProgramKind.choices,
        widget=forms.RadioSelect,
        help_text="Who teaches whom. Defaults for rules, cadence and duration follow the kind.",
    )
    objectives = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="The clear, specific skill-development goals, one per line. Needed before enrollment opens.",
    )
    focus_categories = forms.MultipleChoiceField(
        choices=SkillCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Focus categories",
        help_text="Leave all unticked for no category focus (reverse mentoring defaults to digital skills).",
    )
    focus_skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.filter(retired_at__isnull=True).order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 10, "data-searchable": "skills"}),
        required=False,
        label="Focus skills",
        help_text="Choose as many as the program is about.",
    )
    eligible_units = forms.ModelMultipleChoiceField(
        queryset=OrgUnit.objects.all(),
        widget=forms.SelectMultiple(attrs={"size": 8, "data-searchable": "departments and teams"}),
        required=False,
        label="Eligible departments and teams",
        help_text="Empty: everyone. A unit includes all its sub-units.",
    )
    level_min = forms.TypedChoiceField(
        choices=CareerLevel.choices, coerce=int, initial=CareerLevel.ENTRY, label="Lowest career level"
    )
    level_max = forms.TypedChoiceField(
        choices=CareerLevel.choices, coerce=int, initial=CareerLevel.EXECUTIVE, label="Highest career level"
    )
    enrollment_opens = forms.DateField(widget=DATE, required=False)
    enrollment_closes = forms.DateField(widget=DATE, required=False, help_text="On or before the start date.")
    starts_on = forms.DateField(widget=DATE, required=False, label="Starts on")
    ends_on = forms.DateField(
        widget=DATE, required=False, label="Ends on", help_text="Leave empty for the kind's usual length."
    )
    cadence_days = _bounded(
        7,
        90,
        "The cadence",
        label="Meeting cadence (days)",
        help_text=_defaults_hint({kind: shape[1] for kind, shape in defaults.DEFAULT_SHAPE.items()}),
    )
    default_capacity = _bounded(
        1,
        10,
        "The capacity",
        label="Default mentor capacity",
        help_text=_defaults_hint({kind: shape[2] for kind, shape in defaults.DEFAULT_SHAPE.items()}),
    )
    min_level_gap = _bounded(
        0,
        6,
        "The minimum level gap",
        label="Minimum level gap",
        help_text="Traditional: mentor at least this many levels above. Reverse: mentor at least this many below. "
        + _defaults_hint(_per_kind("min_level_gap")),
    )
    max_level_gap = _bounded(
        0,
        6,
        "The maximum level gap",
        label="Maximum level gap",
        help_text=_defaults_hint(_per_kind("max_level_gap")),
    )
    different_department = forms.ChoiceField(
        choices=[DEFAULT_CHOICE, *YES_NO], required=False, label="Pair people from different departments"
    )
    department_level = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        label="What counts as a department",
        help_text="The level of the org tree that “different departments” and cross-department exposure "
        "compare. People in units below it share their department. Leave empty for the default: "
        "the first level below the organisation root.",
    )
    shared_language = forms.ChoiceField(
        choices=[DEFAULT_CHOICE, *YES_NO], required=False, label="Require a shared language"
    )
    min_overlap_hours = _bounded(
        0,
        12,
        "The working-hour overlap",
        label="Minimum working-hour overlap (hours)",
        help_text="Leave empty for the default: 2.",
    )
    avoid_previous_pairs = forms.ChoiceField(
        choices=[DEFAULT_CHOICE, *YES_NO], required=False, label="Avoid pairing people who were paired before"
    )
    learning_floor = forms.TypedChoiceField(
        choices=[("", "Default (two levels ahead)"), *defaults.LEARNING_FLOOR_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        label="Learning floor",
        help_text="No pair is proposed only for secondary factors such as timezone or work style: "
        "each must carry at least this much skill flow.",
    )
    rating_delay_hours = _bounded(
        1,
        168,
        "The rating reminder delay",
        label="Ask for a session rating after (hours)",
        help_text="Leave empty for the default: 24.",
    )
    cadence_grace_days = _bounded(
        0,
        30,
        "The cadence grace",
        label="Grace before a pair counts as behind (days)",
        help_text="Leave empty for the default: 3.",
    )
    escalate_after_missed_cycles = _bounded(
        1,
        6,
        "Escalation",
        label="Tell the program owners after this many missed cycles",
        help_text="Leave empty for the default: 2.",
    )
    remind_before_enrollment_closes = forms.ChoiceField(
        choices=[("", "Default (yes)"), *YES_NO], required=False, label="Remind people before enrollment closes"
    )
    guide = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        label="Participant guide",
        help_text="Shown to everyone who enrolls. Leave empty to restore the standard guide.",
    )
    owners = OwnersField(
        queryset=User.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 5, "data-searchable": "HR admins"}),
        required=False,
        help_text="HR admins who may change this program. You are always an owner of a program you create.",
    )

    GROUPS = [
        ("The program", ["name", "kind", "objectives"]),
        ("Skill focus", ["focus_categories", "focus_skills"]),
        ("Who may join", ["eligible_units", "level_min", "level_max"]),
        ("Dates and rhythm", ["enrollment_opens", "enrollment_closes", "starts_on", "ends_on", "cadence_days"]),
        (
            "Matching rules",
            [
                "default_capacity",
                "min_level_gap",
                "max_level_gap",
                "different_department",
                "department_level",
                "shared_language",
                "min_overlap_hours",
                "avoid_previous_pairs",
                "learning_floor",
            ],
        ),
        ("Matching weights (they must add up to 100)", [f"weight_{name}" for name in defaults.DEFAULT_WEIGHTS]),
        (
            "Reminders",
            [
                "rating_delay_hours",
                "cadence_grace_days",
                "escalate_after_missed_cycles",
                "remind_before_enrollment_closes",
            ],
        ),
        ("Participant guide", ["guide"]),
        ("Owners", ["owners"]),
    ]

    def __init__(self, *args: Any, program: Program | None = None, **kwargs: Any) -> None:
        self.program = program
        if program is not None:
            kwargs.setdefault("initial", initial_for(program))
        else:
            kwargs.setdefault("initial", {"guide": defaults.DEFAULT_GUIDE})
        super().__init__(*args, **kwargs)
        for name, label in defaults.WEIGHT_NAMES.items():
            self.fields[f"weight_{name}"] = _bounded(
                0,
                100,
                "Each weight",
                label=label,
                help_text=f"Leave empty for the default: {defaults.DEFAULT_WEIGHTS[name]}.",
            )
        model_choice_field(self, "owners").queryset = hr_admin_users()
        chosen = self.initial.get("department_level")
        tree = OrgTree.load()
        choice_field(self, "department_level").choices = department_level_choices(
            tree, at_least=chosen if isinstance(chosen, int) else 1
        )
        # Full paths ("Acme / Engineering / Data"), sorted, so two teams called "Data" stay apart.
        self.fields["eligible_units"].widget.choices = tree.choices(with_root=True)
        if program is not None and program.status != "draft":
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = "The kind is fixed once enrollment has opened."

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, message in services.schedule_errors(data).items():
            if field not in self.errors:
                self.add_error(field, message)
        if data.get("kind") and not self.errors:
            for field, message in services.matching_errors(
                services.complete_matching(data["kind"], self.matching_data())
            ).items():
                self.add_error(field if field in self.fields else None, message)
        if self.program is not None and "owners" in data and not data["owners"]:
            self.add_error("owners", "A program needs at least one owner.")
        return data

    def matching_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        rules: dict[str, Any] = {
            name: data.get(name) for name in ("min_level_gap", "max_level_gap", "min_overlap_hours", "department_level")
        }
        for name in MATCHING_BOOLEANS:
            rules[name] = {"yes": True, "no": False}.get(data.get(name) or "")
        rules["learning_floor"] = data.get("learning_floor")
        rules["weights"] = {
            name: data[f"weight_{name}"] for name in defaults.DEFAULT_WEIGHTS if data.get(f"weight_{name}") is not None
        }
        return {key: value for key, value in rules.items() if value is not None and value != {}}

    def reminder_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        reminders: dict[str, Any] = {
            name: data.get(name)
            for name in ("rating_delay_hours", "cadence_grace_days", "escalate_after_missed_cycles")
        }
        reminders["remind_before_enrollment_closes"] = {"yes": True, "no": False}.get(
            data.get("remind_before_enrollment_closes") or ""
        )
        return {key: value for key, value in reminders.items() if value is not None}

    def program_data(self) -> dict[str, Any]:
        """Values under the model's field names, for `program_create` / `program_update`."""
        data = self.cleaned_data
        kind = data["kind"]
        months, cadence, capacity = defaults.DEFAULT_SHAPE[kind]
        values: dict[str, Any] = {
            name: data[name]
            for name in (
                "name",
                "kind",
                "objectives",
                "level_min",
                "level_max",
                "enrollment_opens",
                "enrollment_closes",
                "starts_on",
                "ends_on",
                "focus_skills",
                "eligible_units",
                "owners",
            )
        }
        values["objectives"] = values["objectives"].strip()
        values["focus_categories"] = list(data["focus_categories"])
        values["cadence_days"] = data["cadence_days"] or cadence
        values["default_capacity"] = data["default_capacity"] or capacity
        values["matching"] = self.matching_data()
        values["reminders"] = self.reminder_data()
        values["guide"] = data["guide"].strip() or defaults.DEFAULT_GUIDE
        if values["starts_on"] and not values["ends_on"]:
            values["ends_on"] = services.add_months(values["starts_on"], months)
        if self.program is None:
            # A new program without ticked categories gets the kind's default focus.
            if not values["focus_categories"]:
                del values["focus_categories"]
            values["owners"] = list(values["owners"])
        return values


def department_level_choices(tree: OrgTree, *, at_least: int = 1) -> list[tuple[Any, str]]:
    """Levels of the org tree as HR knows them: "Level 1 below the root: Engineering, Sales, …"."""
    by_level: dict[int, list[str]] = {}
    for pk, depth in tree.walk():
        if depth:
            by_level.setdefault(depth, []).append(tree.names[pk])
    choices: list[tuple[Any, str]] = [("", "The default: the first level below the organisation root")]
    deepest = max(max(by_level, default=1), at_least)
    for level in range(1, min(deepest, services.MAX_DEPARTMENT_LEVEL) + 1):
        names = by_level.get(level, [])
        examples = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        where = "first level below the root" if level == 1 else f"level {level} below the root"
        choices.append((level, f"{where}{': ' + examples if examples else ''}"))
    return choices


def _yes_no(value: Any) -> str:
    return "yes" if value else "no"


def initial_for(program: Program) -> dict[str, Any]:
    rules = services.complete_matching(program.kind, program.matching)
    reminders = services.complete_reminders(program.reminders)
    initial: dict[str, Any] = {
        name: getattr(program, name)
        for name in (
            "name",
            "kind",
            "objectives",
            "focus_categories",
            "level_min",
            "level_max",
            "enrollment_opens",
            "enrollment_closes",
            "starts_on",
            "ends_on",
            "cadence_days",
            "default_capacity",
            "guide",
        )
    }
    initial["focus_skills"] = [skill.pk for skill in program.focus_skills.all()]
    initial["eligible_units"] = [unit.pk for unit in program.eligible_units.all()]
    initial["owners"] = [user.pk for user in program.owners.all()]
    for name in ("min_level_gap", "max_level_gap", "min_overlap_hours", "department_level"):
        initial[name] = rules[name]
    for name in MATCHING_BOOLEANS:
        initial[name] = _yes_no(rules[name])
    initial["learning_floor"] = rules["learning_floor"]
    for name, weight in rules["weights"].items():
        initial[f"weight_{name}"] = weight
    for name in ("rating_delay_hours", "cadence_grace_days", "escalate_after_missed_cycles"):
        initial[name] = reminders[name]
    initial["remind_before_enrollment_closes"] = _yes_no(reminders["remind_before_enrollment_closes"])
    return initial


class TransitionForm(forms.Form):
    to = forms.CharField(max_length=10)
    confirm = forms.BooleanField(required=False)


# --- Enrollment ----------------------------------------------------------------------------------


class SkillChoicesField(forms.ModelMultipleChoiceField[Skill]):
    def __init__(self, *, labels: dict[int, str], **kwargs: Any) -> None:
        super().__init__(queryset=Skill.objects.filter(pk__in=list(labels)), **kwargs)
        self.labels = labels

    def label_from_instance(self, obj: Skill) -> str:
        return self.labels.get(obj.pk, obj.name)


class EnrollmentForm(forms.Form):
    role = forms.ChoiceField(widget=forms.RadioSelect, label="I join as")
    capacity = _bounded(
        1,
        10,
        "Your capacity",
        label="How many people can you mentor?",
        help_text="Only for mentors. One or two is typical.",
        initial=1,
    )
    motivation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        label="Why do you want to join?",
        help_text="A sentence or two; your match will see it.",
    )

    def __init__(
        self,
        *args: Any,
        program: Program,
        participant: Participant,
        enrollment: Enrollment | None = None,
        **kwargs: Any,
    ) -> None:
        if enrollment is not None and enrollment.is_active:
            kwargs.setdefault(
                "initial",
                {
                    "role": enrollment.role,
                    "capacity": enrollment.capacity,
                    "motivation": enrollment.motivation,
                    "goals": [skill.pk for skill in enrollment.goals.all()],
                    "offers": [skill.pk for skill in enrollment.offers.all()],
                },
            )
        else:
            kwargs.setdefault("initial", {"capacity": program.default_capacity})
        super().__init__(*args, **kwargs)
        self.program = program
        roles = services.ROLES_BY_KIND[program.kind]
        # Each role says who teaches whom in this kind of program: in reverse mentoring the junior
        # colleague is the mentor, which nobody guesses from the word "mentor" alone.
        choice_field(self, "role").choices = [
            (role, ROLE_LABELS_BY_KIND.get(program.kind, {}).get(role, EnrollmentRole(role).label)) for role in roles
        ]
        focus = services.focus_skill_ids(program)
        self.has_focus = focus is not None
        wanted, teachable = _inventory_choices(participant, focus)
        self.wanted_count, self.teachable_count = len(wanted), len(teachable)
        # What the focus leaves out, so a short list is explained rather than silently filtered.
        self.wanted_outside, self.teachable_outside = 0, 0
        if focus is not None:
            all_wanted, all_teachable = _inventory_choices(participant, None)
            self.wanted_outside = len(all_wanted.keys() - wanted.keys())
            self.teachable_outside = len(all_teachable.keys() - teachable.keys())
        self.fields["goals"] = SkillChoicesField(
            labels=wanted,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label="Skills I want to learn",
            help_text="From your skill inventory: the skills you marked as wanted."
            + _outside_focus_note(self.has_focus, self.wanted_outside, "want to learn"),
        )
        self.fields["offers"] = SkillChoicesField(
            labels=teachable,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label="Skills I can teach",
            help_text="From your skill inventory: level 3 or more, or marked as teachable."
            + _outside_focus_note(self.has_focus, self.teachable_outside, "teach"),
        )
        self.order_fields(["role", "goals", "offers", "capacity", "motivation"])

    def shown_for(self) -> dict[str, str | bool]:
        """Which roles each role-specific field is for, and whether the chosen role hides it now."""
        role = self["role"].value()
        learning = " ".join(services.LEARNING_ROLES)
        teaching = " ".join(services.TEACHING_ROLES)
        return {
            "goals": learning,
            "offers": teaching,
            "capacity": teaching,
            "goals_hidden": bool(role) and role not in services.LEARNING_ROLES,
            "offers_hidden": bool(role) and role not in services.TEACHING_ROLES,
            "capacity_hidden": bool(role) and role not in services.TEACHING_ROLES,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if role in services.LEARNING_ROLES and not data.get("goals"):
            self.add_error("goals", "Choose at least one skill you want to learn.")
        if role in services.TEACHING_ROLES:
            if not data.get("offers"):
                self.add_error("offers", "Choose at least one skill you can teach.")
            if data.get("capacity") is None and "capacity" not in self.errors:
                self.add_error("capacity", "Say how many people you can mentor (1 to 10).")
        return data

    def enrollment_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "goals": list(data.get("goals") or []),
            "offers": list(data.get("offers") or []),
            "capacity": data.get("capacity") or 1,
            "motivation": data.get("motivation", ""),
        }


ROLE_LABELS_BY_KIND: dict[str, dict[str, str]] = {
    ProgramKind.TRADITIONAL: {
        EnrollmentRole.MENTOR: "Mentor: I guide a less experienced colleague",
        EnrollmentRole.MENTEE: "Mentee: a more experienced colleague guides me",
    },
    ProgramKind.REVERSE: {
        EnrollmentRole.MENTOR: "Mentor: I am the junior colleague and coach a senior one in digital skills",
        EnrollmentRole.MENTEE: "Mentee: I am the senior colleague and learn from a junior one",
    },
    ProgramKind.RECIPROCAL: {
        EnrollmentRole.MENTOR: "Mentor: I only teach",
        EnrollmentRole.MENTEE: "Mentee: I only learn",
        EnrollmentRole.BOTH: "Both: I teach one skill and learn another (a skill swap)",
    },
    ProgramKind.PEER: {
        EnrollmentRole.MENTOR: "Mentor: I teach a colleague at about my level",
        EnrollmentRole.MENTEE: "Mentee: I learn from a colleague at about my level",
        EnrollmentRole.BOTH: "Both: I teach and I learn",
    },
}


def _outside_focus_note(has_focus: bool, outside: int, verb: str) -> str:
    if not has_focus:
        return ""
    if not outside:
        return " Only skills in this program's focus are listed."
    others = f"{outside} other skill you {verb} is" if outside == 1 else f"{outside} other skills you {verb} are"
    return f" Only skills in this program's focus are listed; {others} not part of it."


def _inventory_choices(participant: Participant, focus: set[int] | None) -> tuple[dict[int, str], dict[int, str]]:
    """Labels of the skills the person may pick as goals and as offers, from one query."""
    entries = SkillEntry.objects.filter(participant=participant, skill__retired_at__isnull=True).select_related("skill")
    if focus is not None:
        entries = entries.filter(skill_id__in=focus)
    wanted: dict[int, str] = {}
    teachable: dict[int, str] = {}
    for entry in entries.order_by("skill__name"):
        level = LEVEL_LABELS[entry.level].split(":")[0]
        if entry.want_priority > 0:
            wanted[entry.skill_id] = (
                f"{entry.skill.name} (priority {WantPriority(entry.want_priority).label.lower()}, level {level})"
            )
        if entry.can_teach or entry.level >= services.USEFUL_TEACHING_LEVEL:
            teachable[entry.skill_id] = f"{entry.skill.name} (level {level})"
    return wanted, teachable
