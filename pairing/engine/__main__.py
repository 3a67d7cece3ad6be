"""python -m pairing.engine POOL.json  ->  the solution as JSON on stdout."""

from __future__ import annotations

import argparse
import dataclasses
import sys

from pairing.engine.io import PoolError, dumps, read_pool
from pairing.engine.solve import solve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pairing.engine", description=__doc__)
    parser.add_argument("pool", help="pool file (format: pairing/engine/README.md)")
    parser.add_argument("--raise-floor", action="store_true", help="raise the weakest pair")
    parser.add_argument("--candidates", type=int, default=None, help="best K candidates per person (0 = all)")
    parser.add_argument("--compact", action="store_true", help="one line of JSON")
    args = parser.parse_args(argv)
    try:
        mentors, mentees, rules = read_pool(args.pool)
    except (OSError, ValueError, KeyError, TypeError, PoolError) as error:
        print(f"cannot read {args.pool}: {error}", file=sys.stderr)
        return 2
    if args.raise_floor:
        rules = dataclasses.replace(rules, raise_floor=True)
    if args.candidates is not None:
        rules = dataclasses.replace(rules, candidates_per_person=args.candidates or None)
    solution = solve(mentors, mentees, rules)
    print(dumps(solution, indent=None if args.compact else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
