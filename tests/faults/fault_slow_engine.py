"""Loaded by the fault tests' workers (CELERY_IMPORTS): with FAULT_SLOW_ENGINE_SECONDS set, the
matching engine sleeps that long before solving, so a test can SIGKILL the worker mid-run."""

import os
import time
from typing import Any

from pairing import engine

_solve = engine.solve
_pause = float(os.environ.get("FAULT_SLOW_ENGINE_SECONDS") or 0)


def _slow_solve(*args: Any, **kwargs: Any) -> Any:
    time.sleep(_pause)
    return _solve(*args, **kwargs)


if _pause:
    engine.solve = _slow_solve
