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

from parindex_lib.components import TOTAL, codes
from parindex_lib.errors import MethodError
from parindex_lib.schemes import Scheme, load_scheme

#: The index is published to two decimals: the smallest step a strict target ("Trên 80%") needs.
PUBLISHED_STEP = 0.01
BOUNDS = {"ge": ">=", "gt": ">", ">=": ">=", ">": ">"}


def met(value: float, target: float, bound: str) -> bool:
    """Whether ``value`` meets ``target`` under ``bound`` (``>``: strictly above; ``>=``/``=``: reached).

    Examples
    --------
    >>> met(75.0, 75.0, ">"), met(75.0, 75.0, ">=")
    (False, True)
    """
    if bound == ">":
        return value > target + 1e-9
    return value >= target - 1e-9


def required_value(target: float, bound: str) -> float:
    """The lowest published value that meets a target: ``Trên 75%`` needs 75,01."""
    return target + PUBLISHED_STEP if bound == ">" else target


def half_width(decimals: int | None) -> float:
    """The rounding half-width of a value printed with ``decimals`` decimals.

    The index is published to two decimals and tables drop trailing zeros ("100%", "50%"), so whole
    numbers count as two-decimal values (±0,005); a value printed with one decimal ("98,8%") may
    have been rounded to one decimal, so it carries ±0,05.
    """
    if decimals is None or pd.isna(decimals) or decimals == 0:
        decimals = 2
    return 0.5 * 10.0 ** (-int(decimals))


@dataclass(frozen=True)
class TotalCheck:
    """The recomputed total against the reported one, accounting for rounding.

    ``low``/``high`` bound the exact total given every component's printed rounding; the reported
    total is consistent when it (± its own rounding) falls inside that interval.
    """

    recomputed: float
    low: float
    high: float
    reported: float | None
    reported_half_width: float | None
    scheme: str

    @property
    def consistent(self) -> bool | None:
        """``None`` when no total was reported."""
        if self.reported is None:
            return None
        h = self.reported_half_width or 0.0
        return self.low - h - 1e-9 <= self.reported <= self.high + h + 1e-9

    @property
    def residual(self) -> float | None:
        """Reported minus recomputed, in percentage points."""
        return None if self.reported is None else self.reported - self.recomputed


def resolve_basis(scores: pd.DataFrame, unit: str, year: int, period: str) -> tuple[int, str]:
    """The actual results a report for (``year``, ``period``) starts from.

    The results of that period when they exist; for a final (``FY``) report whose year has no final
    result yet, the latest earlier final result (the plan's case: reporting on 2024 from 2023).
    """
    rows = scores[(scores["unit"] == unit) & (scores["kind"] == "actual")]
    if rows.empty:
        units = ", ".join(sorted(scores["unit"].unique())) or "none"
        raise MethodError(f'no actual results for unit "{unit}" (units in the data: {units})')
    if ((rows["year"] == year) & (rows["period"] == period)).any():
        return year, period
    finals = rows[(rows["period"] == "FY") & (rows["year"] < year)]
    if period == "FY" and not finals.empty:
        return int(finals["year"].max()), "FY"
    have = ", ".join(f"{y} {p}" for y, p in sorted(set(zip(rows["year"], rows["period"], strict=True))))
    raise MethodError(f'no actual results for "{unit}" in {year} {period} (available: {have})')


@dataclass(frozen=True, eq=False)  # holds Series: compare indices by their fields, not with ==
class PARIndex:
    """One unit's component scores at one point, with the scheme that totals them and the target.

    Build it with :meth:`from_scores`; analyses take it and never re-check it.

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
    scheme: Scheme
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

    @classmethod
    def from_scores(cls, scores: pd.DataFrame, unit: str, year: int, period: str = "FY", *,
                    scheme: str | Scheme = "equal-9", target: float | None = None,
                    bound: str = "ge", target_year: int | None = None,
                    tasks: pd.DataFrame | None = None) -> PARIndex:
        """Build the index of ``unit`` from a validated tidy table.

        Parameters
        ----------
        scores : DataFrame
            The tidy ``scores`` table.
        unit : str
            The unit, as named in the table.
        year, period : int, str
            The reporting point; see :func:`resolve_basis` for which actual results it uses.
        scheme : str or Scheme
            The weighting scheme (name or object).
        target : float, optional
            The total to reach, in %; default the table's total target for the target year, else 80.
        bound : {"ge", "gt"}
            ``ge``: reach the target; ``gt``: exceed it by the published step (0,01).
        target_year : int, optional
            The year whose component targets apply; default the year after a final result, or the
            reporting year of an interim one.
        tasks : DataFrame, optional
            The appendix's tasks: lead offices for components the score table leaves without one.

        Raises
        ------
        MethodError
            If the unit has no results at that point, or a component the scheme needs is missing.
        SchemeError
            If the scheme is unknown or incomplete.
        """
        scheme = load_scheme(scheme) if isinstance(scheme, str) else scheme
        if bound not in BOUNDS:
            raise MethodError(f'bound "{bound}" is not known (expected ge or gt)')
        basis_year, basis_period = resolve_basis(scores, unit, year, period)
        own = scores[scores["unit"] == unit]
        actual = own[(own["kind"] == "actual") & (own["year"] == basis_year) & (own["period"] == basis_period)]
        actual = actual.set_index("component")
        weights = scheme.weights()  # raises for an incomplete scheme
        missing = [c for c in weights.index if c not in actual.index]
        if missing:
            raise MethodError(f'"{unit}" {basis_year} {basis_period} lacks {", ".join(missing)}, which scheme '
                              f'"{scheme.name}" needs')
        present = [c for c in codes() if c in actual.index]  # kept, so other schemes can be tried
        target_rows = own[own["kind"] == "target"]
        if target_year is None:
            later = basis_year + 1 if basis_period == "FY" else basis_year
            target_year = later if (target_rows["year"] == later).any() else basis_year
        tgt = target_rows[target_rows["year"] == target_year].set_index("component")
        if target is None:
            target = float(tgt.loc[TOTAL, "value_pct"]) if TOTAL in tgt.index else 80.0
        lead = pd.Series({c: None for c in present}, dtype=object)
        for c in present:
            for frame in (tgt, actual, own[own["component"] == c].set_index("component")):
                if c in frame.index:
                    found = frame.loc[[c], "lead_units"].dropna()
                    if not found.empty:
                        lead[c] = found.iloc[0]
                        break
            if lead[c] is None and tasks is not None and not tasks.empty:
                match = tasks[(tasks["component"] == c) & (tasks["unit"].isna() | (tasks["unit"] == unit))]
                if not match.empty:
                    lead[c] = match["lead_units"].iloc[0]
        reported = actual.loc[TOTAL] if TOTAL in actual.index else None
        return cls(
            unit=unit, year=basis_year, period=basis_period, scheme=scheme,
            values=actual.loc[present, "value_pct"].astype(float),
            target=float(target), bound=BOUNDS[bound],
            decimals=actual.loc[present, "decimals"].astype("Int64"),
            targets=tgt.loc[[c for c in present if c in tgt.index], ["value_pct", "bound"]],
            target_year=int(target_year), lead_units=lead,
            ranks=actual.loc[present, "rank"].astype("Int64"),
            reported_total=None if reported is None else float(reported["value_pct"]),
            reported_decimals=None if reported is None or pd.isna(reported["decimals"]) else int(reported["decimals"]),
            total_rank=None if reported is None or pd.isna(reported["rank"]) else int(reported["rank"]),
            illustrative=bool(actual["illustrative"].any() or tgt.get("illustrative", pd.Series([False])).any()),
            level=str(actual["level"].iloc[0]),
        )

    # -- the methodology ----------------------------------------------------------------------

    @cached_property
    def weights(self) -> pd.Series:
        """The scheme's weights (summing to 1), in component order."""
        return self.scheme.weights().loc[self.components]

    @property
    def components(self) -> list[str]:
        """The components the scheme totals, in catalogue order."""
        return self.scheme.components

    @property
    def total(self) -> float:
        """The total Σ wᵢ·pctᵢ, in %."""
        return float(np.dot(self.weights.to_numpy(), self.values.loc[self.components].to_numpy()))

    @property
    def display_total(self) -> float:
        """The total to show a reader: the reported (official) figure when there is one, else recomputed."""
        return self.reported_total if self.reported_total is not None else self.total

    @property
    def required_total(self) -> float:
        """The lowest total that meets the target under the bound (80 for ``ge``, 80,01 for ``gt``)."""
        return required_value(self.target, self.bound)

    @property
    def meets_target(self) -> bool:
        """Whether the total already meets the target."""
        return met(self.total, self.target, self.bound)

    def check_total(self) -> TotalCheck:
        """Compare the recomputed total with the reported one, within the printed rounding.

        Examples
        --------
        >>> check = idx.check_total()
        >>> round(check.low, 3), round(check.high, 3), check.consistent
        (76.156, 76.195, True)
        """
        v = self.values.loc[self.components].to_numpy()
        h = np.array([half_width(self.decimals.get(c)) for c in self.components])
        w = self.weights.to_numpy()
        low = float(np.dot(w, np.clip(v - h, 0, 100)))
        high = float(np.dot(w, np.clip(v + h, 0, 100)))
        rh = None if self.reported_total is None else half_width(self.reported_decimals)
        return TotalCheck(self.total, low, high, self.reported_total, rh, self.scheme.name)

    # -- variants -------------------------------------------------------------------------------

    def scenario(self, **values: float) -> PARIndex:
        """A copy with some components set to new values, e.g. ``idx.scenario(C6=55, SIPAS=82)``.

        The copy no longer carries the reported total (it describes a different result).

        Raises
        ------
        MethodError
            For a component the scheme does not total, or a value outside 0–100.
        """
        new = self.values.copy()
        for code, value in values.items():
            if code not in new.index:
                raise MethodError(f'"{code}" is not a component of scheme "{self.scheme.name}" '
                                  f"(expected one of {', '.join(self.components)})")
            if not 0 <= float(value) <= 100:
                raise MethodError(f"{code} = {value} is outside 0–100")
            new[code] = float(value)
        return replace(self, values=new, reported_total=None, reported_decimals=None, total_rank=None)

    def with_scheme(self, scheme: str | Scheme) -> PARIndex:
        """A copy totalled with another scheme (components must be present)."""
        scheme = load_scheme(scheme) if isinstance(scheme, str) else scheme
        missing = [c for c in scheme.weights().index if c not in self.values.index]
        if missing:
            raise MethodError(f'scheme "{scheme.name}" needs {", ".join(missing)}, which this index lacks')
        obj = replace(self, scheme=scheme)
        return obj

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
