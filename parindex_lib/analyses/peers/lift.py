"""The group lift: the cheapest changes across a peer group's units that bring at least N units to the target,
or the group's mean to a target, solved exactly (:mod:`.solvers`), with each change's owner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from parindex_lib.analyses.peers.groups import _TOL, GroupKey, PeerGroup
from parindex_lib.analyses.peers.solvers import (
    _expand_actions,
    _select_units,
    _solve_actions_block,
    _unit_plans_actions,
    _unit_plans_gap,
    _unit_plans_linear,
    water_fill,
)
from parindex_lib.errors import MethodError, because
from parindex_lib.io import json_records, json_value
from parindex_lib.vn import fold

COST_MODELS = ("gap", "linear", "actions")
GOALS = ("units", "mean")


# -- the group lift --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupLiftResult:
    """The cheapest plan across a group's units: the shape of :class:`~parindex_lib.analyses.lift.LiftResult`.

    ``goal`` is ``units`` (at least ``required`` units meet the target) or ``mean`` (the group's mean total
    reaches ``required``). ``total_before``/``total_after`` are the group's mean total; ``units_before``/
    ``units_after`` the units meeting the target. ``max_reachable`` is in the goal's measure: the most units
    that can meet the target, or the highest reachable mean. When the goal cannot be reached ``feasible`` is
    False, ``total_cost`` None with ``cost_reason``, and ``changes`` is empty. ``changes`` lists
    ``unit, component, from_pct, to_pct, gain_total, cost, lead_units`` (``gain_total``: points of that unit's
    total); ``units`` each unit's ``total_before, total_after, cost, meets_before, meets_after``.
    """

    group: str
    year: int
    period: str
    scheme: str
    cost_model: str
    goal: str
    target: float
    bound: str
    required: float
    total_before: float
    total_after: float
    units_before: int
    units_after: int
    feasible: bool
    max_reachable: float
    changes: pd.DataFrame
    units: pd.DataFrame
    total_cost: float | None
    actions: pd.DataFrame = field(default_factory=pd.DataFrame)
    cost_reason: str | None = None

    def to_dict(self) -> dict:
        """Strict JSON (no NaN or Infinity): a number that does not exist is null, with its reason."""
        out = {k: json_value(getattr(self, k)) for k in (
            "group", "year", "period", "scheme", "cost_model", "goal", "target", "required", "total_before",
            "total_after", "units_before", "units_after", "feasible", "max_reachable", "total_cost")}
        out["bound"] = "gt" if self.bound == ">" else "ge"
        out["changes"] = json_records(self.changes)
        if out["total_cost"] is None:
            out["total_cost_reason"] = self.cost_reason
        if not self.actions.empty:
            out["actions"] = json_records(self.actions)
        return out


#: Why a group plan has no cost.
UNREACHABLE_UNITS = "fewer units than asked for can reach the target within the ceilings"
UNREACHABLE_MEAN = "the group's mean cannot reach the target within the ceilings"


def _matrices(group: PeerGroup, ceilings) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """(values s, ceilings u, weights w) as units × components arrays, and the components."""
    comps = list(group.weights.columns)
    s = group.values[comps].to_numpy(dtype=float)
    u = np.full_like(s, 100.0)
    if ceilings is not None:
        if isinstance(ceilings, pd.DataFrame):
            given = ceilings.reindex(index=group.units, columns=comps).to_numpy(dtype=float)
        else:
            row = pd.Series(dict(ceilings), dtype=float)
            unknown = [c for c in row.index if c not in comps]
            if unknown:
                raise MethodError(reason=because("an_group_ceiling_not_totalled", "ceiling given for {unknown}, "
                                                 "which the group's totals are not made of",
                                                 unknown=", ".join(unknown), components=unknown))
            given = np.tile(row.reindex(comps).to_numpy(dtype=float), (len(s), 1))
        if np.any((given < 0) | (given > 100)):
            raise MethodError(reason=because("an_ceilings_not_pct", "ceilings must be percentages in 0–100"))
        u = np.where(np.isnan(given), u, given)
    u = np.maximum(u, s)  # a ceiling below the current value cannot lower it: the component simply cannot rise
    return s, u, group.weights[comps].to_numpy(dtype=float), comps


def group_lift(group: PeerGroup, cost_model: str = "gap", *, goal: str = "units", n_units: int | None = None,
               mean_target: float | None = None, ceilings=None, costs=None,
               actions: pd.DataFrame | None = None) -> GroupLiftResult:
    """The cheapest changes across the group's units that meet a goal, solved exactly.

    Parameters
    ----------
    group : PeerGroup
        Its components must be totalled (a group of totals only cannot be lifted component by component).
    cost_model : {"gap", "linear", "actions"}
        The cost models of :func:`parindex_lib.analyses.lift.lift`: closing half of any remaining gap costs
        the same (``gap``); a price per percentage point (``costs``, per component); a catalogue of actions
        (``actions``: ``action, component, gain, cost`` and optional ``unit``, ``lead_units``; a row without a
        unit is open to every unit).
    goal : {"units", "mean"}
        ``units``: at least ``n_units`` units meet the group's target (counting those that already do; default
        every unit that can). ``mean``: the group's mean total reaches ``mean_target`` (default the target).
    ceilings : dict or DataFrame, optional
        Highest value per component (or per unit × component); default 100.

    Returns
    -------
    GroupLiftResult

    Raises
    ------
    MethodError
        For a group of totals only, an unknown cost model or goal, or a model's missing input.

    Examples
    --------
    >>> g = PeerGroup.from_values(pd.DataFrame({"C1": [70.0, 90.0], "C2": [80.0, 90.0]}, index=["A", "B"]),
    ...                           pd.Series({"C1": 0.5, "C2": 0.5}))
    >>> res = group_lift(g)
    >>> res.units_before, res.units_after, res.changes[["unit", "component"]].values.tolist()
    (1, 2, [['A', 'C1']])
    """
    if cost_model not in COST_MODELS:
        raise MethodError(reason=because("an_unknown_cost_model",
                                         'cost model "{model}" is not known (expected one of {allowed})',
                                         model=cost_model, allowed=", ".join(COST_MODELS)))
    if goal not in GOALS:
        raise MethodError(reason=because("an_unknown_goal", 'goal "{goal}" is not known (expected units or mean)',
                                         goal=goal))
    if not group.can_total:
        raise MethodError(reason=because("an_group_cannot_total", "the group's components cannot be totalled "
                                         "({why}): the group lift needs every unit's components and a scheme that "
                                         "totals them", why=group.no_totals_reason))
    s, u, w, comps = _matrices(group, ceilings)
    problem = _Problem(s, u, w, comps, group.units, _prices(costs, comps, len(s)) if cost_model == "linear" else None,
                       _catalogue(actions, group.units, comps) if cost_model == "actions" else None)
    before = group.recomputed.to_numpy(dtype=float)
    base = before - (w * s).sum(axis=1)  # bonus and penalty carry over
    meets_before = before >= group.required_total - _TOL
    if goal == "units":
        plan = _plan_units(problem, cost_model, group.required_total - base, meets_before, n_units)
    else:
        goal_mean = group.target if mean_target is None else float(mean_target)
        plan = _plan_mean(problem, cost_model, before, base, goal_mean)
    x = plan.x if plan.feasible else s
    unit_cost = plan.unit_cost if plan.feasible else np.zeros(len(s))
    after = (w * x).sum(axis=1) + base
    changes = _changes(group, s, x, w, comps, _cell_costs(problem, cost_model, x), cost_model, plan.actions)
    unit_table = pd.DataFrame({"total_before": before, "total_after": after, "cost": unit_cost,
                               "meets_before": meets_before, "meets_after": after >= group.required_total - _TOL},
                              index=group.units)
    unit_table.index.name = "unit"
    reason = None if plan.feasible else (UNREACHABLE_UNITS if goal == "units" else UNREACHABLE_MEAN)
    scheme = group.scheme.name if group.scheme is not None else "points-in-data"
    return GroupLiftResult(_label(group.key), group.year, group.period, scheme, cost_model, goal, group.target,
                           group.bound, plan.goal_value, float(before.mean()), float(after.mean()),
                           int(meets_before.sum()), int(unit_table["meets_after"].sum()), bool(plan.feasible),
                           plan.max_reachable, changes, unit_table,
                           float(unit_cost.sum()) if plan.feasible else None, plan.actions, reason)


@dataclass(frozen=True, eq=False)  # holds arrays
class _Problem:
    """A group lift's data as units × components arrays: values ``s``, ceilings ``u``, weights ``w``; and the
    cost model's input (``price`` per point for ``linear``, the catalogue ``acts`` for ``actions``)."""

    s: np.ndarray
    u: np.ndarray
    w: np.ndarray
    comps: list[str]
    units: list[str]
    price: np.ndarray | None = None
    acts: pd.DataFrame | None = None


@dataclass(frozen=True, eq=False)  # holds arrays
class _Plan:
    """A solved goal: the new values ``x``, each unit's cost, the chosen actions (``actions`` model)."""

    x: np.ndarray
    unit_cost: np.ndarray
    feasible: bool
    goal_value: float
    max_reachable: float
    actions: pd.DataFrame = field(default_factory=pd.DataFrame)


def _prices(costs, comps: list[str], n: int) -> np.ndarray:
    """The linear model's price per percentage point, one row per unit."""
    if costs is None:
        raise MethodError(reason=because("an_linear_needs_costs", "the linear cost model needs costs per "
                                         "percentage point (--costs FILE)"))
    row = pd.Series(dict(costs), dtype=float).reindex(comps)
    if row.isna().any():
        raise MethodError(reason=because("an_costs_lack", "costs lack {missing} (expected a cost for every "
                                         "component)", missing=", ".join(row.index[row.isna()]),
                                         components=list(row.index[row.isna()])))
    return np.tile(row.to_numpy(), (n, 1))


def _catalogue(actions: pd.DataFrame | None, units: list[str], comps: list[str]) -> pd.DataFrame:
    """The actions model's catalogue, one row per unit an action is open to."""
    if actions is None or actions.empty:
        raise MethodError(reason=because("an_actions_needs_catalogue", "the actions cost model needs a catalogue "
                                         "of actions (--actions FILE)"))
    return _expand_actions(actions, units, comps)


def _plan_units(p: _Problem, cost_model: str, required: np.ndarray, meets_before: np.ndarray,
                n_units: int | None) -> _Plan:
    """At least ``n_units`` units at the target (default every unit that can): each unit's own cheapest lift,
    then the cheapest choice of units (an integer programme)."""
    s, u, w = p.s, p.u, p.w
    need = np.maximum(required - (w * s).sum(axis=1), 0.0)
    picked = None
    if cost_model == "gap":
        x_all, cost = _unit_plans_gap(s, u, w, need)
    elif cost_model == "linear":
        x_all, cost = _unit_plans_linear(s, u, w, p.price, need)
    else:
        x_all, cost, picked = _unit_plans_actions(s, u, w, p.acts, need, p.units, p.comps)
    reachable = int(np.isfinite(cost).sum())
    wanted = reachable if n_units is None else int(n_units)
    if wanted < 0 or wanted > len(p.units):
        raise MethodError(reason=because("an_n_units_out_of_range", "n_units = {n_units} is not a number of units "
                                         "of the group (0–{most})", n_units=n_units, most=len(p.units)))
    if wanted > reachable:
        return _Plan(s, np.zeros(len(s)), False, float(wanted), float(reachable))
    lifted = _select_units(np.where(meets_before, np.inf, cost), wanted - int(meets_before.sum()))
    chosen = pd.DataFrame()
    if picked is not None:
        chosen = picked[picked["unit"].isin(np.array(p.units)[lifted])].reset_index(drop=True)
    return _Plan(np.where(lifted[:, None], x_all, s), np.where(lifted, cost, 0.0), True, float(wanted),
                 float(reachable), chosen)


def _plan_mean(p: _Problem, cost_model: str, before: np.ndarray, base: np.ndarray, goal_value: float) -> _Plan:
    """The group's mean total at ``goal_value``: the units share one constraint (water-filling over every unit's
    components at once, the ratio rule, or one integer programme over every unit's actions)."""
    s, u, w = p.s, p.u, p.w
    n = len(p.units)
    need_sum = n * goal_value - before.sum()  # points of total the units must gain together
    reach = float(((w * u).sum(axis=1) + base).mean())
    if need_sum <= _TOL:
        return _Plan(s.copy(), np.zeros(n), True, goal_value, reach)
    infeasible = _Plan(s.copy(), np.zeros(n), False, goal_value, reach)
    if cost_model == "gap":
        mu, cost = water_fill((w * (u - s)).reshape(1, -1), np.array([need_sum]))
        if not np.isfinite(cost[0]):
            return infeasible
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where((w * (u - s) > mu[0]) & (w > 0), u - mu[0] / np.where(w > 0, w, 1.0), s)
            unit_cost = np.where(x > s, np.log(np.where(x > s, (u - s) / np.maximum(u - x, 1e-300), 1.0)),
                                 0.0).sum(axis=1)
        return _Plan(x, unit_cost, True, goal_value, reach)
    if cost_model == "linear":
        flat_x, cost = _unit_plans_linear(s.reshape(1, -1), u.reshape(1, -1), w.reshape(1, -1),
                                          p.price.reshape(1, -1), np.array([need_sum]))
        if not np.isfinite(cost[0]):
            return infeasible
        x = flat_x.reshape(s.shape)
        return _Plan(x, (p.price * (x - s)).sum(axis=1), True, goal_value, reach)
    if float((w * np.minimum(u - s, _gains(p.acts, p.units, p.comps))).sum()) < need_sum - _TOL:
        return infeasible
    picked, rise = _solve_actions_block(s, u, w, p.acts, {un: i for i, un in enumerate(p.units)},
                                        {c: j for j, c in enumerate(p.comps)}, need_sum)
    if picked is None:
        return infeasible
    chosen = picked.reset_index(drop=True)
    unit_cost = chosen.groupby("unit")["cost"].sum().reindex(p.units).fillna(0.0).to_numpy()
    return _Plan(s + rise, unit_cost, True, goal_value, reach, chosen)


def _cell_costs(p: _Problem, cost_model: str, x: np.ndarray) -> np.ndarray | None:
    """Each unit × component change's own cost (None for actions: an action's cost is said per action)."""
    if cost_model == "gap":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(x - p.s > 1e-7, np.log((p.u - p.s) / np.maximum(p.u - x, 1e-300)), 0.0)
    if cost_model == "linear":
        return p.price * (x - p.s)
    return None


def _gains(acts: pd.DataFrame, units: list[str], comps: list[str]) -> np.ndarray:
    table = acts.groupby(["unit", "component"])["gain"].sum().unstack()
    return table.reindex(index=units, columns=comps).fillna(0.0).to_numpy()


def _label(key: GroupKey) -> str:
    return " / ".join(filter(None, [key.province, key.group, key.level]))


def _changes(group: PeerGroup, s, x, w, comps, cell_costs, cost_model, chosen_actions) -> pd.DataFrame:
    """The plan as rows: one per unit × component that moves, with its owner (the unit itself where the data
    names no office: a commune answers for its own index)."""
    moved = (x - s) > 1e-7
    i, j = np.nonzero(moved)
    units = np.array(group.units, dtype=object)
    owners = group.lead_units.reindex(index=group.units, columns=comps) if not group.lead_units.empty else \
        pd.DataFrame(None, index=group.units, columns=comps)
    owner = owners.to_numpy(dtype=object)[i, j]
    cell_cost = cell_costs[i, j] if cell_costs is not None else np.full(len(i), np.nan)
    table = pd.DataFrame({"unit": units[i], "component": np.array(comps, dtype=object)[j], "from_pct": s[i, j],
                          "to_pct": x[i, j], "gain_total": (w * (x - s))[i, j], "cost": cell_cost,
                          "lead_units": owner, "owner_is_unit": pd.isna(owner)})
    table["lead_units"] = table["lead_units"].where(~table["owner_is_unit"], table["unit"])
    if cost_model == "actions" and not chosen_actions.empty:
        per_cell = chosen_actions.groupby(["unit", "component"])["cost"].sum()
        table["cost"] = [per_cell.get((a, b), np.nan) for a, b in zip(table["unit"], table["component"], strict=True)]
    return table.sort_values(["unit", "gain_total"], ascending=[True, False], key=lambda c: c.map(fold)
                             if c.name == "unit" else c).reset_index(drop=True)
