"""The fault drill: the app on its own PostgreSQL, Redis and SMTP sink, with faults injected.

    python3 scripts/fault_drill.py [--quick] [--rows 10000] [--people 4000]

What it does and prints: mentorship/demo/drill/run.py. It never touches the machine's own
PostgreSQL or Redis; as root it runs its PostgreSQL as an unprivileged user.
"""

import os
import sys

from _bootstrap import ROOT, ensure_venv


def main() -> int:
    python = str(ensure_venv())
    if os.path.realpath(sys.executable) != os.path.realpath(python):
        os.execv(python, [python, __file__, *sys.argv[1:]])  # noqa: S606 (our own virtualenv's Python)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    from mentorship.demo.drill.run import main as drill

    return drill(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
