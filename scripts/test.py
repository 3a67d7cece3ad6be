"""The second command: install the test dependencies and run the whole suite.

    python3 scripts/test.py [pytest arguments]

Uses PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set, SQLite and a file broker when
not. Browser tests need a `chromium` on PATH and the SAML tests the `xmlsec1` command; as root this
installs Debian's packages when they are missing.
"""

import os
import shutil
import subprocess
import sys

from _bootstrap import ROOT, ensure_venv


def _ensure_system_packages() -> None:
    """Debian's chromium (browser tests) and xmlsec1 (the SAML identity provider of the tests)."""
    missing = [package for package in ("chromium", "xmlsec1") if not shutil.which(package)]
    if not missing or not shutil.which("apt-get") or os.geteuid() != 0:
        return
    print(f"Installing Debian's {' and '.join(missing)} for the tests ...", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=False)


def main() -> int:
    python = str(ensure_venv("test"))
    _ensure_system_packages()
    command = [python, "-m", "pytest", "--cov", "--cov-report=term:skip-covered", *sys.argv[1:]]
    code = subprocess.run(command, cwd=ROOT).returncode
    if code == 5:
        print("No tests ran: that counts as a failure.")
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
