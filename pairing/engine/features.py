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
from pairing.engine.score import answers, counts, enough_time, skill_credit

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
        forbidden=_forbidden(row_people, col_people, rules, general),
        requests=_sparse(row_people, col_people, _either_way(rules.requests), general),
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
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """(learn rows, teach cols, learn cols, teach rows, floor cols, floor rows); a bipartite
    pool leaves learn cols, teach rows and floor rows empty because mentors do not learn and
    mentees do not teach there. learn @ floor.T > 0 exactly when the learning floor is met."""
    learners = _learn_entries(rows, rules)
    teaching = _teaching(cols, rules)
    teachers = _teach_entries(teaching)
    column = {key: i for i, key in enumerate(sorted(_keys(learners) & _keys(teachers)))}
    width = len(column)
    learn = _dense(learners, len(rows), width, column)
    teach = _dense(teachers, len(cols), width, column)
    floor = _dense(_floor_entries(teaching, rules), len(cols), width, column)
    if general:
        return learn, teach, learn, teach, floor, floor
    empty_rows, empty_cols = np.zeros((len(rows), 0), F32), np.zeros((len(cols), 0), F32)
    return learn, teach, empty_cols, empty_rows, floor, empty_rows


Entries = dict[int, list[tuple[tuple[int, int], float]]]


def _learn_entries(people: tuple[Person, ...], rules: Rules) -> Entries:
    out: Entries = {}
    for i, person in enumerate(people):
        wanted = [(s, e) for s, e in person.skills.items() if e.wants > 0 and counts(s, rules)]
        total = sum(e.wants for _, e in wanted)
        out[i] = [
            ((min(max(e.level, 0), MAX_SKILL_LEVEL), s), e.wants / total)
            for s, e in wanted
            if e.level < MAX_SKILL_LEVEL
        ]
    return out


# (teacher level, learner level) -> credit, for every level a skill entry can hold.
_CREDIT = {(t, v): skill_credit(t, v) for t in range(MAX_SKILL_LEVEL + 1) for v in range(MAX_SKILL_LEVEL)}


def _teaching(people: tuple[Person, ...], rules: Rules) -> list[list[tuple[int, int, int]]]:
    """Per person: (skill, own level clipped to 0-5, learner level) for every learner level
    they are clearly ahead of in a focus skill they teach."""
    out = []
    for person in people:
        entries: list[tuple[int, int, int]] = []
        for s, e in person.skills.items():
            if not e.can_teach or not counts(s, rules):
                continue
            level = min(max(e.level, 0), MAX_SKILL_LEVEL)
            entries.extend((s, level, v) for v in range(MAX_SKILL_LEVEL) if _CREDIT[(level, v)] > 0)
        out.append(entries)
    return out


def _teach_entries(teaching: list[list[tuple[int, int, int]]]) -> Entries:
    return {i: [((v, s), _CREDIT[(t, v)]) for s, t, v in row] for i, row in enumerate(teaching)}


def _floor_entries(teaching: list[list[tuple[int, int, int]]], rules: Rules) -> Entries:
    """1 in column (learner level, skill) where the person teaches clearly ahead and at least
    `rules.learning_floor` levels ahead; with the floor off, wherever they teach at all."""
    gap = rules.learning_floor
    return {i: [((v, s), 1.0) for s, t, v in row if t - v >= gap] for i, row in enumerate(teaching)}


def _keys(entries: Entries) -> set[tuple[int, int]]:
    return {key for row in entries.values() for key, _ in row}


def _dense(entries: Entries, n: int, width: int, column: dict[tuple[int, int], int]) -> FloatArray:
    matrix = np.zeros((n, width), dtype=F32)
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for i, row in entries.items():
        for key, value in row:
            j = column.get(key)
            if j is not None:
                rows.append(i)
                cols.append(j)
                values.append(value)
    matrix[np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)] = values
    return matrix


def _side(
    people: tuple[Person, ...],
    learn: FloatArray,
    teach: FloatArray,
    floor: FloatArray,
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
        ids=np.array([p.id for p in people], dtype=np.int64),
        levels=np.array([p.level for p in people], dtype=np.int64),
        capacity=np.array([max(p.capacity, 0) for p in people], dtype=np.int64),
        learn_rows=sp.csr_matrix(learn),
        teach_rows=sp.csr_matrix(teach),
        floor_rows=sp.csr_matrix(floor),
        learn_t=np.ascontiguousarray(learn.T),
        teach_t=np.ascontiguousarray(teach.T),
        floor_t=np.ascontiguousarray(floor.T),
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


def _sparse(
    rows: tuple[Person, ...],
    cols: tuple[Person, ...],
    pairs: Iterable[tuple[int, int]],
    general: bool,
) -> SparsePairs:
    row_index = {p.id: i for i, p in enumerate(rows)}
    col_index = {p.id: i for i, p in enumerate(cols)}
    found = sorted(
        {
            (row_index[a], col_index[b])
            for a, b in pairs
            if a in row_index and b in col_index and (not general or a != b)
        }
    )
    counts_per_row = np.zeros(len(rows) + 1, dtype=np.int64)
    for r, _c in found:
        counts_per_row[r + 1] += 1
    return SparsePairs(
        indptr=np.cumsum(counts_per_row),
        cols=np.array([c for _r, c in found], dtype=np.int64),
    )


def _forbidden(
    rows: tuple[Person, ...], cols: tuple[Person, ...], rules: Rules, general: bool
) -> dict[str, SparsePairs]:
    row_ids = {p.id for p in rows}
    col_ids = {p.id for p in cols}
    line: set[tuple[int, int]] = set()
    for p in rows:  # a learner's managers who teach
        line.update((p.id, boss) for boss in p.line_ids if boss in col_ids)
    for p in cols:  # a teacher's managers who learn
        line.update((boss, p.id) for boss in p.line_ids if boss in row_ids)
    if general:
        line = _either_way(frozenset(line))
    forbidden = {
        "self": _sparse(rows, cols, ((p.id, p.id) for p in rows if p.id in col_ids), False),
        "reporting_line": _sparse(rows, cols, line, general),
        "blocked": _sparse(rows, cols, _either_way(rules.blocks), general),
    }
    if rules.avoid_previous:
        forbidden["previously_paired"] = _sparse(rows, cols, _either_way(rules.previous_pairs), general)
    return forbidden
