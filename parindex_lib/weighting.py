"""Weighting: what each component weighs, where the points were lost, and which scheme fits.

Also infers weights from several reported totals (constrained least squares) and measures how much
the total and the ranks depend on the scheme (Monte Carlo over Dirichlet weights).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from parindex_lib.components import TOTAL
from parindex_lib.errors import MethodError, SchemeError
from parindex_lib.index import PARIndex
from parindex_lib.schemes import available_schemes, load_scheme


def contributions(index: PARIndex) -> pd.DataFrame:
    """Each component's weight, contribution to the total, points lost and marginal value.

    Returns
    -------
    DataFrame
        Indexed by component: ``weight`` (sums to 1), ``value``, ``contribution`` = wᵢ·pctᵢ (sums to
        the total), ``points_lost`` = wᵢ·(100 − pctᵢ) (sums to 100 − total), ``share_of_lost`` and
        ``marginal``: points of total that one more percentage point of the component buys (= wᵢ).

    Examples
    --------
    >>> round(float(contributions(idx)["contribution"].sum()), 4), round(idx.total, 4)
    (76.1756, 76.1756)
    """
    w = index.weights
    v = index.values.loc[index.components]
    lost = w * (100 - v)
    total_lost = float(lost.sum())
    return pd.DataFrame({
        "weight": w,
        "value": v,
        "contribution": w * v,
        "points_lost": lost,
        "share_of_lost": lost / total_lost if total_lost > 0 else 0.0,
        "marginal": w,
        "lead_units": index.lead_units.loc[index.components],
        "points": index.points.reindex(index.components),
        "max_points": index.max_points.reindex(index.components),
    })


def scheme_consistency(index: PARIndex, schemes: list[str] | None = None) -> pd.DataFrame:
    """Which schemes (of the unit's level, by default) reproduce the reported total within rounding, best first.

    Each scheme is tried on the same component values; a scheme that cannot total them (incomplete,
    or needing a component the data lacks) is listed with the reason.

    Returns
    -------
    DataFrame
        ``scheme, title_vi, title_en, recomputed, low, high, reported, residual, consistent, note``,
        consistent schemes first, then by |residual|.
    """
    rows = []
    names = schemes or [n for n in available_schemes() if load_scheme(n).level in ("", index.level)]
    for name in names:
        scheme = load_scheme(name)
        row = {"scheme": name, "title_vi": scheme.title_vi, "title_en": scheme.title_en,
               "recomputed": np.nan, "low": np.nan, "high": np.nan, "reported": index.reported_total,
               "residual": np.nan, "consistent": None, "note": ""}
        try:
            check = index.with_scheme(scheme).check_total()
        except (SchemeError, MethodError) as exc:
            row["note"] = str(exc)
        else:
            row.update(recomputed=check.recomputed, low=check.low, high=check.high,
                       residual=check.residual, consistent=check.consistent)
        rows.append(row)
    table = pd.DataFrame(rows)
    table["_order"] = table["consistent"].map({True: 0, False: 1}).fillna(2)
    table["_abs"] = table["residual"].abs()
    return table.sort_values(["_order", "_abs"]).drop(columns=["_order", "_abs"]).reset_index(drop=True)


@dataclass(frozen=True)
class WeightInference:
    """Weights estimated from reported totals, and whether the data could identify them."""

    weights: pd.Series
    residuals: pd.Series
    rmse: float
    identifiable: bool
    rank: int
    n_rows: int
    message: str


def inference_rows(scores: pd.DataFrame, components: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """Every actual result that reports a total and has all ``components``: (values, totals)."""
    actual = scores[scores["kind"] == "actual"]
    wide = actual.pivot_table(index=["unit", "year", "period"], columns="component", values="value_pct",
                              aggfunc="first")
    if TOTAL not in wide.columns or not set(components) <= set(wide.columns):
        return pd.DataFrame(columns=components), pd.Series(dtype=float)
    wide = wide.dropna(subset=[*components, TOTAL])
    return wide[components], wide[TOTAL]


def infer_weights(values: pd.DataFrame, totals: pd.Series) -> WeightInference:
    """Estimate weights from reported totals by constrained least squares (w ≥ 0, Σw = 1).

    Parameters
    ----------
    values : DataFrame
        One row per result (unit × period), one column per component, in %.
    totals : Series
        The reported total of each row.

    Returns
    -------
    WeightInference
        ``identifiable`` is False when the rows cannot pin the weights down: fewer independent rows
        (with the sum-to-one condition) than components, so many weightings fit equally well.

    Examples
    --------
    >>> X = pd.DataFrame(np.eye(3) * 100, columns=["C1", "C2", "C3"])
    >>> infer_weights(X, pd.Series([50.0, 30.0, 20.0])).weights.round(3).tolist()
    [0.5, 0.3, 0.2]
    """
    X = values.to_numpy(dtype=float)
    t = totals.to_numpy(dtype=float)
    n, k = X.shape
    rank = int(np.linalg.matrix_rank(np.vstack([X, np.ones(k)]))) if n else 0
    identifiable = rank >= k
    if n == 0:
        raise MethodError("no results with both components and a reported total to infer weights from")

    def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
        r = X @ w - t
        return float(r @ r), 2 * X.T @ r

    res = optimize.minimize(
        objective, np.full(k, 1.0 / k), jac=True, method="SLSQP",
        bounds=[(0.0, 1.0)] * k,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones_like(w)}],
        options={"ftol": 1e-14, "maxiter": 500},
    )
    if not res.success:
        raise MethodError(f"weight inference did not converge: {res.message}")
    w = np.clip(res.x, 0, None)
    w = w / w.sum()
    residuals = pd.Series(t - X @ w, index=values.index, name="residual")
    if identifiable:
        message = f"{n} results identify the {k} weights (rank {rank})."
    else:
        message = (f"{n} result(s) cannot identify {k} weights: the rows and the sum-to-one condition give rank "
                   f"{rank} < {k}, so many weightings fit equally well. Add results of more units or years.")
    return WeightInference(pd.Series(w, index=values.columns), residuals,
                           float(np.sqrt(np.mean(residuals.to_numpy() ** 2))), identifiable, rank, n, message)


@dataclass(frozen=True)
class Sensitivity:
    """How the total (and the ranks) move when the weights vary around the scheme."""

    totals: np.ndarray
    p_meets_target: float
    quantiles: pd.Series
    rank_intervals: pd.DataFrame | None
    concentration: float
    draws: int


def dirichlet_weights(weights: np.ndarray, concentration: float, draws: int,
                      rng: np.random.Generator) -> np.ndarray:
    """Draw weight vectors around ``weights`` (Dirichlet with α = concentration·w), shape (draws, k)."""
    if concentration <= 0:
        raise MethodError("concentration must be positive (larger = weights closer to the scheme)")
    return rng.dirichlet(concentration * np.asarray(weights) * len(weights), size=draws)


def weight_sensitivity(index: PARIndex, *, concentration: float = 50.0, draws: int = 100_000,
                       seed: int = 0, peers: pd.DataFrame | None = None) -> Sensitivity:
    """Monte Carlo over weights drawn around the scheme: the total's distribution and rank intervals.

    Parameters
    ----------
    index : PARIndex
        The unit and its scheme.
    concentration : float
        The Dirichlet concentration per component (α = concentration·k·wᵢ): 50 keeps each equal
        weight of 1/9 within about ±0,03 (95%: sd = √(50·400 / (450²·451)) ≈ 0,015).
    draws : int
        Number of weight vectors.
    seed : int
        Random seed, for reproducible reports.
    peers : DataFrame, optional
        Other units' values (rows = units, columns = components); with them, each unit's rank
        interval (2,5–97,5%) over the draws.
    """
    rng = np.random.default_rng(seed)
    w = dirichlet_weights(index.weights.to_numpy(), concentration, draws, rng)
    own = index.values.loc[index.components].to_numpy()
    totals = w @ own + index.adjustment  # bonus and penalty points do not depend on the weights
    hit = totals > index.target + 1e-9 if index.bound == ">" else totals >= index.target - 1e-9
    p = float(hit.mean())
    quantiles = pd.Series(np.quantile(totals, [0.025, 0.5, 0.975]), index=["q025", "median", "q975"])
    intervals = None
    if peers is not None and not peers.empty:
        table = peers.loc[:, index.components].copy()
        table.loc[index.unit] = own
        all_totals = w @ table.to_numpy().T  # (draws, units)
        ranks = (-all_totals).argsort(axis=1).argsort(axis=1) + 1
        intervals = pd.DataFrame({
            "rank_low": np.quantile(ranks, 0.025, axis=0).round().astype(int),
            "rank_median": np.median(ranks, axis=0).round().astype(int),
            "rank_high": np.quantile(ranks, 0.975, axis=0).round().astype(int),
            "total_at_scheme": table.to_numpy() @ index.weights.to_numpy(),
        }, index=table.index).sort_values("total_at_scheme", ascending=False)
    return Sensitivity(totals, p, quantiles, intervals, concentration, draws)


def peer_values(scores: pd.DataFrame, index: PARIndex) -> pd.DataFrame:
    """The other units of the same level with results at the index's point (rows = units)."""
    rows = scores[(scores["kind"] == "actual") & (scores["year"] == index.year) & (scores["period"] == index.period)
                  & (scores["level"] == index.level) & (scores["unit"] != index.unit)]
    wide = rows.pivot_table(index="unit", columns="component", values="value_pct", aggfunc="first")
    if not set(index.components) <= set(wide.columns):
        return pd.DataFrame(columns=index.components)
    return wide[index.components].dropna()
