"""Layout detection: which rows are headers, which layout each header starts, and which rows it owns.

Three layouts: the plan's (a component column, year groups such as "Năm 2023" / "Mục tiêu năm 2024"
over "Chỉ số" / "Thứ hạng", a lead-office column), the tidy one of the data contract (one column per
field, Vietnamese or English headers; or one column per component), and the plan's appendix of tasks.

A header owns every row after it up to the next header, across blank rows. A sheet or table with no
header continues the previous one when it is no wider; otherwise it is refused by name. Rows before
the first header are titles when they hold at most two cells, and an error otherwise: no row is ever
dropped without being said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from parindex_lib.errors import Problem, Reason, because
from parindex_lib.model.components import match_component
from parindex_lib.readers.table import Table
from parindex_lib.readers.text import DELIMITER_NAMES
from parindex_lib.vn import fold

Row = tuple[int, list[str]]

NUMBER_HEADERS = {"stt", "tt", "so tt", "no", "#", "nr"}
NAME_HEADERS = {"chi so thanh phan", "chi so", "ten chi so", "noi dung", "linh vuc", "component",
                "components", "index", "area", "ten chi so thanh phan", "linh vuc danh gia"}
LEAD_HEADERS = ("don vi thuc hien", "don vi chu tri", "co quan chu tri", "lead", "owner", "theo doi", "responsible")
ACTUAL_GROUP = re.compile(r"^(?:(?:nam|ket qua(?: nam)?|ket qua danh gia nam|thuc hien nam|year|result|results|actual)"
                          r"\s*)?(\d{4})$")
TARGET_GROUP = re.compile(r"^(?:muc tieu|chi tieu|ke hoach|target|targets)(?: nam| year)?\s*(\d{4})$")
VALUE_SUB = {"chi so", "diem", "ty le", "gia tri", "ket qua", "value", "score", "index", "percent", "pct", "result",
             "chi so pct", "diem so"}
RANK_SUB = {"thu hang", "xep hang", "hang", "rank", "ranking"}
TASK_HEADERS = ("nhiem vu", "task")
_NUMERIC = re.compile(r"[\d\s.,%/<>=≥+\-\u2212]*\d[\d\s.,%/<>=≥+\-\u2212]*")

#: Tidy columns: folded header aliases, and the names an error lists (Vietnamese, English).
TIDY_COLUMNS: dict[str, tuple[list[str], str, str]] = {
    "unit": (["unit", "don vi", "dia phuong", "ten don vi", "tinh", "tinh thanh pho", "ten tinh", "ten dia phuong",
              "xa phuong", "ten xa", "co quan", "ten co quan", "vung", "ten vung", "vung kinh te", "xa",
              "ten xa phuong", "huyen", "ten huyen"], "Đơn vị", "unit"),
    "level": (["level", "cap", "cap hanh chinh"], "Cấp", "level"),
    "year": (["year", "nam", "nam danh gia"], "Năm", "year"),
    "period": (["period", "ky", "ky danh gia", "quy"], "Kỳ", "period"),
    "component": (["component", "chi so thanh phan", "ma chi so", "code", "chi so", "noi dung", "linh vuc",
                   "ten chi so"], "Chỉ số thành phần", "component"),
    "kind": (["kind", "loai"], "Loại", "kind"),
    "value_pct": (["value pct", "value", "gia tri", "ket qua", "ty le", "chi so pct", "diem pct", "percent"],
                  "Giá trị", "value_pct"),
    "bound": (["bound", "dieu kien"], "Điều kiện", "bound"),
    "points": (["points", "diem", "diem dat", "diem dat duoc", "diem so"], "Điểm", "points"),
    "max_points": (["max points", "diem toi da", "diem chuan", "thang diem"], "Điểm tối đa", "max_points"),
    "rank": (["rank", "thu hang", "xep hang", "hang"], "Xếp hạng", "rank"),
    "rank_of": (["rank of", "tong so don vi", "so don vi xep hang"], "Số đơn vị xếp hạng", "rank_of"),
    "lead_units": (["lead units", "lead unit", "lead office", "don vi chu tri", "co quan chu tri",
                    "don vi thuc hien theo doi"], "Đơn vị chủ trì", "lead_units"),
    "illustrative": (["illustrative", "minh hoa"], "Minh họa", "illustrative"),
    "note": (["note", "notes", "ghi chu"], "Ghi chú", "note"),
    "source_cited": (["source", "nguon", "nguon so lieu"], "Nguồn", "source"),
    "province": (["province", "thuoc tinh", "thuoc tinh thanh pho", "tinh thanh pho quan ly", "tinh quan ly",
                  "thuoc tinh thanh pho truc thuoc trung uong"], "Thuộc tỉnh, thành phố", "province"),
    "group": (["group", "peer group", "khoi", "khoi xep hang", "khoi danh gia"], "Khối", "group"),
}
TIDY_HEADERS = {alias: col for col, (aliases, _, _) in TIDY_COLUMNS.items() for alias in aliases}
#: Folded headers that say a header is written in English, or in Vietnamese.
_ENGLISH = {"unit", "level", "year", "period", "component", "kind", "value pct", "value", "bound", "points",
            "max points", "rank", "rank of", "lead units", "lead unit", "lead office", "illustrative", "note", "notes",
            "source", "code", "percent", "province", "group", "peer group"}
_VIETNAMESE = set(TIDY_HEADERS) - _ENGLISH

#: Lineage columns (which units became which in a reorganisation): folded aliases, and names for messages.
LINEAGE_COLUMNS: dict[str, tuple[list[str], str, str]] = {
    "predecessor": (["predecessor", "don vi truoc sap xep", "don vi cu", "truoc sap xep", "don vi truoc"],
                    "Đơn vị trước sắp xếp", "predecessor"),
    "predecessor_level": (["predecessor level", "cap truoc sap xep", "cap don vi cu", "cap truoc"],
                          "Cấp trước sắp xếp", "predecessor_level"),
    "successor": (["successor", "don vi sau sap xep", "don vi moi", "sau sap xep", "don vi sau"],
                  "Đơn vị sau sắp xếp", "successor"),
    "successor_level": (["successor level", "cap sau sap xep", "cap don vi moi", "cap sau"], "Cấp sau sắp xếp",
                        "successor_level"),
    "province": (["province", "thuoc tinh", "thuoc tinh thanh pho", "tinh thanh pho quan ly"],
                 "Thuộc tỉnh, thành phố", "province"),
    "effective": (["effective", "effective date", "date", "ngay hieu luc", "hieu luc tu ngay", "hieu luc"],
                  "Ngày hiệu lực", "effective"),
    "decision": (["decision", "can cu", "van ban", "nghi quyet", "quyet dinh", "can cu phap ly"], "Căn cứ",
                 "decision"),
    "weight": (["weight", "trong so", "dan so", "population", "quy mo dan so"], "Trọng số", "weight"),
    "source": (["source", "nguon"], "Nguồn", "source"),
    "note": (["note", "notes", "ghi chu"], "Ghi chú", "note"),
}
LINEAGE_HEADERS = {alias: col for col, (aliases, _, _) in LINEAGE_COLUMNS.items() for alias in aliases}


def expected_columns(lang: str) -> str:
    """The tidy columns' names in the language of the file's headers, for error messages."""
    i = 1 if lang == "vi" else 2
    return ", ".join(spec[i] for spec in TIDY_COLUMNS.values())


def header_language(cells: list[str]) -> str:
    """``vi`` when a header is written in Vietnamese (diacritics, or more Vietnamese words than English)."""
    words = [fold(c) for c in cells if c]
    if any(not c.isascii() for c in cells if c):
        return "vi"
    return "vi" if sum(w in _VIETNAMESE for w in words) > sum(w in _ENGLISH for w in words) else "en"


def columns_expected(cells: list[str]) -> str | Reason:
    """The tidy columns an error lists: in the language a header is written in, or, when nothing in it says, in
    the language of the message (a cause whose English lists the English names, its Vietnamese the Vietnamese)."""
    if any(not c.isascii() for c in cells if c) or any(fold(c) in TIDY_HEADERS for c in cells if c):
        return expected_columns(header_language(cells))
    return because("read_tidy_columns", "{en}", en=expected_columns("en"), vi=expected_columns("vi"))


@cache
def _is_header_word(cell: str) -> bool:
    f = fold(cell)
    return bool(f in TIDY_HEADERS or f in LINEAGE_HEADERS or f in NAME_HEADERS or f in NUMBER_HEADERS
                or f in RANK_SUB or f in VALUE_SUB
                or ACTUAL_GROUP.match(f) or TARGET_GROUP.match(f) or f.startswith(TASK_HEADERS)
                or any(k in f for k in LEAD_HEADERS))


def wide_components(cells: list[str]) -> dict[int, str]:
    """Columns headed by a component's name (a table with one column per component, or a total column)."""
    out = {}
    for i, c in enumerate(cells):
        f = fold(c)
        if c and f not in TIDY_HEADERS and f not in NAME_HEADERS:
            code = match_component(c)
            if code:
                out[i] = code
    return out


def header_kind(cells: list[str]) -> str | None:
    """``plan``, ``tidy``, ``tasks`` or ``lineage`` when ``cells`` is the header row of that layout, else ``None``."""
    if sum(1 for c in cells if c and _is_header_word(c)) < 2:
        return None  # cheap test first (cached per distinct cell): most rows are data
    folded = [fold(c) for c in cells]
    lineage = {LINEAGE_HEADERS[f] for f in folded if f in LINEAGE_HEADERS}
    if {"predecessor", "successor"} <= lineage:
        return "lineage"  # a reorganisation's table: predecessor → successor
    if any(f.startswith(TASK_HEADERS) for f in folded) and any("chu tri" in f or "lead" in f for f in folded):
        return "tasks"
    has_group = any(ACTUAL_GROUP.match(f) or TARGET_GROUP.match(f) for f in folded)
    if has_group and any(f in NAME_HEADERS for f in folded):
        return "plan"
    if any(_NUMERIC.fullmatch(c) for c in cells if c):
        return None  # a header names columns; a row holding a number or a percentage is data
    tidy = {TIDY_HEADERS[f] for f in folded if f in TIDY_HEADERS}
    if "component" in tidy and len(tidy) >= 3 and tidy & {"unit", "year", "level", "period", "kind"}:
        return "tidy"
    if len(tidy) >= 2 and tidy & {"unit", "year"} and wide_components(cells):
        return "tidy"  # one column per component (or a total column): "Tỉnh | Năm | Chỉ số CCHC | Xếp hạng"
    return None


def width(cells: list[str]) -> int:
    """Columns up to the last filled cell."""
    n = len(cells)
    while n and not cells[n - 1]:
        n -= 1
    return n


@dataclass
class Segment:
    """Rows of one block that lie in one table (a block continues across sheets)."""

    table: Table
    rows: list[Row]


@dataclass
class Block:
    """A header (one or two rows) and the rows it owns."""

    kind: str
    table: Table
    header: list[Row]
    segments: list[Segment] = field(default_factory=list)

    @property
    def header_width(self) -> int:
        return max(width(cells) for _, cells in self.header)


@dataclass
class Ledger:
    """What happened to every non-blank row of one file (header, read, error or skipped, with why), and to
    every column group of its headers."""

    file: str
    rows: int = 0
    headers: int = 0
    read: int = 0
    errors: set = field(default_factory=set)
    skipped: list[tuple[str | None, int, str]] = field(default_factory=list)
    blank: list[tuple[str | None, int]] = field(default_factory=list)
    notes: list[Reason | str] = field(default_factory=list)
    groups_found: int = 0
    groups: list[tuple[str | None, str, str]] = field(default_factory=list)

    @property
    def accounted(self) -> int:
        return self.headers + self.read + len(self.errors) + len(self.skipped)

    @property
    def groups_accounted(self) -> bool:
        """Every column group a header gave (a year group of a plan, a value column of a tidy table) is
        recorded as read, read as one with another, or refused: ``groups`` lists (sheet, column, outcome)."""
        return len(self.groups) == self.groups_found

    @property
    def holds_no_rows(self) -> bool:
        """A header was found, and not one row under it (read or refused)."""
        return self.headers > 0 and self.read == 0 and not self.errors


def _plan_subheader(table: Table, i: int) -> bool:
    """Whether the row after a plan header names what each year column holds ("Chỉ số | Thứ hạng")."""
    if i + 1 >= len(table.rows):
        return False
    folded = [fold(c) for c in table.rows[i + 1][1]]
    return any(f in VALUE_SUB | RANK_SUB for f in folded) and not any(match_component(c) for c in
                                                                         table.rows[i + 1][1][:3] if c
                                                                         and fold(c) not in VALUE_SUB)


def find_blocks(tables: list[Table], ledger: Ledger) -> tuple[list[Block], list[Problem]]:
    """Split tables into header blocks, continuing a block across header-less sheets of its width."""
    blocks: list[Block] = []
    problems: list[Problem] = []
    current: Block | None = None
    for table in tables:
        ledger.rows += len(table.rows)
        ledger.blank += [(table.sheet, r) for r in table.blank]
        starts = []
        i = 0
        while i < len(table.rows):
            kind = header_kind(table.rows[i][1])
            if kind:
                n = 2 if kind == "plan" and _plan_subheader(table, i) else 1
                starts.append((i, n, kind))
                i += n
            else:
                i += 1
        if not starts:
            if current is not None and max(width(c) for _, c in table.rows) <= current.header_width:
                current.segments.append(Segment(table, list(table.rows)))
                ledger.notes.append(Reason("std_continuation", {
                    "file": table.file, "sheet": table.sheet, "previous": current.table.sheet,
                    "columns": current.header_width}, f'{_where(table)} has no header: read as a continuation of '
                    f'{_where(current.table)} ({current.header_width} columns)'))
            elif table.rows:
                problems.append(_not_a_header(table, current))
                ledger.errors |= {(table.sheet, r) for r, _ in table.rows}
            continue
        for number, cells in table.rows[: starts[0][0]]:
            if sum(1 for c in cells if c) <= 2:
                ledger.skipped.append((table.sheet, number, "title above the table"))
            else:
                problems.append(table.problem(number, None, " | ".join(c for c in cells if c)[:80], because(
                    "read_before_header", "comes before the table's header (expected a title of at most two cells, "
                    "or the header row first)")))
                ledger.errors.add((table.sheet, number))
        for k, (i, n, kind) in enumerate(starts):
            end = starts[k + 1][0] if k + 1 < len(starts) else len(table.rows)
            current = Block(kind, table, table.rows[i: i + n], [Segment(table, table.rows[i + n: end])])
            ledger.headers += n
            blocks.append(current)
    return blocks, problems


def _not_a_header(table: Table, current: Block | None) -> Problem:
    """A sheet or table that starts with no header and cannot continue the previous one."""
    cont = because("read_or_continuation", " or a continuation of {previous} with at most {columns} columns",
                   previous=_where(current.table), columns=current.header_width) if current is not None else ""
    cells = table.rows[0][1]
    return table.problem(table.rows[0][0], None, " | ".join(c for c in cells if c)[:80], because(
        "read_not_a_header", "is not a recognised table header (expected the plan's layout \"STT | Chỉ số thành phần "
        "| Năm 2023 | Mục tiêu năm 2024 | Đơn vị thực hiện\", tidy columns such as {columns}{continuation}"
        "{delimiter})", columns=columns_expected(cells), continuation=cont,
        delimiter=_delimiter_note(table)))


def _where(table: Table) -> str | Reason:
    return because("where_sheet", 'sheet "{sheet}"', sheet=table.sheet) if table.sheet else \
        because("read_the_table_above", "the table above")


def where(table: Table) -> str:
    """A table as messages name it: its file, and its sheet when it has one."""
    return f'{table.file}, sheet "{table.sheet}"' if table.sheet else table.file


def _delimiter_note(table: Table) -> str | Reason:
    if table.delimiter is None:
        return ""
    return because("read_as_separated", "; read as {separator}-separated",
                   separator=DELIMITER_NAMES[table.delimiter])


def column_number(number: int) -> Reason:
    """A column without a header, by its number (``column 7``)."""
    return because("read_column_number", "column {number}", number=number)


def beyond_header(header_width: int) -> Reason:
    """The cause of a value in a row beyond its header's last column."""
    return because("read_beyond_header", "lies beyond the header's last column {last} (expected no value there: add "
                   "a header for it, or move it into its column)", last=header_width)


def cell(cells: list[str], i: int | None) -> str:
    """The cell at ``i`` (empty when the row is shorter)."""
    return cells[i] if i is not None and i < len(cells) else ""


def extra_cells(table: Table, number: int, cells: list[str], header_width: int) -> Problem | None:
    """A located problem when a row has values beyond the header's last column (never ignored)."""
    if len(cells) > header_width and any(cells[header_width:]):
        j = next(k for k in range(header_width, len(cells)) if cells[k])
        return table.problem(number, column_number(j + 1), cells[j], beyond_header(header_width))
    return None


# -- the tidy header mapped to fields ---------------------------------------------------------------------

#: Fields a long tidy table must have (a table with a column per component needs no component column).
_REQUIRED_LONG = ["unit", "year", "component"]


@dataclass(frozen=True)
class Columns:
    """What the header says: the column of each field, and the columns that each hold one component."""

    header: list[str]
    index: dict[str, int]
    wide: dict[int, str]
    lang: str

    def head(self, field: str) -> str:
        """The header of a field's column as written (the field's name when the table lacks it)."""
        return self.header[self.index[field]] if field in self.index else field


def map_header(block: Block, context: dict) -> tuple[Columns, list[Problem]]:
    """The fields of a tidy header, and a problem for each unknown, repeated or missing column."""
    table = block.table
    header_row, header = block.header[0]
    lang = header_language(header)
    long = "component" in {TIDY_HEADERS.get(fold(h)) for h in header}
    wide = {} if long else wide_components(header)
    index: dict[str, int] = {}
    problems: list[Problem] = []
    for i, h in enumerate(header[: width(header)]):
        col = TIDY_HEADERS.get(fold(h))
        if i in wide:
            continue
        if col is None:
            problems.append(table.problem(header_row, h or column_number(i + 1), h, because(
                "read_unknown_column", "is not a known column (expected: {columns})", columns=expected_columns(lang))))
        elif col in index:
            problems.append(table.problem(header_row, h, h, because("read_repeated_column",
                                                                    "repeats a column already given")))
        else:
            index[col] = i
    missing = _missing_fields(index, wide, context)
    if missing:
        names = {"vi": {c: spec[1] for c, spec in TIDY_COLUMNS.items()}, "en": {c: c for c in TIDY_COLUMNS}}[lang]
        problems.append(table.problem(header_row, None, " | ".join(header), because(
            "read_lacks_columns", "lacks the column(s) {missing} (expected: {columns})",
            missing=", ".join(names.get(m, m) for m in missing), columns=expected_columns(lang))))
    return Columns(header, index, wide, lang), problems


def _missing_fields(index: dict[str, int], wide: dict[int, str], context: dict) -> list[str]:
    missing = [c for c in (_REQUIRED_LONG if not wide else ["unit", "year"]) if c not in index]
    if "unit" in missing and context["unit"]:
        missing.remove("unit")
    if "level" not in index and not context["level"]:
        missing.append("level")
    if not wide and "value_pct" not in index and "points" not in index:
        missing.append("value_pct")
    return missing
