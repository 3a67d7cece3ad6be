"""Ratings, check-ins and reminders: what people said about their sessions and their pairs."""

from __future__ import annotations

from typing import Any

from mentorship.dashboards import charts, privacy, queries
from mentorship.dashboards.tables import Table, Viewer, cells, ratio, weakest


def ratings(stats: queries.PairStats, ratings: dict[str, Any], p: Viewer) -> tuple[list[Any], dict[str, Any]]:
    count = ratings["ratings"] or 0
    people = ratings.get("people") or 0
    complement = ratings.get("complement", 0) or 0
    figure_hidden = p.protect and not privacy.visible(people, complement=complement)
    labels = [f"{score} of 5" for score in range(1, 6)]
    table = Table("rating_distribution", "Session ratings by score", ["Score", "Ratings", "Share"])
    for score, label, disclosed in zip(range(1, 6), labels, p.disclosed("rating_distribution", labels), strict=True):
        n = ratings[f"score_{score}"] or 0
        row = cells([(n, "int"), (ratio(n, count), "pct")], people, figure_hidden or disclosed)
        table.rows.append([label, *row])
    table.chart = charts.bar_chart(
        "Session ratings by score",
        "How many ratings gave each score from 1 to 5.",
        [r[0] for r in table.rows],
        [r[1] for r in table.rows],
    )
    headline = [
        (
            "Average session rating",
            p.figure(ratio(ratings["score_sum"], count), people, complement=complement, fmt="num"),
            "Out of 5, over every rating given in the chosen dates.",
        ),
        (
            "Rating response rate",
            # About the raters and about the pairs whose sessions asked for ratings.
            p.figure(
                ratio(count, stats.expected_ratings),
                weakest(people, len(stats.session_people)),
                complement=complement,
                fmt="pct",
            ),
            "Ratings given divided by the ratings asked for (each session, by each of its two people).",
        ),
    ]
    return headline, {table.name: table}


def check_ins(rows: dict[str, Any], p: Viewer) -> list[Any]:
    people = rows["people"] or 0
    complement = rows.get("complement", 0) or 0
    count = rows["check_ins"] or 0
    return [
        (
            "Relationship rating",
            p.figure(ratio(rows["relationship_sum"], count), people, complement=complement, fmt="num"),
            "Out of 5, from midpoint and final check-ins.",
        ),
        (
            "Would recommend",
            p.figure(ratio(rows["recommend"], count), people, complement=complement, fmt="pct"),
            "Check-ins that would recommend the program to a colleague.",
        ),
    ]


def reminders(rows: dict[str, Any], p: Viewer) -> tuple[list[Any], dict[str, Any]]:
    table = Table(
        "reminders",
        "Reminders answered within 7 days",
        ["Reminder and the action that answers it", "Sent", "Answered", "Response rate"],
        note="Reminders younger than 7 days are not counted yet. Alerts and digests for HR are not reminders.",
    )
    actions = [a for a in queries.REMINDER_ACTIONS if rows[f"{a}_sent"]]
    hidden = p.rows(
        [rows[f"{a}_people"] for a in actions],
        [rows.get("complement", 0)] * len(actions),
        table="reminders",
        labels=[queries.REMINDER_LABELS[a] for a in actions],
    )
    sent = answered = 0
    for action, is_hidden in zip(actions, hidden, strict=True):
        s, a = rows[f"{action}_sent"], rows[f"{action}_answered"]
        sent, answered = sent + s, answered + a
        table.rows.append(
            [
                queries.REMINDER_LABELS[action],
                *cells([(s, "int"), (a, "int"), (ratio(a, s), "pct")], rows[f"{action}_people"], is_hidden),
            ]
        )
    headline = [
        (
            "Reminder response rate",
            p.figure(ratio(answered, sent), rows["people"], complement=rows.get("complement", 0), fmt="pct"),
            "Reminders followed by the asked action within 7 days.",
        )
    ]
    return headline, {table.name: table}
