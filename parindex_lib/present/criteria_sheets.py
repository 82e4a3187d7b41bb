"""The run's workbook for units scored by criteria: the points lost per criterion and the criteria to move, one
row per unit × criterion, and the lift sheet showing the criteria's lift per component, as the pages do.

A batch calls :func:`unit_rows` for every unit while the pages run (in place of
:func:`~parindex_lib.present.workbook.unit_sheet_rows`) and passes :func:`sheets` of them to
:func:`~parindex_lib.present.workbook.build_workbook` (``extra``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from parindex_lib.analyses.criteria import UnitCriteria
from parindex_lib.analyses.criteria_lift import criteria_lift
from parindex_lib.analyses.criteria_lost import points_lost
from parindex_lib.errors import MethodError
from parindex_lib.model.index import PARIndex
from parindex_lib.present import criteria as words
from parindex_lib.present.excel import NUMBER, Column, Sheet
from parindex_lib.present.i18n import component_name, t
from parindex_lib.present.workbook import unit_sheet_rows

LOST_COLUMNS = (
    ("cl_col_unit", None), ("cl_col_code", None), ("cl_col_criterion", None), ("cl_col_area", None),
    ("cl_col_component", None), ("cl_col_max", NUMBER), ("cl_col_points", NUMBER), ("cl_col_lost", NUMBER),
    ("cl_col_lost_total", NUMBER), ("cl_col_level", None), ("cl_col_next", None), ("cl_col_takes", None),
    ("cl_col_lead", None), ("cl_col_self", NUMBER), ("cl_col_appraised", NUMBER), ("cl_col_deducted", NUMBER))
LIFT_COLUMNS = (
    ("cl_col_unit", None), ("cl_col_code", None), ("cl_col_criterion", None), ("cl_col_component", None),
    ("cl_col_from", NUMBER), ("cl_col_to", NUMBER), ("cl_col_gain", NUMBER), ("cl_col_gain_total", NUMBER),
    ("cl_col_takes", None), ("cl_col_effort", NUMBER), ("cl_col_lead", None))


def unit_rows(ix: PARIndex, scores: pd.DataFrame, lang: str, criteria: pd.DataFrame | None) -> dict[str, list]:
    """A unit's rows of every sheet: :func:`~parindex_lib.present.workbook.unit_sheet_rows`, and for a unit scored
    by criteria (in ``criteria``, the criteria table) its lift is the criteria's, with its rows of the criteria
    sheets (``criteria_lost``, ``criteria_lift``)."""
    found = criterion_rows(ix, criteria, lang)
    return unit_sheet_rows(ix, scores, lang, found.pop("result", None)) | found


def criterion_rows(ix: PARIndex, criteria: pd.DataFrame | None, lang: str) -> dict:
    """A unit's rows of the criteria sheets (points lost per criterion, the criteria to move) and its criterion
    lift (``result``); empty when the unit is not scored by criteria, or its scheme does not total them."""
    if criteria is None or not ix.can_total:
        return {}
    uc = UnitCriteria.from_table(criteria, ix.unit, ix.year, ix.period, ix.level)
    if uc is None:
        return {}
    try:
        result = criteria_lift(uc, ix)
    except MethodError:
        return {}  # a scheme that does not total the criteria: the component lift, as the pages show
    lost = points_lost(uc, ix)
    name = words.criterion_name
    lost_rows = [[ix.unit, r["code"], name(r, lang), r["area"], component_name(r["component"], lang),
                  r["max_points"], r["points"], r["lost"], r["lost_total"], words.level_text(r, lang),
                  words.next_step_text(r, lang), words.reach_text(r, lang), words.optional_text(r["lead_units"]),
                  r["self_points"], r["appraised_points"], r["deducted"]] for _, r in lost.criteria.iterrows()]
    lift_rows = [[ix.unit, r["code"], name(r, lang), component_name(r["component"], lang), r["from_points"],
                  r["to_points"], r["gain_points"], r["gain_total"], words.reach_text(r, lang), r["cost"],
                  words.optional_text(r["lead_units"])] for _, r in result.criteria.iterrows()]
    return {"result": result, "criteria_lost": lost_rows, "criteria_lift": lift_rows,
            "criteria_illustrative": uc.illustrative}


def sheets(per_unit: Iterable[dict], lang: str) -> list[Sheet]:
    """The points lost per criterion and the criteria to move, when some unit is scored by criteria (else none),
    under the banner saying the criteria self-assessments are made up when some are."""
    per_unit = list(per_unit)
    if not any("criteria_lost" in unit for unit in per_unit):
        return []
    made_up = any(unit.get("criteria_illustrative") for unit in per_unit)
    label = t("criteria_illustrative_banner", lang) if made_up else None
    return [Sheet(t(title, lang), [Column(t(k, lang), fmt) for k, fmt in columns],
                  [row for unit in per_unit for row in unit.get(key, [])], label)
            for title, columns, key in (("cl_sheet_lost", LOST_COLUMNS, "criteria_lost"),
                                        ("cl_sheet_lift", LIFT_COLUMNS, "criteria_lift"))]
