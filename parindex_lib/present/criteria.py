"""Words and tables about criteria: points lost per criterion, the criterion-level lift, quarterly progress.

Every figure comes from :mod:`parindex_lib.analyses.criteria`, :mod:`~parindex_lib.analyses.criteria_lift` and
:mod:`~parindex_lib.analyses.criteria_progress`; this module only says them in the reader's language (through
the catalogue, ``data/messages/criteria_lift.yaml``), with numbers formatted as the language writes them.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from babel.numbers import format_decimal

from parindex_lib.analyses.criteria_lift import CriteriaLiftResult
from parindex_lib.analyses.criteria_lost import PointsLost
from parindex_lib.analyses.criteria_progress import CriteriaProgress
from parindex_lib.present.i18n import component_name, t, target_text
from parindex_lib.present.render import Table
from parindex_lib.vn import LOCALES, format_number, format_pct, format_pp, round_half_up

#: How an area's row stands out in a grouped table.
AREA_STYLE = "font-weight: bold; background-color: #eef2f7"


@lru_cache(maxsize=4096)
def _points_text(value: float, lang: str) -> str:
    rounded = round_half_up(float(value), 2)
    if rounded == 0:
        rounded = abs(rounded)
    return format_decimal(rounded, format="#,##0.##", locale=LOCALES[lang])


def points_text(value: float, lang: str = "vi") -> str:
    """Points as offices write them: at most two decimals, trailing zeros dropped (``0,5``, ``1``, ``1,25``).

    Examples
    --------
    >>> points_text(0.5, "vi"), points_text(1.0, "en"), points_text(1.2549, "vi")
    ('0,5', '1', '1,25')
    """
    return _points_text(float(value), lang)


def point_text(label: str, lang: str = "vi") -> str:
    """A point in time as the reports say it: ``2024`` → ``năm 2024`` (vi), ``2024 Q2`` → ``Q2/2024``.

    Examples
    --------
    >>> point_text("2024", "vi"), point_text("2024 Q2", "en")
    ('năm 2024', 'Q2/2024')
    """
    year, _, period = str(label).partition(" ")
    if period:
        return f"{period}/{year}"
    return f"năm {year}" if lang == "vi" else year


def optional_text(value: object) -> str:
    """Optional text from a table (None or NaN: empty)."""
    return value if isinstance(value, str) else ""


def criterion_name(row, lang: str) -> str:
    """A criterion's name in ``lang`` (Vietnamese when it has no English one)."""
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
    quantity = optional_text(row.get(f"quantity_{lang}")) or optional_text(row.get("quantity_vi"))
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
    lead = t("cl_lost_lead", lang, label=point_text(lost.label, lang), criteria=criteria_title, unit=lost.unit,
             points=points_text(lost.points, lang), maximum=points_text(lost.maximum, lang), n=len(lost.criteria),
             lost_total=format_number(lost.lost_total, lang))
    items = "; ".join(t("cl_lost_item", lang, code=r["code"], name=criterion_name(r, lang),
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
        name = criterion_name(area, lang)
        rows.append(["", area["code"], t("cl_area_row", lang, code=area["code"], name=name,
                                         points=t("cl_points_of", lang, value=points_text(area["points"], lang),
                                                  maximum=points_text(area["max_points"], lang)),
                                         lost=t("cl_points", lang, value=points_text(area["lost"], lang)),
                                         lost_total=format_number(area["lost_total"], lang)),
                     "", "", "", "", "", "", optional_text(area["lead_units"])])
        for r in criteria.to_dict("records"):
            rows.append([str(int(r["rank"])), r["code"], criterion_name(r, lang),
                         points_text(r["points"], lang) + "/" + points_text(r["max_points"], lang),
                         points_text(r["lost"], lang), format_number(r["lost_total"], lang), level_text(r, lang),
                         next_step_text(r, lang), reach_text(r, lang), optional_text(r["lead_units"])])
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
    rows = [{t("cl_col_code", lang): r["code"], t("cl_col_criterion", lang): criterion_name(r, lang),
             t("cl_col_points", lang): points_text(r["points"], lang) + "/" + points_text(r["max_points"], lang),
             t("cl_col_next", lang): next_step_text(r, lang), t("cl_col_lead", lang): optional_text(r["lead_units"])}
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
    rows = [{t("cl_col_code", lang): r["code"], t("cl_col_criterion", lang): criterion_name(r, lang),
             t("cl_col_self", lang): points_text(r["self_points"], lang),
             t("cl_col_appraised", lang): points_text(r["appraised_points"], lang),
             t("cl_col_deducted", lang): points_text(r["deducted"], lang),
             t("cl_col_lead", lang): optional_text(r["lead_units"])} for _, r in lost.deductions.iterrows()]
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
    line = t("cl_change_line", lang, code=row["code"], name=criterion_name(row, lang),
             from_points=points_text(row["from_points"], lang), to_points=points_text(row["to_points"], lang),
             gain=gain_text(row, lang), lead=optional_text(row["lead_units"]) or t("cl_no_lead", lang))
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
        rows.append({t("cl_col_code", lang): r["code"], t("cl_col_criterion", lang): criterion_name(r, lang),
                     t("cl_col_from", lang): f"{frm}: {label_from}" if label_from else frm,
                     t("cl_col_to", lang): f"{to}: {label_to}" if label_to else to,
                     t("cl_col_gain", lang): gain_text(r, lang),
                     t("cl_col_gain_total", lang): format_pp(r["gain_total"], lang, unit=False),
                     t("cl_col_takes", lang): reach_text(r, lang),
                     t("cl_col_effort", lang): points_text(r["cost"], lang),
                     t("cl_col_lead", lang): optional_text(r["lead_units"])})
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


# -- quarterly progress --------------------------------------------------------------------------------------


def progress_sentences(progress: CriteriaProgress, lang: str = "vi") -> list[str]:
    """What moved since the previous period, what the plan is, and how far it has come."""
    out = []
    if progress.previous_label is None:
        out.append(t("cl_progress_first", lang))
    elif progress.moved.empty:
        out.append(t("cl_progress_unmoved", lang, previous=point_text(progress.previous_label, lang)))
    else:
        up = int((progress.moved["change_total"] > 0).sum())
        out.append(t("cl_progress_moved", lang, previous=point_text(progress.previous_label, lang), up=up,
                     down=len(progress.moved) - up, change=format_pp(progress.total - progress.previous_total, lang)))
    plan = progress.plan
    if plan is None:
        out.append(t("cl_progress_no_plan", lang))
        return out
    if plan.source == "lift" and plan.changes.empty:
        key = "cl_progress_plan_none" if plan.total_after is not None else "cl_progress_plan_unreachable"
        out.append(t(key, lang, basis=point_text(plan.basis, lang),
                     target_text=target_text(plan.target, plan.bound, lang) if plan.target is not None else ""))
    elif plan.source == "lift":
        out.append(t("cl_progress_plan_lift", lang, basis=point_text(plan.basis, lang), n=len(plan.changes),
                     target_text=target_text(plan.target, plan.bound, lang) if plan.target is not None else ""))
    else:
        out.append(t("cl_progress_plan_file", lang, n=len(plan.changes)))
    if not progress.planned.empty:
        out.append(t("cl_progress_counts", lang, label=point_text(progress.label, lang),
                     **{s: progress.count(s) for s in ("done", "partly", "not_yet", "overdue", "worse")}))
        missing = progress.not_happened
        if missing.empty:
            out.append(t("cl_progress_all_done", lang))
        else:
            items = "; ".join(f"{r['code']} {criterion_name(r, lang)} ({t('cl_status_' + r['status'], lang).lower()}"
                              f", {optional_text(r['lead_units']) or t('cl_no_lead', lang)})"
                              for _, r in missing.iterrows())
            out.append(t("cl_progress_not_happened", lang, items=items))
    return out


STATUS_COLOURS = {"done": "#1b7837", "partly": "#5aae61", "not_yet": "#e08214", "overdue": "#b2182b",
                  "worse": "#b2182b"}


def planned_table(progress: CriteriaProgress, lang: str = "vi") -> Table | None:
    """Each planned change: from → planned points, the points in every period of the year so far, its status
    (coloured and said), what is still to gain and the lead office."""
    if progress.planned.empty:
        return None
    history = progress.history
    rows = []
    for _, r in progress.planned.iterrows():
        row = {t("cl_col_code", lang): r["code"], t("cl_col_criterion", lang): criterion_name(r, lang),
               t("cl_col_from", lang): "" if pd.isna(r["from_points"]) else points_text(r["from_points"], lang),
               t("cl_col_planned", lang): points_text(r["to_points"], lang),
               t("cl_col_due", lang): r["due"] or t("cl_due_year", lang)}
        for period in history.columns:
            row[period] = points_text(history.at[r["code"], period], lang)
        row |= {t("cl_col_status", lang): t(f"cl_status_{r['status']}", lang),
                t("cl_col_remaining", lang): points_text(r["remaining"], lang) if r["remaining"] > 0 else "",
                t("cl_col_lead", lang): optional_text(r["lead_units"])}
        rows.append(row)
    table = Table(pd.DataFrame(rows)).set_caption(t("cl_planned_title", lang))
    return table.colour_column(t("cl_col_status", lang),
                               [STATUS_COLOURS[s] for s in progress.planned["status"]])


def moved_table(progress: CriteriaProgress, lang: str = "vi") -> Table | None:
    """The criteria whose points changed since the previous period, and whether the plan had them."""
    if progress.moved.empty:
        return None
    rows = [{t("cl_col_code", lang): r["code"], t("cl_col_criterion", lang): criterion_name(r, lang),
             t("cl_col_before", lang): points_text(r["before"], lang),
             t("cl_col_now", lang): points_text(r["now"], lang),
             t("cl_col_change_total", lang): format_pp(r["change_total"], lang, unit=False),
             t("cl_col_in_plan", lang): t("answer_yes" if r["planned"] else "answer_no", lang),
             t("cl_col_lead", lang): optional_text(r["lead_units"])} for _, r in progress.moved.iterrows()]
    return Table(pd.DataFrame(rows)).set_caption(t("cl_moved_title", lang))
