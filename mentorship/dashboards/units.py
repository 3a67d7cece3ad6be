"""How a breakdown by org unit rolls people up: to the children of the chosen unit, or to the
departments when no unit is chosen. Labels come from the one org tree, so a unit reads the same
in the filter, the table, the chart and the CSV."""

from mentorship.participants.orgtree import OrgTree


def rollup_unit(tree: OrgTree, pk: int | None, focus: int | None) -> int | None:
    """The unit a person's unit rolls up to: a child of the focus unit (the focus itself for
    its direct members), or a department (a child of the top unit) without a focus."""
    if pk is None or pk not in tree.names:
        return None
    path = tree.path_ids(pk)  # root first
    if focus is not None:
        if focus not in path:
            return None
        index = path.index(focus)
        return path[index + 1] if index + 1 < len(path) else focus
    return path[1] if len(path) > 1 else path[0]


def unit_row_label(tree: OrgTree, pk: int | None, focus: int | None) -> str:
    """How a breakdown by org unit names the row of `pk` (a `rollup_unit`)."""
    return "No unit" if pk is None else tree.label(pk) + (" (direct)" if pk == focus else "")
