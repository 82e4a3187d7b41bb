"""Every run's results as an Excel workbook: a document to read, filter and print, not only values.

A summary sheet (one row per unit, with a chart of totals against the target), then one sheet per question
— the scores used, each component's status, the recommended lift, the plan's targets — and the provenance.
Every sheet is an Excel table (a ListObject with a table style, its own filter buttons) under a frozen header,
with real numbers in number formats, and is set up for printing: A4, landscape when wide, fitted to the
page's width, the header row repeated on every page, the title and the page number in the margins.

A Vietnamese workbook says everything in Vietnamese, values included (levels, periods, kinds, bounds and
statuses as words). No cell is ever a formula: text is written as text even when it begins with ``=``.
The scores sheet is a tidy table that ``parindex standardise`` reads back: the workbook says in its
properties which sheet that is, so its other sheets (results, not inputs) are left aside.

Adding a sheet is one call, :meth:`Book.add_sheet` (or a :class:`Sheet` passed to :func:`build_workbook`):
the table, the formats, the widths and the print setup come with it (:mod:`parindex_lib.present.excel`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet.worksheet import Worksheet

from parindex_lib.analyses import lift as lift_mod
from parindex_lib.analyses import trends
from parindex_lib.model.components import match_component
from parindex_lib.model.index import PARIndex
from parindex_lib.present.excel import NUMBER, PCT, WHOLE, Book, Column, Sheet
from parindex_lib.present.i18n import component_name, period_label, point_label, status_label, t
from parindex_lib.present.report import blocks_kept, illustrative_banner
from parindex_lib.readers.xlsx import SCORES_SHEET_MARK

#: The most units the summary chart shows (the lowest totals when a run has more): 63 provinces fit.
CHART_UNITS = 63
#: The scores sheet's value columns, in the tidy reader's order.
SCORE_COLUMNS = [("wb_col_unit", None), ("wb_col_level", None), ("wb_col_year", WHOLE), ("wb_col_period", None),
                 ("wb_col_component", None), ("wb_col_kind", None), ("wb_col_value", PCT), ("wb_col_bound", None),
                 ("wb_col_points", NUMBER), ("wb_col_max_points", NUMBER), ("wb_col_rank", WHOLE),
                 ("wb_col_rank_of", WHOLE), ("wb_col_lead", None), ("wb_col_note", None),
                 ("wb_col_illustrative", None)]
_BOUND_KEYS = {"=": "wb_bound_eq", ">": "wb_bound_gt", ">=": "wb_bound_ge"}


def bound_word(bound: str | None, lang: str) -> str | None:
    """``bằng``/``trên``/``trở lên`` (vi), ``equal``/``above``/``at least`` (en); None when not given."""
    return None if bound is None or pd.isna(bound) or bound not in _BOUND_KEYS else t(_BOUND_KEYS[bound], lang)


def _component_word(code: str, lang: str) -> str:
    """A component's short name when it reads back as the same component, else its code."""
    name = component_name(code, lang, short=True)
    return name if match_component(name) == code else code


def build_workbook(indexes: list[PARIndex], scores: pd.DataFrame, lang: str, year: int, period: str,
                   provenance: dict, not_reported: list[tuple[str, str, str]],
                   prepared: dict | None = None, extra: Iterable[Sheet] = ()) -> bytes:
    """The run's workbook as bytes (write it atomically beside the HTML).

    Parameters
    ----------
    indexes : list of PARIndex
        The units reported on.
    scores : DataFrame
        The standardised table (the rows of those units are the scores sheet).
    lang : {"vi", "en"}
        The language of sheet names, headers and every value written as a word.
    year, period : int, str
        The run's reporting point.
    provenance : dict
        ``inputs`` [(path, sha256)], ``params`` [(name, value)], ``version``, ``time``.
    not_reported : list of (unit, level, reason)
        Units the run could not report on, listed with the reason.
    prepared : dict, optional
        (unit, level) → :func:`unit_sheet_rows`, computed beforehand (else computed here).
    extra : iterable of Sheet
        More sheets, placed after the run's own and before the provenance.

    Examples
    --------
    >>> import io
    >>> from openpyxl import load_workbook
    >>> data = build_workbook([idx], scores, "vi", 2024, "FY", {"inputs": [], "params": [], "version": "0",
    ...                       "time": "-"}, [])
    >>> book = load_workbook(io.BytesIO(data))
    >>> book.sheetnames
    ['Tóm tắt', 'Điểm', 'Tình trạng', 'Nâng điểm', 'Mục tiêu kế hoạch', 'Nguồn gốc']
    """
    book = Book(lang, t("index_title", lang, label=str(year) if period == "FY" else f"{period}/{year}"))
    book.workbook.properties.keywords = SCORES_SHEET_MARK + t("wb_sheet_scores", lang)
    made_up = [(ix.unit, ix.level) for ix in indexes if ix.illustrative]  # the banner says what is made up
    label = illustrative_banner(scores[pd.MultiIndex.from_frame(scores[["unit", "level"]]).isin(made_up)], lang) \
        if made_up else None
    prepared = prepared or {}
    per_unit = [prepared.get((ix.unit, ix.level)) or unit_sheet_rows(ix, scores, lang) for ix in indexes]

    _summary_sheet(book, [row for unit in per_unit for row in unit.get("summary", [])], label)
    _scores_sheet(book, indexes, scores)

    # Status: unit × component, against the target year's targets.
    cols = [Column(t("col_unit", lang)), Column(t("col_level", lang)), Column(t("col_component", lang)),
            Column(t("col_value", lang), PCT), Column(t("col_target", lang), PCT), Column(t("col_gap", lang), NUMBER),
            Column(t("col_status", lang)), Column(t("col_lead", lang))]
    book.add_sheet(t("wb_sheet_status", lang), cols, [row for unit in per_unit for row in unit["status"]], label)

    # Lift: the recommended changes per unit (the gap model, as the pages show).
    cols = [Column(t("col_unit", lang)), Column(t("col_component", lang)), Column(t("col_from", lang), PCT),
            Column(t("col_to", lang), PCT), Column(t("col_gain", lang), NUMBER), Column(t("col_lead", lang))]
    book.add_sheet(t("wb_sheet_lift", lang), cols, [row for unit in per_unit for row in unit["lift"]], label)

    # Plan targets: each component's target, and the total if it alone is missed.
    cols = [Column(t("col_unit", lang)), Column(t("col_component", lang)), Column(t("col_value", lang), PCT),
            Column(t("col_target", lang), PCT), Column(t("col_total_if_missed", lang), PCT),
            Column(t("col_breaks", lang)), Column(t("col_lead", lang))]
    book.add_sheet(t("wb_sheet_plan", lang), cols, [row for unit in per_unit for row in unit["plan"]], label)

    for sheet in extra:
        book.add(sheet)
    _provenance_sheet(book, provenance, not_reported, label)
    return book.to_bytes()


def _scores_sheet(book: Book, indexes: list[PARIndex], scores: pd.DataFrame) -> None:
    """The tidy rows of the units reported on, with words a reader understands, as ``standardise`` reads back."""
    lang = book.lang
    keys = {(ix.unit, ix.level) for ix in indexes}
    used = scores[pd.MultiIndex.from_frame(scores[["unit", "level"]]).isin(list(keys))] if keys else scores.iloc[:0]
    words = {"level": {lv: t(f"level_{lv}", lang) for lv in used["level"].unique()},
             "period": {p: period_label(p, lang) for p in used["period"].unique()},
             "kind": {k: t(f"wb_kind_{k}", lang) for k in used["kind"].unique()},
             "component": {c: _component_word(c, lang) for c in used["component"].unique()}}
    rows = [[r.unit, words["level"][r.level], r.year, words["period"][r.period], words["component"][r.component],
             words["kind"][r.kind], r.value_pct / 100, bound_word(r.bound, lang), r.points, r.max_points, r.rank,
             r.rank_of, r.lead_units, r.note, "x" if r.illustrative else None]
            for r in used.itertuples()]
    book.add_sheet(t("wb_sheet_scores", lang), [Column(t(key, lang), fmt) for key, fmt in SCORE_COLUMNS], rows,
                   illustrative_banner(used, lang))


def _summary_sheet(book: Book, rows: list[list], label: str | None) -> None:
    """One row per unit, highest total first, and below it a chart of totals against their targets."""
    lang = book.lang
    cols = [Column(t("col_unit", lang)), Column(t("col_level", lang)), Column(t("wb_col_basis", lang)),
            Column(t("col_total", lang), PCT), Column(t("col_target", lang), PCT), Column(t("wb_col_bound", lang)),
            Column(t("col_gap", lang), NUMBER), Column(t("col_status", lang)), Column(t("col_rank", lang), WHOLE)]
    rows = sorted(rows, key=lambda r: -(r[3] if r[3] is not None else -1))
    sheet = book.add_sheet(t("wb_sheet_summary", lang), cols, rows, label)
    if rows:
        _totals_chart(sheet, book, len(rows))
    book.workbook.active = book.workbook.index(sheet)


def _totals_chart(sheet: Worksheet, book: Book, n: int) -> None:
    """Totals as bars and each unit's target as a mark, for the last (lowest) :data:`CHART_UNITS` rows."""
    lang = book.lang
    head = sheet.freeze_panes and sheet[sheet.freeze_panes].row - 1
    first, last = head + 1 + max(0, n - CHART_UNITS), head + n
    shown = last - first + 1
    bars = BarChart()
    bars.type = "col"
    bars.title = t("wb_chart_title", lang) if shown == n else t("wb_chart_title_lowest", lang, n=shown)
    bars.y_axis.title = t("col_total", lang)
    bars.y_axis.number_format = "0%"
    bars.y_axis.scaling.min, bars.y_axis.scaling.max = 0.0, 1.0
    bars.x_axis.delete = bars.y_axis.delete = False  # openpyxl hides both axes unless told
    bars.series.append(Series(Reference(sheet, min_col=4, min_row=first, max_row=last), title=t("col_total", lang)))
    names = AxDataSource(strRef=StrRef(f=Reference(sheet, min_col=1, min_row=first, max_row=last)))
    bars.series[0].cat = names  # unit names are text: a numeric reference would show 1, 2, 3… in Excel
    marks = LineChart()
    target = Series(Reference(sheet, min_col=5, min_row=first, max_row=last), title=t("col_target", lang))
    target.marker.symbol = "dash"
    target.marker.size = 14
    target.marker.graphicalProperties = GraphicalProperties(solidFill="C00000")
    target.marker.graphicalProperties.line.solidFill = "C00000"
    target.graphicalProperties.line.noFill = True  # marks only: each unit has its own target
    target.cat = names
    marks.series.append(target)
    bars += marks
    bars.legend.position = "b"
    bars.width = min(32.0, 10.0 + 0.6 * shown)
    bars.height = 9.0
    sheet.add_chart(bars, f"A{last + 3}")


def _provenance_sheet(book: Book, provenance: dict, not_reported: list[tuple[str, str, str]],
                      label: str | None) -> None:
    """Inputs and their hashes, parameters, version and time; units not reported, with the reason."""
    lang = book.lang
    cols = [Column(t("wb_col_item", lang)), Column(t("wb_col_name", lang)),
            Column(t("wb_col_detail", lang), width=68)]  # a SHA-256 is 64 characters with no space to wrap at
    rows = [[t("provenance_inputs", lang), path, digest] for path, digest in provenance["inputs"]]
    rows += [[t("provenance_params", lang), name, str(value)] for name, value in provenance["params"]]
    rows += [[t("wb_version", lang), "parindex", provenance["version"]],
             [t("wb_run_time", lang), None, provenance["time"]]]
    rows += [[t("index_not_reported", lang), f"{u} ({t(f'level_{lv}', lang)})", why] for u, lv, why in not_reported]
    book.add_sheet(t("wb_sheet_provenance", lang), cols, rows, label)


def unit_sheet_rows(ix: PARIndex, scores: pd.DataFrame, lang: str, lift: lift_mod.LiftResult | None = None
                    ) -> dict[str, list]:
    """One unit's rows of the summary, status, lift and plan-targets sheets (the part of a workbook computed
    per unit; a batch prepares them while the pages run); ``lift`` is the unit's lift as its pages show it
    (default: the gap model; a unit scored by criteria: the criteria's)."""
    status = trends.target_status(ix, scores)
    total_status = status_label(trends.total_status(ix, scores, status), lang)
    level = t(f"level_{ix.level}", lang)
    basis = point_label(ix.year, ix.period, lang)
    basis = basis[:1].upper() + basis[1:]  # a cell of its own: Năm 2023
    rows = {"summary": [[ix.unit, level, basis, ix.display_total / 100, ix.target / 100, bound_word(ix.bound, lang),
                         ix.display_total - ix.target, total_status, ix.total_rank]],
            "status": [[ix.unit, level, t("col_total", lang), ix.display_total / 100, ix.target / 100,
                        ix.display_total - ix.target, total_status, None]],
            "lift": [], "plan": []}
    if ix.sums_points:  # the blocks' sum beside the reported total (kept as published when they differ)
        check = ix.check_total()
        rows["status"].append([ix.unit, level, t("col_blocks_sum", lang), check.recomputed / 100, None, None,
                               t("answer_kept", lang) if blocks_kept(ix) else None, None])
    for c, r in status.iterrows():
        rows["status"].append([ix.unit, level, component_name(c, lang), r.value / 100,
                               None if pd.isna(r.target) else r.target / 100, None if pd.isna(r.gap) else r.gap,
                               status_label(r.status, lang), r.lead_units])
    if not ix.can_total:
        return rows
    result = lift or lift_mod.lift(ix, "gap")
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
