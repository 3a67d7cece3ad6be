"""docker-compose.yml, the Dockerfile and .env.example agree with the code they run.

These read the files as data: no Docker, no database. They catch the drift that otherwise shows up
only on the first `docker compose up`: a renamed module, an environment variable the settings no
longer read, a second beat, a service nobody health-checks.
"""

import importlib
import importlib.util
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING = ("web", "worker", "beat", "db", "redis", "mailpit")
WSGI_TARGET = "mentorship.wsgi:application"

_SETTINGS_READ = re.compile(
    r"""env_(?:str|bool|int|list|url)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.getenv\(\s*["']([A-Z][A-Z0-9_]*)["']"""
)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def settings_env_names() -> set[str]:
    source = (ROOT / "mentorship" / "settings.py").read_text()
    return {next(group for group in match.groups() if group) for match in _SETTINGS_READ.finditer(source)}


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments) pairs, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def _argv(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _celery_app(argv: list[str]) -> str | None:
    app = None
    for i, arg in enumerate(argv):
        if arg in {"-A", "--app"} and i + 1 < len(argv):
            app = argv[i + 1]
        elif arg.startswith("--app="):
            app = arg.removeprefix("--app=")
    return app


def _healthcheck_command(service: dict[str, Any]) -> str:
    test = service["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(str(part) for part in test)


def _dockerfile_command(dockerfile: list[tuple[str, str]]) -> list[str]:
    """The image's effective ENTRYPOINT + CMD (the last of each wins)."""
    parts: dict[str, list[str]] = {"ENTRYPOINT": [], "CMD": []}
    for keyword, rest in dockerfile:
        if keyword == "FROM":  # a new stage starts from nothing
            parts = {"ENTRYPOINT": [], "CMD": []}
        elif keyword in parts:
            parts[keyword] = json.loads(rest) if rest.startswith("[") else ["/bin/sh", "-c", rest]
    return parts["ENTRYPOINT"] + parts["CMD"]


def test_it_defines_every_service(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) >= {*APP_SERVICES, "db", "redis", "mailpit"}


def test_it_runs_gunicorn_on_the_projects_wsgi_module(
    services: dict[str, dict[str, Any]],
) -> None:
    argv = _argv(services["web"]["command"])

    assert argv[0] == "gunicorn"
    assert WSGI_TARGET in argv
    assert "0.0.0.0:8000" in argv
    module, _, attribute = WSGI_TARGET.partition(":")
    assert importlib.util.find_spec(module) is not None
    assert callable(getattr(importlib.import_module(module), attribute))


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_it_runs_celery_on_the_projects_app(services: dict[str, dict[str, Any]], service: str) -> None:
    argv = _argv(services[service]["command"])
    app_name = _celery_app(argv)

    assert argv[0] == "celery"
    assert app_name == "mentorship"
    assert service in argv[1:]
    celery_module = importlib.import_module("mentorship.celery")
    assert celery_module.app.main == "mentorship"


def test_it_runs_exactly_one_beat(services: dict[str, dict[str, Any]]) -> None:
    beat = services["beat"]

    assert beat["deploy"]["replicas"] == 1
    beat_commands = [name for name, service in services.items() if "beat" in _argv(service.get("command", []))]
    assert beat_commands == ["beat"]
    worker_argv = _argv(services["worker"]["command"])
    assert "-B" not in worker_argv and "--beat" not in worker_argv


def test_it_migrates_before_the_app_starts(services: dict[str, dict[str, Any]]) -> None:
    assert _argv(services["migrate"]["command"])[-3:] == [
        "manage.py",
        "migrate",
        "--noinput",
    ]
    assert services["migrate"].get("restart", "no") == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name


def test_it_waits_for_a_healthy_database_and_redis(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in ("web", "worker", "beat"):
        depends_on = services[name]["depends_on"]
        assert depends_on["db"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_it_health_checks_every_long_running_service(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in LONG_RUNNING:
        healthcheck = services[name].get("healthcheck")
        assert healthcheck, f"{name} has no healthcheck"
        assert not healthcheck.get("disable", False), name
        test = healthcheck["test"]
        assert test and test not in ("NONE", ["NONE"]), name
        if isinstance(test, list):
            assert test[0] in {"CMD", "CMD-SHELL"} and len(test) > 1, name


def test_it_checks_each_dependency_with_its_own_probe(
    services: dict[str, dict[str, Any]],
) -> None:
    assert "pg_isready" in _healthcheck_command(services["db"])
    assert "redis-cli ping" in _healthcheck_command(services["redis"])
    assert "readyz" in _healthcheck_command(services["mailpit"])


def test_it_checks_the_worker_by_pinging_its_own_node(
    services: dict[str, dict[str, Any]],
) -> None:
    test = services["worker"]["healthcheck"]["test"]

    # CMD-SHELL so the shell expands $HOSTNAME; `$$` is compose's escape for a literal `$`.
    assert test[0] == "CMD-SHELL"
    assert "celery -A mentorship inspect ping" in test[1]
    assert "-d celery@$$HOSTNAME" in test[1]


def test_it_only_sets_environment_variables_the_settings_read(
    services: dict[str, dict[str, Any]], settings_env_names: set[str]
) -> None:
    assert {
        "DEBUG",
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
    } <= settings_env_names  # the parse works
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        names = set(environment) if isinstance(environment, dict) else {e.split("=")[0] for e in environment}
        assert names, name
        assert names <= settings_env_names, (
            f"{name} sets variables settings.py never reads: {names - settings_env_names}"
        )


def test_it_gives_every_app_service_the_same_environment(
    services: dict[str, dict[str, Any]],
) -> None:
    web = services["web"]["environment"]

    for name in ("migrate", "worker", "beat"):
        assert services[name]["environment"] == web, name
    assert web["DATABASE_URL"].startswith("postgres://")
    assert web["REDIS_URL"].startswith("redis://")
    assert web["EMAIL_HOST"] == "mailpit"
    assert str(web["DEBUG"]) == "0"


def test_it_takes_the_secret_key_from_outside_the_file(
    services: dict[str, dict[str, Any]],
) -> None:
    assert services["web"]["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")


def test_it_lists_every_setting_in_env_example(settings_env_names: set[str]) -> None:
    text = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))

    assert settings_env_names <= listed, f"missing from .env.example: {settings_env_names - listed}"


def test_it_ships_no_secret_key_in_env_example() -> None:
    text = (ROOT / ".env.example").read_text()

    assert re.findall(r"^SECRET_KEY=(.*)$", text, flags=re.MULTILINE) == [""]


def test_it_declares_the_named_volumes_it_mounts(compose: dict[str, Any], services: dict[str, dict[str, Any]]) -> None:
    declared = set(compose["volumes"])
    mounts = {
        (name, str(volume).split(":")[0], str(volume).split(":")[1])
        for name, service in services.items()
        for volume in service.get("volumes", [])
    }
    named = {(name, source, target) for name, source, target in mounts if not source.startswith((".", "/", "~"))}

    assert {source for _, source, _ in named} <= declared
    assert any(name == "db" and target == "/var/lib/postgresql/data" for name, _, target in named)
    assert any(name == "redis" and target == "/data" for name, _, target in named)
    assert any(name in APP_SERVICES and target == "/app/var" for name, _, target in named)


def test_the_image_runs_gunicorn_on_the_same_wsgi_module(
    dockerfile: list[tuple[str, str]], services: dict[str, dict[str, Any]]
) -> None:
    command = _dockerfile_command(dockerfile)

    assert command[0] == "gunicorn"
    assert WSGI_TARGET in command
    assert WSGI_TARGET in _argv(services["web"]["command"])


def test_the_image_runs_as_a_non_root_user(dockerfile: list[tuple[str, str]]) -> None:
    users = [rest for keyword, rest in dockerfile if keyword == "USER"]

    assert users, "the image never switches user"
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_the_image_collects_static_files_when_it_is_built(
    dockerfile: list[tuple[str, str]],
) -> None:
    runs = [rest for keyword, rest in dockerfile if keyword == "RUN"]

    assert any("manage.py collectstatic --noinput" in run and "DEBUG=0" in run for run in runs)
    assert any(re.search(r"pip install \.(\s|$)", run) for run in runs)


def test_the_web_healthcheck_hits_a_url_the_project_routes(services: dict[str, dict[str, Any]], settings: Any) -> None:
    match = re.search(r"http://127\.0\.0\.1:8000(/[^'\"\s]*)", _healthcheck_command(services["web"]))

    assert match, "the web healthcheck calls no local URL"
    assert match.group(1) == "/healthz"
    assert settings.ROOT_URLCONF == "mentorship.urls"
    assert callable(resolve(match.group(1)).func)
