"""Lift: the cheapest way to bring the total up to the target, and who owns each step.

Cost models, chosen by key (``cost_model=``):

``gap`` (default)
    Raising a component from s to x with ceiling u costs ln((u − s)/(u − x)): closing half of
    whatever gap remains costs the same effort in any component, so effort rises near the ceiling.
    Solved exactly from the optimality conditions: every component that moves ends with the same
    weighted remaining gap u − x = 1/(λ·w); λ is found by Brent's method.
``linear``
    A cost per percentage point per component (a CSV the analyst writes): a linear programme
    (``scipy.optimize.linprog``, HiGHS).
``actions``
    A catalogue of concrete actions (component, gain, cost, lead office, deadline): the cheapest set
    reaching the target, as an integer programme (``scipy.optimize.milp``, HiGHS).

An unreachable target is an answer (``feasible=False`` with the highest reachable total), never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from parindex_lib.errors import MethodError, because
from parindex_lib.io import json_records, json_value
from parindex_lib.model.index import PARIndex, met, required_value

COST_MODELS = ("gap", "linear", "actions")
_TOL = 1e-9


#: Why a plan has no cost: the one meaning of "unreachable" for every solver.
UNREACHABLE = "the target cannot be reached within the ceilings"


@dataclass(frozen=True)
class LiftResult:
    """The recommended changes and what they achieve: the one result of every lift solver.

    ``feasible`` says whether the target can be reached; when it cannot, ``total_cost`` is ``None`` (never
    0 or infinity) with ``cost_reason`` saying why, ``changes`` is empty and ``max_reachable`` is the
    highest total the ceilings allow.
    """

    unit: str
    year: int
    period: str
    scheme: str
    cost_model: str
    target: float
    bound: str
    total_before: float
    total_after: float
    feasible: bool
    max_reachable: float
    changes: pd.DataFrame
    total_cost: float | None
    actions: pd.DataFrame = field(default_factory=pd.DataFrame)
    cost_reason: str | None = None

    @property
    def required_total(self) -> float:
        """The total the changes had to reach (the target, or 0,01 above it for a strict bound)."""
        return required_value(self.target, self.bound)

    def to_dict(self) -> dict:
        """The JSON shape of ``parindex lift --format json``: strict JSON (no NaN or Infinity).

        A number that does not exist is ``null`` with a ``*_reason`` beside it saying why.
        """
        changes = json_records(self.changes.reset_index())
        out = {
            "unit": self.unit, "year": int(self.year), "period": self.period, "scheme": self.scheme,
            "cost_model": self.cost_model, "target": json_value(self.target),
            "bound": "gt" if self.bound == ">" else "ge",
            "total_before": json_value(self.total_before), "total_after": json_value(self.total_after),
            "feasible": bool(self.feasible), "max_reachable": json_value(self.max_reachable),
            "total_cost": json_value(self.total_cost), "changes": changes,
        }
        if out["total_cost"] is None:
            out["total_cost_reason"] = self.cost_reason or UNREACHABLE
        if not self.actions.empty:
            out["actions"] = json_records(self.actions)
        return out


def _ceilings(index: PARIndex, ceilings: pd.Series | dict | None) -> pd.Series:
    u = pd.Series(100.0, index=index.components)
    if ceilings is not None:
        for c, v in dict(ceilings).items():
            if c not in u.index:
                raise MethodError(reason=because("an_ceiling_not_totalled",
                                                 'ceiling given for "{component}", which scheme "{scheme}" does not '
                                                 "total", component=c, scheme=index.scheme.name))
            if not 0 <= float(v) <= 100:
                raise MethodError(reason=because("an_ceiling_not_pct",
                                                 "the ceiling of {component} is {value} (expected a percentage in "
                                                 "0–100)", component=c, value=v))
            u[c] = float(v)
    s = index.values.loc[index.components]
    # A ceiling below the current value cannot lower it: the component simply cannot rise.
    return np.maximum(u, s)


def lift(index: PARIndex, cost_model: str = "gap", *, ceilings: pd.Series | dict | None = None,
         costs: pd.Series | dict | None = None, actions: pd.DataFrame | None = None) -> LiftResult:
    """Find the cheapest new value of every component such that the total meets the target.

    Parameters
    ----------
    index : PARIndex
        Starting values, scheme, target and bound (``>=`` reach; ``>`` exceed by 0,01).
    cost_model : {"gap", "linear", "actions"}
        See the module notes.
    ceilings : Series or dict, optional
        Highest value per component (default 100), e.g. the best any peer reached.
    costs : Series or dict
        For ``linear``: cost per percentage point, per component.
    actions : DataFrame
        For ``actions``: columns ``action, component, gain, cost`` (and ``lead_units``, ``deadline``).

    Returns
    -------
    LiftResult
        ``changes`` lists components that move: ``from_pct, to_pct, gain_total, cost, lead_units``.

    Examples
    --------
    >>> res = lift(idx)
    >>> res.changes.index.tolist()
    ['C6', 'C8']
    """
    if cost_model not in COST_MODELS:
        raise MethodError(reason=because("an_unknown_cost_model",
                                         'cost model "{model}" is not known (expected one of {allowed})',
                                         model=cost_model, allowed=", ".join(COST_MODELS)))
    require_components(index)
    u = _ceilings(index, ceilings)
    s = index.values.loc[index.components].astype(float)
    w = index.weights
    # The optimiser moves the components, so it works on the recomputed total (a scenario's total is always
    # recomputed); what is not their weighted sum — bonus and penalty points — carries over.
    base = index.total - float(np.dot(w, s))
    need = required_value(index.target, index.bound) - base
    if cost_model == "gap":
        x, cost, feasible, reach = _solve_gap(s, u, w, need)
        chosen = pd.DataFrame()
        per_cost = pd.Series(np.log(np.where(u - s > 0, (u - s) / np.maximum(u - x, 1e-300), 1.0)), index=s.index)
    elif cost_model == "linear":
        if costs is None:
            raise MethodError(reason=because("an_linear_needs_costs", "the linear cost model needs costs per "
                                             "percentage point (--costs FILE)"))
        c = pd.Series(costs, dtype=float).reindex(s.index)
        if c.isna().any():
            raise MethodError(reason=because("an_costs_lack", "costs lack {missing} (expected a cost for every "
                                             "component)", missing=", ".join(c.index[c.isna()]),
                                             components=list(c.index[c.isna()])))
        x, cost, feasible, reach = _solve_linear(s, u, w, c, need)
        per_cost = c * (x - s)
        chosen = pd.DataFrame()
    else:
        if actions is None or actions.empty:
            raise MethodError(reason=because("an_actions_needs_catalogue", "the actions cost model needs a catalogue "
                                             "of actions (--actions FILE)"))
        x, cost, feasible, reach, chosen = _solve_actions(s, u, w, actions, need)
        per_cost = chosen.groupby("component")["cost"].sum().reindex(s.index).fillna(0.0) if not chosen.empty \
            else pd.Series(0.0, index=s.index)
    moved = (x - s) > 1e-7
    changes = pd.DataFrame({
        "from_pct": s[moved], "to_pct": x[moved], "gain_total": (w * (x - s))[moved],
        "cost": per_cost[moved], "lead_units": index.lead_units.reindex(s.index)[moved],
    })
    changes.index.name = "component"
    changes = changes.sort_values("gain_total", ascending=False)
    total_after = float(np.dot(w, x)) + base
    return LiftResult(index.unit, index.year, index.period, index.scheme.name, cost_model, index.target,
                      index.bound, index.display_total, total_after, feasible, reach + base, changes,
                      float(cost) if feasible else None, chosen, cost_reason=None if feasible else UNREACHABLE)


def require_components(index: PARIndex) -> None:
    """Refuse, in one sentence, an analysis that needs the components of a unit that has only its total.

    Raises
    ------
    MethodError
        Saying which data the analysis needs.
    """
    if not index.can_total:
        raise MethodError(reason=because("an_needs_components", '"{unit}" {label}: this needs the components of '
                                         "the total and a scheme that totals them ({why})", unit=index.unit,
                                         label=index.label, point=(index.year, index.period),
                                         why=index.no_totals_reason))


def _solve_gap(s: pd.Series, u: pd.Series, w: pd.Series, need: float) -> tuple[pd.Series, float, bool, float]:
    """Minimise Σ ln((u−s)/(u−x)) subject to Σ w·x ≥ need, s ≤ x < u (exact, from the KKT conditions)."""
    sv, uv, wv = s.to_numpy(float), u.to_numpy(float), w.to_numpy(float)
    reach = float(wv @ uv)
    if float(wv @ sv) >= need - _TOL:
        return s.copy(), 0.0, True, reach
    if reach <= need + _TOL:  # the ceiling itself is reachable only at infinite effort
        return s.copy(), float("inf"), False, reach
    movable = ((uv - sv) > _TOL) & (wv > 0)
    um, sm, wm = uv[movable], sv[movable], wv[movable]

    def x_of(lam: float) -> np.ndarray:
        x = sv.copy()
        x[movable] = np.maximum(sm, um - 1.0 / (lam * wm))
        return x

    def excess(lam: float) -> float:
        return float(wv @ x_of(lam)) - need

    lo = float((1.0 / (wm * (um - sm))).min())  # below this λ nothing moves
    hi = lo * 2
    while excess(hi) < 0:
        hi *= 2
    lam = optimize.brentq(excess, lo, hi, xtol=1e-14, rtol=1e-14, maxiter=500)
    x = x_of(lam)
    cost = float(np.log((um - sm) / (um - x[movable])).sum())
    return pd.Series(x, index=s.index), cost, True, reach


def _solve_linear(s: pd.Series, u: pd.Series, w: pd.Series, c: pd.Series,
                  need: float) -> tuple[pd.Series, float, bool, float]:
    """Minimise Σ c·(x − s) subject to Σ w·x ≥ need, s ≤ x ≤ u (linear programme, HiGHS)."""
    reach = float(np.dot(w, u))
    if float(np.dot(w, s)) >= need - _TOL:
        return s.copy(), 0.0, True, reach
    if reach < need - _TOL:
        return s.copy(), 0.0, False, reach
    res = optimize.linprog(c.to_numpy(), A_ub=-w.to_numpy()[None, :], b_ub=[-need],
                           bounds=list(zip(s, u, strict=True)), method="highs")
    if res.status != 0:
        raise MethodError(reason=because("an_lp_failed", "the linear programme failed: {error}", error=res.message))
    x = pd.Series(res.x, index=s.index)
    return x, float(np.dot(c, x - s)), True, reach


def _solve_actions(s: pd.Series, u: pd.Series, w: pd.Series, actions: pd.DataFrame,
                   need: float) -> tuple[pd.Series, float, bool, float, pd.DataFrame]:
    """Cheapest set of actions whose gains (capped at each ceiling) reach ``need`` (integer programme)."""
    acts = actions[actions["component"].isin(s.index)].reset_index(drop=True)
    comps = list(s.index)
    n, k = len(acts), len(comps)
    headroom = (u - s).to_numpy()
    gains_by_comp = acts.groupby("component")["gain"].sum().reindex(comps).fillna(0.0).to_numpy()
    before = float(np.dot(w, s))
    reach = before + float(np.dot(w, np.minimum(headroom, gains_by_comp)))
    empty = acts.iloc[0:0]
    if before >= need - _TOL:
        return s.copy(), 0.0, True, reach, empty
    if reach < need - _TOL or n == 0:
        return s.copy(), 0.0, False, reach, empty
    # Variables: y (n binaries: take action j), z (k continuous: realised rise of component i).
    cost = np.concatenate([acts["cost"].to_numpy(float), np.zeros(k)])
    member = np.zeros((k, n))
    member[[comps.index(c) for c in acts["component"]], np.arange(n)] = acts["gain"].to_numpy(float)
    a_link = np.hstack([-member, np.eye(k)])                       # z_i − Σ gain·y ≤ 0
    a_goal = np.concatenate([np.zeros(n), w.to_numpy()])[None, :]  # Σ w·z ≥ need − before
    constraints = [optimize.LinearConstraint(a_link, -np.inf, 0.0),
                   optimize.LinearConstraint(a_goal, need - before, np.inf)]
    bounds = optimize.Bounds(np.zeros(n + k), np.concatenate([np.ones(n), headroom]))
    res = optimize.milp(cost, constraints=constraints, bounds=bounds,
                        integrality=np.concatenate([np.ones(n), np.zeros(k)]))
    if res.status != 0:
        raise MethodError(reason=because("an_milp_failed", "the integer programme failed: {error}",
                                         error=res.message))
    y = res.x[:n] > 0.5
    chosen = acts[y].copy()
    rise = np.minimum(headroom, member[:, y].sum(axis=1))
    x = s + pd.Series(rise, index=comps)
    return x, float(chosen["cost"].sum()), True, reach, chosen


@dataclass(frozen=True)
class PlanTargets:
    """The plan's own component targets, totalled, and which single misses would break the goal."""

    total_at_targets: float
    slack: float
    table: pd.DataFrame
    goal_met: bool


def plan_targets(index: PARIndex) -> PlanTargets:
    """The total if every component target is met exactly at its bound, and each single miss.

    ``table`` is indexed by component: ``current, target, bound, total_if_missed, breaks_goal``; a
    miss leaves the component at its current value. Components without a target stay as they are.

    Examples
    --------
    >>> round(plan_targets(idx).total_at_targets, 2)
    81.89
    """
    require_components(index)
    s = index.values.loc[index.components]
    t = pd.Series({c: (index.target_of(c) or (s[c], "="))[0] for c in index.components})
    b = pd.Series({c: (index.target_of(c) or (None, None))[1] for c in index.components})
    w = index.weights
    at_targets = float(np.dot(w, t)) + index.adjustment
    rows = []
    for c in index.components:
        missed = at_targets - w[c] * (t[c] - s[c])
        rows.append({"component": c, "current": s[c], "target": t[c], "bound": b[c], "total_if_missed": missed,
                     "breaks_goal": not met(missed, index.target, index.bound),
                     "lead_units": index.lead_units.get(c)})
    table = pd.DataFrame(rows).set_index("component")
    return PlanTargets(at_targets, at_targets - index.target, table, met(at_targets, index.target, index.bound))


def peer_ceilings(scores: pd.DataFrame, index: PARIndex) -> pd.Series:
    """The best value any unit of the same level reached at the same point, per component.

    A realistic ceiling for :func:`lift`: what a peer has shown can be done. Components no peer
    reported keep the default ceiling (100).
    """
    rows = scores[(scores["kind"] == "actual") & (scores["level"] == index.level) & (scores["year"] == index.year)
                  & (scores["period"] == index.period) & scores["component"].isin(index.components)
                  & (scores["unit"] != index.unit)]
    return rows.groupby("component")["value_pct"].max().reindex(index.components).fillna(100.0)


def single_component(index: PARIndex, ceilings: pd.Series | dict | None = None) -> pd.DataFrame:
    """How far each component alone would have to rise for the total to meet the target.

    Returns
    -------
    DataFrame
        Indexed by component: ``current, needed, rise, ceiling, feasible`` (``needed`` is NaN when
        the ceiling is too low for that component alone).
    """
    require_components(index)
    u = _ceilings(index, ceilings)
    s = index.values.loc[index.components]
    short = required_value(index.target, index.bound) - index.total
    needed = s + max(short, 0.0) / index.weights
    feasible = needed <= u + _TOL
    return pd.DataFrame({"current": s, "needed": needed.where(feasible), "rise": (needed - s).where(feasible),
                         "ceiling": u, "feasible": feasible})
