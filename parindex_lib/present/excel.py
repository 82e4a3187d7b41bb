"""Excel mechanics: a workbook of sheets that each come as a formatted, printable Excel table.

:class:`Book` adds a sheet in one call (:meth:`Book.add_sheet`, or a :class:`Sheet` with :meth:`Book.add`):
an Excel table (a ListObject with a table style, its own filter buttons) under a frozen header, real numbers in
number formats (:data:`PCT`, :data:`NUMBER`, :data:`WHOLE`), column widths from the values (long text wraps and
its row grows), and print setup: A4, landscape when wide, fitted to the page's width, the header row repeated on
every page, the title and the page number in the margins. No cell is ever a formula: text is written as text
even when it begins with ``=``. What the sheets of a run's workbook hold is :mod:`parindex_lib.present.workbook`.
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
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from parindex_lib.present.i18n import t
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
#: Text Excel (or a program reading the file) could take for a formula or a command when a cell is edited.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
