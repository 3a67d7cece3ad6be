from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mentorship.participants.models import OrgUnit, Participant


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin[OrgUnit]):
    """Read-only here: HR edits the tree in the app (participants:org_tree), where every change
    goes through a service that keeps one root, refuses loops and says who it affects."""

    list_display = ["name", "parent"]
    search_fields = ["name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin[Participant]):
    list_display = ["__str__", "job_title", "org_unit", "career_level", "onboarded_at"]
    list_filter = ["career_level", "org_unit"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "job_title"]
    autocomplete_fields = ["user", "manager", "org_unit"]
    list_select_related = ["user", "org_unit"]
