"""Why each unmatched person is unmatched, in one code and one plain sentence.

Learners are diagnosed with the same vectorised masks the candidate search uses: first
whether anyone can teach them at all, then which hard rule rules out everyone who can,
and otherwise that the people who could take them went to pairs that score higher.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pairing.engine.candidates import Candidates, block_rows, expertise, rule_masks
from pairing.engine.features import Features, IntArray
from pairing.engine.model import Person, Role, Rules, Unmatched
from pairing.engine.rules import RULE_TEXT, qualifying_level
from pairing.engine.score import counts

SHORT = {
    "self": "yourself",
    "seniority": "at the wrong seniority",
    "reporting_line": "in your reporting line",
    "same_unit": "in your own org unit",
    "language": "without a shared language",
    "working_hours": "without enough working-hour overlap",
    "previously_paired": "paired with you before",
    "blocked": "blocked",
}
ALL_RULED_OUT = {
    "reporting_line": "all qualified {who} are in your reporting line",
    "same_unit": "all qualified {who} are in your own org unit",
    "language": "no qualified {one} shares a language with you",
    "working_hours": "no qualified {one} has {hours:g}+ working hours overlapping yours",
    "previously_paired": "every qualified {one} was paired with you before",
    "blocked": "every qualified {one} is blocked from pairing with you",
}


def unmatched(features: Features, cands: Candidates, matched_rows: IntArray, matched_cols: IntArray) -> list[Unmatched]:
    n_rows = len(features.rows)
    is_matched = np.zeros(n_rows, dtype=bool)
    is_matched[matched_rows] = True
    if features.general:
        is_matched[matched_cols] = True
    lonely = np.nonzero(~is_matched)[0].astype(np.int64)
    role: Role = "participant" if features.general else "mentee"
    out = [
        Unmatched(person_id=person.id, role=role, reason=code, text=text)
        for person, (code, text) in zip(
            (features.rows.people[i] for i in lonely), _diagnose(features, lonely), strict=True
        )
    ]
    if not features.general:
        out.extend(_idle_mentors(features, cands, matched_cols))
    return sorted(out, key=lambda u: (u.role, u.person_id))


def _diagnose(features: Features, rows: IntArray) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    step = block_rows(features)
    for start in range(0, len(rows), step):
        block = rows[start : start + step]
        to_row, from_row = expertise(features, block)
        masks = rule_masks(features, block, to_row, from_row, detailed=True)
        qualified = masks.pop("skills")
        passing = qualified.copy()
        for mask in masks.values():
            passing &= mask
        for i, row in enumerate(block.tolist()):
            person = features.rows.people[row]
            if passing[i].any():
                found.append(_capacity(features, int(passing[i].sum())))
            elif not qualified[i].any():
                found.append(_no_skills(features, person, to_row[i], from_row, i))
            else:
                found.append(_ruled_out(features, qualified[i], {k: m[i] for k, m in masks.items()}))
    return found


def _who(features: Features) -> str:
    return "partners" if features.general else "mentors"


def _capacity(features: Features, allowed: int) -> tuple[str, str]:
    return (
        "capacity",
        f"capacity exhausted: the {allowed} {_who(features)} who could pair with you "
        "went to pairs that score higher overall",
    )


def _no_skills(
    features: Features,
    person: Person,
    taught: np.ndarray,
    learned: np.ndarray | None,
    i: int,
) -> tuple[str, str]:
    rules = features.rules
    wanted = _wanted(person, rules)
    if features.general and learned is not None:
        can_learn_from_someone = bool(taught.any())
        someone_learns = bool(learned[i].any())
        if rules.kind == "reciprocal" and can_learn_from_someone and someone_learns:
            return (
                "no_swap",
                "nobody who can teach you what you want wants to learn what you can teach",
            )
        if rules.kind == "reciprocal" and can_learn_from_someone:
            return ("no_learner", "nobody in the pool wants to learn what you can teach")
        if rules.kind == "peer" and not wanted:
            return ("no_learner", "nobody in the pool wants to learn what you can teach")
    if not wanted:
        return ("nothing_to_learn", "you have not asked to learn any of the program's focus skills")
    someone = "participant" if features.general else "mentor"
    wishes = " or ".join(
        f"{rules.skill_name(s)} at level {qualifying_level(level)}+"
        for s, level in wanted[:3]
        if qualifying_level(level) <= 5
    )
    if not wishes:
        return ("nothing_to_learn", "you are already at the top level in every skill you want")
    return ("no_teacher", f"no enrolled {someone} can teach {wishes}")


def _wanted(person: Person, rules: Rules) -> list[tuple[int, int]]:
    """(skill, own level) of what the person wants, highest priority first."""
    entries = [(s, e) for s, e in person.skills.items() if e.wants > 0 and counts(s, rules) and e.level < 5]
    entries.sort(key=lambda item: (-item[1].wants, item[0]))
    return [(s, e.level) for s, e in entries]


def _ruled_out(features: Features, qualified: np.ndarray, masks: dict[str, np.ndarray]) -> tuple[str, str]:
    rules = features.rules
    who = _who(features)
    for code in RULE_TEXT:
        mask = masks.get(code)
        if mask is None or mask[qualified].any():
            continue
        if code == "seniority":
            return ("seniority", _seniority_text(rules, who))
        if code in ALL_RULED_OUT:
            return (code, ALL_RULED_OUT[code].format(who=who, one=who[:-1], hours=rules.min_overlap_hours))
    failing = {code: int((~mask[qualified]).sum()) for code, mask in masks.items()}
    listed = ", ".join(f"{n} {SHORT[code]}" for code, n in failing.items() if n)
    return (
        "rules",
        f"each of the {int(qualified.sum())} qualified {who} breaks a program rule ({listed})",
    )


def _seniority_text(rules: Rules, who: str) -> str:
    if rules.kind == "traditional":
        return f"no qualified {who[:-1]} is at least {rules.gap} career levels above you"
    if rules.kind == "reverse":
        return f"no qualified {who[:-1]} is at least {max(rules.gap, 1)} career level below you"
    return f"no qualified {who[:-1]} is within {rules.gap} career level(s) of you"


def _idle_mentors(features: Features, cands: Candidates, matched_cols: IntArray) -> list[Unmatched]:
    rules = features.rules
    busy = np.zeros(len(features.cols), dtype=bool)
    busy[matched_cols] = True
    has_candidate = np.zeros(len(features.cols), dtype=bool)
    has_candidate[cands.cols] = True
    out = []
    for i in np.nonzero(~busy)[0].tolist():
        mentor = features.cols.people[i]
        if mentor.capacity <= 0:
            continue
        if not _teaches(mentor, rules):
            code, text = "nothing_to_teach", "you have not offered to teach any of the program's focus skills"
        elif not has_candidate[i] and cands.complete:
            code, text = (
                "no_learner",
                "no enrolled mentee wants a skill you teach at a level you are clearly ahead of, "
                "within the program rules",
            )
        elif not has_candidate[i]:
            code, text = (
                "not_shortlisted",
                "you were not among any mentee's best candidates (candidate lists are pruned)",
            )
        else:
            code, text = (
                "mentees_elsewhere",
                "every mentee you could take got a mentor who fits them better overall",
            )
        out.append(Unmatched(person_id=mentor.id, role="mentor", reason=code, text=text))
    return out


def _teaches(person: Person, rules: Rules) -> bool:
    return any(e.can_teach and counts(s, rules) for s, e in person.skills.items())


def reasons_by_code(items: Sequence[Unmatched]) -> dict[str, int]:
    tally: dict[str, int] = {}
    for item in items:
        tally[item.reason] = tally.get(item.reason, 0) + 1
    return dict(sorted(tally.items()))
