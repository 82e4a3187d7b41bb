"""One value cell → tidy fields (percentage, bounded target or points); a column parsed once per distinct
value (:class:`Parsed`); and the fraction check."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from parindex_lib.errors import BadValue, Problem, because, cause_of
from parindex_lib.model.components import is_missing_mark
from parindex_lib.vn import (
    NUMBER_FAULTS,
    POINTS_NEGATIVE,
    halfwidth,
    looks_like_points,
    nfc,
    parse_number,
    parse_percent,
    parse_points,
)

#: Decimals are derived from how a value was printed; more than this is float noise.
MAX_DECIMALS = 10
#: How a value was written, kept beside it until the standardise step has read it by its year's methodology:
#: a percentage (``70,52%``), a number without a sign (``70,52``), points with their maximum (``12,75/13``),
#: or points whose maximum is not written (a "Điểm" column alone).
WRITTEN = ("percent", "plain", "points", "bare_points")
MISSING = because("read_missing_mark", "is written for a missing value (expected a value such as 70,52%; where "
                  "there is none, leave the row out, or the cell empty in a table with one column per component)")
#: What a column of fractions holds, by the kind of its values.
FRACTIONS_OF = {"target": because("read_what_target", "target"), "actual": because("read_what_result", "result")}


def parse_value(text: str, kind: str) -> dict:
    """Parse one value cell into tidy fields.

    Raises
    ------
    BadValue
        A ``ValueError`` with its cause, when the text is not a percentage, a target or points.

    Examples
    --------
    >>> parse_value("Trên 75%", "target")
    {'value_pct': 75.0, 'bound': '>', 'decimals': 0, 'written': 'percent'}
    >>> parse_value("12,75/13", "actual")["value_pct"]
    98.07692307692308
    """
    if is_missing_mark(text):
        raise BadValue(MISSING)
    if looks_like_points(text):
        pts = parse_points(text)
        return {"value_pct": pts.percent, "bound": "=", "points": pts.points, "max_points": pts.max_points,
                "decimals": min(pts.decimals, MAX_DECIMALS), "written": "points"}
    pct = parse_percent(text, allow_bound=(kind == "target"))
    bound = pct.bound if kind == "actual" or pct.bound != "=" else ">="
    value = round(pct.value, MAX_DECIMALS) if pct.decimals > MAX_DECIMALS else pct.value
    written = "percent" if "%" in halfwidth(text) else "plain"
    return {"value_pct": value, "bound": bound, "decimals": min(pct.decimals, MAX_DECIMALS), "written": written}


def parse_bare_points(text: str) -> dict:
    """Points written without their maximum (a "Điểm" column alone): kept as points, their percentage left
    for the standardise step, which knows the year's published maximum.

    Raises
    ------
    BadValue
        A ``ValueError`` with its cause, when the text is not a number of points ≥ 0.

    Examples
    --------
    >>> parse_bare_points("9,56")["points"]
    9.56
    """
    if is_missing_mark(text):
        raise BadValue(MISSING)
    raw = nfc(text)
    try:
        points, decimals = parse_number(raw)
    except BadValue as exc:
        if exc.reason in NUMBER_FAULTS:
            raise
        raise BadValue(because("read_not_bare_points", "is not points (expected a number such as 9,56, or points "
                               "with their maximum, e.g. 12,75/13)")) from None
    if points < 0:
        raise BadValue(POINTS_NEGATIVE)
    return {"value_pct": float("nan"), "bound": "=", "points": points, "max_points": float("nan"),
            "decimals": min(decimals, MAX_DECIMALS), "written": "bare_points"}


class FractionCheck:
    """Collects the percentages read per (file, sheet, column, kind) and flags columns of fractions.

    A column whose every value (three or more, not all zero) lies in 0–1 holds fractions saved
    instead of percentages (0,7052 for 70,52%). Read as written they would be 0,7052%; nothing is
    multiplied behind the user's back: the column is refused with its first row.
    """

    def __init__(self) -> None:
        self._columns: dict[tuple, list] = defaultdict(lambda: [0, 0.0, None])

    def add(self, file: str, sheet: str | None, column: str, kind: str, value: float, row: int) -> None:
        entry = self._columns[(file, sheet, column, kind)]
        entry[0] += 1
        entry[1] = max(entry[1], value)
        if entry[2] is None:
            entry[2] = (row, value)

    def add_many(self, file: str, sheet: str | None, column: str, kind: str, count: int, maximum: float,
                 first: tuple[int, float]) -> None:
        entry = self._columns[(file, sheet, column, kind)]
        if entry[2] is None:
            entry[2] = first
        entry[0] += count
        entry[1] = max(entry[1], maximum)

    def problems(self) -> list[Problem]:
        out = []
        for (file, sheet, column, kind), (count, maximum, first) in self._columns.items():
            if count >= 3 and 0 < maximum <= 1.0:
                what = FRACTIONS_OF["target" if kind == "target" else "actual"]
                out.append(Problem(file, first[0], column, first[1], because(
                    "read_fractions", "and every other {what} in this column ({count} values) lie between 0 and 1: "
                    "they look like fractions (expected percentages such as 70,52%; multiply by 100, or format the "
                    "Excel cells as percent)", what=what, count=count), sheet))
        return out


# -- parsing a column once per distinct value ---------------------------------------------------------------

class Parsed:
    """A column parsed once per distinct value: ``codes`` map each row to its distinct value."""

    def __init__(self, codes: np.ndarray, values: list, errors: list):
        self.codes = codes
        self.values = np.empty(len(values), dtype=object)
        self.values[:] = values
        self.errors_u = np.asarray(errors, dtype=object)

    @classmethod
    def of(cls, values: pd.Series, parse) -> Parsed:
        """Parse each distinct value of ``values`` once."""
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        return cls(codes, *_parse_each(list(uniques), parse))

    @classmethod
    def of_pairs(cls, values: pd.Series, kinds: pd.Series, parse) -> Parsed:
        """Parse each distinct (value, kind) once: a value's reading depends on its kind (targets may be bounds)."""
        v_codes, v_uniques = pd.factorize(values, use_na_sentinel=False)
        k_codes, k_uniques = pd.factorize(kinds, use_na_sentinel=False)
        k = len(k_uniques)
        pair = v_codes.astype(np.int64) * k + k_codes
        p_codes, p_uniques = pd.factorize(pair, use_na_sentinel=False)
        return cls(p_codes, *_parse_each([(v_uniques[p // k], k_uniques[p % k]) for p in p_uniques], parse))

    def rows(self) -> np.ndarray:
        """The parsed value of every row (object array; None where the cell failed)."""
        return self.values[self.codes]

    def errors(self) -> np.ndarray:
        """The cause of every row's fault (a :class:`~parindex_lib.errors.Reason`), or None."""
        return self.errors_u[self.codes]

    def field(self, get, mask: np.ndarray, dtype=float) -> np.ndarray:
        """One field of the parsed values for the rows in ``mask``, built per distinct value."""
        per_unique = np.array([get(v) for v in self.values], dtype=dtype)
        return per_unique[self.codes[mask]]


def _parse_each(uniques, parse) -> tuple[list, list]:
    values, errors = [], []
    for u in uniques:
        try:
            values.append(parse(*u) if isinstance(u, tuple) else parse(u))
            errors.append(None)
        except ValueError as exc:
            values.append(None)
            errors.append(cause_of(exc))
    return values, errors
