"""Skill growth: levels gained per goal skill, by category and by skill."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from mentorship.dashboards import charts
from mentorship.dashboards.tables import Table, Viewer, cells, ratio
from skills.models import SkillCategory


def growth(
    rows: list[dict[str, Any]], category_rows: list[dict[str, Any]], overall: list[dict[str, Any]], p: Viewer
) -> tuple[list[Any], dict[str, Any]]:
    tables: dict[str, Table] = {}
    by_category = {row["skill__category"]: row for row in category_rows if row["goals"]}
    skills_in: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["goals"]:
            skills_in[row["skill__category"]].append(row)
    categories = [c for c in SkillCategory if c.value in by_category]
    hidden = p.rows(
        [by_category[c]["people"] for c in categories],
        [by_category[c]["complement"] for c in categories],
        table="growth_by_category",
        labels=[c.label for c in categories],
    )
    table = Table(
        "growth_by_category",
        "Skill growth by category",
        ["Category", "Learners", "Goals measured", "Average growth (levels)", "Goals improved", "Reached target"],
    )
    for category, is_hidden in zip(categories, hidden, strict=True):
        data = by_category[category.value]
        table.rows.append(
            [
                category.label,
                *cells(
                    [
                        (data["people"], "int"),
                        (data["goals"], "int"),
                        (ratio(data["growth_sum"], data["goals"]), "signed"),
                        (ratio(data["improved"], data["goals"]), "pct"),
                        (ratio(data["reached"], data["goals"]), "pct"),
                    ],
                    data["people"],
                    is_hidden,
                ),
            ]
        )
    table.chart = charts.bar_chart(
        "Average skill growth by category",
        "Levels gained on goal skills from the start of the mentorship to the latest assessment.",
        [r[0] for r in table.rows],
        [r[3] for r in table.rows],
    )
    tables[table.name] = table

    table = Table(
        "growth_by_skill",
        "Skill growth by skill",
        ["Skill", "Category", "Learners", "Goals measured", "Average growth (levels)", "Reached target"],
    )
    for category in categories:
        skill_rows = sorted(skills_in[category.value], key=lambda r: r["skill__name"].lower())
        # Within a category, so "category minus its visible skills" reveals no small group.
        hidden = p.rows(
            [r["people"] for r in skill_rows],
            [r["complement"] for r in skill_rows],
            table="growth_by_skill",
            labels=[r["skill__name"] for r in skill_rows],
        )
        for row, is_hidden in zip(skill_rows, hidden, strict=True):
            table.rows.append(
                [
                    row["skill__name"],
                    category.label,
                    *cells(
                        [
                            (row["people"], "int"),
                            (row["goals"], "int"),
                            (ratio(row["growth_sum"], row["goals"]), "signed"),
                            (ratio(row["reached"], row["goals"]), "pct"),
                        ],
                        row["people"],
                        is_hidden,
                    ),
                ]
            )
    top = sorted(table.rows, key=lambda r: -(r[2].value or 0))[:15]
    table.chart = charts.bar_chart(
        "Average growth on the most-learned skills",
        "Levels gained per goal, for the skills with the most learners.",
        [r[0] for r in top],
        [r[4] for r in top],
    )
    tables[table.name] = table

    total = overall[0] if overall else {"goals": 0, "growth_sum": 0, "people": 0, "complement": 0}
    headline = [
        (
            "Average skill growth",
            p.figure(
                ratio(total["growth_sum"], total["goals"]),
                total["people"],
                complement=total["complement"],
                fmt="signed",
            ),
            "Levels gained per goal skill, from the start assessment to the latest.",
        )
    ]
    return headline, tables
