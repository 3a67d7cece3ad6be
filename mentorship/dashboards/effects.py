"""Which approach grows skills: effects with 95% intervals, a fair comparison, and a baseline.

Plain Python on plain rows (no Django), so the statistics can be tested by the hundred and on
planted data. The fits and their person-clustered covariance come from statsmodels (a contrast's
variance is read from that covariance as c'Vc, as statsmodels' own t_test does); Student's t
from scipy. Nothing here estimates a variance by hand.

Each `Measure` is one goal of a learner in a program (growth: their own latest level minus their
level when the mentorship began), or one skill of a colleague in no program assessed at least a
day apart over the same period (growth: the later level minus the earlier). Goals of one person are not
independent, so every interval treats people, not goals, as the independent units:

- **Raw means**: an intercept-only least-squares fit with standard errors clustered by person and
  a t-interval on people − 1 degrees of freedom. This is the usual interval for a mean of
  clustered data; it is deterministic (the page and its CSV never disagree between two loads,
  as a bootstrap's would) and, unlike a percentile bootstrap, does not get narrower than it
  should on the small groups the privacy threshold still lets through.
- **Adjusted growth**: one least-squares fit over every measure, growth ~ one term per
  (group, category) cell + starting level (one term per level: room to grow is not linear) +
  months between the two assessments, again person-clustered, with the t quantile on the fewest
  people of the groups compared minus one (see `_Model.estimate`). A group's adjusted growth is the
  fit's prediction for its own skill categories at the *common* mix of starting levels and the
  common average months of every measure on the page, so two groups are compared as if their
  people had started alike and been measured after the same time.
- **Baseline**: colleagues in no program, in the same model. "Matched" means the same skill
  categories (weighted like the group's goals), the same mix of starting levels and months.
- **The reading** names a difference only when its 95% interval excludes zero *and* it survives
  Bonferroni's correction for the number of comparisons the reading looks at; otherwise it says what
  the data cannot yet tell and roughly how many more people would show a half-level difference
  (80% power, two-sided 5%, from the standard error).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

BASELINE = "none"  # the group of colleagues in no program
ALPHA = 0.05
POWER = 0.8
# The smallest difference HR would act on, in skill levels: the power estimate asks how many
# people would make a difference of this size show.
MEANINGFUL_DIFFERENCE = 0.5

Cell = tuple[str, str]  # (group, category)


@dataclass(frozen=True)
class Measure:
    person: int
    group: str  # a program kind, or BASELINE
    category: str
    start: int  # starting level, 0-5
    growth: float  # levels gained (own assessments)
    months: float  # between the two assessments
    self_growth: float | None = None  # by the learner's latest self-assessment
    other_growth: float | None = None  # by the latest partner's or check-in assessment


@dataclass(frozen=True)
class Estimate:
    """A figure with its 95% interval, and how many people and goals stand behind it."""

    value: float
    low: float
    high: float
    people: int
    goals: int
    p: float = 1.0  # two-sided p-value of "the true value is zero" (for differences)
    se: float = math.nan  # standard error (person-clustered)

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class Comparison:
    """One difference the reading may name: what minus what, in which category."""

    key: tuple[str, ...]
    first: str
    second: str
    category: str | None
    estimate: Estimate
    first_people: int
    second_people: int
    clear: bool = False  # survives the interval and Bonferroni's correction
    more_people: int | None = None  # rough: how many more people would show MEANINGFUL_DIFFERENCE


@dataclass
class Analysis:
    groups: list[str]
    categories: list[str]
    raw: dict[Any, Estimate] = field(default_factory=dict)  # keys: group, category, (group, category)
    adjusted: dict[Any, Estimate] = field(default_factory=dict)
    matched_baseline: dict[Any, Estimate] = field(default_factory=dict)
    versus_baseline: dict[Any, Estimate] = field(default_factory=dict)
    self_view: dict[str, Estimate] = field(default_factory=dict)
    other_view: dict[str, Estimate] = field(default_factory=dict)
    self_minus_other: dict[str, Estimate] = field(default_factory=dict)
    between: list[Comparison] = field(default_factory=list)  # approaches within one category
    against_baseline: list[Comparison] = field(default_factory=list)
    self_reports: list[Comparison] = field(default_factory=list)
    common_months: float = 0.0
    comparisons: int = 0  # how many the Bonferroni correction covered


# Intervals -------------------------------------------------------------------------------------


def _people_index(people: Sequence[int]) -> np.ndarray:
    return np.unique(np.asarray(people), return_inverse=True)[1]


def mean_interval(values: Sequence[float], people: Sequence[int]) -> Estimate | None:
    """The mean with a 95% t-interval, standard error clustered by person (see the module)."""
    if not values:
        return None
    from statsmodels.regression.linear_model import OLS  # imported on use: it takes a second

    y = np.asarray(values, dtype=float)
    clusters = _people_index(people)
    n_people = int(clusters.max()) + 1
    if n_people < 2:
        return Estimate(float(y.mean()), math.nan, math.nan, n_people, len(y))
    fit = OLS(y, np.ones((len(y), 1))).fit(cov_type="cluster", cov_kwds={"groups": clusters}, use_t=True)
    return _estimate(float(fit.params[0]), float(fit.bse[0]), n_people - 1, n_people, len(y))


def _estimate(value: float, se: float, df: int, people: int, goals: int) -> Estimate:
    """The estimate with its 95% t-interval and two-sided p-value on `df` degrees of freedom."""
    from scipy.special import stdtr, stdtrit  # Student's t, without scipy.stats' per-call checks

    if not se > 0:  # no spread at all: the interval is the value itself
        return Estimate(value, value, value, people, goals, 1.0 if value == 0 else 0.0, 0.0)
    margin = float(stdtrit(df, 1 - ALPHA / 2)) * se
    p = float(2 * stdtr(df, -abs(value) / se))
    return Estimate(value, value - margin, value + margin, people, goals, p, se)


# The model -------------------------------------------------------------------------------------


class _Model:
    """growth ~ cell + starting level + months, person-clustered; contrasts as linear combinations."""

    def __init__(self, measures: Sequence[Measure]) -> None:
        from statsmodels.regression.linear_model import OLS

        self.cells = sorted({(m.group, m.category) for m in measures})
        levels = sorted({m.start for m in measures})
        self.levels = levels[1:]  # the lowest level is the reference
        months = np.array([m.months for m in measures], dtype=float)
        self.common_months = float(months.mean())
        self.use_months = bool(months.std() > 1e-9)
        columns = len(self.cells) + len(self.levels) + int(self.use_months)
        x = np.zeros((len(measures), columns))
        cell_index = {cell: i for i, cell in enumerate(self.cells)}
        level_index = {level: len(self.cells) + i for i, level in enumerate(self.levels)}
        for row, m in enumerate(measures):
            x[row, cell_index[(m.group, m.category)]] = 1.0
            if m.start in level_index:
                x[row, level_index[m.start]] = 1.0
            if self.use_months:
                x[row, -1] = m.months - self.common_months
        # On tiny data a level (or the months) can say the same as a cell (every goal at level 3
        # is in one cell): such a column is left out, so that every contrast stays estimable.
        keep = list(range(len(self.cells)))
        gram = x.T @ x  # the same rank as x, and small: columns by columns
        for column in range(len(self.cells), columns):
            if np.linalg.matrix_rank(gram[np.ix_([*keep, column], [*keep, column])]) > len(keep):
                keep.append(column)
        # The common mix of starting levels: every measure on the page.
        profile = np.zeros(columns)
        for level in self.levels:
            profile[level_index[level]] = sum(1 for m in measures if m.start == level) / len(measures)
        x, self.profile = x[:, keep], profile[keep]
        self.cell_index = cell_index
        y = np.array([m.growth for m in measures], dtype=float)
        clusters = _people_index([m.person for m in measures])
        self.n_people = int(clusters.max()) + 1
        self.fit: Any = None  # too few measures for the model: no adjusted figures
        if self.n_people >= 2 and len(measures) > x.shape[1]:
            # hasconst: the cell columns add up to one; saying so spares statsmodels a search.
            fit = OLS(y, x, hasconst=True).fit(cov_type="cluster", cov_kwds={"groups": clusters}, use_t=True)
            # A contrast c of the coefficients is c·b with variance c'Vc, V statsmodels'
            # person-clustered covariance: what its t_test computes, read here for every
            # contrast from one copy (a t_test per contrast cost a page 0.2 s).
            self.fit, self.params, self.cov = fit, np.asarray(fit.params), np.asarray(fit.cov_params())

    def has(self, cell: Cell) -> bool:
        return cell in self.cell_index

    def at_profile(self, weights: Mapping[Cell, float]) -> np.ndarray:
        """Predicted growth for these cells (weights summing to 1) at the common profile."""
        contrast = self.profile.copy()
        for cell, weight in weights.items():
            contrast[self.cell_index[cell]] += weight
        return contrast

    def estimate(self, contrast: np.ndarray, people: int, goals: int, fewest: int) -> Estimate | None:
        """The contrast with its interval. The standard error is clustered by person over the
        whole fit, but a cell's figure rests on that cell's people only: the t quantile takes
        the fewest people of any group the contrast compares, minus one, as its degrees of
        freedom (the conservative choice for Welch's test). With the whole fit's people − 1,
        simulations of planted data claimed a false difference in one dataset out of eight."""
        if self.fit is None or fewest < 2:
            return None
        value = float(contrast @ self.params)
        se = math.sqrt(max(0.0, float(contrast @ self.cov @ contrast)))
        return _estimate(value, se, fewest - 1, people, goals)


# The analysis ----------------------------------------------------------------------------------


def analyse(measures: Sequence[Measure], *, groups: Sequence[str], categories: Sequence[str]) -> Analysis:
    """Every figure of the comparison: raw and adjusted growth per group, category and cell,
    the matched baseline and the differences from it, the two views of growth, and the
    comparisons the reading may name (with Bonferroni's correction across all of them)."""
    measures = sorted(measures, key=lambda m: (m.group, m.category, m.person, m.start, m.growth, m.months))
    in_programs = [m for m in measures if m.group != BASELINE]
    present = {m.group for m in in_programs}
    out = Analysis(
        groups=[g for g in groups if g in present],
        categories=[c for c in categories if any(m.category == c for m in measures)],
    )
    if not in_programs:
        return out
    by: dict[Any, list[Measure]] = defaultdict(list)
    for m in measures:
        by[m.group].append(m)
        by[(m.group, m.category)].append(m)
        if m.group != BASELINE:
            by[m.category].append(m)
    for key, rows in by.items():
        estimate = mean_interval([m.growth for m in rows], [m.person for m in rows])
        if estimate is not None:
            out.raw[key] = estimate

    model = _Model(measures)
    out.common_months = model.common_months

    # Per cell: its goals and people, so each figure below is arithmetic on a few numbers.
    cell_goals = {cell: len(by[cell]) for cell in model.cells}
    cell_people = {cell: {m.person for m in by[cell]} for cell in model.cells}

    def adjust(key: Any, cells: list[Cell]) -> None:
        """Adjusted growth for the goals of these cells, at the common profile; and, matched on
        the same categories (weighted alike), colleagues outside any program and the difference."""
        if not cells or key not in out.raw:
            return
        goals = sum(cell_goals[cell] for cell in cells)
        people = out.raw[key].people
        own = {cell: cell_goals[cell] / goals for cell in cells}
        contrast = model.at_profile(own)
        fewest = min(out.raw[cell].people for cell in cells)
        estimate = model.estimate(contrast, people, goals, fewest)
        if estimate is None:
            return
        out.adjusted[key] = estimate
        matched: dict[Cell, float] = defaultdict(float)
        for (_group, category), weight in own.items():
            matched[(BASELINE, category)] += weight
        if not all(model.has(cell) for cell in matched):
            return  # no colleague outside programs was measured in one of these categories
        base_people = len(set().union(*(cell_people[cell] for cell in matched)))
        base_goals = sum(cell_goals[cell] for cell in matched)
        fewest_outside = min(out.raw[cell].people for cell in matched)
        matched_estimate = model.estimate(model.at_profile(matched), base_people, base_goals, fewest_outside)
        difference = model.estimate(contrast - model.at_profile(matched), people, goals, min(fewest, fewest_outside))
        if matched_estimate is not None and difference is not None:
            out.matched_baseline[key] = matched_estimate
            out.versus_baseline[key] = difference

    for group in [*out.groups, BASELINE]:
        adjust(group, [cell for cell in model.cells if cell[0] == group])
    for category in out.categories:
        adjust(category, [cell for cell in model.cells if cell[1] == category and cell[0] != BASELINE])
    for cell in model.cells:
        adjust(cell, [cell])
    for key in [BASELINE, *[(BASELINE, c) for c in out.categories]]:  # the baseline against itself
        out.matched_baseline.pop(key, None)
        out.versus_baseline.pop(key, None)

    # The comparisons the reading may name.
    for group in out.groups:
        for category in out.categories:
            key = (group, category)
            if key in out.versus_baseline:
                base = out.raw[(BASELINE, category)].people
                out.against_baseline.append(
                    Comparison(
                        ("baseline", group, category),
                        group,
                        BASELINE,
                        category,
                        out.versus_baseline[key],
                        out.raw[key].people,
                        base,
                    )
                )
    for category in out.categories:
        cell_groups = [g for g in out.groups if model.has((g, category))]
        for index, first in enumerate(cell_groups):
            for second in cell_groups[index + 1 :]:
                a, b = (first, category), (second, category)
                contrast = model.at_profile({a: 1.0}) - model.at_profile({b: 1.0})
                people = out.raw[a].people + out.raw[b].people
                fewest = min(out.raw[a].people, out.raw[b].people)
                estimate = model.estimate(contrast, people, out.raw[a].goals + out.raw[b].goals, fewest)
                if estimate is not None:
                    out.between.append(
                        Comparison(
                            ("between", first, second, category),
                            first,
                            second,
                            category,
                            estimate,
                            out.raw[a].people,
                            out.raw[b].people,
                        )
                    )
    _views(out, in_programs)
    _decide(out)
    return out


def _views(out: Analysis, measures: Sequence[Measure]) -> None:
    """Self-assessed and partner- or check-in-assessed growth side by side, per approach; and
    self minus the other view on the goals that have both."""
    for group in out.groups:
        rows = [m for m in measures if m.group == group]
        own = [m for m in rows if m.self_growth is not None]
        other = [m for m in rows if m.other_growth is not None]
        both = [m for m in own if m.other_growth is not None]
        for target, subset, values in (
            (out.self_view, own, [m.self_growth or 0.0 for m in own]),
            (out.other_view, other, [m.other_growth or 0.0 for m in other]),
            (out.self_minus_other, both, [(m.self_growth or 0.0) - (m.other_growth or 0.0) for m in both]),
        ):
            estimate = mean_interval(values, [m.person for m in subset])
            if estimate is not None and not math.isnan(estimate.low):
                target[group] = estimate
        if group in out.self_minus_other:
            estimate = out.self_minus_other[group]
            out.self_reports.append(
                Comparison(("self", group), group, "other", None, estimate, estimate.people, estimate.people)
            )


def _decide(out: Analysis) -> None:
    """Bonferroni's correction over every comparison the reading looks at, and a rough power figure
    for those it cannot call."""
    from statsmodels.stats.multitest import multipletests

    every = [*out.against_baseline, *out.between, *out.self_reports]
    out.comparisons = len(every)
    if not every:
        return
    # Bonferroni: valid whatever the comparisons' dependence. (Holm would be a little bolder,
    # but statsmodels' Holm runs a full garbage collection, 0.2 s of a page.)
    reject = multipletests([c.estimate.p for c in every], alpha=ALPHA, method="bonferroni")[0]
    decided = [
        Comparison(
            c.key,
            c.first,
            c.second,
            c.category,
            c.estimate,
            c.first_people,
            c.second_people,
            clear=bool(flag) and c.estimate.excludes_zero,
            more_people=None if flag else more_people_needed(c),
        )
        for c, flag in zip(every, reject, strict=True)
    ]
    a, b = len(out.against_baseline), len(out.between)
    out.against_baseline, out.between, out.self_reports = decided[:a], decided[a : a + b], decided[a + b :]


def more_people_needed(comparison: Comparison) -> int | None:
    """Roughly how many more people (both sides together, in today's proportions) would give a
    difference of MEANINGFUL_DIFFERENCE an 80% chance to show at the 5% level.

    The spread per person is read back from the standard error, so it carries the clustering
    and the adjustment: sd = se / sqrt(1/n1 + 1/n2). A paired view (self minus the
    other view, on the same people) uses sd = se * sqrt(n). None when it cannot be told.
    """
    from statsmodels.stats.power import TTestIndPower, TTestPower

    est, n1, n2 = comparison.estimate, comparison.first_people, comparison.second_people
    se = est.se
    if n1 < 2 or n2 < 2 or not se > 0:
        return None
    try:
        if comparison.key[0] == "self":
            sd = se * math.sqrt(n1)
            needed = float(TTestPower().solve_power(effect_size=MEANINGFUL_DIFFERENCE / sd, alpha=ALPHA, power=POWER))
            total, now = needed, n1
        else:
            sd = se / math.sqrt(1 / n1 + 1 / n2)
            ratio = n2 / n1
            first = float(
                TTestIndPower().solve_power(
                    effect_size=MEANINGFUL_DIFFERENCE / sd, alpha=ALPHA, power=POWER, ratio=ratio
                )
            )
            total, now = first * (1 + ratio), n1 + n2
    except (ValueError, RuntimeError):  # the solver found no answer
        return None
    if not math.isfinite(total):
        return None
    return max(0, math.ceil(total - now))


# The reading -----------------------------------------------------------------------------------


def signed(value: float, decimals: int = 1) -> str:
    return f"{value:+.{decimals}f}".replace("-", "−")


def interval(estimate: Estimate) -> str:
    """ "+1.2 [+0.9, +1.5]": one decimal, two when the interval is too narrow for one to tell."""
    if math.isnan(estimate.low):
        return signed(estimate.value)
    decimals = 2 if estimate.high - estimate.low < 0.3 else 1
    ends = f"[{signed(estimate.low, decimals)}, {signed(estimate.high, decimals)}]"
    return f"{signed(estimate.value, decimals)} {ends}"


@dataclass(frozen=True)
class Labels:
    groups: Mapping[str, str]  # "reverse" -> "Reverse mentoring"
    categories: Mapping[str, str]  # "digital" -> "digital & emerging technology"
    baseline: str = "colleagues outside any program"


def reading(analysis: Analysis, labels: Labels, shown: Callable[[Any], bool]) -> list[str]:
    """Plain sentences from the figures, careful by construction: a difference is named only
    when `Comparison.clear`; otherwise the sentence says what cannot be told yet and how many
    more people would help. `shown(key)` says whether a figure may be shown (privacy); a hidden
    figure is never mentioned."""
    g, c = labels.groups, labels.categories
    if not analysis.raw:
        return ["No goal skill has been re-assessed since its mentorship began, so there is no growth to compare yet."]
    sentences: list[str] = []
    found = [x for x in analysis.against_baseline if shown((x.first, x.category)) and shown((BASELINE, x.category))]
    if BASELINE not in analysis.raw:
        sentences.append(
            "No colleague outside the programs was assessed twice over this period, so growth cannot yet be set "
            "against a baseline: some of it may have happened without any mentoring."
        )
    clear = sorted((x for x in found if x.clear), key=lambda x: -x.estimate.value)
    for x in clear:
        cell, base = (x.first, x.category), (BASELINE, x.category)
        more = "more" if x.estimate.value > 0 else "less"
        sentences.append(
            f"{g[x.first]}: {interval(analysis.adjusted[cell])} levels on {c[x.category or '']} skills; "
            f"{labels.baseline}: {interval(analysis.adjusted[base])}. It grew these skills {more} than the "
            f"baseline: a difference of {interval(x.estimate)} levels ({x.first_people:,} learners)."
        )
    unclear = [x for x in found if not x.clear]
    if unclear:
        parts = [f"{g[x.first].lower()} on {c[x.category or '']} ({interval(x.estimate)})" for x in unclear]
        needs = [x.more_people for x in unclear if x.more_people]
        sentence = (
            f"Not yet told apart from {labels.baseline} once the {analysis.comparisons} comparisons are allowed "
            f"for: {_join(parts)}."
        )
        if not needs and all(x.more_people == 0 for x in unclear):
            sentence += (
                f" There are enough people to have seen a difference of {MEANINGFUL_DIFFERENCE:g} level: "
                "any difference there lies within the brackets."
            )
        elif needs:
            sentence += (
                f" Roughly {min(needs):,} to {max(needs):,} more people in such a comparison would show a difference "
                f"of {MEANINGFUL_DIFFERENCE:g} level."
                if min(needs) != max(needs)
                else f" Roughly {needs[0]:,} more people would show a difference of {MEANINGFUL_DIFFERENCE:g} level."
            )
        sentences.append(sentence)

    between = [x for x in analysis.between if shown((x.first, x.category)) and shown((x.second, x.category))]
    for x in sorted((x for x in between if x.clear), key=lambda x: -abs(x.estimate.value)):
        winner, loser, difference = x.first, x.second, x.estimate
        if difference.value < 0:
            winner, loser = loser, winner
            difference = Estimate(-difference.value, -difference.high, -difference.low, 0, 0)
        sentences.append(
            f"On {c[x.category or '']} skills, {g[winner].lower()} grew skills more than {g[loser].lower()}: "
            f"{interval(difference)} levels, adjusted for starting level and months."
        )
    if between and not any(x.clear for x in between):
        widest = max(between, key=lambda x: abs(x.estimate.value))
        sentence = (
            "Where approaches work on the same skills, the data cannot yet tell them apart "
            f"(the largest gap: {g[widest.first].lower()} against {g[widest.second].lower()} on "
            f"{c[widest.category or '']}, {interval(widest.estimate)})."
        )
        if widest.more_people:
            sentence += f" About {widest.more_people:,} more learners there would show a half-level difference."
        sentences.append(sentence)

    views = [x for x in analysis.self_reports if shown(("self", x.first))]
    for x in views:
        if x.clear:
            ahead = "run ahead of" if x.estimate.value > 0 else "fall behind"
            sentences.append(
                f"In {g[x.first].lower()}, self-assessments {ahead} partners' and check-ins' views by "
                f"{interval(x.estimate)} levels on the same goals."
            )
    if views and not any(x.clear for x in views):
        sentences.append(
            "Self-assessments and partners' or check-ins' views of the same goals agree within their intervals."
        )
    sentences.append(
        f"Adjusted figures compare groups as if they had started at the same levels and were measured after "
        f"{analysis.common_months:.1f} months; intervals are 95%, people as the unit. A difference is named only when "
        f"its interval excludes zero after allowing for the {analysis.comparisons} comparisons looked at (Bonferroni)."
    )
    return sentences


def _join(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
