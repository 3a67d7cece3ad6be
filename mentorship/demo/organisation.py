"""The demo organisation: believable, deterministic and safe to build twice.

Everything is keyed by email or by name within its parent, so a second run finds what the first
made and changes nothing. Later features add their demo data here, in the same spirit.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.participants import services as participant_services
from mentorship.participants.models import WORK_STYLE_QUESTIONS, OrgUnit, Participant
from mentorship.programs import services as program_services
from mentorship.programs.models import EnrollmentRole, Program, ProgramKind, ProgramStatus
from skills import services as skill_services
from skills.models import Assessment, AssessmentSource, Skill, SkillCategory, SkillEntry

DEMO_PASSWORD = "demo-mentoring-2026"  # noqa: S105 (public on purpose: it is printed for the demo)
DEMO_DOMAIN = "demo.example.com"
ONBOARDED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

FIRST_NAMES = (
    "Ava Ben Chloe Daniel Elena Farid Grace Hugo Isla Jonas Kira Liam Maya Noah Olivia Pavel Quinn Rosa "
    "Samir Tara Umar Vera Wen Ximena Yusuf Zoe Aiko Bruno Carmen Dev Emil Fatima Gustav Hana Ivan Julia "
    "Kofi Lena Mateo Nadia Oscar Priya Rafael Sofia Tomas Ula Victor Wanda Yara Zain"
).split()
LAST_NAMES = (
    "Adams Becker Costa Dubois Eriksen Fischer Garcia Hoffmann Ivanova Jensen Kowalski Lopez Muller "
    "Nakamura Okafor Petrov Rossi Schmidt Tanaka Urban Varga Weber Xu Yilmaz Zimmermann Brandt Chen "
    "Dias Evans Ferrari Gupta Hansen Iqbal Jovanovic Keller Lindqvist Moreau Novak Ortiz Patel"
).split()

# (department, [(team, [job titles from senior to junior])], head title)
DEPARTMENTS = [
    (
        "Engineering",
        "VP Engineering",
        [
            (
                "Platform",
                ["Staff Engineer", "Senior Site Reliability Engineer", "Cloud Engineer", "Junior DevOps Engineer"],
            ),
            (
                "Product Engineering",
                ["Principal Engineer", "Senior Software Engineer", "Software Engineer", "Graduate Developer"],
            ),
            ("Data", ["Lead Data Scientist", "Senior Data Engineer", "Data Analyst", "Junior Data Analyst"]),
        ],
    ),
    (
        "Product",
        "Chief Product Officer",
        [
            (
                "Product Management",
                ["Group Product Manager", "Senior Product Manager", "Product Manager", "Associate Product Manager"],
            ),
            ("Design", ["Design Lead", "Senior Product Designer", "UX Researcher", "Junior Designer"]),
        ],
    ),
    (
        "Sales",
        "VP Sales",
        [
            (
                "Enterprise Sales",
                ["Sales Director", "Senior Account Executive", "Account Executive", "Sales Development Rep"],
            ),
            (
                "Partnerships",
                ["Head of Partnerships", "Senior Partner Manager", "Partner Manager", "Partnerships Associate"],
            ),
        ],
    ),
    (
        "Marketing",
        "Chief Marketing Officer",
        [
            ("Brand", ["Brand Director", "Senior Brand Manager", "Content Strategist", "Social Media Coordinator"]),
            ("Growth", ["Head of Growth", "Senior Growth Marketer", "Performance Marketer", "Marketing Analyst"]),
        ],
    ),
    (
        "Finance",
        "Chief Financial Officer",
        [
            ("FP&A", ["FP&A Director", "Senior Financial Analyst", "Financial Analyst", "Junior Analyst"]),
            ("Accounting", ["Controller", "Senior Accountant", "Accountant", "Accounts Assistant"]),
        ],
    ),
    (
        "People",
        "Chief People Officer",
        [
            ("HR Operations", ["HR Director", "Senior HR Business Partner", "HR Generalist", "HR Coordinator"]),
            (
                "Talent & Learning",
                ["Head of Learning", "Senior Talent Partner", "Learning Designer", "Talent Coordinator"],
            ),
        ],
    ),
    (
        "Operations",
        "COO",
        [
            ("Supply Chain", ["Supply Chain Director", "Senior Planner", "Logistics Planner", "Operations Associate"]),
            (
                "Facilities",
                ["Facilities Lead", "Senior Facilities Manager", "Workplace Coordinator", "Workplace Assistant"],
            ),
        ],
    ),
    (
        "Customer Success",
        "VP Customer Success",
        [
            ("Support", ["Support Director", "Senior Support Engineer", "Support Specialist", "Support Associate"]),
            (
                "Onboarding",
                [
                    "Head of Onboarding",
                    "Senior Implementation Manager",
                    "Implementation Consultant",
                    "Onboarding Associate",
                ],
            ),
        ],
    ),
    (
        "Legal",
        "General Counsel",
        [
            ("Commercial Legal", ["Legal Director", "Senior Counsel", "Legal Counsel", "Paralegal"]),
        ],
    ),
]
TIMEZONES = ["Europe/Berlin"] * 5 + ["Europe/London"] * 3 + ["America/New_York"] * 2 + ["Asia/Kolkata", "Europe/Madrid"]
EXTRA_LANGUAGES = ["de", "fr", "es", "it", "nl", "pl", "hi", "pt"]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str


@dataclass
class Person:
    email: str
    first: str
    last: str
    title: str
    level: int
    unit: OrgUnit
    manager: "Person | None"


class _Names:
    """Deterministic unique names: the same sequence on every run."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def next(self) -> tuple[str, str, str]:
        while True:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            local = f"{first}.{last}".lower()
            if local not in self.used:
                self.used.add(local)
                return first, last, f"{local}@{DEMO_DOMAIN}"


def _plan_people() -> list[Person]:
    rng = random.Random(20261125)
    names = _Names(rng)
    company = participant_services.org_unit_ensure_path(path=["Northwind Group"])
    first, last, _ = names.next()
    ceo = Person(f"ceo@{DEMO_DOMAIN}", first, last, "Chief Executive Officer", 7, company, None)
    people = [ceo]
    for department, head_title, teams in DEPARTMENTS:
        dept_unit = participant_services.org_unit_ensure_path(path=["Northwind Group", department])
        first, last, email = names.next()
        head = Person(email, first, last, head_title, 6, dept_unit, ceo)
        people.append(head)
        for team, (lead_title, senior_title, mid_title, junior_title) in teams:
            unit = participant_services.org_unit_ensure_path(path=["Northwind Group", department, team])
            first, last, email = names.next()
            lead = Person(email, first, last, lead_title, 5, unit, head)
            people.append(lead)
            for _ in range(3):
                first, last, email = names.next()
                senior = Person(email, first, last, senior_title, 4, unit, lead)
                people.append(senior)
                for _ in range(rng.choice([2, 3, 3, 4])):
                    first, last, email = names.next()
                    level = rng.choice([2, 3, 3])
                    people.append(Person(email, first, last, mid_title, level, unit, senior))
                first, last, email = names.next()
                people.append(Person(email, first, last, junior_title, 1, unit, senior))
    return people


def _fixed_logins(people: list[Person]) -> dict[str, DemoLogin]:
    """Give a few planned people memorable addresses, one per role the demo shows."""
    hr = next(p for p in people if p.title == "HR Director")
    hr.email = f"hr@{DEMO_DOMAIN}"
    manager = next(p for p in people if p.title == "Principal Engineer")
    manager.email = f"manager@{DEMO_DOMAIN}"
    senior = next(p for p in people if p.title == "Senior Product Manager")
    senior.email = f"mentor@{DEMO_DOMAIN}"
    junior = next(p for p in people if p.title == "Junior Data Analyst")
    junior.email = f"junior@{DEMO_DOMAIN}"
    return {
        "hr": DemoLogin("HR admin", hr.email),
        "manager": DemoLogin("Manager (Principal Engineer)", manager.email),
        "mentor": DemoLogin("Senior employee", senior.email),
        "junior": DemoLogin("Junior employee", junior.email),
    }


@transaction.atomic
def seed_organisation() -> list[DemoLogin]:
    people = _plan_people()
    logins = _fixed_logins(people)
    rng = random.Random(7)
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: hashing per person takes minutes
    by_email: dict[str, Participant] = {}
    for person in people:
        user, _ = User.objects.get_or_create(
            email=person.email,
            defaults={"first_name": person.first, "last_name": person.last, "password": password_hash},
        )
        EmailAddress.objects.get_or_create(user=user, email=person.email, defaults={"verified": True, "primary": True})
        participant = participant_services.participant_ensure(user=user)
        languages = ["en", *sorted(rng.sample(EXTRA_LANGUAGES, rng.choice([0, 1, 1, 2])))]
        profile = {
            "job_title": person.title,
            "org_unit": person.unit,
            "manager": by_email[person.manager.email] if person.manager else None,
            "career_level": person.level,
            "years_experience": max(0, person.level * 3 + rng.randint(-2, 4) - 3),
            "timezone": rng.choice(TIMEZONES),
            "languages": languages,
            "availability_hours": rng.choice([2, 4, 4, 6, 8]),
            "bio": f"{person.title} in {person.unit.name}.",
            "hire_date": date(2026 - min(person.level * 2, 12) + rng.randint(0, 2), rng.randint(1, 12), 1),
            "onboarded_at": ONBOARDED_AT,
            **{name: rng.randint(1, 5) for name, *_ in WORK_STYLE_QUESTIONS},
        }
        changed = [name for name, value in profile.items() if getattr(participant, name) != value]
        if changed:
            for name in changed:
                setattr(participant, name, profile[name])
            participant.save()
        by_email[person.email] = participant
    participant_services.hr_admin_grant(user=User.objects.get(email=logins["hr"].email))
    return list(logins.values())


# Technical skills that fit each department, so a finance analyst does not list Kubernetes.
DEPARTMENT_SKILLS = {
    "Engineering": [
        "SQL",
        "Python",
        "JavaScript and TypeScript",
        "Java",
        "Cloud architecture",
        "Kubernetes",
        "Docker and containers",
        "DevOps and CI/CD",
        "Infrastructure as code",
        "Software testing",
        "Software architecture",
        "Data engineering",
        "Statistics",
        "Network security",
    ],
    "Product": ["Market research", "Technical writing", "Statistics", "SQL"],
    "Sales": ["Sales techniques", "Customer success", "Market research"],
    "Marketing": ["Market research", "Statistics", "Technical writing"],
    "Finance": ["Financial modelling", "Accounting fundamentals", "Financial analysis", "Risk management"],
    "People": ["Talent acquisition", "Employment law basics"],
    "Operations": ["Supply chain planning", "Procurement", "Lean and process improvement"],
    "Customer Success": ["Customer success", "Sales techniques", "Technical writing"],
    "Legal": ["Contract law basics", "Regulatory compliance", "Risk management"],
}


def _department_of(participant: Participant, units: dict[int, OrgUnit]) -> str:
    unit = units.get(participant.org_unit_id or 0)
    while unit is not None and unit.parent_id is not None and units[unit.parent_id].parent_id is not None:
        unit = units[unit.parent_id]
    return unit.name if unit else ""


def _inventory_for(
    level: int, department: str, skills: dict[str, list[Skill]], by_name: dict[str, Skill], rng: random.Random
) -> dict[int, tuple[int, int, bool]]:
    """skill id -> (level, want priority, can teach). Seniors are strong in leadership and their
    trade and want digital skills; juniors are digital natives who want leadership and career."""
    senior = level >= 4
    entries: dict[int, tuple[int, int, bool]] = {}

    def add(skill: Skill, low: int, high: int, want: int = 0) -> None:
        skill_level = rng.randint(low, high)
        entries[skill.pk] = (skill_level, want, skill_level >= 4 and rng.random() < 0.85)

    trade = [by_name[name] for name in DEPARTMENT_SKILLS.get(department, []) if name in by_name]
    for skill in rng.sample(trade, min(len(trade), rng.randint(2, 4))):
        add(skill, *((3, 5) if senior else (1, 3)), want=0 if senior else rng.choice([0, 1, 2]))
    if senior:
        for skill in rng.sample(skills[SkillCategory.LEADERSHIP], rng.randint(3, 5)):
            add(skill, 3, 5)
        digital_native = rng.random() < 0.1  # some seniors are digital experts too
        for skill in rng.sample(skills[SkillCategory.DIGITAL], rng.randint(2, 4)):
            add(skill, *((3, 5) if digital_native else (0, 2)), want=0 if digital_native else rng.choice([1, 2, 3, 3]))
        for skill in rng.sample(skills[SkillCategory.INTERPERSONAL], 2):
            add(skill, 3, 5)
    else:
        for skill in rng.sample(skills[SkillCategory.DIGITAL], rng.randint(3, 6)):
            add(skill, 3, 5)
        for skill in rng.sample(skills[SkillCategory.LEADERSHIP], rng.randint(1, 3)):
            add(skill, 0, 2, want=rng.choice([1, 2, 3, 3]))
        for skill in rng.sample(skills[SkillCategory.CAREER], rng.randint(1, 2)):
            add(skill, 0, 2, want=rng.choice([2, 3]))
        for skill in rng.sample(skills[SkillCategory.INTERPERSONAL], 1):
            add(skill, 1, 3, want=rng.choice([0, 1, 2]))
    return entries


@transaction.atomic
def seed_inventories() -> int:
    """Skill inventories for demo people who have none yet. Returns how many people got one."""
    skill_services.catalogue_seed()  # normally there from the migration, unless the data was flushed
    active = list(Skill.objects.filter(retired_at=None).order_by("name"))
    skills: dict[str, list[Skill]] = {category: [] for category in SkillCategory.values}
    for skill in active:
        skills[skill.category].append(skill)
    by_name = {skill.name: skill for skill in active}
    units = {unit.pk: unit for unit in OrgUnit.objects.all()}
    has_inventory = set(SkillEntry.objects.values_list("participant_id", flat=True).distinct())
    people = Participant.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}").order_by("id")
    new_entries, new_assessments = [], []
    for participant in people:
        if participant.pk in has_inventory:
            continue
        rng = random.Random(participant.user_id * 7919)  # per person, so order does not matter
        inventory = _inventory_for(
            participant.career_level or 1, _department_of(participant, units), skills, by_name, rng
        )
        for skill_id, (level, want, can_teach) in sorted(inventory.items()):
            new_entries.append(
                SkillEntry(
                    participant=participant, skill_id=skill_id, level=level, want_priority=want, can_teach=can_teach
                )
            )
            new_assessments.append(
                Assessment(
                    participant=participant,
                    skill_id=skill_id,
                    level=level,
                    source=AssessmentSource.SELF,
                    assessed_at=ONBOARDED_AT,
                )
            )
    SkillEntry.objects.bulk_create(new_entries, batch_size=1000)
    Assessment.objects.bulk_create(new_assessments, batch_size=1000)
    return len({entry.participant_id for entry in new_entries})


@dataclass(frozen=True)
class DemoProgram:
    name: str
    kind: str
    objectives: str
    focus: tuple[str, ...]
    # Who joins, and as what: a function of (career level, wanted skill ids, teachable skill ids).
    role_for: Callable[[int, set[int], set[int]], str | None]
    limit: int


def _reverse_role(level: int, wants: set[int], teaches: set[int]) -> str | None:
    if level <= 3 and teaches:
        return EnrollmentRole.MENTOR
    if level >= 5 and wants:
        return EnrollmentRole.MENTEE
    return None


def traditional_role(level: int, wants: set[int], teaches: set[int]) -> str | None:
    if level >= 4 and teaches:
        return EnrollmentRole.MENTOR
    if level <= 3 and wants:
        return EnrollmentRole.MENTEE
    return None


def _swap_role(level: int, wants: set[int], teaches: set[int]) -> str | None:
    return EnrollmentRole.BOTH if wants and teaches else None


def _peer_role(level: int, wants: set[int], teaches: set[int]) -> str | None:
    if not 2 <= level <= 4:
        return None
    if wants and teaches:
        return EnrollmentRole.BOTH
    return EnrollmentRole.MENTEE if wants else EnrollmentRole.MENTOR if teaches else None


DEMO_PROGRAMS = [
    DemoProgram(
        "Reverse mentoring: AI and digital fluency for leaders",
        ProgramKind.REVERSE,
        "Every senior leader uses generative AI tools safely in their weekly work by the end of the program.\n"
        "Leaders can read and question a data dashboard without help.\n"
        "Juniors practise explaining technology to executives.",
        (SkillCategory.DIGITAL,),
        _reverse_role,
        60,
    ),
    DemoProgram(
        "Leadership pathways",
        ProgramKind.TRADITIONAL,
        "Mentees lead a small project or team ritual within six months.\n"
        "Each mentee has a written career plan agreed with their mentor.\n"
        "Mentees give structured feedback with confidence.",
        (SkillCategory.LEADERSHIP, SkillCategory.CAREER),
        traditional_role,
        70,
    ),
    DemoProgram(
        "Skill swap: data meets storytelling",
        ProgramKind.RECIPROCAL,
        "Each pair swaps one digital or technical skill for one interpersonal skill.\n"
        "Both people present what they learned at a team meeting.",
        (SkillCategory.DIGITAL, SkillCategory.TECHNICAL, SkillCategory.INTERPERSONAL),
        _swap_role,
        40,
    ),
    DemoProgram(
        "Peer reskilling: cloud and automation",
        ProgramKind.PEER,
        "Colleagues at similar levels each learn one cloud or automation skill to practitioner level (3).\n"
        "Every pair automates one manual task in their team.",
        (SkillCategory.TECHNICAL, SkillCategory.DIGITAL),
        _peer_role,
        40,
    ),
]


def _pick(skill_ids: set[int], ranking: dict[int, int], count: int) -> list[int]:
    return sorted(skill_ids, key=lambda pk: (-ranking.get(pk, 0), pk))[:count]


def _enroll_pool(program: Program, spec: DemoProgram, people: list[Participant]) -> int:
    focus = program_services.focus_skill_ids(program)
    entries: dict[int, list[SkillEntry]] = {}
    for entry in SkillEntry.objects.filter(participant__in=people, skill__retired_at=None):
        if focus is None or entry.skill_id in focus:
            entries.setdefault(entry.participant_id, []).append(entry)
    # Each role fills up to half the limit, so no pool ends up all mentors or all mentees.
    per_role: dict[str, int] = {}
    for participant in people:
        mine = entries.get(participant.pk, [])
        wants = {e.skill_id for e in mine if e.want_priority > 0}
        teaches = {e.skill_id for e in mine if e.can_teach or e.level >= program_services.USEFUL_TEACHING_LEVEL}
        role = spec.role_for(participant.career_level or 1, wants, teaches)
        if role is None or per_role.get(role, 0) >= spec.limit // (1 if role == EnrollmentRole.BOTH else 2):
            continue
        priority = {e.skill_id: e.want_priority for e in mine}
        level = {e.skill_id: e.level for e in mine}
        data = {
            "role": role,
            "goals": _pick(wants, priority, 3),
            "offers": _pick(teaches, level, 4),
            "capacity": 2 if program.kind == ProgramKind.TRADITIONAL else 1,
            "motivation": "I want to grow and to help others grow.",
        }
        try:
            program_services.enrollment_create(program=program, participant=participant, data=data)
        except ValidationError:
            continue  # not eligible: the demo skips them as the enrollment page would
        per_role[role] = per_role.get(role, 0) + 1
    return sum(per_role.values())


def demo_program_create(spec: DemoProgram, *, hr: User, rng: random.Random) -> Program:
    """Create the program as HR would, open enrollment and enroll a pool through the service."""
    today = timezone.localdate()
    program = program_services.program_create(
        data={
            "name": spec.name,
            "kind": spec.kind,
            "objectives": spec.objectives,
            "focus_categories": list(spec.focus),
            "enrollment_opens": today - timedelta(days=7),
            "enrollment_closes": today + timedelta(days=14),
            "starts_on": today + timedelta(days=21),
        },
        by=hr,
    )
    program = program_services.program_transition(program=program, to=ProgramStatus.ENROLLING, by=hr)
    people = list(
        Participant.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}")
        .exclude(user=hr)
        .select_related("user")
        .order_by("id")
    )
    rng.shuffle(people)
    # The demo logins go first, so whoever tries the demo finds themselves in the programs.
    fixed = {f"{name}@{DEMO_DOMAIN}" for name in ("junior", "mentor", "manager")}
    people.sort(key=lambda person: person.user.email not in fixed)
    _enroll_pool(program, spec, people)
    return program


@transaction.atomic
def seed_programs() -> list[Program]:
    """One program of each kind, open for enrollment, with a realistic pool. Made once, by name."""
    hr = User.objects.get(email=f"hr@{DEMO_DOMAIN}")
    rng = random.Random(11)
    programs = []
    for spec in DEMO_PROGRAMS:
        program = Program.objects.filter(name=spec.name).first()
        programs.append(program or demo_program_create(spec, hr=hr, rng=rng))
    return programs
