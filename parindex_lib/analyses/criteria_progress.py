"""Quarterly progress per criterion: an interim self-assessment against the previous period and against the plan.

Offices self-assess their criteria each quarter (Q1–Q4) before the year's final result. Two questions follow:
which criteria moved since the previous period (up or down), and which planned changes have not happened yet.

**The plan** is a :class:`CriteriaPlan`: the criteria to raise, from which points to which, with their lead
offices and, when the office says so, the quarter each is due. By default (and on the report pages) it is the
criterion-level lift of the **last final result** — the cheapest set of criterion changes that brings that
result to the target (:func:`plan_from_lift`) — so every unit scored by criteria has one without any extra file.
An office that keeps its own plan of criteria (a table ``Mã tiêu chí | Điểm kế hoạch | Hạn | Đơn vị chủ trì``,
read by :func:`parindex_lib.readers.analyst.read_criterion_plan`) passes it instead (:meth:`CriteriaPlan.from_table`).

A planned change is ``done`` (at or beyond its planned points), ``partly`` done (moved towards them), ``not_yet``
(not moved), ``worse`` (below where the plan started), or ``overdue`` (not done after the quarter it was due).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from parindex_lib.analyses.criteria import Totalling, UnitCriteria, leaf_kind
from parindex_lib.analyses.criteria_lift import CriteriaLiftResult
from parindex_lib.model.criteria import EPS
from parindex_lib.model.index import PARIndex
from parindex_lib.model.schema import PERIODS

STATUSES = ("done", "partly", "not_yet", "overdue", "worse")
PLAN_COLUMNS = ["code", "from_points", "to_points", "due", "lead_units"]


def period_key(year: int, period: str) -> tuple[int, int]:
    """A sortable key: Q1 < Q2 < Q3 < Q4 < FY within a year."""
    return int(year), PERIODS.index(period)


def previous_point(points: list[tuple[int, str]], year: int, period: str) -> tuple[int, str] | None:
    """The period just before (``year``, ``period``) among ``points``: the quarter before it in the same year,
    else the previous year's final result (or its last quarter when it has none).

    Examples
    --------
    >>> have = [(2023, "FY"), (2024, "Q1"), (2024, "Q2"), (2024, "Q3")]
    >>> previous_point(have, 2024, "Q3"), previous_point(have, 2024, "Q1"), previous_point(have, 2023, "FY")
    ((2024, 'Q2'), (2023, 'FY'), None)
    """
    before = sorted((p for p in set(points) if period_key(*p) < period_key(year, period)), key=lambda p: period_key(*p))
    same_year = [p for p in before if p[0] == year]
    if same_year:
        return same_year[-1]
    return before[-1] if before else None


def last_final(points: list[tuple[int, str]], year: int) -> tuple[int, str] | None:
    """The last final (``FY``) result before ``year`` among ``points``, whose plan an interim period follows."""
    finals = sorted(p for p in set(points) if p[1] == "FY" and p[0] < year)
    return finals[-1] if finals else None


@dataclass(frozen=True)
class CriteriaPlan:
    """Planned criterion changes: ``changes`` has ``code, from_points, to_points, due, lead_units`` (``due`` a
    period code, e.g. ``Q2``, or None: by the year's end); ``source`` says where the plan comes from."""

    changes: pd.DataFrame
    source: str  # "lift" (the criterion lift of the last final result) or "file"
    basis: str = ""  # the result it starts from, e.g. "2023"
    target: float | None = None
    total_after: float | None = None
    bound: str = ">="

    @classmethod
    def from_table(cls, table: pd.DataFrame, base: UnitCriteria | None = None, basis: str = "") -> CriteriaPlan:
        """An office's own plan (``code, to_points`` and optionally ``due``, ``lead_units``); the points each
        starts from are ``base``'s (the result the plan was made from), when given."""
        frame = table.copy()
        for column in ("due", "lead_units"):
            if column not in frame.columns:
                frame[column] = None
        if base is not None:
            frame["from_points"] = [float(base.leaves.at[c, "points"]) if c in base.leaves.index else np.nan
                                    for c in frame["code"]]
            leads = base.leaves["lead_units"]
            frame["lead_units"] = [lead if isinstance(lead, str) and lead else leads.get(c)
                                   for c, lead in zip(frame["code"], frame["lead_units"], strict=True)]
        elif "from_points" not in frame.columns:
            frame["from_points"] = np.nan
        return cls(frame[PLAN_COLUMNS].reset_index(drop=True), "file", basis)


def plan_from_lift(result: CriteriaLiftResult, basis: str = "") -> CriteriaPlan:
    """The plan a criterion-level lift makes: each criterion it moves, from → to, by the year's end.

    Examples
    --------
    >>> from parindex_lib.model.criteria import load_criteria
    >>> from parindex_lib.analyses.criteria_lift import criteria_lift
    >>> tree = load_criteria("illustrative-commune")
    >>> points = {c.code: (0.0 if c.component in ("BONUS", "PENALTY") else c.max_points) for c in tree.leaves()}
    >>> result = criteria_lift(UnitCriteria.build(tree, points | {"9": 10}), target=95)
    >>> plan_from_lift(result, "2023").changes[["code", "from_points", "to_points"]].values.tolist()
    [['9', 10.0, 17.0]]
    """
    changes = result.criteria[["code", "from_points", "to_points", "lead_units"]].copy()
    changes["due"] = None
    return CriteriaPlan(changes[PLAN_COLUMNS].reset_index(drop=True), "lift", basis, result.target,
                        result.total_after if result.feasible else None, result.bound)


@dataclass(frozen=True)
class CriteriaProgress:
    """Where an interim self-assessment stands.

    ``moved``: the criteria whose points changed since ``previous`` (``change`` in points, ``change_total`` in
    percentage points of the total, positive when the total gains — a penalty lowered is a gain), and whether
    the plan had them. ``planned``: each planned change with its points now and its status (:data:`STATUSES`),
    ``remaining``/``remaining_total`` still to gain. ``history``: the points of the planned and moved criteria in
    every period of the year so far (columns ``Q1``…), for a table across quarters.
    """

    unit: str
    label: str
    previous_label: str | None
    total: float
    previous_total: float | None
    moved: pd.DataFrame
    planned: pd.DataFrame
    history: pd.DataFrame
    plan: CriteriaPlan | None
    illustrative: bool = False

    def count(self, status: str) -> int:
        """How many planned changes have ``status``."""
        return int((self.planned["status"] == status).sum()) if not self.planned.empty else 0

    @property
    def not_happened(self) -> pd.DataFrame:
        """The planned changes that have not (fully) happened yet — partly done, not yet, overdue or worse — the
        most points of total still to gain first."""
        rows = self.planned[self.planned["status"] != "done"]
        return rows.sort_values("remaining_total", ascending=False, kind="stable")


def _names(uc: UnitCriteria, code: str) -> dict:
    node = uc.tree[code]
    return {"area": uc.tree.area_of(code).code, "component": node.component, "kind": leaf_kind(node),
            "name_vi": node.name_vi, "name_en": node.name_en or node.name_vi, "max_points": node.max_points}


def _status(sign: int, start: float, goal: float, now: float, due: str | None, period: str) -> str:
    """done / partly / not_yet / overdue / worse, for a change planned from ``start`` to ``goal``."""
    if sign * (now - goal) >= -EPS:
        return "done"
    if not np.isnan(start) and sign * (now - start) < -EPS:
        return "worse"
    if due and period_key(0, period) >= period_key(0, due):
        return "overdue"
    if not np.isnan(start) and sign * (now - start) > EPS:
        return "partly"
    return "not_yet"


def criteria_progress(now: UnitCriteria, previous: UnitCriteria | None = None, plan: CriteriaPlan | None = None,
                      index: PARIndex | None = None, history: list[UnitCriteria] | tuple = ()) -> CriteriaProgress:
    """Compare an interim self-assessment with the previous period and with the plan.

    Parameters
    ----------
    now, previous : UnitCriteria
        The period reported on and the one before it (same tree).
    plan : CriteriaPlan, optional
        The planned criterion changes (:func:`plan_from_lift` of the last final result, or an office's own).
    index : PARIndex, optional
        The unit's index (its scheme weighs the points of total); without it the tree alone.
    history : list of UnitCriteria
        Every period of the year so far (for the table across quarters); ``now`` is added when missing.

    Examples
    --------
    >>> from parindex_lib.model.criteria import load_criteria
    >>> tree = load_criteria("illustrative-commune")
    >>> full = {c.code: (0.0 if c.component in ("BONUS", "PENALTY") else c.max_points) for c in tree.leaves()}
    >>> q1 = UnitCriteria.build(tree, full | {"1.1.1": 0.5, "9": 10}, period="Q1", year=2024)
    >>> q2 = UnitCriteria.build(tree, full | {"9": 10}, period="Q2", year=2024)
    >>> plan = CriteriaPlan(pd.DataFrame({"code": ["1.1.1", "9"], "from_points": [0.5, 10.0],
    ...                                   "to_points": [1.0, 14.0], "due": [None, None], "lead_units": [None, None]}),
    ...                     "file")
    >>> progress = criteria_progress(q2, q1, plan)
    >>> progress.moved["code"].tolist(), progress.planned.set_index("code")["status"].to_dict()
    (['1.1.1'], {'1.1.1': 'done', '9': 'not_yet'})
    """
    tree = now.tree
    totalling = Totalling.of(tree, index)
    coef = {leaf.code: totalling.coefficient(leaf.component) for leaf in tree.leaves()}
    points_now = now.points
    total = totalling.total(tree, now.node_points())
    planned_codes = set() if plan is None else set(plan.changes["code"])
    moved_rows = []
    previous_total = None
    if previous is not None:
        previous_total = totalling.total(tree, previous.node_points())
        before = previous.points.reindex(points_now.index)
        for code in points_now.index[(points_now - before).abs() > EPS]:
            change = float(points_now[code] - before[code])
            moved_rows.append({"code": code, **_names(now, code), "before": float(before[code]),
                               "now": float(points_now[code]), "change": change, "change_total": change * coef[code],
                               "planned": code in planned_codes, "lead_units": now.leaves.at[code, "lead_units"]})
    moved = pd.DataFrame(moved_rows, columns=["code", "area", "component", "kind", "name_vi", "name_en",
                                              "max_points", "before", "now", "change", "change_total", "planned",
                                              "lead_units"])
    planned_rows = []
    if plan is not None:
        for _, p in plan.changes.iterrows():
            code = p["code"]
            if code not in points_now.index:
                continue
            sign = -1 if leaf_kind(tree[code]) == "penalty" else 1
            current = float(points_now[code])
            start = float(p["from_points"]) if pd.notna(p["from_points"]) else np.nan
            goal = float(p["to_points"])
            remaining = max(0.0, sign * (goal - current))
            lead = p["lead_units"] if isinstance(p["lead_units"], str) and p["lead_units"] else \
                now.leaves.at[code, "lead_units"]
            planned_rows.append({"code": code, **_names(now, code), "from_points": start, "to_points": goal,
                                 "now": current, "due": p["due"] if isinstance(p["due"], str) else None,
                                 "status": _status(sign, start, goal, current, p["due"] if isinstance(p["due"], str)
                                                   else None, now.period),
                                 "remaining": remaining, "remaining_total": remaining * abs(coef[code]),
                                 "lead_units": lead})
    planned = pd.DataFrame(planned_rows, columns=["code", "area", "component", "kind", "name_vi", "name_en",
                                                  "max_points", "from_points", "to_points", "now", "due", "status",
                                                  "remaining", "remaining_total", "lead_units"])
    periods = sorted({(u.year, u.period): u for u in (*history, now) if u.year == now.year
                      and period_key(u.year, u.period) <= period_key(now.year, now.period)}.items(),
                     key=lambda kv: period_key(*kv[0]))
    shown = [c for c in tree.codes if c in planned_codes or c in set(moved["code"])]
    table = pd.DataFrame({p: [float(u.leaves.at[c, "points"]) for c in shown] for (_, p), u in periods},
                         index=pd.Index(shown, name="code"))
    return CriteriaProgress(now.unit, now.label(), None if previous is None else previous.label(), total,
                            previous_total, moved, planned, table, plan, now.illustrative or
                            bool(previous is not None and previous.illustrative))
