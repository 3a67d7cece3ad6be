from typing import Any

from django.core.management.base import BaseCommand

from mentorship.accounts.models import User
from mentorship.demo import matching as pairing_demo
from mentorship.demo import organisation as demo
from mentorship.demo.dashboards import seed_dashboard_demo
from mentorship.demo.feedback import seed_feedback_demo
from mentorship.demo.workspace import seed_workspace_demo
from mentorship.programs.models import Program


class Command(BaseCommand):
    help = "Build the demo organisation (safe to run again: it changes nothing the second time)."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo.seed_organisation()
        demo.seed_inventories()
        demo.seed_programs()
        pairing_demo.seed_matching_demo()
        seed_workspace_demo()
        seed_feedback_demo()
        seed_dashboard_demo()
        programs = Program.objects.count()
        people = User.objects.filter(email__endswith=f"@{demo.DEMO_DOMAIN}").count()
        self.stdout.write(self.style.SUCCESS(f"Demo organisation ready: {people} people, {programs} programs."))
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.role:<30} {login.email}")
