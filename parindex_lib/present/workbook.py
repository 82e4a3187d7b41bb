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
the table, the formats, the widths and the print setup come with it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from parindex_lib.analyses import lift as lift_mod
from parindex_lib.analyses import trends
from parindex_lib.model.components import match_component
from parindex_lib.model.index import PARIndex
from parindex_lib.present.i18n import component_name, period_label, point_label, status_label, t
from parindex_lib.readers.xlsx import SCORES_SHEET_MARK
from parindex_lib.vn import fold

PCT = "0.00%"
NUMBER = "0.00"
WHOLE = "0"
#: Every table's look: Excel's medium blue style with banded rows.
TABLE_STYLE = "TableStyleMedium2"
#: Above this sum of column widths (in characters) a sheet is printed in landscape: A4 portrait holds about 94
#: characters at full size, so up to 120 prints at 80% or more.
PORTRAIT_WIDTH = 120
#: The widest a column gets (characters); longer text wraps within it.
WIDEST = 45
#: The height of one line of text in a row (points).
ROW_HEIGHT = 15.0
#: The most units the summary chart shows (the lowest totals when a run has more): 63 provinces fit.
CHART_UNITS = 63
#: Text Excel (or a program reading the file) could take for a formula or a command when a cell is edited.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The scores sheet's value columns, in the tidy reader's order.
SCORE_COLUMNS = [("wb_col_unit", None), ("wb_col_level", None), ("wb_col_year", WHOLE), ("wb_col_period", None),
                 ("wb_col_component", None), ("wb_col_kind", None), ("wb_col_value", PCT), ("wb_col_bound", None),
                 ("wb_col_points", NUMBER), ("wb_col_max_points", NUMBER), ("wb_col_rank", WHOLE),
                 ("wb_col_rank_of", WHOLE), ("wb_col_lead", None), ("wb_col_note", None),
                 ("wb_col_illustrative", None)]
_BOUND_KEYS = {"=": "wb_bound_eq", ">": "wb_bound_gt", ">=": "wb_bound_ge"}


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header and, for numbers, the Excel number format."""

    header: str
    fmt: str | None = None
    width: float | None = None  # in characters; by default from the values (wrapped beyond WIDEST)


@dataclass(frozen=True)
class Sheet:
    """A sheet to add to a run's workbook: title, columns, rows, and an optional label row above the table
    (e.g. the illustrative-data banner). Pass it to :func:`build_workbook` (``extra``) or to
    :meth:`Book.add_sheet`."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]]
    label: str | None = None


def cell_value(value: object) -> object:
    """A value as a cell holds it: None for missing, plain Python numbers, text without the control
    characters a workbook cannot hold (shown as ``\\x01``, never dropped)."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return value


def _table_name(title: str, taken: set[str]) -> str:
    """An Excel table name from a sheet title: ASCII letters, digits and underscores, unique in the book."""
    base = "tbl_" + (re.sub(r"[^a-z0-9]+", "_", fold(title)).strip("_") or "sheet")
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name.lower())
    return name


def _sheet_title(title: str, taken: Iterable[str]) -> str:
    """A title Excel accepts: no ``[]:*?/\\``, at most 31 characters, unique in the book (case aside)."""
    clean = re.sub(r"[\[\]:*?/\\]", "-", title).strip("' ") or "Sheet"
    lower = {x.lower() for x in taken}
    name, n = clean[:31], 2
    while name.lower() in lower:
        suffix = f" ({n})"
        name, n = clean[:31 - len(suffix)] + suffix, n + 1
    return name


def _headers(columns: Sequence[Column]) -> list[str]:
    """Header texts a table accepts: non-empty and unique (a repeated header gets a number)."""
    out: list[str] = []
    for j, col in enumerate(columns, start=1):
        text = str(cell_value(col.header) or "").strip() or f"{j}"
        name, n = text, 2
        while name.lower() in {h.lower() for h in out}:
            name, n = f"{text} ({n})", n + 1
        out.append(name)
    return out


class Book:
    """A workbook being built: its language and title, and sheets that each come as a formatted,
    printable Excel table.

    Examples
    --------
    >>> book = Book("vi", "Báo cáo Chỉ số CCHC — 2024")
    >>> sheet = book.add_sheet("Đơn vị", [Column("Đơn vị"), Column("Tổng điểm", PCT)], [["=Xã A", 0.8123]])
    >>> sheet["A2"].value, sheet["A2"].data_type, sheet["B2"].number_format, list(sheet.tables)
    ('=Xã A', 's', '0.00%', ['tbl_don_vi'])
    """

    def __init__(self, lang: str, title: str):
        self.lang = lang
        self.title = title
        self.workbook = Workbook()
        self.workbook.remove(self.workbook.active)
        self.workbook.properties.creator = "parindex"
        self.workbook.properties.title = title
        self.workbook.properties.language = "vi-VN" if lang == "vi" else "en-GB"
        self._tables: set[str] = set()

    def add_sheet(self, title: str, columns: Sequence[Column], rows: Sequence[Sequence[object]],
                  label: str | None = None) -> Worksheet:
        """Add a sheet holding ``rows`` as an Excel table, formatted and set up for printing; returns it.

        Parameters
        ----------
        title : str
            The sheet's name (made acceptable to Excel: at most 31 characters, unique).
        columns : sequence of Column
            Headers (unique, non-empty) and the number format of numeric columns.
        rows : sequence of sequences
            One list of values per row, in the order of ``columns``. Text is always written as text.
        label : str, optional
            A highlighted line above the table (e.g. the illustrative-data banner).
        """
        sheet = self.workbook.create_sheet(_sheet_title(title, self.workbook.sheetnames))
        if label:
            sheet.append([cell_value(label)])
            sheet.cell(1, 1).font = Font(bold=True, color="9C5700")
            sheet.cell(1, 1).fill = PatternFill("solid", fgColor="FFF3CD")
            _as_text(sheet, [(1, 1)] if label.startswith(FORMULA_START) else [])
        headers = _headers(columns)
        sheet.append(headers)
        head = sheet.max_row
        for j in range(1, len(columns) + 1):
            sheet.cell(head, j).alignment = Alignment(wrap_text=True, vertical="top")
        formula_like = []
        for i, row in enumerate(rows, start=head + 1):
            values = [cell_value(v) for v in row]
            formula_like += [(i, j) for j, v in enumerate(values, start=1)
                             if isinstance(v, str) and v.startswith(FORMULA_START)]
            sheet.append(values)
        last = max(sheet.max_row, head + 1)  # a table holds at least one (here empty) row
        widths = _widths(headers, columns, rows)
        for j, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(j)].width = width
        _format_cells(sheet, head, last, columns, widths)
        _as_text(sheet, formula_like + [(head, j) for j, h in enumerate(headers, start=1)
                                        if h.startswith(FORMULA_START)])
        end = get_column_letter(len(columns))
        table = Table(displayName=_table_name(sheet.title, self._tables), ref=f"A{head}:{end}{last}")
        table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True, showColumnStripes=False,
                                              showFirstColumn=False, showLastColumn=False)
        sheet.add_table(table)
        sheet.freeze_panes = sheet.cell(head + 1, 1)
        self._print_setup(sheet, head, landscape=sum(widths) > PORTRAIT_WIDTH)
        return sheet

    def add(self, sheet: Sheet) -> Worksheet:
        """Add a :class:`Sheet` (the same as :meth:`add_sheet` with its fields)."""
        return self.add_sheet(sheet.title, sheet.columns, sheet.rows, sheet.label)

    def _print_setup(self, sheet: Worksheet, head: int, landscape: bool) -> None:
        """A4, fitted to one page wide, header rows repeated, the title and page number in the margins."""
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape" if landscape else "portrait"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages tall as the rows need
        sheet.print_title_rows = f"1:{head}"
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.top = sheet.page_margins.bottom = 0.75
        for header in (sheet.oddHeader, sheet.evenHeader):
            header.left.text = self.title.replace("&", "&&")
            header.right.text = "&A"  # the sheet's name
        for footer in (sheet.oddFooter, sheet.evenFooter):
            footer.center.text = t("wb_page", self.lang)

    def to_bytes(self) -> bytes:
        """The workbook as the bytes of an .xlsx file."""
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def _format_cells(sheet: Worksheet, head: int, last: int, columns: Sequence[Column], widths: list[float]) -> None:
    """Numbers get their column's format; long text wraps in its column rather than widening the printed page,
    and its row gets the height it needs (neither Excel nor LibreOffice fits row heights when opening a file).

    A style is made once per (column, number or not, tall row or not) and copied to the other cells: setting
    a style cell by cell costs more than writing the workbook."""
    wide = [j for j, w in enumerate(widths) if w == WIDEST]
    header_lines = max(_lines(sheet.cell(head, j + 1).value, w) for j, w in enumerate(widths))
    if header_lines > 1:
        sheet.row_dimensions[head].height = ROW_HEIGHT * header_lines
    heights: dict[int, int] = {}
    for j in wide:
        for (cell,) in sheet.iter_rows(min_row=head + 1, max_row=last, min_col=j + 1, max_col=j + 1):
            if isinstance(cell.value, str) and len(cell.value) > widths[j] - 2:
                lines = _lines(cell.value, widths[j])
                if lines > heights.get(cell.row, 1):
                    heights[cell.row] = lines
    made: dict[tuple[int, bool, bool], StyleArray] = {}

    def style(cell, j: int, tall: bool) -> None:
        value = cell.value
        fmt = columns[j].fmt if isinstance(value, int | float) and not isinstance(value, bool) else None
        if not fmt and not tall:
            return
        key = (j, fmt is not None, tall)
        if key in made:
            cell._style = copy(made[key])
            return
        if fmt:
            cell.number_format = fmt
        if tall:
            cell.alignment = Alignment(wrap_text=j in wide, vertical="top")
        made[key] = copy(cell._style)

    numeric = [j for j, col in enumerate(columns) if col.fmt]
    for j in numeric:
        for (cell,) in sheet.iter_rows(min_row=head + 1, max_row=last, min_col=j + 1, max_col=j + 1):
            style(cell, j, cell.row in heights)
    for row, lines in heights.items():
        sheet.row_dimensions[row].height = ROW_HEIGHT * lines
        for j in range(len(columns)):
            if j not in numeric:
                style(sheet.cell(row, j + 1), j, True)


def _as_text(sheet: Worksheet, cells: Iterable[tuple[int, int]]) -> None:
    """Cells whose text begins like a formula: text (openpyxl would write ``=…`` as a formula), and marked so
    that Excel keeps them text when they are edited."""
    for row, column in cells:
        cell = sheet.cell(row, column)
        cell.data_type = "s"
        cell.quotePrefix = True


def _widths(headers: list[str], columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> list[float]:
    """Each column's width in characters: its longest value (in a sample of rows) or the longest word of its
    (wrapped) header, between 8 and :data:`WIDEST`; numbers take 10."""
    sample = list(rows[:2000])
    out = []
    for j, (header, col) in enumerate(zip(headers, columns, strict=True)):
        if col.width:
            out.append(float(col.width))
            continue
        longest = 10 if col.fmt else max([len(str(cell_value(r[j]) or "")) for r in sample if j < len(r)] or [0])
        word = max(len(w) for w in header.split()) if header.split() else 0
        out.append(float(min(max(word + 2, longest + 2, 8), WIDEST)))
    return out


def _lines(text: object, width: float) -> int:
    """The lines ``text`` takes wrapped in a column ``width`` characters wide (an estimate, by words)."""
    lines, used = 1, 0
    for word in str(text or "").split():
        if used and used + 1 + len(word) > width - 1:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


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
    >>> from openpyxl import load_workbook
    >>> data = build_workbook([idx], scores, "vi", 2024, "FY", {"inputs": [], "params": [], "version": "0",
    ...                       "time": "-"}, [])
    >>> book = load_workbook(io.BytesIO(data))
    >>> book.sheetnames
    ['Tóm tắt', 'Điểm', 'Tình trạng', 'Nâng điểm', 'Mục tiêu kế hoạch', 'Nguồn gốc']
    """
    book = Book(lang, t("index_title", lang, label=str(year) if period == "FY" else f"{period}/{year}"))
    book.workbook.properties.keywords = SCORES_SHEET_MARK + t("wb_sheet_scores", lang)
    label = t("illustrative_banner", lang) if any(ix.illustrative for ix in indexes) else None
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
                   t("illustrative_banner", lang) if used["illustrative"].any() else None)


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


def unit_sheet_rows(ix: PARIndex, scores: pd.DataFrame, lang: str) -> dict[str, list]:
    """One unit's rows of the summary, status, lift and plan-targets sheets (the part of a workbook computed
    per unit; a batch prepares them while the pages run)."""
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
    for c, r in status.iterrows():
        rows["status"].append([ix.unit, level, component_name(c, lang), r.value / 100,
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
