"""The file interface: python -m pairing.engine POOL.json, and JSON round trips."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pairing.engine import Kind, solve
from pairing.engine.__main__ import main
from pairing.engine.io import (
    dumps,
    pool_from_json,
    pool_to_json,
    read_pool,
    solution_from_json,
    solution_to_json,
)
from pairing.engine.synthetic import generate

EXAMPLE = Path(__file__).resolve().parents[3] / "pairing" / "engine" / "examples" / "pool.json"


def test_the_cli_prints_the_example_solution_as_json() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pairing.engine", str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=True,
        cwd=EXAMPLE.parents[3],
    )
    solution = json.loads(done.stdout)
    assert solution["kind"] == "traditional"
    assert {(p["mentor_id"], p["mentee_id"]) for p in solution["pairs"]} == {
        (1, 11),
        (1, 13),
        (2, 12),
    }
    reasons = {u["person_id"]: u["reason"] for u in solution["unmatched"]}
    assert reasons[14] == "reporting_line" and reasons[15] == "language"
    assert all(p["explanation"] for p in solution["pairs"])


def test_the_cli_refuses_a_broken_pool(tmp_path: Path, capsys: object) -> None:
    bad = tmp_path / "pool.json"
    bad.write_text(json.dumps({"rules": {"kind": "speed-dating"}}))
    assert main([str(bad)]) == 2


def test_the_cli_can_raise_the_floor(capsys: object) -> None:
    assert main([str(EXAMPLE), "--raise-floor", "--compact"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "raise_floor" in json.loads(out)["quality"]


def test_a_solution_survives_a_json_round_trip() -> None:
    mentors, mentees, rules = read_pool(str(EXAMPLE))
    solution = solve(mentors, mentees, rules)
    again = solution_from_json(json.loads(json.dumps(solution_to_json(solution))))
    assert again.pairs == solution.pairs
    assert again.unmatched == solution.unmatched
    assert dumps(again) == dumps(solution)


def test_a_pool_survives_a_json_round_trip() -> None:
    kinds: tuple[Kind, ...] = ("traditional", "reciprocal")
    for kind in kinds:
        pool = generate(60, kind=kind, seed=3)
        mentors, mentees, rules = pool_from_json(
            json.loads(json.dumps(pool_to_json(pool.mentors, pool.mentees, pool.rules)))
        )
        if rules.is_general:
            assert sorted(mentors, key=lambda p: p.id) == sorted(pool.mentees, key=lambda p: p.id)
        else:
            assert (mentors, mentees) == (pool.mentors, pool.mentees)
        assert rules == pool.rules
