"""Weighting: what each component weighs, where the points were lost, and which scheme fits.

Also infers weights from several reported totals (constrained least squares) and measures how much
the total and the ranks depend on the scheme (Monte Carlo over Dirichlet weights).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize

from parindex_lib.errors import MethodError, SchemeError, because
from parindex_lib.io import file_version
from parindex_lib.model.components import TOTAL
from parindex_lib.model.index import PARIndex
from parindex_lib.model.schema import derived
from parindex_lib.model.schemes import available_schemes, load_scheme


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
        consistent schemes first, then by |residual|; ``note`` is why a scheme cannot total (a
        :class:`~parindex_lib.errors.Reason` where the model gives one, else its text), else empty.
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
            row["note"] = exc.reason or str(exc)  # said in the page's language
        else:
            row.update(recomputed=check.recomputed, low=check.low, high=check.high,
                       residual=np.nan if check.residual is None else check.residual,  # no reported total
                       consistent=check.consistent)
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
    wide = actual_wide(scores)
    if TOTAL not in wide.columns or not set(components) <= set(wide.columns):
        return pd.DataFrame(columns=components), pd.Series(dtype=float)
    wide = wide.dropna(subset=[*components, TOTAL]).droplevel("level")
    wide = wide.reorder_levels(["unit", "year", "period"]).sort_index()
    return wide[components], wide[TOTAL]


def inferred_weights(scores: pd.DataFrame, components: list[str]) -> WeightInference | None:
    """:func:`infer_weights` over every reported total in ``scores`` (the same for every unit with these
    components: computed once per table and kept); None when no result has them all."""
    def make(frame: pd.DataFrame) -> WeightInference | None:
        values, totals = inference_rows(frame, components)
        return None if values.empty else infer_weights(values, totals)
    return derived(scores, "inference:" + ",".join(components), make)


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
        raise MethodError(reason=because("an_nothing_to_infer_from", "no results with both components and a reported "
                                         "total to infer weights from"))

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
        raise MethodError(reason=because("an_inference_diverged", "weight inference did not converge: {error}",
                                         error=res.message))
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
        raise MethodError(reason=because("an_concentration_not_positive", "concentration must be positive (larger = "
                                         "weights closer to the scheme)"))
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
        interval (2,5–97,5%) over the same draws (:func:`rank_intervals`). A batch computes these
        once per run for every unit instead (:func:`peer_rank_intervals`).
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
        intervals = rank_intervals(table, index.weights, concentration=concentration, draws=draws, seed=seed)
    return Sensitivity(totals, p, quantiles, intervals, concentration, draws)


#: Ranks computed per block of draws are at most this many cells (draws × units): ~32 MB per array.
RANK_BLOCK_CELLS = 4_000_000


def rank_intervals(values: pd.DataFrame, weights: pd.Series, *, concentration: float = 50.0, draws: int = 100_000,
                   seed: int = 0, block_cells: int = RANK_BLOCK_CELLS) -> pd.DataFrame:
    """Every unit's rank interval (2,5–97,5%) and median rank when the weights vary around ``weights``.

    The draws are those of :func:`weight_sensitivity` with the same seed. They are taken in blocks,
    and each unit's ranks are counted (a units × ranks table), so memory stays bounded whatever the
    number of draws: about 0,3 GB at 3 321 units. The quantiles are exactly ``numpy.quantile``'s
    (linear interpolation) over all draws.

    Parameters
    ----------
    values : DataFrame
        Rows = units, columns = the components of ``weights``, in %.
    weights : Series
        The scheme's weights (sum to 1).

    Returns
    -------
    DataFrame
        Indexed by unit: ``rank_low``, ``rank_median``, ``rank_high`` and ``total_at_scheme``, best
        total first.

    Examples
    --------
    Two units tied at the scheme trade first place as the weights move; the third is always last:

    >>> v = pd.DataFrame({"C1": [90.0, 50.0, 60.0], "C2": [50.0, 90.0, 60.0]}, index=["A", "B", "C"])
    >>> rank_intervals(v, pd.Series({"C1": 0.5, "C2": 0.5}), draws=1000)[["rank_low", "rank_high"]]
       rank_low  rank_high
    A         1          2
    B         1          2
    C         3          3
    """
    x = values.loc[:, weights.index].to_numpy(dtype=float)
    n = len(x)
    rng = np.random.default_rng(seed)
    counts = np.zeros((n, n), dtype=np.int64)  # counts[u, r - 1]: draws in which unit u ranked r
    block = max(1, min(draws, block_cells // max(n, 1)))
    positions = np.arange(1, n + 1)
    flat = np.arange(n) * n
    for start in range(0, draws, block):
        w = dirichlet_weights(weights.to_numpy(), concentration, min(block, draws - start), rng)
        order = (-(w @ x.T)).argsort(axis=1)  # as argsort().argsort(): the same ranks, one sort fewer
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, positions[None, :], axis=1)
        counts += np.bincount((flat[None, :] + ranks - 1).ravel(), minlength=n * n).reshape(n, n)
    cumulative = counts.cumsum(axis=1)

    def quantile(q: float) -> np.ndarray:
        h = (draws - 1) * q
        lo = int(np.floor(h))
        hi = min(lo + 1, draws - 1)
        at_lo = (cumulative <= lo).sum(axis=1) + 1  # the (lo+1)-th smallest rank of each unit
        at_hi = (cumulative <= hi).sum(axis=1) + 1
        return at_lo + (h - lo) * (at_hi - at_lo)

    return pd.DataFrame({
        "rank_low": np.round(quantile(0.025)).astype(int),
        "rank_median": np.round(quantile(0.5)).astype(int),
        "rank_high": np.round(quantile(0.975)).astype(int),
        "total_at_scheme": x @ weights.to_numpy(),
    }, index=values.index).sort_values("total_at_scheme", ascending=False)


def actual_wide(scores: pd.DataFrame) -> pd.DataFrame:
    """Every actual result as one row per (level, unit, year, period) and one column per component,
    built once per scores table (pages ask for it again and again)."""
    def make(frame: pd.DataFrame) -> pd.DataFrame:
        actual = frame[frame["kind"] == "actual"]
        return actual.pivot_table(index=["level", "year", "period", "unit"], columns="component",
                                  values="value_pct", aggfunc="first")
    return derived(scores, "actual_wide", make)


def peer_values(scores: pd.DataFrame, index: PARIndex, include_self: bool = False) -> pd.DataFrame:
    """The units of the same level with all of the index's components at its point (rows = units);
    without the unit itself unless ``include_self``."""
    wide = actual_wide(scores)
    key = (index.level, index.year, index.period)
    if not set(index.components) <= set(wide.columns) or key not in wide.index.droplevel("unit"):
        return pd.DataFrame(columns=index.components)
    rows = wide.xs(key, level=("level", "year", "period"))[index.components].dropna()
    return rows if include_self else rows.drop(index=index.unit, errors="ignore")


def peer_group_key(values: pd.DataFrame, weights: pd.Series, concentration: float, draws: int, seed: int) -> str:
    """A short fingerprint of a rank-interval computation: the same units, values, weights and draws give
    the same key, so a page can find its group's intervals among those a run computed."""
    digest = hashlib.sha256()
    spec = [list(map(str, values.index)), list(values.columns), [round(float(w), 12) for w in weights],
            concentration, draws, seed]
    digest.update(json.dumps(spec, ensure_ascii=False).encode("utf-8"))
    digest.update(np.ascontiguousarray(values.to_numpy(dtype=float).round(9)).tobytes())
    return digest.hexdigest()[:16]


#: Rank intervals computed in this process, by group key (a page computes its group's only once).
_INTERVALS: dict[str, pd.DataFrame] = {}


def peer_rank_intervals(scores: pd.DataFrame, index: PARIndex, *, concentration: float = 50.0,
                        draws: int = 100_000, seed: int = 0,
                        computed: pd.DataFrame | None = None) -> tuple[pd.DataFrame | None, str]:
    """The rank intervals of every unit of the index's peer group, and the group's key.

    ``computed``: the intervals a run computed once for every group (:func:`run_rank_intervals`); the
    group's rows are taken from it when present, else computed here (and kept for this process).
    None when the unit has no peers with the same components.
    """
    values = peer_values(scores, index, include_self=True)
    if len(values) < 2:
        return None, ""
    key = peer_group_key(values, index.weights, concentration, draws, seed)
    if computed is not None and not computed.empty:
        rows = computed[computed["group"] == key]
        if not rows.empty:
            return rows.drop(columns="group").set_index("unit"), key
    if key not in _INTERVALS:
        if len(_INTERVALS) > 16:
            _INTERVALS.clear()
        _INTERVALS[key] = rank_intervals(values, index.weights, concentration=concentration, draws=draws, seed=seed)
    return _INTERVALS[key], key


def run_rank_intervals(scores: pd.DataFrame, indices: list[PARIndex], *, concentration: float = 50.0,
                       draws: int = 100_000, seed: int = 0) -> pd.DataFrame:
    """The rank intervals of every peer group of ``indices``, each group computed once (a batch's table).

    Returns
    -------
    DataFrame
        ``group, unit, rank_low, rank_median, rank_high, total_at_scheme``: one row per unit and group.
    """
    frames, seen = [], set()
    for index in indices:
        if not index.can_total:
            continue
        values = peer_values(scores, index, include_self=True)
        if len(values) < 2:
            continue
        key = peer_group_key(values, index.weights, concentration, draws, seed)
        if key in seen:
            continue
        seen.add(key)
        table = rank_intervals(values, index.weights, concentration=concentration, draws=draws, seed=seed)
        frames.append(table.rename_axis("unit").reset_index().assign(group=key))
    columns = ["group", "unit", "rank_low", "rank_median", "rank_high", "total_at_scheme"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


_LOADED: dict[tuple, pd.DataFrame] = {}


def load_rank_intervals(path: str | Path) -> pd.DataFrame | None:
    """A run's table of rank intervals (``peer_ranks.csv``), read once per file version; None when absent."""
    key = file_version(Path(path)) if path else None
    if key is None:
        return None
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = pd.read_csv(path, dtype={"group": str, "unit": object})
    return _LOADED[key]
