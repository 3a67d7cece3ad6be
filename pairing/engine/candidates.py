"""Score every pair block by block with numpy, apply the hard rules as masks, and keep the
best K candidates per person for the solver.

Blocks hold about a million pairs, so the temporaries stay a few MB each (measured: blocks
of 1M run about twice as fast as blocks of 4M, which pay for fresh pages on every array)
instead of one rows x cols matrix: a 35,000 x 15,000 pool would need 2 GB per array.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pairing.engine.features import F32, Features, FloatArray, IntArray
from pairing.engine.model import SCORE_SCALE

BLOCK_ELEMENTS = 1_000_000
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class Candidates:
    rows: IntArray  # learner index (mentee; either person in a general pool)
    cols: IntArray  # teacher index (mentor; the other person)
    scores: IntArray  # score x SCORE_SCALE, rounded
    complete: bool  # True when every allowed pair is present (nothing was pruned)
    best_per_row: IntArray  # best allowed scaled score per row, -1 when none
    upper_bound: int  # no assignment can total more (scaled)

    def __len__(self) -> int:
        return len(self.rows)


def block_rows(features: Features) -> int:
    return max(16, BLOCK_ELEMENTS // max(len(features.cols), 1))


def expertise(features: Features, rows: IntArray) -> tuple[FloatArray, FloatArray | None]:
    """(what each row learns from each col, what each col learns from the row or None)."""
    to_row = features.rows.learn[rows] @ features.cols.teach.T
    if not features.general:
        return to_row, None
    from_row = features.rows.teach[rows] @ features.cols.learn.T
    return to_row, from_row


def combined_expertise(features: Features, to_row: FloatArray, from_row: FloatArray | None) -> FloatArray:
    kind = features.rules.kind
    if from_row is None:
        return to_row
    if kind == "peer":
        return np.maximum(to_row, from_row)
    both = to_row + from_row
    with np.errstate(divide="ignore", invalid="ignore"):
        mutual = np.where(both > 0, 2 * to_row * from_row / np.where(both > 0, both, 1), 0)
    return mutual.astype(F32)


def rule_masks(
    features: Features,
    rows: IntArray,
    to_row: FloatArray,
    from_row: FloatArray | None,
    detailed: bool = False,
) -> dict[str, Mask]:
    """For each hard rule, which (row, col) pairs of the block pass it. Unless `detailed`,
    the unit, language and working-hour rules come as one "context" mask."""
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
    if not detailed:
        if not features.context_table.all():
            masks["context"] = np.take(features.context_table[r.context[rows]], c.context, axis=1)
    else:
        if rules.other_unit_only:
            masks["same_unit"] = ~np.take(features.same_unit_table[r.unit[rows]], c.unit, axis=1)
        if rules.shared_language:
            masks["language"] = np.take(features.language_table[r.language[rows]], c.language, axis=1)
        if rules.min_overlap_hours > 0:
            hours = np.take(features.overlap_table[r.window[rows]], c.window, axis=1)
            masks["working_hours"] = hours >= rules.min_overlap_hours - 1e-9
    for code, pairs in features.forbidden.items():
        positions, cols = pairs.in_rows(rows)
        if len(positions):
            mask = np.ones((len(rows), len(c)), dtype=bool)
            mask[positions, cols] = False
            masks[code] = mask
    return masks


def scores(features: Features, rows: IntArray, combined: FloatArray) -> FloatArray:
    """0-100 scores of the block, the vectorised twin of score.breakdown."""
    w = features.rules.weights
    r, c = features.rows, features.cols
    total = combined * F32(w.expertise)
    total += r.secondary_left[rows] @ c.secondary_right.T
    total += r.constant_left[rows][:, None]
    total += c.constant_right[None, :]
    if w.cross_department:
        total += F32(w.cross_department) * np.take(features.cross_table[r.unit[rows]], c.unit, axis=1)
    positions, cols = features.requests.in_rows(rows)
    total[positions, cols] += F32(w.request)
    total *= F32(100.0 / w.total()) if w.total() else F32(0)
    return total


def score_block(features: Features, rows: IntArray) -> tuple[FloatArray, Mask]:
    to_row, from_row = expertise(features, rows)
    masks = iter(rule_masks(features, rows, to_row, from_row).values())
    allowed = next(masks)
    for mask in masks:
        allowed &= mask
    return scores(features, rows, combined_expertise(features, to_row, from_row)), allowed


def find(features: Features, per_row: int | None) -> Candidates:
    """Allowed pairs with scaled scores; the best `per_row` per row (None = all)."""
    n_rows, n_cols = len(features.rows), len(features.cols)
    keep_all = per_row is None or per_row >= n_cols
    k = n_cols if per_row is None else max(1, min(per_row, n_cols))
    complete = True
    found_rows: list[IntArray] = []
    found_cols: list[IntArray] = []
    found_scores: list[IntArray] = []
    best = np.full(n_rows, -1, dtype=np.int64)
    col_top = _ColumnTop(features)
    step = block_rows(features)
    for start in range(0, n_rows, step):
        rows = np.arange(start, min(start + step, n_rows), dtype=np.int64)
        block, allowed = score_block(features, rows)
        # Scores are >= 0, so adding 0.5 and truncating rounds to the nearest unit.
        scaled = (block * F32(SCORE_SCALE) + F32(0.5)).astype(np.int32)
        np.copyto(scaled, np.int32(-1), where=~allowed)
        if n_cols:
            best[rows] = scaled.max(axis=1)
        col_top.add(scaled)
        complete = complete and bool((np.count_nonzero(allowed, axis=1) <= k).all())
        if keep_all:
            r, cidx = np.nonzero(allowed)
        else:
            part = np.argpartition(-scaled, k - 1, axis=1)[:, :k]
            r = np.repeat(np.arange(len(rows), dtype=np.int64), k)
            cidx = part.ravel()
            ok = scaled[r, cidx] >= 0
            r, cidx = r[ok], cidx[ok]
        found_rows.append(rows[r])
        found_cols.append(cidx.astype(np.int64))
        found_scores.append(scaled[r, cidx].astype(np.int64))
    cand_rows = np.concatenate(found_rows) if found_rows else np.zeros(0, np.int64)
    cand_cols = np.concatenate(found_cols) if found_cols else np.zeros(0, np.int64)
    cand_scores = np.concatenate(found_scores) if found_scores else np.zeros(0, np.int64)
    if features.general:
        cand_rows, cand_cols, cand_scores = _undirected(cand_rows, cand_cols, cand_scores, n_rows)
        bound = int(np.clip(best, 0, None).sum()) // 2
    else:
        bound = min(int(np.clip(best, 0, None).sum()), col_top.bound())
    return Candidates(
        rows=cand_rows,
        cols=cand_cols,
        scores=cand_scores,
        complete=complete,
        best_per_row=best,
        upper_bound=bound,
    )


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


class _ColumnTop:
    """Best score per mentor; capacity x best bounds what a mentor's slots can add.

    (The exact top-capacity scores per mentor would be a tighter bound but cost a
    partition over every block: 1.6 s of 15 s at 50,000 people.)"""

    def __init__(self, features: Features) -> None:
        self.capacity = features.cols.capacity
        self.best = np.full(len(self.capacity), -1, dtype=np.int64)
        self.active = not features.general

    def add(self, scaled: NDArray[np.int32]) -> None:
        if self.active and len(scaled):
            np.maximum(self.best, scaled.max(axis=0), out=self.best)

    def bound(self) -> int:
        if not self.active:
            return 0
        return int((np.clip(self.best, 0, None) * self.capacity).sum())
