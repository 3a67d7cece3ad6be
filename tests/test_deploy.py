"""Production settings pass Django's deployment checks, and pages carry a nonce-based CSP."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent


def test_it_passes_the_deployment_checks_with_production_settings(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_")) and name not in {"DEBUG"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="mentoring.example.com",
        DJANGO_SETTINGS_MODULE="mentorship.settings",
        VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_it_sends_a_nonce_based_content_security_policy(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "'nonce-" in directives["script-src"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_it_puts_the_header_nonce_on_the_htmx_script(client):
    response = client.get(reverse("account_login"))
    header_nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    htmx_scripts = [tag for tag in scripts if "htmx" in tag]
    assert htmx_scripts, scripts
    for tag in htmx_scripts:
        assert f'nonce="{header_nonce}"' in tag
    # Every script on the page carries it: nothing would run without.
    assert all(f'nonce="{header_nonce}"' in tag for tag in scripts)


@pytest.mark.django_db
def test_it_uses_a_new_nonce_for_every_response(client):
    first = client.get(reverse("account_login")).headers["Content-Security-Policy"]
    second = client.get(reverse("account_login")).headers["Content-Security-Policy"]
    nonce = re.compile(r"'nonce-([^']+)'")
    assert nonce.search(first).group(1) != nonce.search(second).group(1)
