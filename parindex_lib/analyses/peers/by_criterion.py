"""Where a peer group loses points criterion by criterion, when its units are scored by criteria (the criteria
table written beside the scores, :mod:`parindex_lib.model.criteria_scores`).

One pass over the table's scored rows (leaves) of the group's units at the group's point, grouped by criterion:
a province's communes cost a group-by, not a loop over units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parindex_lib.analyses.peers.groups import _TOL, PeerGroup

#: The columns of :func:`criteria_losses`, after its index (``scheme``, ``criterion``).
CRITERIA_LOSS_COLUMNS = ["component", "area", "name_vi", "name_en", "max_points", "points_lost", "units_losing",
                         "units_below", "units", "threshold"]


def criteria_losses(group: PeerGroup, table: pd.DataFrame, threshold: float | None = None) -> pd.DataFrame:
    """The criteria the group's units lose most points on, summed over units, most lost first.

    Parameters
    ----------
    group : PeerGroup
        Its units, level and point select the rows.
    table : DataFrame
        The criteria table (:func:`parindex_lib.model.criteria_scores.load_criteria_table`).
    threshold : float, optional
        A unit is *below* on a criterion when its points are under ``threshold`` % of the criterion's maximum
        (default the group's target).

    Returns
    -------
    DataFrame
        Indexed by (``scheme``, ``criterion``) — units scored under different trees are never summed together —
        with ``component, area, name_vi, name_en, max_points`` (Σ over units), ``points_lost`` (Σ maximum −
        points; for a penalty criterion, the points deducted), ``units_losing`` (units short of the maximum, or
        with a deduction), ``units_below`` and ``units`` (units scored on it). Bonus criteria are left out: a
        bonus not earned is not a point lost. Empty when no unit of the group is scored by criteria.

    Examples
    --------
    >>> g = PeerGroup.from_values(pd.DataFrame({"C1": [50.0, 100.0]}, index=["A", "B"]), pd.Series({"C1": 1.0}))
    >>> rows = pd.DataFrame({"unit": ["A", "B"], "level": "commune", "year": 2025, "period": "FY",
    ...                      "criterion": "1.1", "leaf": True, "scheme": "s", "component": "C1", "area": "1",
    ...                      "name_vi": "Kế hoạch", "name_en": "Plan", "max_points": 2.0, "points": [0.0, 2.0]})
    >>> criteria_losses(g, rows)[["points_lost", "units_losing", "units_below", "units"]].to_dict("records")
    [{'points_lost': 2.0, 'units_losing': 1, 'units_below': 1, 'units': 2}]
    """
    threshold = group.target if threshold is None else float(threshold)
    rows = table[table["leaf"].astype(bool) & (table["level"] == group.key.level) & (table["year"] == group.year)
                 & (table["period"] == group.period) & table["unit"].isin(group.units)
                 & (table["component"] != "BONUS") & table["points"].notna()]
    if rows.empty:
        empty = pd.DataFrame(columns=CRITERIA_LOSS_COLUMNS, index=pd.MultiIndex.from_tuples([], names=["scheme",
                                                                                                     "criterion"]))
        return empty
    penalty = (rows["component"] == "PENALTY").to_numpy()
    points, maximum = rows["points"].to_numpy(float), rows["max_points"].to_numpy(float)
    lost = np.where(penalty, points, maximum - points)
    kept = np.where(maximum > 0, 100.0 * (maximum - lost) / np.where(maximum > 0, maximum, 1.0), 100.0)
    frame = rows.assign(_lost=lost, _losing=lost > _TOL, _below=kept < threshold - _TOL,
                        _order=np.arange(len(rows)))
    out = frame.groupby(["scheme", "criterion"], sort=False).agg(
        component=("component", "first"), area=("area", "first"), name_vi=("name_vi", "first"),
        name_en=("name_en", "first"), max_points=("max_points", "sum"), points_lost=("_lost", "sum"),
        units_losing=("_losing", "sum"), units_below=("_below", "sum"), units=("unit", "nunique"),
        _order=("_order", "min"))
    out["threshold"] = threshold
    out = out.sort_values(["points_lost", "units_below", "_order"], ascending=[False, False, True])
    return out[CRITERIA_LOSS_COLUMNS].astype({"units_losing": int, "units_below": int, "units": int})
