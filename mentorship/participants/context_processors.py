from typing import Any

from django.http import HttpRequest

from mentorship.participants.roles import is_hr_admin, is_manager


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Role flags for the navigation. Lazy, so pages that never show the nav pay nothing."""
    user = request.user

    class Roles:
        @property
        def hr_admin(self) -> bool:
            return is_hr_admin(user)

        @property
        def manager(self) -> bool:
            return is_manager(user)

    return {"roles": Roles()}
