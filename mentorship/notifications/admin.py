from django.contrib import admin

from mentorship.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "email_status", "attempts"]
    list_filter = ["kind", "email_status"]
    search_fields = ["title", "recipient__email", "dedupe_key"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["created_at", "email_sent_at", "email_error", "attempts", "dedupe_key"]
