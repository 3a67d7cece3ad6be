"""Loading a program's pool: the mapping to engine Persons and Rules, in a constant number of queries."""

from typing import Any

from mentorship.participants.models import Participant
from pairing.loading import load_pool, rules_for

from .conftest import Seeded, enroll, set_entry


def test_the_pool_maps_enrollments_inventories_and_profiles_to_engine_people(seeded: Seeded) -> None:
    pool = load_pool(seeded.program)
    assert {p.id for p in pool.mentors} == {m.pk for m in seeded.mentors}
    assert {p.id for p in pool.mentees} == {m.pk for m in seeded.mentees}
    ada = pool.people[seeded.mentors[0].pk]
    genai = seeded.skills["genai"].pk
    assert ada.skills[genai].can_teach and ada.skills[genai].level == 5
    dee = pool.people[seeded.mentees[0].pk]
    assert dee.skills[genai].wants == 3
    assert dee.utc_offset in (1.0, 2.0)  # Europe/Berlin on the start date
    assert dee.languages == frozenset({"en"})
    assert dee.work_style == ()  # no answers given: not invented as neutral answers
    # Department = the unit below the company root, for the "different department" rule.
    assert ada.org_unit_id != dee.org_unit_id
    assert pool.rules.kind == "reverse" and pool.rules.other_unit_only
    assert pool.rules.skill_names[genai] == "Generative AI tools"


def test_reporting_lines_reach_the_engine(seeded: Seeded) -> None:
    boss, report = seeded.mentees[0], seeded.mentors[0]
    report.manager = boss
    report.save()
    pool = load_pool(seeded.program)
    assert boss.pk in pool.people[report.pk].line_ids


def test_program_matching_settings_become_engine_rules(seeded: Seeded) -> None:
    program = seeded.program
    program.matching = {
        "min_level_gap": 3,
        "different_department": False,
        "shared_language": False,
        "min_overlap_hours": 4,
        "avoid_previous_pairs": False,
        "weights": {"expertise": 50, "requests": 20},
    }
    rules = rules_for(program)
    assert (rules.gap, rules.other_unit_only, rules.shared_language) == (3, False, False)
    assert (rules.min_overlap_hours, rules.avoid_previous) == (4.0, False)
    assert (rules.weights.expertise, rules.weights.request) == (50.0, 20.0)


def _grow(seeded: Seeded, make_person: Any, n: int) -> None:
    for i in range(n):
        person: Participant = make_person(f"extra{i}@example.com", first_name="Extra", career_level=6)
        set_entry(person, seeded.skills["social"], level=0, want=2)
        enroll(seeded.program, person, "mentee", goals=[seeded.skills["social"]])


def test_loading_runs_the_same_number_of_queries_whatever_the_pool_size(
    seeded: Seeded, make_person: Any, django_assert_num_queries: Any
) -> None:
    load_pool(seeded.program)  # warm caches that are not per pool
    with django_assert_num_queries(12) as small:
        load_pool(seeded.program)
    _grow(seeded, make_person, 12)
    with django_assert_num_queries(len(small.captured_queries)):
        pool = load_pool(seeded.program)
    assert len(pool.mentees) == 15
