#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    from django.core.management import execute_from_command_line

    from mentorship.env import exit_on_bad_settings

    exit_on_bad_settings()  # a junk value in the environment: one line and exit 2, no traceback

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
