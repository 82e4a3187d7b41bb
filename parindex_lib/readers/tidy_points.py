"""A tidy table's value column beside its points: which one a row's value is read from, and that both agree.

Points written with their maximum (``Điểm`` 56,5 and ``Điểm tối đa`` 70, or ``56,5/70``) define a row's value;
a value column beside them (``Giá trị`` 80,71%) must say the same — a value that is not a percentage, or that
differs beyond the rounding it was written with, is the row's fault, naming both columns, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from parindex_lib.errors import because, cause_of
from parindex_lib.readers.layout import Columns
from parindex_lib.readers.values import parse_value

#: Marks a points cell without its maximum, so that it is parsed as such.
BARE = "\x01"


def shown(text: str) -> str:
    """A cell's text as the file shows it (without the mark of points written alone)."""
    return text[1:] if text.startswith(BARE) else text


def long_values(columns: Columns, text: Callable[[str], pd.Series]) -> tuple[pd.Series, str]:
    """The long layout's value text per row: the value column, else points (with their maximum)."""
    if "value_pct" in columns.index:
        values = text("value_pct")
        if "points" in columns.index:  # points given (with their maximum) define the value; else the value column
            pts = points_text(columns, text)
            values = values.where((values != "") & ~_with_maximum(pts), pts)
        return values, columns.head("value_pct")
    return points_text(columns, text), columns.head("points")


def points_text(columns: Columns, text: Callable[[str], pd.Series]) -> pd.Series:
    """Each row's points as one text: ``56,5/70`` from two columns; points alone marked with :data:`BARE`."""
    pts = text("points")
    if "max_points" in columns.index:
        mx = text("max_points")
        both = (pts != "") & (mx != "") & ~pts.str.contains("/", regex=False)
        pts = pts.where(~both, pts + "/" + mx)
    # Points written without their maximum are never a percentage: marked, so that they are read as points.
    bare = (pts != "") & ~pts.str.contains("[/%]", regex=True)
    return pts.where(~bare, BARE + pts)


def _with_maximum(pts: pd.Series) -> pd.Series:
    return pts.str.contains("/", regex=False) & ~pts.str.startswith(BARE)


def value_beside_points(rows, fields: dict) -> None:
    """A value column beside points with their maximum: a value that is not a percentage, or one that disagrees
    with points/maximum beyond its rounding, is one fault of the row naming both columns (``rows`` is the
    tidy reader's rows: its columns, texts, problems and failed rows)."""
    columns = rows.columns
    if "value_pct" not in columns.index or "points" not in columns.index:
        return
    values, pts = rows.text("value_pct"), points_text(columns, rows.text)
    head = columns.head("value_pct")
    points_heads = "/".join(f'"{columns.head(f)}"' for f in ("points", "max_points") if f in columns.index)
    for k in np.flatnonzero(((values != "") & _with_maximum(pts)).to_numpy() & ~rows.bad):
        kind = fields["kind"][k] if fields["kind"][k] else "actual"
        try:
            given = parse_value(values.iloc[k], kind)
        except ValueError as exc:
            rows.problems.append(rows.sheet.problem(int(k), head, values.iloc[k], because(
                "read_value_beside_points", "{why}; columns {columns} give {points}", why=cause_of(exc),
                columns=points_heads, points=pts.iloc[k])))
            rows.bad[k] = True
            continue
        try:
            from_points = parse_value(pts.iloc[k], kind)
        except ValueError:
            continue  # said where the points are read
        tolerance = 0.5 * 10.0 ** -int(given["decimals"]) + 1e-9
        if abs(given["value_pct"] - from_points["value_pct"]) > tolerance:
            rows.problems.append(rows.sheet.problem(int(k), head, values.iloc[k], because(
                "read_value_disagrees_with_points", "and columns {columns} {points} = {percent} disagree (expected "
                "the same value within the rounding of {value}: correct one of them, or leave \"{column}\" empty)",
                columns=points_heads, points=pts.iloc[k], percent=_pct(from_points["value_pct"]),
                value=values.iloc[k], column=head)))
            rows.bad[k] = True


def _pct(value: float) -> str:
    return f"{value:.2f}".replace(".", ",") + "%"
