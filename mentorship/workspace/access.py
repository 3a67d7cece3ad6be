"""Who may open a pair's workspace: its two people, and (read-only) the program's HR owners.

Everyone else gets 404, so a workspace's existence does not leak: not the people's managers, not
HR admins who do not own the program, not the owners of another program.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404

from mentorship.mentorships.models import Mentorship
from mentorship.participants.models import Participant


@dataclass(frozen=True)
class Workspace:
    """A mentorship as one viewer sees it.

    `me` is the viewer when they are one of the pair, None when an HR owner reads the page.
    """

    mentorship: Mentorship
    me: Participant | None

    @property
    def is_member(self) -> bool:
        return self.me is not None

    @property
    def partner(self) -> Participant | None:
        return self.mentorship.partner_of(self.me) if self.me is not None else None


def mentorship_for(user: Any, pk: int, *, hr_may_read: bool = False) -> Workspace:
    """The mentorship `pk` for one of its two people; with `hr_may_read`, also for the program's
    HR owners (who never get `me`, so no form and no private note is ever built for them).

    Raises Http404 for anyone else.
    """
    if not user.is_authenticated:
        raise Http404("No such mentorship.")
    mentorship = (
        Mentorship.objects.select_related(
            "program", "mentor__user", "mentor__org_unit", "mentee__user", "mentee__org_unit"
        )
        .filter(pk=pk)
        .first()
    )
    if mentorship is None:
        raise Http404("No such mentorship.")
    me: Participant | None = getattr(user, "participant", None)
    if me is not None and me.pk in (mentorship.mentor_id, mentorship.mentee_id):
        # Reuse the loaded row, so `me.user` and the rest are there without another query.
        return Workspace(mentorship, mentorship.mentor if me.pk == mentorship.mentor_id else mentorship.mentee)
    if hr_may_read and mentorship.program.owners.filter(pk=user.pk).exists():
        return Workspace(mentorship, None)
    raise Http404("No such mentorship.")


def members_filter(participant: Participant) -> Q:
    """Mentorships `participant` is one of the two people of."""
    return Q(mentor=participant) | Q(mentee=participant)
