"""A peer group's league table, distributions, where it loses points, units below the target, and movers.

Each reads the group's wide tables (:class:`~parindex_lib.analyses.peers.groups.PeerGroup`): a few array
operations per group, whatever its size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parindex_lib.analyses.peers.groups import _TOL, PeerGroup
from parindex_lib.errors import MethodError, because
from parindex_lib.model.components import TOTAL
from parindex_lib.vn import fold

# -- the league table ------------------------------------------------------------------------------------------

def competition_rank(totals: pd.Series) -> pd.Series:
    """Ranks as published: the highest total first, ties share the best rank and the next rank is skipped
    ("1, 2, 2, 4"). Totals are compared as published, to two decimals.

    Examples
    --------
    >>> competition_rank(pd.Series([90.0, 85.004, 85.0, 70.0], index=list("abcd"))).tolist()
    [1, 2, 2, 4]
    """
    return totals.round(2).rank(method="min", ascending=False).astype("Int64")


def league_table(group: PeerGroup) -> pd.DataFrame:
    """The group's units ranked by total.

    Returns
    -------
    DataFrame
        Indexed by unit, best first: ``total, rank, rank_of, rank_source, previous, change_pp, band, meets``.
        ``rank`` is the published rank where the source gives one (``rank_source`` "published"), else the
        rank among the units held (ties share the best rank); ``rank_of`` the number the source ranked, else
        the number held. ``band`` is the band code (None where no published band holds the total).
    """
    total = group.total.dropna()
    computed = competition_rank(total)
    held = len(total)
    published = group.published_rank.reindex(total.index)
    rank = published.where(published.notna(), computed).astype("Int64")
    of = group.published_of.reindex(total.index)
    of = of.where(of.notna(), group.n_published if group.n_published and published.notna().any() else held)
    source = np.where(published.notna(), "published", "held")
    previous = group.previous.reindex(total.index)
    table = pd.DataFrame({
        "total": total, "rank": rank, "rank_of": of.astype("Int64"), "rank_source": source,
        "previous": previous, "change_pp": total - previous,
        "band": group.bands.classify(total) if group.bands is not None else pd.Series(None, index=total.index,
                                                                                      dtype=object),
        "meets": total.round(2) >= group.required_total - 1e-9,
    })
    table["band"] = table["band"].astype(object).where(table["band"].notna(), None)
    table.index.name = "unit"
    order = np.lexsort((table.index.map(fold).to_numpy(), table["rank"].astype(float).to_numpy(),
                        -table["total"].round(2).to_numpy()))
    return table.iloc[order]


# -- distributions, losses, gaps, movers -----------------------------------------------------------------------

def distribution(group: PeerGroup) -> pd.DataFrame:
    """Count, mean, median, quartiles, minimum and maximum of the total and of each component over the group,
    with the published reference of the same component (NaN where none).

    Examples
    --------
    >>> from parindex_lib.analyses.peers import build_group
    >>> distribution(build_group(scores, "province", 2023)).loc["TOTAL", ["units", "reference"]].tolist()
    [7.0, 86.98]
    """
    table = pd.concat([group.total.rename(TOTAL), group.values], axis=1)
    stats = pd.DataFrame({
        "units": table.notna().sum(), "mean": table.mean(), "median": table.median(),
        "q1": table.quantile(0.25), "q3": table.quantile(0.75), "min": table.min(), "max": table.max(),
        "std": table.std(ddof=0),
    })
    stats["reference"] = group.reference.reindex(stats.index)
    stats = stats[stats["units"] > 0]
    stats.index.name = "component"
    return stats


def losses(group: PeerGroup, threshold: float | None = None) -> pd.DataFrame:
    """Where the group loses points: per component, summed over units, best-lost first.

    ``points_lost`` is Σ (maximum − points) where every unit's maximum and points are known; ``pp_lost`` is
    Σ wᵢ·(100 − pctᵢ), the percentage points of total each component costs the units together (both as
    each unit's total is made); ``units_below`` counts units under ``threshold`` (default the target) on it.
    The order is by ``points_lost`` where known for every component, else by ``pp_lost``.

    Raises
    ------
    MethodError
        When the group has totals only: where points are lost needs the components.
    """
    comps = [c for c in group.components if c in group.values.columns]
    if not comps:
        raise MethodError(reason=because("an_group_totals_only", "the {level_code} group has totals only: where "
                                         "points are lost needs the components", level_code=group.key.level,
                                         level=group.key.level))
    threshold = group.target if threshold is None else float(threshold)
    values = group.values[comps]
    lost_pp = (group.weights[comps] * (100.0 - values)).sum() if group.can_total else \
        pd.Series(np.nan, index=comps)
    points, maxima = group.points.reindex(columns=comps), group.max_points.reindex(columns=comps)
    known = points.notna().all() & maxima.notna().all()
    table = pd.DataFrame({
        "points_lost": (maxima - points).sum().where(known), "max_points": maxima.sum().where(known),
        "pp_lost": lost_pp, "mean_pct": values.mean(), "units_below": (values < threshold - _TOL).sum(),
        "units": values.notna().sum(),
    })
    table["threshold"] = threshold
    by = "points_lost" if known.all() else "pp_lost"
    if table[by].isna().all():
        by = "units_below"
    table.index.name = "component"
    return table.sort_values([by, "units_below"], ascending=False)


def below_target(group: PeerGroup) -> pd.DataFrame:
    """Units whose total is below the target, the furthest first: ``total, gap`` (points of total still
    missing to the required total), and their band."""
    league = league_table(group)
    short = league[~league["meets"]].copy()
    short["gap"] = group.required_total - short["total"]
    return short[["total", "gap", "rank", "rank_of", "band"]].sort_values("gap", ascending=False)


def movers(group: PeerGroup, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` largest rises and falls of the total since the previous year (percentage points), among units
    with a result of their own in both years."""
    league = league_table(group).dropna(subset=["change_pp"])
    cols = ["previous", "total", "change_pp", "rank", "rank_of"]
    up = league[league["change_pp"] > _TOL].sort_values("change_pp", ascending=False).head(n)[cols]
    down = league[league["change_pp"] < -_TOL].sort_values("change_pp").head(n)[cols]
    return up, down
