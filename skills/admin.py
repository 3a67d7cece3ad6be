"""Read-only views for support. Changes go through the HR catalogue pages and the inventory editor,
which keep assessment history and merge references intact; the admin would bypass both."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from skills.models import Assessment, Skill, SkillEntry, SkillSuggestion


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Skill)
class SkillAdmin(ReadOnlyAdmin):
    list_display = ["name", "category", "retired_at", "merged_into"]
    list_filter = ["category", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "aliases", "description"]
    list_select_related = ["merged_into"]


@admin.register(SkillEntry)
class SkillEntryAdmin(ReadOnlyAdmin):
    list_display = ["participant", "skill", "level", "want_priority", "can_teach", "updated_at"]
    list_filter = ["level", "can_teach", "skill__category"]
    search_fields = ["participant__user__email", "skill__name"]
    list_select_related = ["participant__user", "skill"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["participant", "skill", "level", "source", "assessed_at"]
    list_filter = ["source"]
    search_fields = ["participant__user__email", "skill__name"]
    list_select_related = ["participant__user", "skill"]
    date_hierarchy = "assessed_at"


@admin.register(SkillSuggestion)
class SkillSuggestionAdmin(ReadOnlyAdmin):
    list_display = ["name", "category", "suggested_by", "status", "skill", "decided_at"]
    list_filter = ["status", "category"]
    search_fields = ["name", "suggested_by__user__email"]
    list_select_related = ["suggested_by__user", "skill"]
