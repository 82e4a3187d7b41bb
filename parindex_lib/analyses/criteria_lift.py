"""Lift at criterion level: the cheapest set of criterion changes that brings the total to the target.

Points move in steps — a criterion scored 0,5 "issued late" can become 1 "issued on time", a band rule's
points change only when the measured rate crosses an edge — so the cheapest way up is a discrete problem,
solved exactly as an integer programme (``scipy.optimize.milp``, HiGHS):

* one binary variable per leaf × allowed level better than its current one (above it; below it for a penalty
  criterion, whose points are taken off), at most one level per leaf; a ``free`` leaf (any value in
  0–maximum) is one continuous variable;
* the total is the scheme's (:class:`~parindex_lib.analyses.criteria.Totalling`): Σ points ÷ Σ maxima per
  component, weighted as the index weights its components, bonus and penalty points as the index counts them,
  components not scored by criteria (a survey's SIPAS) held at their values; a parent whose points are capped
  at its maximum is modelled exactly (its points are the smaller of its children's sum and its cap);
* the effort of a change is its number of steps up (the allowed levels it passes; one step per point for a
  ``free`` leaf) times the effort of one step: 1 by default, or what a costs file gives per criterion (a leaf
  or any criterion above it) or per lead office (:class:`StepCosts`);
* ceilings limit a criterion to a highest level, or mark it unreachable this year (it stays as it is).

Among plans of the same effort the one lifting the total most is preferred. An unreachable target is an answer
— ``feasible`` False, ``total_cost`` None with ``cost_reason``, and the highest total the ceilings allow —
never a crash.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from parindex_lib.analyses.criteria import Totalling, UnitCriteria, leaf_kind, roll_up
from parindex_lib.analyses.criteria_milp import Ceilings, Leaf, StepCosts, check_ceilings, leaf_options, solve
from parindex_lib.analyses.lift import UNREACHABLE, LiftResult
from parindex_lib.errors import MethodError, because
from parindex_lib.io import json_records
from parindex_lib.model.criteria import EPS, normalise_code
from parindex_lib.model.index import PARIndex, met, required_value

COST_MODEL = "criteria"
#: The grain of a free criterion's points in a plan (what a sheet shows: two decimals).
FREE_GRAIN = 0.01


# -- the result --------------------------------------------------------------------------------------------

CHANGE_COLUMNS = [
    "code", "area", "component", "kind", "name_vi", "name_en", "max_points", "from_points", "to_points",
    "gain_points", "gain_total", "steps", "cost", "rule", "from_label_vi", "from_label_en", "to_label_vi",
    "to_label_en", "measured", "measured_unit", "quantity_vi", "quantity_en", "reach_edge", "reach_inclusive",
    "reach_direction", "reach_move", "lead_units",
]


@dataclass(frozen=True)
class CriteriaLiftResult(LiftResult):
    """A lift solved at criterion level: the common :class:`~parindex_lib.analyses.lift.LiftResult` (``changes``
    per component, so every page, chart and sheet that shows a lift shows this one), with the criteria to move.

    ``criteria`` lists each criterion to move, in the tree's order: from and to points (with the rule's labels),
    its gain in points and in percentage points of the total, its steps and effort, what the measured value
    must reach for a band rule, and its lead office. ``held`` names the components not scored by criteria,
    held at their values; ``limited`` the criteria a ceiling held below their maximum.
    """

    criteria: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    held: tuple[str, ...] = ()
    limited: tuple[str, ...] = ()
    criteria_name: str = ""
    illustrative: bool = False

    def to_dict(self) -> dict:
        """The JSON shape of ``parindex lift --criteria --format json``: strict JSON (no NaN or Infinity)."""
        out = super().to_dict()
        out["criteria_set"] = self.criteria_name
        out["illustrative"] = bool(self.illustrative)
        out["criteria"] = json_records(self.criteria)
        out["held_fixed"] = list(self.held)
        out["limited_by_ceilings"] = list(self.limited)
        return out




def criteria_lift(uc: UnitCriteria, index: PARIndex | None = None, *, target: float | None = None,
                  bound: str | None = None, costs: StepCosts | None = None,
                  ceilings: Ceilings | None = None) -> CriteriaLiftResult:
    """The cheapest set of criterion changes that brings the total to the target, and who leads each.

    Parameters
    ----------
    uc : UnitCriteria
        The unit's criterion points (its tree, lead offices and measured values).
    index : PARIndex, optional
        The unit's index: its scheme's weights, the components not scored by criteria (held), its target and
        bound. Without it the tree alone makes the total.
    target, bound : float, str, optional
        The total to reach (in %) and ``>=`` (reach) or ``>`` (exceed by 0,01); default the index's, else 80, ``>=``.
    costs : StepCosts, optional
        The effort of one step per criterion or lead office (default one unit per step).
    ceilings : mapping of code → points or None, optional
        The best points a criterion (or every leaf under a criterion or area) can reach this year; ``None``: it
        cannot move this year. Codes as offices write them (``1.1.1.``).

    Returns
    -------
    CriteriaLiftResult
        The criteria to move and the total after; when the target cannot be reached within the ceilings,
        ``feasible`` is False, ``total_cost`` None (with ``cost_reason``) and ``max_reachable`` the highest total.

    Raises
    ------
    MethodError
        For a ceiling or effort given for a criterion the tree does not have, or outside its range.

    Examples
    --------
    >>> from parindex_lib.model.criteria import load_criteria
    >>> tree = load_criteria("illustrative-commune")
    >>> points = {c.code: (0.0 if c.component in ("BONUS", "PENALTY") else c.max_points) for c in tree.leaves()}
    >>> uc = UnitCriteria.build(tree, points | {"1.1.1": 0.5, "6.1": 1, "8.1": 2, "9": 10})
    >>> res = criteria_lift(uc, target=90)
    >>> res.criteria[["code", "from_points", "to_points", "steps"]].values.tolist()
    [['9', 10.0, 17.0, 2.0]]
    >>> round(res.total_before, 2), round(res.total_after, 2), res.total_cost
    (85.5, 92.5, 2.0)
    """
    tree = uc.tree
    totalling = Totalling.of(tree, index)
    target = float(target if target is not None else (index.target if index is not None else 80.0))
    bound = bound or (index.bound if index is not None else ">=")
    bound = {"ge": ">=", "gt": ">"}.get(bound, bound)
    if bound not in (">=", ">"):
        raise MethodError(reason=because("an_unknown_bound", 'bound "{bound}" is not known (expected ge or gt)',
                                         bound=bound))
    costs = costs or StepCosts()
    costs.check(tree)
    ceilings = {normalise_code(k): (None if v is None else float(v)) for k, v in (ceilings or {}).items()}
    check_ceilings(tree, ceilings)
    leaves, limited = leaf_options(uc, costs, ceilings)
    current = dict(uc.points)
    before = totalling.total(tree, roll_up(tree, current))
    best = {lf.node.code: lf.best for lf in leaves}
    reach = totalling.total(tree, roll_up(tree, best))
    required = required_value(target, bound)
    held = tuple(totalling.held)
    meta = dict(unit=uc.unit or (index.unit if index is not None else ""),
                year=int(uc.year if uc.year is not None else (index.year if index is not None else 0)),
                period=uc.period, scheme=_scheme_name(uc, index, totalling), cost_model=COST_MODEL, target=target,
                bound=bound, total_before=before, max_reachable=reach, held=held, limited=tuple(limited),
                criteria_name=tree.name, illustrative=uc.illustrative)
    if met(before, target, bound):
        return CriteriaLiftResult(**meta, total_after=before, feasible=True, changes=_component_changes(
            uc, totalling, current, current, pd.DataFrame(columns=CHANGE_COLUMNS)), total_cost=0.0)
    if reach < required - 1e-9:
        return CriteriaLiftResult(**meta, total_after=before, feasible=False, changes=_component_changes(
            uc, totalling, current, current, pd.DataFrame(columns=CHANGE_COLUMNS)), total_cost=None,
            cost_reason=UNREACHABLE)
    moved = solve(uc, totalling, leaves, required, before, reach)
    after_points = _settle_free(uc, totalling, leaves, current | moved, required)
    moved = {c: v for c, v in after_points.items() if abs(v - current[c]) > EPS}
    after = totalling.total(tree, roll_up(tree, after_points))
    table = _criteria_changes(uc, totalling, leaves, current, moved)
    return CriteriaLiftResult(**meta, total_after=after, feasible=True,
                              changes=_component_changes(uc, totalling, current, after_points, table),
                              total_cost=float(table["cost"].sum()), criteria=table)


def _scheme_name(uc: UnitCriteria, index: PARIndex | None, totalling: Totalling) -> str:
    """The scheme the unit is scored by: the criteria's own when the index only takes its maxima from the points
    in the data (as a unit rolled up from criteria does)."""
    if uc.scheme and (index is None or index.from_points):
        return uc.scheme
    return totalling.scheme


def _settle_free(uc: UnitCriteria, totalling: Totalling, leaves: list[Leaf], points: dict[str, float],
                 required: float) -> dict[str, float]:
    """The plan's points, with each free criterion's move settled on the points' grain (0,01: what a sheet
    shows), rounded in the direction that lifts, and the target still met (the solver's tolerance can leave a
    total 10⁻⁷ short; a move of 0,333… points would be written 0,33 and miss it)."""
    tree = uc.tree
    free = [lf for lf in leaves if lf.free and abs(points[lf.node.code] - lf.current) > EPS]
    for lf in free:
        room = abs(lf.best - lf.current)
        steps = math.ceil(abs(points[lf.node.code] - lf.current) / FREE_GRAIN - 1e-4)
        points[lf.node.code] = lf.current + lf.sign * min(steps * FREE_GRAIN, room)
    for lf in free * 2:  # at most a grain more per criterion, and only while the target is missed
        if totalling.total(tree, roll_up(tree, points)) >= required - 1e-9:
            break
        room = abs(lf.best - points[lf.node.code])
        points[lf.node.code] += lf.sign * min(FREE_GRAIN, room)
    return points


def _criteria_changes(uc: UnitCriteria, totalling: Totalling, leaves: list[Leaf], current: dict[str, float],
                      moved: dict[str, float]) -> pd.DataFrame:
    """One row per criterion that moves, in the tree's order; its gain of total is attributed in that order
    (each change's effect given those before it, so the gains add up to the plan's even under a capped parent)."""
    tree = uc.tree
    by_code = {lf.node.code: lf for lf in leaves}
    measures = uc.leaves["measured"].to_dict()
    rows = []
    points = dict(current)
    total = totalling.total(tree, roll_up(tree, points))
    for code in (c for c in tree.codes if c in moved):
        lf, node = by_code[code], tree[code]
        rule = node.rule
        frm, to = current[code], moved[code]
        points[code] = to
        new_total = totalling.total(tree, roll_up(tree, points))
        levels = rule.levels(node.max_points)
        steps = abs(to - frm) if levels is None else next(s for v, s in lf.options if abs(v - to) <= EPS)
        measured = measures[code]
        measured = None if pd.isna(measured) else float(measured)
        reach = None
        if rule.kind == "bands":
            bands = [b for b in rule.bands if abs(b.points - to) <= EPS]
            if bands:
                band = bands[0] if measured is None else min(bands, key=lambda b: b.distance(measured))
                reach = rule.reach(band, measured)
        rows.append({
            "code": code, "area": tree.area_of(code).code, "component": node.component, "kind": leaf_kind(node),
            "name_vi": node.name_vi, "name_en": node.name_en or node.name_vi, "max_points": node.max_points,
            "from_points": frm, "to_points": to, "gain_points": abs(to - frm), "gain_total": new_total - total,
            "steps": float(steps), "cost": float(steps) * lf.cost, "rule": rule.kind,
            "from_label_vi": rule.label_of(frm, "vi"), "from_label_en": rule.label_of(frm, "en"),
            "to_label_vi": rule.label_of(to, "vi"), "to_label_en": rule.label_of(to, "en"),
            "measured": np.nan if measured is None else measured,
            "measured_unit": rule.unit if rule.kind == "bands" else "",
            "quantity_vi": rule.quantity_vi if rule.kind == "bands" else "",
            "quantity_en": (rule.quantity_en or rule.quantity_vi) if rule.kind == "bands" else "",
            "reach_edge": np.nan if reach is None else reach.edge,
            "reach_inclusive": None if reach is None else reach.inclusive,
            "reach_direction": None if reach is None else reach.direction,
            "reach_move": np.nan if reach is None or measured is None else reach.edge - measured,
            "lead_units": lf.lead,
        })
        total = new_total
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _component_changes(uc: UnitCriteria, totalling: Totalling, before: dict[str, float], after: dict[str, float],
                       table: pd.DataFrame) -> pd.DataFrame:
    """The plan per component, as every lift gives it: ``from_pct, to_pct, gain_total, cost, lead_units``."""
    tree = uc.tree
    rows = {}
    if not table.empty:
        comps_before = totalling.component_points(tree, roll_up(tree, before))["value_pct"].to_dict()
        comps_after = totalling.component_points(tree, roll_up(tree, after))["value_pct"].to_dict()
        for c, sub in table.groupby("component", sort=False):
            leads = "; ".join(dict.fromkeys(x for x in sub["lead_units"] if isinstance(x, str) and x)) or None
            rows[c] = {"from_pct": comps_before[c], "to_pct": comps_after[c],
                       "gain_total": float(sub["gain_total"].sum()), "cost": float(sub["cost"].sum()),
                       "lead_units": leads}
    changes = pd.DataFrame.from_dict(rows, orient="index",
                                     columns=["from_pct", "to_pct", "gain_total", "cost", "lead_units"])
    changes.index.name = "component"
    return changes.sort_values("gain_total", ascending=False, kind="stable")
