"""Realistic synthetic pools for the benchmark and tests (seeded, so runs repeat).

An org chart (divisions in different offices, departments, teams), a management chain
per person, skills in clusters that departments specialise in, seniority that shows in
skill levels, a few office languages and timezones, and real-looking availability.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pairing.engine.model import Kind, Person, Rules, SkillEntry

CATEGORIES = ("Digital", "Leadership", "Technical", "Career", "Interpersonal")
# (utc offset, local language) per division office
OFFICES = ((-5.0, "es"), (0.0, "en"), (1.0, "de"), (1.0, "fr"), (5.5, "hi"), (9.0, "ja"))
DEPARTMENTS_PER_DIVISION = 5
TEAMS_PER_DEPARTMENT = 4
CLUSTER_SIZE = 15


@dataclass(frozen=True)
class Pool:
    mentors: list[Person]
    mentees: list[Person]
    rules: Rules


def skill_names(n_skills: int) -> dict[int, str]:
    return {s: f"{CATEGORIES[(s // CLUSTER_SIZE) % len(CATEGORIES)]} skill {s}" for s in range(n_skills)}


def generate(
    n_people: int,
    kind: Kind = "traditional",
    mentor_share: float = 0.3,
    n_skills: int = 150,
    seed: int = 1,
    candidates_per_person: int | None = 150,
) -> Pool:
    rng = np.random.default_rng(seed)
    n_clusters = max(1, n_skills // CLUSTER_SIZE)
    general = kind in ("reciprocal", "peer")
    n_mentors = 0 if general else round(n_people * mentor_share)
    # Traditional mentors are senior; reverse mentors are junior digital natives.
    senior_mentors = kind == "traditional"
    levels = np.empty(n_people, dtype=np.int64)
    if general:
        levels[:] = rng.integers(1, 9, n_people)
    else:
        high, low = rng.integers(5, 10, n_people), rng.integers(1, 5, n_people)
        mentor_rows = np.arange(n_people) < n_mentors
        levels[:] = np.where(mentor_rows == senior_mentors, high, low)
    divisions = len(OFFICES)
    team = rng.integers(0, divisions * DEPARTMENTS_PER_DIVISION * TEAMS_PER_DEPARTMENT, n_people)
    department = team // TEAMS_PER_DEPARTMENT
    division = department // DEPARTMENTS_PER_DIVISION
    lines = _management_lines(levels, team, department, division)
    home = rng.integers(0, n_clusters, (divisions * DEPARTMENTS_PER_DIVISION, 2))
    people = []
    for i in range(n_people):
        is_mentor = i < n_mentors
        offset, local = OFFICES[int(division[i])]
        languages = {"en", local} if rng.random() < 0.9 else {local}
        people.append(
            Person(
                id=1000 + i,
                name=f"Person {1000 + i}",
                level=int(levels[i]),
                skills=_skills(rng, n_skills, home[department[i]], kind, is_mentor, int(levels[i])),
                capacity=int(rng.integers(1, 4)) if is_mentor else 1,
                org_unit_id=10_000 + int(team[i]),
                org_path=(1, 100 + int(division[i]), 1000 + int(department[i]), 10_000 + int(team[i])),
                line_ids=frozenset(1000 + j for j in lines[i]),
                languages=frozenset(languages),
                utc_offset=offset,
                work_hours=(float(8 + rng.integers(0, 3)), float(16 + rng.integers(0, 3))),
                availability=float(rng.choice([1, 2, 2, 3, 4, 4, 6, 8])),
                work_style=tuple(int(x) for x in rng.integers(1, 6, 5)),
            )
        )
    rules = Rules(
        kind=kind,
        min_overlap_hours=2.0,
        skill_names=skill_names(n_skills),
        candidates_per_person=candidates_per_person,
        requests=frozenset(_requests(rng, people, n_mentors, general)),
    )
    if general:
        return Pool(mentors=[], mentees=people, rules=rules)
    return Pool(mentors=people[:n_mentors], mentees=people[n_mentors:], rules=rules)


def _management_lines(
    levels: np.ndarray, team: np.ndarray, department: np.ndarray, division: np.ndarray
) -> list[list[int]]:
    """The most senior person of each team, department and division manages it; the most
    senior person overall runs the company. A manager's line skips themselves."""

    def heads(groups: np.ndarray) -> dict[int, int]:
        order = np.lexsort((np.arange(len(levels)), -levels))
        found: dict[int, int] = {}
        for i in order.tolist():
            found.setdefault(int(groups[i]), i)
        return found

    team_head, dept_head, div_head = heads(team), heads(department), heads(division)
    ceo = int(np.lexsort((np.arange(len(levels)), -levels))[0]) if len(levels) else -1
    lines = []
    for i in range(len(levels)):
        chain = [
            team_head[int(team[i])],
            dept_head[int(department[i])],
            div_head[int(division[i])],
            ceo,
        ]
        lines.append(sorted({j for j in chain if j != i}))
    return lines


def _skills(
    rng: np.random.Generator,
    n_skills: int,
    home_clusters: np.ndarray,
    kind: Kind,
    is_mentor: bool,
    career: int,
) -> dict[int, SkillEntry]:
    count = int(rng.integers(5, 26))
    home = np.concatenate([np.arange(c * CLUSTER_SIZE, min((c + 1) * CLUSTER_SIZE, n_skills)) for c in home_clusters])
    local = rng.random(count) < 0.7
    picks = np.where(local, rng.choice(home, count), rng.integers(0, n_skills, count))
    skills: dict[int, SkillEntry] = {}
    digital = set(range(min(CLUSTER_SIZE, n_skills)))  # cluster 0: digital & emerging tech
    for s in np.unique(picks).tolist():
        base = 1 + career / 3 + rng.normal(0, 1.0)
        if kind == "reverse" and s in digital:
            base = 4.5 - career / 3 + rng.normal(0, 0.8)  # the young know the new tools
        level = int(np.clip(round(base), 0, 5))
        teaches, wants = _roles(rng, kind, is_mentor, level)
        skills[s] = SkillEntry(level=level, wants=wants, can_teach=teaches)
    learns = not is_mentor or kind in ("reciprocal", "peer")
    if learns:  # people also want to learn things new to them, from anywhere
        for s in rng.integers(0, n_skills, int(rng.integers(1, 5))).tolist():
            if s not in skills:
                skills[s] = SkillEntry(level=int(rng.integers(0, 2)), wants=int(rng.integers(1, 4)))
    if kind == "reverse" and not is_mentor:  # senior mentees want digital skills
        for s in rng.choice(sorted(digital), 3, replace=False).tolist():
            skills[s] = SkillEntry(level=int(rng.integers(0, 2)), wants=int(rng.integers(2, 4)))
    return skills


def _roles(rng: np.random.Generator, kind: Kind, is_mentor: bool, level: int) -> tuple[bool, int]:
    teaches_side = is_mentor or kind in ("reciprocal", "peer")
    learns_side = not is_mentor or kind in ("reciprocal", "peer")
    teaches = teaches_side and level >= 3 and rng.random() < 0.75
    wants = int(rng.integers(1, 4)) if learns_side and level <= 3 and rng.random() < 0.45 else 0
    return teaches, wants


def _requests(rng: np.random.Generator, people: list[Person], n_mentors: int, general: bool) -> set[tuple[int, int]]:
    """About 2% of learners asked for someone by name."""
    if not people or (not general and n_mentors == 0):
        return set()
    out = set()
    learners = people if general else people[n_mentors:]
    targets = people if general else people[:n_mentors]
    for p in learners:
        if rng.random() < 0.02:
            q = targets[int(rng.integers(0, len(targets)))]
            if q.id != p.id:
                out.add((p.id, q.id))
    return out
