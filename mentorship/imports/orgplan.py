"""The org-tree side of an import: where each department path lands, and what the file changes.

Paths are read below the organisation root (`OrgTree.below_root`): "Acme / Engineering" and
"Engineering" are the same unit when the root is "Acme". Names match ignoring case. Before
anything is written the plan says, as a small tree diff, which units the file creates (a new
unit directly below the root is flagged: HR confirms it, since it is usually a typo or a path
written from the wrong level), which it renames, which it empties, and who moves between units.

A rename is read from the file when an existing unit without sub-units would be emptied and
every one of its people goes to one new unit beside it ("Data" -> "Data & Analytics"): the unit
keeps its id, so programs limited to it stay limited to it.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mentorship.participants.models import OrgUnit
from mentorship.participants.orgtree import OrgTree, fold, head_counts
from mentorship.participants.services import DEFAULT_ROOT_NAME

Key = tuple[str, ...]  # folded unit names below the root; () is the root itself
MAX_LISTED_MOVES = 200  # people moving, listed in the preview; the count is always whole


@dataclass(frozen=True)
class Move:
    email: str
    name: str
    from_unit: int | None
    to: tuple[str, ...] | None  # a path as the file writes it; None: no department


@dataclass
class TreePlan:
    root_created: str = ""
    created: list[Key] = field(default_factory=list)
    renames: list[tuple[int, str]] = field(default_factory=list)  # (unit, new name)
    emptied: list[int] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)

    @property
    def new_top_level(self) -> list[Key]:
        """New units directly below an existing root (with a new root, the file defines the tree)."""
        return [] if self.root_created else [key for key in self.created if len(key) == 1]


class ImportTree:
    """The org tree in memory (one query), creating what a file asks for below the root."""

    def __init__(self) -> None:
        self.tree = OrgTree.load()
        self.root_name = self.tree.root_name or DEFAULT_ROOT_NAME
        self.spelling: dict[Key, str] = {}  # a new unit's name as the file first wrote it
        self.ids: dict[Key, int] = {}
        self.people_in: dict[int, int] = {}
        for pk in self.tree.names:
            self.ids[self.current(pk) or ()] = pk

    def name_root_from(self, paths: Sequence[Sequence[str] | None]) -> None:
        """With no root yet, a file whose every path starts with one name ("Acme / ...") names it."""
        if () in self.ids:
            return
        firsts = {fold(path[0]): path[0].strip() for path in paths if path}
        if len(firsts) == 1 and any(len(path) > 1 for path in paths if path):
            self.root_name = next(iter(firsts.values()))

    def below_root(self, path: Sequence[str]) -> tuple[str, ...]:
        parts = tuple(part.strip() for part in path if part.strip())
        return parts[1:] if parts and fold(parts[0]) == fold(self.root_name) else parts

    def key(self, path: Sequence[str] | None) -> Key | None:
        """Where a file's department lands; None for an empty cell ("no department")."""
        if not path:
            return None
        return tuple(fold(name) for name in self.below_root(path))

    def current(self, pk: int | None) -> Key | None:
        if pk is None:
            return None
        return tuple(fold(name) for name in self.tree.path_names(pk)[1:])

    def label(self, key: Key) -> str:
        names = []
        for depth in range(1, len(key) + 1):
            prefix = key[:depth]
            pk = self.ids.get(prefix)
            names.append(self.tree.names[pk] if pk is not None else self.spelling.get(prefix, prefix[-1]))
        return " / ".join(names) if names else self.root_name

    def unit_label(self, pk: int | None) -> str:
        return "—" if pk is None else self.label(self.current(pk) or ())

    def learn_spelling(self, path: Sequence[str]) -> None:
        names = self.below_root(path)
        for depth in range(1, len(names) + 1):
            self.spelling.setdefault(tuple(fold(n) for n in names[:depth]), names[depth - 1])

    # Writing ---------------------------------------------------------------------------------------

    def ensure(self, path: Sequence[str] | None) -> int | None:
        """The unit for a file's department, created (with the root) when missing."""
        key = self.key(path)
        if key is None:
            return None
        if () not in self.ids:
            self.ids[()] = OrgUnit.objects.create(parent=None, name=self.root_name).pk
        names = self.below_root(path or ())
        for depth in range(1, len(key) + 1):
            if key[:depth] not in self.ids:
                parent = self.ids[key[: depth - 1]]
                self.ids[key[:depth]] = OrgUnit.objects.create(parent_id=parent, name=names[depth - 1]).pk
        return self.ids[key]

    def rename(self, pk: int, name: str) -> None:
        old = self.current(pk) or ()
        OrgUnit.objects.filter(pk=pk).update(name=name)
        self.tree.set_name(pk, name)
        new = (*old[:-1], fold(name))
        for key in [k for k in self.ids if k[: len(old)] == old]:
            self.ids[new + key[len(old) :]] = self.ids.pop(key)

    # Planning --------------------------------------------------------------------------------------

    def plan(self, *, moves: Sequence[Move], arrivals: Sequence[Sequence[str]], leaving: Sequence[int]) -> TreePlan:
        """The tree diff of a file: `moves` of people already in the app, `arrivals` (departments
        of new people), `leaving` (units of people a full list deactivates)."""
        plan = TreePlan(root_created="" if () in self.ids else self.root_name)
        wanted: list[Sequence[str]] = [m.to for m in moves if m.to] + [path for path in arrivals if path]
        for path in wanted:
            self.learn_spelling(path)
        created: list[Key] = []
        for path in wanted:
            key = self.key(path) or ()
            for depth in range(1, len(key) + 1):
                if key[:depth] not in self.ids and key[:depth] not in created:
                    created.append(key[:depth])
        before = self.people_in = head_counts()
        out: Counter[int] = Counter(leaving)
        into: Counter[int] = Counter()
        destinations: dict[int, set[Key | None]] = defaultdict(set)
        origins: dict[Key, set[int | None]] = defaultdict(set)  # who moves into each new unit
        for move in moves:
            target = self.key(move.to)
            if move.from_unit is not None:
                out[move.from_unit] += 1
                destinations[move.from_unit].add(target)
            if target is not None and target in self.ids:
                into[self.ids[target]] += 1
        emptied = [pk for pk, count in before.items() if count and count - out[pk] + into[pk] <= 0]
        for move in moves:
            target = self.key(move.to)
            if target is not None and target not in self.ids:
                origins[target].add(move.from_unit)
        for pk in sorted(emptied):
            (target,) = destinations[pk] if len(destinations[pk]) == 1 else (None,)
            current = self.current(pk)
            if (
                target is None
                or not current
                or target not in created  # also once taken by an earlier rename
                or target[:-1] != current[:-1]  # a rename stays beside its old name
                or self.tree.children.get(pk)
                or origins[target] != {pk}  # people from elsewhere too: a merge, not a rename
            ):
                continue
            plan.renames.append((pk, self.spelling.get(target, target[-1])))
            created.remove(target)
        renamed = {pk for pk, _ in plan.renames}
        plan.created = created
        plan.emptied = [pk for pk in emptied if pk not in renamed]
        plan.moves = [m for m in moves if m.from_unit not in renamed]
        return plan

    def describe(self, plan: TreePlan) -> dict[str, Any]:
        """The plan as the preview shows it (labels, not ids), plus what the run applies."""

        def renamed(pk: int, name: str) -> str:
            parent = (self.current(pk) or ())[:-1]
            return f"{self.label(parent)} / {name}" if parent else name

        return {
            "root_created": plan.root_created,
            "created": sorted(self.label(key) for key in plan.created),
            "new_top_level": [self.label(key) for key in plan.new_top_level],
            "renamed": [
                {"from": self.unit_label(pk), "to": renamed(pk, name), "people": self.people_in.get(pk, 0)}
                for pk, name in plan.renames
            ],
            "emptied": sorted(self.unit_label(pk) for pk in plan.emptied),
            "moves": [
                {
                    "email": m.email,
                    "name": m.name,
                    "from": self.unit_label(m.from_unit),
                    "to": self.label(self.key(m.to) or ()) if m.to else "—",
                }
                for m in plan.moves[:MAX_LISTED_MOVES]
            ],
            "moves_count": len(plan.moves),
        }
