from django.contrib import admin

from mentorship.feedback.models import EmailPreference


@admin.register(EmailPreference)
class EmailPreferenceAdmin(admin.ModelAdmin[EmailPreference]):
    list_display = ["user", "kind", "choice", "updated_at"]
    list_filter = ["kind", "choice"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
