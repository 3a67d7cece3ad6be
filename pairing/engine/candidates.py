"""Score pairs block by block with numpy, apply the hard rules, and keep a short candidate
list with bounds on everything left out, so pricing (certify.py) can prove the optimum.

Blockwise sparse scoring: a block is about a million pairs (some learners x every teacher).
Expertise and the learning floor are sparse products (a learner row has a handful of wanted
skills, so `csr @ dense` costs a few ns per pair and needs no BLAS); the unit, language,
working-hour and seniority rules are one lookup in a small context-by-context table; the
secondary factors are one 11-wide product; reporting lines, blocks and previous pairs are
sparse index lists. Blocks are scored on up to two threads (numpy and scipy release the GIL
in the heavy steps) and merged in block order on the main thread, so the result never
depends on thread timing.

What is kept: about the best k learners of every teacher (a streaming threshold per column)
and every learner's best partner. Every allowed pair left out scores at most `col_bound` of
its column and `row_bound` of its row; that is what lets pricing skip almost every pair.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from pairing.engine.features import F32, Features, FloatArray, IntArray, seniority_table
from pairing.engine.model import SCORE_SCALE

BLOCK_ELEMENTS = 1_000_000
# Candidates are chosen per column (mentor): a mentor's dual price settles deep in its list
# (a few slots, hundreds of possible mentees), so the bound on what a mentor left out is what
# lets pricing skip almost every left-out pair. COLUMN_FACTOR x candidates_per_person each, but
# never much more than a thirtieth of the learners: on a small pool a longer list only slows
# the solve (10,000 people: 240 per mentor certified in 1.10 s, 480 in 1.39 s; at 50,000 480
# was fastest, 320 and fewer needed more rounds; measured in one process, load 0.6-1).
COLUMN_FACTOR = 16
SMALL_POOL_SHARE = 30
BUCKET = 250  # 0.25 points: the resolution of the per-column thresholds
BUCKETS = 100 * SCORE_SCALE // BUCKET + 1
Mask = NDArray[np.bool_]
ScaledBlock = NDArray[np.int32]
Int32Array = NDArray[np.int32]


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS on one thread while scoring: the engine's own threads share the cores, and
    OpenBLAS's spinning threads on a busy machine made a 1M-pair block 7x slower (101 ms
    against 15 ms at load average 6; measured)."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def default_threads() -> int:
    """Two threads where there are two cores; the engine never asks for more."""
    return max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class Candidates:
    rows: IntArray  # learner index (mentee; either person in a general pool)
    cols: IntArray  # teacher index (mentor; the other person)
    scores: IntArray  # score x SCORE_SCALE, rounded
    complete: bool  # True when every allowed pair is present (nothing was pruned)
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


def blocks(features: Features, rows: IntArray | None = None, widen: int = 1) -> list[IntArray]:
    """`rows` (default: every row) in blocks of about BLOCK_ELEMENTS pairs (x `widen`, for
    passes that score only a few columns per row)."""
    rows = np.arange(len(features.rows), dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    step = block_rows(features) * widen
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


def pipeline[T](work: Callable[[IntArray], T], todo: list[IntArray], threads: int) -> Iterator[T]:
    """work(block) for each block, in block order, with up to 2 x threads blocks scored ahead
    on worker threads while the caller merges the previous ones (bounded, so memory stays a
    few blocks whatever the pool size)."""
    if threads <= 1:
        yield from (work(b) for b in todo)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        ahead: deque[Future[T]] = deque()
        for block in todo:
            ahead.append(pool.submit(work, block))
            if len(ahead) > 2 * threads:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()


def run_blocks[T](work: Callable[[IntArray], T], todo: list[IntArray], threads: int) -> list[T]:
    """work(block) for each block, on up to `threads` threads, results in block order."""
    if threads <= 1 or len(todo) <= 1:
        return [work(b) for b in todo]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(work, todo))


# --- The candidate list ---------------------------------------------------------------------------


class _Stream:
    """About the best k rows of every column, kept as blocks stream past in order.

    A pair enters the list only at or above its column's threshold. A histogram of the kept
    scores per column (buckets of BUCKET units) gives, whenever the list has grown, the
    lowest bucket edge that still leaves at least k pairs above it; that edge becomes the
    threshold and the list is cut to it (no sorting). Thresholds only rise, so every pair left
    out scores below its column's final threshold: `bound()`. It runs in block order on the
    main thread, so the list never depends on thread timing."""

    def __init__(self, n_rows: int, n_cols: int, k: int) -> None:
        self.k = k
        self.n_cols = n_cols
        self.threshold = np.zeros(n_cols, dtype=np.int32)
        self.hist = np.zeros((n_cols, BUCKETS), dtype=np.int64)
        # Kept pairs in row order (blocks arrive in row order and cuts keep the order), as
        # int32: the list is the largest thing the engine holds.
        self.rows: list[Int32Array] = []
        self.cols: list[Int32Array] = []
        self.scores: list[Int32Array] = []
        self.size = 0
        self.last = 0
        # Per row, the best score it had left out: every allowed pair missing from the list
        # scores at most this, a far tighter bound for pricing than the row's best score.
        self.row_dropped = np.full(n_rows, -1, dtype=np.int64)

    def add(self, rows: Int32Array, c: Int32Array, scores: Int32Array) -> None:
        """Pairs (rows, c), in row order, that a worker found at or above an earlier threshold
        of their column (thresholds only rise, so that is a superset of what the current ones
        keep)."""
        kept = scores >= self.threshold[c]
        self._drop(rows[~kept], scores[~kept])
        rows, c, scores = rows[kept], c[kept], scores[kept]
        self.rows.append(rows)
        self.cols.append(c)
        self.scores.append(scores)
        # Touch only the kept entries: a full-size bincount per block would cost n_cols x
        # BUCKETS per block (12 million at 100,000 people), far more than the block itself.
        np.add.at(self.hist.reshape(-1), c.astype(np.int64) * BUCKETS + _bucket(scores), 1)
        self.size += len(rows)
        if self.size > 2 * self.last + self.k * self.n_cols:
            self.cut()

    def _drop(self, rows: Int32Array, scores: Int32Array) -> None:
        """Record the best dropped score per row (`rows` in order: one max per run of a row)."""
        if len(rows) == 0:
            return
        starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
        at = rows[starts]
        self.row_dropped[at] = np.maximum(self.row_dropped[at], np.maximum.reduceat(scores, starts))

    def cut(self) -> None:
        from_top = np.cumsum(self.hist[:, ::-1], axis=1)
        enough = from_top >= self.k
        # Lowest bucket whose edge still leaves k pairs above it (none: keep everything).
        top_index = np.where(enough.any(axis=1), enough.argmax(axis=1), BUCKETS - 1)
        edge = (BUCKETS - 1 - top_index) * BUCKET
        self.threshold = np.maximum(self.threshold, edge).astype(np.int32)
        rows, cols, scores = (np.concatenate(x) for x in (self.rows, self.cols, self.scores))
        keep = scores >= self.threshold[cols]
        self._drop(rows[~keep], scores[~keep])
        rows, cols, scores = rows[keep], cols[keep], scores[keep]
        self.hist = np.bincount(
            cols.astype(np.int64) * BUCKETS + _bucket(scores), minlength=self.n_cols * BUCKETS
        ).reshape(self.n_cols, BUCKETS)
        self.rows, self.cols, self.scores = [rows], [cols], [scores]
        self.size = self.last = len(rows)

    def result(self) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
        self.cut()
        bound = np.where(self.threshold > 0, self.threshold.astype(np.int64) - 1, -1)
        rows, cols, scores = (x[0].astype(np.int64) for x in (self.rows, self.cols, self.scores))
        return rows, cols, scores, bound, self.row_dropped


def _bucket(scores: Int32Array) -> IntArray:
    return np.minimum(scores // BUCKET, BUCKETS - 1).astype(np.int64)


def column_list_size(per_row: int, n_rows: int) -> int:
    """How many learners each column keeps for `candidates_per_person` = per_row."""
    return min(COLUMN_FACTOR * per_row, max(4 * per_row, n_rows // SMALL_POOL_SHARE))


def find(features: Features, per_row: int | None, threads: int | None = None, per_col: int | None = None) -> Candidates:
    """Allowed pairs with scaled scores: about the best `per_col` (default: see
    COLUMN_FACTOR) learners of every column and each row's best partner (per_row None: every
    allowed pair), with bounds on what was left out."""
    n_rows, n_cols = len(features.rows), len(features.cols)
    keep_all = per_row is None
    wanted = per_col or (n_rows if per_row is None else column_list_size(per_row, n_rows))
    stream = _Stream(n_rows, n_cols, max(1, min(wanted, n_rows)))
    found: list[tuple[IntArray, IntArray, IntArray]] = []
    allowed = 0

    def score(rows: IntArray) -> _Scored:
        return _scored(rows, score_block(features, rows), None if keep_all else stream.threshold)

    todo = blocks(features) if n_cols else []
    for block in pipeline(score, todo, default_threads() if threads is None else threads):
        allowed += block.allowed
        found.append(block.listed)
        if not keep_all:
            stream.row_dropped[block.rows] = block.row_dropped
            stream.add(*block.above)
    rows, cols, scores = (np.concatenate([f[i] for f in found]) if found else np.zeros(0, np.int64) for i in range(3))
    col_bound = np.full(n_cols, -1, dtype=np.int64)
    row_dropped = np.full(n_rows, -1, dtype=np.int64)  # nothing left out (keep_all)
    if not keep_all:
        more_rows, more_cols, more_scores, col_bound, row_dropped = stream.result()
        rows, cols, scores = (np.concatenate(x) for x in ((rows, more_rows), (cols, more_cols), (scores, more_scores)))
    if features.general:
        rows, cols, scores = merge_directions(rows, cols, scores, n_rows)
    else:
        rows, cols, scores = _unique(rows, cols, scores, n_cols)
    complete = keep_all or len(rows) == allowed
    if complete:
        row_bound = np.full(n_rows, -1, dtype=np.int64)
        col_bound = np.full(n_cols, -1, dtype=np.int64)
    elif features.general:
        # An edge {r, c} is missing only when both directions were left out: r's row list
        # dropped (r, c) and r's column list dropped (c, r). Its score (the higher direction)
        # is then at most either bound plus one unit (the two directions may round one
        # unit apart).
        row_bound = np.minimum(
            np.where(row_dropped >= 0, row_dropped + 1, -1), np.where(col_bound >= 0, col_bound + 1, -1)
        )
    else:
        row_bound = row_dropped
    return Candidates(
        rows=rows,
        cols=cols,
        scores=scores,
        complete=complete,
        row_bound=row_bound,
        col_bound=col_bound,
        allowed=allowed // 2 if features.general else allowed,
    )


@dataclass(frozen=True)
class _Scored:
    """One block, reduced on its worker thread so the main thread merges little."""

    rows: IntArray
    allowed: int
    listed: tuple[IntArray, IntArray, IntArray]  # (row, col, score) kept for their row
    above: tuple[Int32Array, Int32Array, Int32Array]  # the rest at or above the column thresholds seen
    row_dropped: IntArray  # per row, the best score in neither (-1: none)


def _scored(rows: IntArray, scaled: ScaledBlock, thresholds: Int32Array | None) -> _Scored:
    """Split a scored block: every allowed pair (thresholds None), or each row's best
    partner, the pairs at or above their column's threshold (`thresholds`, read once: the
    stream only raises them) and the best score of what is left."""
    if thresholds is None:
        r, c = np.nonzero(scaled >= 0)
        listed = (rows[r], c.astype(np.int64), scaled[r, c].astype(np.int64))
        nothing = np.zeros(0, dtype=np.int32)
        return _Scored(rows, len(r), listed, (nothing, nothing, nothing), rows[:0])
    allowed = int(np.count_nonzero(scaled >= 0))
    # Each row keeps its best partner (ties included).
    mine = scaled >= np.maximum(scaled.max(axis=1), 0)[:, None]
    r, c = np.nonzero(mine)
    listed = (rows[r], c.astype(np.int64), scaled[r, c].astype(np.int64))
    above = (scaled >= thresholds[None, :]) & ~mine
    r, c = np.nonzero(above)
    rest = np.where(mine | above, np.int32(-1), scaled).max(axis=1)
    return _Scored(
        rows,
        allowed,
        listed,
        (rows[r].astype(np.int32), c.astype(np.int32), scaled[r, c]),
        rest.astype(np.int64),
    )


def _unique(rows: IntArray, cols: IntArray, values: IntArray, n_cols: int) -> tuple[IntArray, IntArray, IntArray]:
    """Each (row, col) once, sorted by row then column. The lists arrive as a few runs
    already in that order, which a stable sort (timsort) merges rather than sorts."""
    code = rows * n_cols + cols
    order = np.argsort(code, kind="stable")
    code = code[order]
    first = np.ones(len(code), dtype=bool)
    first[1:] = code[1:] != code[:-1]
    return code[first] // n_cols, code[first] % n_cols, values[order[first]]


def merge_directions(rows: IntArray, cols: IntArray, values: IntArray, n: int) -> tuple[IntArray, IntArray, IntArray]:
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
    to_row = features.rows.learn_rows[rows] @ features.cols.teach_t
    if not features.general:
        return to_row, None
    from_row = features.rows.teach_rows[rows] @ features.cols.learn_t
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
    if rules.kind != "reciprocal":
        masks["seniority"] = seniority_table(rules, r.levels[rows][:, None], c.levels[None, :])
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
        down = (r.learn_rows[rows] @ c.floor_t) > 0
        if from_row is None:
            masks["learning_floor"] = down
        else:
            up = (r.floor_rows[rows] @ c.learn_t) > 0
            masks["learning_floor"] = (down & up) if rules.kind == "reciprocal" else (down | up)
    return masks
