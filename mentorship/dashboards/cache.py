"""A short-lived cache of whole dashboards, one entry per page, viewer scope and filters.

A dashboard is a pure function of its scope (who may be seen, the filters, today's date) and the
data, so two requests with the same scope may share one result: a manager's entry is keyed by
their own subtree and privacy flag, and is never served to a scope it was not computed for.

Every entry belongs to a *version* of the figures. Saving or deleting a row the dashboards read
(`watched_models`, connected in `apps.py`) starts a new version, at once and again when the
transaction commits (another request may have cached the old figures in between). An entry of an
older version is still served while it is younger than `DASHBOARD_CACHE_LAG_SECONDS` (10): where
people log sessions all day, a busy page is computed at most that often instead of on nearly
every view, and a change shows within those seconds; on a quiet system the next view after a
change is computed afresh. An import writes in bulk, but saves its job row in the same
transaction, and that save starts a new version. Other bulk writes send no signals (the sweep
marking pairs at risk, `QuerySet.update`): their figures appear when the entry expires, after
`DASHBOARD_CACHE_SECONDS` (60) at most. Reminders are not watched: a reminder counts only once
it is seven days old, so a new one changes no figure.

The cache is a convenience, never a dependency: when it fails (Redis down), the page is computed.
"""

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Hashable
from dataclasses import fields
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model

from mentorship.dashboards.scope import Scope

logger = logging.getLogger(__name__)

VERSION_KEY = "dashboards:figures-version"


def cached[T](name: str, parts: tuple[Hashable | Scope, ...], build: Callable[[], T]) -> T:
    """The result of `build()` for this name and parts (a page's scope and options), from the
    cache while it is younger than DASHBOARD_CACHE_SECONDS and either no write changed the figures
    since it was stored, or it is younger than DASHBOARD_CACHE_LAG_SECONDS."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return build()
    key = _key(name, parts)
    try:
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or _new_version()
    except Exception:  # the cache is down or broken: compute, as if nothing were cached
        logger.warning("Dashboard cache unavailable; computing the page.", exc_info=True)
        return build()
    entry = found.get(key)
    if isinstance(entry, tuple) and len(entry) == 3:  # as stored below (not an older release's)
        stored_version, stored_at, result = entry
        if stored_version == version or time.time() - stored_at < settings.DASHBOARD_CACHE_LAG_SECONDS:
            return result  # type: ignore[no-any-return]  # stored below for this key
    result = build()
    try:
        cache.set(key, (version, time.time(), result), seconds)
    except Exception:
        logger.warning("Dashboard cache unavailable; the page was not stored.", exc_info=True)
    return result


def figures_changed() -> None:
    """Start a new version of the figures now, and again once the current transaction commits
    (a request that read the old rows meanwhile may have stored them under this version)."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:  # the cache is down: entries expire on their own within their time
        logger.warning("Dashboard cache unavailable; its figures expire on time.", exc_info=True)


def _new_version() -> str:
    # A random token rather than a counter: if the key is evicted, a new token cannot meet the
    # entries of an old one. `add`: when two requests start a version at once, one token wins.
    cache.add(VERSION_KEY, uuid.uuid4().hex, None)
    return str(cache.get(VERSION_KEY))


def _key(name: str, parts: tuple[Hashable | Scope, ...]) -> str:
    # Sets are written sorted: the same ids must always give the same key, in any process.
    def plain(value: Any) -> Any:
        if isinstance(value, frozenset):
            return sorted(value)
        if isinstance(value, tuple | list):
            return [plain(item) for item in value]
        if isinstance(value, Scope):
            return [(field.name, plain(getattr(value, field.name))) for field in fields(value)]
        return value

    described = [name, settings.PRIVACY_THRESHOLD, *map(plain, parts)]
    return f"dashboards:{name}:{hashlib.sha256(repr(described).encode()).hexdigest()}"


def watched_models() -> list[type[Model]]:
    """The models whose rows the dashboards' figures are computed from (not Notification: see the
    module docstring)."""
    from mentorship.imports.models import ImportJob
    from mentorship.mentorships.models import Mentorship
    from mentorship.participants.models import OrgUnit, Participant
    from mentorship.programs.models import Enrollment, Program
    from mentorship.workspace.models import CheckIn, Goal, MentoringSession, SessionRating
    from skills.models import Assessment, Skill

    return [
        Assessment,
        CheckIn,
        Enrollment,
        Goal,
        # An import writes people, units and leavers in bulk (no save signals); its job row is saved
        # in the same transaction, so that save stands for all of them.
        ImportJob,
        MentoringSession,
        Mentorship,
        OrgUnit,
        Participant,
        Program,
        SessionRating,
        Skill,
    ]


def on_write(sender: type[Model], **kwargs: Any) -> None:
    """post_save and post_delete of a watched model."""
    figures_changed()
