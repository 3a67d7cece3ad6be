from django.contrib import admin
from django.http import HttpRequest

from mentorship.imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    """Read-only: jobs are created and run from the import pages, never edited by hand."""

    list_display = ("file_name", "status", "created_by", "created_at", "total_rows", "created_count", "updated_count")
    list_filter = ("status",)
    search_fields = ("file_name", "created_by__email")
    exclude = ("content",)
    list_select_related = ("created_by",)

    def has_add_permission(self, request: HttpRequest, obj: ImportJob | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportJob | None = None) -> bool:
        return False
