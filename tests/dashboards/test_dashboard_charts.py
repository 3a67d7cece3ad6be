"""Charts that never cut a label at their edge and say so when there is nothing to draw."""

from mentorship.dashboards import charts
from mentorship.dashboards.privacy import Figure


def test_a_long_label_wraps_onto_two_lines_instead_of_being_cut_at_the_edge():
    label = "Business intelligence dashboards"
    svg = str(charts.bar_chart("Growth", "Growth per skill", [label], [Figure(3, 9)]))

    assert ">Business intelligence</tspan>" in svg and ">dashboards</tspan>" in svg
    assert f"<title>{label}</title>" in svg  # the full name as the tooltip
    assert charts.label_lines("SQL") == ["SQL"]


def test_no_line_of_a_label_is_longer_than_what_fits():
    label = "Stakeholder management across distributed international organisations"
    lines = charts.label_lines(label)
    assert len(lines) == 2
    assert all(len(line) <= charts.LABEL_CHARS_SMALL for line in lines)
    assert lines[1].endswith("…")


def test_a_line_chart_of_only_zeros_says_there_is_nothing_instead_of_a_flat_line():
    zeros = [Figure(0, 8), Figure(0, 8)]
    html = str(charts.line_chart("Sessions", "Per month", ["Nov", "Dec"], [("Sessions", zeros)], empty="No sessions"))
    assert html == '<p class="empty chart-empty">No sessions</p>'

    some = [Figure(0, 8), Figure(2, 8)]
    assert "<svg" in str(charts.line_chart("Sessions", "Per month", ["Nov", "Dec"], [("Sessions", some)]))
    # A hidden month is not a zero: the chart is drawn, with its gap.
    hidden = [Figure(None, 2, hidden=True), Figure(0, 8)]
    assert "<svg" in str(charts.line_chart("Sessions", "Per month", ["Nov", "Dec"], [("Sessions", hidden)]))
