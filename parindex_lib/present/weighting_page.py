"""The weighting page's pieces: each component's weight, contribution and points lost, which schemes reproduce the
reported total, the total's sensitivity to the weights with the peers' rank intervals, and the inferred weights.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from parindex_lib.analyses import weighting
from parindex_lib.present import report
from parindex_lib.present.blocks_page import blocks_check, blocks_reading, blocks_table
from parindex_lib.present.i18n import component_name, say, t
from parindex_lib.present.page_context import Context, blank, needs_components
from parindex_lib.present.render import fragment
from parindex_lib.vn import format_number, format_pct, format_points


def contributions(ctx: Context) -> pd.DataFrame:
    """Each component's weight, contribution and points lost (empty when only the total is known)."""
    return pd.DataFrame() if ctx.totals_only else weighting.contributions(ctx.index)


def contributions_table(ctx: Context):
    """Weight, contribution, points lost and marginal value per component; in points too where the data
    carries points ("mất 3,36/16,5 điểm"); the blocks as points when the total is their sum."""
    if ctx.index.sums_points:
        return blocks_table(ctx)
    if ctx.totals_only:
        return needs_components(ctx)
    table = weighting.contributions(ctx.index)
    rows = []
    for c, r in table.iterrows():
        row = {t("col_component", ctx.lang): component_name(c, ctx.lang),
               t("col_value", ctx.lang): format_pct(r.value, ctx.lang)}
        if ctx.index.from_points:
            row[t("col_points", ctx.lang)] = format_points(r.points, r.max_points, ctx.lang)
            row[t("col_points_lost", ctx.lang)] = format_points(r.max_points - r.points, r.max_points, ctx.lang)
        row |= {t("col_weight", ctx.lang): format_pct(100 * r.weight, ctx.lang),
                t("col_contribution", ctx.lang): format_number(r.contribution, ctx.lang),
                t("col_lost", ctx.lang): format_number(r.points_lost, ctx.lang),
                t("col_marginal", ctx.lang): format_number(r.marginal, ctx.lang, 3)}
        rows.append(row)
    return report.styled(pd.DataFrame(rows))


def weighting_reading(ctx: Context) -> HTML:
    """One sentence: where most points were lost (in points of the maximum where the data gives them)."""
    if ctx.index.sums_points:
        return blocks_reading(ctx)
    if ctx.totals_only:
        return blank(ctx)
    table = weighting.contributions(ctx.index).sort_values("points_lost", ascending=False).head(3)
    items = "; ".join(
        f"{component_name(c, ctx.lang)} ("
        + (format_points(r.max_points - r.points, r.max_points, ctx.lang) if ctx.index.from_points
           else format_number(r.points_lost, ctx.lang)) + ")" for c, r in table.iterrows())
    return ctx.html(fragment("section", paragraphs=[t("weighting_reading", ctx.lang, items=items)]))


def consistency_table(ctx: Context):
    """Which schemes (of the unit's level) reproduce the reported total; for blocks of points, the reported
    total beside their sum."""
    if ctx.index.sums_points:
        return blocks_check(ctx)
    if ctx.totals_only:
        return blank(ctx)
    table = weighting.scheme_consistency(ctx.index)
    rows = [{t("col_scheme", ctx.lang): f"{r.scheme} — {r.title_vi if ctx.lang == 'vi' else r.title_en}",
             t("col_recomputed", ctx.lang): "" if pd.isna(r.recomputed) else format_pct(r.recomputed, ctx.lang, 4),
             t("col_interval", ctx.lang): "" if pd.isna(r.low) else
             f"{format_pct(r.low, ctx.lang, 3)}–{format_pct(r.high, ctx.lang, 3)}",
             t("col_consistent", ctx.lang): _consistency_cell(r, ctx.lang)}
            for r in table.itertuples()]
    return report.styled(pd.DataFrame(rows)).set_caption(t("consistency_title", ctx.lang))


def _consistency_cell(row, lang: str) -> str:
    if row.note:
        return say(row.note, lang)
    if row.consistent is None:
        return t("no_reported_total", lang)
    return t("answer_yes" if row.consistent else "answer_no", lang)


#: A peer table longer than this shows the unit and its nearest neighbours only (a commune among 3 321).
PEER_ROWS = 15


NEIGHBOURS = 5


def sensitivity(ctx: Context, concentration: float = 50.0, draws: int = 100_000) -> HTML:
    """The total's spread when weights vary around the scheme, the chance of meeting the target, and the
    rank intervals of the unit's peers (all of them up to :data:`PEER_ROWS`, else the unit's neighbours)."""
    if ctx.totals_only:
        return blank(ctx)
    sens = weighting.weight_sensitivity(ctx.index, concentration=concentration, draws=draws)
    computed = weighting.load_rank_intervals(ctx.peers_path)
    intervals, _ = weighting.peer_rank_intervals(ctx.scores, ctx.index, concentration=concentration, draws=draws,
                                                 computed=computed)
    paragraphs = [t("sensitivity_sentence", ctx.lang, concentration=format_number(concentration, ctx.lang, 0),
                    draws=format_number(draws, ctx.lang, 0), low=format_pct(sens.quantiles["q025"], ctx.lang),
                    high=format_pct(sens.quantiles["q975"], ctx.lang),
                    p=format_pct(100 * sens.p_meets_target, ctx.lang, 1))]
    table = None
    if intervals is not None:
        shown = intervals
        if len(intervals) > PEER_ROWS and ctx.index.unit in intervals.index:
            at = intervals.index.get_loc(ctx.index.unit)
            shown = intervals.iloc[max(0, at - NEIGHBOURS):at + NEIGHBOURS + 1]
            own = intervals.loc[ctx.index.unit]
            paragraphs.append(t("peer_rank_sentence", ctx.lang, unit=ctx.index.unit, n=len(intervals),
                                rank=f"{own.rank_median} ({own.rank_low}–{own.rank_high})", shown=len(shown)))
        rows = [{t("col_unit", ctx.lang): r.Index, t("col_total", ctx.lang): format_pct(r.total_at_scheme, ctx.lang),
                 t("col_rank", ctx.lang): f"{r.rank_median} ({r.rank_low}–{r.rank_high})"}
                for r in shown.itertuples()]
        table = report.styled(pd.DataFrame(rows)).to_html()
    return ctx.html(fragment("section", title=t("sensitivity_title", ctx.lang), paragraphs=paragraphs, table=table))


def inference(ctx: Context) -> HTML:
    """Weights estimated from every reported total in the data, or why they cannot be."""
    if ctx.totals_only:
        return blank(ctx)
    result = weighting.inferred_weights(ctx.scores, ctx.index.components)
    if result is None:
        return ctx.html("")
    if result.identifiable:
        weights = ", ".join(f"{c} {format_pct(100 * w, ctx.lang, 1)}" for c, w in result.weights.items())
        text = t("inference_ok", ctx.lang, n=result.n_rows, weights=weights,
                 rmse=format_number(result.rmse, ctx.lang, 3))
    else:
        text = t("inference_not_identifiable", ctx.lang, n=result.n_rows, k=len(result.weights), rank=result.rank)
    return ctx.html(fragment("section", title=t("inference_title", ctx.lang), paragraphs=[text]))
