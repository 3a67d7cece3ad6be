"""Pairs and sessions: pairs by state, end reasons, sessions by month; a hidden headline hides its rows."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString

from mentorship.dashboards import charts, privacy, queries
from mentorship.dashboards.privacy import Figure
from mentorship.dashboards.scope import Scope
from mentorship.dashboards.tables import STATE_LABELS, Table, Viewer, cells, ratio
from mentorship.mentorships.models import EndReason


def _pairs_by_state_chart(table: Table) -> SafeString:
    return charts.bar_chart(
        "Pairs by state",
        "Active pairs on track and at risk, completed pairs and pairs that ended early.",
        [r[0] for r in table.rows],
        [r[1] for r in table.rows],
    )


# A headline figure hidden for privacy hides the rows of its table that make it up: "Active pairs:
# Hidden" beside a chart of 0 on track and 0 at risk would contradict it (and give it away).
HEADLINE_ROWS = {
    "Active pairs": ("pairs_by_state", (STATE_LABELS["on_track"], STATE_LABELS["at_risk"])),
    "At risk": ("pairs_by_state", (STATE_LABELS["at_risk"],)),
}
REDRAW = {"pairs_by_state": _pairs_by_state_chart}


def agree_with_headline(hidden: set[str], tables: dict[str, Table]) -> None:
    """Hide the rows behind each hidden headline figure (by its label), and redraw their chart."""
    for label in hidden & HEADLINE_ROWS.keys():
        name, row_labels = HEADLINE_ROWS[label]
        table = tables.get(name)
        if table is None:
            continue
        for row in table.rows:
            if row[0] in row_labels:
                row[1:] = [Figure(None, cell.people, True, cell.fmt) for cell in row[1:]]
        table.chart = REDRAW[name](table)


def pairs(
    scope: Scope, stats: queries.PairStats, months: list[dict[str, Any]], p: Viewer
) -> tuple[list[Any], dict[str, Any]]:
    tables: dict[str, Table] = {}
    states = list(STATE_LABELS)
    people = [len(stats.state_people[s]) for s in states]
    complements = [len(stats.state_complement[s]) for s in states]
    hidden = p.rows(people, complements, table="pairs_by_state", labels=[STATE_LABELS[s] for s in states])
    table = Table("pairs_by_state", "Pairs by state", ["State", "Pairs", "People"])
    for state, count, is_hidden, comp in zip(states, people, hidden, complements, strict=True):
        del comp
        table.rows.append(
            [STATE_LABELS[state], *cells([(stats.states[state], "int"), (count, "int")], count, is_hidden)]
        )
    table.chart = _pairs_by_state_chart(table)
    tables[table.name] = table

    reasons = [r for r in EndReason if stats.end_reasons[r.value]]
    reason_people = [len(stats.end_reason_people[r.value]) for r in reasons]
    # People's reasons for ending are treated as themes: shown only from twice the threshold.
    hidden = p.rows(
        reason_people, minimum=privacy.themes_threshold(), table="end_reasons", labels=[r.label for r in reasons]
    )
    table = Table("end_reasons", "Why pairs ended early", ["Reason", "Pairs"])
    for reason, count, is_hidden in zip(reasons, reason_people, hidden, strict=True):
        table.rows.append([reason.label, *cells([(stats.end_reasons[reason.value], "int")], count, is_hidden)])
    tables[table.name] = table

    # A month stands for the people in its sessions and in the pairs active then (a month
    # without sessions still shows how many pairs were active).
    for month in months:
        month["people"] = max(month["people"], len(stats.active_people_by_month.get(month["month"], ())))
    labels = [m["month"].strftime("%b %Y") for m in months]
    month_hidden = p.rows(
        [m["people"] for m in months], [m["complement"] for m in months], table="sessions_by_month", labels=labels
    )
    table = Table(
        "sessions_by_month",
        "Sessions per month",
        ["Month", "Sessions", "Active pairs", "Sessions per active pair"],
    )
    for month, label, is_hidden in zip(months, labels, month_hidden, strict=True):
        active = stats.active_by_month.get(month["month"], 0)
        table.rows.append(
            [
                label,
                *cells(
                    [(month["sessions"], "int"), (active, "int"), (ratio(month["sessions"], active), "num")],
                    month["people"],
                    is_hidden,
                ),
            ]
        )
    table.chart = charts.line_chart(
        "Sessions per month",
        "Sessions held each month and pairs active that month.",
        [r[0].split(" ")[0] for r in table.rows],
        [("Sessions", [r[1] for r in table.rows]), ("Active pairs", [r[2] for r in table.rows])],
        empty="No sessions in this period.",
    )
    tables[table.name] = table

    pair_people = len(stats.people)
    complement = len(stats.complement)
    active_people = len(stats.state_people["on_track"] | stats.state_people["at_risk"])
    ended_people = len(stats.state_people["completed"] | stats.state_people["ended_early"])
    headline = [
        (
            "Active pairs",
            p.figure(stats.active, active_people, complement=complement),
            "Pairs meeting now, on track or at risk.",
        ),
        (
            "At risk",
            p.figure(stats.at_risk, len(stats.state_people["at_risk"]), complement=complement),
            "Active pairs the feedback sweep flagged: missed cycles or low ratings.",
        ),
        (
            "Completion rate",
            p.figure(stats.completion_rate, ended_people, complement=complement, fmt="pct"),
            "Of the pairs that ended, the share that completed rather than ending early.",
        ),
        (
            "Sessions per pair per month",
            p.figure(stats.sessions_per_pair_month, pair_people, complement=complement, fmt="num"),
            "Sessions held divided by the months pairs were active in the chosen dates.",
        ),
        (
            "Pairs meeting their cadence",
            p.figure(stats.cadence_share, len(stats.cadence_people), complement=complement, fmt="pct"),
            "Pairs that held at least one session per agreed cadence (pairs younger than one cycle are not counted).",
        ),
    ]
    return headline, tables
