"""The load benchmark refuses what it cannot run in bounded time, before it starts anything."""

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--users", "ten"], "whole numbers"),
        (["--users", "0"], "between 1 and 500"),
        (["--users", "10,5000"], "between 1 and 500"),
        (["--seconds", "0"], "--seconds"),
        (["--seconds", "3600"], "--seconds"),
        (["--ramp", "-1"], "--ramp"),
    ],
)
def test_it_refuses_unbounded_or_junk_arguments(arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("benchmark_load", *arguments)
