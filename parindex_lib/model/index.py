"""The :class:`PARIndex` object: one unit's scores at one point, a scheme, and a target.

Built once by :meth:`PARIndex.from_scores` (which checks everything), then trusted by the analyses.
It is immutable: a scenario is a copy with some values changed (:meth:`PARIndex.scenario`), so two
scenarios can be compared side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from parindex_lib.errors import MethodError, Reason, because
from parindex_lib.model import block_points
from parindex_lib.model.components import TOTAL, adjustments, codes
from parindex_lib.model.schema import unit_rows
from parindex_lib.model.schemes import Scheme, check_level, default_scheme, from_points, load_scheme
from parindex_lib.model.targets import BOUNDS, PUBLISHED_STEP, TotalCheck, half_width, met, required_value
from parindex_lib.model.units import resolve_basis, resolve_unit

# Names that moved to their own modules stay importable from here.
__all__ = ["BOUNDS", "PUBLISHED_STEP", "PARIndex", "TotalCheck", "choose_scheme", "half_width", "met",
           "required_value", "resolve_basis", "resolve_unit"]


def choose_scheme(actual: pd.DataFrame, level: str, year: int, scheme: str | Scheme | None) -> Scheme | None:
    """The scheme that totals a unit's results: the one asked for (of the unit's level), else the points
    and maxima in the data (the Ministry's rule), else the default scheme of the unit's level and year.

    Raises
    ------
    SchemeError
        For an unknown scheme, or one made for another level.
    """
    if scheme is not None and scheme != "":
        chosen = load_scheme(scheme) if isinstance(scheme, str) else scheme
        check_level(chosen, level)
        return chosen
    parts = actual[actual.index.isin(codes())]
    if not parts.empty and parts["points"].notna().all() and parts["max_points"].notna().all():
        adjust = [c for c in adjustments() if c in actual.index]
        return from_points(parts["max_points"].astype(float).to_dict(), level, year, {c: None for c in adjust})
    return default_scheme(level, year)


def _totals_reason(scheme: Scheme | None, present: list[str], level: str, year: int) -> Reason | None:
    """Why a unit's components cannot be totalled (None when they can)."""
    if scheme is None:
        return Reason("no_scheme", {"level": level, "year": year},
                      f"no scheme of the {level} level is known for {year}")
    if not scheme.complete or scheme.unknown:
        return Reason("scheme_lacks_maxima", {"scheme": scheme.name, "components": list(scheme.unknown)},
                      f'scheme "{scheme.name}" does not publish the maximum points of {", ".join(scheme.unknown)}, '
                      "and the data gives no points with maxima")
    missing = [c for c in scheme.components if c not in present]
    if missing:
        return Reason("data_lacks_components", {"scheme": scheme.name, "components": missing},
                      f'the data lacks {", ".join(missing)}, which scheme "{scheme.name}" needs')
    return None


def _refuse_untotalled(unit: str, point: tuple[int, str], chosen: Scheme | None, present: list[str],
                       reason: Reason, *, explicit: bool, reported: bool) -> None:
    """Refuse components that cannot be totalled when a total is needed: the scheme was asked for, or the data
    reports no total of its own (a unit with a reported total is still an index, see ``no_totals_reason``)."""
    year, period = point
    if explicit:
        if chosen is not None and (not chosen.complete or chosen.unknown):
            chosen.weights()  # the scheme's own message: which maxima are unknown
        text = f'"{unit}" {year} {period}: {reason}'
        raise MethodError(text, reason=Reason("cannot_total", {"unit": unit, "point": point, "why": reason}, text))
    if not reported:
        given = ", ".join(present) or "no component"
        text = (f'"{unit}" {year} {period} has no reported total (the data gives only {given}), and '
                f"its components cannot be totalled: {reason}")
        raise MethodError(text, reason=Reason("no_total", {"unit": unit, "point": point, "components": present,
                                                           "why": reason}, text))


def _targets(own: pd.DataFrame, year: int, period: str, target_year: int | None) -> tuple[pd.DataFrame, int]:
    """A unit's targets by component, and their year: the one asked for, else the year after a final result
    (or the year of an interim one) when the data has targets for it, else the results' own year."""
    target_rows = own[own["kind"] == "target"]
    if target_year is None:
        later = year + 1 if period == "FY" else year
        target_year = later if (target_rows["year"] == later).any() else year
    return target_rows[target_rows["year"] == target_year].set_index("component"), target_year


@dataclass(frozen=True, eq=False)  # holds Series: compare indices by their fields, not with ==
class PARIndex:
    """One unit's scores at one point, with the scheme that totals them and the target.

    Build it with :meth:`from_scores`; analyses take it and never re-check it. A unit whose components
    cannot be totalled (a province's series of totals, a commune's headline) is still an index: its
    ``total`` is the reported one and ``can_total`` is False, so weighting and lift say what they need.

    Examples
    --------
    >>> idx = PARIndex.from_scores(scores, "Tam Đường", 2023)
    >>> round(idx.total, 4)
    76.1756
    >>> round(idx.scenario(C6=55, SIPAS=82).total, 2)
    79.1
    """

    unit: str
    year: int
    period: str
    scheme: Scheme | None
    values: pd.Series
    target: float = 80.0
    bound: str = ">="
    decimals: pd.Series = field(default_factory=lambda: pd.Series(dtype="Int64"))
    targets: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["value_pct", "bound"]))
    target_year: int | None = None
    lead_units: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))
    ranks: pd.Series = field(default_factory=lambda: pd.Series(dtype="Int64"))
    reported_total: float | None = None
    reported_decimals: int | None = None
    total_rank: int | None = None
    illustrative: bool = False
    level: str = ""
    points: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    max_points: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    adjust_points: dict = field(default_factory=dict)
    total_rank_of: int | None = None
    no_totals_reason: Reason | None = None  # why the components cannot be weighted (and totalled, unless summed)
    #: The total is Σ of the blocks' points ÷ the scheme's total points, their maxima not being published.
    sums_points: bool = False
    #: The note on the reported total's row (e.g. a total kept as published though not the sum of its blocks).
    reported_note: str | None = None

    @classmethod
    def from_scores(cls, scores: pd.DataFrame, unit: str, year: int, period: str = "FY", *,
                    scheme: str | Scheme | None = None, target: float | None = None,
                    bound: str = "ge", target_year: int | None = None,
                    tasks: pd.DataFrame | None = None, level: str | None = None) -> PARIndex:
        """Build the index of ``unit`` from a validated tidy table.

        Parameters
        ----------
        scores : DataFrame
            The tidy ``scores`` table.
        unit : str
            The unit (matched exactly, else ignoring diacritics and case when that is unique).
        year, period : int, str
            The reporting point; see :func:`resolve_basis` for which actual results it uses.
        scheme : str or Scheme, optional
            The weighting scheme; by default the points and maxima in the data, else the scheme of the
            unit's level and year (:func:`choose_scheme`). A scheme of another level is refused.
        target : float, optional
            The total to reach, in %; default the table's total target for the target year, else 80.
        bound : {"ge", "gt"}
            ``ge``: reach the target; ``gt``: exceed it by the published step (0,01).
        target_year : int, optional
            The year whose component targets apply; default the year after a final result, or the
            reporting year of an interim one.
        tasks : DataFrame, optional
            The appendix's tasks: lead offices for components the score table leaves without one.
        level : str, optional
            The unit's level, when its name is found at several.

        Raises
        ------
        MethodError
            If the unit is unknown or ambiguous, has no results at that point, or has neither a reported
            total nor components its scheme can total; or if an explicit scheme lacks a component.
        SchemeError
            If the scheme is unknown, of another level, or (when asked for explicitly) incomplete.
        """
        if bound not in BOUNDS:
            raise MethodError(reason=because("mod_unknown_bound", 'bound "{bound}" is not known (expected ge or gt)',
                                             bound=bound))
        unit, level = resolve_unit(scores, unit, level)
        own = unit_rows(scores, unit, level)
        basis_year, basis_period = resolve_basis(own, unit, year, period)
        actual = own[(own["kind"] == "actual") & (own["year"] == basis_year) & (own["period"] == basis_period)]
        actual = actual.set_index("component")
        present = [c for c in codes() if c in actual.index]
        chosen = choose_scheme(actual, level, basis_year, scheme)
        reason = _totals_reason(chosen, present, level, basis_year)
        reported = actual.loc[TOTAL] if TOTAL in actual.index else None
        sums = reason is not None and block_points.sums_blocks(chosen, actual, present)
        if sums:  # the blocks' points add up to the total; only what needs their maxima is left undone
            reason = block_points.blocks_reason(chosen)
        elif reason:
            _refuse_untotalled(unit, (basis_year, basis_period), chosen, present, reason,
                               explicit=scheme is not None and scheme != "", reported=reported is not None)
        tgt, target_year = _targets(own, basis_year, basis_period, target_year)
        if target is None:
            target = float(tgt.loc[TOTAL, "value_pct"]) if TOTAL in tgt.index else 80.0
        adjust = {c: float(actual.loc[c, "points"]) for c in adjustments()
                  if c in actual.index and pd.notna(actual.loc[c, "points"])}
        return cls(
            unit=unit, year=basis_year, period=basis_period, scheme=chosen,
            values=actual.loc[present, "value_pct"].astype(float),
            target=float(target), bound=BOUNDS[bound],
            decimals=actual.loc[present, "decimals"].astype("Int64"),
            targets=tgt.loc[[c for c in present if c in tgt.index], ["value_pct", "bound"]],
            target_year=int(target_year), lead_units=_lead_units(present, tgt, actual, own, tasks, unit),
            ranks=actual.loc[present, "rank"].astype("Int64"),
            reported_total=None if reported is None else float(reported["value_pct"]),
            reported_decimals=None if reported is None or pd.isna(reported["decimals"]) else int(reported["decimals"]),
            total_rank=None if reported is None or pd.isna(reported["rank"]) else int(reported["rank"]),
            total_rank_of=None if reported is None or pd.isna(reported["rank_of"]) else int(reported["rank_of"]),
            illustrative=bool(actual["illustrative"].any() or tgt.get("illustrative", pd.Series([False])).any()),
            level=level,
            points=actual.loc[present, "points"].astype(float),
            max_points=actual.loc[present, "max_points"].astype(float),
            adjust_points=adjust, no_totals_reason=reason, sums_points=sums,
            reported_note=reported["note"] if reported is not None and isinstance(reported["note"], str) else None,
        )

    # -- the methodology ----------------------------------------------------------------------

    @property
    def can_total(self) -> bool:
        """Whether the components are weighted by a known scheme (weights, each component's percentage); else
        only the reported total is known, or (``sums_points``) the total summed from the blocks' points."""
        return self.no_totals_reason is None

    @property
    def points_total(self) -> float | None:
        """Σ blocks' points (+ bonus − penalty) ÷ the scheme's total points, in %, when ``sums_points``."""
        if not self.sums_points:
            return None
        return block_points.points_total(self.points.loc[self.components], self.scheme.total_points,
                                         self._adjust_sum)

    @property
    def _adjust_sum(self) -> float:
        return float(sum(v if c == "BONUS" else -v for c, v in self.adjust_points.items()))

    @cached_property
    def weights(self) -> pd.Series:
        """The scheme's weights (summing to 1), in component order; empty when the index cannot total."""
        if not self.can_total:
            return pd.Series(dtype=float)
        return self.scheme.weights().loc[self.components]

    @property
    def components(self) -> list[str]:
        """The components the scheme totals (or, for a unit that cannot be totalled, those in the data)."""
        if self.sums_points:
            return self.scheme.components
        if not self.can_total:
            return list(self.values.index)
        return self.scheme.components

    @property
    def adjustment(self) -> float:
        """Bonus minus penalty points, in percentage points of the total."""
        return self.scheme.adjustment_pct(self.adjust_points) if self.can_total and self.adjust_points else 0.0

    @property
    def uncapped_total(self) -> float | None:
        """Σ wᵢ·pctᵢ + bonus − penalty before the total is kept within 0–100% (None when it cannot total)."""
        if not self.can_total:
            return None
        return float(np.dot(self.weights.to_numpy(), self.values.loc[self.components].to_numpy())) + self.adjustment

    @property
    def capped(self) -> bool:
        """Whether bonus or penalty points took the total beyond 0–100% (it is kept there, and the pages say so)."""
        return self.uncapped_total is not None and not 0.0 <= self.uncapped_total <= 100.0

    @property
    def total(self) -> float:
        """The total Σ wᵢ·pctᵢ (+ bonus − penalty) kept within 0–100%, in %; Σ blocks' points ÷ total points
        when ``sums_points``; the reported total when the index cannot total."""
        if self.sums_points:
            return self.points_total
        if not self.can_total:
            return float(self.reported_total)
        return float(min(100.0, max(0.0, self.uncapped_total)))

    @property
    def display_total(self) -> float:
        """The total that decides everything a reader sees: the reported (official) one when there is one."""
        return self.reported_total if self.reported_total is not None else self.total

    @property
    def required_total(self) -> float:
        """The lowest total that meets the target under the bound (80 for ``ge``, 80,01 for ``gt``)."""
        return required_value(self.target, self.bound)

    @property
    def meets_target(self) -> bool:
        """Whether the total (the reported one, when there is one) meets the target."""
        return met(self.display_total, self.target, self.bound)

    @property
    def from_points(self) -> bool:
        """Whether the weights come from the points and maxima in the data."""
        return self.scheme is not None and self.scheme.from_data

    def check_total(self) -> TotalCheck:
        """Compare the recomputed total with the reported one, within the printed rounding.

        Examples
        --------
        >>> check = idx.check_total()
        >>> round(check.low, 3), round(check.high, 3), check.consistent
        (76.156, 76.195, True)
        """
        if self.sums_points:
            return block_points.check_blocks(self.points.loc[self.components], self.decimals,
                                             self.scheme.total_points, self.reported_total, self.reported_decimals,
                                             self.scheme.name, self._adjust_sum)
        if not self.can_total:
            raise MethodError(reason=because("mod_cannot_be_totalled", '"{unit}" cannot be totalled: {why}',
                                             unit=self.unit, why=self.no_totals_reason))
        v = self.values.loc[self.components].to_numpy()
        h = np.array([half_width(self.decimals.get(c)) for c in self.components])
        w = self.weights.to_numpy()
        # Kept within 0–100% as the total is, so a capped total is checked against what it can be.
        low = min(100.0, max(0.0, float(np.dot(w, np.clip(v - h, 0, 100))) + self.adjustment))
        high = min(100.0, max(0.0, float(np.dot(w, np.clip(v + h, 0, 100))) + self.adjustment))
        rh = None if self.reported_total is None else half_width(self.reported_decimals)
        return TotalCheck(self.total, low, high, self.reported_total, rh, self.scheme.name)

    # -- variants -------------------------------------------------------------------------------

    def scenario(self, **values: float) -> PARIndex:
        """A copy with some components set to new values, e.g. ``idx.scenario(C6=55, SIPAS=82)``.

        The copy no longer carries the reported total (it describes a different result).

        Raises
        ------
        MethodError
            For a component the scheme does not total, a value outside 0–100, or an index that cannot total.
        """
        if not self.can_total:
            raise MethodError(reason=because("mod_cannot_be_totalled", '"{unit}" cannot be totalled: {why}',
                                             unit=self.unit, why=self.no_totals_reason))
        new = self.values.copy()
        for code, value in values.items():
            if code not in new.index:
                raise MethodError(reason=because("mod_not_in_scheme", '"{code}" is not a component of scheme '
                                                 '"{scheme}" (expected one of {codes})', code=code,
                                                 scheme=self.scheme.name, codes=", ".join(self.components)))
            if not 0 <= float(value) <= 100:
                raise MethodError(reason=because("mod_outside_0_100", "{code} = {value} is outside 0–100", code=code,
                                                 value=str(value)))
            new[code] = float(value)
        points = self.points.copy()
        for code in values:
            if code in points.index and pd.notna(self.max_points.get(code)):
                points[code] = new[code] * self.max_points[code] / 100.0
        return replace(self, values=new, points=points, reported_total=None, reported_decimals=None,
                       total_rank=None, total_rank_of=None)

    def with_scheme(self, scheme: str | Scheme) -> PARIndex:
        """A copy totalled with another scheme (components must be present).

        Raises
        ------
        MethodError
            If the scheme needs a component this index lacks.
        SchemeError
            If the scheme is incomplete.
        """
        scheme = load_scheme(scheme) if isinstance(scheme, str) else scheme
        missing = [c for c in scheme.weights().index if c not in self.values.index]
        if missing:
            text = f'scheme "{scheme.name}" needs {", ".join(missing)}, which this index lacks'
            raise MethodError(text, reason=Reason("data_lacks_components", {"scheme": scheme.name,
                                                                            "components": missing}, text))
        return replace(self, scheme=scheme, no_totals_reason=None)

    def target_of(self, code: str) -> tuple[float, str] | None:
        """The component's target and bound for the target year, if the data gives one."""
        if code in self.targets.index:
            row = self.targets.loc[code]
            return float(row["value_pct"]), str(row["bound"])
        return None

    @property
    def label(self) -> str:
        """``2023`` for a final result, ``2024 Q3`` for an interim one."""
        return str(self.year) if self.period == "FY" else f"{self.year} {self.period}"


def _lead_units(present: list[str], tgt: pd.DataFrame, actual: pd.DataFrame, own: pd.DataFrame,
                tasks: pd.DataFrame | None, unit: str) -> pd.Series:
    """Each component's lead office: from its target row, its result, any row of it, else the appendix."""
    def first(frame: pd.DataFrame, components) -> dict:
        named = pd.Series(frame["lead_units"].to_numpy(), index=list(components)).dropna()
        return named[~named.index.duplicated()].to_dict()

    sources = [first(tgt, tgt.index), first(actual, actual.index), first(own, own["component"])]
    if tasks is not None and not tasks.empty:
        mine = tasks[tasks["unit"].isna() | (tasks["unit"] == unit)]
        sources.append(first(mine, mine["component"]))
    lead = {c: next((found[c] for found in sources if c in found), None) for c in present}
    return pd.Series(lead, index=present, dtype=object)
