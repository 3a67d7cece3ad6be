"""The org tree in memory: one organisation root, units below it, levels counted from the root.

The tree is loaded in one query and answered in Python: paths, depths, sub-trees, and the unit
that counts as someone's "department" at a given level. Level 0 is the organisation root, level 1
the units directly below it (divisions, say), level 2 the units below those, and so on.

Paths written by people (an HR file's "Engineering / Platform", a form) are read *below* the
root: a path may repeat the root's name or leave it out, and both land on the same unit.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Self

DEFAULT_DEPARTMENT_LEVEL = 1  # the first level below the root
MAX_DEPTH = 50  # deeper than any real org chart; also stops a walk on corrupt data


def fold(name: str) -> str:
    """Names are matched ignoring case and surrounding spaces."""
    return " ".join(name.split()).casefold()


class OrgTree:
    def __init__(self, rows: Iterable[tuple[int, str, int | None]]) -> None:
        self.names: dict[int, str] = {}
        self.parents: dict[int, int | None] = {}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for pk, name, parent in sorted(rows):
            self.names[pk] = name
            self.parents[pk] = parent
            self.children[parent].append(pk)
        self._paths: dict[int, tuple[int, ...]] = {}

    @classmethod
    def load(cls) -> Self:
        from mentorship.participants.models import OrgUnit

        return cls(OrgUnit.objects.values_list("id", "name", "parent_id"))

    @property
    def root_id(self) -> int | None:
        """The organisation root (the database allows one; the lowest id if data says otherwise)."""
        roots = self.children.get(None, [])
        return roots[0] if roots else None

    @property
    def root_name(self) -> str:
        return self.names[self.root_id] if self.root_id is not None else ""

    def path_ids(self, pk: int) -> tuple[int, ...]:
        """Unit ids from the top of the tree down to `pk` (the root first, `pk` last)."""
        if pk not in self._paths:
            chain: list[int] = []
            current: int | None = pk
            while current is not None and current not in chain and len(chain) < MAX_DEPTH:
                if current in self._paths:
                    self._paths[pk] = self._paths[current] + tuple(reversed(chain))
                    return self._paths[pk]
                chain.append(current)
                current = self.parents.get(current)
            self._paths[pk] = tuple(reversed(chain))
        return self._paths[pk]

    def set_name(self, pk: int, name: str) -> None:
        """Follow a rename written to the database, so paths read the new name."""
        self.names[pk] = name
        self._paths.clear()

    def path_names(self, pk: int) -> tuple[str, ...]:
        return tuple(self.names[node] for node in self.path_ids(pk))

    def label(self, pk: int, *, with_root: bool = False) -> str:
        """ "Engineering / Platform": the path below the root (the root itself by its name)."""
        names = self.path_names(pk)
        shown = names if with_root or len(names) == 1 else names[1:]
        return " / ".join(shown)

    def department(self, pk: int, level: int = DEFAULT_DEPARTMENT_LEVEL) -> int:
        """The unit at `level` above or at `pk`: a person's department for matching rules.

        A unit shallower than the level is its own department; people at the root share the root.
        """
        path = self.path_ids(pk)
        return path[min(max(level, 0), len(path) - 1)]

    def department_path(self, pk: int, level: int = DEFAULT_DEPARTMENT_LEVEL) -> tuple[int, ...]:
        """The units from just below the root down to the department: what two people's
        departments share, for the cross-department factor. Empty at the root."""
        return self.path_ids(pk)[1 : max(level, 0) + 1]

    def subtree(self, pk: int) -> list[int]:
        """`pk` and every unit below it, parents before children."""
        found: list[int] = []
        seen: set[int] = set()
        stack = [pk]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            found.append(node)
            stack.extend(reversed(self.children.get(node, [])))
        return found

    def descendants(self, pk: int) -> frozenset[int]:
        """`pk` and every unit below it."""
        return frozenset(self.subtree(pk))

    def ancestors(self, pk: int | None) -> list[int]:
        """`pk` and the units above it, nearest first (none for an unknown unit)."""
        return list(reversed(self.path_ids(pk))) if pk is not None and pk in self.names else []

    def choices(self, *, with_root: bool = False) -> list[tuple[int, str]]:
        """(unit, label) for every unit, by label: what a filter or a form offers."""
        labelled = ((pk, self.label(pk, with_root=with_root)) for pk in self.names)
        return sorted(labelled, key=lambda item: item[1].lower())

    def walk(self) -> list[tuple[int, int]]:
        """(unit, depth) for every unit, depth first, children by name: the order of the tree page."""
        order: list[tuple[int, int]] = []
        for root in self.children.get(None, []):
            stack = [(root, 0)]
            while stack:
                node, depth = stack.pop()
                order.append((node, depth))
                kids = sorted(self.children.get(node, []), key=lambda k: fold(self.names[k]), reverse=True)
                stack.extend((kid, depth + 1) for kid in kids)
        return order

    def find(self, path: Sequence[str]) -> int | None:
        """The unit at `path` read below the root (see `below_root`), or None."""
        node = self.root_id
        for name in self.below_root(path):
            node = self.child_named(node, name)
            if node is None:
                return None
        return node

    def child_named(self, parent: int | None, name: str) -> int | None:
        wanted = fold(name)
        return next((kid for kid in self.children.get(parent, []) if fold(self.names[kid]) == wanted), None)

    def below_root(self, path: Sequence[str]) -> tuple[str, ...]:
        """The path with the root's name dropped when it leads: "Acme / Sales" and "Sales" agree."""
        parts = tuple(part.strip() for part in path if part.strip())
        if parts and self.root_id is not None and fold(parts[0]) == fold(self.root_name):
            return parts[1:]
        return parts


def head_counts() -> dict[int, int]:
    """Active people directly in each unit (units with nobody are left out), from one query."""
    from django.db.models import Count

    from mentorship.participants.models import Participant

    rows = (
        Participant.objects.filter(org_unit__isnull=False, user__is_active=True)
        .order_by()
        .values_list("org_unit_id")
        .annotate(n=Count("id"))
    )
    return {pk: n for pk, n in rows}
