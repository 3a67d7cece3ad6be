"""Exact solvers over a candidate list: min-cost flow for mentor/mentee pools with
capacities, maximum-weight matching for reciprocal and peer pools.

Why these libraries (measured on the 2-core target box, see README "Libraries"):
OR-tools SimpleMinCostFlow solved 7,000 mentees x 3,000 mentors on 150 candidates each in
about a second, faster than scipy's min_weight_full_bipartite_matching with mentors
copied per slot (2-3x slower, and it needs the copies); rustworkx.max_weight_matching is a
Rust blossom implementation, 38-67x faster than networkx on 2,000 people.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import rustworkx as rx
from numpy.typing import NDArray
from ortools.graph.python import max_flow, min_cost_flow

from pairing.engine.candidates import Candidates
from pairing.engine.features import Features, IntArray

# Tie-breakers are below TIE_RANGE and weights are score * multiplier + tie-breaker with
# multiplier > (largest number of pairs) * (TIE_RANGE - 1): the tie-breakers of a whole
# assignment can never outweigh one unit (0.001 point) of score, so totals stay optimal.
TIE_RANGE = 1024
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


class SolverError(RuntimeError):
    pass


def tie_breakers(a_ids: IntArray, b_ids: IntArray) -> IntArray:
    """A fixed pseudo-random number per pair of ids (splitmix64), so among equal totals the
    choice depends only on who is in the pair, never on input order."""
    with np.errstate(over="ignore"):
        x = a_ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + b_ids.astype(np.uint64)
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return (x % np.uint64(TIE_RANGE)).astype(np.int64)


def weights(features: Features, cands: Candidates, most_pairs: int | None = None) -> IntArray:
    row_ids = features.rows.ids[cands.rows]
    col_ids = features.cols.ids[cands.cols]
    if features.general:
        row_ids, col_ids = np.minimum(row_ids, col_ids), np.maximum(row_ids, col_ids)
    if most_pairs is None:
        most_pairs = len(features.rows) if not features.general else len(features.rows) // 2
    multiplier = max(most_pairs, 1) * (TIE_RANGE - 1) + 1
    return cands.scores * multiplier + tie_breakers(col_ids, row_ids)


def select(cands: Candidates, keep: NDArray[np.bool_]) -> Candidates:
    return dataclasses.replace(cands, rows=cands.rows[keep], cols=cands.cols[keep], scores=cands.scores[keep])


def assign(features: Features, cands: Candidates) -> IntArray:
    """Indices into `cands` of the chosen pairs, sorted (exact on the candidates)."""
    if features.general:
        return matching(features, cands)
    return flow(features, cands)


def capacity(features: Features) -> IntArray:
    """Slots per column: mentors' capacities, or 1 each in a general pool's double cover."""
    if features.general:
        return np.ones(len(features.cols), dtype=np.int64)
    return features.cols.capacity


def flow(features: Features, cands: Candidates, exactly: int | None = None) -> IntArray:
    """Min-cost flow: mentee -> mentor (cost = -weight) -> sink (capacity).

    Each mentee also has a bypass arc straight to the sink at cost 0 ("unmatched"), so the
    flow is always feasible. With `exactly`, a source sends exactly that many units and there
    is no bypass: the best total among assignments of exactly that size.
    """
    n_rows, n_cols = len(features.rows), len(features.cols)
    sink = n_rows + n_cols
    source = sink + 1
    network = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = network.add_arcs_with_capacity_and_unit_cost(
        cands.rows, n_rows + cands.cols, np.ones(len(cands), np.int64), -weights(features, cands, most_pairs=n_rows)
    )
    mentees = np.arange(n_rows, dtype=np.int64)
    mentors = np.arange(n_cols, dtype=np.int64)
    network.add_arcs_with_capacity_and_unit_cost(
        n_rows + mentors, np.full(n_cols, sink), capacity(features), np.zeros(n_cols, np.int64)
    )
    if exactly is None:
        network.add_arcs_with_capacity_and_unit_cost(
            mentees, np.full(n_rows, sink), np.ones(n_rows, np.int64), np.zeros(n_rows, np.int64)
        )
        network.set_nodes_supplies(np.append(mentees, sink), np.append(np.ones(n_rows, np.int64), -n_rows))
    else:
        network.add_arcs_with_capacity_and_unit_cost(
            np.full(n_rows, source), mentees, np.ones(n_rows, np.int64), np.zeros(n_rows, np.int64)
        )
        network.set_nodes_supplies(np.array([source, sink]), np.array([exactly, -exactly]))
    status = network.solve()
    if status != network.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status}")
    used: NDArray[np.bool_] = np.asarray(network.flows(pair_arcs)) > 0
    return np.nonzero(used)[0].astype(np.int64)


def matching(features: Features, cands: Candidates, bonus: int = 0) -> IntArray:
    """Maximum-weight matching on the general graph (a bonus per edge favours more pairs)."""
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(len(features.rows)))
    w = weights(features, cands) + bonus
    edge_index = {}
    edges = []
    for i, (a, b, weight) in enumerate(zip(cands.rows.tolist(), cands.cols.tolist(), w.tolist(), strict=True)):
        edges.append((a, b, weight))
        edge_index[(a, b)] = i
    graph.add_edges_from(edges)
    matched = rx.max_weight_matching(graph, max_cardinality=False, weight_fn=int)
    chosen = sorted(edge_index[(min(a, b), max(a, b))] for a, b in matched)
    return np.array(chosen, dtype=np.int64)


def max_pairs(features: Features, cands: Candidates) -> int:
    """The largest number of pairs the candidate list allows (capacities included)."""
    if features.general:
        graph = rx.PyGraph(multigraph=False)
        graph.add_nodes_from(range(len(features.rows)))
        graph.add_edges_from_no_data(list(zip(cands.rows.tolist(), cands.cols.tolist(), strict=True)))
        return len(rx.max_weight_matching(graph, max_cardinality=True))
    n_rows, n_cols = len(features.rows), len(features.cols)
    sink, source = n_rows + n_cols, n_rows + n_cols + 1
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(cands.rows, n_rows + cands.cols, np.ones(len(cands), np.int64))
    flow.add_arcs_with_capacity(np.full(n_rows, source), np.arange(n_rows, dtype=np.int64), np.ones(n_rows, np.int64))
    flow.add_arcs_with_capacity(
        n_rows + np.arange(n_cols, dtype=np.int64), np.full(n_cols, sink), features.cols.capacity
    )
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise SolverError("max flow failed")
    return int(flow.optimal_flow())


def raise_floor(features: Features, cands: Candidates, chosen: IntArray) -> tuple[IntArray, int]:
    """The highest floor score that still lets as many people pair, then the best total
    above it. Returns (chosen indices into `cands`, floor as a scaled score)."""
    target = len(chosen)
    if target == 0:
        return chosen, 0
    levels = np.unique(cands.scores[cands.scores >= cands.scores[chosen].min()])
    lo, hi = 0, len(levels) - 1  # levels[lo] is feasible: the unfloored optimum reaches it
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if max_pairs(features, select(cands, cands.scores >= levels[mid])) >= target:
            lo = mid
        else:
            hi = mid - 1
    floor = int(levels[lo])
    keep = np.nonzero(cands.scores >= floor)[0]
    above = select(cands, cands.scores >= floor)
    if features.general:
        # Any bonus larger than every possible total makes pair count come first.
        heaviest = int(weights(features, above).max()) if len(above) else 0
        bonus = (len(features.rows) // 2) * heaviest + 1
        picked = matching(features, above, bonus=bonus)
    else:
        picked = flow(features, above, exactly=target)
    return keep[picked], floor
