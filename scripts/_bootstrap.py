"""Shared by start.py and test.py: find Python 3.12+, build .venv, install the project.

Runs on any Python 3 so that `python3 scripts/start.py` works even where `python3` is older:
it looks for a newer interpreter and uses that for the virtualenv.
"""

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
MINIMUM = (3, 12)


def _version_of(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout.split()
        return int(out[0]), int(out[1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def find_python() -> str:
    if sys.version_info[:2] >= MINIMUM:
        return sys.executable
    candidates = [shutil.which(name) for name in ("python3.14", "python3.13", "python3.12")]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-9]*/bin/python3")), reverse=True)
    for candidate in filter(None, candidates):
        version = _version_of(candidate)
        if version and version >= MINIMUM:
            return candidate
    sys.exit(f"This project needs Python {MINIMUM[0]}.{MINIMUM[1]} or newer; found only {sys.version.split()[0]}.")


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(extras: str = "") -> Path:
    """Create .venv if needed and install the project, skipping the install when nothing changed."""
    python = venv_python()
    if not python.exists() or (_version_of(str(python)) or (0, 0)) < MINIMUM:
        print(f"Creating the virtualenv in {VENV} ...", flush=True)
        shutil.rmtree(VENV, ignore_errors=True)
        subprocess.run([find_python(), "-m", "venv", str(VENV)], check=True)
    target = f".[{extras}]" if extras else "."
    stamp = VENV / ".installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + target.encode()).hexdigest()
    installed = stamp.read_text().split() if stamp.exists() else []
    if wanted not in installed:
        print(f"Installing {target} into the virtualenv (first run takes a minute) ...", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", target], check=True, cwd=ROOT)
        stamp.write_text("\n".join([*installed, wanted]))
    return python
