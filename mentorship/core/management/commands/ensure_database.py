from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Create the PostgreSQL database named in DATABASE_URL if it does not exist yet (SQLite needs nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            return
        import psycopg
        from psycopg import sql

        settings_dict = connection.settings_dict
        name = settings_dict["NAME"]
        try:
            with psycopg.connect(
                dbname="postgres",
                host=settings_dict["HOST"] or None,
                port=settings_dict["PORT"] or None,
                user=settings_dict["USER"] or None,
                password=settings_dict["PASSWORD"] or None,
                autocommit=True,
            ) as conn:
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
                if not exists:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                    self.stdout.write(f"Created database {name}.")
        except psycopg.OperationalError as exc:
            raise CommandError(f"Cannot reach PostgreSQL to check database {name!r}: {exc}") from exc
