"""The write path: catalogue upkeep, merges that lose nothing, suggestions, and inventory history."""

import importlib
from datetime import UTC, datetime

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError

from mentorship.programs.models import Enrollment, EnrollmentRole, Program, ProgramKind
from skills import services
from skills.catalogue import CATALOGUE
from skills.models import (
    Assessment,
    AssessmentSource,
    Skill,
    SkillCategory,
    SkillEntry,
    SkillSuggestion,
    SuggestionStatus,
    WantPriority,
)
from skills.queries import merge_preview, search_skills

pytestmark = pytest.mark.django_db


def _set(person, skill, level, want=WantPriority.NONE, teach=False, **kwargs):
    return services.inventory_set_entry(
        participant=person, skill=skill, level=level, want_priority=want, can_teach=teach, **kwargs
    )


def _levels(person, skill):
    return list(Assessment.objects.filter(participant=person, skill=skill).values_list("level", flat=True))


# The seeded catalogue --------------------------------------------------------------------------


def test_every_installation_starts_with_a_catalogue_of_eighty_skills_in_all_five_categories():
    seeded = Skill.objects.filter(name__in=[item.name for item in CATALOGUE])
    assert seeded.count() == len(CATALOGUE) >= 80
    assert set(seeded.values_list("category", flat=True)) == set(SkillCategory.values)
    assert not seeded.filter(description="").exists()
    assert Skill.objects.get(name="Kubernetes").aliases.startswith("k8s, kube")


def test_seeding_again_adds_nothing_and_keeps_what_hr_changed():
    sql = Skill.objects.get(name="SQL")
    services.skill_update(skill=sql, name="sql", category=sql.category, description="Ours.", aliases="")
    before = Skill.objects.count()

    migration = importlib.import_module("skills.migrations.0002_seed_catalogue")
    migration.seed_catalogue(apps, None)

    assert Skill.objects.count() == before
    assert Skill.objects.get(pk=sql.pk).description == "Ours."


def test_seeding_an_emptied_catalogue_restores_every_skill():
    Skill.objects.all().delete()
    assert services.catalogue_seed() == len(CATALOGUE)
    assert services.catalogue_seed() == 0


# Catalogue upkeep ------------------------------------------------------------------------------


def test_it_refuses_a_second_skill_with_the_same_name_in_another_case():
    with pytest.raises(ValidationError) as error:
        services.skill_create(name="  python ", category=SkillCategory.TECHNICAL)
    assert "already has “Python”" in str(error.value.message_dict["name"])


def test_it_tidies_aliases_and_drops_ones_that_repeat_the_name(make_skill):
    skill = make_skill("Widget tuning", aliases="wt,  WT , widget   tuning, tuning of widgets,,")
    assert skill.aliases == "wt, tuning of widgets"


def test_retiring_hides_a_skill_from_search_and_restoring_brings_it_back(make_skill):
    skill = make_skill("Zebra grooming")
    assert search_skills("zebra") == [skill]

    services.skill_retire(skill=skill)
    assert search_skills("zebra") == []

    services.skill_restore(skill=skill)
    assert search_skills("zebra") == [skill]


def test_search_matches_aliases_and_descriptions_case_insensitively_names_first():
    assert [s.name for s in search_skills("K8S")] == ["Kubernetes"]
    assert search_skills("kube")[0].name == "Kubernetes"
    names = [s.name for s in search_skills("python")]
    assert names[0] == "Python"  # the name match outranks skills that only mention it


def test_search_is_limited_and_ignores_blank_queries():
    assert search_skills("   ") == []
    assert len(search_skills("a", limit=5)) == 5


# Merging duplicates ----------------------------------------------------------------------------


@pytest.fixture
def duplicates(make_skill):
    return make_skill("K8s operations", aliases="cluster ops"), Skill.objects.get(name="Kubernetes")


def test_merge_moves_every_entry_and_keeps_the_best_of_both_when_a_person_has_both(
    duplicates, junior_mentor, senior_mentor, manager
):
    source, target = duplicates
    with time_machine.travel(datetime(2026, 1, 1, tzinfo=UTC)):
        _set(junior_mentor, source, 4, want=WantPriority.LOW, teach=True)  # only the duplicate
        _set(senior_mentor, source, 2, want=WantPriority.HIGH)
        _set(manager, target, 3)  # only the survivor
    with time_machine.travel(datetime(2026, 2, 1, tzinfo=UTC)):
        _set(senior_mentor, target, 3, want=WantPriority.LOW, teach=True)

    result = services.skill_merge(source=source, target=target)

    assert not SkillEntry.objects.filter(skill=source).exists()
    kept = {e.participant_id: (e.level, e.want_priority, e.can_teach) for e in SkillEntry.objects.filter(skill=target)}
    assert kept == {
        junior_mentor.pk: (4, WantPriority.LOW, True),
        senior_mentor.pk: (3, WantPriority.HIGH, True),  # higher level, higher wish, can teach OR'ed
        manager.pk: (3, WantPriority.NONE, False),
    }
    assert (result.entries_moved, result.entries_combined) == (1, 1)


def test_merge_moves_the_assessment_history_and_records_a_level_the_merge_raised(duplicates, senior_mentor):
    source, target = duplicates
    with time_machine.travel(datetime(2026, 1, 1, tzinfo=UTC)):
        _set(senior_mentor, target, 2)
    with time_machine.travel(datetime(2026, 2, 1, tzinfo=UTC)):
        _set(senior_mentor, source, 1)
        _set(senior_mentor, source, 4)

    services.skill_merge(source=source, target=target)

    history = Assessment.objects.filter(participant=senior_mentor, skill=target)
    assert list(history.values_list("level", "source")) == [
        (2, AssessmentSource.SELF),
        (1, AssessmentSource.SELF),
        (4, AssessmentSource.SELF),
    ]
    assert not Assessment.objects.filter(skill=source).exists()


def test_merge_adds_a_dated_level_when_the_interleaved_history_would_end_below_the_level_kept(
    duplicates, senior_mentor
):
    source, target = duplicates
    with time_machine.travel(datetime(2026, 1, 1, tzinfo=UTC)):
        _set(senior_mentor, target, 4)
    with time_machine.travel(datetime(2026, 2, 1, tzinfo=UTC)):
        _set(senior_mentor, source, 2)

    services.skill_merge(source=source, target=target)

    latest = Assessment.objects.filter(participant=senior_mentor, skill=target).last()
    assert (latest.level, latest.source) == (4, AssessmentSource.MERGE)
    assert SkillEntry.objects.get(participant=senior_mentor, skill=target).level == 4


def test_merge_repoints_program_focus_and_enrollment_goals_and_offers_without_duplicates(
    duplicates, junior_mentor, senior_mentor
):
    source, target = duplicates
    focused_on_source = Program.objects.create(name="Cloud basics", kind=ProgramKind.REVERSE)
    focused_on_both = Program.objects.create(name="Platform", kind=ProgramKind.PEER)
    focused_on_source.focus_skills.add(source)
    focused_on_both.focus_skills.add(source, target)
    learner = Enrollment.objects.create(program=focused_on_both, participant=junior_mentor, role=EnrollmentRole.MENTEE)
    learner.goals.add(source, target)
    teacher = Enrollment.objects.create(program=focused_on_both, participant=senior_mentor, role=EnrollmentRole.MENTOR)
    teacher.offers.add(source)

    preview = merge_preview(source=source, target=target)
    assert (preview.programs, preview.enrollments) == (2, 2)

    services.skill_merge(source=source, target=target)

    assert list(focused_on_source.focus_skills.all()) == [target]
    assert list(focused_on_both.focus_skills.all()) == [target]
    assert list(learner.goals.all()) == [target]
    assert list(teacher.offers.all()) == [target]


def test_merge_retires_the_duplicate_and_keeps_its_names_searchable(duplicates):
    source, target = duplicates
    services.skill_merge(source=source, target=target)

    source.refresh_from_db()
    target.refresh_from_db()
    assert source.merged_into == target and not source.is_active
    assert "K8s operations" in target.aliases and "cluster ops" in target.aliases
    assert search_skills("cluster ops") == [target]


def test_merge_points_earlier_merges_at_the_new_survivor(make_skill, duplicates):
    source, target = duplicates
    older = make_skill("Kube admin")
    services.skill_merge(source=older, target=source)

    services.skill_merge(source=source, target=target)

    older.refresh_from_db()
    assert older.merged_into == target


def test_merge_refuses_itself_a_retired_survivor_and_a_skill_already_merged(duplicates, make_skill):
    source, target = duplicates
    with pytest.raises(ValidationError, match="itself"):
        services.skill_merge(source=source, target=source)
    retired = make_skill("Old cluster tool")
    services.skill_retire(skill=retired)
    with pytest.raises(ValidationError, match="retired"):
        services.skill_merge(source=source, target=retired)
    services.skill_merge(source=source, target=target)
    with pytest.raises(ValidationError, match="already merged"):
        services.skill_merge(source=source, target=make_skill())


# Suggestions -----------------------------------------------------------------------------------


def test_an_employee_suggests_a_skill_and_hr_approval_adds_it_to_the_catalogue(junior_mentor, hr_admin):
    suggestion = services.suggestion_create(
        participant=junior_mentor, name="Figma prototyping", category=SkillCategory.DIGITAL
    )
    assert suggestion.status == SuggestionStatus.PENDING

    skill = services.suggestion_approve(suggestion=suggestion, by=hr_admin.user, description="Clickable prototypes.")

    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.skill, suggestion.decided_by) == (
        SuggestionStatus.APPROVED,
        skill,
        hr_admin.user,
    )
    assert (skill.name, skill.description) == ("Figma prototyping", "Clickable prototypes.")


def test_approving_a_name_the_catalogue_already_has_reuses_that_skill(junior_mentor, hr_admin):
    suggestion = SkillSuggestion.objects.create(
        name="sql", category=SkillCategory.TECHNICAL, suggested_by=junior_mentor
    )
    before = Skill.objects.count()

    skill = services.suggestion_approve(suggestion=suggestion, by=hr_admin.user)

    assert skill == Skill.objects.get(name="SQL")
    assert Skill.objects.count() == before


def test_hr_maps_a_suggestion_to_an_existing_skill_which_learns_the_name(junior_mentor, hr_admin):
    suggestion = services.suggestion_create(
        participant=junior_mentor, name="Helm charts", category=SkillCategory.TECHNICAL
    )
    kubernetes = Skill.objects.get(name="Kubernetes")

    services.suggestion_merge(suggestion=suggestion, skill=kubernetes, by=hr_admin.user)

    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.skill) == (SuggestionStatus.MERGED, kubernetes)
    assert search_skills("helm charts") == [kubernetes]


def test_rejecting_needs_a_reason_and_a_decided_suggestion_cannot_be_decided_again(junior_mentor, hr_admin):
    suggestion = services.suggestion_create(participant=junior_mentor, name="Juggling", category=SkillCategory.CAREER)
    with pytest.raises(ValidationError) as error:
        services.suggestion_reject(suggestion=suggestion, by=hr_admin.user, note="  ")
    assert "note" in error.value.message_dict

    services.suggestion_reject(suggestion=suggestion, by=hr_admin.user, note="Not a work skill.")
    with pytest.raises(ValidationError, match="already decided"):
        services.suggestion_approve(suggestion=suggestion, by=hr_admin.user)
    assert not Skill.objects.filter(name="Juggling").exists()


def test_suggesting_a_skill_that_exists_under_another_name_points_to_it(junior_mentor):
    with pytest.raises(ValidationError, match="“Kubernetes” is already in the catalogue"):
        services.suggestion_create(participant=junior_mentor, name="K8S", category=SkillCategory.TECHNICAL)


# Inventory and its history ---------------------------------------------------------------------


def test_every_level_change_is_a_dated_assessment_and_unchanged_saves_add_none(junior_mentor):
    sql = Skill.objects.get(name="SQL")
    with time_machine.travel(datetime(2026, 1, 5, tzinfo=UTC)):
        _set(junior_mentor, sql, 1)
    with time_machine.travel(datetime(2026, 3, 5, tzinfo=UTC)):
        _set(junior_mentor, sql, 1)  # same form posted again
        _set(junior_mentor, sql, 1, want=WantPriority.HIGH, teach=True)  # only the wish and flag change
    with time_machine.travel(datetime(2026, 6, 5, tzinfo=UTC)):
        _set(junior_mentor, sql, 3, want=WantPriority.HIGH, teach=True)

    history = Assessment.objects.filter(participant=junior_mentor, skill=sql)
    assert [(a.level, a.assessed_at.month, a.source) for a in history] == [
        (1, 1, AssessmentSource.SELF),
        (3, 6, AssessmentSource.SELF),
    ]
    entry = SkillEntry.objects.get(participant=junior_mentor, skill=sql)
    assert (entry.level, entry.want_priority, entry.can_teach) == (3, WantPriority.HIGH, True)


def test_a_partner_assessment_records_its_source_and_assessor(junior_mentor, senior_mentor):
    sql = Skill.objects.get(name="SQL")
    _set(junior_mentor, sql, 2, source=AssessmentSource.PARTNER, by=senior_mentor)
    assessment = Assessment.objects.get(participant=junior_mentor, skill=sql)
    assert (assessment.source, assessment.assessed_by) == (AssessmentSource.PARTNER, senior_mentor)


def test_removing_an_entry_keeps_its_history(junior_mentor):
    sql = Skill.objects.get(name="SQL")
    _set(junior_mentor, sql, 2)
    _set(junior_mentor, sql, 3)

    assert services.inventory_remove_entry(participant=junior_mentor, skill=sql) is True

    assert not SkillEntry.objects.filter(participant=junior_mentor).exists()
    assert _levels(junior_mentor, sql) == [2, 3]


def test_a_retired_skill_cannot_be_added_but_existing_entries_stay_editable(junior_mentor, senior_mentor, make_skill):
    skill = make_skill("Fax etiquette")
    _set(senior_mentor, skill, 3)
    services.skill_retire(skill=skill)

    with pytest.raises(ValidationError, match="no longer in the catalogue"):
        _set(junior_mentor, skill, 1)
    assert _set(senior_mentor, skill, 4).level == 4


def test_it_refuses_levels_and_priorities_out_of_range(junior_mentor):
    sql = Skill.objects.get(name="SQL")
    with pytest.raises(ValidationError) as error:
        services.inventory_set_entry(participant=junior_mentor, skill=sql, level=6, want_priority=9, can_teach=False)
    assert set(error.value.message_dict) == {"level", "want_priority"}
    assert not Assessment.objects.filter(participant=junior_mentor).exists()
