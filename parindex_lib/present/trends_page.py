"""The trends page's pieces: every result by period with its changes, ranks and distance to the published
averages, one sentence on the latest move, and a merged unit's history through its predecessors.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from parindex_lib.analyses import trends
from parindex_lib.model.lineage import lineage_beside
from parindex_lib.model.schema import PERIODS, unit_rows
from parindex_lib.present import report
from parindex_lib.present.i18n import component_name, t
from parindex_lib.present.lineage import predecessor_frame, predecessors_table, shows_predecessors
from parindex_lib.present.page_context import Context, blank
from parindex_lib.present.plots import plot_lineage
from parindex_lib.present.render import fragment
from parindex_lib.vn import format_number, format_points, format_pp, format_rank


def trends_table(ctx: Context):
    """Every result by period (columns) and component (rows): the value, its change in percentage points
    (since the previous period, or across a gap, "2016 → 2022"), the total's rank ("24/63"), and the
    distance to each published average."""
    idx = ctx.index
    history = history_frame(ctx)
    own = unit_rows(ctx.scores, idx.unit, idx.level)
    own = own[(own["component"] == "TOTAL") & (own["kind"] == "actual")]
    total_ranks = {(y, p): format_rank(r, o) for y, p, r, o in
                   zip(own["year"], own["period"], own["rank"], own["rank_of"], strict=True) if not pd.isna(r)}
    periods = list(history.index)
    rows = []
    for c in history.columns:
        name = t("col_total", ctx.lang) if c == "TOTAL" else component_name(c, ctx.lang, short=True)
        row = {t("col_component", ctx.lang): name}
        for k, key in enumerate(periods):
            value = history.loc[key, c]
            cell = format_number(value, ctx.lang) if not pd.isna(value) else ""
            before = next((periods[j] for j in range(k - 1, -1, -1) if not pd.isna(history.loc[periods[j], c])),
                          None)
            if cell and before is not None:
                step = trends.step_label(before, key)
                change = format_pp(value - history.loc[before, c], ctx.lang, unit=False)
                cell += f" ({change}" + (f", {step})" if step else ")")
            if c == "TOTAL" and key in total_ranks:
                cell += f" · {t('col_rank_total', ctx.lang).lower()} {total_ranks[key]}"
            row[trends.period_label(*key)] = cell
        rows.append(row)
    if idx.sums_points:
        rows += _block_rows(ctx, periods)
    reference = trends.reference_history(ctx.scores, idx.level)
    if "TOTAL" in history.columns:
        for ref in reference.columns:
            row = {t("col_component", ctx.lang): t("col_reference_gap", ctx.lang, reference=ref)}
            for key in periods:
                own, avg = history.loc[key, "TOTAL"], reference[ref].get(key)
                row[trends.period_label(*key)] = "" if pd.isna(own) or avg is None or pd.isna(avg) else \
                    f"{format_pp(own - avg, ctx.lang, unit=False)} ({format_number(avg, ctx.lang)})"
            rows.append(row)
    return report.styled(pd.DataFrame(rows))


def _block_rows(ctx: Context, periods: list) -> list[dict]:
    """The blocks of a total that sums them, in points by period (their maxima are not published, so no %)."""
    idx = ctx.index
    points = _block_points(ctx)
    rows = []
    for c in idx.components:
        row = {t("col_component", ctx.lang): component_name(c, ctx.lang, short=True)}
        for key in periods:
            value = points[c].get(key) if c in points.columns else None
            row[trends.period_label(*key)] = "" if value is None or pd.isna(value) else \
                format_points(value, None, ctx.lang)
        rows.append(row)
    return rows


def trends_reading(ctx: Context) -> HTML:
    """One sentence on the total's latest move, in percentage points (and across a gap, said as one)."""
    history = history_frame(ctx)
    if "TOTAL" not in history:
        return blank(ctx)
    totals = history["TOTAL"].dropna()
    if len(totals) < 2:
        return blank(ctx)
    change = float(totals.iloc[-1] - totals.iloc[-2])
    direction = t("up" if change > 0 else "down" if change < 0 else "flat", ctx.lang)
    step = trends.step_label(totals.index[-2], totals.index[-1])
    text = format_pp(abs(change), ctx.lang).lstrip("+±")
    if step:
        return ctx.html(fragment("section", paragraphs=[t("trends_reading_gap", ctx.lang, direction=direction,
                                                          change=text, step=step)]))
    return ctx.html(fragment("section", paragraphs=[t("trends_reading", ctx.lang, direction=direction,
                                                      change=text)]))


def history_frame(ctx: Context) -> pd.DataFrame:
    """The unit's results by period (for the trends table and chart): reported totals as reported; a result in
    blocks of points without a reported total gets Σ blocks ÷ total points (in the years of the same scheme)."""
    history = trends.history(ctx.scores, ctx.index.unit, ctx.index.weights, ctx.index.level)
    idx = ctx.index
    if not idx.sums_points:
        return history
    points = _block_points(ctx)
    scheme_years = points.index.get_level_values("year").isin(idx.scheme.years or [idx.year])
    summed = points[idx.components].sum(axis=1, min_count=len(idx.components))[scheme_years]
    summed = 100.0 * summed.dropna() / float(idx.scheme.total_points)
    history = history.reindex(history.index.union(summed.index))
    reported = history["TOTAL"] if "TOTAL" in history.columns else pd.Series(float("nan"), index=history.index)
    history["TOTAL"] = reported.fillna(summed.reindex(history.index))
    order = sorted(history.index, key=lambda k: (k[0], PERIODS.index(k[1])))
    return history.loc[order]


def _block_points(ctx: Context) -> pd.DataFrame:
    """The blocks' points of every result of the unit, one row per (year, period), one column per block."""
    idx = ctx.index
    own = unit_rows(ctx.scores, idx.unit, idx.level)
    own = own[(own["kind"] == "actual") & own["component"].isin(idx.components) & own["points"].notna()]
    points = own.pivot_table(index=["year", "period"], columns="component", values="points", aggfunc="first")
    return points.reindex(columns=idx.components)


def reference_frame(ctx: Context) -> pd.DataFrame:
    """Published averages to draw beside the unit's total (national, regional), by period."""
    return trends.reference_history(ctx.scores, ctx.index.level)


def predecessors(ctx: Context, rule: str = "") -> HTML:
    """For a unit formed in the 2025 reorganisation: its predecessors' results side by side (and, with ``rule``
    "mean" or "weights", one series derived from them, labelled so); before it, what the unit becomes."""
    table = lineage_beside(ctx.params["scores_path"])
    return predecessors_table(ctx.scores, table, ctx.index.unit, ctx.index.level, ctx.index.year, ctx.lang,
                              rule or None)


def lineage_chart(ctx: Context, rule: str = ""):
    """The merged unit's history as separate labelled lines (None for a unit with no predecessors)."""
    table = lineage_beside(ctx.params["scores_path"])
    frame, hist = predecessor_frame(ctx.scores, table, ctx.index.unit, ctx.index.level, ctx.lang, rule or None)
    if not shows_predecessors(hist, ctx.index.unit, ctx.index.year):
        return None
    return plot_lineage(frame, ctx.lang)
