from django.contrib import admin

from mentorship.mentorships.models import Mentorship


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin[Mentorship]):
    list_display = ["id", "program", "mentor", "mentee", "status", "started_at", "ended_at"]
    list_filter = ["status", "program"]
    raw_id_fields = ["mentor", "mentee", "proposal"]
    list_select_related = ["program", "mentor__user", "mentee__user"]
