from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "mentorship.programs"
    label = "programs"
    verbose_name = "Programs and enrollment"

    def ready(self) -> None:
        from mentorship.programs.models import Enrollment, Program
        from skills import references

        # A skill merge moves these to the surviving skill, and its preview counts them.
        references.register("programs", through=Program.focus_skills.through, owner="program_id")
        references.register("enrollments", through=Enrollment.goals.through, owner="enrollment_id")
        references.register("enrollments", through=Enrollment.offers.through, owner="enrollment_id")
