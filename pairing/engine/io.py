"""Pool and solution files (JSON), so HR analysts can run and audit matching offline.

The formats are documented in README.md ("Pool file", "Solution file").
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any, cast

from pairing.engine.model import (
    KINDS,
    Kind,
    Pair,
    Person,
    Role,
    Rules,
    SkillEntry,
    SkillFlow,
    Solution,
    Unmatched,
    Weights,
)


class PoolError(ValueError):
    pass


Pool = tuple[list[Person], list[Person], Rules]


def person_from_json(data: Mapping[str, Any]) -> Person:
    skills = {
        int(entry["skill"]): SkillEntry(
            level=int(entry.get("level", 0)),
            wants=int(entry.get("wants", 0)),
            can_teach=bool(entry.get("can_teach", False)),
        )
        for entry in data.get("skills", [])
    }
    hours = data.get("work_hours", [9, 17])
    return Person(
        id=int(data["id"]),
        level=int(data.get("level", 0)),
        skills=skills,
        capacity=int(data.get("capacity", 1)),
        name=str(data.get("name", "")),
        org_unit_id=None if data.get("org_unit_id") is None else int(data["org_unit_id"]),
        org_path=tuple(int(u) for u in data.get("org_path", [])),
        line_ids=frozenset(int(i) for i in data.get("line_ids", [])),
        languages=frozenset(str(x) for x in data.get("languages", [])),
        utc_offset=float(data.get("utc_offset", 0.0)),
        work_hours=(float(hours[0]), float(hours[1])),
        availability=None if data.get("availability") is None else float(data["availability"]),
        work_style=tuple(int(x) for x in data.get("work_style", [])),
    )


def person_to_json(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "level": person.level,
        "capacity": person.capacity,
        "org_unit_id": person.org_unit_id,
        "org_path": list(person.org_path),
        "line_ids": sorted(person.line_ids),
        "languages": sorted(person.languages),
        "utc_offset": person.utc_offset,
        "work_hours": list(person.work_hours),
        "availability": person.availability,
        "work_style": list(person.work_style),
        "skills": [
            {"skill": s, "level": e.level, "wants": e.wants, "can_teach": e.can_teach}
            for s, e in sorted(person.skills.items())
        ],
    }


def _pairs(data: Any) -> frozenset[tuple[int, int]]:
    return frozenset((int(a), int(b)) for a, b in data or [])


def rules_from_json(data: Mapping[str, Any], skill_names: Mapping[int, str]) -> Rules:
    kind = data.get("kind", "traditional")
    if kind not in KINDS:
        raise PoolError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    per_person = data.get("candidates_per_person", 150)
    return Rules(
        kind=cast(Kind, kind),
        level_gap=None if data.get("level_gap") is None else int(data["level_gap"]),
        skill_focus=frozenset(int(s) for s in data.get("skill_focus", [])),
        other_unit_only=bool(data.get("other_unit_only", False)),
        shared_language=bool(data.get("shared_language", True)),
        min_overlap_hours=float(data.get("min_overlap_hours", 0.0)),
        avoid_previous=bool(data.get("avoid_previous", True)),
        previous_pairs=_pairs(data.get("previous_pairs")),
        blocks=_pairs(data.get("blocks")),
        requests=_pairs(data.get("requests")),
        weights=Weights(**{k: float(v) for k, v in data.get("weights", {}).items()}),
        candidates_per_person=None if per_person is None else int(per_person),
        raise_floor=bool(data.get("raise_floor", False)),
        skill_names=skill_names,
    )


def rules_to_json(rules: Rules) -> dict[str, Any]:
    return {
        "kind": rules.kind,
        "level_gap": rules.level_gap,
        "skill_focus": sorted(rules.skill_focus),
        "other_unit_only": rules.other_unit_only,
        "shared_language": rules.shared_language,
        "min_overlap_hours": rules.min_overlap_hours,
        "avoid_previous": rules.avoid_previous,
        "previous_pairs": sorted(list(p) for p in rules.previous_pairs),
        "blocks": sorted(list(p) for p in rules.blocks),
        "requests": sorted(list(p) for p in rules.requests),
        "weights": asdict(rules.weights),
        "candidates_per_person": rules.candidates_per_person,
        "raise_floor": rules.raise_floor,
    }


def pool_from_json(data: Mapping[str, Any]) -> Pool:
    skill_names = {int(k): str(v) for k, v in data.get("skills", {}).items()}
    rules = rules_from_json(data.get("rules", {}), skill_names)
    if rules.is_general:
        people = [person_from_json(p) for p in data.get("participants", [])]
        people += [person_from_json(p) for p in (*data.get("mentors", []), *data.get("mentees", []))]
        return people, [], rules
    if "participants" in data:
        raise PoolError(f"a {rules.kind} pool lists 'mentors' and 'mentees', not 'participants'")
    mentors = [person_from_json(p) for p in data.get("mentors", [])]
    mentees = [person_from_json(p) for p in data.get("mentees", [])]
    return mentors, mentees, rules


def pool_to_json(mentors: Sequence[Person], mentees: Sequence[Person], rules: Rules) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rules": rules_to_json(rules),
        "skills": {str(k): v for k, v in sorted(rules.skill_names.items())},
    }
    if rules.is_general:
        out["participants"] = [person_to_json(p) for p in (*mentors, *mentees)]
    else:
        out["mentors"] = [person_to_json(p) for p in mentors]
        out["mentees"] = [person_to_json(p) for p in mentees]
    return out


def read_pool(path: str) -> Pool:
    with open(path, encoding="utf-8") as handle:
        return pool_from_json(json.load(handle))


def solution_to_json(solution: Solution) -> dict[str, Any]:
    return {
        "kind": solution.kind,
        "total_score": solution.total,
        "pairs": [
            {
                "mentor_id": p.mentor_id,
                "mentee_id": p.mentee_id,
                "score": p.score,
                "factors": dict(p.factors),
                "flows": [asdict(f) for f in p.flows],
                "explanation": list(p.explanation),
                "facts": dict(p.facts),
            }
            for p in solution.pairs
        ],
        "unmatched": [asdict(u) for u in solution.unmatched],
        "quality": solution.quality,
    }


def solution_from_json(data: Mapping[str, Any]) -> Solution:
    kind = data["kind"]
    if kind not in KINDS:
        raise PoolError(f"unknown kind {kind!r}")
    return Solution(
        kind=cast(Kind, kind),
        pairs=tuple(
            Pair(
                mentor_id=int(p["mentor_id"]),
                mentee_id=int(p["mentee_id"]),
                score=float(p["score"]),
                factors={k: float(v) for k, v in p["factors"].items()},
                flows=tuple(SkillFlow(**f) for f in p.get("flows", [])),
                explanation=tuple(p.get("explanation", [])),
                facts=dict(p.get("facts", {})),
            )
            for p in data["pairs"]
        ),
        unmatched=tuple(
            Unmatched(
                person_id=int(u["person_id"]),
                role=cast(Role, u["role"]),
                reason=str(u["reason"]),
                text=str(u["text"]),
            )
            for u in data["unmatched"]
        ),
        quality=data.get("quality", {}),
    )


def dumps(solution: Solution, indent: int | None = 2) -> str:
    return json.dumps(solution_to_json(solution), indent=indent, sort_keys=False)
