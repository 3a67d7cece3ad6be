from django.contrib import admin

from mentorship.participants.models import OrgUnit, Participant


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["__str__", "job_title", "org_unit", "career_level", "onboarded_at"]
    list_filter = ["career_level", "org_unit"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "job_title"]
    autocomplete_fields = ["user", "manager", "org_unit"]
    list_select_related = ["user", "org_unit"]
