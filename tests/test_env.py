"""The environment readers refuse junk, naming the variable, and settings refuse unsafe gaps."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mentorship.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        (" YES ", True),
        ("On", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("", False),
    ],
)
def test_it_reads_the_usual_spellings_of_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("MENTORSHIP_FLAG", raw)
    assert env_bool("MENTORSHIP_FLAG", not expected) is expected


def test_it_falls_back_to_the_default_when_a_boolean_is_unset(monkeypatch):
    monkeypatch.delenv("MENTORSHIP_FLAG", raising=False)
    assert env_bool("MENTORSHIP_FLAG", True) is True
    assert env_bool("MENTORSHIP_FLAG", False) is False


def test_it_refuses_junk_booleans(monkeypatch):
    monkeypatch.setenv("DEBUG", "yes please")
    with pytest.raises(ImproperlyConfigured, match=r"^DEBUG='yes please' is not a boolean"):
        env_bool("DEBUG", False)


def test_it_reads_whole_numbers_and_their_default(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", " 2525 ")
    assert env_int("EMAIL_PORT", 587) == 2525
    monkeypatch.setenv("EMAIL_PORT", "")
    assert env_int("EMAIL_PORT", 587) == 587
    monkeypatch.delenv("EMAIL_PORT")
    assert env_int("EMAIL_PORT", 587) == 587


@pytest.mark.parametrize("raw", ["twenty", "2.5", "5s"])
def test_it_refuses_numbers_that_are_not_whole(monkeypatch, raw):
    monkeypatch.setenv("EMAIL_PORT", raw)
    with pytest.raises(ImproperlyConfigured, match=r"^EMAIL_PORT=.* is not a whole number"):
        env_int("EMAIL_PORT", 587)


def test_it_refuses_a_number_below_the_minimum(monkeypatch):
    monkeypatch.setenv("PRIVACY_THRESHOLD", "2")
    with pytest.raises(ImproperlyConfigured, match=r"^PRIVACY_THRESHOLD=2 is below the minimum of 3"):
        env_int("PRIVACY_THRESHOLD", 5, minimum=3)
    monkeypatch.setenv("PRIVACY_THRESHOLD", "3")
    assert env_int("PRIVACY_THRESHOLD", 5, minimum=3) == 3


def test_it_refuses_a_number_above_the_maximum(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "70000")
    with pytest.raises(ImproperlyConfigured, match=r"^EMAIL_PORT=70000 is above the maximum of 65535"):
        env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)


def test_it_reads_urls_with_an_allowed_scheme(monkeypatch):
    monkeypatch.setenv("REDIS_URL", " redis://cache:6379/0 ")
    assert env_url("REDIS_URL", schemes={"redis", "rediss"}) == "redis://cache:6379/0"
    monkeypatch.setenv("REDIS_URL", "")
    assert env_url("REDIS_URL", schemes={"redis", "rediss"}) == ""


@pytest.mark.parametrize("raw", ["mysql://db/app", "localhost:5432", "postgres://"])
def test_it_refuses_a_url_with_the_wrong_scheme_or_nothing_after_it(monkeypatch, raw):
    monkeypatch.setenv("DATABASE_URL", raw)
    with pytest.raises(
        ImproperlyConfigured, match=r"^DATABASE_URL must be a URL starting with one of: postgres, sqlite"
    ):
        env_url("DATABASE_URL", schemes={"postgres", "sqlite"})


def test_it_splits_lists_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " a.example.com, ,b.example.com,, ")
    assert env_list("ALLOWED_HOSTS") == ["a.example.com", "b.example.com"]
    monkeypatch.setenv("ALLOWED_HOSTS", "")
    assert env_list("ALLOWED_HOSTS", ["fallback"]) == []


def test_it_gives_a_fresh_copy_of_the_default_list(monkeypatch):
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    default = ["localhost"]
    hosts = env_list("ALLOWED_HOSTS", default)
    hosts.append("evil.example.com")
    assert default == ["localhost"]
    assert env_list("ALLOWED_HOSTS") == []


def test_it_strips_strings(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "  debug ")
    assert env_str("LOG_LEVEL", "INFO") == "debug"
    monkeypatch.delenv("LOG_LEVEL")
    assert env_str("LOG_LEVEL", "INFO") == "INFO"


# Importing the settings module in a fresh interpreter ----------------------------------------------

_SETTINGS_VARIABLES = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")


def _import_settings(code: str = "import mentorship.settings", **env: str) -> subprocess.CompletedProcess[str]:
    clean = {name: value for name, value in os.environ.items() if name not in _SETTINGS_VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_settings_import_in_development_with_nothing_set():
    result = _import_settings()
    assert result.returncode == 0, result.stderr


def test_the_embedded_database_opens_on_a_fresh_clone_without_a_var_folder(tmp_path):
    # `manage.py check` connects for its JSONField check, in an order that varies between runs:
    # on a fresh clone that was sometimes before anything had made `var/`.
    var_dir = tmp_path / "not-yet-there"
    connect = "import django; django.setup(); from django.db import connection; connection.ensure_connection()"
    result = _import_settings(
        connect, DJANGO_SETTINGS_MODULE="mentorship.settings", VAR_DIR=str(var_dir), DATABASE_URL="", REDIS_URL=""
    )
    assert result.returncode == 0, result.stderr
    assert (var_dir / "db.sqlite3").is_file()


def test_settings_refuse_production_without_a_secret_key():
    result = _import_settings(DEBUG="0", ALLOWED_HOSTS="mentoring.example.com")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_settings_refuse_production_without_allowed_hosts():
    result = _import_settings(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ImproperlyConfigured: ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr
    assert "SECRET_KEY" not in result.stderr


def test_settings_refuse_a_debug_value_they_cannot_read():
    result = _import_settings(DEBUG="yes please", SECRET_KEY="x" * 50, ALLOWED_HOSTS="mentoring.example.com")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG='yes please' is not a boolean" in result.stderr


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("postgres://me:s3cret/x@db:5432/app", r"^DATABASE_URL has a port that is not a number from 1 to 65535"),
        ("postgres://me:s3cret@db:99999/app", r"^DATABASE_URL has a port that is not a number from 1 to 65535"),
        ("postgres://me:s3cret@[db/app", r"^DATABASE_URL is not a valid URL \(is a '\[' in the host left unclosed\?\)"),
    ],
)
def test_it_refuses_a_url_it_cannot_parse_without_repeating_the_password(monkeypatch, raw, message):
    monkeypatch.setenv("DATABASE_URL", raw)
    with pytest.raises(ImproperlyConfigured, match=message) as refused:
        env_url("DATABASE_URL", schemes={"postgres"})
    assert "s3cret" not in str(refused.value)
