"""Greedy baselines on the same candidates, to show what the exact solve buys.

`in_turn` is how pairing is often done by hand or by simple tools: people take turns (in
id order, e.g. sign-up order) and each takes the best partner still free. `best_first`
is the stronger textbook greedy: the best remaining pair overall, again and again.
"""

from __future__ import annotations

import numpy as np

from pairing.engine.candidates import Candidates
from pairing.engine.features import Features, IntArray


def in_turn(features: Features, cands: Candidates) -> IntArray:
    edge = np.arange(len(cands), dtype=np.int64)
    ends, others = cands.rows, cands.cols
    if features.general:  # each edge is stored once; both ends see it on their turn
        ends, others = np.concatenate([ends, others]), np.concatenate([others, ends])
        edge = np.concatenate([edge, edge])
    scores = cands.scores[edge]
    order = np.lexsort((features.cols.ids[others], -scores, ends))
    slots = features.cols.capacity.copy()
    taken = np.zeros(len(features.rows), dtype=bool)
    chosen: list[int] = []
    ends_list, others_list, edge_list = ends[order].tolist(), others[order].tolist(), edge[order].tolist()
    for person, other, i in zip(ends_list, others_list, edge_list, strict=True):
        if taken[person]:
            continue  # already paired on their own turn or as someone's pick
        if features.general:
            if taken[other]:
                continue
            taken[other] = True
        elif slots[other] <= 0:
            continue
        else:
            slots[other] -= 1
        taken[person] = True
        chosen.append(i)
    return np.array(sorted(chosen), dtype=np.int64)


def best_first(features: Features, cands: Candidates) -> IntArray:
    order = np.lexsort((features.cols.ids[cands.cols], features.rows.ids[cands.rows], -cands.scores))
    slots = features.cols.capacity.copy()
    taken = np.zeros(len(features.rows), dtype=bool)
    chosen: list[int] = []
    rows, cols = cands.rows.tolist(), cands.cols.tolist()
    for i in order.tolist():
        r, c = rows[i], cols[i]
        if taken[r]:
            continue
        if features.general:
            if taken[c]:
                continue
            taken[c] = True
        elif slots[c] <= 0:
            continue
        else:
            slots[c] -= 1
        taken[r] = True
        chosen.append(i)
    return np.array(sorted(chosen), dtype=np.int64)
