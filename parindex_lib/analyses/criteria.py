"""A unit's criterion points, and how they make its total.

A unit's criterion points (:class:`UnitCriteria`) are the points of the leaves of its scheme's criteria tree —
from the criteria table ``parindex standardise`` writes, or given directly — with what the self-assessment
sheet says beside them: the self-assessed and appraised points (the appraised ones decide), the measured value
of a band rule ("65% of the plan done"), the lead office. :func:`roll_up` makes every node's points from its
leaves'. :class:`Totalling` says how those points make the total, as the scheme does: Σ points ÷ Σ maxima per
component, weighted as the index weights its components, bonus and penalty points added to (taken from) the
points, components not scored by criteria (a survey's SIPAS) held at their values. The analyses built on them:
points lost per criterion (:mod:`~parindex_lib.analyses.criteria_lost`), the criterion-level lift
(:mod:`~parindex_lib.analyses.criteria_lift`) and quarterly progress (:mod:`~parindex_lib.analyses.criteria_progress`).
"""
from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from parindex_lib.errors import MethodError, Reason, because, cause_of
from parindex_lib.io import file_version
from parindex_lib.model.components import adjustments, codes
from parindex_lib.model.criteria import CriteriaTree, Criterion, normalise_code
from parindex_lib.model.criteria_scores import empty_criteria, load_criteria_table
from parindex_lib.model.index import PARIndex
from parindex_lib.model.schema import derived
from parindex_lib.model.schemes import load_scheme
from parindex_lib.standardise import CRITERIA_CSV

#: What a leaf's points do to the total: ``score`` (points of a component), ``bonus`` (added), ``penalty``
#: (taken off: lower is better).
LEAF_KINDS = ("score", "bonus", "penalty")


def leaf_kind(criterion: Criterion) -> str:
    """``score``, ``bonus`` or ``penalty``: how a criterion's points count (by its area's component)."""
    return {"BONUS": "bonus", "PENALTY": "penalty"}.get(criterion.component, "score")


# -- a unit's criterion points ----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class UnitCriteria:
    """One unit's criterion points at one point in time, on its scheme's criteria tree.

    ``leaves`` is indexed by leaf code, in the tree's order: ``points`` (the deciding points: appraised when
    given, else self-assessed), ``self_points``, ``appraised_points`` (NaN when not given), ``measured`` (the
    measured value of a band rule, NaN when not given) and ``lead_units`` (the sheet's, else the tree's).
    Build it with :meth:`build` (from points you have) or :meth:`from_table` (from the criteria table).

    Examples
    --------
    >>> from parindex_lib.model.criteria import load_criteria
    >>> tree = load_criteria("illustrative-commune")
    >>> uc = UnitCriteria.build(tree, {c.code: c.max_points for c in tree.leaves()} | {"1.1.1": 0.5})
    >>> float(uc.node_points()["1.1"]), float(uc.node_points()["1"])
    (2.5, 9.5)
    """

    tree: CriteriaTree
    leaves: pd.DataFrame
    unit: str = ""
    level: str = ""
    year: int | None = None
    period: str = "FY"
    scheme: str = ""
    illustrative: bool = False

    @classmethod
    def build(cls, tree: CriteriaTree, points: Mapping[str, float] | pd.Series, *,
              self_points: Mapping[str, float] | pd.Series | None = None,
              appraised_points: Mapping[str, float] | pd.Series | None = None,
              measured: Mapping[str, float] | pd.Series | None = None,
              lead_units: Mapping[str, str] | pd.Series | None = None, **meta: object) -> UnitCriteria:
        """A unit's criterion points from mappings of leaf code → value, checked against the tree.

        Codes are read as offices write them (``1.1.1.``). Every leaf needs its points, each allowed by its rule
        (``steps``/``bands``: one of the levels; ``free``: within 0–maximum); parents are sums, never given.

        Raises
        ------
        MethodError
            Naming every criterion that is unknown, a parent, missing, or given points its rule does not allow.
        """
        if tree.partial:
            missing = ", ".join(c.code for c in tree.unpublished())
            raise MethodError(reason=because("an_partial_criteria",
                                             'the criteria "{criteria}" are a partial set ({missing} not published): '
                                             "a unit's points cannot be totalled on them (expected a complete set of "
                                             "criteria)", criteria=tree.name, missing=missing))
        given = {k: _by_code(v, tree, GIVEN[k]) for k, v in
                 (("points", points), ("self_points", self_points), ("appraised_points", appraised_points),
                  ("measured", measured), ("lead_units", lead_units))}
        problems = [p for values in given.values() for p in values[1]]
        codes_ = [c.code for c in tree.leaves()]
        frame = pd.DataFrame(index=pd.Index(codes_, name="criterion"))
        for key, (values, _) in given.items():
            frame[key] = pd.Series(values, dtype=object if key == "lead_units" else float).reindex(codes_)
        for leaf in tree.leaves():
            value = frame.at[leaf.code, "points"]
            if pd.isna(value):
                problems.append(because("an_criterion_no_points", '{code} "{name}" has no points (expected a value '
                                        "for every criterion)", code=leaf.code, name=leaf.name_vi))
            elif not leaf.rule.allows(float(value), leaf.max_points):
                problems.append(because("an_points_not_allowed", '{code} "{name}" has {points:g} points, which its '
                                        "rule does not give (expected one of {allowed})", code=leaf.code,
                                        name=leaf.name_vi, points=float(value),
                                        allowed=allowed_points(leaf.rule.levels(leaf.max_points), leaf.max_points)))
        if problems:
            raise MethodError(reason=because("an_points_unusable", "the criterion points cannot be used: {problems}",
                                             problems="; ".join(map(str, problems)), left=problems))
        leads = frame["lead_units"].astype(object)
        tree_leads = pd.Series({c.code: c.lead_units for c in tree.leaves()}, dtype=object)
        frame["lead_units"] = leads.where(leads.notna() & (leads != ""), tree_leads.reindex(codes_))
        return cls(tree, frame, **meta)

    @staticmethod
    def points_in(table: pd.DataFrame, unit: str, level: str | None = None) -> list[tuple[int, str]]:
        """The (year, period) points at which ``unit`` is scored by criteria in the criteria table."""
        if table is None or table.empty:
            return []
        keys = derived(table, "criteria_points", lambda f: f.groupby(["unit", "year", "period"], sort=False).indices)
        points = {(int(y), p) for (u, y, p) in keys if u == unit}
        if level:
            points = {(y, p) for y, p in points
                      if (table.iloc[keys[(unit, y, p)]]["level"] == level).any()}
        return sorted(points)

    @classmethod
    def from_table(cls, table: pd.DataFrame, unit: str, year: int, period: str = "FY", level: str | None = None,
                   tree: CriteriaTree | None = None) -> UnitCriteria | None:
        """One unit's criterion points from the criteria table (``data/processed/criteria.csv``): its leaf rows
        at (``year``, ``period``); ``None`` when the unit is not scored by criteria there.

        The tree is the one of the scheme the rows name (``scheme``), unless ``tree`` is given.

        Raises
        ------
        MethodError
            If the rows name several schemes, or a scheme without criteria.
        """
        if table is None or table.empty:
            return None
        positions = derived(table, "criteria_points",
                            lambda f: f.groupby(["unit", "year", "period"], sort=False).indices)
        rows = table.iloc[positions.get((unit, int(year), period), [])]
        if level:
            rows = rows[rows["level"] == level]
        if rows.empty:
            return None
        schemes = sorted(rows["scheme"].unique())
        if tree is None:
            if len(schemes) != 1:
                raise MethodError(reason=because("an_criteria_several_schemes",
                                                 'the criteria of "{unit}" {year} {period} name {n} schemes '
                                                 "({schemes}; expected one)", unit=unit, year=year, period=period,
                                                 point=(int(year), period), n=len(schemes),
                                                 schemes=", ".join(schemes)))
            tree = _tree_of_scheme(schemes[0])
        leaves = rows[rows["leaf"].astype(bool)].set_index("criterion")

        def column(name: str) -> pd.Series | None:
            return leaves[name] if name in leaves.columns else None

        return cls.build(tree, leaves["points"], self_points=column("self_points"),
                         appraised_points=column("appraised_points"), measured=column("measured"),
                         lead_units=column("lead_units"), unit=unit, level=str(rows["level"].iloc[0]),
                         year=int(year), period=period, scheme=schemes[0],
                         illustrative=bool(rows["illustrative"].astype(bool).any()) or tree.illustrative)

    # -- derived points
    @property
    def points(self) -> pd.Series:
        """The deciding points of every leaf."""
        return self.leaves["points"].astype(float)

    def with_points(self, changes: Mapping[str, float]) -> UnitCriteria:
        """A copy with some leaves' points changed (a scenario; self-assessed and appraised points dropped)."""
        leaves = self.leaves.copy()
        for code, value in changes.items():
            leaves.at[code, "points"] = float(value)
        leaves[["self_points", "appraised_points"]] = np.nan
        return UnitCriteria(self.tree, leaves, self.unit, self.level, self.year, self.period, self.scheme,
                            self.illustrative)

    def node_points(self, points: Mapping[str, float] | None = None) -> pd.Series:
        """Every node's points (leaves as scored, a parent the sum of its children's, capped at its maximum
        when the tree says the points are capped), in the tree's order; ``points`` replaces the leaves'."""
        return pd.Series(roll_up(self.tree, dict(self.points) if points is None else points))

    def label(self) -> str:
        """``2024`` for a final result, ``2024 Q2`` for an interim one."""
        return str(self.year) if self.period == "FY" else f"{self.year} {self.period}"


def allowed_points(levels: list[float] | None, maximum: float) -> Reason:
    """The points a rule gives, in a cause: its levels (``0, 0.5, 1``; ``0; 0,5; 1`` in Vietnamese), or the range
    0–maximum for a rule scored freely."""
    if levels is None:
        return because("an_points_range", "0–{maximum:g}", maximum=float(maximum))
    return because("an_points_levels", "{levels}", levels=", ".join(f"{v:g}" for v in levels),
                   levels_comma="; ".join(f"{v:g}".replace(".", ",") for v in levels))


#: What each column of a unit's criterion points is, in a cause.
GIVEN = {"points": because("an_what_points", "points"),
         "self_points": because("an_what_self_points", "self-assessed points"),
         "appraised_points": because("an_what_appraised_points", "appraised points"),
         "measured": because("an_what_measured", "measured"),
         "lead_units": because("an_what_lead_office", "lead office")}


def _by_code(values: Mapping | pd.Series | None, tree: CriteriaTree, what: Reason) -> tuple[dict, list[Reason]]:
    """Values keyed by canonical leaf code, and what is wrong with their codes."""
    if values is None:
        return {}, []
    items = values.items() if isinstance(values, Mapping | pd.Series) else values
    out: dict[str, object] = {}
    problems: list[Reason] = []
    for raw, value in items:
        if isinstance(raw, str) and raw in tree:
            code = raw  # already a code of the tree (the criteria table's): no need to read it again
        else:
            try:
                code = normalise_code(raw)
            except ValueError as exc:
                problems.append(because("an_code_unreadable", '"{code}" {why}', code=raw, why=cause_of(exc)))
                continue
        if code not in tree:
            problems.append(because("an_not_a_criterion", '{what} given for "{code}", which is not a criterion of '
                                    '"{criteria}"', what=what, code=raw, criteria=tree.name))
        elif not tree.is_leaf(code):
            if value is not None and not (isinstance(value, float) and np.isnan(value)) and what == GIVEN["points"]:
                problems.append(because("an_points_of_parent", '{what} given for "{code}", which has sub-criteria '
                                        "(expected the points of its sub-criteria; a parent's points are their sum)",
                                        what=what, code=code))
        else:
            out[code] = value
    return out, problems


def _tree_of_scheme(name: str) -> CriteriaTree:
    tree = load_scheme(name).criteria
    if tree is None:
        raise MethodError(reason=because("an_scheme_without_criteria",
                                         'scheme "{scheme}" carries no criteria (expected a scheme with criteria:)',
                                         scheme=name))
    return tree


def roll_up(tree: CriteriaTree, leaf_points: Mapping[str, float]) -> dict[str, float]:
    """Every node's points from its leaves': a parent's are the sum of its children's, capped at its maximum
    where the tree says the points are capped.

    Examples
    --------
    >>> from parindex_lib.model.criteria import load_criteria
    >>> tree = load_criteria("illustrative-commune")
    >>> full = {c.code: c.max_points for c in tree.leaves()}
    >>> roll_up(tree, full)["3"], roll_up(tree, full | {"3.2.1": 2})["3"]
    (14.0, 12.0)
    """
    leaves, parents, order = _bottom_up(tree)
    out = {code: float(leaf_points[code]) for code in leaves}
    for code, kids, cap in parents:
        total = sum(out[k] for k in kids)
        out[code] = total if cap is None else min(total, cap)
    return {code: out[code] for code in order if code in out}


_PLANS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _bottom_up(tree: CriteriaTree) -> tuple[list[str], list[tuple[str, list[str], float | None]], list[str]]:
    """A tree's roll-up order, worked out once per tree: its leaves, its parents deepest first (with their
    children and cap), and every node in the tree's order."""
    plan = _PLANS.get(tree)
    if plan is None:
        leaves = [c.code for c in tree.leaves()]
        parents = [(c.code, [k.code for k in tree.children(c.code)], c.max_points if c.capped else None)
                   for c in sorted(tree, key=lambda c: -c.depth) if c.rule is None and tree.children(c.code)]
        plan = _PLANS[tree] = (leaves, parents, tree.codes)
    return plan


# -- how criterion points make the total ------------------------------------------------------------------


@dataclass(frozen=True)
class Totalling:
    """How a unit's criterion points make its total, as its scheme does.

    The total is Σ wᵢ·pctᵢ over the scheme's components + (bonus − penalty) ÷ ``scale`` × 100, within 0–100:
    a component scored by criteria has pctᵢ = 100 × Σ its areas' points ÷ Σ their maxima; a component not
    scored by criteria (``held``, e.g. SIPAS from a survey) keeps its value; bonus or penalty points not scored
    by criteria keep theirs (``fixed_adjustment``, in percentage points).
    """

    weights: Mapping[str, float]
    maxima: Mapping[str, float]
    held: Mapping[str, float] = field(default_factory=dict)
    scale: float = 100.0
    fixed_adjustment: float = 0.0
    scheme: str = ""

    @classmethod
    def of(cls, tree: CriteriaTree, index: PARIndex | None = None) -> Totalling:
        """The totalling of ``index``'s scheme (its weights, its other components held), or of the tree alone
        (Σ points ÷ Σ maxima over the tree's areas) without an index.

        Raises
        ------
        MethodError
            When the index cannot total, or the tree scores a component the index's scheme does not total.
        """
        maxima = tree.maxima()
        if index is None:
            scale = tree.maximum
            return cls({c: m / scale for c, m in maxima.items()}, maxima, {}, scale, 0.0, tree.name)
        if not index.can_total:
            raise MethodError(reason=because("an_criteria_need_components",
                                             '"{unit}" {label}: the criteria need the components of the total and '
                                             "a scheme that totals them ({why})", unit=index.unit, label=index.label,
                                             point=(index.year, index.period), why=index.no_totals_reason))
        outside = [c for c in maxima if c not in index.components]
        if outside:
            raise MethodError(reason=because("an_criteria_outside_scheme",
                                             'the criteria "{criteria}" score {outside}, which scheme "{scheme}" does '
                                             "not total (its components: {own})", criteria=tree.name,
                                             outside=", ".join(outside), scheme=index.scheme.name,
                                             own=", ".join(index.components), components=outside))
        held = {c: float(index.values[c]) for c in index.components if c not in maxima}
        scale = float(index.scheme.maximum or tree.maximum)
        scored_adjustments = {a.component for a in tree.areas if a.component in adjustments()}
        fixed = {c: v for c, v in index.adjust_points.items() if c not in scored_adjustments}
        fixed_pct = 100.0 * sum(v if c == "BONUS" else -v for c, v in fixed.items()) / scale
        return cls(dict(index.weights), maxima, held, scale, fixed_pct, index.scheme.name)

    def coefficient(self, component: str) -> float:
        """Percentage points of the total one point of ``component``'s criteria is worth (negative for penalty)."""
        if component == "BONUS":
            return 100.0 / self.scale
        if component == "PENALTY":
            return -100.0 / self.scale
        return 100.0 * self.weights[component] / self.maxima[component]

    def component_points(self, tree: CriteriaTree, nodes: Mapping[str, float]) -> pd.DataFrame:
        """Per component scored by criteria (bonus and penalty too): ``points``, ``max_points``, ``value_pct``."""
        sums: dict[str, list[float]] = {}
        for area in tree.areas:
            entry = sums.setdefault(area.component, [0.0, 0.0])
            entry[0] += nodes[area.code]
            entry[1] += area.max_points
        order = [c for c in codes() + adjustments() if c in sums]
        frame = pd.DataFrame({"points": [sums[c][0] for c in order], "max_points": [sums[c][1] for c in order]},
                             index=pd.Index(order, name="component"))
        frame["value_pct"] = 100.0 * frame["points"] / frame["max_points"]
        return frame

    def total(self, tree: CriteriaTree, nodes: Mapping[str, float]) -> float:
        """The total (in %) of the criterion points ``nodes`` (every node's, as :func:`roll_up` gives them)."""
        value = self.fixed_adjustment + sum(self.weights[c] * v for c, v in self.held.items())
        for area in tree.areas:
            value += self.coefficient(area.component) * nodes[area.code]
        return float(min(100.0, max(0.0, value)))


# -- the criteria table beside the scores ---------------------------------------------------------------------

_TABLES: dict[tuple, pd.DataFrame] = {}


def criteria_table(path: str | Path) -> pd.DataFrame:
    """The criteria table (``data/processed/criteria.csv``), read and validated once per file version (pages and
    workbook rows of a run share it); an empty table when the file does not exist (no unit is scored by criteria).

    Raises
    ------
    InputError
        If the file no longer matches the criteria table's contract.
    """
    key = file_version(Path(path))
    if key is None:
        return empty_criteria()
    if key not in _TABLES:
        if len(_TABLES) >= 2:  # a run reads one file; a kernel may serve two folders (a comparison), no more
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[key] = load_criteria_table(path)
    return _TABLES[key]


def criteria_beside(scores_path: str | Path) -> Path:
    """Where the criteria table of a scores table is: ``criteria.csv`` in the same folder."""
    return Path(scores_path).parent / CRITERIA_CSV


def preload_table(path: str | Path) -> None:
    """Read a run's criteria table and index it by unit and period once (a kernel's start-up, not a page's)."""
    UnitCriteria.points_in(criteria_table(path), "")
