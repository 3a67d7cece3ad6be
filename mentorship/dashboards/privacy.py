"""Privacy rules for aggregate figures: nobody learns about a group smaller than the threshold.

A figure drawn from fewer than `threshold()` people is hidden. Hiding one cell is not enough when
the total is on the page too: total minus the visible cells would give the hidden one back. So
`suppress_rows` keeps hiding the next-smallest visible cell until the hidden cells together stand
for at least the threshold (or everything is hidden). And a filtered figure is hidden when the
people it leaves out are a small group, since unfiltered minus filtered would describe them
(`visible(..., complement=...)`).

Free-text themes (reasons people write in their own words) need twice the threshold.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

MINIMUM_THRESHOLD = 3


def threshold() -> int:
    """The smallest group a figure may describe; the setting can raise it, never lower it below 3."""
    return max(MINIMUM_THRESHOLD, int(getattr(settings, "PRIVACY_THRESHOLD", 5)))


def themes_threshold() -> int:
    return 2 * threshold()


def visible(people: int, *, complement: int = 0, minimum: int | None = None) -> bool:
    """True when a figure drawn from `people` may be shown.

    `complement` is how many people stand behind the rows a filter left out (unfiltered minus
    filtered): when they are a small group but not nobody, the filtered figure would reveal them.
    """
    minimum = threshold() if minimum is None else minimum
    if people < minimum:
        return False
    return complement == 0 or complement >= minimum


@dataclass
class Figure:
    """A number with the people it is drawn from; `hidden` when the privacy rules withhold it.

    `fmt`: "int", "num" (one decimal), "signed" (+0.4), "pct" (a share shown as 42%), "days".
    """

    value: float | int | None
    people: int = 0
    hidden: bool = False
    fmt: str = "int"

    def __str__(self) -> str:
        if self.hidden:
            return "hidden"
        if self.value is None:
            return "–"
        match self.fmt:
            case "pct":
                return f"{self.value * 100:.0f}%"
            case "num":
                return f"{self.value:.1f}"
            case "signed":
                return f"{self.value:+.1f}"
            case "days":
                return f"{self.value:.0f} days"
        return f"{self.value:,}" if isinstance(self.value, int) else f"{self.value:.1f}"

    @property
    def csv(self) -> str:
        """The plain value for a spreadsheet (no % sign, no separators)."""
        if self.hidden:
            return "hidden"
        if self.value is None:
            return ""
        if self.fmt == "pct":
            return f"{self.value * 100:.1f}"
        return f"{self.value:.2f}" if isinstance(self.value, float) else str(self.value)


def suppress_rows(
    people: Sequence[int], *, complements: Sequence[int] | None = None, minimum: int | None = None
) -> list[bool]:
    """Which cells of a breakdown to hide, given the people behind each cell.

    A cell is hidden when its group is small (or its filter complement is). Then, while the hidden
    cells together stand for fewer people than the threshold, the smallest visible cell is hidden
    too, so that "total minus the visible cells" never describes a small group. Empty cells (no
    people) reveal nothing and are left alone.
    """
    minimum = threshold() if minimum is None else minimum
    complements = complements or [0] * len(people)
    hidden = [
        count > 0 and not visible(count, complement=complement, minimum=minimum)
        for count, complement in zip(people, complements, strict=True)
    ]
    while True:
        hidden_people = sum(count for count, is_hidden in zip(people, hidden, strict=True) if is_hidden)
        if hidden_people == 0 or hidden_people >= minimum:
            break
        candidates = [
            (count, index)
            for index, (count, is_hidden) in enumerate(zip(people, hidden, strict=True))
            if not is_hidden and count > 0
        ]
        if not candidates:
            break
        hidden[min(candidates)[1]] = True
    return hidden
