"""Points lost per criterion: where, criterion by criterion, a unit lost its points, and what the next step up takes.

:func:`points_lost` ranks the criteria below their maxima (and the penalties given), grouped by area with area and
component totals, with each one's next step up and what it takes — for a band rule, how far the measured value
must move — and the points the appraisal took off (điểm bị trừ khi thẩm định). Every figure is in points of the
criterion and in percentage points of the total (``*_total``), the total made as the unit's scheme makes it
(:class:`~parindex_lib.analyses.criteria.Totalling`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from parindex_lib.analyses.criteria import Totalling, UnitCriteria, leaf_kind
from parindex_lib.model.components import adjustments
from parindex_lib.model.criteria import EPS, Criterion, NextStep, Reach
from parindex_lib.model.index import PARIndex


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
        by_area = dict(tuple(self.criteria.groupby("area", sort=False)))
        for _, area in self.areas[self.areas["lost"] > EPS].iterrows():
            rows = by_area.get(area["code"])
            if rows is not None:
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
    records = uc.leaves.to_dict("index")
    for leaf in tree.leaves():
        r = records[leaf.code]
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
    by_area = dict(tuple(leaves.groupby("area", sort=False)))
    for area in tree.areas:
        kind = leaf_kind(area)
        under = by_area.get(area.code, leaves.iloc[:0])
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
