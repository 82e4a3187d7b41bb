"""The group lift's exact solvers, vectorised over units (rows) × components (columns).

Costs are separable by unit. Each unit's own cheapest lift: the ``gap`` model in closed form by water-filling
(every moving component ends with the same weighted remaining gap, as
:func:`~parindex_lib.analyses.lift.lift` finds by root-finding), ``linear`` by the ratio rule of a
one-constraint linear programme, ``actions`` by an integer programme per unit; then which units to lift, an
integer programme over the units (``scipy.optimize.milp``, HiGHS).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize

from parindex_lib.analyses.peers.groups import _TOL
from parindex_lib.errors import MethodError, because


def water_fill(gaps: np.ndarray, need: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The gap model's optimum for many independent problems at once (one per row), exactly.

    Row i minimises Σⱼ ln(gᵢⱼ/rᵢⱼ) over weighted remaining gaps 0 < rᵢⱼ ≤ gᵢⱼ (gᵢⱼ = wᵢⱼ·(uᵢⱼ − sᵢⱼ)) such that
    the gain Σⱼ (gᵢⱼ − rᵢⱼ) ≥ needᵢ. The optimum leaves every moving component the same weighted remaining
    gap μᵢ (and the others where they are): with the m largest gaps moving, μ = (Σ_top-m g − need)/m.

    Returns
    -------
    (mu, cost)
        Per row; ``mu`` is inf and ``cost`` 0 where nothing must move, ``mu`` NaN and ``cost`` inf where the
        need is not below the total gap (the ceilings are reachable only at infinite effort).

    Examples
    --------
    Two components with weighted gaps 4 and 1 and a need of 3: both end 1 short, at cost ln 4 + ln 1.

    >>> mu, cost = water_fill(np.array([[4.0, 1.0]]), np.array([3.0]))
    >>> float(mu[0]), round(float(cost[0]), 6)
    (1.0, 1.386294)
    """
    g = np.asarray(gaps, dtype=float)
    need = np.asarray(need, dtype=float)
    n, k = g.shape
    order = np.argsort(-g, axis=1)
    sorted_g = np.take_along_axis(g, order, axis=1)
    cum = np.cumsum(sorted_g, axis=1)
    m = np.arange(1, k + 1)
    mu_m = (cum - need[:, None]) / m
    nxt = np.concatenate([sorted_g[:, 1:], np.zeros((n, 1))], axis=1)
    valid = (mu_m >= nxt - 1e-12) & (mu_m > 0) & (sorted_g > 0)
    first = np.where(valid.any(axis=1), valid.argmax(axis=1), -1)
    rows = np.arange(n)
    mu = np.where(first >= 0, mu_m[rows, np.maximum(first, 0)], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(g > mu[:, None], np.log(g / mu[:, None]), 0.0)
    cost = np.where(first >= 0, terms.sum(axis=1), np.inf)
    done = need <= _TOL
    return np.where(done, np.inf, mu), np.where(done, 0.0, cost)


def _unit_plans_gap(s, u, w, need) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's cheapest new values under the gap model, and its cost (inf where unreachable)."""
    gaps = w * (u - s)
    mu, cost = water_fill(gaps, need)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where((gaps > mu[:, None]) & (w > 0), u - mu[:, None] / np.where(w > 0, w, 1.0), s)
    x = np.where(np.isfinite(cost)[:, None], x, s)
    return x, cost


def _unit_plans_linear(s, u, w, c, need) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's cheapest new values when a point of each component has a price (the ratio rule: buy the
    cheapest gain first — the optimum of a linear programme with one constraint), and its cost."""
    cap = w * (u - s)  # gain in points of total each component can give
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(w > 0, c / w, np.inf)
    order = np.argsort(ratio, axis=1, kind="stable")
    cap_sorted = np.take_along_axis(cap, order, axis=1)
    before = np.cumsum(cap_sorted, axis=1) - cap_sorted
    take = np.clip(need[:, None] - before, 0.0, cap_sorted)
    gain = np.empty_like(take)
    np.put_along_axis(gain, order, take, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(w > 0, gain / np.where(w > 0, w, 1.0), 0.0)
    feasible = cap.sum(axis=1) >= need - _TOL
    cost = np.where(feasible, (c * d).sum(axis=1), np.inf)
    return np.where(feasible[:, None], s + d, s), cost


def _expand_actions(actions: pd.DataFrame, units: list[str], comps: list[str]) -> pd.DataFrame:
    """The catalogue per unit: a row with a ``unit`` applies to that unit, one without to every unit."""
    acts = actions[actions["component"].isin(comps)].copy()
    if "unit" not in acts.columns:
        acts["unit"] = None
    general = acts[acts["unit"].isna() | (acts["unit"] == "")]
    own = acts[acts["unit"].isin(units)]
    every = general.drop(columns="unit").merge(pd.DataFrame({"unit": units}), how="cross")
    out = pd.concat([own, every], ignore_index=True)
    for col in ("lead_units", "action"):
        if col not in out.columns:
            out[col] = None
    return out


def _solve_actions_block(s: np.ndarray, u: np.ndarray, w: np.ndarray, acts: pd.DataFrame, row_of: dict,
                         col_of: dict, need_total: float, weight_scale: np.ndarray | None = None):
    """Cheapest set of actions (rows of ``acts``, each a unit's) whose gains, capped at each ceiling, raise
    Σ (scaled) weighted values by ``need_total``: an integer programme (HiGHS). Returns (chosen rows, rise)."""
    n_act = len(acts)
    cells = sorted({(row_of[r], col_of[c]) for r, c in zip(acts["unit"], acts["component"], strict=True)})
    index = {cell: i for i, cell in enumerate(cells)}
    k = len(cells)
    if n_act == 0 or k == 0:
        return None, None
    scale = weight_scale if weight_scale is not None else np.ones(len(s))
    cell_w = np.array([w[i, j] * scale[i] for i, j in cells])
    head = np.array([u[i, j] - s[i, j] for i, j in cells])
    link = np.zeros((k, n_act))
    at = [index[(row_of[r], col_of[c])] for r, c in zip(acts["unit"], acts["component"], strict=True)]
    link[at, np.arange(n_act)] = acts["gain"].to_numpy(float)
    cost = np.concatenate([acts["cost"].to_numpy(float), np.zeros(k)])
    constraints = [optimize.LinearConstraint(np.hstack([-link, np.eye(k)]), -np.inf, 0.0),
                   optimize.LinearConstraint(np.concatenate([np.zeros(n_act), cell_w])[None, :], need_total, np.inf)]
    bounds = optimize.Bounds(np.zeros(n_act + k), np.concatenate([np.ones(n_act), head]))
    res = optimize.milp(cost, constraints=constraints, bounds=bounds,
                        integrality=np.concatenate([np.ones(n_act), np.zeros(k)]))
    if res.status == 2:  # infeasible
        return None, None
    if res.status != 0:
        raise MethodError(reason=because("an_milp_failed", "the integer programme failed: {error}",
                                         error=res.message))
    y = res.x[:n_act] > 0.5
    rise = np.zeros_like(s)
    gains = link[:, y].sum(axis=1)
    for (i, j), g_ij in zip(cells, gains, strict=True):
        rise[i, j] = min(u[i, j] - s[i, j], g_ij)
    return acts[y], rise


def _unit_plans_actions(s, u, w, acts: pd.DataFrame, need, units: list[str], comps: list[str]):
    """Each unit's cheapest set of its actions reaching its need (an integer programme per unit short of it)."""
    x, cost = s.copy(), np.where(need <= _TOL, 0.0, np.inf)
    chosen = []
    col_of = {c: j for j, c in enumerate(comps)}
    by_unit = dict(tuple(acts.groupby("unit", sort=False))) if not acts.empty else {}
    for i in np.flatnonzero(need > _TOL):
        mine = by_unit.get(units[i])
        if mine is None:
            continue
        reach = (w[i] * np.minimum(u[i] - s[i], mine.groupby("component")["gain"].sum().reindex(comps)
                                   .fillna(0.0).to_numpy())).sum()
        if reach < need[i] - _TOL:
            continue
        picked, rise = _solve_actions_block(s[i:i + 1], u[i:i + 1], w[i:i + 1], mine, {units[i]: 0}, col_of, need[i])
        if picked is None:
            continue
        x[i] = s[i] + rise[0]
        cost[i] = float(picked["cost"].sum())
        chosen.append(picked)
    return x, cost, (pd.concat(chosen, ignore_index=True) if chosen else acts.iloc[0:0])


def _select_units(cost: np.ndarray, more: int) -> np.ndarray:
    """Which units to lift: the cheapest ``more`` of those that can reach the target, as an integer programme
    (min Σ costᵢ·zᵢ subject to Σ zᵢ ≥ more; HiGHS). Ties go to the earlier unit."""
    can = np.flatnonzero(np.isfinite(cost))
    chosen = np.zeros(len(cost), dtype=bool)
    if more <= 0 or len(can) == 0:
        return chosen
    # A tie-break far below any cost's precision keeps the answer the same from run to run.
    c = cost[can] + np.arange(len(can)) * 1e-12
    res = optimize.milp(c, constraints=[optimize.LinearConstraint(np.ones((1, len(can))), more, np.inf)],
                        bounds=optimize.Bounds(0, 1), integrality=np.ones(len(can)))
    if res.status != 0:
        raise MethodError(reason=because("an_milp_failed", "the integer programme failed: {error}",
                                         error=res.message))
    chosen[can[res.x > 0.5]] = True
    return chosen
