"""Criteria analyses: where, criterion by criterion, a unit lost its points, and what the next step up takes.

A unit's criterion points (:class:`UnitCriteria`) are the points of the leaves of its scheme's criteria tree —
from the criteria table ``parindex standardise`` writes, or given directly — with what the self-assessment
sheet says beside them: the self-assessed and appraised points (the appraised ones decide), the measured value
of a band rule ("65% of the plan done"), the lead office. :class:`Totalling` says how those points make the
total, as the scheme does: Σ points ÷ Σ maxima per component, weighted as the index weights its components,
bonus and penalty points added to (taken from) the points, components not scored by criteria (a survey's SIPAS)
held at their values. :func:`points_lost` ranks the criteria below their maxima, grouped by area with area and
component totals, with each one's next step up and what it takes, and the points the appraisal took off.

Every figure is in points of the criterion and in percentage points of the total (``*_total``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from parindex_lib.errors import MethodError
from parindex_lib.model.components import adjustments, codes
from parindex_lib.model.criteria import EPS, CriteriaTree, Criterion, NextStep, Reach, normalise_code
from parindex_lib.model.index import PARIndex
from parindex_lib.model.schemes import load_scheme

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
            raise MethodError(f'the criteria "{tree.name}" are a partial set ({missing} not published): a unit\'s '
                              "points cannot be totalled on them (expected a complete set of criteria)")
        given = {k: _by_code(v, tree, name) for k, v, name in
                 (("points", points, "points"), ("self_points", self_points, "self-assessed points"),
                  ("appraised_points", appraised_points, "appraised points"), ("measured", measured, "measured"),
                  ("lead_units", lead_units, "lead office"))}
        problems = [p for values in given.values() for p in values[1]]
        codes_ = [c.code for c in tree.leaves()]
        frame = pd.DataFrame(index=pd.Index(codes_, name="criterion"))
        for key, (values, _) in given.items():
            frame[key] = pd.Series(values, dtype=object if key == "lead_units" else float).reindex(codes_)
        for leaf in tree.leaves():
            value = frame.at[leaf.code, "points"]
            if pd.isna(value):
                problems.append(f'{leaf.code} "{leaf.name_vi}" has no points (expected a value for every criterion)')
            elif not leaf.rule.allows(float(value), leaf.max_points):
                levels = leaf.rule.levels(leaf.max_points)
                allowed = f"0–{leaf.max_points:g}" if levels is None else ", ".join(f"{v:g}" for v in levels)
                problems.append(f'{leaf.code} "{leaf.name_vi}" has {float(value):g} points, which its rule does not '
                                f"give (expected one of {allowed})")
        if problems:
            raise MethodError("the criterion points cannot be used: " + "; ".join(problems))
        leads = frame["lead_units"].astype(object)
        tree_leads = pd.Series({c.code: c.lead_units for c in tree.leaves()}, dtype=object)
        frame["lead_units"] = leads.where(leads.notna() & (leads != ""), tree_leads.reindex(codes_))
        return cls(tree, frame, **meta)

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
        rows = table[(table["unit"] == unit) & (table["year"] == year) & (table["period"] == period)]
        if level:
            rows = rows[rows["level"] == level]
        if rows.empty:
            return None
        schemes = sorted(rows["scheme"].unique())
        if tree is None:
            if len(schemes) != 1:
                raise MethodError(f'the criteria of "{unit}" {year} {period} name {len(schemes)} schemes '
                                  f"({', '.join(schemes)}; expected one)")
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


def _by_code(values: Mapping | pd.Series | None, tree: CriteriaTree, what: str) -> tuple[dict, list[str]]:
    """Values keyed by canonical leaf code, and what is wrong with their codes."""
    if values is None:
        return {}, []
    items = values.items() if isinstance(values, Mapping | pd.Series) else values
    out: dict[str, object] = {}
    problems: list[str] = []
    for raw, value in items:
        try:
            code = normalise_code(raw)
        except ValueError as exc:
            problems.append(f'"{raw}" {exc}')
            continue
        if code not in tree:
            problems.append(f'{what} given for "{raw}", which is not a criterion of "{tree.name}"')
        elif not tree.is_leaf(code):
            if value is not None and not (isinstance(value, float) and np.isnan(value)) and what == "points":
                problems.append(f'{what} given for "{code}", which has sub-criteria (expected the points of its '
                                "sub-criteria; a parent's points are their sum)")
        else:
            out[code] = value
    return out, problems


def _tree_of_scheme(name: str) -> CriteriaTree:
    tree = load_scheme(name).criteria
    if tree is None:
        raise MethodError(f'scheme "{name}" carries no criteria (expected a scheme with criteria:)')
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
    out: dict[str, float] = {}
    for node in sorted(tree, key=lambda c: -c.depth):
        if node.rule is not None:
            out[node.code] = float(leaf_points[node.code])
            continue
        kids = tree.children(node.code)
        if not kids:
            continue
        total = float(sum(out[k.code] for k in kids))
        out[node.code] = min(total, node.max_points) if node.capped else total
    return {c.code: out[c.code] for c in tree if c.code in out}


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
            raise MethodError(f'"{index.unit}" {index.label}: the criteria need the components of the total and a '
                              f"scheme that totals them ({index.no_totals_reason})")
        outside = [c for c in maxima if c not in index.components]
        if outside:
            raise MethodError(f'the criteria "{tree.name}" score {", ".join(outside)}, which scheme '
                              f'"{index.scheme.name}" does not total (its components: {", ".join(index.components)})')
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


# -- points lost -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointsLost:
    """Where a unit lost its points, criterion by criterion.

    ``criteria``: every scored criterion below its maximum and every penalty given, ranked by the points of
    total lost (``rank``), with its next step and what it takes; ``bonus``: bonus criteria not earned, with
    their next step; ``areas`` and ``components``: totals; ``deductions``: the criteria whose appraised points
    are below the self-assessed ones (điểm bị trừ khi thẩm định); ``total`` the total (in %) the points make.
    """

    criteria: pd.DataFrame
    bonus: pd.DataFrame
    areas: pd.DataFrame
    components: pd.DataFrame
    deductions: pd.DataFrame
    total: float
    points: float
    maximum: float
    unit: str = ""
    label: str = ""
    illustrative: bool = False

    @property
    def lost(self) -> float:
        """Points lost in all (below the maxima, and penalties)."""
        return float(self.criteria["lost"].sum())

    @property
    def lost_total(self) -> float:
        """Percentage points of the total lost in all."""
        return float(self.criteria["lost_total"].sum())

    @property
    def deducted(self) -> float:
        """Points the appraisal took off in all (self-assessed − appraised, summed over the criteria)."""
        return float(self.deductions["deducted"].sum()) if not self.deductions.empty else 0.0

    def grouped(self) -> list[tuple[pd.Series, pd.DataFrame]]:
        """(area row, its criteria ranked) for every area that lost points, the area losing most first."""
        out = []
        for _, area in self.areas[self.areas["lost"] > EPS].iterrows():
            rows = self.criteria[self.criteria["area"] == area["code"]]
            if not rows.empty:
                out.append((area, rows))
        return out


CRITERIA_COLUMNS = [
    "rank", "code", "area", "component", "kind", "name_vi", "name_en", "max_points", "points", "lost",
    "lost_total", "rule", "rule_text", "label_vi", "label_en", "next_points", "next_gain", "next_gain_total",
    "next_label_vi", "next_label_en", "measured", "measured_unit", "quantity_vi", "quantity_en", "reach_edge",
    "reach_inclusive", "reach_direction", "reach_move", "lead_units", "self_points", "appraised_points", "deducted",
]


def step_down(criterion: Criterion, points: float, measured: float | None = None) -> NextStep | None:
    """The next allowed value below ``points`` (the next step of a penalty criterion: fewer points taken off);
    ``None`` at 0. For a band rule the step names what the measured value must become."""
    rule = criterion.rule
    if points <= EPS:
        return None
    levels = rule.levels(criterion.max_points)
    if levels is None:
        return NextStep(0.0, -points)
    below = [v for v in levels if v < points - EPS]
    if not below:
        return None
    target = below[-1]
    reach = None
    if rule.kind == "bands":
        bands = [b for b in rule.bands if abs(b.points - target) <= EPS]
        reach = rule.reach(bands[0], measured) if bands else None
    return NextStep(target, target - points, rule.label_of(target, "vi"), rule.label_of(target, "en"), reach)


def next_step(criterion: Criterion, points: float, measured: float | None = None) -> NextStep | None:
    """A leaf's next step towards a better total: up for scored and bonus criteria, down for penalties."""
    if leaf_kind(criterion) == "penalty":
        return step_down(criterion, points, measured)
    return criterion.rule.next_step(points, criterion.max_points, measured)


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _reach_fields(reach: Reach | None, measured: float | None) -> dict:
    if reach is None:
        return {"reach_edge": np.nan, "reach_inclusive": None, "reach_direction": None, "reach_move": np.nan}
    move = np.nan if measured is None else reach.edge - measured
    return {"reach_edge": reach.edge, "reach_inclusive": reach.inclusive, "reach_direction": reach.direction,
            "reach_move": move}


def leaf_rows(uc: UnitCriteria, totalling: Totalling) -> pd.DataFrame:
    """One row per leaf: points, lost (points below the maximum; a penalty's points), its next step and what it
    takes, in points of the criterion and of the total (the columns of :data:`CRITERIA_COLUMNS`)."""
    tree = uc.tree
    rows = []
    for leaf in tree.leaves():
        r = uc.leaves.loc[leaf.code]
        points, measured = float(r["points"]), _num(r["measured"])
        kind = leaf_kind(leaf)
        coef = abs(totalling.coefficient(leaf.component))
        lost = points if kind == "penalty" else leaf.max_points - points
        step = next_step(leaf, points, measured)
        rule = leaf.rule
        band_unit = rule.unit if rule.kind == "bands" else ""
        self_pts, appraised = _num(r["self_points"]), _num(r["appraised_points"])
        deducted = (self_pts - appraised) if self_pts is not None and appraised is not None else np.nan
        if kind == "penalty" and not np.isnan(deducted):
            deducted = appraised - self_pts  # a penalty the appraisal added is points taken off too
        rows.append({
            "code": leaf.code, "area": tree.area_of(leaf.code).code, "component": leaf.component, "kind": kind,
            "name_vi": leaf.name_vi, "name_en": leaf.name_en or leaf.name_vi, "max_points": leaf.max_points,
            "points": points, "lost": max(lost, 0.0), "lost_total": max(lost, 0.0) * coef, "rule": rule.kind,
            "rule_text": rule.text_vi, "label_vi": rule.label_of(points, "vi"), "label_en": rule.label_of(points, "en"),
            "next_points": np.nan if step is None else step.points,
            "next_gain": np.nan if step is None else abs(step.gain),
            "next_gain_total": np.nan if step is None else abs(step.gain) * coef,
            "next_label_vi": "" if step is None else step.label_vi,
            "next_label_en": "" if step is None else (step.label_en or step.label_vi),
            "measured": np.nan if measured is None else measured, "measured_unit": band_unit,
            "quantity_vi": rule.quantity_vi if rule.kind == "bands" else "",
            "quantity_en": (rule.quantity_en or rule.quantity_vi) if rule.kind == "bands" else "",
            **_reach_fields(None if step is None else step.reach, measured),
            "lead_units": r["lead_units"] if isinstance(r["lead_units"], str) and r["lead_units"] else None,
            "self_points": np.nan if self_pts is None else self_pts,
            "appraised_points": np.nan if appraised is None else appraised, "deducted": deducted,
        })
    frame = pd.DataFrame(rows)
    frame.insert(0, "rank", 0)
    return frame[CRITERIA_COLUMNS]


def points_lost(uc: UnitCriteria, index: PARIndex | None = None) -> PointsLost:
    """The points a unit lost, criterion by criterion, ranked, with area and component totals.

    Parameters
    ----------
    uc : UnitCriteria
        The unit's criterion points.
    index : PARIndex, optional
        The unit's index: its scheme weighs the components and holds those not scored by criteria. Without
        it, the tree alone makes the total (Σ points ÷ Σ maxima).

    Returns
    -------
    PointsLost
        ``criteria`` lists exactly the scored criteria below their maxima and the penalties given, ranked by
        points of total lost (ties in the tree's order); ``deductions`` the criteria the appraisal marked down.

    Examples
    --------
    >>> from parindex_lib.model.criteria import load_criteria
    >>> tree = load_criteria("illustrative-commune")
    >>> full = {c.code: (0.0 if c.component in ("BONUS", "PENALTY") else c.max_points) for c in tree.leaves()}
    >>> lost = points_lost(UnitCriteria.build(tree, full | {"1.1.1": 0.5, "6.1": 1}))
    >>> lost.criteria[["code", "lost", "next_points"]].values.tolist()
    [['6.1', 2.0, 2.0], ['1.1.1', 0.5, 1.0]]
    >>> round(lost.total, 2)
    97.5
    """
    tree = uc.tree
    totalling = Totalling.of(tree, index)
    nodes = uc.node_points()
    leaves = leaf_rows(uc, totalling)
    order = {c: i for i, c in enumerate(tree.codes)}
    leaves["_order"] = leaves["code"].map(order)
    lost_mask = (leaves["lost"] > EPS) & (leaves["kind"] != "bonus")
    ranked = leaves[lost_mask].sort_values(["lost_total", "_order"], ascending=[False, True], kind="stable")
    ranked = ranked.assign(rank=np.arange(1, len(ranked) + 1)).drop(columns="_order").reset_index(drop=True)
    bonus = leaves[(leaves["kind"] == "bonus") & (leaves["lost"] > EPS)].drop(columns="_order")
    bonus = bonus.reset_index(drop=True)

    area_rows = []
    for area in tree.areas:
        kind = leaf_kind(area)
        under = leaves[leaves["area"] == area.code]
        points = float(nodes[area.code])
        lost = points if kind == "penalty" else area.max_points - points
        coef = abs(totalling.coefficient(area.component))
        self_sum = under["self_points"].sum(min_count=len(under)) if under["self_points"].notna().all() else np.nan
        appr_sum = (under["appraised_points"].sum(min_count=len(under)) if under["appraised_points"].notna().all()
                    else np.nan)
        area_rows.append({
            "code": area.code, "component": area.component, "kind": kind, "name_vi": area.name_vi,
            "name_en": area.name_en or area.name_vi, "max_points": area.max_points, "points": points,
            "lost": max(lost, 0.0), "lost_total": max(lost, 0.0) * coef,
            "below": int(((under["lost"] > EPS) & (under["kind"] != "bonus")).sum()),
            "self_points": self_sum, "appraised_points": appr_sum,
            "deducted": float(under["deducted"].sum()) if under["deducted"].notna().any() else np.nan,
            "lead_units": area.lead_units, "_order": order[area.code],
        })
    areas = pd.DataFrame(area_rows).sort_values(["lost_total", "_order"], ascending=[False, True], kind="stable")
    areas = areas.drop(columns="_order").reset_index(drop=True)

    comps = totalling.component_points(tree, nodes)
    comps["kind"] = [leaf_kind(Criterion("", "", 1, component=c)) for c in comps.index]
    comps["lost"] = np.where(comps["kind"] == "penalty", comps["points"], comps["max_points"] - comps["points"])
    comps["lost_total"] = comps["lost"] * [abs(totalling.coefficient(c)) for c in comps.index]

    deductions = leaves[leaves["deducted"].notna() & (leaves["deducted"].abs() > EPS)]
    deductions = deductions[["code", "area", "component", "kind", "name_vi", "name_en", "max_points", "self_points",
                             "appraised_points", "deducted", "lead_units"]].reset_index(drop=True)
    deductions["deducted_total"] = deductions["deducted"] * [abs(totalling.coefficient(c))
                                                             for c in deductions["component"]]
    score = comps[comps["kind"] == "score"]
    signed = float(sum(comps.loc[c, "points"] * (1 if c == "BONUS" else -1) for c in comps.index
                       if c in adjustments()))
    return PointsLost(ranked, bonus, areas, comps.reset_index(), deductions, totalling.total(tree, nodes),
                      float(score["points"].sum()) + signed, float(score["max_points"].sum()), uc.unit, uc.label(),
                      uc.illustrative)
