"""python -m pairing.engine.benchmark: figures for the matching targets on generated pools.

Each case runs in a fresh interpreter so its peak memory (ru_maxrss, which includes the
generated pool and the interpreter itself) is its own. The default finishes in about two
minutes; --full runs the issue's sizes (10k and 50k traditional, reciprocal 5k, reciprocal
2k exact on all allowed pairs, pruning loss and shuffle checks on 2k).
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import random
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

from pairing.engine import assign, greedy, synthetic
from pairing.engine.io import dumps
from pairing.engine.model import SCORE_SCALE, Kind, Person
from pairing.engine.solve import finish, prepare, solve

Figures = dict[str, Any]


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def case_solve(n: int, kind: Kind, per_person: int | None, seed: int) -> Figures:
    """Score + exact solve, then both greedy baselines on the same candidates."""
    pool = synthetic.generate(n, kind=kind, seed=seed, candidates_per_person=per_person)
    t0 = time.perf_counter()
    feats, cands = prepare(pool.mentors, pool.mentees, pool.rules)
    t1 = time.perf_counter()
    chosen = assign.assign(feats, cands)
    t2 = time.perf_counter()
    optimum = int(cands.scores[chosen].sum())
    solution = finish(feats, cands, chosen, optimum)
    t3 = time.perf_counter()
    out: Figures = {
        "case": f"{kind} {n}" + (" exact (all allowed pairs)" if per_person is None else ""),
        "people": n,
        "mentors": len(pool.mentors),
        "mentees": len(pool.mentees),
        "candidate pairs": len(cands),
        "candidates complete": cands.complete,
        "scoring s": round(t1 - t0, 2),
        "solve s": round(t2 - t1, 2),
        "scoring + solve s": round(t2 - t0, 2),
        "explain + figures s": round(t3 - t2, 2),
        "engine total s": round(t3 - t0, 2),
        "total score": round(optimum / SCORE_SCALE, 1),
        "pairs": len(solution.pairs),
        "unmatched": solution.quality["unmatched"],
        "weakest pair": solution.quality["weakest_pair"],
        "blocking pairs": solution.quality["blocking_pairs"]["count"],  # type: ignore[index]
    }
    baselines: dict[str, Callable[..., Any]] = {
        "greedy in turn": greedy.in_turn,
        "greedy best first": greedy.best_first,
    }
    for name, baseline in baselines.items():
        g0 = time.perf_counter()
        picked = baseline(feats, cands)
        seconds = time.perf_counter() - g0
        total = int(cands.scores[picked].sum())
        matched = _matched(feats.general, cands, picked, len(feats.rows))
        out[name] = {
            "assign s (scoring shared)": round(seconds, 2),
            "total score": round(total / SCORE_SCALE, 1),
            "optimum gain %": round(100 * (optimum - total) / total, 2) if total else None,
            "unmatched learners": len(feats.rows) - matched,
        }
    out["optimum unmatched learners"] = len(feats.rows) - _matched(feats.general, cands, chosen, len(feats.rows))
    out["peak RSS MiB"] = round(_peak_mib(), 0)
    return out


def _matched(general: bool, cands: Any, picked: Any, n: int) -> int:
    if general:
        return 2 * len(picked)
    return len(set(cands.rows[picked].tolist()))


def case_pruning(n: int, kind: Kind, per_person: int, seed: int) -> Figures:
    pool = synthetic.generate(n, kind=kind, seed=seed, candidates_per_person=None)
    totals = {}
    for label, k in (("dense", None), ("pruned", per_person)):
        rules = dataclasses.replace(pool.rules, candidates_per_person=k)
        t0 = time.perf_counter()
        feats, cands = prepare(pool.mentors, pool.mentees, rules)
        chosen = assign.assign(feats, cands)
        totals[label] = (int(cands.scores[chosen].sum()), len(cands), time.perf_counter() - t0)
    dense, pruned = totals["dense"][0], totals["pruned"][0]
    return {
        "case": f"pruning loss, {kind} {n}, top-{per_person} vs every allowed pair",
        "dense total": dense / SCORE_SCALE,
        "dense candidate pairs": totals["dense"][1],
        "dense s": round(totals["dense"][2], 2),
        "pruned total": pruned / SCORE_SCALE,
        "pruned candidate pairs": totals["pruned"][1],
        "pruned s": round(totals["pruned"][2], 2),
        "loss %": round(100 * (dense - pruned) / dense, 4) if dense else 0.0,
        "peak RSS MiB": round(_peak_mib(), 0),
    }


def shuffled(people: list[Person], rng: random.Random) -> list[Person]:
    out = [dataclasses.replace(p, skills=dict(rng.sample(list(p.skills.items()), len(p.skills)))) for p in people]
    rng.shuffle(out)
    return out


def case_shuffle(n: int, kind: Kind, per_person: int | None, seed: int) -> Figures:
    pool = synthetic.generate(n, kind=kind, seed=seed, candidates_per_person=per_person)
    first = dumps(solve(pool.mentors, pool.mentees, pool.rules))
    rng = random.Random(seed)
    again = dumps(solve(shuffled(pool.mentors, rng), shuffled(pool.mentees, rng), pool.rules))
    return {
        "case": f"shuffle check, {kind} {n}",
        "identical output": first == again,
        "solution bytes": len(first),
    }


CASES: dict[str, Callable[..., Figures]] = {
    "solve": case_solve,
    "pruning": case_pruning,
    "shuffle": case_shuffle,
}


def _run(job: tuple[str, tuple[Any, ...]]) -> Figures:
    name, args = job
    return CASES[name](*args)


def plan(args: argparse.Namespace) -> list[tuple[str, tuple[Any, ...]]]:
    k, seed = args.candidates, args.seed
    if args.full:
        return [
            ("solve", (10_000, "traditional", k, seed)),
            ("solve", (10_000, "reverse", k, seed)),
            ("solve", (50_000, "traditional", k, seed)),
            ("solve", (5_000, "reciprocal", k, seed)),
            ("solve", (2_000, "reciprocal", None, seed)),
            ("solve", (2_000, "peer", None, seed)),
            ("pruning", (2_000, "traditional", k, seed)),
            ("pruning", (2_000, "reciprocal", k, seed)),
            ("shuffle", (2_000, "traditional", k, seed)),
            ("shuffle", (2_000, "reciprocal", k, seed)),
        ]
    jobs: list[tuple[str, tuple[Any, ...]]] = []
    for n in args.sizes:
        jobs.append(("solve", (n, args.kind, k, seed)))
    for n in args.reciprocal:
        jobs.append(("solve", (n, "reciprocal", k, seed)))
    for n in args.exact:
        jobs.append(("solve", (n, "reciprocal", None, seed)))
    for n in args.pruning:
        jobs.append(("pruning", (n, args.kind, k, seed)))
    for n in args.shuffle:
        jobs.append(("shuffle", (n, args.kind, k, seed)))
    return jobs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pairing.engine.benchmark", description=__doc__)
    parser.add_argument("--full", action="store_true", help="the issue's full target sizes")
    parser.add_argument("--kind", default="traditional", choices=["traditional", "reverse"])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000], help="people per pool")
    parser.add_argument("--reciprocal", type=int, nargs="*", default=[2_000])
    parser.add_argument("--exact", type=int, nargs="*", default=[2_000], help="reciprocal, no pruning")
    parser.add_argument("--pruning", type=int, nargs="*", default=[2_000])
    parser.add_argument("--shuffle", type=int, nargs="*", default=[2_000])
    parser.add_argument("--candidates", type=int, default=150, help="top-K per person")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    context = multiprocessing.get_context("spawn")
    for job in plan(args):
        with context.Pool(1) as worker:
            figures = worker.apply(_run, (job,))
        print(_format(figures), flush=True)
    return 0


def _format(figures: Figures) -> str:
    lines = [f"== {figures.pop('case')}"]
    for key, value in figures.items():
        lines.append(f"  {key}: {value}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
