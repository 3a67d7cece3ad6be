from django.contrib import admin

from pairing.models import MatchRun, Proposal, SelfMatchRequest, UnmatchedPerson


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin[MatchRun]):
    list_display = ["id", "program", "status", "created_at", "finished_at", "published_at"]
    list_filter = ["status"]
    raw_id_fields = ["program", "started_by", "based_on", "published_by"]
    readonly_fields = ["parameters", "quality", "skill_gaps", "timings", "error"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin[Proposal]):
    list_display = ["id", "run", "mentor", "mentee", "score", "status", "pinned", "source"]
    list_filter = ["status", "source", "pinned"]
    raw_id_fields = ["run", "mentor", "mentee", "removed_by", "declined_by"]
    list_select_related = ["mentor__user", "mentee__user"]


@admin.register(UnmatchedPerson)
class UnmatchedPersonAdmin(admin.ModelAdmin[UnmatchedPerson]):
    list_display = ["id", "run", "participant", "role", "reason"]
    list_filter = ["reason", "role"]
    raw_id_fields = ["run", "participant"]
    list_select_related = ["participant__user"]


@admin.register(SelfMatchRequest)
class SelfMatchRequestAdmin(admin.ModelAdmin[SelfMatchRequest]):
    list_display = ["id", "program", "mentee", "mentor", "status", "created_at", "expires_at"]
    list_filter = ["status"]
    raw_id_fields = ["program", "mentee", "mentor", "mentorship"]
    list_select_related = ["mentee__user", "mentor__user"]
