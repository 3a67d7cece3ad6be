"""Admin for support work on goals, sessions, fit checks and check-ins.

Session ratings and private notes are deliberately not here: a rating is for its author and the
program's HR owners (who read it in the workspace), and a private note for its author alone. Staff
access to the admin must not widen either.
"""

from django.contrib import admin

from mentorship.workspace.models import CheckIn, FitCheck, Goal, MentoringSession


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin[Goal]):
    list_display = ["id", "title", "mentorship", "learner", "skill", "from_level", "target_level", "due_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["mentorship", "learner", "skill", "created_by"]
    list_select_related = ["skill", "learner__user"]


@admin.register(MentoringSession)
class MentoringSessionAdmin(admin.ModelAdmin[MentoringSession]):
    list_display = ["id", "mentorship", "held_on", "duration_minutes", "format", "logged_by", "confirmed_at"]
    list_filter = ["format"]
    date_hierarchy = "held_on"
    raw_id_fields = ["mentorship", "logged_by", "confirmed_by", "corrected_by"]
    filter_horizontal = ["skills"]
    list_select_related = ["logged_by__user"]


@admin.register(FitCheck)
class FitCheckAdmin(admin.ModelAdmin[FitCheck]):
    list_display = ["id", "mentorship", "participant", "answer", "answered_at"]
    list_filter = ["answer"]
    raw_id_fields = ["mentorship", "participant"]
    list_select_related = ["participant__user"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin[CheckIn]):
    list_display = ["id", "mentorship", "participant", "kind", "relationship_rating", "would_recommend", "submitted_at"]
    list_filter = ["kind", "would_recommend"]
    raw_id_fields = ["mentorship", "participant"]
    list_select_related = ["participant__user"]
