"""People turned into numpy feature matrices, so whole blocks of pairs score at once.

Expertise is a matrix product. For a learner at level v in skill s who wants it with
priority p, put p / (total wanted priority) in column (v, s) of the learner's row; for a
teacher who can teach s at level t, put skill_credit(t, v) in column (v, s) of the
teacher's row for every learner level v the teacher is clearly ahead of. The product of
the two rows is then exactly score.expertise_gain. Only columns used on both sides are
kept, so the width stays small.

Categorical attributes (org unit, working-hour window, languages) are reduced to groups;
rules and factors over them become small group-by-group tables looked up per pair.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from pairing.engine.model import MAX_SKILL_LEVEL, NEUTRAL_FACTOR, Person, Rules
from pairing.engine.rules import overlap_of_windows, shares_language, utc_window
from pairing.engine.score import answers, enough_time, skill_credit

F32 = np.float32
MAX_CONTEXTS = 3000
SECONDARY_WIDTH = 11
IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float32]


@dataclass(frozen=True)
class SparsePairs:
    """(row, col) index pairs sorted by row, with a CSR-style pointer per row."""

    indptr: IntArray
    cols: IntArray

    def in_rows(self, rows: IntArray) -> tuple[IntArray, IntArray]:
        """Pairs whose row is in `rows`, as (position in `rows`, col)."""
        starts = self.indptr[rows]
        lengths = self.indptr[rows + 1] - starts
        positions = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
        if len(positions) == 0:
            return positions, positions
        offsets = np.arange(len(positions), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return positions, self.cols[np.repeat(starts, lengths) + offsets]


@dataclass(frozen=True)
class Side:
    people: tuple[Person, ...]
    ids: IntArray
    levels: IntArray
    capacity: IntArray
    # What each person learns and teaches, (n, F) (see module docstring), and the floor: 1 where
    # teach counts for the learning floor (levels far enough ahead). As sparse rows: a learner
    # row has a handful of entries, so products on the sparse side cost a few ns per pair and
    # need no BLAS threads (which thrash on a loaded machine: measured 250-870 ns per pair for
    # small dense blocks at load 4).
    learn_rows: sp.csr_matrix
    teach_rows: sp.csr_matrix
    floor_rows: sp.csr_matrix
    # Transposed (F, n) dense copies for the column side of those products.
    learn_t: FloatArray
    teach_t: FloatArray
    floor_t: FloatArray
    secondary_left: FloatArray  # (n, SECONDARY_WIDTH) this side as the row of the secondary product
    secondary_right: FloatArray  # (n, SECONDARY_WIDTH) this side as the column
    constant_left: FloatArray  # (n,)
    constant_right: FloatArray  # (n,)
    unit: IntArray  # group index into Features tables
    window: IntArray
    language: IntArray
    context: IntArray  # group of (window, language, unit when the unit rule is on)

    def __len__(self) -> int:
        return len(self.people)


@dataclass(frozen=True)
class Features:
    rules: Rules
    rows: Side  # learners (mentees); everyone in a general pool
    cols: Side  # teachers (mentors); the same Side in a general pool
    general: bool
    cross_table: FloatArray  # unit group x unit group, cross-department factor 0-1
    same_unit_table: NDArray[np.bool_]
    overlap_table: FloatArray  # window group x window group, hours
    language_table: NDArray[np.bool_]
    # context x context: passes the unit, language and working-hour rules together (and the
    # seniority rule when seniority_in_context), so scoring needs one lookup per pair
    context_table: NDArray[np.bool_]
    seniority_in_context: bool
    forbidden: dict[str, SparsePairs]  # rule code -> pairs that break it
    requests: SparsePairs

    def index_of_row(self) -> dict[int, int]:
        return {p.id: i for i, p in enumerate(self.rows.people)}

    def index_of_col(self) -> dict[int, int]:
        return {p.id: i for i, p in enumerate(self.cols.people)}


def build(rows: Sequence[Person], cols: Sequence[Person], rules: Rules) -> Features:
    """Rows learn from cols. Pass the same people twice for a reciprocal or peer pool."""
    general = rules.is_general
    row_people = tuple(sorted(rows, key=lambda p: p.id))
    col_people = row_people if general else tuple(sorted(cols, key=lambda p: p.id))
    everyone = {p.id: p for p in (*row_people, *col_people)}.values()

    units = _Groups(everyone, lambda p: (p.org_unit_id, p.org_path))
    windows = _Groups(everyone, utc_window)
    languages = _Groups(everyone, lambda p: p.languages)

    learn_rows, teach_cols, learn_cols, teach_rows, floor_cols, floor_rows = _expertise_matrices(
        row_people, col_people, rules, general
    )
    unit_keys: list[tuple[int | None, tuple[int, ...]]] = units.keys  # type: ignore[assignment]  # the keys are the (unit, path) pairs grouped above
    same_unit = _equal_table([k[0] for k in unit_keys])
    overlap = _table(windows.keys, overlap_of_windows).astype(F32)
    language = _language_table(languages.keys)

    def context(p: Person, with_level: bool) -> tuple[int, int, int, int]:
        return (
            windows.index[utc_window(p)],
            languages.index[p.languages],
            units.index[(p.org_unit_id, p.org_path)] if rules.other_unit_only else -1,
            p.level if with_level else 0,
        )

    # The seniority rule joins the context table too, unless that makes the table large.
    with_level = rules.kind != "reciprocal"
    contexts = _Groups(everyone, lambda p: context(p, with_level))
    if with_level and len(contexts.keys) > MAX_CONTEXTS:
        with_level = False
        contexts = _Groups(everyone, lambda p: context(p, with_level))
    row_side = _side(row_people, learn_rows, teach_rows, floor_rows, rules, units, windows, languages, contexts)
    col_side = (
        row_side
        if general
        else _side(col_people, learn_cols, teach_cols, floor_cols, rules, units, windows, languages, contexts)
    )
    return Features(
        rules=rules,
        rows=row_side,
        cols=col_side,
        general=general,
        cross_table=_cross_table([k[1] for k in unit_keys]),
        same_unit_table=same_unit,
        overlap_table=overlap,
        language_table=language,
        context_table=_context_table(contexts.keys, rules, same_unit, overlap, language, with_level),
        seniority_in_context=with_level,
        forbidden=_forbidden(row_side, col_side, rules, general),
        requests=_sparse(row_side.ids, col_side.ids, _either_way(rules.requests), general),
    )


def _context_table(
    keys: Sequence[Hashable],
    rules: Rules,
    same_unit: NDArray[np.bool_],
    overlap: FloatArray,
    language: NDArray[np.bool_],
    with_level: bool,
) -> NDArray[np.bool_]:
    """Row context (learner) x column context (teacher): passes every rule it holds."""
    codes = np.array(keys, dtype=np.int64).reshape(len(keys), 4)
    window, lang, unit, level = (codes[:, i] for i in range(4))
    ok = np.ones((len(keys), len(keys)), dtype=bool)
    if with_level:
        ok &= seniority_table(rules, level[:, None], level[None, :])
    if rules.shared_language:
        ok &= language[lang[:, None], lang[None, :]]
    if rules.min_overlap_hours > 0:
        ok &= overlap[window[:, None], window[None, :]] >= rules.min_overlap_hours - 1e-9
    if rules.other_unit_only:
        ok &= ~same_unit[unit[:, None], unit[None, :]]
    return ok


def seniority_table(rules: Rules, learner: NDArray[np.int64], teacher: NDArray[np.int64]) -> NDArray[np.bool_]:
    """The seniority rule on arrays of career levels (broadcasting), as rules.seniority_ok."""
    diff = teacher - learner
    if rules.kind == "traditional":
        return diff >= rules.gap
    if rules.kind == "reverse":
        return -diff >= max(rules.gap, 1)
    if rules.kind == "peer":
        return np.abs(diff) <= rules.gap
    return np.ones(np.broadcast(learner, teacher).shape, dtype=bool)


class _Groups:
    def __init__(self, people: Iterable[Person], key: Callable[[Person], Hashable]) -> None:
        self.key = key
        index: dict[Hashable, int] = {}
        for person in sorted(people, key=lambda p: p.id):
            index.setdefault(key(person), len(index))
        self.index = index
        self.keys: list[Hashable] = list(index)

    def of(self, people: Sequence[Person]) -> IntArray:
        return np.array([self.index[self.key(p)] for p in people], dtype=np.int64)


def _expertise_matrices(
    rows: tuple[Person, ...], cols: tuple[Person, ...], rules: Rules, general: bool
) -> tuple[_Matrix, _Matrix, _Matrix, _Matrix, _Matrix, _Matrix]:
    """(learn rows, teach cols, learn cols, teach rows, floor cols, floor rows); a bipartite
    pool leaves learn cols, teach rows and floor rows empty because mentors do not learn and
    mentees do not teach there. learn @ floor.T > 0 exactly when the learning floor is met.

    One Python pass reads every skill entry; the rest is numpy (a loop per entry and learner
    level cost 0.7 s of 10,000 people, more than scoring every pair of them)."""
    learners = _learn_entries(_skill_entries(rows, rules))
    teachers, floor_entries = _teach_entries(_skill_entries(cols, rules), rules)
    column = np.intersect1d(learners.keys, teachers.keys)  # sorted: by learner level, then skill
    # A bipartite pool reads learners as sparse rows and teachers as dense columns only.
    learn = learners.matrix(len(rows), column, columns=general)
    teach = teachers.matrix(len(cols), column, rows=general)
    floor = floor_entries.matrix(len(cols), column, rows=general)
    if general:
        return learn, teach, learn, teach, floor, floor
    empty_rows, empty_cols = _Matrix.empty(len(rows)), _Matrix.empty(len(cols))
    return learn, teach, empty_cols, empty_rows, floor, empty_rows


@dataclass(frozen=True)
class _Matrix:
    """An expertise matrix as the scorer reads it: sparse rows (n, F) and dense columns (F, n)."""

    rows: sp.csr_matrix
    t: FloatArray

    @staticmethod
    def empty(n: int) -> _Matrix:
        return _Matrix(sp.csr_matrix((n, 0), dtype=F32), np.zeros((0, n), dtype=F32))


# Column keys: learner level * KEY_STRIDE + skill id, so sorted keys run by level, then skill.
KEY_STRIDE = 1 << 40


@dataclass(frozen=True)
class _SkillEntries:
    """Every counted skill entry of a side, one element per (person, skill)."""

    person: IntArray
    skill: IntArray
    level: IntArray  # as given (may lie outside 0-5)
    wants: IntArray
    can_teach: NDArray[np.bool_]


def _skill_entries(people: tuple[Person, ...], rules: Rules) -> _SkillEntries:
    flat = [(i, s, e.level, e.wants, e.can_teach) for i, p in enumerate(people) for s, e in p.skills.items()]
    table = np.array(flat, dtype=np.int64).reshape(len(flat), 5)
    if rules.skill_focus:  # score.counts
        table = table[np.isin(table[:, 1], np.fromiter(rules.skill_focus, dtype=np.int64))]
    person, skill, level, wants, teach = (table[:, i] for i in range(5))
    return _SkillEntries(person, skill, level, wants, teach.astype(bool))


@dataclass(frozen=True)
class _Entries:
    """Sparse (person, column key, value) entries of one expertise matrix."""

    person: IntArray
    keys: IntArray
    values: NDArray[np.float64]

    def matrix(self, n: int, column: IntArray, *, rows: bool = True, columns: bool = True) -> _Matrix:
        """(n, len(column)) with each entry whose key is a column (the others are dropped), as
        sparse rows and dense columns; a form not asked for is left empty."""
        at = np.minimum(np.searchsorted(column, self.keys), max(len(column) - 1, 0))
        kept = column[at] == self.keys if len(column) else np.zeros(len(self.keys), dtype=bool)
        person, at, values = self.person[kept], at[kept], self.values[kept].astype(F32)
        empty = _Matrix.empty(n)
        t = empty.t
        if columns:
            t = np.zeros((len(column), n), dtype=F32)
            t[at, person] = values
        sparse = empty.rows
        if rows:
            sparse = sp.csr_matrix((values, (person, at)), shape=(n, len(column)), dtype=F32)
            sparse.sort_indices()  # products then add each row's entries in column order
        return _Matrix(sparse, t)


def _learn_entries(entries: _SkillEntries) -> _Entries:
    """Column (level, skill) of a wanted skill holds its priority over the person's total."""
    wanted = entries.wants > 0
    person, wants = entries.person[wanted], entries.wants[wanted]
    total = np.bincount(person, weights=wants, minlength=int(person.max(initial=-1)) + 1)
    below_top = entries.level[wanted] < MAX_SKILL_LEVEL
    level = np.clip(entries.level[wanted], 0, MAX_SKILL_LEVEL)[below_top]
    person = person[below_top]
    return _Entries(person, level * KEY_STRIDE + entries.skill[wanted][below_top], wants[below_top] / total[person])


# (teacher level, learner level) -> credit, for every level a skill entry can hold.
_CREDIT = np.array(
    [[skill_credit(t, v) for v in range(MAX_SKILL_LEVEL)] for t in range(MAX_SKILL_LEVEL + 1)], dtype=np.float64
)


def _teach_entries(entries: _SkillEntries, rules: Rules) -> tuple[_Entries, _Entries]:
    """For each skill a person teaches and each learner level v they are clearly ahead of:
    column (v, skill) holds skill_credit, and in the floor matrix 1 where they are also at
    least `rules.learning_floor` levels ahead (with the floor off, wherever they teach)."""
    teaches = entries.can_teach
    level = np.clip(entries.level[teaches], 0, MAX_SKILL_LEVEL)
    credit = _CREDIT[level]  # (entries, learner levels)
    at, v = np.nonzero(credit > 0)
    person, skill, teacher_level = entries.person[teaches][at], entries.skill[teaches][at], level[at]
    keys = v * KEY_STRIDE + skill
    floor = teacher_level - v >= rules.learning_floor
    return (
        _Entries(person, keys, credit[at, v]),
        _Entries(person[floor], keys[floor], np.ones(int(floor.sum()), dtype=np.float64)),
    )


def _side(
    people: tuple[Person, ...],
    learn: _Matrix,
    teach: _Matrix,
    floor: _Matrix,
    rules: Rules,
    units: _Groups,
    windows: _Groups,
    languages: _Groups,
    contexts: _Groups,
) -> Side:
    # Secondary factors as one small product left @ right.T plus constants. With g = 1 when
    # the person gave the data (0 when not), each factor is neutral N unless both gave it:
    #   work style  N + ga gb (1 - N - |a|^2/80 - |b|^2/80 + 2 a.b/80)
    #   availability  N + ga gb (time_a time_b - N)
    #   timezone  (1 + cos(a - b)) / 2 = 1/2 + (cos a cos b + sin a sin b) / 2
    w = rules.weights
    n = NEUTRAL_FACTOR
    style = np.array([answers(p) for p in people], dtype=np.float64).reshape(len(people), 5)
    has_style = np.array([1.0 if p.work_style else 0.0 for p in people])
    time = np.array([enough_time(p, rules) for p in people], dtype=np.float64)
    has_time = np.array([0.0 if p.availability is None else 1.0 for p in people])
    angle = np.array([p.utc_offset for p in people], dtype=np.float64) * (2 * np.pi / 24)
    cos, sin = np.cos(angle), np.sin(angle)
    squared = (style**2).sum(axis=1)
    ws, av, tz = w.work_style, w.availability, w.timezone
    gs, gt = has_style, has_time
    left = np.column_stack(
        [
            ws * gs * (1 - n - squared / 80),  # x gb
            ws * gs,  # x -gb |b|^2 / 80
            gs[:, None] * style * (2 * ws / 80),  # x gb b_i
            av * gt * time,  # x gb tb
            -av * n * gt,  # x gb
            tz / 2 * cos,
            tz / 2 * sin,
        ]
    )
    right = np.column_stack([gs, -gs * squared / 80, gs[:, None] * style, gt * time, gt, cos, sin])
    return Side(
        people=people,
        ids=np.fromiter((p.id for p in people), dtype=np.int64, count=len(people)),
        levels=np.array([p.level for p in people], dtype=np.int64),
        capacity=np.array([max(p.capacity, 0) for p in people], dtype=np.int64),
        learn_rows=learn.rows,
        teach_rows=teach.rows,
        floor_rows=floor.rows,
        learn_t=learn.t,
        teach_t=teach.t,
        floor_t=floor.t,
        secondary_left=left.astype(F32).reshape(len(people), SECONDARY_WIDTH),
        secondary_right=right.astype(F32).reshape(len(people), SECONDARY_WIDTH),
        constant_left=np.full(len(people), ws * n + av * n + tz / 2, dtype=F32),
        constant_right=np.zeros(len(people), dtype=F32),
        unit=units.of(people),
        window=windows.of(people),
        language=languages.of(people),
        context=contexts.of(people),
    )


def _table(keys: Sequence[Any], fn: Callable[[Any, Any], float]) -> NDArray[np.float64]:
    n = len(keys)
    out = np.zeros((n, n), dtype=np.float64)
    for i in range(n):
        for j in range(i, n):
            out[i, j] = out[j, i] = fn(keys[i], keys[j])
    return out


def _cross_table(paths: Sequence[tuple[int, ...]]) -> FloatArray:
    """1 - shared path prefix / longer path; neutral when either path is unknown."""
    n = len(paths)
    depth = max((len(p) for p in paths), default=0)
    if n == 0 or depth == 0:
        return np.full((n, n), NEUTRAL_FACTOR, dtype=F32)
    padded = np.full((n, depth), -1, dtype=np.int64)
    for i, path in enumerate(paths):
        padded[i, : len(path)] = path
    lengths = np.array([len(p) for p in paths], dtype=np.float64)
    shared = np.zeros((n, n), dtype=np.float64)
    still_equal = np.ones((n, n), dtype=bool)
    for d in range(depth):
        column = padded[:, d]
        still_equal &= (column[:, None] == column[None, :]) & (column[:, None] >= 0)
        shared += still_equal
    longer = np.maximum(lengths[:, None], lengths[None, :])
    known = (lengths[:, None] > 0) & (lengths[None, :] > 0)
    table = np.where(known, 1.0 - shared / np.maximum(longer, 1), NEUTRAL_FACTOR)
    return table.astype(F32)


def _equal_table(values: Sequence[object]) -> NDArray[np.bool_]:
    index: dict[object, int] = {}
    codes = np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int64)
    equal: NDArray[np.bool_] = codes[:, None] == codes[None, :]
    return equal


def _language_table(keys: Sequence[Hashable]) -> NDArray[np.bool_]:
    sets: list[frozenset[str]] = list(keys)  # type: ignore[arg-type]  # the keys are the language sets grouped above
    probe = [Person(id=0, languages=s) for s in sets]
    n = len(sets)
    return np.array([[shares_language(probe[i], probe[j]) for j in range(n)] for i in range(n)], dtype=bool).reshape(
        n, n
    )


def _either_way(pairs: frozenset[tuple[int, int]]) -> set[tuple[int, int]]:
    return {(a, b) for a, b in pairs} | {(b, a) for a, b in pairs}


def _sparse(row_ids: IntArray, col_ids: IntArray, pairs: Iterable[tuple[int, int]], general: bool) -> SparsePairs:
    """(learner id, teacher id) pairs as indices; ids on neither side are ignored. Both id
    arrays are sorted (build sorts people by id)."""
    flat = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
    a, b = flat[:, 0], flat[:, 1]
    r = np.searchsorted(row_ids, a)
    c = np.searchsorted(col_ids, b)
    known = (r < len(row_ids)) & (c < len(col_ids))
    known[known] &= (row_ids[r[known]] == a[known]) & (col_ids[c[known]] == b[known])
    if general:
        known &= a != b
    width = max(len(col_ids), 1)
    code = np.unique(r[known] * width + c[known])
    r, c = code // width, code % width
    return SparsePairs(indptr=np.searchsorted(r, np.arange(len(row_ids) + 1)), cols=c)


def _forbidden(rows: Side, cols: Side, rules: Rules, general: bool) -> dict[str, SparsePairs]:
    row_ids = set(rows.ids.tolist())
    col_ids = set(cols.ids.tolist())
    line: set[tuple[int, int]] = set()
    for p in rows.people:  # a learner's managers who teach
        line.update((p.id, boss) for boss in p.line_ids if boss in col_ids)
    for p in cols.people:  # a teacher's managers who learn
        line.update((boss, p.id) for boss in p.line_ids if boss in row_ids)
    if general:
        line = _either_way(frozenset(line))
    forbidden = {
        "self": _sparse(rows.ids, cols.ids, ((i, i) for i in row_ids & col_ids), False),
        "reporting_line": _sparse(rows.ids, cols.ids, line, general),
        "blocked": _sparse(rows.ids, cols.ids, _either_way(rules.blocks), general),
    }
    if rules.avoid_previous:
        forbidden["previously_paired"] = _sparse(rows.ids, cols.ids, _either_way(rules.previous_pairs), general)
    return forbidden
