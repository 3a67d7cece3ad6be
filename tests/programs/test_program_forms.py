from datetime import date

import pytest

from mentorship.programs.forms import ProgramForm


def _post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Reverse mentoring: AI for leaders",
        "kind": "reverse",
        "objectives": "Leaders use one AI assistant weekly.",
        "level_min": "1",
        "level_max": "7",
        "enrollment_opens": "2026-03-01",
        "enrollment_closes": "2026-03-15",
        "starts_on": "2026-03-20",
        "ends_on": "2026-06-20",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _errors(**overrides: object) -> dict[str, list[str]]:
    form = ProgramForm(_post(**overrides))
    assert not form.is_valid()
    return form.errors


def test_a_minimal_program_is_valid_and_takes_the_kinds_defaults(db) -> None:
    form = ProgramForm(_post(ends_on=""))
    assert form.is_valid(), form.errors

    data = form.program_data()
    assert data["cadence_days"] == 14
    assert data["default_capacity"] == 1
    assert data["ends_on"] == date(2026, 6, 20)
    assert data["matching"] == {}
    assert "focus_categories" not in data  # the service gives reverse programs their digital focus


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_on": "2026-03-20"}, "ends_on", "The program must end after it starts."),
        (
            {"enrollment_closes": "2026-03-21"},
            "enrollment_closes",
            "Enrollment must close on or before the start date.",
        ),
        (
            {"enrollment_opens": "2026-03-16", "enrollment_closes": "2026-03-15"},
            "enrollment_opens",
            "Enrollment must open before it closes.",
        ),
        ({"cadence_days": "6"}, "cadence_days", "The cadence must be between 7 and 90."),
        ({"cadence_days": "91"}, "cadence_days", "The cadence must be between 7 and 90."),
        ({"default_capacity": "0"}, "default_capacity", "The capacity must be between 1 and 10."),
        ({"default_capacity": "11"}, "default_capacity", "The capacity must be between 1 and 10."),
        ({"level_min": "5", "level_max": "3"}, "level_max", "The highest career level cannot be below the lowest."),
        ({"weight_expertise": "101"}, "weight_expertise", "Each weight must be between 0 and 100."),
        ({"weight_timezone": "-1"}, "weight_timezone", "Each weight must be between 0 and 100."),
        ({"rating_delay_hours": "169"}, "rating_delay_hours", "The rating reminder delay must be between 1 and 168."),
        ({"cadence_grace_days": "31"}, "cadence_grace_days", "The cadence grace must be between 0 and 30."),
        ({"escalate_after_missed_cycles": "7"}, "escalate_after_missed_cycles", "Escalation must be between 1 and 6."),
        (
            {"min_level_gap": "4", "max_level_gap": "2"},
            "min_level_gap",
            "The minimum level gap cannot be larger than the maximum level gap.",
        ),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_it_explains_each_mistake_on_its_field(db, overrides, field, message) -> None:
    assert _errors(**overrides)[field] == [message]


def test_weights_must_add_up_to_100(db) -> None:
    errors = _errors(weight_expertise="50")

    assert errors["__all__"] == ["The weights add up to 90; they must add up to exactly 100."]


def test_weights_that_add_up_to_100_are_kept(db) -> None:
    form = ProgramForm(
        _post(
            weight_expertise="40",
            weight_work_style="20",
            weight_availability="10",
            weight_timezone="10",
            weight_cross_department="10",
            weight_requests="10",
        )
    )
    assert form.is_valid(), form.errors
    assert form.program_data()["matching"]["weights"]["work_style"] == 20


def test_yes_no_rules_left_on_the_default_are_not_stored(db) -> None:
    form = ProgramForm(_post(different_department="", shared_language="no"))
    assert form.is_valid(), form.errors

    assert form.program_data()["matching"] == {"shared_language": False}


def test_the_learning_floor_defaults_to_two_levels_and_can_be_chosen_or_turned_off(db) -> None:
    from mentorship.programs.services import complete_matching

    default = ProgramForm(_post())
    assert default.is_valid(), default.errors
    assert "learning_floor" not in default.program_data()["matching"]
    assert complete_matching("reverse", default.program_data()["matching"])["learning_floor"] == 2
    for choice, stored in (("0", 0), ("3", 3)):
        form = ProgramForm(_post(learning_floor=choice))
        assert form.is_valid(), form.errors
        assert form.program_data()["matching"]["learning_floor"] == stored


def test_a_learning_floor_outside_the_choices_is_a_form_error(db) -> None:
    assert "learning_floor" in _errors(learning_floor="7")
    assert "learning_floor" in _errors(learning_floor="two")
