"""A total summed from blocks of points whose maxima are not published (the provincial index of 2017–2020).

A scheme with ``aggregation: sum`` adds its blocks' points up to the total: the total in % is
Σ points ÷ the scheme's ``total_points``. That needs no block's maximum — only a block's percentage, the
points it lost and a lift by block do, and those are never guessed: :class:`~parindex_lib.model.index.PARIndex`
totals such a unit from its points and says (``no_totals_reason``) why it cannot weigh its blocks.

Examples
--------
The four blocks of a 2018 table, 55,20 + 18,10 + 7,50 + 4,30 = 85,10 of 100 points:

>>> import pandas as pd
>>> points = pd.Series({"APPRAISAL": 55.2, "SURVEY": 18.1, "SIPAS": 7.5, "C8": 4.3})
>>> round(points_total(points, 100.0), 2)
85.1
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parindex_lib.errors import Reason
from parindex_lib.model.schemes import Scheme
from parindex_lib.model.targets import TotalCheck, half_width


def sums_blocks(scheme: Scheme | None, actual: pd.DataFrame, present: list[str]) -> bool:
    """Whether ``scheme`` totals these results from their blocks' points alone: a summing scheme with a total
    scale, every one of its blocks given in points, and at least one block maximum it does not publish."""
    if scheme is None or scheme.aggregation != "sum" or not scheme.total_points or not scheme.unknown:
        return False
    blocks = scheme.components
    return bool(blocks) and all(c in present for c in blocks) and bool(actual.loc[blocks, "points"].notna().all())


def blocks_reason(scheme: Scheme) -> Reason:
    """Why the blocks are shown as points: their maxima are not published (said in the page's language)."""
    return Reason("blocks_without_maxima", {"scheme": scheme.name, "components": list(scheme.unknown)},
                  f'scheme "{scheme.name}" adds up the points of its blocks but does not publish the maximum of '
                  f"{', '.join(scheme.unknown)}: a block's percentage, the points it lost and a lift by block "
                  "cannot be computed")


def points_total(points: pd.Series, scale: float, adjustment: float = 0.0) -> float:
    """Σ points (+ bonus − penalty points) ÷ ``scale``, in %, kept within 0–100%."""
    return float(min(100.0, max(0.0, 100.0 * (float(points.sum()) + adjustment) / float(scale))))


def check_blocks(points: pd.Series, decimals: pd.Series, scale: float, reported: float | None,
                 reported_decimals: int | None, scheme: str, adjustment: float = 0.0) -> TotalCheck:
    """The total summed from the blocks against the reported one, within the rounding of every printed value.

    Each block printed with two decimals may be off by ±0,005 points, so Σ blocks carries the sum of their
    half-widths; the reported total its own (in points of ``scale``, as % when the scale is 100).

    Examples
    --------
    >>> points = pd.Series({"APPRAISAL": 55.2, "SURVEY": 18.1, "SIPAS": 7.5, "C8": 4.3})
    >>> check = check_blocks(points, pd.Series(2, index=points.index), 100.0, 86.1, 2, "provincial-2017")
    >>> round(check.recomputed, 2), round(check.residual, 2), check.consistent
    (85.1, 1.0, False)
    """
    spread = float(sum(half_width(decimals.get(c)) for c in points.index))
    to_pct = 100.0 / float(scale)
    total = float(points.sum()) + adjustment
    low = float(np.clip((total - spread) * to_pct, 0.0, 100.0))
    high = float(np.clip((total + spread) * to_pct, 0.0, 100.0))
    rh = None if reported is None else half_width(reported_decimals) * to_pct
    return TotalCheck(points_total(points, scale, adjustment), low, high, reported, rh, scheme)
