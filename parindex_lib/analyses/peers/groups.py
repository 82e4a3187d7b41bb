"""Peer groups: which units are peers (membership), and one group's wide tables (:func:`build_group`).

A peer group is the units of one level at one point (year, period) that the data places together: the same
province and the same ranking block where the data says so (the ``province`` and ``group`` columns of the
tidy table; a unit's province is never guessed). :func:`build_group` builds the group's wide tables (units ×
components) once; the league, the distributions and the group lift (:mod:`.league`, :mod:`.lift`) read them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from parindex_lib.errors import MethodError, Reason, because
from parindex_lib.model.bands import Bands, bands_for
from parindex_lib.model.components import TOTAL, adjustments, codes
from parindex_lib.model.index import BOUNDS, required_value
from parindex_lib.model.schema import UNIT_LEVELS, derived
from parindex_lib.model.schemes import Scheme, default_scheme, load_scheme
from parindex_lib.vn import fold

#: Below this, two numbers are equal (a unit exactly at the target meets it).
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
    no_totals_reason: Reason | None = None

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
            raise MethodError(reason=because("an_unknown_bound", 'bound "{bound}" is not known (expected ge or gt)',
                                             bound=bound))
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
            raise MethodError(reason=because("an_group_lacks_components",
                                             'scheme "{scheme}" needs {missing} for every unit of the group',
                                             scheme=chosen.name, missing=", ".join(missing), components=missing))
        w = chosen.weights()
        return pd.DataFrame(np.tile(w.to_numpy(), (len(values), 1)), index=values.index, columns=w.index), chosen, None
    if parts and not maxima.empty:
        mx = maxima.reindex(columns=parts)
        given = mx.notna() & points.reindex(columns=parts).notna()
        if given.all().all():
            return mx.div(mx.sum(axis=1), axis=0), None, None
    chosen = default_scheme(level, year)
    if chosen is None:
        return empty, None, because("no_scheme", "no scheme of the {level} level is known for {year}", level=level,
                                    year=year)
    if not chosen.complete or chosen.unknown:
        return empty, chosen, because("scheme_lacks_maxima", 'scheme "{scheme}" does not publish the maximum points '
                                      "of {unknown}, and the data gives no points with maxima", scheme=chosen.name,
                                      unknown=", ".join(chosen.unknown), components=list(chosen.unknown))
    missing = [c for c in chosen.components if c not in values.columns or values[c].isna().any()]
    if missing:
        return empty, chosen, because("an_group_data_lacks", 'the data lacks {missing} for some units, which scheme '
                                      '"{scheme}" needs', missing=", ".join(missing), components=missing,
                                      scheme=chosen.name)
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
        raise MethodError(reason=because("an_unknown_bound", 'bound "{bound}" is not known (expected ge or gt)',
                                         bound=bound))
    if isinstance(key, str):
        key = GroupKey(key, province, group)
    rows = _group_rows(scores, key, year, period)
    if rows.empty:
        where = ", ".join(filter(None, [key.province, key.group]))
        point = {"level": key.level, "year": year, "period": period, "point": (int(year), period)}
        raise MethodError(reason=because("an_no_group_results_in", "no {level_code} has results in {year} {period} in "
                                         "{where}", level_code=key.level, where=where, **point) if where else
                          because("an_no_group_results", "no {level_code} has results in {year} {period}",
                                  level_code=key.level, **point))
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
