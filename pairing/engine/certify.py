"""Proof of optimality over every allowed pair, not just the candidates: pricing.

A mentor/mentee pool is a capacitated assignment (b-matching). Its linear program

    max sum s_rc x_rc   subject to   sum_c x_rc <= 1 (each mentee),  sum_r x_rc <= cap_c (each mentor)

has integral optima, and its dual is: potentials u_r >= 0 (mentees) and v_c >= 0 (mentors)
with u_r + v_c >= s_rc for every allowed pair. Any such (u, v) bounds every assignment by
sum u + sum cap v; when that equals the total found, the assignment is optimal over *all*
allowed pairs. That is the certificate.

1. Solve exactly on the candidates (min-cost flow, assign.py).
2. Dual potentials from the residual graph of that flow: v is the longest-path distance from
   "a free slot" over alternating paths (mentor m -> mentor c weighs s_rc - s_rm for a mentee
   r of m; an unmatched mentee r starts c at s_rc), and u_r = s_r,m(r) - v_m(r). No positive
   cycle exists because the flow is optimal, so the distances are finite; the code then
   checks dual feasibility on every candidate and that the dual total equals the primal.
3. Price every pair left out: its score is at most row_bound[r] and col_bound[c] (kept by the
   candidate search), so only pairs with min(row_bound, col_bound) >= u_r + v_c are scored
   again (a few per thousand); pairs with reduced cost s - u - v >= 0 join the candidates.
4. Repeat while a priced-in pair strictly improves (s > u + v). When none does, no allowed
   pair anywhere has a positive reduced cost and the assignment is certified optimal:
   `rounds` counts the solves.

General pools (reciprocal, peer): the same machinery on the bipartite double cover (everyone
once as a learner, once as a teacher) certifies D, the optimum of the fractional relaxation;
half of it (plus half a unit per pair for rounding of the two directions) bounds every
matching. The blossom solve on the candidates is then within a certified gap of the optimum,
or exact when the candidates hold every allowed pair.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from pairing.engine import assign
from pairing.engine.candidates import Candidates, blocks, merge_directions, run_blocks, score_block
from pairing.engine.features import Features, IntArray

MAX_ROUNDS = 60
PRICING_WIDEN = 8


@dataclass(frozen=True)
class Certificate:
    status: str  # "certified" (proof over every allowed pair) or "not certified"
    rounds: int  # solves, the first included
    priced_in: int  # pairs pricing added to the candidates
    pairs_rescored: int  # left-out pairs scored again while pricing
    dual_total: int  # sum u + sum cap v (scaled): a proven upper bound on any assignment
    primal_total: int

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "rounds": self.rounds,
            "priced_in": self.priced_in,
            "pairs_rescored": self.pairs_rescored,
        }


# --- Duals ----------------------------------------------------------------------------------------


def duals(features: Features, cands: Candidates, chosen: IntArray) -> tuple[IntArray, IntArray]:
    """Optimal dual potentials (u per row, v per column) of the candidate problem."""
    n_rows, n_cols = len(features.rows), len(features.cols)
    partner = np.full(n_rows, -1, dtype=np.int64)
    matched_score = np.zeros(n_rows, dtype=np.int64)
    partner[cands.rows[chosen]] = cands.cols[chosen]
    matched_score[cands.rows[chosen]] = cands.scores[chosen]
    v = np.zeros(n_cols, dtype=np.int64)
    free = partner[cands.rows] < 0
    np.maximum.at(v, cands.cols[free], cands.scores[free])
    # Arcs m -> c for each candidate (r, c) of a matched row r with partner m != c. They stay in
    # the candidates' row order: a mentor's arcs are those of its matched rows, each row's a
    # slice (sorting millions of arcs by mentor instead took seconds at 100,000 people).
    arc = ~free & (cands.cols != partner[cands.rows])
    arc_rows = cands.rows[arc]
    dst = cands.cols[arc]
    weight = cands.scores[arc] - matched_score[arc_rows]
    arcs_of_row = np.searchsorted(arc_rows, np.arange(n_rows + 1))
    matched_rows = np.flatnonzero(partner >= 0)
    by_mentor = matched_rows[np.argsort(partner[matched_rows], kind="stable")]
    rows_of_mentor = np.searchsorted(partner[by_mentor], np.arange(n_cols + 1))
    active = np.arange(n_cols)  # every column starts at 0 (a free slot is worth nothing)
    for _ in range(n_cols + 1):
        if len(active) == 0:
            break
        rows = by_mentor[_spans(rows_of_mentor[active], rows_of_mentor[active + 1])]
        starts, ends = arcs_of_row[rows], arcs_of_row[rows + 1]
        take = _spans(starts, ends)
        if len(take) == 0:
            break
        reach = np.repeat(v[partner[rows]], ends - starts) + weight[take]
        targets = dst[take]
        better = reach > v[targets]
        if not better.any():
            break
        np.maximum.at(v, targets[better], reach[better])
        active = np.unique(targets[better])
    else:  # pragma: no cover - a positive cycle would mean the flow was not optimal
        raise assign.SolverError("dual potentials did not settle")
    u = np.zeros(n_rows, dtype=np.int64)
    matched = partner >= 0
    u[matched] = matched_score[matched] - v[partner[matched]]
    return u, v


def _spans(starts: IntArray, ends: IntArray) -> IntArray:
    """The indices start..end-1 of every span, one after another."""
    lengths = ends - starts
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())


def dual_total(features: Features, u: IntArray, v: IntArray) -> int:
    return int(u.sum() + (assign.capacity(features) * v).sum())


def feasible_on(cands: Candidates, u: IntArray, v: IntArray) -> bool:
    return bool((u >= 0).all() and (v >= 0).all() and (cands.scores <= u[cands.rows] + v[cands.cols]).all())


# --- Pricing --------------------------------------------------------------------------------------


def _suspects(cands: Candidates, u: IntArray, v: IntArray) -> IntArray:
    """Rows that may hold a left-out pair (r, c) with positive reduced cost; every other row
    is proven to hold none. Such a pair needs both bounds to reach u_r + v_c:
    v_c <= row_bound[r] - u_r and u_r <= col_bound[c] - v_c. With the columns sorted by v, the
    first condition is a prefix, and the best col_bound - v over each prefix settles the
    second, so no row is checked against every column."""
    order = np.argsort(v, kind="stable")
    prefix_best = np.maximum.accumulate((cands.col_bound - v)[order])
    reach = np.searchsorted(v[order], cands.row_bound - u, side="right")
    best = np.where(reach > 0, prefix_best[np.maximum(reach - 1, 0)], -1)
    return np.flatnonzero((reach > 0) & (best >= u) & (cands.row_bound >= u))


def _price(
    features: Features, cands: Candidates, rows: IntArray, u: IntArray, v: IntArray, threads: int
) -> tuple[IntArray, IntArray, IntArray, int]:
    """Every left-out pair of `rows` whose bounds allow s_rc >= u_r + v_c is scored again
    (a pair outside that ceiling provably has no positive reduced cost); those that reach
    it join the candidates. Returns (rows, cols, scores, pairs scored)."""
    starts = np.searchsorted(cands.rows, rows, "left")
    ends = np.searchsorted(cands.rows, rows, "right")
    n_cols = len(features.cols)

    def work(block: IntArray) -> tuple[IntArray, IntArray, IntArray, int]:
        need = np.minimum(cands.row_bound[block][:, None], cands.col_bound[None, :]) >= (u[block][:, None] + v[None, :])
        # Pairs already among the candidates need no pricing.
        at = np.searchsorted(rows, block)
        lengths = ends[at] - starts[at]
        owner = np.repeat(np.arange(len(block)), lengths)
        idx = _spans(starts[at], ends[at])
        need[owner, cands.cols[idx]] = False
        subset = np.flatnonzero(need.any(axis=0))
        if len(subset) == 0:
            return block[:0], block[:0], block[:0], 0
        need = need[:, subset]
        if 4 * len(subset) > n_cols:  # gathering most columns costs more than scoring them all
            scaled = score_block(features, block)[:, subset].astype(np.int64)
        else:
            scaled = score_block(features, block, subset).astype(np.int64)
        # ">=" rather than ">": a pair that ties the dual prices is added too, which keeps
        # the proof safe against a one-unit rounding difference between blocks.
        better = need & (scaled >= 0) & (scaled >= u[block][:, None] + v[subset][None, :])
        r, c = np.nonzero(better)
        return block[r], subset[c], scaled[r, c], int(need.sum())

    # Wide blocks: each scores only the columns some of its rows need, and gathering those
    # columns is paid once per block.
    parts = run_blocks(work, blocks(features, rows, widen=PRICING_WIDEN), threads)
    empty = np.zeros(0, dtype=np.int64)
    return (
        np.concatenate([p[0] for p in parts]) if parts else empty,
        np.concatenate([p[1] for p in parts]) if parts else empty,
        np.concatenate([p[2] for p in parts]) if parts else empty,
        sum(p[3] for p in parts),
    )


def _merge(
    cands: Candidates, chosen: IntArray, rows: IntArray, cols: IntArray, scores: IntArray
) -> tuple[Candidates, IntArray]:
    """The candidates with the priced-in pairs, still sorted by row then column, and `chosen`
    re-indexed into them. The few new pairs are inserted where they belong: sorting the whole
    list again took 4 s of 27 at 100,000 people, inserting takes a copy."""
    width = int(max(cands.cols.max(initial=-1), cols.max(initial=-1))) + 1
    new = rows.astype(np.int64) * width + cols
    order = np.argsort(new, kind="stable")
    at = np.searchsorted(cands.rows.astype(np.int64) * width + cands.cols, new[order])
    merged = replace(
        cands,
        rows=np.insert(cands.rows, at, rows[order]),
        cols=np.insert(cands.cols, at, cols[order]),
        scores=np.insert(cands.scores, at, scores[order]),
    )
    # An old pair moves up by the number of new pairs inserted before it.
    return merged, chosen + np.searchsorted(at, chosen, side="right")


def bipartite(features: Features, cands: Candidates, threads: int = 1) -> tuple[Candidates, IntArray, Certificate]:
    """Solve on the candidates, price every left-out pair, repeat; see the module docstring.
    Returns the final candidates, the chosen indices into them and the certificate."""
    rounds = priced_in = rescored = 0
    chosen = assign.flow(features, cands)
    while True:
        rounds += 1
        primal = int(cands.scores[chosen].sum())
        u, v = duals(features, cands, chosen)
        if not feasible_on(cands, u, v) or dual_total(features, u, v) != primal:
            return cands, chosen, _uncertified(features, cands, u, v, primal, rounds, priced_in, rescored)
        suspects = _suspects(cands, u, v)
        if len(suspects) == 0:
            return cands, chosen, Certificate("certified", rounds, priced_in, rescored, primal, primal)
        if rounds >= MAX_ROUNDS:
            return cands, chosen, _uncertified(features, cands, u, v, primal, rounds, priced_in, rescored)
        rows, cols, scores, scored = _price(features, cands, suspects, u, v, threads)
        rescored += scored
        priced_in += len(rows)
        improving = bool((scores > u[rows] + v[cols]).any())
        if len(rows):
            cands, chosen = _merge(cands, chosen, rows, cols, scores)
        if not improving:
            # Every pair left out has reduced cost <= 0 under (u, v), which stay feasible
            # with the tying pairs added: the solution is optimal over all allowed pairs.
            return cands, chosen, Certificate("certified", rounds, priced_in, rescored, primal, primal)
        chosen = _solve_again(features, cands, chosen, u, v)


def _solve_again(features: Features, cands: Candidates, chosen: IntArray, u: IntArray, v: IntArray) -> IntArray:
    """The optimum over the candidates after pricing added a few pairs, solved on the pairs
    that can change: under the last duals every old pair has reduced cost s - u - v <= 0 (the
    chosen ones 0) and only the added ones are positive, `gain` in all. A better assignment
    gains at most `gain` plus the (negative) reduced costs of the pairs it takes on (rows and
    mentors with a positive price are full, so moving them gains nothing more), so it takes
    on no pair below -gain: the pairs at or above it and the chosen ones hold it. At 100,000
    people that is 4.6 million arcs of 14.8 million (a solve on fewer, checked against the gain
    it found, had to be repeated on nearly as many: the bound is loose, the gain found small)."""
    reduced = cands.scores - u[cands.rows] - v[cands.cols]
    keep = reduced >= -int(np.maximum(reduced, 0).sum())
    keep[chosen] = True
    return np.flatnonzero(keep)[assign.flow(features, assign.select(cands, keep))]


def _uncertified(
    features: Features,
    cands: Candidates,
    u: IntArray,
    v: IntArray,
    primal: int,
    rounds: int,
    priced_in: int,
    rescored: int,
) -> Certificate:
    """Still an honest bound: raising u_r to the row's left-out ceiling covers every pair."""
    u = np.maximum(np.maximum(u, 0), np.maximum(cands.row_bound, 0))
    v = np.maximum(v, 0)
    bound = max(dual_total(features, u, v), primal)
    return Certificate("not certified", rounds, priced_in, rescored, bound, primal)


# --- General pools --------------------------------------------------------------------------------


def double_cover(features: Features, cands: Candidates, threads: int = 1) -> tuple[Candidates, Certificate]:
    """Certify the optimum D of the bipartite double cover of a general pool (everyone as a
    learner row and as a teacher column, capacity 1). Returns the directed candidates after
    pricing and the certificate; D / 2 (+ rounding slack) bounds every matching."""
    directed = replace(
        cands,
        rows=np.concatenate([cands.rows, cands.cols]),
        cols=np.concatenate([cands.cols, cands.rows]),
        scores=np.concatenate([cands.scores, cands.scores]),
    )
    order = np.lexsort((directed.cols, directed.rows))
    directed = replace(directed, rows=directed.rows[order], cols=directed.cols[order], scores=directed.scores[order])
    final, _chosen, certificate = bipartite(features, directed, threads)
    return final, certificate


def general_bound(features: Features, certificate: Certificate) -> int:
    """Scaled upper bound on any matching of a general pool from the double cover's dual
    total D: a matching M gives the cover 2 x total(M) minus at most one unit per pair (the
    two directions of a pair may round one unit apart)."""
    return (certificate.dual_total + len(features.rows) // 2 + 1) // 2


def undirected(cands: Candidates, n: int) -> Candidates:
    """Each edge once (lower index first), keeping the higher of its two directed scores."""
    rows, cols, scores = merge_directions(cands.rows, cands.cols, cands.scores, n)
    return replace(cands, rows=rows, cols=cols, scores=scores)


__all__ = ["Certificate", "bipartite", "double_cover", "duals", "general_bound", "undirected"]
