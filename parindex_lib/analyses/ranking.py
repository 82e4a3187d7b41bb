"""The units of a run side by side: each one's total and status against its target, ranked within its level.

What ``index.html`` (its tables and chart) and the workbook's summary show for the run as a whole.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parindex_lib.analyses.trends import total_status


def ranking_table(rows: list, scores: pd.DataFrame) -> pd.DataFrame:
    """The run's units as one table: what ``index.html`` and its chart show, ranked by total within level.

    ``rows`` holds (unit, level, slug, index). A status needs a projection only for an interim period
    whose total is short of the target; every other status follows from the index alone.

    Returns
    -------
    DataFrame
        ``unit, level, slug, total, rank, rank_of, target, bound, status, illustrative`` and ``index``
        (the :class:`PARIndex`), best total first within each level.
    """
    columns = ["unit", "level", "slug", "total", "rank", "rank_of", "target", "bound", "status", "illustrative",
               "index"]
    table = pd.DataFrame([(u, lv, slug, ix.display_total, ix.total_rank, ix.total_rank_of, ix.target, ix.bound,
                           None, ix.illustrative, ix) for u, lv, slug, ix in rows], columns=columns)
    if table.empty:
        return table
    met = table["index"].map(lambda ix: ix.meets_target)
    interim = table["index"].map(lambda ix: ix.period != "FY")
    final_year = table["index"].map(lambda ix: ix.period == "FY" and ix.year == ix.target_year)
    table["status"] = np.select([met, final_year], ["met", "off_track"], "needs_change").astype(object)
    projected = ~met & interim
    table.loc[projected, "status"] = [total_status(ix, scores) for ix in table.loc[projected, "index"]]
    return table.sort_values(["level", "total"], ascending=[True, False], kind="stable").reset_index(drop=True)
