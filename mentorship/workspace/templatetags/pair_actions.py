"""Filters that show a pair's HR actions only to viewers the views would accept.

Each asks the same predicate as its view, so a link is shown exactly when following it works.
"""

from typing import Any

from django import template

from mentorship.programs.models import Program
from mentorship.workspace.access import hr_may_end
from pairing.services.runs import can_start_run

register = template.Library()


@register.filter
def may_end_pairs_of(user: Any, program_id: int) -> bool:
    """`{% if user|may_end_pairs_of:row.program_id %}`: the End action of the pairs-at-risk table."""
    return hr_may_end(user, program_id)


@register.filter
def may_rematch_in(user: Any, program_id: int) -> bool:
    """`{% if user|may_rematch_in:row.program_id %}`: a match run may be started in this program."""
    cache: dict[int, bool] = user.__dict__.setdefault("_may_rematch_in", {})
    if program_id not in cache:
        program = Program.objects.prefetch_related("owners").filter(pk=program_id).first()
        cache[program_id] = program is not None and can_start_run(user, program)
    return cache[program_id]
