"""One value cell → tidy fields (percentage, bounded target or points), and the fraction check."""

from __future__ import annotations

from collections import defaultdict

from parindex_lib.errors import Problem
from parindex_lib.vn import looks_like_points, parse_percent, parse_points

#: Decimals are derived from how a value was printed; more than this is float noise.
MAX_DECIMALS = 10


def parse_value(text: str, kind: str) -> dict:
    """Parse one value cell into tidy fields.

    Raises
    ------
    ValueError
        With what was expected, when the text is not a percentage, a target or points.

    Examples
    --------
    >>> parse_value("Trên 75%", "target")
    {'value_pct': 75.0, 'bound': '>', 'decimals': 0}
    >>> parse_value("12,75/13", "actual")["value_pct"]
    98.07692307692308
    """
    if looks_like_points(text):
        pts = parse_points(text)
        return {"value_pct": pts.percent, "bound": "=", "points": pts.points, "max_points": pts.max_points,
                "decimals": min(pts.decimals, MAX_DECIMALS)}
    pct = parse_percent(text, allow_bound=(kind == "target"))
    bound = pct.bound if kind == "actual" or pct.bound != "=" else ">="
    value = round(pct.value, MAX_DECIMALS) if pct.decimals > MAX_DECIMALS else pct.value
    return {"value_pct": value, "bound": bound, "decimals": min(pct.decimals, MAX_DECIMALS)}


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
                what = "target" if kind == "target" else "result"
                out.append(Problem(file, first[0], column, first[1],
                                   f"and every other {what} in this column ({count} values) lie between 0 and 1: "
                                   "they look like fractions (expected percentages such as 70,52%; multiply by "
                                   "100, or format the Excel cells as percent)", sheet))
        return out
