"""Excel workbooks (``.xlsx``) read by their cells' values, written as Excel shows them.

A number formatted as a percentage is that percentage (0,7052 shown as 70,52% reads as 70,52%);
float noise from formulas (70.52000000000001) is dropped; a cell formatted with fewer decimals than it
holds (0,7052 formatted ``0%`` shows 71%) is read as stored, 70,52%, and the sheet's notes say so; text
is NFC-normalised. Every sheet is one :class:`Table`; blank rows are skipped and recorded.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from parindex_lib.errors import InputError, Problem, Reason, because
from parindex_lib.readers.table import Limits, Table, check_rows, check_zip
from parindex_lib.vn import nfc

#: How a parindex results workbook names its scores sheet (see :mod:`parindex_lib.present.workbook`).
SCORES_SHEET_MARK = "parindex-scores-sheet:"
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
#: "General" shows at most this many decimals of a number; beyond it is float noise.
GENERAL_DECIMALS = 10


def format_decimals(number_format: str | None) -> tuple[int | None, bool]:
    """Decimals a number format displays (``None`` for General) and whether it is a percent format.

    Examples
    --------
    >>> format_decimals("0.00%"), format_decimals('0.0"%"'), format_decimals("General")
    ((2, True), (1, False), (None, False))
    """
    fmt = (number_format or "General").split(";")[0]
    bare = _QUOTED.sub("", fmt)  # literal text ("%" in quotes is not a percent format), escapes, colours
    if bare.strip().lower() in {"general", "@", ""}:
        return None, False
    percent = "%" in bare
    m = re.search(r"\.([0#?]+)", bare)
    return (len(m.group(1)) if m else 0), percent


def _number_text(value: float | int, number_format: str | None) -> tuple[str, str | None]:
    """The number as text with the decimals it holds (at least those its format shows), and how Excel
    displays it when that differs (fewer decimals than the cell holds), else None."""
    decimals, percent = format_decimals(number_format)
    if percent:
        value = value * 100
    stored = f"{round(value, GENERAL_DECIMALS):.{GENERAL_DECIMALS}f}".rstrip("0").rstrip(".")
    held = len(stored.split(".")[1]) if "." in stored else 0
    shown = None
    if decimals is not None:
        display = f"{round(value, decimals):.{decimals}f}"
        if held <= decimals:
            stored = display  # the format's trailing zeros say how the value was printed
        elif float(display) != float(stored):
            shown = display
    text = _vietnamese(stored)
    return (text + "%" if percent else text), (None if shown is None else _vietnamese(shown) + ("%" if percent else ""))


def _vietnamese(text: str) -> str:
    if text in {"-0", "-0.0"} or re.fullmatch(r"-0\.0+", text):
        text = text[1:]
    return text.replace(".", ",")  # the Vietnamese decimal mark, read back by the number parser


def cell_text(value: object, number_format: str | None) -> str:
    """One cell's value as text: a number with the decimals it holds (numbers without thousands separators)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float):
        return _number_text(value, number_format)[0]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return nfc(str(value))


class _Rounded:
    """Cells of one sheet that Excel shows with fewer decimals than they hold: counted, the first named."""

    def __init__(self) -> None:
        self.count = 0
        self.first: tuple[str, str, str] | None = None

    def cell(self, cell: object) -> str:
        value, fmt = getattr(cell, "value", None), getattr(cell, "number_format", None)
        if not isinstance(value, int | float) or isinstance(value, bool):
            return cell_text(value, fmt)
        text, shown = _number_text(value, fmt)
        if shown is not None:
            self.count += 1
            if self.first is None:
                self.first = (getattr(cell, "coordinate", "?"), shown, text)
        return text

    def note(self, file: str, sheet: str) -> list[Reason]:
        if not self.count:
            return []
        ref, shown, text = self.first
        return [Reason("std_rounded", {"file": file, "sheet": sheet, "count": self.count, "ref": ref, "shown": shown,
                                       "text": text},
                       f'{file}, sheet "{sheet}": {self.count} cell(s) are formatted with fewer decimals than they '
                       f"hold (e.g. {ref} shows {shown}); each is read as stored ({ref}: {text}), not as displayed")]


def _unreadable(exc: Exception) -> Reason:
    return because("read_not_an_xlsx", "is not a readable .xlsx workbook ({error})",
                   error=f"{type(exc).__name__}: {str(exc)[:120]}")


def xlsx_tables(path: Path, file: str, limits: Limits) -> list[Table]:
    """Read every sheet of a workbook (values as last calculated by Excel) into tables."""
    from openpyxl import load_workbook

    check_zip(path, file, limits, ".xlsx")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # malformed XML, missing parts, encrypted workbooks: all unreadable here
        raise InputError(Problem(file, None, None, "", _unreadable(exc))) from None
    tables = []
    # A workbook written by `parindex run` names its scores sheet; its other sheets are results, not inputs.
    keywords = str(getattr(book.properties, "keywords", "") or "")
    own = keywords[len(SCORES_SHEET_MARK):] if keywords.startswith(SCORES_SHEET_MARK) else None
    if own is not None and own not in book.sheetnames:  # renamed or deleted by hand: never guessed
        names = ", ".join(f'"{n}"' for n in book.sheetnames)
        book.close()
        raise InputError(Problem(file, None, None, own, because(
            "read_scores_sheet_missing", "is the scores sheet this workbook of parindex names, and it is missing — "
            'renamed or deleted? (sheets: {sheets}; expected the sheet "{sheet}": rename it back)', sheets=names,
            sheet=own)))
    try:
        for sheet in book.worksheets:
            if own is not None and sheet.title != own:
                continue
            rows, blank, rounded = [], [], _Rounded()
            for number, row in enumerate(sheet.iter_rows(), start=1):
                cells = [rounded.cell(c) for c in row]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    rows.append((number, cells))
                    if len(rows) > limits.max_rows:
                        check_rows(len(rows), file, limits, sheet.title)
                else:
                    blank.append(number)
            tables.append(Table(file, rows, sheet.title, blank if rows else [], notes=rounded.note(file, sheet.title)))
    except InputError:
        raise
    except Exception as exc:
        raise InputError(Problem(file, None, None, "", _unreadable(exc))) from None
    finally:
        book.close()
    if not any(t.rows for t in tables):
        raise InputError(Problem(file, None, None, "", because(
            "read_no_filled_sheet", "has no filled sheet (expected a table of scores)")))
    uncalculated = _formulas_without_values(path, file, [t.sheet for t in tables])
    if uncalculated:
        raise InputError(uncalculated)
    return tables


def _formulas_without_values(path: Path, file: str, sheets: list[str]) -> list[Problem]:
    """Cells holding a formula whose value was never calculated (a file saved by a program that does not
    calculate): read with their values they would be empty, and their row taken from its other columns."""
    import zipfile

    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as archive:  # cheap: only a sheet with a formula is read twice
        if not any(re.search(rb"<(\w+:)?f[ >]", archive.read(n)) for n in archive.namelist()
                   if n.startswith("xl/worksheets/") and n.endswith(".xml")):
            return []
    values = load_workbook(path, read_only=True, data_only=True)
    formulas = load_workbook(path, read_only=True, data_only=False)
    problems = []
    try:
        for name in sheets:
            for cached, written in zip(values[name].iter_rows(), formulas[name].iter_rows(), strict=False):
                for a, b in zip(cached, written, strict=False):
                    text = getattr(b, "value", None)
                    if getattr(a, "value", None) is None and isinstance(text, str) and text.startswith("="):
                        problems.append(Problem(file, b.row, b.column_letter, text, because(
                            "read_formula_not_calculated", "is a formula whose value was never calculated in cell "
                            "{cell} (expected a value: open the file in Excel or LibreOffice and save it)",
                            cell=b.coordinate), name))
    finally:
        values.close()
        formulas.close()
    return problems
