from django.contrib import admin
from django.http import HttpRequest

from mentorship.programs.models import Enrollment, Program, ProgramEvent


class ProgramEventInline(admin.TabularInline[ProgramEvent, Program]):
    model = ProgramEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "kind", "summary", "changes"]

    def has_add_permission(self, request: HttpRequest, obj: Program | None = None) -> bool:
        return False


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin[Program]):
    """Read-mostly: programs are created, edited and moved through their lifecycle in the HR pages,
    which record every change; the admin is for looking things up."""

    list_display = ["name", "kind", "status", "enrollment_opens", "starts_on", "ends_on"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "objectives"]
    readonly_fields = ["status", "created_by", "created_at", "updated_at"]
    filter_horizontal = ["focus_skills", "eligible_units", "owners"]
    inlines = [ProgramEventInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin[Enrollment]):
    list_display = ["participant", "program", "role", "capacity", "withdrawn_at", "created_at"]
    list_filter = ["role", "program"]
    search_fields = ["participant__user__email", "participant__user__last_name", "program__name"]
    list_select_related = ["participant__user", "program"]
    autocomplete_fields = ["participant"]
    raw_id_fields = ["goals", "offers"]
