"""Trends: how each component is moving, and where it stands against its target.

Changes are in percentage points between consecutive results (final or interim). For interim
quarters the year-end value is projected with a Theil–Sen slope (``scipy.stats.theilslopes``),
robust to one odd quarter, and capped to 0–100.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from parindex_lib.errors import MethodError, because
from parindex_lib.model.components import TOTAL, adjustments, codes
from parindex_lib.model.index import PARIndex, met, required_value
from parindex_lib.model.schema import PERIODS, derived, unit_rows

STATUSES = ["met", "on_track", "at_risk", "off_track", "needs_change"]


def _period_order(period: str) -> int:
    return PERIODS.index(period)


def history(scores: pd.DataFrame, unit: str, scheme_weights: pd.Series | None = None,
            level: str | None = None) -> pd.DataFrame:
    """Every actual result of ``unit`` in time order, one row per result, one column per component.

    ``TOTAL`` keeps every reported total as reported; only a result without one gets the total
    recomputed with ``scheme_weights`` (when given and every component is present), its bonus and penalty
    points added as the index adds them (÷ Σ maxima, when the result carries its maxima).
    """
    if level:
        rows = unit_rows(scores, unit, level)
        rows = rows[rows["kind"] == "actual"]
    else:
        rows = scores[(scores["unit"] == unit) & (scores["kind"] == "actual")]
    wide = rows.pivot_table(index=["year", "period"], columns="component", values="value_pct", aggfunc="first")
    wide = wide.reindex(columns=[c for c in codes(include_total=True) if c in wide.columns])
    if scheme_weights is not None and not scheme_weights.empty and set(scheme_weights.index) <= set(wide.columns):
        complete = wide[list(scheme_weights.index)].notna().all(axis=1)
        recomputed = wide[list(scheme_weights.index)].fillna(0).to_numpy() @ scheme_weights.to_numpy()
        recomputed = np.clip(recomputed + _adjustment_pct(rows, scheme_weights.index, wide.index), 0, 100)
        reported = wide[TOTAL] if TOTAL in wide.columns else pd.Series(np.nan, index=wide.index)
        wide[TOTAL] = reported.where(reported.notna(), pd.Series(np.where(complete, recomputed, np.nan),
                                                                 index=wide.index))
    order = sorted(wide.index, key=lambda k: (k[0], _period_order(k[1])))
    return wide.loc[order]


def _adjustment_pct(rows: pd.DataFrame, components: pd.Index, index: pd.Index) -> np.ndarray:
    """Bonus minus penalty points of each result, in percentage points of its total (÷ Σ its components'
    maxima); 0 where a result has none (or does not carry its maxima)."""
    marked = rows[rows["component"].isin(adjustments())]
    if marked.empty:
        return np.zeros(len(index))
    signed = marked["points"].where(marked["component"] == "BONUS", -marked["points"])
    points = signed.groupby([marked["year"], marked["period"]]).sum()
    parts = rows[rows["component"].isin(components)]
    scale = parts.groupby(["year", "period"])["max_points"].sum(min_count=len(components))
    return (100.0 * points / scale).reindex(index).fillna(0.0).to_numpy()


def consecutive(before: tuple[int, str], after: tuple[int, str]) -> bool:
    """Whether two results follow each other (2023 → 2024, Q2 → Q3, Q4 → FY), so a change is "since the
    previous period"; otherwise the change spans a gap and is said as "2016 → 2022".

    Examples
    --------
    >>> consecutive((2023, "FY"), (2024, "FY")), consecutive((2016, "FY"), (2022, "FY"))
    (True, False)
    """
    (y1, p1), (y2, p2) = before, after
    if p1 == "FY" and p2 == "FY":
        return y2 == y1 + 1
    if y1 == y2:
        return _period_order(p2) == _period_order(p1) + 1
    return y2 == y1 + 1 and p1 in ("FY", "Q4") and p2 == "Q1"


def period_label(year: int, period: str) -> str:
    """``2023`` for a final result, ``Q3/2024`` for an interim one."""
    return str(year) if period == "FY" else f"{period}/{year}"


def step_label(before: tuple[int, str], after: tuple[int, str]) -> str | None:
    """``None`` between consecutive results; ``2016 → 2022`` across a gap."""
    return None if consecutive(before, after) else f"{period_label(*before)} → {period_label(*after)}"


def reference_history(scores: pd.DataFrame, level: str, regions: tuple[str, ...] = ()) -> pd.DataFrame:
    """Reference totals to compare a unit of ``level`` with: the national average, and the averages of
    ``regions`` (the data does not say which region a province lies in, so none unless named).

    Rows are (year, period), columns the reference units; only provinces have published references.
    """
    if level != "province":
        return pd.DataFrame()
    refs = derived(scores, "reference_rows", lambda f: f[f["level"].isin(["national", "region"])])
    wanted = (refs["level"] == "national") | ((refs["level"] == "region") & refs["unit"].isin(regions))
    rows = refs[wanted & (refs["component"] == TOTAL) & (refs["kind"] == "actual")]
    if rows.empty:
        return pd.DataFrame()
    wide = rows.pivot_table(index=["year", "period"], columns="unit", values="value_pct", aggfunc="first")
    return wide.loc[sorted(wide.index, key=lambda k: (k[0], _period_order(k[1])))]


def changes(scores: pd.DataFrame, unit: str, scheme_weights: pd.Series | None = None,
            level: str | None = None) -> pd.DataFrame:
    """Period-over-period change of each component and of the total, with rank changes.

    Returns a long table: ``year, period, component, value_pct, change_pp, rank, rank_change``
    (a positive ``rank_change`` is an improvement: a smaller rank number).

    Examples
    --------
    >>> changes(scores, "Tam Đường").query("component == 'C6'")["change_pp"].round(2).tolist()
    [nan, 1.7, 3.5, 2.5]
    """
    wide = history(scores, unit, scheme_weights, level)
    diff = wide.diff()
    ranks = scores[(scores["unit"] == unit) & (scores["kind"] == "actual")].pivot_table(
        index=["year", "period"], columns="component", values="rank", aggfunc="first")
    ranks = ranks.reindex(index=wide.index, columns=wide.columns).astype(float)
    rank_change = -ranks.diff()
    long = pd.DataFrame({
        "value_pct": wide.stack(future_stack=True),
        "change_pp": diff.stack(future_stack=True),
        "rank": ranks.stack(future_stack=True),
        "rank_change": rank_change.stack(future_stack=True),
    }).reset_index()
    long = long.dropna(subset=["value_pct"])
    long["rank"] = long["rank"].astype("Int64")
    return long


@dataclass(frozen=True)
class Projection:
    """A year-end projection of one component from the quarters so far."""

    value: float
    method: str
    quarters: int


def project_year_end(values: pd.Series) -> Projection:
    """Project the Q4 value from quarterly values indexed ``Q1``… (Theil–Sen; capped to 0–100).

    With one quarter the value is carried forward; with two or more, the Theil–Sen line through
    (quarter number, value) is read at quarter 4.

    Examples
    --------
    >>> project_year_end(pd.Series({"Q1": 50.0, "Q2": 52.0, "Q3": 54.0})).value
    56.0
    """
    values = values.dropna()
    x = np.array([int(p[1]) for p in values.index], dtype=float)
    y = values.to_numpy(dtype=float)
    if len(y) == 0:
        raise MethodError(reason=because("an_no_quarters", "no quarterly values to project from"))
    if len(y) == 1:
        return Projection(float(y[0]), "carried", 1)
    slope, intercept, _, _ = stats.theilslopes(y, x)
    return Projection(float(np.clip(intercept + slope * 4, 0, 100)), "theil_sen", len(y))


def target_status(index: PARIndex, scores: pd.DataFrame | None = None, risk_margin: float = 2.0) -> pd.DataFrame:
    """Where each component stands against its target for the target year.

    Parameters
    ----------
    index : PARIndex
        The starting point (a final result, or an interim quarter of the target year).
    scores : DataFrame, optional
        The tidy table, to project interim quarters to year end; without it no projection is made.
    risk_margin : float
        A projection short of its target by less than this many points is ``at_risk``, not ``off_track``.

    Returns
    -------
    DataFrame
        Indexed by component: ``value, points, target, bound, gap, required_change, projected, method, status,
        lead_units``. ``gap`` is value − target; ``required_change`` the rise still needed to meet
        the target (0 when met; a strict target needs 0,01 above). Status is one of ``met``,
        ``on_track``, ``at_risk``, ``off_track`` (interim quarters, from the projection), or
        ``needs_change`` (last year's final result against this year's target: no projection).
    """
    interim = index.period != "FY" and index.year == index.target_year
    quarters = None
    if interim and scores is not None:
        own = unit_rows(scores, index.unit, index.level)
        own = own[(own["kind"] == "actual") & (own["year"] == index.year) & own["period"].str.startswith("Q")]
        own = own[own["period"].map(_period_order) <= _period_order(index.period)]
        quarters = own.pivot_table(index="period", columns="component", values="value_pct", aggfunc="first")
    records = []
    for c in index.components:
        value = float(index.values[c])
        tgt = index.target_of(c)
        record = {"component": c, "value": value, "points": index.points.get(c, np.nan), "target": np.nan,
                  "bound": None, "gap": np.nan, "required_change": np.nan, "projected": np.nan, "method": None,
                  "status": None, "lead_units": index.lead_units.get(c)}
        if tgt is not None:
            t, b = tgt
            need = max(0.0, required_value(t, b) - value)
            record.update(target=t, bound=b, gap=value - t, required_change=need)
            if met(value, t, b):
                record["status"] = "met"
            elif quarters is not None and c in quarters.columns:
                proj = project_year_end(quarters[c])
                record.update(projected=proj.value, method=proj.method)
                if met(proj.value, t, b):
                    record["status"] = "on_track"
                elif required_value(t, b) - proj.value < risk_margin:
                    record["status"] = "at_risk"
                else:
                    record["status"] = "off_track"
            elif index.period == "FY" and index.year == index.target_year:
                record["status"] = "off_track"  # the final result of the target year missed it
            else:
                record["status"] = "needs_change"
        records.append(record)
    columns = ["component", "value", "points", "target", "bound", "gap", "required_change", "projected", "method",
               "status", "lead_units"]
    return pd.DataFrame.from_records(records, columns=columns).set_index("component")


def projected_total(index: PARIndex, status: pd.DataFrame) -> float | None:
    """The total if every component ends the year at its projection (or stays, when met/unprojected)."""
    if not index.can_total or status["projected"].isna().all():
        return None
    values = status["projected"].fillna(status["value"])  # met components keep their value
    return float(np.dot(index.weights.to_numpy(), values.loc[index.components].to_numpy()))


def total_status(index: PARIndex, scores: pd.DataFrame | None = None, status: pd.DataFrame | None = None) -> str:
    """The total's status: ``met``; for an interim quarter ``on_track``/``off_track`` from the projected
    year-end total; otherwise ``needs_change``. ``status``: the components' :func:`target_status`, when
    already computed.

    Examples
    --------
    >>> total_status(idx, scores)
    'needs_change'
    """
    if index.meets_target:
        return "met"
    projected = projected_total(index, target_status(index, scores) if status is None else status)
    if projected is None:
        return "off_track" if index.period == "FY" and index.year == index.target_year else "needs_change"
    return "on_track" if met(projected, index.target, index.bound) else "off_track"
