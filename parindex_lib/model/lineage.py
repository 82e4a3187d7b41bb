"""Lineage across a reorganisation: which units became which, when, by which decision — as data.

Since 1 July 2025 districts no longer exist, 63 provinces are 34 (Nghị quyết 202/2025/QH15) and communes were
merged (e.g. Lai Châu's 106 into 38, Nghị quyết 1670/NQ-UBTVQH15). A merged unit has no result of its own
before the date; its history is its predecessors'. The lineage table (``data/processed/lineage.csv``, read by
:mod:`parindex_lib.readers.lineage`) has one row per predecessor → successor, so a predecessor split between
several successors has several rows, each with its own optional weight (e.g. the population it brought).

A result of year Y belongs to the successor when Y is the effective year or later (a year's index assesses the
unit as it stands at the year's end); earlier results are the predecessors'. Their history is shown side by
side, and — only when a rule is chosen — as one series derived from them (their plain mean, or their mean
weighted by the table's weights), always labelled as derived and never mixed with the unit's own results.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from parindex_lib.errors import MethodError, because
from parindex_lib.model.components import TOTAL

LINEAGE_COLUMNS = ["predecessor", "predecessor_level", "successor", "successor_level", "province", "effective",
                   "decision", "weight", "source", "note"]
RULES = ("mean", "weights")
LINEAGE_CSV = "lineage.csv"


def empty_lineage() -> pd.DataFrame:
    """A lineage table with no rows."""
    return pd.DataFrame({c: pd.Series(dtype=float if c == "weight" else object) for c in LINEAGE_COLUMNS})


def load_lineage(path: str | Path) -> pd.DataFrame:
    """Read a standardised ``lineage.csv`` (an absent file: no reorganisation is known, an empty table)."""
    path = Path(path)
    if not path.exists():
        return empty_lineage()
    table = pd.read_csv(path, dtype={c: object for c in LINEAGE_COLUMNS if c != "weight"})
    table["weight"] = pd.to_numeric(table.get("weight"), errors="coerce")
    return table.reindex(columns=LINEAGE_COLUMNS)


def lineage_beside(scores_path: str | Path) -> pd.DataFrame:
    """The lineage standardised beside a ``scores.csv`` (the same folder)."""
    return load_lineage(Path(scores_path).parent / LINEAGE_CSV)


def predecessors(lineage: pd.DataFrame, unit: str, level: str) -> pd.DataFrame:
    """The rows naming ``unit`` (of ``level``) as successor: predecessor, its level, date, decision, weight."""
    if lineage.empty:
        return lineage.iloc[0:0]
    rows = lineage[(lineage["successor"] == unit) & (lineage["successor_level"] == level)]
    return rows.reset_index(drop=True)


def successors(lineage: pd.DataFrame, unit: str, level: str) -> pd.DataFrame:
    """The rows naming ``unit`` (of ``level``) as predecessor: what it became, and when."""
    if lineage.empty:
        return lineage.iloc[0:0]
    return lineage[(lineage["predecessor"] == unit) & (lineage["predecessor_level"] == level)].reset_index(drop=True)


def effective_year(rows: pd.DataFrame) -> int | None:
    """The year from which results are the successor's (the earliest effective date of its rows)."""
    dates = pd.to_datetime(rows["effective"], errors="coerce").dropna()
    return int(dates.min().year) if not dates.empty else None


@dataclass(frozen=True)
class PredecessorHistory:
    """A unit's history through its predecessors.

    ``side_by_side`` has one column per predecessor (its results before the effective year, as published; a
    predecessor may bear the successor's name, as Hải Phòng does); ``own`` the unit's own results (from the
    effective year); ``derived`` is the series derived from the
    predecessors under ``rule`` (None when no rule was chosen), with ``covered`` the predecessors that have
    a result in each period out of ``len(rows)``.
    """

    unit: str
    level: str
    rows: pd.DataFrame
    since: int | None
    side_by_side: pd.DataFrame
    own: pd.Series
    derived: pd.Series | None
    covered: pd.Series
    rule: str | None

    @property
    def merged(self) -> bool:
        """Whether the unit has predecessors in the table."""
        return not self.rows.empty


def _series(scores: pd.DataFrame, unit: str, level: str, component: str) -> pd.Series:
    rows = scores[(scores["unit"] == unit) & (scores["level"] == level) & (scores["kind"] == "actual")
                  & (scores["component"] == component)]
    return rows.set_index(["year", "period"])["value_pct"].astype(float).groupby(level=[0, 1]).first()


def history(scores: pd.DataFrame, lineage: pd.DataFrame, unit: str, level: str, *, component: str = TOTAL,
            rule: str | None = None) -> PredecessorHistory:
    """The unit's results and its predecessors', side by side, and (with ``rule``) one derived series.

    Parameters
    ----------
    rule : {None, "mean", "weights"}
        ``mean``: the plain mean of the predecessors that have a result in a period; ``weights``: their mean
        weighted by the table's weights (each must be given). None: side by side only.

    Raises
    ------
    MethodError
        For an unknown rule, or ``weights`` when the table gives no weight for a predecessor.

    Examples
    --------
    >>> lin = pd.DataFrame([{"predecessor": "A", "predecessor_level": "commune", "successor": "AB",
    ...     "successor_level": "commune", "effective": "2025-07-01", "weight": 3.0},
    ...     {"predecessor": "B", "predecessor_level": "commune", "successor": "AB", "successor_level": "commune",
    ...      "effective": "2025-07-01", "weight": 1.0}])
    >>> s = pd.DataFrame({"unit": ["A", "B", "AB"], "level": "commune", "kind": "actual", "component": "TOTAL",
    ...                   "year": [2024, 2024, 2025], "period": "FY", "value_pct": [80.0, 60.0, 85.0]})
    >>> h = history(s, lin, "AB", "commune", rule="weights")
    >>> float(h.derived.loc[(2024, "FY")]), float(h.own.loc[(2025, "FY")])
    (75.0, 85.0)
    """
    if rule not in (None, "", *RULES):
        raise MethodError(reason=because("mod_unknown_rule", 'rule "{rule}" is not known (expected mean, weights or '
                                                             "none)", rule=rule))
    rule = rule or None
    rows = predecessors(lineage, unit, level)
    since = effective_year(rows) if not rows.empty else None
    own = _series(scores, unit, level, component)
    if since is not None:
        own = own[own.index.get_level_values(0) >= since]
    columns = {}
    for r in rows.itertuples():
        series = _series(scores, r.predecessor, r.predecessor_level, component)
        if since is not None:
            series = series[series.index.get_level_values(0) < since]
        columns[r.predecessor] = series
    frame = pd.DataFrame(columns, dtype=float)
    derived, covered = None, pd.Series(dtype=int)
    if not frame.empty:
        covered = frame.notna().sum(axis=1)
        if rule == "mean":
            derived = frame.mean(axis=1)
        elif rule == "weights":
            weights = pd.Series(rows["weight"].to_numpy(dtype=float), index=rows["predecessor"])
            if weights.isna().any():
                missing = ", ".join(weights.index[weights.isna()])
                raise MethodError(reason=because(
                    "mod_lineage_no_weight", "the lineage table gives no weight for {missing} (predecessor of {unit}): "
                                             "choose the plain mean, or add the weights (e.g. population) to the table",
                    missing=missing, unit=unit))
            w = frame.notna() * weights.reindex(frame.columns).to_numpy()
            derived = (frame.fillna(0.0) * w).sum(axis=1) / w.sum(axis=1).replace(0.0, np.nan)
    return PredecessorHistory(unit, level, rows, since, frame.sort_index(), own, derived, covered, rule)
