"""Peer groups: a province's communes (or wards, or departments), or the provinces, seen together.

A peer group is the units of one level at one point (year, period) that the data places together: the same
province and the same ranking block where the data says so (the ``province`` and ``group`` columns of the
tidy table; a unit's province is never guessed). Everything here works on one wide table per group (units ×
components), built once, so a province's 3 321 communes cost a few array operations, not a loop over units:

* :func:`league_table` — total, rank ``x/N`` (ties share the best rank, as published), change since the
  previous year in percentage points, classification band (scheme data, :mod:`parindex_lib.model.bands`);
* :func:`distribution` — mean, median, quartiles of the total and of each component, with the published
  reference (the national average for provinces) where one exists;
* :func:`losses` — the components the group loses most on (points lost summed over units where maxima are
  known, else weighted percentage points), and how many units are below a threshold on each;
* :func:`below_target`, :func:`movers`;
* :func:`group_lift` — the cheapest changes across units that bring at least N units to the target, or the
  group's mean to a target, under the cost models of :func:`parindex_lib.analyses.lift.lift`.

The group lift is exact. Costs are separable by unit, so the cheapest plan for N units is: each unit's own
cheapest lift (the ``gap`` model solved in closed form by water-filling — every moving component ends with the
same weighted remaining gap, as :func:`~parindex_lib.analyses.lift.lift` finds by root-finding; ``linear`` by
the ratio rule of a one-constraint linear programme; ``actions`` by an integer programme per unit), then the
choice of which units, an integer programme over the units (``scipy.optimize.milp``, HiGHS). For the group's
mean the units share one constraint: ``gap`` by water-filling over every unit's components at once,
``linear`` by the ratio rule, ``actions`` by one integer programme over every unit's actions. No cost is
discretised, so nothing is approximated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from parindex_lib.errors import MethodError
from parindex_lib.model.bands import Bands, bands_for
from parindex_lib.model.components import TOTAL, adjustments, codes
from parindex_lib.model.index import BOUNDS, required_value
from parindex_lib.model.schema import UNIT_LEVELS, derived
from parindex_lib.model.schemes import Scheme, default_scheme, load_scheme
from parindex_lib.vn import fold

COST_MODELS = ("gap", "linear", "actions")
GOALS = ("units", "mean")
_TOL = 1e-9


# -- membership -----------------------------------------------------------------------------------------------

def unit_places(scores: pd.DataFrame) -> pd.DataFrame:
    """Where each unit's results place it: (level, year, period, unit) → ``province``, ``group`` (the first
    value its rows at that point give; None where none does). Built once per scores table."""
    def make(frame: pd.DataFrame) -> pd.DataFrame:
        actual = frame[(frame["kind"] == "actual") & frame["level"].isin(UNIT_LEVELS)]
        places = actual.groupby(["level", "year", "period", "unit"], sort=False)[["province", "group"]].first()
        return places.astype(object).where(places.notna(), None)
    return derived(scores, "unit_places", make)


@dataclass(frozen=True)
class GroupKey:
    """Which units are peers: a level, and the province and ranking block where the data gives them."""

    level: str
    province: str | None = None
    group: str | None = None

    def slug(self) -> str:
        """A stable, readable folder name for the group's page (``commune-hai-phong-xa-dac-khu``)."""
        import hashlib
        import re

        parts = [self.level, self.province or "", self.group or ""]
        readable = re.sub(r"[^a-z0-9]+", "-", fold(" ".join(p for p in parts if p))).strip("-")[:60].strip("-")
        digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:8]
        return f"group-{readable}-{digest}"


def group_keys(scores: pd.DataFrame, year: int, period: str = "FY") -> pd.DataFrame:
    """Every peer group with results at (``year``, ``period``): ``level, province, group, units``.

    Units whose rows name no province form one group per level (the provinces themselves; a table that does
    not say where its units belong); otherwise one group per level × province × block.
    """
    places = unit_places(scores)
    try:
        at = places.xs((year, period), level=("year", "period"))
    except KeyError:
        return pd.DataFrame(columns=["level", "province", "group", "units"])
    keys = at.reset_index().fillna({"province": "", "group": ""})
    table = keys.groupby(["level", "province", "group"], sort=True).size().rename("units").reset_index()
    for col in ("province", "group"):
        table[col] = table[col].astype(object).where(table[col] != "", None)
    return table


def group_of(scores: pd.DataFrame, unit: str, level: str, year: int, period: str = "FY") -> GroupKey:
    """The peer group of one unit at a point (its level, and its province and block where its rows give them)."""
    places = unit_places(scores)
    key = (level, year, period, unit)
    if key not in places.index:
        return GroupKey(level)
    row = places.loc[key]
    return GroupKey(level, row["province"], row["group"])


# -- the group's table ----------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)  # holds frames: compare groups by their fields
class PeerGroup:
    """One peer group at one point, as wide tables (rows = units), built by :func:`build_group`.

    ``values`` holds each component's percentage (NaN where not given); ``total`` each unit's total: the
    reported one where there is one, else the components totalled with ``weights``; ``weights`` (rows = units)
    is empty when the group's components cannot be totalled (a table of totals only).
    """

    key: GroupKey
    year: int
    period: str
    values: pd.DataFrame
    total: pd.Series
    recomputed: pd.Series
    adjustment: pd.Series
    weights: pd.DataFrame
    points: pd.DataFrame
    max_points: pd.DataFrame
    published_rank: pd.Series
    published_of: pd.Series
    previous: pd.Series
    lead_units: pd.DataFrame
    target: float
    bound: str
    scheme: Scheme | None
    bands: Bands | None
    reference: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    no_totals_reason: str | None = None

    @classmethod
    def from_values(cls, values: pd.DataFrame, weights: pd.Series | pd.DataFrame, *, target: float = 80.0,
                    bound: str = "ge", level: str = "commune", year: int = 2025, period: str = "FY",
                    lead_units: pd.DataFrame | None = None, previous: pd.Series | None = None,
                    bands: Bands | None = None) -> PeerGroup:
        """A group from a table of values (rows = units, columns = components, in %) and weights (one per
        component, or one row per unit): a what-if group, or one assembled by hand.

        Examples
        --------
        >>> g = PeerGroup.from_values(pd.DataFrame({"C1": [70.0, 90.0]}, index=["A", "B"]), pd.Series({"C1": 1.0}))
        >>> g.total.tolist()
        [70.0, 90.0]
        """
        if bound not in BOUNDS:
            raise MethodError(f'bound "{bound}" is not known (expected ge or gt)')
        if isinstance(weights, pd.Series):
            weights = pd.DataFrame([weights.to_numpy()] * len(values), index=values.index, columns=weights.index)
        weights = weights.reindex(index=values.index)
        values = values.astype(float)
        total = (weights * values[list(weights.columns)]).sum(axis=1)
        units = values.index
        none_int = pd.Series(pd.NA, index=units, dtype="Int64")
        return cls(GroupKey(level), int(year), period, values, total, total, pd.Series(0.0, index=units), weights,
                   pd.DataFrame(index=units), pd.DataFrame(index=units), none_int, none_int,
                   pd.Series(np.nan, index=units) if previous is None else previous.reindex(units).astype(float),
                   lead_units if lead_units is not None else pd.DataFrame(index=units), float(target),
                   BOUNDS[bound], None, bands)

    @property
    def units(self) -> list[str]:
        return list(self.values.index)

    @property
    def components(self) -> list[str]:
        """The components the group's totals are made of (those of its scheme), or those in the data."""
        return list(self.weights.columns) if not self.weights.empty else \
            [c for c in self.values.columns if c != TOTAL]

    @property
    def can_total(self) -> bool:
        return self.no_totals_reason is None

    @property
    def required_total(self) -> float:
        return required_value(self.target, self.bound)

    @property
    def n_published(self) -> int | None:
        """How many units the source ranked (the largest ``rank_of`` given), when it says."""
        given = self.published_of.dropna()
        return int(given.max()) if not given.empty else None

    @property
    def coverage(self) -> tuple[int, int | None]:
        """(units with a total held, units the source ranked): "4 of 68 units published"."""
        return int(self.total.notna().sum()), self.n_published

    @property
    def label(self) -> str:
        """``2025`` or ``Q3/2024``."""
        return str(self.year) if self.period == "FY" else f"{self.period}/{self.year}"


def _group_rows(scores: pd.DataFrame, key: GroupKey, year: int, period: str) -> pd.DataFrame:
    """The actual rows of the group's units at (year, period)."""
    places = unit_places(scores)
    try:
        at = places.xs((key.level, year, period), level=("level", "year", "period"))
    except KeyError:
        return scores.iloc[:0]
    members = at.index[(at["province"].fillna("") == (key.province or "")) & (at["group"].fillna("") ==
                                                                               (key.group or ""))]
    rows = scores[(scores["kind"] == "actual") & (scores["level"] == key.level) & (scores["year"] == year)
                  & (scores["period"] == period)]
    return rows[rows["unit"].isin(members)]


def _wide(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    return rows.pivot_table(index="unit", columns="component", values=column, aggfunc="first", dropna=False)


def _choose_weights(values: pd.DataFrame, points: pd.DataFrame, maxima: pd.DataFrame, level: str, year: int,
                    scheme: str | Scheme | None) -> tuple[pd.DataFrame, Scheme | None, str | None]:
    """Each unit's weights (rows = units), the scheme, and why the components cannot be totalled (or None).

    As for one unit: the scheme asked for; else the points and maxima in the data (each unit's maxima; the
    Ministry's rule); else the default scheme of the level and year."""
    parts = [c for c in codes() if c in values.columns]
    empty = pd.DataFrame(index=values.index)
    if scheme:
        chosen = load_scheme(scheme) if isinstance(scheme, str) else scheme
        if not chosen.complete or chosen.unknown:
            chosen.weights()  # the scheme's own message: which maxima are unknown
        missing = [c for c in chosen.components if c not in values.columns or values[c].isna().any()]
        if missing:
            raise MethodError(f'scheme "{chosen.name}" needs {", ".join(missing)} for every unit of the group')
        w = chosen.weights()
        return pd.DataFrame(np.tile(w.to_numpy(), (len(values), 1)), index=values.index, columns=w.index), chosen, None
    if parts and not maxima.empty:
        mx = maxima.reindex(columns=parts)
        given = mx.notna() & points.reindex(columns=parts).notna()
        if given.all().all():
            return mx.div(mx.sum(axis=1), axis=0), None, None
    chosen = default_scheme(level, year)
    if chosen is None:
        return empty, None, f"no scheme of the {level} level is known for {year}"
    if not chosen.complete or chosen.unknown:
        return empty, chosen, (f'scheme "{chosen.name}" does not publish the maximum points of '
                               f'{", ".join(chosen.unknown)}, and the data gives no points with maxima')
    missing = [c for c in chosen.components if c not in values.columns or values[c].isna().any()]
    if missing:
        return empty, chosen, f'the data lacks {", ".join(missing)} for some units, which scheme "{chosen.name}" needs'
    w = chosen.weights()
    return pd.DataFrame(np.tile(w.to_numpy(), (len(values), 1)), index=values.index, columns=w.index), chosen, None


def _owners(scores: pd.DataFrame, units: list[str], level: str, components: list[str],
            tasks: pd.DataFrame | None) -> pd.DataFrame:
    """Each unit's lead office per component, as its rows (any year) or the appendix name it; None where not."""
    rows = scores[(scores["level"] == level) & scores["unit"].isin(units) & scores["lead_units"].notna()
                  & scores["component"].isin(components)]
    # A target row names the office that answers for the coming year: prefer it, as a unit's own index does.
    rows = rows.assign(_order=(rows["kind"] != "target").astype(int)).sort_values(["_order", "year"],
                                                                                   ascending=[True, False])
    owners = rows.groupby(["unit", "component"])["lead_units"].first().unstack()
    owners = owners.reindex(index=units, columns=components)
    if tasks is not None and not tasks.empty:
        for _, task in tasks.dropna(subset=["lead_units"]).iterrows():
            if task["component"] not in owners.columns:
                continue
            who = owners.index if pd.isna(task.get("unit")) or not task.get("unit") else [task["unit"]]
            who = [u for u in who if u in owners.index]
            owners.loc[who, task["component"]] = owners.loc[who, task["component"]].fillna(task["lead_units"])
    return owners.astype(object).where(owners.notna(), None)


def build_group(scores: pd.DataFrame, key: GroupKey | str, year: int, period: str = "FY", *,
                province: str | None = None, group: str | None = None, scheme: str | Scheme | None = None,
                target: float = 80.0, bound: str = "ge", tasks: pd.DataFrame | None = None,
                bands: str | Scheme | None = None) -> PeerGroup:
    """The peer group's wide tables, built once (everything else here reads them).

    Parameters
    ----------
    scores : DataFrame
        The tidy table.
    key : GroupKey or str
        The group, or its level (then ``province`` and ``group`` say the rest).
    year, period : int, str
        The point.
    scheme : str or Scheme, optional
        Totals the components; by default as for one unit (points and maxima in the data, else the level's).
    target, bound : float, {"ge", "gt"}
        The total every unit should reach (``gt``: exceed by 0,01).
    tasks : DataFrame, optional
        The appendix's tasks: lead offices the score table does not name.
    bands : str or Scheme, optional
        The scheme whose bands classify the totals (default the level's scheme for the year).

    Raises
    ------
    MethodError
        If no unit of the group has results at that point, or the bound is unknown.

    Examples
    --------
    >>> g = build_group(scores, "province", 2024)
    >>> g.total.round(2).to_dict()  # Long An has a SIPAS result only: in the group, without a total
    {'Hải Phòng': 96.17, 'Long An': nan}
    """
    if bound not in BOUNDS:
        raise MethodError(f'bound "{bound}" is not known (expected ge or gt)')
    if isinstance(key, str):
        key = GroupKey(key, province, group)
    rows = _group_rows(scores, key, year, period)
    if rows.empty:
        where = ", ".join(filter(None, [key.province, key.group]))
        raise MethodError(f"no {key.level} has results in {year} {period}" + (f" in {where}" if where else ""))
    values = _wide(rows, "value_pct")
    values = values.reindex(columns=[c for c in codes(include_total=True) if c in values.columns])
    points, maxima = _wide(rows, "points").reindex_like(values), _wide(rows, "max_points").reindex_like(values)
    weights, chosen, reason = _choose_weights(values, points, maxima, key.level, year, scheme)
    adjust = pd.Series(0.0, index=values.index)
    given = [c for c in adjustments() if c in set(rows["component"])]
    if given and reason is None:
        pts = _wide(rows, "points").reindex(index=values.index, columns=given).fillna(0.0)
        signed = pts.get("BONUS", 0.0) - pts.get("PENALTY", 0.0)
        scale = chosen.maximum if chosen is not None and chosen.maximum else \
            maxima.reindex(columns=list(weights.columns)).sum(axis=1)
        adjust = 100.0 * signed / scale
    if reason is None:
        parts = list(weights.columns)
        recomputed = (weights * values[parts]).sum(axis=1) + adjust
        recomputed = recomputed.clip(0.0, 100.0)
    else:
        recomputed = pd.Series(np.nan, index=values.index)
    reported = values[TOTAL] if TOTAL in values.columns else pd.Series(np.nan, index=values.index)
    total = reported.where(reported.notna(), recomputed)
    keep = total.notna()
    if not keep.all() and reason is not None:
        pass  # units without a total cannot be ranked: they stay out of the league, and are said as missing
    total_rows = rows[rows["component"] == TOTAL].set_index("unit")
    published_rank = total_rows["rank"].reindex(values.index).astype("Int64")
    published_of = total_rows["rank_of"].reindex(values.index).astype("Int64")
    previous = _previous_totals(scores, key, year, period, list(values.index), weights)
    comps = [c for c in codes() if c in values.columns]
    owners = _owners(scores, list(values.index), key.level, comps, tasks)
    band_set = bands_for(key.level, year, bands if bands else (chosen if scheme else None))
    return PeerGroup(key, int(year), period, values.drop(columns=[TOTAL], errors="ignore"), total, recomputed,
                     adjust, weights, points.drop(columns=[TOTAL], errors="ignore"),
                     maxima.drop(columns=[TOTAL], errors="ignore"), published_rank, published_of, previous, owners,
                     float(target), BOUNDS[bound], chosen, band_set, _reference(scores, key.level, year, period),
                     reason)


def _previous_totals(scores: pd.DataFrame, key: GroupKey, year: int, period: str, units: list[str],
                     weights: pd.DataFrame) -> pd.Series:
    """Each unit's own total at the same period a year before (reported, else recomputed): NaN where none."""
    rows = scores[(scores["kind"] == "actual") & (scores["level"] == key.level) & (scores["year"] == year - 1)
                  & (scores["period"] == period) & scores["unit"].isin(units)]
    if rows.empty:
        return pd.Series(np.nan, index=units, dtype=float)
    wide = _wide(rows, "value_pct").reindex(index=units)
    reported = wide[TOTAL] if TOTAL in wide.columns else pd.Series(np.nan, index=units)
    if not weights.empty and set(weights.columns) <= set(wide.columns):
        recomputed = (weights * wide[list(weights.columns)]).sum(axis=1, min_count=len(weights.columns))
        recomputed = recomputed.where(wide[list(weights.columns)].notna().all(axis=1))
        reported = reported.where(reported.notna(), recomputed)
    return reported.astype(float)


def _reference(scores: pd.DataFrame, level: str, year: int, period: str) -> pd.Series:
    """Published averages for the group's level at the point (the national and regional averages of the
    provinces), by component and reference unit; empty where none is published."""
    if level != "province":
        return pd.Series(dtype=float)
    refs = scores[scores["level"].isin(["national"]) & (scores["kind"] == "actual") & (scores["year"] == year)
                  & (scores["period"] == period)]
    return refs.set_index("component")["value_pct"].astype(float)


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
        raise MethodError(f"the {group.key.level} group has totals only: where points are lost needs the components")
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
        def clean(v):
            if isinstance(v, bool | np.bool_):
                return bool(v)
            if isinstance(v, float | np.floating):
                return round(float(v), 6) if np.isfinite(v) else None
            if isinstance(v, np.integer):
                return int(v)
            return None if v is None or v is pd.NA else v

        out = {k: clean(getattr(self, k)) for k in (
            "group", "year", "period", "scheme", "cost_model", "goal", "target", "required", "total_before",
            "total_after", "units_before", "units_after", "feasible", "max_reachable", "total_cost")}
        out["bound"] = "gt" if self.bound == ">" else "ge"
        out["changes"] = [{k: clean(v) for k, v in r.items()} for r in self.changes.to_dict("records")]
        if out["total_cost"] is None:
            out["total_cost_reason"] = self.cost_reason
        if not self.actions.empty:
            out["actions"] = [{k: clean(v) for k, v in r.items()} for r in self.actions.to_dict("records")]
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
                raise MethodError(f'ceiling given for {", ".join(unknown)}, which the group\'s totals are not made of')
            given = np.tile(row.reindex(comps).to_numpy(dtype=float), (len(s), 1))
        if np.any((given < 0) | (given > 100)):
            raise MethodError("ceilings must be percentages in 0–100")
        u = np.where(np.isnan(given), u, given)
    u = np.maximum(u, s)  # a ceiling below the current value cannot lower it: the component simply cannot rise
    return s, u, group.weights[comps].to_numpy(dtype=float), comps


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
        raise MethodError(f"the integer programme failed: {res.message}")
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
        raise MethodError(f"the integer programme failed: {res.message}")
    chosen[can[res.x > 0.5]] = True
    return chosen


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
        raise MethodError(f'cost model "{cost_model}" is not known (expected one of {", ".join(COST_MODELS)})')
    if goal not in GOALS:
        raise MethodError(f'goal "{goal}" is not known (expected units or mean)')
    if not group.can_total:
        raise MethodError(f"the group's components cannot be totalled ({group.no_totals_reason}): the group lift "
                          "needs every unit's components and a scheme that totals them")
    s, u, w, comps = _matrices(group, ceilings)
    units = group.units
    base = group.recomputed.to_numpy(dtype=float) - (w * s).sum(axis=1)  # bonus and penalty carry over
    before = group.recomputed.to_numpy(dtype=float)
    required = group.required_total
    price = None
    if cost_model == "linear":
        if costs is None:
            raise MethodError("the linear cost model needs costs per percentage point (--costs FILE)")
        row = pd.Series(dict(costs), dtype=float).reindex(comps)
        if row.isna().any():
            raise MethodError(f"costs lack {', '.join(row.index[row.isna()])} (expected a cost for every component)")
        price = np.tile(row.to_numpy(), (len(s), 1))
    acts = None
    if cost_model == "actions":
        if actions is None or actions.empty:
            raise MethodError("the actions cost model needs a catalogue of actions (--actions FILE)")
        acts = _expand_actions(actions, units, comps)
    meets_before = before >= required - _TOL
    chosen_actions = pd.DataFrame()
    if goal == "units":
        need = np.maximum(required - base - (w * s).sum(axis=1), 0.0)
        if cost_model == "gap":
            x_all, cost = _unit_plans_gap(s, u, w, need)
        elif cost_model == "linear":
            x_all, cost = _unit_plans_linear(s, u, w, price, need)
        else:
            x_all, cost, picked = _unit_plans_actions(s, u, w, acts, need, units, comps)
        reachable = int(np.isfinite(cost).sum())
        wanted = reachable if n_units is None else int(n_units)
        if wanted < 0 or wanted > len(units):
            raise MethodError(f"n_units = {n_units} is not a number of units of the group (0–{len(units)})")
        more = wanted - int(meets_before.sum())
        feasible = wanted <= reachable
        lifted = _select_units(np.where(meets_before, np.inf, cost), more) if feasible else \
            np.zeros(len(units), dtype=bool)
        x = np.where(lifted[:, None], x_all, s)
        unit_cost = np.where(lifted, cost, 0.0)
        if cost_model == "actions" and feasible:
            chosen_actions = picked[picked["unit"].isin(np.array(units)[lifted])].reset_index(drop=True)
        max_reachable = float(reachable)
        goal_value = float(wanted)
        total_cost = float(unit_cost.sum()) if feasible else None
    else:
        goal_value = group.target if mean_target is None else float(mean_target)
        n = len(units)
        need_sum = n * goal_value - before.sum()  # points of total the units must gain together
        reach = float(((w * u).sum(axis=1) + base).mean())
        x, unit_cost, feasible = s.copy(), np.zeros(n), True
        if need_sum > _TOL:
            if cost_model == "gap":
                mu, cost = water_fill((w * (u - s)).reshape(1, -1), np.array([need_sum]))
                feasible = bool(np.isfinite(cost[0]))
                if feasible:
                    with np.errstate(divide="ignore", invalid="ignore"):
                        x = np.where((w * (u - s) > mu[0]) & (w > 0), u - mu[0] / np.where(w > 0, w, 1.0), s)
                    unit_cost = np.where(x > s, np.log(np.where(x > s, (u - s) / np.maximum(u - x, 1e-300), 1.0)),
                                         0.0).sum(axis=1)
            elif cost_model == "linear":
                flat_x, cost = _unit_plans_linear(s.reshape(1, -1), u.reshape(1, -1), w.reshape(1, -1),
                                                  price.reshape(1, -1), np.array([need_sum]))
                feasible = bool(np.isfinite(cost[0]))
                if feasible:
                    x = flat_x.reshape(s.shape)
                    unit_cost = (price * (x - s)).sum(axis=1)
            else:
                reachable_sum = float((w * np.minimum(u - s, _gains(acts, units, comps))).sum())
                feasible = reachable_sum >= need_sum - _TOL
                if feasible:
                    picked, rise = _solve_actions_block(s, u, w, acts, {un: i for i, un in enumerate(units)},
                                                        {c: j for j, c in enumerate(comps)}, need_sum)
                    feasible = picked is not None
                    if feasible:
                        x = s + rise
                        chosen_actions = picked.reset_index(drop=True)
                        unit_cost = chosen_actions.groupby("unit")["cost"].sum().reindex(units).fillna(0.0) \
                            .to_numpy()
        max_reachable = reach
        total_cost = float(unit_cost.sum()) if feasible else None
        if not feasible:
            x, unit_cost = s.copy(), np.zeros(n)
    after = (w * x).sum(axis=1) + base
    cell_costs = None
    if cost_model == "gap":
        with np.errstate(divide="ignore", invalid="ignore"):
            cell_costs = np.where(x - s > 1e-7, np.log((u - s) / np.maximum(u - x, 1e-300)), 0.0)
    elif cost_model == "linear":
        cell_costs = price * (x - s)
    changes = _changes(group, s, x, w, comps, cell_costs, cost_model, chosen_actions)
    unit_table = pd.DataFrame({"total_before": before, "total_after": after, "cost": unit_cost,
                               "meets_before": meets_before, "meets_after": after >= required - _TOL}, index=units)
    unit_table.index.name = "unit"
    reason = None if feasible else (UNREACHABLE_UNITS if goal == "units" else UNREACHABLE_MEAN)
    scheme = group.scheme.name if group.scheme is not None else "points-in-data"
    return GroupLiftResult(_label(group.key), group.year, group.period, scheme, cost_model, goal, group.target,
                           group.bound, goal_value, float(before.mean()), float(after.mean()),
                           int(meets_before.sum()), int(unit_table["meets_after"].sum()), bool(feasible),
                           max_reachable, changes, unit_table, total_cost, chosen_actions, reason)


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
