"""A criterion and the tree of criteria of a scheme, with the relations between them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from parindex_lib.model.components import adjustments, codes
from parindex_lib.model.criteria.rules import NextStep, Rule


@dataclass(frozen=True)
class Criterion:
    """One node of a criteria tree: an area (no parent), a criterion or a sub-criterion.

    ``component`` is the component code the node's area maps to (inherited); ``lead_units`` the lead office
    (inherited when not given); ``rule`` is set on leaves only. ``incomplete`` (why the children's maxima add
    up to less than this maximum) and ``capped`` (why they add up to more, the points being capped at the
    maximum) record what the file says when a parent's maximum is not the sum of its children's.
    """

    code: str
    name_vi: str
    max_points: float
    parent: str | None = None
    name_en: str = ""
    rule: Rule | None = None
    component: str = ""
    lead_units: str | None = None
    incomplete: str | None = None
    capped: str | None = None
    depth: int = 0
    note: str = ""
    row: int | None = None

    @property
    def is_area(self) -> bool:
        return self.parent is None

    def name(self, lang: str = "vi") -> str:
        """The criterion's name in ``lang`` (Vietnamese when no English name is given)."""
        return (self.name_en or self.name_vi) if lang == "en" else self.name_vi


@dataclass(frozen=True, eq=False)
class CriteriaTree:
    """A scheme's criteria in the order the file gives them, with the relations between them.

    Build it with :func:`load_criteria` (or :func:`tree_from_spec`, or
    :func:`~parindex_lib.readers.criteria_tree.tree_from_rows`), which validate.

    Examples
    --------
    >>> from parindex_lib.model.criteria import load_criteria
    >>> tree = load_criteria("ca-mau-1880-2013")
    >>> tree.partial, [c.code for c in tree.children("1.1")], tree.leaves("1.1")[-1].rule.kind
    (True, ['1.1.1', '1.1.2', '1.1.3', '1.1.4'], 'bands')
    >>> [c.code for c in tree.path("1.2.1")], tree.levels("1.1.1")
    (['1', '1.2', '1.2.1'], (0.0, 0.5, 1.0))
    """

    name: str
    criteria: tuple[Criterion, ...]
    title_vi: str = ""
    title_en: str = ""
    source: str = ""
    level: str = ""
    partial: bool = False
    illustrative: bool = False
    file: str = ""
    _by_code: dict = field(default_factory=dict, repr=False)
    _children: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        by_code = {c.code: c for c in self.criteria}
        children: dict[str | None, list[Criterion]] = {}
        for c in self.criteria:
            children.setdefault(c.parent, []).append(c)
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    # -- lookup
    def __getitem__(self, code: str) -> Criterion:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f'criterion "{code}" is not in the criteria "{self.name}"') from None

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Criterion]:
        return iter(self.criteria)

    def __len__(self) -> int:
        return len(self.criteria)

    @property
    def codes(self) -> list[str]:
        """Every code, in the file's order."""
        return [c.code for c in self.criteria]

    def children(self, code: str | None = None) -> tuple[Criterion, ...]:
        """The children of ``code`` (the areas when ``None``), in order."""
        return self._children.get(code, ())

    def is_leaf(self, code: str) -> bool:
        return not self._children.get(code)

    @property
    def areas(self) -> tuple[Criterion, ...]:
        """The areas (criteria without parent)."""
        return self.children(None)

    def leaves(self, under: str | None = None) -> tuple[Criterion, ...]:
        """The leaves (criteria scored by a rule), all of them or those under ``under``, in order.

        A partial tree's criterion whose sub-criteria were not published has neither children nor rule: it is
        not a leaf (see :meth:`unpublished`).
        """
        if under is None:
            return tuple(c for c in self.criteria if c.rule is not None)
        found: list[Criterion] = []
        stack = [self[under]]
        while stack:
            node = stack.pop()
            kids = self.children(node.code)
            if node.rule is not None:
                found.append(node)
            stack.extend(reversed(kids))
        return tuple(found)

    def unpublished(self) -> tuple[Criterion, ...]:
        """Criteria of a partial tree whose sub-criteria are not known (no children, no rule, ``incomplete``)."""
        return tuple(c for c in self.criteria if c.rule is None and self.is_leaf(c.code))

    def path(self, code: str) -> tuple[Criterion, ...]:
        """The nodes from the area down to ``code``."""
        out = [self[code]]
        while out[-1].parent is not None:
            out.append(self[out[-1].parent])
        return tuple(reversed(out))

    def area_of(self, code: str) -> Criterion:
        return self.path(code)[0]

    # -- methodology
    def maxima(self, include_adjustments: bool = False) -> dict[str, float]:
        """Σ of the areas' maxima per component code, in catalogue order (bonus and penalty areas, whose
        maxima are caps, only when asked)."""
        sums: dict[str, float] = {}
        for area in self.areas:
            sums[area.component] = sums.get(area.component, 0.0) + area.max_points
        order = codes() + (adjustments() if include_adjustments else [])
        return {c: sums[c] for c in order if c in sums}

    @property
    def maximum(self) -> float:
        """Σ of the areas' maxima, bonus and penalty left out (the total's scale)."""
        return float(sum(self.maxima().values()))

    def levels(self, code: str) -> tuple[float, ...] | None:
        """The allowed point values of a leaf, ascending (``None``: any value in 0–maximum)."""
        node = self[code]
        if node.rule is None:
            raise KeyError(f'criterion "{code}" is not scored itself (it has sub-criteria)')
        return node.rule.levels(node.max_points)

    def next_step(self, code: str, points: float, measured: float | None = None) -> NextStep | None:
        """The next allowed value of a leaf above ``points``; see :meth:`Rule.next_step`."""
        node = self[code]
        if node.rule is None:
            raise KeyError(f'criterion "{code}" is not scored itself (it has sub-criteria)')
        return node.rule.next_step(points, node.max_points, measured)

    def leaf_ancestors(self) -> pd.DataFrame:
        """One row per (leaf, node on its path): ``leaf, node, depth`` — the roll-up's aggregation table."""
        rows = [(leaf.code, node.code, node.depth) for leaf in self.leaves() for node in self.path(leaf.code)]
        return pd.DataFrame(rows, columns=["leaf", "node", "depth"])

    def to_frame(self, lang: str = "vi") -> pd.DataFrame:
        """The tree as a table: code, parent, depth, name, maximum, rule, allowed levels, component, lead office."""
        rows = []
        for c in self.criteria:
            levels = c.rule.levels(c.max_points) if c.rule else None
            rows.append({"code": c.code, "parent": c.parent, "depth": c.depth, "name": c.name(lang),
                         "max_points": c.max_points, "rule": c.rule.kind if c.rule else "",
                         "levels": "" if levels is None else "; ".join(f"{v:g}" for v in levels),
                         "component": c.component, "lead_units": c.lead_units})
        return pd.DataFrame(rows)

    def title(self, lang: str = "vi") -> str:
        return (self.title_en or self.title_vi) if lang == "en" else self.title_vi
