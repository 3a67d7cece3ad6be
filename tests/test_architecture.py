"""The layers written in the README hold: import-linter's contracts (pyproject.toml) pass, and every
project app is named in the layers contract, so a new app cannot escape it."""

import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def _layers_contract() -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(contract for contract in config["contracts"] if contract["id"] == "layers")


def _layered_apps() -> list[str]:
    return [name.strip() for layer in _layers_contract()["layers"] for name in layer.split("|")]  # type: ignore[attr-defined]


def test_the_import_contracts_hold(capsys: pytest.CaptureFixture[str]) -> None:
    exit_code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    output = capsys.readouterr().out
    assert exit_code == 0, output
    assert "0 broken" in output


def test_every_app_package_is_in_exactly_one_layer() -> None:
    packages = {f"mentorship.{p.parent.name}" for p in (ROOT / "mentorship").glob("*/__init__.py")}
    packages |= {"pairing", "skills"}
    layered = _layered_apps()
    assert sorted(layered) == sorted(set(layered)), "an app is named in two layers"
    assert packages == set(layered)


def test_every_installed_project_app_is_in_a_layer() -> None:
    """A new top-level app (next to pairing and skills) must join the layers and the linted packages."""
    ours = {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT) and "site-packages" not in Path(config.path).parts
    }
    assert {"mentorship.core", "pairing", "skills"} <= ours
    assert ours <= set(_layered_apps())
