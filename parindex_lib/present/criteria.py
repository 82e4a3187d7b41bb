"""Words and tables about criteria: points lost per criterion, the criterion-level lift, quarterly progress.

Every figure comes from :mod:`parindex_lib.analyses.criteria`, :mod:`~parindex_lib.analyses.criteria_lift` and
:mod:`~parindex_lib.analyses.criteria_progress`; this module only says them in the reader's language (through
the catalogue, ``data/messages/criteria_lift.yaml``), with numbers formatted as the language writes them.
"""

from __future__ import annotations

import pandas as pd
from babel.numbers import format_decimal

from parindex_lib.analyses.criteria import PointsLost
from parindex_lib.analyses.criteria_lift import CriteriaLiftResult
from parindex_lib.present.i18n import component_name, t, target_text
from parindex_lib.present.render import Table
from parindex_lib.vn import LOCALES, format_number, format_pct, format_pp, round_half_up

#: How an area's row stands out in a grouped table.
AREA_STYLE = "font-weight: bold; background-color: #eef2f7"


def points_text(value: float, lang: str = "vi") -> str:
    """Points as offices write them: at most two decimals, trailing zeros dropped (``0,5``, ``1``, ``1,25``).

    Examples
    --------
    >>> points_text(0.5, "vi"), points_text(1.0, "en"), points_text(1.2549, "vi")
    ('0,5', '1', '1,25')
    """
    rounded = round_half_up(float(value), 2)
    if rounded == 0:
        rounded = abs(rounded)
    return format_decimal(rounded, format="#,##0.##", locale=LOCALES[lang])


def _text(value: object) -> str:
    """Optional text from a table (None or NaN: empty)."""
    return value if isinstance(value, str) else ""


def _name(row, lang: str) -> str:
    return row["name_en"] if lang == "en" and row["name_en"] else row["name_vi"]


def _measured(value: float, unit: str, lang: str) -> str:
    separator = "" if unit in ("", "%") else " "
    return f"{points_text(value, lang)}{separator}{unit}"


def reach_text(row, lang: str = "vi") -> str:
    """What a band rule's measured value must reach: ``tỷ lệ … từ 65% lên ít nhất 70%``; empty for other rules.

    ``row`` has ``reach_edge, reach_inclusive, reach_direction, measured, measured_unit, quantity_vi/en``.
    """
    if pd.isna(row.get("reach_edge")) or row.get("reach_direction") is None:
        return ""
    unit = row.get("measured_unit") or ""
    up = row["reach_direction"] == "up"
    key = f"cl_reach_{'up' if up else 'down'}_{'incl' if row['reach_inclusive'] else 'excl'}"
    reach = t(key, lang, edge=_measured(row["reach_edge"], unit, lang))
    if pd.notna(row.get("measured")):
        move = t("cl_reach_move_up" if up else "cl_reach_move_down", lang,
                 measured=_measured(row["measured"], unit, lang), reach=reach)
    else:
        move = t("cl_reach_at", lang, reach=reach)
    quantity = _text(row.get(f"quantity_{lang}")) or _text(row.get("quantity_vi"))
    if " … " in quantity:  # a quantity read from the rule's text: "Thực hiện … kế hoạch" → around the move
        before, after = quantity.split(" … ", 1)
        return f"{before} {move} {after}"
    return t("cl_reach_quantity", lang, quantity=quantity, move=move) if quantity else move


def next_step_text(row, lang: str = "vi") -> str:
    """A criterion's next step: ``1 điểm: Ban hành kịp thời``; a free criterion's maximum; nothing at the top."""
    if pd.isna(row.get("next_points")):
        return ""
    points = t("cl_points", lang, value=points_text(row["next_points"], lang))
    if row["rule"] == "free":
        return t("cl_next_free", lang, points=points)
    label = row.get(f"next_label_{lang}") or row.get("next_label_vi") or ""
    if row["kind"] == "penalty" and row["next_points"] == 0 and not label:
        return t("cl_next_remove", lang)
    return t("cl_next_level", lang, points=points, label=label) if label else points


def level_text(row, lang: str = "vi") -> str:
    """The current level: points and the rule's label (``0,5: Ban hành không kịp thời``)."""
    label = row.get(f"label_{lang}") or row.get("label_vi") or ""
    points = points_text(row["points"], lang)
    return f"{points}: {label}" if label else points


def rule_word(kind: str, lang: str = "vi") -> str:
    return t(f"cl_rule_{kind}", lang)


# -- points lost -------------------------------------------------------------------------------------------


def lost_sentences(lost: PointsLost, criteria_title: str, lang: str = "vi") -> list[str]:
    """The lead sentence (points of the maximum, criteria below it, points of total lost) and the top losses."""
    if lost.criteria.empty:
        return [t("cl_lost_none", lang)]
    lead = t("cl_lost_lead", lang, label=lost.label, criteria=criteria_title, unit=lost.unit,
             points=points_text(lost.points, lang), maximum=points_text(lost.maximum, lang), n=len(lost.criteria),
             lost_total=format_number(lost.lost_total, lang))
    items = "; ".join(t("cl_lost_item", lang, code=r["code"], name=_name(r, lang),
                        lost=t("cl_points", lang, value=points_text(r["lost"], lang)))
                      for _, r in lost.criteria.head(3).iterrows())
    return [lead, t("cl_lost_top", lang, items=items)]


def lost_table(lost: PointsLost, lang: str = "vi") -> Table:
    """The ranked table grouped by area: an area's row (its points, points lost) then its criteria."""
    columns = [t(k, lang) for k in ("cl_col_rank", "cl_col_code", "cl_col_criterion", "cl_col_points",
                                    "cl_col_lost", "cl_col_lost_total", "cl_col_level", "cl_col_next",
                                    "cl_col_takes", "cl_col_lead")]
    rows, styles = [], {}
    for area, criteria in lost.grouped():
        styles |= {(len(rows), j): AREA_STYLE for j in range(len(columns))}
        name = _name(area, lang)
        rows.append(["", area["code"], t("cl_area_row", lang, code=area["code"], name=name,
                                         points=t("cl_points_of", lang, value=points_text(area["points"], lang),
                                                  maximum=points_text(area["max_points"], lang)),
                                         lost=t("cl_points", lang, value=points_text(area["lost"], lang)),
                                         lost_total=format_number(area["lost_total"], lang)),
                     "", "", "", "", "", "", _text(area["lead_units"])])
        for _, r in criteria.iterrows():
            rows.append([str(int(r["rank"])), r["code"], _name(r, lang),
                         points_text(r["points"], lang) + "/" + points_text(r["max_points"], lang),
                         points_text(r["lost"], lang), format_number(r["lost_total"], lang), level_text(r, lang),
                         next_step_text(r, lang), reach_text(r, lang), _text(r["lead_units"])])
    return Table(pd.DataFrame(rows, columns=columns), styles=styles)


def components_table(lost: PointsLost, lang: str = "vi") -> Table:
    """Points per component rolled up from the criteria: points of the maximum, result, points of total lost."""
    rows = [{t("cl_col_component", lang): component_name(r["component"], lang),
             t("cl_col_points", lang): t("cl_points_of", lang, value=points_text(r["points"], lang),
                                         maximum=points_text(r["max_points"], lang)),
             t("cl_col_value", lang): format_pct(r["value_pct"], lang),
             t("cl_col_lost_total", lang): format_number(r["lost_total"], lang)}
            for _, r in lost.components.iterrows()]
    return Table(pd.DataFrame(rows)).set_caption(t("cl_components_title", lang))


def bonus_table(lost: PointsLost, lang: str = "vi") -> Table | None:
    """Bonus criteria not earned, with their next step (None when every bonus point was earned)."""
    if lost.bonus.empty:
        return None
    rows = [{t("cl_col_code", lang): r["code"], t("cl_col_criterion", lang): _name(r, lang),
             t("cl_col_points", lang): points_text(r["points"], lang) + "/" + points_text(r["max_points"], lang),
             t("cl_col_next", lang): next_step_text(r, lang), t("cl_col_lead", lang): _text(r["lead_units"])}
            for _, r in lost.bonus.iterrows()]
    return Table(pd.DataFrame(rows)).set_caption(t("cl_bonus_title", lang))


def deductions_sentence(lost: PointsLost, lang: str = "vi") -> str:
    """How much the appraisal took off (or that it took nothing, or that there was no appraisal)."""
    if lost.deductions.empty:
        return t("cl_deductions_none", lang)
    return t("cl_deductions_lead", lang, n=len(lost.deductions),
             points=t("cl_points", lang, value=points_text(lost.deducted, lang)),
             total=format_number(float(lost.deductions["deducted_total"].sum()), lang))


def deductions_table(lost: PointsLost, lang: str = "vi") -> Table | None:
    """The criteria the appraisal marked down: self-assessed, appraised, taken off, lead office."""
    if lost.deductions.empty:
        return None
    rows = [{t("cl_col_code", lang): r["code"], t("cl_col_criterion", lang): _name(r, lang),
             t("cl_col_self", lang): points_text(r["self_points"], lang),
             t("cl_col_appraised", lang): points_text(r["appraised_points"], lang),
             t("cl_col_deducted", lang): points_text(r["deducted"], lang),
             t("cl_col_lead", lang): _text(r["lead_units"])} for _, r in lost.deductions.iterrows()]
    return Table(pd.DataFrame(rows)).set_caption(t("cl_deductions_title", lang))


# -- the criterion-level lift ---------------------------------------------------------------------------------


def gain_text(row, lang: str = "vi") -> str:
    """``+0,5 điểm`` (or, for a penalty criterion, ``bớt 1 điểm trừ``)."""
    value = points_text(row["gain_points"], lang)
    return t("cl_less_penalty", lang, value=value) if row["kind"] == "penalty" else t("cl_gain_points", lang,
                                                                                         value=value)


def change_line(row, lang: str = "vi") -> str:
    """One criterion to move: ``1.1.1 Ban hành kế hoạch CCHC năm: 0,5 → 1, +0,5 điểm, Phòng Nội vụ`` and, for a
    band rule, what the measured value must reach."""
    line = t("cl_change_line", lang, code=row["code"], name=_name(row, lang),
             from_points=points_text(row["from_points"], lang), to_points=points_text(row["to_points"], lang),
             gain=gain_text(row, lang), lead=_text(row["lead_units"]) or t("cl_no_lead", lang))
    takes = reach_text(row, lang)
    return f"{line} ({t('cl_change_takes', lang, takes=takes)})" if takes else line


def recommendation_sentence(result: CriteriaLiftResult, lang: str = "vi") -> str:
    """What reaching the target takes, in criteria: how many, the effort, the total after; or the highest total."""
    goal = target_text(result.target, result.bound, lang)
    if not result.feasible:
        return t("cl_infeasible", lang, target_text=goal, max_reachable=format_pct(result.max_reachable, lang))
    if result.criteria.empty:
        return t("cl_recommend_none", lang)
    return t("cl_recommend_sentence", lang, target_text=goal, n=len(result.criteria),
             effort=points_text(result.total_cost, lang), after=format_pct(result.total_after, lang))


def notes(result: CriteriaLiftResult, lang: str = "vi") -> list[str]:
    """How the criteria were chosen, and what was held or limited."""
    out = [t("cl_cost_sentence", lang)]
    if result.held:
        out.append(t("cl_held", lang, items=", ".join(component_name(c, lang) for c in result.held)))
    if result.limited:
        out.append(t("cl_limited", lang, items=", ".join(result.limited)))
    return out


def recommendation_table(result: CriteriaLiftResult, lang: str = "vi") -> Table:
    """The criteria to move: code, name, from → to (with the rule's labels), gain, what it takes, effort, lead."""
    rows = []
    for _, r in result.criteria.iterrows():
        frm = points_text(r["from_points"], lang)
        to = points_text(r["to_points"], lang)
        label_from = r[f"from_label_{lang}"] or r["from_label_vi"]
        label_to = r[f"to_label_{lang}"] or r["to_label_vi"]
        rows.append({t("cl_col_code", lang): r["code"], t("cl_col_criterion", lang): _name(r, lang),
                     t("cl_col_from", lang): f"{frm}: {label_from}" if label_from else frm,
                     t("cl_col_to", lang): f"{to}: {label_to}" if label_to else to,
                     t("cl_col_gain", lang): gain_text(r, lang),
                     t("cl_col_gain_total", lang): format_pp(r["gain_total"], lang, unit=False),
                     t("cl_col_takes", lang): reach_text(r, lang),
                     t("cl_col_effort", lang): points_text(r["cost"], lang),
                     t("cl_col_lead", lang): _text(r["lead_units"])})
    return Table(pd.DataFrame(rows))


def lift_text(result: CriteriaLiftResult, basis: str, lang: str = "vi") -> str:
    """The ``parindex lift --criteria`` text: header, before → after, the sentence, one line per criterion."""
    lines = []
    if result.illustrative:
        lines.append(t("cl_illustrative", lang))
    lines += [t("cl_criteria_header", lang, unit=result.unit, basis=basis, criteria=result.criteria_name,
                scheme=result.scheme),
              t("lift_before_after", lang, before=format_pct(result.total_before, lang),
                after=format_pct(result.total_after, lang), target_text=target_text(result.target, result.bound,
                                                                                      lang)),
              "", recommendation_sentence(result, lang)]
    lines += [f"  - {change_line(r, lang)}" for _, r in result.criteria.iterrows()]
    lines.append("")
    lines += notes(result, lang)
    return "\n".join(lines)
