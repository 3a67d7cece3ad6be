"""Why each unmatched person is unmatched: one code and one plain sentence, computed from
facts that hold in the final solution, over every allowed pair (not just the candidates).

Learners (mentees; everyone in a general pool), in this order:
- nobody can teach them anything they want (`nothing_to_learn`, `no_teacher`, `no_learner`,
  `no_swap`);
- everyone who could teach them breaks a hard rule: one rule for all of them (`seniority`,
  `reporting_line`, `same_unit`, `language`, `working_hours`, `previously_paired`,
  `blocked`, `learning_floor`), or several (`rules`);
- otherwise they have allowed partners, and the final solution says why none took them:
  - `capacity`: every allowed partner is full (a mentor at capacity; in a general pool, in a
    pair) and each of their current pairs scores at least what this person would score with
    them;
  - `lower_total`: every allowed partner is full, but some would score higher with this
    person than with their weakest current pair; taking this person would leave that pair's
    other member worse off by more, so the overall total would fall (true of an optimum;
    with a raised floor, "or the floor");
  - `below_floor`: a partner with room exists, but every such pair scores below the floor
    this run raised the weakest pair to;
  - `no_gain`: a partner with room exists, but every such pair scores 0.
Idle mentors (capacity left, no mentee): `nothing_to_teach`, `no_learner` (no allowed mentee
at all), `mentees_elsewhere` (every allowed mentee is paired with a score at least their
score with this mentor), `below_floor`, `no_gain` (an allowed mentee is free but every such
pair is below the floor or scores 0), `lower_total` (otherwise: only with a raised floor).

The test suite recomputes every reason from the plain-Python rules and scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pairing.engine.candidates import block_rows, expertise, rule_masks, score_block
from pairing.engine.explain import plural
from pairing.engine.features import Features, IntArray
from pairing.engine.model import SCORE_SCALE, Person, Role, Rules, Unmatched
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
    "learning_floor": "not far enough ahead in a skill you want",
}
ALL_RULED_OUT = {
    "reporting_line": "all qualified {who} are in your reporting line",
    "same_unit": "all qualified {who} are in your own org unit",
    "language": "no qualified {one} shares a language with you",
    "working_hours": "no qualified {one} has {hours:g}+ working hours overlapping yours",
    "previously_paired": "every qualified {one} was paired with you before",
    "blocked": "every qualified {one} is blocked from pairing with you",
    "learning_floor": (
        "no qualified {one} is {gap} or more levels ahead of you in a skill you want (the program's learning floor)"
    ),
}


def unmatched(
    features: Features,
    matched_rows: IntArray,
    matched_cols: IntArray,
    matched_scores: IntArray,
    floor: int | None = None,
) -> list[Unmatched]:
    """Reasons for everyone the solution leaves out. `floor` is the raised floor (scaled)
    when the run raised the weakest pair, else None."""
    state = _State(features, matched_rows, matched_cols, matched_scores)
    lonely = np.flatnonzero(state.row_score < 0).astype(np.int64)
    role: Role = "participant" if features.general else "mentee"
    out = [
        Unmatched(person_id=features.rows.people[i].id, role=role, reason=code, text=text)
        for i, (code, text) in zip(lonely.tolist(), _diagnose(features, state, lonely, floor), strict=True)
    ]
    if not features.general:
        out.extend(_idle_mentors(features, state, floor))
    return sorted(out, key=lambda u: (u.role, u.person_id))


class _State:
    """Facts of the final solution: each row's pair score (-1 when single), each column's
    load and weakest pair (general pools: columns are the same people as rows)."""

    def __init__(self, features: Features, rows: IntArray, cols: IntArray, scores: IntArray) -> None:
        n_rows, n_cols = len(features.rows), len(features.cols)
        self.row_score = np.full(n_rows, -1, dtype=np.int64)
        self.row_score[rows] = scores
        if features.general:
            self.row_score[cols] = scores
            self.load = (self.row_score >= 0).astype(np.int64)
            self.capacity = np.ones(n_cols, dtype=np.int64)
            self.weakest = self.row_score.copy()
        else:
            self.load = np.bincount(cols, minlength=n_cols).astype(np.int64)
            self.capacity = features.cols.capacity
            self.weakest = np.full(n_cols, np.iinfo(np.int64).max, dtype=np.int64)
            np.minimum.at(self.weakest, cols, scores)
        self.full = self.load >= self.capacity


def _diagnose(features: Features, state: _State, rows: IntArray, floor: int | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    step = block_rows(features)
    for start in range(0, len(rows), step):
        block = rows[start : start + step]
        scaled = score_block(features, block).astype(np.int64)
        allowed = scaled >= 0
        if features.general:
            allowed[np.arange(len(block)), block] = False
        need_rules = ~allowed.any(axis=1)
        masks: dict[str, np.ndarray] = {}
        to_row = from_row = None
        if need_rules.any():
            to_row, from_row = expertise(features, block)
            masks = rule_masks(features, block, to_row, from_row)
        for i, row in enumerate(block.tolist()):
            if allowed[i].any():
                found.append(_taken(features, state, scaled[i], allowed[i], floor))
                continue
            qualified = masks["skills"][i]
            if not qualified.any():
                person = features.rows.people[row]
                found.append(_no_skills(features, person, to_row[i], from_row, i))  # type: ignore[index]  # expertise() has set to_row for mentor/mentee pools
            else:
                rest = {k: m[i] for k, m in masks.items() if k != "skills"}
                if features.general:
                    qualified = qualified.copy()
                    qualified[row] = False
                found.append(_ruled_out(features, qualified, rest))
    return found


def _who(features: Features, n: int = 2) -> str:
    if features.general:
        return "person" if n == 1 else "people"
    return "mentor" if n == 1 else "mentors"


def _taken(
    features: Features, state: _State, scores: np.ndarray, allowed: np.ndarray, floor: int | None
) -> tuple[str, str]:
    """An unmatched learner with allowed partners: why the solution gave them nobody."""
    cols = np.flatnonzero(allowed)
    n = len(cols)
    open_ = cols[~state.full[cols]]
    if len(open_):
        return _open(features, scores[open_], floor, "could pair with you")
    who = plural(n, _who(features, 1), _who(features, 2))
    if (state.weakest[cols] >= scores[cols]).all():
        no_places = state.capacity[cols] == 0
        if no_places.all():
            return (
                "capacity",
                f"the {who} you could pair with have no places left in this program"
                if n > 1
                else "the one mentor you could pair with has no places left in this program",
            )
        if no_places.any():
            return (
                "capacity",
                f"all {who} you could pair with are full: some have no places left in this program, the others "
                "have mentees who score at least as high with them as you would",
            )
        if features.general:
            return (
                "capacity",
                f"all {who} you could pair with are in pairs that score at least as high as you would with them"
                if n > 1
                else "the one person you could pair with is in a pair that scores at least as high as you would",
            )
        return (
            "capacity",
            f"all {who} you could pair with are full with mentees who score at least as high with them as you would"
            if n > 1
            else "the one mentor you could pair with is full with mentees who score at least as high as you would",
        )
    return ("lower_total", _lower_total_text(features, n, floor))


def _lower_total_text(features: Features, n: int, floor: int | None) -> str:
    what = "the overall total" if floor is None else "the overall total or the raised floor"
    if features.general:
        start = "the one person you could pair with is" if n == 1 else f"all {n} people you could pair with are"
        return f"{start} already in a pair; breaking one up to fit you in would lower {what}"
    start = "the one mentor you could pair with is" if n == 1 else f"all {n} mentors you could pair with are"
    return f"{start} full; fitting you in would leave someone else worse off by more and lower {what}"


def _open(features: Features, scores: np.ndarray, floor: int | None, what: str) -> tuple[str, str]:
    """Someone with room exists: only a raised floor or a zero score explains it."""
    if floor is not None and (scores < floor).all():
        return (
            "below_floor",
            f"every pair open to you scores below {floor / SCORE_SCALE:g}, "
            "the floor this run raised the weakest pair to",
        )
    if (scores <= 0).all():
        return ("no_gain", f"the only {_who(features)} who have room and {what} would add nothing to the total")
    return ("lower_total", "pairing you would lower the overall total or the raised floor")


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
    many, one = _who(features), _who(features, 1)
    for code in RULE_TEXT:
        mask = masks.get(code)
        if mask is None or mask[qualified].any():
            continue
        if code == "seniority":
            return ("seniority", _seniority_text(rules, one))
        if code in ALL_RULED_OUT:
            text = ALL_RULED_OUT[code].format(
                who=many, one=one, hours=rules.min_overlap_hours, gap=rules.learning_floor
            )
            return (code, text)
    failing = {code: int((~mask[qualified]).sum()) for code, mask in masks.items() if code != "self"}
    listed = ", ".join(f"{n} {SHORT[code]}" for code, n in failing.items() if n)
    n = int(qualified.sum())
    return ("rules", f"each of the {plural(n, one, many)} who could teach you breaks a program rule ({listed})")


def _seniority_text(rules: Rules, one: str) -> str:
    if rules.kind == "traditional":
        return f"no qualified {one} is at least {plural(rules.gap, 'career level')} above you"
    if rules.kind == "reverse":
        return f"no qualified {one} is at least {plural(max(rules.gap, 1), 'career level')} below you"
    return f"no qualified {one} is within {plural(rules.gap, 'career level')} of you"


def _idle_mentors(features: Features, state: _State, floor: int | None) -> list[Unmatched]:
    rules = features.rules
    idle = np.flatnonzero((state.load == 0) & (features.cols.capacity > 0))
    if len(idle) == 0:
        return []
    # Every mentee against the idle mentors only: what is allowed, and at what score.
    allowed_any = np.zeros(len(idle), dtype=bool)
    free_scores: list[list[int]] = [[] for _ in idle]
    elsewhere_worse = np.zeros(len(idle), dtype=bool)
    step = max(16, 1_000_000 // max(len(idle), 1))
    n_rows = len(features.rows)
    for start in range(0, n_rows, step):
        block = np.arange(start, min(start + step, n_rows), dtype=np.int64)
        scaled = score_block(features, block, idle).astype(np.int64)
        allowed = scaled >= 0
        allowed_any |= allowed.any(axis=0)
        current = state.row_score[block]
        single = allowed & (current[:, None] < 0)
        for j in np.flatnonzero(single.any(axis=0)).tolist():
            free_scores[j].extend(scaled[single[:, j], j].tolist())
        elsewhere_worse |= (allowed & (current[:, None] >= 0) & (current[:, None] < scaled)).any(axis=0)
    out = []
    for j, i in enumerate(idle.tolist()):
        mentor = features.cols.people[i]
        if not _teaches(mentor, rules):
            code, text = "nothing_to_teach", "you have not offered to teach any of the program's focus skills"
        elif not allowed_any[j]:
            code, text = (
                "no_learner",
                "no enrolled mentee wants a skill you teach at a level you are clearly ahead of, "
                "within the program rules",
            )
        elif free_scores[j]:
            code, text = _open(features, np.array(free_scores[j]), floor, "could learn from you")
        elif not elsewhere_worse[j]:
            code, text = (
                "mentees_elsewhere",
                "every mentee you could take is paired with a mentor they score at least as high with",
            )
        else:
            code, text = ("lower_total", "moving a mentee to you would lower the overall total or the raised floor")
        out.append(Unmatched(person_id=mentor.id, role="mentor", reason=code, text=text))
    return out


def _teaches(person: Person, rules: Rules) -> bool:
    return any(e.can_teach and counts(s, rules) for s, e in person.skills.items())


def reasons_by_code(items: Sequence[Unmatched]) -> dict[str, int]:
    tally: dict[str, int] = {}
    for item in items:
        tally[item.reason] = tally.get(item.reason, 0) + 1
    return dict(sorted(tally.items()))
