"""The programs a view may show, each to whom it belongs: 404 for everyone else."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.accounts.models import User
from mentorship.participants.access import require_hr_admin
from mentorship.programs import services
from mentorship.programs.models import Program


def program_for_hr(request: AuthenticatedHttpRequest, pk: int, *, to_change: bool = False) -> Program:
    """The program for an HR admin (404 for everyone else); 403 when changing one they do not own."""
    require_hr_admin(request)
    program = get_object_or_404(
        Program.objects.prefetch_related(
            Prefetch("owners", queryset=User.objects.order_by("first_name", "last_name", "email"))
        ),
        pk=pk,
    )
    if to_change and not services.can_change_program(request.user, program):
        raise PermissionDenied("Only the program's owners may change it.")
    return program
