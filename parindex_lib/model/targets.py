"""Targets and the published precision: whether a value meets a target, the lowest value that does, and the
rounding a printed value carries (:class:`TotalCheck`: a recomputed total against the reported one).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

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
