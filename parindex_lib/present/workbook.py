"""Every run's results as an Excel workbook, for analysts who live in Excel.

One sheet per question — the scores used, each component's status, the recommended lift, the plan's
targets — and the provenance, with real numbers (percentages as Excel percentages), Vietnamese or English
headers, frozen headers, filters and fitted columns. Sheets built from illustrative data say so in their
first row. The scores sheet is a tidy table that ``parindex standardise`` reads back: the workbook says in
its properties which sheet that is, so its other sheets (results, not inputs) are left aside.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

from parindex_lib.analyses import lift as lift_mod
from parindex_lib.analyses import trends
from parindex_lib.model.index import PARIndex
from parindex_lib.present.i18n import component_name, status_label, t
from parindex_lib.readers.xlsx import SCORES_SHEET_MARK

PCT = "0.00%"
NUMBER = "0.00"

SHEETS = {"vi": {"scores": "Điểm", "status": "Tình trạng", "lift": "Nâng điểm", "plan": "Mục tiêu kế hoạch",
                 "provenance": "Nguồn gốc"},
          "en": {"scores": "Scores", "status": "Status", "lift": "Lift", "plan": "Plan targets",
                 "provenance": "Provenance"}}
SCORE_HEADERS = {"vi": ["Đơn vị", "Cấp", "Năm", "Kỳ", "Chỉ số thành phần", "Loại", "Giá trị", "Điều kiện", "Điểm",
                        "Điểm tối đa", "Xếp hạng", "Số đơn vị xếp hạng", "Đơn vị chủ trì", "Ghi chú", "Minh họa"],
                 "en": ["unit", "level", "year", "period", "component", "kind", "value_pct", "bound", "points",
                        "max_points", "rank", "rank_of", "lead_units", "note", "illustrative"]}


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header and, for numbers, the Excel number format."""

    header: str
    fmt: str | None = None


def _value(v: object) -> object:
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(v, "item"):
        return v.item()
    return v


def _sheet(book, title: str, columns: list[Column], rows: list[list[object]], label: str | None) -> None:
    """A sheet: an optional label row, the header (frozen, filtered), the rows, fitted widths."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    if label:
        sheet.append([label])
        sheet.cell(1, 1).font = Font(bold=True, color="9C5700")
        sheet.cell(1, 1).fill = PatternFill("solid", fgColor="FFF3CD")
    sheet.append([c.header for c in columns])
    head = sheet.max_row
    for j in range(1, len(columns) + 1):
        sheet.cell(head, j).font = Font(bold=True)
    for row in rows:
        sheet.append([_value(v) for v in row])
    for j, col in enumerate(columns, start=1):
        if col.fmt:
            for i in range(head + 1, sheet.max_row + 1):
                sheet.cell(i, j).number_format = col.fmt
        width = max([len(col.header)] + [len(str(_value(r[j - 1]) or "")) for r in rows]) + 2
        sheet.column_dimensions[get_column_letter(j)].width = min(max(width, 8), 60)
    sheet.freeze_panes = sheet.cell(head + 1, 1)
    sheet.auto_filter.ref = f"A{head}:{get_column_letter(len(columns))}{max(sheet.max_row, head)}"


def build_workbook(indexes: list[PARIndex], scores: pd.DataFrame, lang: str, year: int, period: str,
                   provenance: dict, not_reported: list[tuple[str, str, str]],
                   prepared: dict | None = None) -> bytes:
    """The run's workbook as bytes (write it atomically beside the HTML).

    Parameters
    ----------
    indexes : list of PARIndex
        The units reported on.
    scores : DataFrame
        The standardised table (the rows of those units are the scores sheet).
    lang : {"vi", "en"}
        Headers and sheet names.
    year, period : int, str
        The run's reporting point.
    provenance : dict
        ``inputs`` [(path, sha256)], ``params`` [(name, value)], ``version``, ``time``.
    not_reported : list of (unit, level, reason)
        Units the run could not report on, listed with the reason.
    prepared : dict, optional
        (unit, level) → :func:`unit_sheet_rows`, computed beforehand (else computed here).

    Examples
    --------
    >>> from openpyxl import load_workbook
    >>> data = build_workbook([idx], scores, "vi", 2024, "FY", {"inputs": [], "params": [], "version": "0",
    ...                       "time": "-"}, [])
    >>> book = load_workbook(io.BytesIO(data))
    >>> book.sheetnames
    ['Điểm', 'Tình trạng', 'Nâng điểm', 'Mục tiêu kế hoạch', 'Nguồn gốc']
    """
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    names = SHEETS[lang]
    book.properties.creator = "parindex"
    book.properties.title = t("index_title", lang, label=str(year) if period == "FY" else f"{period}/{year}")
    book.properties.keywords = SCORES_SHEET_MARK + names["scores"]
    illustrative = any(ix.illustrative for ix in indexes)
    label = t("illustrative_banner", lang) if illustrative else None

    # Scores: the tidy rows of the units reported on, as a table standardise reads back.
    keys = {(ix.unit, ix.level) for ix in indexes}
    used = scores[pd.MultiIndex.from_frame(scores[["unit", "level"]]).isin(list(keys))] if keys else scores.iloc[:0]
    headers = SCORE_HEADERS[lang]
    formats = {"Giá trị": PCT, "value_pct": PCT, "Điểm": NUMBER, "points": NUMBER, "Điểm tối đa": NUMBER,
               "max_points": NUMBER}
    rows = [[r.unit, r.level, r.year, r.period, r.component, r.kind, r.value_pct / 100, r.bound, r.points,
             r.max_points, r.rank, r.rank_of, r.lead_units, r.note, "x" if r.illustrative else None]
            for r in used.itertuples()]
    _sheet(book, names["scores"], [Column(h, formats.get(h)) for h in headers], rows,
           t("illustrative_banner", lang) if used["illustrative"].any() else None)

    prepared = prepared or {}
    per_unit = [prepared.get((ix.unit, ix.level)) or unit_sheet_rows(ix, scores, lang) for ix in indexes]

    # Status: unit × component, against the target year's targets.
    cols = [Column(t("col_unit", lang)), Column(t("col_level", lang)), Column(t("col_component", lang)),
            Column(t("col_value", lang), PCT), Column(t("col_target", lang), PCT), Column(t("col_gap", lang), NUMBER),
            Column(t("col_status", lang)), Column(t("col_lead", lang))]
    _sheet(book, names["status"], cols, [row for unit in per_unit for row in unit["status"]], label)

    # Lift: the recommended changes per unit (the gap model, as the pages show).
    cols = [Column(t("col_unit", lang)), Column(t("col_component", lang)), Column(t("col_from", lang), PCT),
            Column(t("col_to", lang), PCT), Column(t("col_gain", lang), NUMBER), Column(t("col_lead", lang))]
    _sheet(book, names["lift"], cols, [row for unit in per_unit for row in unit["lift"]], label)

    # Plan targets: each component's target, and the total if it alone is missed.
    cols = [Column(t("col_unit", lang)), Column(t("col_component", lang)), Column(t("col_value", lang), PCT),
            Column(t("col_target", lang), PCT), Column(t("col_total_if_missed", lang), PCT),
            Column(t("col_breaks", lang)), Column(t("col_lead", lang))]
    _sheet(book, names["plan"], cols, [row for unit in per_unit for row in unit["plan"]], label)

    # Provenance: inputs and their hashes, parameters, version, time; units not reported, with the reason.
    cols = [Column(t("provenance_title", lang)), Column(""), Column("")]
    rows = [[t("provenance_inputs", lang), path, digest] for path, digest in provenance["inputs"]]
    rows += [[t("provenance_params", lang), name, str(value)] for name, value in provenance["params"]]
    rows += [[t("provenance_version", lang, version=provenance["version"], time=provenance["time"]), None, None]]
    rows += [[t("index_not_reported", lang), f"{u} ({t(f'level_{lv}', lang)})", why] for u, lv, why in not_reported]
    _sheet(book, names["provenance"], cols, rows, label)

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def unit_sheet_rows(ix: PARIndex, scores: pd.DataFrame, lang: str) -> dict[str, list]:
    """One unit's rows of the status, lift and plan-targets sheets (the part of a workbook computed per unit;
    a batch prepares them while the pages run)."""
    status = trends.target_status(ix, scores)
    rows = {"status": [[ix.unit, t(f"level_{ix.level}", lang), t("col_total", lang), ix.display_total / 100,
                        ix.target / 100, ix.display_total - ix.target,
                        status_label(trends.total_status(ix, scores, status), lang), None]],
            "lift": [], "plan": []}
    for c, r in status.iterrows():
        rows["status"].append([ix.unit, t(f"level_{ix.level}", lang), component_name(c, lang), r.value / 100,
                               None if pd.isna(r.target) else r.target / 100, None if pd.isna(r.gap) else r.gap,
                               status_label(r.status, lang), r.lead_units])
    if not ix.can_total:
        return rows
    result = lift_mod.lift(ix, "gap")
    for c, r in result.changes.iterrows():
        rows["lift"].append([ix.unit, component_name(c, lang), r.from_pct / 100, r.to_pct / 100, r.gain_total,
                             r.lead_units])
    plan = lift_mod.plan_targets(ix)
    rows["plan"].append([ix.unit, t("col_total", lang), ix.display_total / 100, plan.total_at_targets / 100, None,
                         None, None])
    for c, r in plan.table.iterrows():
        rows["plan"].append([ix.unit, component_name(c, lang), r.current / 100, r.target / 100,
                             r.total_if_missed / 100, t("answer_yes" if r.breaks_goal else "answer_no", lang),
                             r.lead_units])
    return rows


def workbook_name(year: int, period: str, lang: str) -> str:
    """``parindex-2024-FY.xlsx`` (Vietnamese) or ``parindex-2024-FY-en.xlsx``."""
    return f"parindex-{year}-{period}" + ("" if lang == "vi" else f"-{lang}") + ".xlsx"
