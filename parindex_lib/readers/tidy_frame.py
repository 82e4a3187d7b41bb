"""The frame of a tidy block: each value column's rows, with the fields they share, where each value came from
(file, sheet, row, column) and how it was written."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from parindex_lib.model import schema
from parindex_lib.readers.values import FractionCheck

if TYPE_CHECKING:  # the reader's own types, only for annotations (tidy imports this module)
    from parindex_lib.readers.tidy import Sheet, Values


def _frame(sheet: Sheet, fields: dict, values: Values, keep: np.ndarray, rank_of_given: bool) -> pd.DataFrame:
    """The tidy rows of one value column, for the rows kept, with where each value came from."""
    parsed, ranks = values.parsed, values.ranks
    frame = pd.DataFrame({
        "unit": fields["unit"][keep], "level": fields["level"][keep], "year": fields["year"][keep],
        "period": fields["period"][keep], "component": values.component[keep],
        "kind": fields["kind"].to_numpy()[keep],
        "value_pct": parsed.field(lambda r: np.nan if r is None else r["value_pct"], keep),
        "bound": parsed.field(lambda r: None if r is None else r["bound"], keep, object),
        "points": parsed.field(lambda r: np.nan if r is None else r.get("points", np.nan), keep),
        "max_points": parsed.field(lambda r: np.nan if r is None else r.get("max_points", np.nan), keep),
        "rank": ranks.field(lambda r: np.nan if r is None else r[0], keep),
        "rank_of": ranks.field(lambda r: np.nan if r is None or r[1] is None else r[1], keep),
        "lead_units": fields["lead_units"][keep],
        "decimals": parsed.field(lambda r: np.nan if r is None else r["decimals"], keep),
        "illustrative": fields["illustrative"][keep], "note": fields["note"][keep],
        "province": fields["province"][keep], "group": fields["group"][keep],
        "row_number": sheet.numbers[keep],
        "written": parsed.field(lambda r: None if r is None else r["written"], keep, object),
        "value_column": values.head,
    })
    explicit_bound = fields["bound"][keep].to_numpy()
    frame["bound"] = np.where(explicit_bound != "", explicit_bound, frame["bound"])
    if rank_of_given:
        given = pd.to_numeric(pd.Series(fields["rank_of"][keep]), errors="coerce").to_numpy(dtype=float)
        frame["rank_of"] = np.where(np.isnan(given), frame["rank_of"].to_numpy(), given)
    _add_sources(frame, sheet, keep, fields["cited"])
    return frame


def _add_sources(frame: pd.DataFrame, sheet: Sheet, keep: np.ndarray, cited: np.ndarray) -> None:
    tables = sheet.table_of[keep]
    cites = cited[keep]
    prefixes = [t.source(0)[: -len(", row 0")] for t in sheet.tables]
    frame["source"] = [f"{prefixes[t]}, row {r}" + (f"; {c}" if c else "")
                       for t, r, c in zip(tables, sheet.numbers[keep], cites, strict=True)]
    frame["file"] = [sheet.tables[t].file for t in tables]
    frame["sheet"] = [sheet.tables[t].sheet for t in tables]


def _add_fractions(frame: pd.DataFrame, sheet: Sheet, keep: np.ndarray, column: str,
                   fractions: FractionCheck) -> None:
    pct = frame["points"].isna().to_numpy()
    tables = sheet.table_of[keep]
    for t_id in np.unique(tables):
        t = sheet.tables[t_id]
        for kind in ("actual", "target"):
            m = pct & (tables == t_id) & (frame["kind"].to_numpy() == kind)
            if m.any():
                values = frame["value_pct"].to_numpy()[m]
                first = int(np.flatnonzero(m)[0])
                fractions.add_many(t.file, t.sheet, column, kind, int(m.sum()), float(values.max()),
                                   (int(frame["row_number"].iloc[first]), float(values[0])))


def assemble(sheet: Sheet, ok: np.ndarray, rank_of_given: bool, fields: dict, values: list[Values],
             fractions: FractionCheck) -> pd.DataFrame:
    """The tidy rows of every value column, for the rows read (``ok``), each fraction-checked."""
    out = []
    for v in values:
        keep = ok & v.present
        if keep.any():
            frame = _frame(sheet, fields, v, keep, rank_of_given)
            _add_fractions(frame, sheet, keep, v.head, fractions)
            out.append(frame)
    return pd.concat(out, ignore_index=True) if out else schema.empty_scores()
