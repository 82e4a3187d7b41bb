"""The pages' pieces for a unit whose total is the sum of its blocks' points, the blocks' maxima not being
published (the provincial index of 2017–2020, ``PARIndex.sums_points``).

The blocks are shown as points, with what each adds to the total; what would need a block's maximum (its
percentage, the points it lost, its weight, a lift by block) is said in one sentence, and the lift uses the
gap to the total instead. The reported total is set beside the sum of the blocks, and a total kept as
published though it differs is said to be kept.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from parindex_lib.present import report
from parindex_lib.present.i18n import component_name, t
from parindex_lib.present.page_context import Context
from parindex_lib.present.render import fragment
from parindex_lib.vn import format_number, format_pct, format_points


def block_rows(ctx: Context) -> pd.DataFrame:
    """Each block's points and what they add to the total, in percentage points (points × 100 ÷ total points)."""
    idx = ctx.index
    points = idx.points.loc[idx.components].astype(float)
    return pd.DataFrame({"points": points, "share": 100.0 * points / float(idx.scheme.total_points),
                         "lead_units": idx.lead_units.reindex(idx.components)})


def blocks_table(ctx: Context):
    """The blocks as points, with their share of the total (no percentage of a maximum that is not published)."""
    rows = [{t("col_block", ctx.lang): component_name(c, ctx.lang),
             t("col_points", ctx.lang): format_points(r.points, None, ctx.lang),
             t("col_block_share", ctx.lang): format_number(r.share, ctx.lang),
             t("col_lead", ctx.lang): r.lead_units if isinstance(r.lead_units, str) else ""}
            for c, r in block_rows(ctx).iterrows()]
    return report.styled(pd.DataFrame(rows)).set_caption(t("blocks_title", ctx.lang))


def blocks_reading(ctx: Context) -> HTML:
    """One sentence: the total is the blocks' sum; their maxima are not published, so nothing per block is lost."""
    idx = ctx.index
    blocks = report.blocks_points(idx)
    scale = float(idx.scheme.total_points)
    text = t("blocks_reading", ctx.lang, total=format_pct(idx.total, ctx.lang),
             blocks=format_number(blocks, ctx.lang), scale=report.scale_text(idx, ctx.lang),
             scheme=idx.scheme.name, lost=format_number(max(0.0, scale - blocks), ctx.lang))
    return ctx.html(fragment("section", paragraphs=[text]))


def blocks_check(ctx: Context):
    """The reported total beside the sum of the blocks, and whether it matches (or was kept as published)."""
    idx = ctx.index
    check = idx.check_total()
    if check.reported is None:
        answer = t("no_reported_total", ctx.lang)
    elif check.consistent:
        answer = t("answer_yes", ctx.lang)
    else:
        answer = t("answer_kept" if report.blocks_kept(idx) else "answer_no", ctx.lang)
    table = pd.DataFrame([{
        t("col_scheme", ctx.lang): f"{idx.scheme.name} — {idx.scheme.title(ctx.lang)}",
        t("col_blocks_sum", ctx.lang): f"{format_points(report.blocks_points(idx), None, ctx.lang)} = "
                                       f"{format_pct(check.recomputed, ctx.lang)}",
        t("col_rounding", ctx.lang): f"{format_pct(check.low, ctx.lang, 3)}–{format_pct(check.high, ctx.lang, 3)}",
        t("col_reported_total", ctx.lang): "" if check.reported is None else format_pct(check.reported, ctx.lang),
        t("col_consistent", ctx.lang): answer}])
    return ctx.html(fragment("section", title=t("blocks_check_title", ctx.lang),
                             paragraphs=[report.blocks_check_sentence(idx, ctx.lang)],
                             table=report.styled(table).to_html()))


def blocks_lift(ctx: Context) -> HTML:
    """What reaching the target takes, as the gap to the total in points (no lift by block without maxima)."""
    return ctx.html(fragment("section", title=t("recommend_title", ctx.lang),
                             paragraphs=[report.blocks_lift_sentence(ctx.index, ctx.lang)]))
