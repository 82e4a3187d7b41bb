"""Words and tables for people: the sentences and formatted tables the reports and the CLI show.

Every figure comes from the analyses; this module only turns them into text in the reader's
language (through :mod:`parindex_lib.present.i18n`), formatted with Babel.
"""

from __future__ import annotations

import pandas as pd

from parindex_lib.analyses.lift import LiftResult, PlanTargets
from parindex_lib.model.criteria_scores import from_criteria
from parindex_lib.model.index import PARIndex, met
from parindex_lib.present.i18n import component_name, status_label, t, target_text
from parindex_lib.present.render import Table
from parindex_lib.vn import format_number, format_pct, format_points, format_pp, format_rank


def illustrative_banner(rows: pd.DataFrame, lang: str = "vi") -> str | None:
    """The banner of what is built from ``rows`` when some are illustrative, saying what was made up: the
    quarterly values, the criteria self-assessments, or both (``None`` when every row is real)."""
    made_up = rows[rows["illustrative"]]
    if made_up.empty:
        return None
    criteria = from_criteria(made_up)
    if criteria.all():
        return t("criteria_illustrative_banner", lang)
    if criteria.any():
        return f'{t("illustrative_banner", lang)} {t("criteria_illustrative_sentence", lang)}'
    return t("illustrative_banner", lang)


def basis_label(index: PARIndex, lang: str = "vi") -> str:
    """``năm 2023`` / ``2023`` for a final result, ``Q3/2024`` for an interim one."""
    if index.period == "FY":
        return f"năm {index.year}" if lang == "vi" else str(index.year)
    return f"{index.period}/{index.year}"


def total_sentence(index: PARIndex, lang: str = "vi") -> str:
    """The headline: the total against the target, with last year's rank."""
    rank = t("rank_text", lang, rank=format_rank(index.total_rank, index.total_rank_of)) if index.total_rank else ""
    return t("total_line", lang, basis=basis_label(index, lang), total=format_pct(index.display_total, lang),
             target_year=index.target_year, target_text=target_text(index.target, index.bound, lang),
             rank_text=rank)


def gap_sentence(index: PARIndex, lang: str = "vi") -> str:
    """How many points of total are still missing (or that none are)."""
    shown = index.display_total  # the figure the reader sees in the headline, so the sum adds up
    if met(shown, index.target, index.bound):
        return t("gap_line_met", lang)
    return t("gap_line_short", lang, gap=format_number(index.required_total - shown, lang))


def check_sentence(index: PARIndex, lang: str = "vi") -> str:
    """Which scheme the page used and whether the reported total matched it."""
    if index.sums_points:
        scheme = f"{index.scheme.name} — {index.scheme.title(lang)}"
        return t("scheme_line", lang, scheme=scheme, check=blocks_check_sentence(index, lang))
    if not index.can_total:
        return t("check_totals_only", lang, reported=format_pct(index.display_total, lang))
    check = index.check_total()
    if check.reported is None:
        text = t("check_none", lang, recomputed=format_pct(check.recomputed, lang))
    else:
        key = "check_consistent" if check.consistent else "check_inconsistent"
        text = t(key, lang, reported=format_pct(check.reported, lang), low=format_pct(check.low, lang, 3),
                 high=format_pct(check.high, lang, 3))
    if index.capped:  # bonus beyond the maximum (or penalty below zero) is not counted: said, not silent
        text += " " + t("total_capped", lang, uncapped=format_pct(index.uncapped_total, lang),
                        total=format_pct(index.total, lang))
    scheme = t("scheme_from_points", lang) if index.from_points else f"{index.scheme.name} — {index.scheme.title(lang)}"
    return t("scheme_line", lang, scheme=scheme, check=text)


def blocks_check_sentence(index: PARIndex, lang: str = "vi") -> str:
    """The reported total against the sum of the blocks' points (``index.sums_points``): consistent, kept as
    published though it differs (the standardise step's note is on its row), or no reported total."""
    check = index.check_total()
    values = {"blocks": format_number(blocks_points(index), lang), "scale": scale_text(index, lang),
              "recomputed": format_pct(check.recomputed, lang), "low": format_pct(check.low, lang, 3),
              "high": format_pct(check.high, lang, 3)}
    if check.reported is None:
        return t("check_blocks_none", lang, **values)
    key = "check_blocks_consistent" if check.consistent else \
        "check_blocks_kept" if blocks_kept(index) else "check_blocks_inconsistent"
    return t(key, lang, reported=format_pct(check.reported, lang), **values)


def blocks_lift_sentence(index: PARIndex, lang: str = "vi") -> str:
    """What reaching the target takes for a total that sums blocks without published maxima: the points the blocks
    need together (from the total the reader sees), never a lift by block."""
    goal = target_text(index.target, index.bound, lang)
    if index.meets_target:
        return t("blocks_lift_met", lang, target_text=goal)
    return t("blocks_lift", lang, target_text=goal, gap=format_number(blocks_gap(index), lang),
             scale=scale_text(index, lang))


def blocks_gap(index: PARIndex) -> float:
    """The points the blocks need together to reach the target (0 when it is met)."""
    return max(0.0, index.required_total - index.display_total) * float(index.scheme.total_points) / 100.0


def blocks_points(index: PARIndex) -> float:
    """Σ of the blocks' points (+ bonus − penalty) of a unit whose total sums them."""
    return float(index.points.loc[index.components].sum()) + sum(
        v if c == "BONUS" else -v for c, v in index.adjust_points.items())


def blocks_kept(index: PARIndex) -> bool:
    """Whether a reported total that is not the sum of its blocks was kept as published (the standardise step
    only lets it through when asked to, and then writes its note on the total's row)."""
    return index.sums_points and index.check_total().consistent is False and bool(index.reported_note)


def scale_text(index: PARIndex, lang: str = "vi") -> str:
    """The scheme's total points as printed: ``100``, ``97,5``."""
    scale = float(index.scheme.total_points)
    return format_number(scale, lang, 0 if scale.is_integer() else 1)


def recommendation_sentence(result: LiftResult, lang: str = "vi") -> str:
    """The sentence that says what reaching the target takes."""
    goal = target_text(result.target, result.bound, lang)
    if not result.feasible:
        return t("infeasible", lang, target_text=goal, max_reachable=format_pct(result.max_reachable, lang))
    if result.changes.empty:
        return t("recommend_none", lang)
    items = [t("recommend_item", lang, name=component_name(c, lang), from_pct=format_pct(r.from_pct, lang),
               to_pct=format_pct(r.to_pct, lang)) for c, r in result.changes.iterrows()]
    return t("recommend_sentence", lang, target_text=goal, n=len(items), items="; ".join(items),
             after=format_pct(result.total_after, lang))


def cost_sentence(result: LiftResult, lang: str = "vi") -> str:
    """The cost model behind the recommendations, in one plain sentence."""
    return t(f"cost_sentence_{result.cost_model}", lang)


def recommendation_table(result: LiftResult, lang: str = "vi") -> pd.DataFrame:
    """Component, from → to, points of total gained, lead office: formatted for reading."""
    rows = [{
        t("col_component", lang): component_name(c, lang),
        t("col_from", lang): format_pct(r.from_pct, lang),
        t("col_to", lang): format_pct(r.to_pct, lang),
        t("col_gain", lang): format_pp(r.gain_total, lang),
        t("col_lead", lang): r.lead_units or "",
    } for c, r in result.changes.iterrows()]
    return pd.DataFrame(rows)


def status_table(status: pd.DataFrame, lang: str = "vi", projected: bool = False) -> pd.DataFrame:
    """The components' status as a table a leader reads: value, target, gap, status label, lead office."""
    rows = []
    for c, r in status.iterrows():
        row = {
            t("col_component", lang): component_name(c, lang),
            # a block whose maximum is not published is shown in points, never as a guessed percentage
            t("col_value", lang): format_pct(r.value, lang) if pd.notna(r.value) else
            "" if pd.isna(r.points) else format_points(r.points, None, lang),
            t("col_target", lang): "" if pd.isna(r.target) else target_text(r.target, r.bound, lang),
            t("col_gap", lang): "" if pd.isna(r.gap) else format_pp(r.gap, lang, unit=False),
        }
        if projected:
            row[t("col_projected", lang)] = "" if pd.isna(r.projected) else format_pct(r.projected, lang)
        else:
            row[t("col_required", lang)] = "" if pd.isna(r.required_change) or r.required_change == 0 \
                else format_pp(r.required_change, lang, unit=False)
        row[t("col_status", lang)] = status_label(r.status, lang)
        row[t("col_lead", lang)] = r.lead_units or ""
        rows.append(row)
    return pd.DataFrame(rows)


STATUS_COLOURS = {"met": "#1b7837", "on_track": "#5aae61", "at_risk": "#e08214", "off_track": "#b2182b",
                  "needs_change": "#e08214", None: "#777777"}


def styled(table: pd.DataFrame, status_column: str | None = None, statuses: list | None = None) -> Table:
    """A report table (rendered from ``table.html.j2``, escaped), with status cells coloured and labelled."""
    out = Table(table)
    if status_column and statuses is not None:
        out = out.colour_column(status_column, [STATUS_COLOURS.get(s, "#777777") for s in statuses])
    return out


def plan_targets_sentences(plan: PlanTargets, index: PARIndex, lang: str = "vi") -> list[str]:
    """The total at the plan's targets, and which single misses would break the goal."""
    first = t("plan_targets_sentence", lang, total=format_pct(plan.total_at_targets, lang),
              slack=format_pp(plan.slack, lang), target=format_pct(index.target, lang))
    breakers = [component_name(c, lang) for c in plan.table.index[plan.table["breaks_goal"]]]
    second = t("plan_breakers", lang, items="; ".join(breakers)) if breakers else t("plan_breakers_none", lang)
    return [first, second]


def lift_text(result: LiftResult, index: PARIndex, lang: str = "vi") -> str:
    """The ``parindex lift`` text output: header, before → after, changes with owners, cost model."""
    lines = [
        t("lift_header", lang, unit=result.unit, basis=basis_label(index, lang), scheme=result.scheme,
          cost_model=result.cost_model),
        t("lift_before_after", lang, before=format_pct(index.display_total, lang),
          # nothing to change: the total stays the one the reader knows, not its recomputation
          after=format_pct(index.display_total if result.changes.empty else result.total_after, lang),
          target_text=target_text(result.target, result.bound, lang)),
        "",
        recommendation_sentence(result, lang),
    ]
    for c, r in result.changes.iterrows():
        name = component_name(c, lang)
        label = name if c in name else f"{name} ({c})"
        lines.append(f"  - {label}: {format_pct(r.from_pct, lang)} → "
                     f"{format_pct(r.to_pct, lang)}, {format_pp(r.gain_total, lang)} — {r.lead_units or '?'}")
    if not result.actions.empty:
        lines.append("")
        for _, a in result.actions.iterrows():
            lines.append(f"  * {a.action} ({a.component}, +{format_number(a.gain, lang)}; "
                         f"{t('col_cost', lang).lower()} {format_number(a.cost, lang)})"
                         + (f" — {a.lead_units}" if isinstance(a.lead_units, str) else ""))
    if result.total_cost is not None:
        lines.append(t("lift_cost", lang, cost=format_number(result.total_cost, lang, 3)))
    lines.append(cost_sentence(result, lang))
    if index.capped:
        lines.append(t("total_capped", lang, uncapped=format_pct(index.uncapped_total, lang),
                       total=format_pct(index.total, lang)))
    return "\n".join(lines)
