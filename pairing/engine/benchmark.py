"""python -m pairing.engine.benchmark: the engine against a dense baseline on generated pools.

Each case runs in a fresh interpreter, so its peak memory (ru_maxrss: the interpreter, the
generated pool and the engine together) is its own. Per size it runs:

- the engine: scoring (blockwise, candidates + bounds), the exact solve on the candidates,
  pricing until certified (mentor/mentee pools) or the exact / bounded general solve, then
  explanations, reasons and figures;
- the dense baseline: the same scorer keeps *every* allowed pair, then one exact solve over
  all of them (OR-tools min-cost flow; rustworkx blossom for general pools). It needs no
  proof, which is why it is the reference the engine must beat.

`--table` (default) prints one Markdown table; `--sizes` etc. choose the cases; `--full` is
the issue's set (10k, 50k, 100k traditional; reciprocal and peer 5k). Expect the larger
cases to take minutes on a shared two-core machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import random
import resource
import sys
import time
from collections.abc import Callable
from typing import Any, cast

from pairing.engine import assign, greedy, synthetic
from pairing.engine.candidates import one_blas_thread
from pairing.engine.io import dumps
from pairing.engine.model import SCORE_SCALE, Kind, Person
from pairing.engine.solve import choose, finish, prepare, solve

Figures = dict[str, Any]


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _cpu() -> float:
    """CPU seconds of this process, every thread (on a busy shared box the wall clock
    mostly measures the queue for a core; CPU time is the engine's own cost)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def case_engine(n: int, kind: Kind, per_person: int | None, seed: int, greedy_too: bool = False) -> Figures:
    """The engine as a match run uses it, stage by stage."""
    pool = synthetic.generate(n, kind=kind, seed=seed, candidates_per_person=per_person)
    pool_mib = _peak_mib()
    c0, t0 = _cpu(), time.perf_counter()
    feats, cands = prepare(pool.mentors, pool.mentees, pool.rules)
    t1 = time.perf_counter()
    choice = choose(feats, cands)
    t2, c2 = time.perf_counter(), _cpu()
    solution = finish(feats, choice)
    t3 = time.perf_counter()
    optimum = cast(dict[str, Any], solution.quality["optimum"])
    out: Figures = {
        "case": f"{kind} {n:,}",
        "mentors": len(pool.mentors),
        "mentees": len(pool.mentees),
        "allowed pairs": cands.allowed,
        "candidates first / final": f"{len(cands):,} / {len(choice.cands):,}",
        "scoring s": round(t1 - t0, 2),
        "solve + proof s": round(t2 - t1, 2),
        "engine s": round(t2 - t0, 2),
        "engine CPU s": round(c2 - c0, 2),
        "explain + reasons + figures s": round(t3 - t2, 2),
        "status": optimum["status"],
        "rounds": optimum.get("rounds"),
        "priced in": optimum.get("priced_in"),
        "gap": optimum.get("gap"),
        "total score": round(choice.optimum / SCORE_SCALE, 3),
        "pairs": len(solution.pairs),
        "unmatched": solution.quality["unmatched"],
        "pool MiB": round(pool_mib),
        "peak RSS MiB": round(_peak_mib()),
    }
    if greedy_too:
        baselines: dict[str, Callable[..., Any]] = {
            "greedy in turn": greedy.in_turn,
            "greedy best first": greedy.best_first,
        }
        for name, baseline in baselines.items():
            picked = baseline(feats, choice.cands)
            total = int(choice.cands.scores[picked].sum())
            out[name] = {
                "total score": round(total / SCORE_SCALE, 1),
                "optimum gain %": round(100 * (choice.optimum - total) / total, 2) if total else None,
            }
    return out


def case_dense(n: int, kind: Kind, seed: int) -> Figures:
    """Every allowed pair scored and kept, one exact solve over all of them."""
    pool = synthetic.generate(n, kind=kind, seed=seed, candidates_per_person=None)
    c0, t0 = _cpu(), time.perf_counter()
    feats, cands = prepare(pool.mentors, pool.mentees, pool.rules)
    t1 = time.perf_counter()
    chosen = assign.assign(feats, cands)
    t2, c2 = time.perf_counter(), _cpu()
    return {
        "case": f"dense {kind} {n:,}",
        "allowed pairs": len(cands),
        "scoring s": round(t1 - t0, 2),
        "solve s": round(t2 - t1, 2),
        "dense s": round(t2 - t0, 2),
        "dense CPU s": round(c2 - c0, 2),
        "total score": round(int(cands.scores[chosen].sum()) / SCORE_SCALE, 3),
        "peak RSS MiB": round(_peak_mib()),
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
    return {"case": f"shuffle check, {kind} {n:,}", "identical output": first == again, "solution bytes": len(first)}


CASES: dict[str, Callable[..., Figures]] = {"engine": case_engine, "dense": case_dense, "shuffle": case_shuffle}


def _run(job: tuple[str, tuple[Any, ...]]) -> Figures:
    name, args = job
    with one_blas_thread():  # as solve() runs; the dense baseline gets the same
        return CASES[name](*args)


def run_case(job: tuple[str, tuple[Any, ...]], timeout: float) -> Figures:
    """One case in a fresh interpreter; a case that runs past `timeout` is stopped and
    reported as such (the dense baseline of a large general pool may not finish)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as worker:
        pending = worker.apply_async(_run, (job,))
        try:
            return pending.get(timeout=timeout)
        except multiprocessing.TimeoutError:
            worker.terminate()
            return {"case": f"{job[0]} {job[1][1]} {job[1][0]:,}", "stopped after s": timeout}


def plan(args: argparse.Namespace) -> list[tuple[Kind, int]]:
    if args.full:
        return [
            ("traditional", 10_000),
            ("traditional", 50_000),
            ("traditional", 100_000),
            ("reciprocal", 5_000),
            ("peer", 5_000),
        ]
    out: list[tuple[Kind, int]] = [(args.kind, n) for n in args.sizes]
    out += [("reciprocal", n) for n in args.reciprocal]
    out += [("peer", n) for n in args.peer]
    return out


def _load() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on Linux
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pairing.engine.benchmark", description=__doc__)
    parser.add_argument("--full", action="store_true", help="10k, 50k, 100k traditional; reciprocal and peer 5k")
    parser.add_argument("--kind", default="traditional", choices=["traditional", "reverse"])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000], help="people per mentor/mentee pool")
    parser.add_argument("--reciprocal", type=int, nargs="*", default=[])
    parser.add_argument("--peer", type=int, nargs="*", default=[])
    parser.add_argument("--candidates", type=int, default=None, help="top-K per person (default: the engine's)")
    parser.add_argument("--no-dense", action="store_true", help="skip the dense baseline")
    parser.add_argument("--dense-up-to", type=int, default=50_000, help="largest pool the dense baseline runs on")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per case before it is stopped")
    parser.add_argument("--greedy", action="store_true", help="also the greedy baselines on the same candidates")
    parser.add_argument("--shuffle", type=int, nargs="*", default=[], help="shuffle checks at these sizes")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    per_person = args.candidates if args.candidates is not None else _default_k()
    rows: list[tuple[str, int, Figures, Figures, str]] = []
    print(f"cpus {os.cpu_count()}, load average at start {_load()}", flush=True)
    cases = plan(args)
    # Every engine case first, then the dense baselines (slower, and the largest may be stopped).
    for kind, n in cases:
        load = _load()
        engine = run_case(("engine", (n, kind, per_person, args.seed, args.greedy)), args.timeout)
        print(_format(dict(engine), load), flush=True)
        rows.append((kind, n, engine, {}, load))
    for i, (kind, n) in enumerate(cases):
        if args.no_dense or n > args.dense_up_to:
            continue
        load = _load()
        dense = run_case(("dense", (n, kind, args.seed)), args.timeout)
        print(_format(dict(dense), load), flush=True)
        rows[i] = (kind, n, rows[i][2], dense, f"{rows[i][4]}; dense: {load}")
    for n in args.shuffle:
        print(_format(run_case(("shuffle", (n, args.kind, per_person, args.seed)), args.timeout), _load()), flush=True)
    print(table(rows))
    return 0


def _default_k() -> int | None:
    from pairing.engine.model import Rules

    return Rules().candidates_per_person


def table(rows: list[tuple[str, int, Figures, Figures, str]]) -> str:
    lines = [
        "| case | allowed pairs | engine s (scoring + solve/proof) | engine CPU s | peak RSS MiB | rounds |"
        " status | total | dense s | dense CPU s | dense RSS MiB | dense total | speed-up (wall / CPU) |"
        " load avg (1/5/15 min) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for kind, n, e, d, load in rows:
        engine_s = e.get("engine s")
        dense_s = d.get("dense s")
        status = e.get("status", "stopped")
        if e.get("gap") is not None and status == "bounded":
            status = f"bounded, gap {100 * e['gap']:.3f}%"
        engine_cpu, dense_cpu = e.get("engine CPU s"), d.get("dense CPU s")
        speed = "-"
        if dense_s and engine_s and dense_cpu and engine_cpu:
            speed = f"{dense_s / engine_s:.1f}x / {dense_cpu / engine_cpu:.1f}x"
        allowed = e.get("allowed pairs")
        lines.append(
            f"| {kind} {n:,} | {f'{allowed:,}' if allowed is not None else '?'} | {engine_s} ({e.get('scoring s')} + "
            f"{e.get('solve + proof s')}) | {engine_cpu} | {e.get('peak RSS MiB', '?')} | {e.get('rounds', '?')} | "
            f"{status} | {e.get('total score', '?')} | {dense_s or d.get('stopped after s', '-')} | "
            f"{dense_cpu or '-'} | {d.get('peak RSS MiB', '-')} | {d.get('total score', '-')} | {speed} | {load} |"
        )
    return "\n".join(lines)


def _format(figures: Figures, load: str) -> str:
    lines = [f"== {figures.pop('case')} (load average {load})"]
    for key, value in figures.items():
        lines.append(f"  {key}: {value}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
