"""Values read by the methodology of their year: what the standardise step does after reading.

A reader keeps each value as written (a percentage, a plain number, points with or without their
maximum). Two things depend on the scheme a year was assessed by, and are done here, each said once in
the summary of ``parindex standardise``:

- **Points written without their maximum** take the maximum the year's scheme publishes: a component's
  maximum (``9,56`` SIPAS points → ``9,56/10``), or for the total the year's scale (100 points in
  2012–2015, 97,5 in 2016). Points whose maximum no scheme publishes are refused, never read as a percentage.
- **Block tables of the 2017–2020 provincial index** (appraised score, leaders' survey, SIPAS, impact:
  points that add up to the total) typed as plain numbers are points, as published, not percentages. The
  blocks are summed and checked against the reported total within the rounding of every printed value: a
  total that is not the sum of its blocks is a located error — or, when the user asks to keep it as
  published, a note on the total's row, which the reports show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from parindex_lib.errors import Problem, Reason, because
from parindex_lib.model.components import TOTAL, name_of
from parindex_lib.model.schemes import Scheme, default_scheme

#: Columns a reader adds to the contract's, for this step and for messages: how a value was written,
#: the header of its column, and where it lies.
READING_COLUMNS = ["written", "value_column", "file", "sheet", "row_number"]
POINTS_WITHOUT_MAXIMUM = because("mod_points_without_maximum",
                                 "is points without a maximum, and no published scheme of its level and year gives one "
                                 "(expected e.g. 12,75/13, or a column \"Điểm tối đa\" / max_points); points are never "
                                 "read as a percentage")
#: The Σ-of-blocks check of a total whose blocks are all given: the rows' key.
GROUP = ["unit", "level", "year", "period", "kind"]


@dataclass(frozen=True)
class Applied:
    """The table with every value read by its year's methodology, the faults found, and what was done."""

    frame: pd.DataFrame
    problems: tuple[Problem, ...] = ()
    notes: tuple[Reason, ...] = ()


def apply_methodology(frame: pd.DataFrame, keep_inconsistent: frozenset[str] | bool = False) -> Applied:
    """Read plain numbers of block tables as points, fill maxima from schemes, check Σ blocks = total.

    Parameters
    ----------
    frame : DataFrame
        Rows as the readers give them: the contract's columns plus :data:`READING_COLUMNS`.
    keep_inconsistent : bool or set of str
        Keep a total that is not the sum of its blocks, as published, with a note (``True`` for every
        file, or the set of files for which the user asked it).

    Returns
    -------
    Applied
        The frame (same columns), the problems (totals that are not the sum of their blocks, points left
        without a maximum) and one note per kind of thing done.
    """
    if frame.empty or "written" not in frame.columns:
        return Applied(frame)
    frame = frame.copy()
    schemes = _Schemes()
    over: list[Problem] = []
    notes = [n for n in (_block_points(frame, schemes), _fill_maxima(frame, schemes, over)) if n]
    problems = over + unfilled_points(frame, schemes)
    sums, kept = _check_sums(frame, schemes, keep_inconsistent)
    if kept:
        notes.append(kept)
    return Applied(frame, tuple(problems + sums), tuple(notes))


class _Schemes:
    """The default scheme of each (level, year), looked up once."""

    def __init__(self) -> None:
        self._found: dict[tuple, Scheme | None] = {}

    def of(self, level: object, year: object) -> Scheme | None:
        if not isinstance(level, str) or pd.isna(year):
            return None
        key = (level, int(year))
        if key not in self._found:
            self._found[key] = default_scheme(*key)
        return self._found[key]

    def maximum(self, level: object, year: object, component: str) -> tuple[float | None, Scheme | None]:
        """The published maximum of a component (the year's scale for the total), and its scheme."""
        scheme = self.of(level, year)
        if scheme is None:
            return None, None
        top = scheme.total_points if component == TOTAL else scheme.max_points.get(component)
        return top, scheme


def _block_points(frame: pd.DataFrame, schemes: _Schemes) -> Reason | None:
    """Plain numbers of a block table (two or more blocks of a summing scheme in one unit's year) are points."""
    plain = frame["written"].to_numpy() == "plain"
    if not plain.any():
        return None
    candidates = frame[plain]
    changed = []
    for key, group in candidates.groupby(GROUP, sort=False, dropna=False):
        scheme = schemes.of(key[1], key[2])
        if scheme is None or scheme.aggregation != "sum":
            continue
        parts = group[group["component"].isin(scheme.components)]
        if len(parts) < 2:
            continue  # a lone SIPAS column is the SIPAS index in %, not a block of points
        rows = parts.index.union(group.index[group["component"] == TOTAL])
        for i in rows:
            top = scheme.total_points if frame.at[i, "component"] == TOTAL else scheme.max_points.get(
                frame.at[i, "component"])
            points = float(frame.at[i, "value_pct"])
            frame.at[i, "points"] = points
            frame.at[i, "max_points"] = np.nan if top is None else float(top)
            frame.at[i, "value_pct"] = np.nan if top is None else 100.0 * points / float(top)
            frame.at[i, "written"] = "points"
        changed.append((len(rows), scheme.name))
    if not changed:
        return None
    names = ", ".join(sorted({name for _, name in changed}))
    count = sum(n for n, _ in changed)
    return Reason("std_block_points", {"count": count, "schemes": names},
                  f"{count} value(s) of block tables typed as plain numbers were read as points, as published "
                  f"({names}: the blocks add up to the total)")


def _fill_maxima(frame: pd.DataFrame, schemes: _Schemes, over: list[Problem]) -> Reason | None:
    """Points written without their maximum take the one their year's scheme publishes (points above it are a
    problem in ``over``)."""
    bare = np.flatnonzero((frame["written"].to_numpy() == "bare_points") & frame["max_points"].isna().to_numpy())
    taken: dict[tuple, int] = {}
    for pos in bare:
        i = frame.index[pos]
        component = frame.at[i, "component"]
        top, scheme = schemes.maximum(frame.at[i, "level"], frame.at[i, "year"], component)
        if top is None:
            continue
        if float(frame.at[i, "points"]) > float(top):
            sheet = frame.at[i, "sheet"]
            over.append(Problem(frame.at[i, "file"], int(frame.at[i, "row_number"]), frame.at[i, "value_column"],
                                _points_text(frame.at[i, "points"]), because(
                                    "mod_over_scheme_maximum", "is more than its maximum {top}, which scheme "
                                                               '"{scheme}" publishes for {code} (expected points ≤ '
                                                               "maximum)",
                                    top=_points_text(top), scheme=scheme.name, code=component),
                                sheet if isinstance(sheet, str) else None))
            frame.at[i, "written"] = "over_maximum"  # refused above: never read as a percentage beyond 100
            continue
        frame.at[i, "max_points"] = float(top)
        frame.at[i, "value_pct"] = 100.0 * float(frame.at[i, "points"]) / float(top)
        frame.at[i, "written"] = "points"
        key = (scheme.name, component, float(top))
        taken[key] = taken.get(key, 0) + 1
    if not taken:
        return None
    items = [(component, top, name, n) for (name, component, top), n in sorted(taken.items())]
    what = "; ".join(f"{component} {_points_text(top)} points ({name}, {n} value(s))" for component, top, name, n
                     in items)
    count = sum(taken.values())
    return Reason("std_maxima_taken", {"count": count, "items": items},
                  f"{count} value(s) in points without a written maximum took the maximum their year's published "
                  f"scheme gives: {what}")


def unfilled_points(frame: pd.DataFrame, schemes: _Schemes | None = None) -> list[Problem]:
    """A located problem for each value in points whose maximum is neither written nor published.

    The blocks of a summing scheme whose maxima are not published (2017–2020) are kept as points: their
    sum is what counts.
    """
    if frame.empty or "written" not in frame.columns:
        return []
    bare = frame[(frame["written"].to_numpy() == "bare_points") & frame["max_points"].isna().to_numpy()]
    problems = []
    for row in bare.itertuples():
        scheme = schemes.of(row.level, row.year) if schemes is not None else None
        if scheme is not None and scheme.aggregation == "sum" and row.component in scheme.components:
            continue
        problems.append(Problem(row.file, int(row.row_number), row.value_column, _points_text(row.points),
                                POINTS_WITHOUT_MAXIMUM, row.sheet if isinstance(row.sheet, str) else None))
    return problems


def _points_text(points: float, decimals: object = None) -> str:
    """Points as printed: with the decimals they were written with (``86,10``), else as few as they need."""
    if decimals is not None and not pd.isna(decimals) and int(decimals) > 0:
        return f"{float(points):.{int(decimals)}f}".replace(".", ",")
    return f"{points:g}".replace(".", ",")


def _half_width(decimals: object) -> float:
    """The rounding of a value printed with ``decimals`` decimals (a whole number counts as two: 100 = 100,00)."""
    if decimals is None or pd.isna(decimals) or int(decimals) == 0:
        return 0.005
    return 0.5 * 10.0 ** (-int(decimals))


def _check_sums(frame: pd.DataFrame, schemes: _Schemes,
                keep: frozenset[str] | bool) -> tuple[list[Problem], Reason | None]:
    """Σ blocks = total, within rounding, for every unit's year whose blocks are all given in points."""
    has_points = frame["points"].notna().to_numpy()
    if not has_points.any():
        return [], None
    problems, kept = [], 0
    totals = frame[frame["component"].to_numpy() == TOTAL]
    totals = totals.set_index(GROUP, drop=False, append=True) if not totals.empty else totals
    for key, group in frame[has_points].groupby(GROUP, sort=False, dropna=False):
        scheme = schemes.of(key[1], key[2])
        if scheme is None or scheme.aggregation != "sum" or not scheme.total_points:
            continue
        parts = group[group["component"].isin(scheme.components)]
        total = totals[totals["unit"].eq(key[0]) & totals["level"].eq(key[1]) & totals["year"].eq(key[2])
                       & totals["period"].eq(key[3]) & totals["kind"].eq(key[4])] if len(totals) else totals
        if total.empty or set(parts["component"]) != set(scheme.components):
            continue
        row = total.iloc[0]
        reported = float(row["points"]) if pd.notna(row["points"]) else \
            float(row["value_pct"]) * scheme.total_points / 100.0
        sum_points = float(parts["points"].sum())
        tolerance = sum(_half_width(d) for d in parts["decimals"]) + _half_width(row["decimals"])
        if abs(sum_points - reported) <= tolerance + 1e-9:
            continue
        addends = " + ".join(f"{name_of(c)} {_points_text(p, d)}" for c, p, d in zip(
            parts["component"], parts["points"], parts["decimals"], strict=True))
        places = max([int(d) for d in [*parts["decimals"], row["decimals"]] if pd.notna(d)], default=None)
        sheet = row["sheet"] if isinstance(row["sheet"], str) else None
        if keep is True or (keep and row["file"] in keep):
            note = (f"Tổng các khối ({addends}) = {_points_text(round(sum_points, 4), places)} điểm, khác tổng công "
                    f"bố {_points_text(round(reported, 4), row['decimals'])} điểm (giữ như công bố)")
            i = total.index[0][0]
            frame.at[i, "note"] = note if pd.isna(row["note"]) or not row["note"] else f"{row['note']}; {note}"
            kept += 1
            continue
        problems.append(Problem(
            row["file"], int(row["row_number"]), row["value_column"], _points_text(round(reported, 4), row["decimals"]),
            because("mod_total_not_sum_of_blocks", "is not the sum of its blocks: {addends} = {sum} points (expected "
                    "the total to equal the sum within the rounding of the printed values, ±{tolerance}; to keep it "
                    "as published, set keep_inconsistent: true for the file in manifest.yaml, or add "
                    "--keep-inconsistent to the command: standardise, run, lift or explore, which then keep the "
                    "choice)", addends=addends, sum=_points_text(round(sum_points, 4), places),
                    tolerance=_points_text(round(tolerance, 4))),
            sheet))
    note = Reason("std_totals_kept", {"count": kept}, f"{kept} total(s) that are not the sum of their blocks were kept "
                  "as published, with a note on their row") if kept else None
    return problems, note
