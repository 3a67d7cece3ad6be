"""Score pairs block by block with numpy, apply the hard rules, and keep a short candidate
list with a bound on everything left out, so pricing (certify.py) can prove the optimum.

Blockwise sparse scoring. People are grouped by their *context* (working-hour window,
languages, org unit when the unit rule is on): one small table says which contexts may pair
at all, so a group of learners is scored only against the teachers whose context passes, and
within that set the teachers are sorted by career level, so the seniority rule is a slice,
not a mask. What is left per block is one matrix product for expertise (two with the learning
floor), one tiny product for the secondary factors, a lookup for cross-department, and the
sparse rule lists (reporting lines, blocks, previous pairs). Blocks hold about a million
pairs, so temporaries stay a few MB; blocks run on up to two threads (numpy releases the GIL
in every heavy step), and results are merged in block order, so output never depends on
thread timing.

For each person the best K allowed partners are kept (rows; and for mentors, columns), and
for each row and column the best score that was *left out* (`row_bound`, `col_bound`): no
pruned pair scores more. That bound is what lets pricing skip almost every row.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pairing.engine.features import F32, Features, FloatArray, IntArray, seniority_table
from pairing.engine.model import SCORE_SCALE

BLOCK_ELEMENTS = 1_000_000
# Mentors keep more candidates than mentees: a mentor's dual price settles deep in its list
# (it has a few slots and hundreds of possible mentees), and the bound on what a mentor left
# out is what lets pricing skip rows.
COLUMN_FACTOR = 4
Mask = NDArray[np.bool_]
ScaledBlock = NDArray[np.int32]


def default_threads() -> int:
    """Two threads where there are two cores; the engine never asks for more."""
    return max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class Candidates:
    rows: IntArray  # learner index (mentee; either person in a general pool)
    cols: IntArray  # teacher index (mentor; the other person)
    scores: IntArray  # score x SCORE_SCALE, rounded
    complete: bool  # True when every allowed pair is present (nothing was pruned)
    best_per_row: IntArray  # best allowed scaled score per row, -1 when none
    upper_bound: int  # no assignment can total more (scaled)
    # Every allowed pair missing from the list scores at most row_bound[row] and at most
    # col_bound[col] (-1: nothing allowed is missing). Pricing relies on these.
    row_bound: IntArray
    col_bound: IntArray
    allowed: int  # allowed pairs in the whole pool (each once in a general pool)

    def __len__(self) -> int:
        return len(self.rows)


# --- Blocks ---------------------------------------------------------------------------------------


def block_rows(features: Features) -> int:
    return max(16, BLOCK_ELEMENTS // max(len(features.cols), 1))


def blocks(features: Features, rows: IntArray | None = None) -> list[IntArray]:
    """`rows` (default: every row) in blocks of about BLOCK_ELEMENTS pairs."""
    rows = np.arange(len(features.rows), dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    step = block_rows(features)
    return [rows[start : start + step] for start in range(0, len(rows), step)]


@dataclass(frozen=True)
class _Cols:
    """The column side of a block: every column, or a subset gathered once."""

    teach_t: FloatArray
    floor_t: FloatArray
    learn_t: FloatArray
    levels: IntArray
    context: IntArray
    unit: IntArray
    secondary_right: FloatArray
    constant_right: FloatArray
    position: NDArray[np.int64] | None  # global column -> position, -1 when absent (subsets)


def _cols(features: Features, cols: IntArray | None) -> _Cols:
    c = features.cols
    if cols is None:
        return _Cols(
            c.teach_t, c.floor_t, c.learn_t, c.levels, c.context, c.unit, c.secondary_right, c.constant_right, None
        )
    position = np.full(len(c), -1, dtype=np.int64)
    position[cols] = np.arange(len(cols))
    return _Cols(
        np.ascontiguousarray(c.teach_t[:, cols]),
        np.ascontiguousarray(c.floor_t[:, cols]),
        np.ascontiguousarray(c.learn_t[:, cols]),
        c.levels[cols],
        c.context[cols],
        c.unit[cols],
        c.secondary_right[cols],
        c.constant_right[cols],
        position,
    )


def _in_block(found: tuple[IntArray, IntArray], cols: _Cols) -> tuple[IntArray, IntArray]:
    positions, where = found
    if cols.position is None or len(positions) == 0:
        return positions, where
    local = cols.position[where]
    inside = local >= 0
    return positions[inside], local[inside]


def score_block(features: Features, rows: IntArray, subset: IntArray | None = None) -> ScaledBlock:
    """Scaled scores (x SCORE_SCALE, rounded) of rows x every column (or the `subset` of
    columns), -1 where a hard rule forbids the pair. The vectorised twin of score.breakdown
    and rules.broken_rules."""
    rules = features.rules
    w = rules.weights
    r, c = features.rows, _cols(features, subset)
    learn = r.learn_rows[rows]
    to_row = learn @ c.teach_t
    allowed = to_row > 0
    if rules.learning_floor > 0:
        floor_down = (learn @ c.floor_t) > 0
    if features.general:
        from_row = r.teach_rows[rows] @ c.learn_t
        if rules.kind == "reciprocal":
            allowed &= from_row > 0
            both = to_row + from_row
            with np.errstate(divide="ignore", invalid="ignore"):
                combined = np.where(allowed, 2 * to_row * from_row / np.where(allowed, both, 1), 0).astype(F32)
        else:
            allowed |= from_row > 0
            combined = np.maximum(to_row, from_row)
        if rules.learning_floor > 0:
            floor_up = (r.floor_rows[rows] @ c.learn_t) > 0
            allowed &= (floor_down & floor_up) if rules.kind == "reciprocal" else (floor_down | floor_up)
    else:
        combined = to_row
        if rules.learning_floor > 0:
            allowed &= floor_down
    if not features.context_table.all():
        allowed &= np.take(features.context_table[r.context[rows]], c.context, axis=1)
    if not features.seniority_in_context and rules.kind != "reciprocal":
        allowed &= seniority_table(rules, r.levels[rows][:, None], c.levels[None, :])
    total = combined * F32(w.expertise)
    total += r.secondary_left[rows] @ c.secondary_right.T
    total += r.constant_left[rows][:, None]
    total += c.constant_right[None, :]
    if w.cross_department:
        total += F32(w.cross_department) * np.take(features.cross_table[r.unit[rows]], c.unit, axis=1)
    positions, cols = _in_block(features.requests.in_rows(rows), c)
    total[positions, cols] += F32(w.request)
    # Scores are >= 0, so adding 0.5 and truncating rounds to the nearest unit.
    total *= F32(100.0 * SCORE_SCALE / w.total()) if w.total() else F32(0)
    total += F32(0.5)
    scaled = total.astype(np.int32)
    np.copyto(scaled, np.int32(-1), where=~allowed)
    for pairs in features.forbidden.values():
        positions, cols = _in_block(pairs.in_rows(rows), c)
        scaled[positions, cols] = -1
    return scaled


def run_blocks(work: object, todo: list[IntArray], threads: int) -> list[object]:
    """work(block) for each block, on up to `threads` threads, results in block order."""
    if threads <= 1 or len(todo) <= 1:
        return [work(b) for b in todo]  # type: ignore[operator]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(work, todo))  # type: ignore[arg-type]


# --- The candidate list ---------------------------------------------------------------------------


@dataclass
class _RowPart:
    rows: IntArray
    pair_rows: IntArray
    pair_cols: IntArray
    pair_scores: IntArray
    best: IntArray
    bound: IntArray
    col_index: IntArray
    col_rows: IntArray  # (k, cols) best rows per column within the block, -1 padding
    col_scores: IntArray
    col_bound: IntArray
    complete: bool
    allowed: int


def _top_rows(scaled: ScaledBlock, k: int) -> tuple[IntArray, IntArray, IntArray]:
    """Per row: the k best columns (positions), their scores, and the best score left out."""
    n = scaled.shape[1]
    if n <= k:
        order = np.broadcast_to(np.arange(n, dtype=np.int64), scaled.shape)
        return order, scaled.astype(np.int64), np.full(len(scaled), -1, dtype=np.int64)
    part = np.argpartition(-scaled, k, axis=1)
    top = part[:, :k]
    left = np.take_along_axis(scaled, part[:, k : k + 1], axis=1)[:, 0]
    return top, np.take_along_axis(scaled, top, axis=1).astype(np.int64), left.astype(np.int64)


def _summarise(features: Features, rows: IntArray, per_row: int, per_col: int) -> _RowPart:
    scaled = score_block(features, rows)
    best = scaled.max(axis=1).astype(np.int64)
    allowed = int(np.count_nonzero(scaled >= 0))
    top, top_scores, bound = _top_rows(scaled, per_row)
    keep = top_scores >= 0
    pair_rows = np.broadcast_to(rows[:, None], top.shape)[keep]
    cols = np.arange(scaled.shape[1], dtype=np.int64)
    pair_cols = top[keep]
    complete = bool((bound < 0).all())
    if per_col and not features.general:
        col_top, col_scores, col_bound = _top_rows(np.ascontiguousarray(scaled.T), per_col)
        col_rows = np.where(col_scores >= 0, rows[col_top], -1)
    else:
        col_rows = col_scores = np.zeros((0, 0), dtype=np.int64)
        col_bound = np.zeros(0, dtype=np.int64)
    return _RowPart(
        rows=rows,
        pair_rows=pair_rows,
        pair_cols=pair_cols,
        pair_scores=top_scores[keep],
        best=best,
        bound=bound,
        col_index=cols,
        col_rows=col_rows,
        col_scores=col_scores,
        col_bound=col_bound,
        complete=complete,
        allowed=allowed,
    )


class _ColumnTop:
    """The best `k` rows of every column over all blocks, and the best score left out."""

    def __init__(self, n_cols: int, k: int) -> None:
        self.k = k
        self.rows = np.full((k, n_cols), -1, dtype=np.int64)
        self.scores = np.full((k, n_cols), -1, dtype=np.int64)
        self.bound = np.full(n_cols, -1, dtype=np.int64)

    def add(self, part: _RowPart) -> None:
        if self.k == 0 or len(part.col_index) == 0:
            return
        cols = part.col_index
        self.bound[cols] = np.maximum(self.bound[cols], part.col_bound)
        scores = np.concatenate([self.scores[:, cols], part.col_scores.T])
        rows = np.concatenate([self.rows[:, cols], part.col_rows.T])
        if len(scores) > self.k:
            part_idx = np.argpartition(-scores, self.k, axis=0)
            top = part_idx[: self.k]
            dropped = np.take_along_axis(scores, part_idx[self.k : self.k + 1], axis=0)[0]
            self.bound[cols] = np.maximum(self.bound[cols], dropped)
            scores = np.take_along_axis(scores, top, axis=0)
            rows = np.take_along_axis(rows, top, axis=0)
        self.scores[: len(scores), cols] = scores
        self.rows[: len(rows), cols] = rows

    def pairs(self) -> tuple[IntArray, IntArray, IntArray]:
        keep = self.scores >= 0
        cols = np.broadcast_to(np.arange(self.scores.shape[1], dtype=np.int64)[None, :], self.scores.shape)
        return self.rows[keep], cols[keep], self.scores[keep]


def find(
    features: Features, per_row: int | None, threads: int | None = None, per_col: int | None = None
) -> Candidates:
    """Allowed pairs with scaled scores: the best `per_row` per row and `per_col` (default
    COLUMN_FACTOR x per_row) per mentor (None = every allowed pair), with bounds on what was
    left out."""
    n_rows, n_cols = len(features.rows), len(features.cols)
    k = n_cols if per_row is None else max(1, min(per_row, n_cols))
    if per_row is None or features.general:
        per_col = 0
    else:
        per_col = min(COLUMN_FACTOR * k if per_col is None else per_col, n_rows)
    threads = default_threads() if threads is None else threads
    best = np.full(n_rows, -1, dtype=np.int64)
    row_bound = np.full(n_rows, -1, dtype=np.int64)
    col_top = _ColumnTop(n_cols, per_col)
    found_rows: list[IntArray] = []
    found_cols: list[IntArray] = []
    found_scores: list[IntArray] = []
    complete = True
    allowed = 0
    todo = blocks(features)
    # Two at a time per thread keeps the column merge (main thread) from holding everything.
    for start in range(0, len(todo), 4 * threads):
        parts = run_blocks(lambda b: _summarise(features, b, k, per_col), todo[start : start + 4 * threads], threads)
        for part in parts:
            assert isinstance(part, _RowPart)
            best[part.rows] = part.best
            row_bound[part.rows] = part.bound
            complete = complete and part.complete
            allowed += part.allowed
            found_rows.append(part.pair_rows)
            found_cols.append(part.pair_cols)
            found_scores.append(part.pair_scores)
            col_top.add(part)
    extra_rows, extra_cols, extra_scores = col_top.pairs()
    rows = np.concatenate([*found_rows, extra_rows]) if found_rows else extra_rows
    cols = np.concatenate([*found_cols, extra_cols]) if found_cols else extra_cols
    scores = np.concatenate([*found_scores, extra_scores]) if found_scores else extra_scores
    if features.general:
        rows, cols, scores = _undirected(rows, cols, scores, n_rows)
        bound = int(np.clip(best, 0, None).sum()) // 2
    else:
        rows, cols, scores = _unique(rows, cols, scores, n_cols)
        bound = int(np.clip(best, 0, None).sum())
        if per_col:
            bound = min(bound, _column_bound(features, col_top))
    return Candidates(
        rows=rows,
        cols=cols,
        scores=scores,
        complete=complete,
        best_per_row=best,
        upper_bound=bound,
        row_bound=row_bound,
        col_bound=_col_bound(features, col_top, row_bound),
        allowed=allowed // 2 if features.general else allowed,
    )


def _col_bound(features: Features, col_top: _ColumnTop, row_bound: IntArray) -> IntArray:
    if not features.general:
        return col_top.bound
    # A directed pair (r, c) is missing only when c left r out too, and the two directions
    # may round one unit apart.
    return np.where(row_bound >= 0, row_bound + 1, -1)


def _column_bound(features: Features, col_top: _ColumnTop) -> int:
    """Sum over mentors of capacity x their best score: no assignment gives a mentor more."""
    best = np.maximum(col_top.scores.max(axis=0, initial=-1), col_top.bound)
    return int((np.clip(best, 0, None) * features.cols.capacity).sum())


def _unique(rows: IntArray, cols: IntArray, values: IntArray, n_cols: int) -> tuple[IntArray, IntArray, IntArray]:
    """Each (row, col) once, sorted by row then column."""
    code = rows * n_cols + cols
    code, first = np.unique(code, return_index=True)
    return code // n_cols, code % n_cols, values[first]


def _undirected(rows: IntArray, cols: IntArray, values: IntArray, n: int) -> tuple[IntArray, IntArray, IntArray]:
    """Each edge once as (lower index, higher index); an edge kept by either end stays.

    The two ends may compute a score one unit apart (float rounding in different blocks),
    so the higher one is kept: deterministic either way.
    """
    low, high = np.minimum(rows, cols), np.maximum(rows, cols)
    code = low * n + high
    order = np.lexsort((-values, code))
    code, values = code[order], values[order]
    first = np.ones(len(code), dtype=bool)
    first[1:] = code[1:] != code[:-1]
    code, values = code[first], values[first]
    return code // n, code % n, values


# --- Detailed masks for unmatched reasons ---------------------------------------------------------


def expertise(features: Features, rows: IntArray) -> tuple[FloatArray, FloatArray | None]:
    """(what each row learns from each col, what each col learns from the row or None)."""
    to_row = features.rows.learn[rows] @ features.cols.teach.T
    if not features.general:
        return to_row, None
    from_row = features.rows.teach[rows] @ features.cols.learn.T
    return to_row, from_row


def rule_masks(features: Features, rows: IntArray, to_row: FloatArray, from_row: FloatArray | None) -> dict[str, Mask]:
    """For each hard rule, which (row, col) pairs of these rows pass it (every column)."""
    rules = features.rules
    r, c = features.rows, features.cols
    masks: dict[str, Mask] = {}
    if rules.kind == "reciprocal" and from_row is not None:
        masks["skills"] = (to_row > 0) & (from_row > 0)
    elif from_row is not None:
        masks["skills"] = (to_row > 0) | (from_row > 0)
    else:
        masks["skills"] = to_row > 0
    diff = c.levels[None, :] - r.levels[rows][:, None]  # teacher level - learner level
    if rules.kind == "traditional":
        masks["seniority"] = diff >= rules.gap
    elif rules.kind == "reverse":
        masks["seniority"] = -diff >= max(rules.gap, 1)
    elif rules.kind == "peer":
        masks["seniority"] = np.abs(diff) <= rules.gap
    if rules.other_unit_only:
        masks["same_unit"] = ~np.take(features.same_unit_table[r.unit[rows]], c.unit, axis=1)
    if rules.shared_language:
        masks["language"] = np.take(features.language_table[r.language[rows]], c.language, axis=1)
    if rules.min_overlap_hours > 0:
        hours = np.take(features.overlap_table[r.window[rows]], c.window, axis=1)
        masks["working_hours"] = hours >= rules.min_overlap_hours - 1e-9
    for code, pairs in features.forbidden.items():
        positions, cols = pairs.in_rows(rows)
        mask = np.ones((len(rows), len(c)), dtype=bool)
        if len(positions):
            mask[positions, cols] = False
        masks[code] = mask
    if rules.learning_floor > 0:
        down = (r.learn[rows] @ c.floor.T) > 0
        if from_row is None:
            masks["learning_floor"] = down
        else:
            up = (r.floor[rows] @ c.learn.T) > 0
            masks["learning_floor"] = (down & up) if rules.kind == "reciprocal" else (down | up)
    return masks
