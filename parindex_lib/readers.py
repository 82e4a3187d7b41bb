"""Readers: raw score tables in the formats they circulate in → tidy rows.

Formats: the plan's own table layout (tab-separated text, CSV, a table in a Word ``.docx``, a sheet in
an ``.xlsx`` workbook: a component column, column groups "Năm 2023" / "Mục tiêu năm 2024" over
"Chỉ số" / "Thứ hạng", and a lead-office column), the tidy layout of the data contract (CSV or
``.xlsx``, Vietnamese or English headers), and the plan's appendix of tasks and owners.

Every cell is NFC-normalised. Every problem is collected with its file, sheet, row, column and value;
nothing is dropped, guessed or coerced. Raw files are opened read-only.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from parindex_lib import schema
from parindex_lib.components import TOTAL, find_components, match_component, suggest
from parindex_lib.errors import InputError, Problem
from parindex_lib.vn import fold, looks_like_points, nfc, parse_percent, parse_points, parse_rank

TEXT_SUFFIXES = {".tsv", ".txt", ".csv"}
SUFFIXES = TEXT_SUFFIXES | {".xlsx", ".docx"}


@dataclass
class Table:
    """Cells of one table as text, with where they came from (1-based row numbers)."""

    file: str
    rows: list[tuple[int, list[str]]]
    sheet: str | None = None

    def problem(self, row: int | None, column: str | None, value: object, expected: str) -> Problem:
        return Problem(self.file, row, column, value, expected, self.sheet)

    def source(self, row: int) -> str:
        sheet = f', sheet "{self.sheet}"' if self.sheet else ""
        return f"{self.file}{sheet}, row {row}"


@dataclass
class ReadResult:
    """What a file yields: tidy score rows, appendix task rows, and every problem found."""

    scores: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def extend(self, other: ReadResult) -> None:
        self.scores += other.scores
        self.tasks += other.tasks
        self.problems += other.problems


# ---------------------------------------------------------------------------------------------
# Files → tables


def _decode(data: bytes, file: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")  # Excel's "Unicode text" export
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(Problem(
            file, line, None, data[exc.start: exc.start + 4].hex(" "),
            "is not UTF-8 text (expected a UTF-8 file: in Excel, save as \"CSV UTF-8\"; "
            "in a text editor, choose the UTF-8 encoding)")) from None


def _text_tables(path: Path, file: str) -> list[Table]:
    with open(path, "rb") as fh:  # read-only, never written
        text = _decode(fh.read(), file)
    if not text.strip():
        raise InputError(Problem(file, None, None, "", "is empty (expected a table of scores)"))
    lines = text.splitlines()
    delimiter = "\t" if path.suffix.lower() in {".tsv", ".txt"} or "\t" in text else ","
    tables, current = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or (delimiter == "\t" and "\t" not in line):
            # A blank line or prose between tables (the plan's text around its tables) ends a table.
            if current:
                tables.append(current)
            current = []
            continue
        cells = next(csv.reader(io.StringIO(line), delimiter=delimiter)) if delimiter == "," else line.split("\t")
        current.append((number, [nfc(c) for c in cells]))
    if current:
        tables.append(current)
    return [Table(file, rows) for rows in tables]


def _xlsx_cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        fmt = cell.number_format or ""
        if "%" in fmt:
            decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
            return f"{value * 100:.{decimals}f}%".replace(".", ",")
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value)
    return nfc(str(value))


def _xlsx_tables(path: Path, file: str) -> list[Table]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(Problem(file, None, None, "", f"is not a readable .xlsx workbook ({exc})")) from None
    tables = []
    for sheet in book.worksheets:
        rows = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            cells = [_xlsx_cell_text(c) for c in row]
            if any(cells):
                rows.append((number, cells))
        if rows:
            tables.append(Table(file, rows, sheet.title))
    book.close()
    if not tables:
        raise InputError(Problem(file, None, None, "", "has no filled sheet (expected a table of scores)"))
    return tables


def _docx_tables(path: Path, file: str) -> list[Table]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputError(Problem(file, None, None, "", f"is not a readable .docx document ({exc})")) from None
    tables = []
    for t, table in enumerate(document.tables, start=1):
        rows = [(r, [nfc(c.text) for c in row.cells]) for r, row in enumerate(table.rows, start=1)]
        tables.append(Table(file, rows, f"bảng {t}"))
    if not tables:
        raise InputError(Problem(file, None, None, "", "has no table (expected the score table of the plan)"))
    return tables


def read_tables(path: str | Path, display_name: str | None = None) -> list[Table]:
    """Read every table in a file as text cells.

    Raises
    ------
    InputError
        If the file does not exist, is empty, is not UTF-8, or is not a readable workbook/document.
    """
    path = Path(path)
    file = display_name or str(path)
    if not path.exists():
        raise InputError(Problem(file, None, None, "", "does not exist (expected a score table file)"))
    if path.is_dir():
        raise InputError(Problem(file, None, None, "", "is a folder (expected a file)"))
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(Problem(file, None, None, suffix,
                                 f"is not a supported file type (expected one of {', '.join(sorted(SUFFIXES))})"))
    if path.stat().st_size == 0:
        raise InputError(Problem(file, None, None, "", "is empty (expected a table of scores)"))
    if suffix == ".xlsx":
        return _xlsx_tables(path, file)
    if suffix == ".docx":
        return _docx_tables(path, file)
    return _text_tables(path, file)


# ---------------------------------------------------------------------------------------------
# Tables → tidy rows

_NUMBER_HEADERS = {"stt", "tt", "so tt", "no", "#", "nr"}
_NAME_HEADERS = {"chi so thanh phan", "chi so", "ten chi so", "noi dung", "linh vuc", "component",
                 "components", "index", "area"}
_LEAD_HEADERS = ("don vi thuc hien", "don vi chu tri", "co quan chu tri", "lead", "owner", "theo doi", "responsible")
_ACTUAL_GROUP = re.compile(r"^(?:(?:nam|ket qua(?: nam)?|ket qua danh gia nam|year|result|results|actual)\s*)?(\d{4})$")
_TARGET_GROUP = re.compile(r"^(?:muc tieu|chi tieu|ke hoach|target|targets)(?: nam| year)?\s*(\d{4})$")
_VALUE_SUB = {"chi so", "diem", "ty le", "gia tri", "ket qua", "value", "score", "index", "percent", "pct", "result"}
_RANK_SUB = {"thu hang", "xep hang", "hang", "rank", "ranking"}
_TASK_HEADERS = ("nhiem vu", "task")
_ROMAN = re.compile(r"^[IVXLC]+\.?$")


def _header_kind(cells: list[str]) -> str | None:
    folded = [fold(c) for c in cells]
    if any(f.startswith(_TASK_HEADERS) for f in folded) and any("chu tri" in f or "lead" in f for f in folded):
        return "tasks"
    has_group = any(_ACTUAL_GROUP.match(f) or _TARGET_GROUP.match(f) for f in folded)
    if has_group and any(f in _NAME_HEADERS for f in folded):
        return "plan"
    if sum(f in _TIDY_HEADERS for f in folded) >= 3:
        return "tidy"
    return None


def read_file(path: str | Path, *, unit: str | None = None, level: str | None = None,
              display_name: str | None = None, illustrative: bool | None = None) -> ReadResult:
    """Read one raw file into tidy rows, collecting every problem.

    Parameters
    ----------
    path : path-like
        A ``.tsv``/``.txt``/``.csv``, ``.xlsx`` or ``.docx`` file.
    unit, level : str, optional
        The unit and its level, for layouts that do not name them (the plan's table).
    display_name : str, optional
        How to name the file in messages and in ``source`` (default: the path as given).
    illustrative : bool, optional
        Mark the rows illustrative; by default a file is illustrative when its name says so.

    Returns
    -------
    ReadResult
        ``scores`` rows in the tidy contract, ``tasks`` rows from an appendix, and ``problems``.
    """
    path = Path(path)
    result = ReadResult()
    try:
        tables = read_tables(path, display_name)
    except InputError as exc:
        result.problems += exc.problems
        return result
    if illustrative is None:
        illustrative = "illustrative" in path.name.lower() or "minh_hoa" in fold(path.stem).replace(" ", "_")
    context = {"unit": nfc(unit) if unit else None, "level": level, "illustrative": illustrative}
    found_any = False
    for table in tables:
        for start, kind in _find_headers(table):
            found_any = True
            block = _block(table, start)
            if kind == "plan":
                result.extend(_read_plan(block, context))
            elif kind == "tidy":
                result.extend(_read_tidy(block, context))
            else:
                result.extend(_read_tasks(block, context))
    if not found_any:
        first = tables[0]
        result.problems.append(first.problem(
            first.rows[0][0], None, " | ".join(c for c in first.rows[0][1] if c)[:80],
            "is not a recognised table header (expected the plan's layout \"STT | Chỉ số thành phần | "
            "Năm 2023 | Mục tiêu năm 2024 | Đơn vị thực hiện\", or tidy columns such as unit, year, period, "
            "component, kind, value_pct)"))
    return result


def _find_headers(table: Table) -> Iterator[tuple[int, str]]:
    """Positions (into table.rows) of header rows, and the layout each starts."""
    for i, (_, cells) in enumerate(table.rows):
        kind = _header_kind(cells)
        if kind:
            yield i, kind


def _block(table: Table, start: int) -> Table:
    """The header at ``start`` and the rows after it, up to the next header row."""
    rows = [table.rows[start]]
    for number, cells in table.rows[start + 1:]:
        if _header_kind(cells):
            break
        rows.append((number, cells))
    return Table(table.file, rows, table.sheet)


def _cell(cells: list[str], i: int | None) -> str:
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _read_plan(table: Table, context: dict) -> ReadResult:
    result = ReadResult()
    header_row, header = table.rows[0]
    folded = [fold(c) for c in header]
    if not context["unit"] or not context["level"]:
        result.problems.append(table.problem(
            header_row, None, "", "is a plan table, which does not name its unit (expected unit and level "
            "from data/raw/manifest.yaml or the reader's unit= and level= arguments)"))
        return result
    number_col = next((i for i, f in enumerate(folded) if f in _NUMBER_HEADERS), None)
    name_col = next(i for i, f in enumerate(folded) if f in _NAME_HEADERS)
    lead_col = next((i for i, f in enumerate(folded) if any(k in f for k in _LEAD_HEADERS)), None)

    # Column groups: a year header spans the columns up to the next non-empty header cell
    # (a merged cell in Word or Excel reads as one filled cell and blanks, or as repeats).
    groups = []
    for i, f in enumerate(folded):
        m_actual, m_target = _ACTUAL_GROUP.match(f), _TARGET_GROUP.match(f)
        if not (m_actual or m_target):
            continue
        if groups and groups[-1]["label"] == header[i]:
            groups[-1]["cols"].append(i)  # a merged cell repeated by Word
            continue
        kind = "target" if m_target else "actual"
        year = int((m_target or m_actual).group(1))
        cols, j = [i], i + 1
        while j < len(header) and not header[j] and j != lead_col:
            cols.append(j)
            j += 1
        groups.append({"kind": kind, "year": year, "cols": cols, "label": header[i]})

    # The second header row names what each column of a group holds.
    data_start = 1
    sub = table.rows[1][1] if len(table.rows) > 1 else []
    sub_folded = [fold(c) for c in sub]
    has_sub = any(f in _VALUE_SUB | _RANK_SUB for f in sub_folded)
    for g in groups:
        g["value"], g["rank"] = None, None
        for c in g["cols"]:
            f = sub_folded[c] if has_sub and c < len(sub_folded) else ""
            if f in _RANK_SUB:
                g["rank"] = c
            elif f in _VALUE_SUB or (not has_sub and g["value"] is None):
                g["value"] = c
            elif not has_sub and g["rank"] is None:
                # The plan repeats its header without the "Chỉ số | Thứ hạng" row (its SIPAS and
                # total table): a year spanning two columns then holds the value, then the rank.
                g["rank"] = c
        if g["value"] is None:
            result.problems.append(table.problem(
                header_row, g["label"], g["label"],
                "has no value column under it (expected \"Chỉ số\" and \"Thứ hạng\" below the year)"))
    if has_sub:
        data_start = 2
    if result.problems:
        return result

    for number, cells in table.rows[data_start:]:
        if not any(cells):
            continue
        label = _cell(cells, name_col) or _cell(cells, number_col)
        first = _cell(cells, number_col)
        if _ROMAN.match(first) and not any(_cell(cells, g["value"]) for g in groups):
            continue  # a section heading such as "I  CHỈ SỐ PAR INDEX"
        code = match_component(label) if label else None
        if code is None:
            result.problems.append(table.problem(
                number, header[name_col], label,
                "is empty (expected a component name)" if not label else suggest(label)))
            continue
        lead = _cell(cells, lead_col) or None
        for g in groups:
            column = f"{g['label']} / {sub[g['value']]}" if has_sub else g["label"]
            row = _value_row(table, number, column, _cell(cells, g["value"]), g["kind"])
            if isinstance(row, Problem):
                result.problems.append(row)
                continue
            if g["rank"] is not None and _cell(cells, g["rank"]):
                rank_text = _cell(cells, g["rank"])
                try:
                    row["rank"], row["rank_of"] = parse_rank(rank_text)
                except ValueError as exc:
                    result.problems.append(table.problem(number, f"{g['label']} / {sub[g['rank']]}",
                                                         rank_text, str(exc)))
                    continue
            row.update(row_number=number, unit=context["unit"], level=context["level"], year=g["year"], period="FY",
                       component=code, kind=g["kind"], lead_units=lead, illustrative=context["illustrative"],
                       source=table.source(number))
            result.scores.append(row)
    return _check_fractions(table, result)


def _check_fractions(table: Table, result: ReadResult) -> ReadResult:
    """Flag a table whose every value lies in 0–1: percentages saved as fractions (0,7052 for 70,52%).

    Read as written they would be 0,7052%; nothing is multiplied behind the user's back.
    """
    rows = [r for r in result.scores if r.get("points") is None]
    if len(rows) >= 3 and all(r["value_pct"] <= 1.0 for r in rows):
        result.problems.append(table.problem(
            rows[0]["row_number"], None, rows[0]["value_pct"],
            "and every other value of this table lie between 0 and 1: they look like fractions (expected "
            "percentages such as 70,52%; multiply by 100, or format the Excel cells as percent)"))
    return result


def _value_row(table: Table, number: int, column: str, text: str, kind: str) -> dict | Problem:
    """Parse one value cell (percentage, bounded target or points) into tidy fields, or say why not."""
    try:
        if looks_like_points(text):
            pts = parse_points(text)
            return {"value_pct": pts.percent, "bound": "=", "points": pts.points,
                    "max_points": pts.max_points, "decimals": pts.decimals}
        pct = parse_percent(text, allow_bound=(kind == "target"))
        bound = pct.bound if kind == "actual" or pct.bound != "=" else ">="
        return {"value_pct": pct.value, "bound": bound, "decimals": pct.decimals}
    except ValueError as exc:
        return table.problem(number, column, text, str(exc))


# Tidy layout: header aliases (folded) for each contract column.
_TIDY_ALIASES = {
    "unit": ["unit", "don vi", "dia phuong", "ten don vi"],
    "level": ["level", "cap"],
    "year": ["year", "nam"],
    "period": ["period", "ky", "ky danh gia", "quy"],
    "component": ["component", "chi so thanh phan", "ma chi so", "code"],
    "kind": ["kind", "loai"],
    "value_pct": ["value pct", "value", "gia tri", "chi so pct", "ty le", "diem pct", "ket qua"],
    "bound": ["bound", "dieu kien"],
    "points": ["points", "diem"],
    "max_points": ["max points", "diem toi da"],
    "rank": ["rank", "thu hang", "xep hang"],
    "rank_of": ["rank of", "tong so don vi", "so don vi xep hang"],
    "lead_units": ["lead units", "lead unit", "lead office", "don vi chu tri", "co quan chu tri",
                   "don vi thuc hien theo doi"],
    "illustrative": ["illustrative", "minh hoa"],
    "note": ["note", "notes", "ghi chu"],
}
_TIDY_HEADERS = {alias: col for col, aliases in _TIDY_ALIASES.items() for alias in aliases}
_KIND_WORDS = {"actual": "actual", "thuc te": "actual", "ket qua": "actual", "thuc hien": "actual",
               "target": "target", "muc tieu": "target", "chi tieu": "target"}
_PERIOD_WORDS = {"fy": "FY", "ca nam": "FY", "nam": "FY", "year": "FY", "final": "FY",
                 **{f"q{i}": f"Q{i}" for i in range(1, 5)}, **{f"quy {i}": f"Q{i}" for i in range(1, 5)}}
_LEVEL_WORDS = {"province": "province", "tinh": "province", "department": "department", "so": "department",
                "so nganh": "department", "district": "district", "huyen": "district", "commune": "commune",
                "xa": "commune"}
_REQUIRED = ["unit", "year", "period", "component", "kind"]


def _read_tidy(table: Table, context: dict) -> ReadResult:
    result = ReadResult()
    header_row, header = table.rows[0]
    columns: dict[str, int] = {}
    for i, h in enumerate(header):
        col = _TIDY_HEADERS.get(fold(h))
        if col is None and h:
            result.problems.append(table.problem(header_row, h, h, "is not a known column (expected: "
                                                 + ", ".join(_TIDY_ALIASES) + ")"))
        elif col in columns:
            result.problems.append(table.problem(header_row, h, h, "repeats a column already given"))
        elif col:
            columns[col] = i
    missing = [c for c in _REQUIRED if c not in columns]
    if "level" not in columns and not context["level"]:
        missing.append("level")
    if "value_pct" not in columns and "points" not in columns:
        missing.append("value_pct")
    if missing:
        result.problems.append(table.problem(header_row, None, " | ".join(header),
                                             f"lacks the column(s) {', '.join(missing)}"))
    if result.problems:
        return result

    def get(cells: list[str], col: str) -> str:
        return _cell(cells, columns.get(col))

    for number, cells in table.rows[1:]:
        if not any(cells):
            continue
        problems_before = len(result.problems)

        def bad(col: str, value: str, expected: str, number: int = number) -> None:
            result.problems.append(table.problem(number, header[columns[col]] if col in columns else col,
                                                 value, expected))

        unit = get(cells, "unit")
        if not unit:
            bad("unit", unit, "is empty (expected the unit's name)")
        level_text = get(cells, "level") or context["level"] or ""
        level = _LEVEL_WORDS.get(fold(level_text))
        if level is None:
            bad("level", level_text, "is not a level (expected province, department, district or commune)")
        year_text = get(cells, "year")
        year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else None
        if year is None:
            bad("year", year_text, "is not a year (expected e.g. 2024)")
        period = _PERIOD_WORDS.get(fold(get(cells, "period")))
        if period is None:
            bad("period", get(cells, "period"), "is not a period (expected FY, Q1, Q2, Q3 or Q4)")
        kind = _KIND_WORDS.get(fold(get(cells, "kind")))
        if kind is None:
            bad("kind", get(cells, "kind"), "is not a kind (expected actual/thực tế or target/mục tiêu)")
        name = get(cells, "component")
        code = match_component(name) if name else None
        if code is None:
            bad("component", name, "is empty (expected a component name or code)" if not name else suggest(name))
        row: dict | Problem | None
        value_text, points_text = get(cells, "value_pct"), get(cells, "points")
        if points_text and get(cells, "max_points"):
            points_text = f"{points_text}/{get(cells, 'max_points')}"
        if value_text:
            row = _value_row(table, number, header[columns["value_pct"]], value_text, kind or "actual")
        elif points_text:
            row = _value_row(table, number, header[columns["points"]], points_text, kind or "actual")
        else:
            bad("value_pct" if "value_pct" in columns else "points", "",
                "is empty (expected a percentage such as 70,52%)")
            row = None
        if isinstance(row, Problem):
            result.problems.append(row)
            row = None
        bound_text = get(cells, "bound")
        if row is not None and bound_text:
            if bound_text not in schema.BOUNDS:
                bad("bound", bound_text, "is not a bound (expected =, > or >=)")
            elif kind == "actual" and bound_text != "=":
                bad("bound", bound_text, "is a bound on an actual result (expected =)")
            else:
                row["bound"] = bound_text
        if row is not None and get(cells, "rank"):
            try:
                row["rank"], row["rank_of"] = parse_rank(get(cells, "rank"))
                if get(cells, "rank_of"):
                    row["rank_of"] = int(get(cells, "rank_of"))
            except ValueError as exc:
                bad("rank", get(cells, "rank"), str(exc))
        if len(result.problems) > problems_before or row is None:
            continue
        illustrative = context["illustrative"] or fold(get(cells, "illustrative")) in {"true", "1", "yes", "co"}
        row.update(row_number=number, unit=unit, level=level, year=year, period=period, component=code, kind=kind,
                   lead_units=get(cells, "lead_units") or None, illustrative=illustrative,
                   source=table.source(number))
        result.scores.append(row)
    return _check_fractions(table, result)


def _read_tasks(table: Table, context: dict) -> ReadResult:
    """The plan's appendix: task, lead office, supporting offices, timing → task rows."""
    result = ReadResult()
    header_row, header = table.rows[0]
    folded = [fold(c) for c in header]

    def find(*keys: str) -> int | None:
        return next((i for i, f in enumerate(folded) if any(k in f for k in keys)), None)

    task_col, lead_col = find("nhiem vu", "task"), find("chu tri", "lead")
    support_col, timing_col = find("phoi hop", "support"), find("thoi gian", "timing", "deadline")
    number_col = next((i for i, f in enumerate(folded) if f in _NUMBER_HEADERS), None)
    for number, cells in table.rows[1:]:
        task = _cell(cells, task_col)
        if not task or (_ROMAN.match(_cell(cells, number_col)) and not _cell(cells, lead_col)):
            continue  # blank line or a section heading
        components = [c for c in find_components(task) if c != TOTAL]
        if not components:
            result.problems.append(table.problem(number, header[task_col], task[:80],
                                                 "names no component (expected a task that mentions one, "
                                                 "e.g. \"… Chỉ số thành phần cải cách thể chế\")"))
            continue
        lead = _cell(cells, lead_col)
        if not lead:
            result.problems.append(table.problem(number, header[lead_col], "",
                                                 "is empty (expected the lead office)"))
            continue
        for code in components:
            result.tasks.append({
                "unit": context["unit"], "component": code, "task": task, "lead_units": lead,
                "supporting_units": _cell(cells, support_col) or None,
                "timing": _cell(cells, timing_col) or None, "source": table.source(number),
            })
    return result


def to_frame(rows: Iterable[dict]) -> pd.DataFrame:
    """Tidy rows → a DataFrame with the contract's columns and dtypes (missing fields as nulls)."""
    frame = pd.DataFrame(list(rows))
    for col in schema.COLUMNS:
        if col not in frame.columns:
            frame[col] = None
    if frame.empty:
        return schema.empty_scores()
    frame["illustrative"] = frame["illustrative"].fillna(False)
    return schema.coerce_dtypes(frame)


def read_scores(path: str | Path, *, unit: str | None = None, level: str | None = None,
                display_name: str | None = None) -> pd.DataFrame:
    """Read one raw file into a validated tidy ``scores`` table.

    Raises
    ------
    InputError
        Listing every problem in the file (or in the table it gives).

    Examples
    --------
    >>> from parindex_lib.config import RAW_DIR
    >>> scores = read_scores(RAW_DIR / "tam_duong_2024_ke_hoach_chi_so.tsv", unit="Tam Đường", level="district")
    >>> scores.query("component == 'C6' and kind == 'actual'")[["value_pct", "rank"]].to_numpy().tolist()
    [[36.3, 7]]
    """
    result = read_file(path, unit=unit, level=level, display_name=display_name)
    if result.problems:
        raise InputError(result.problems)
    return schema.validate(to_frame(result.scores), display_name or str(path))
