from typing import Any

from mentorship.demo import organisation as demo
from mentorship.demo.matching import seed_matching_demo
from mentorship.mentorships.models import Mentorship
from mentorship.programs.models import Program, ProgramStatus


def test_the_demo_leaves_one_program_of_each_kind_ready_to_match_and_one_running(db: Any) -> None:
    demo.seed_organisation()
    demo.seed_inventories()
    demo.seed_programs()
    created = seed_matching_demo()
    assert len(created) == 5
    matching = Program.objects.filter(status=ProgramStatus.MATCHING)
    assert sorted(matching.values_list("kind", flat=True)) == ["peer", "reciprocal", "reverse", "traditional"]
    for program in matching:
        assert program.enrollments.count() >= 6, program.name
    running = Program.objects.get(status=ProgramStatus.RUNNING)
    assert Mentorship.objects.filter(program=running, status="active").count() >= 3
    assert seed_matching_demo() == []


def test_the_running_program_includes_the_junior_demo_login(db: Any) -> None:
    demo.seed_organisation()
    demo.seed_inventories()
    demo.seed_programs()
    seed_matching_demo()
    assert Mentorship.objects.filter(mentee__user__email=f"junior@{demo.DEMO_DOMAIN}", status="active").exists()
