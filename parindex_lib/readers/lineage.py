"""The lineage layout: "Đơn vị trước sắp xếp | Cấp trước sắp xếp | Đơn vị sau sắp xếp | Cấp sau sắp xếp |
Ngày hiệu lực | Căn cứ | Trọng số | Nguồn" (or the English names), one row per predecessor → successor.

Every row is a lineage row or a located error (a name missing, a level or date not understood, a negative
weight, a unit said to succeed itself at the same level); nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import re

from parindex_lib.errors import BadValue, Problem, because, cause_of
from parindex_lib.model.components import LEVEL_WORDS
from parindex_lib.readers.layout import LINEAGE_COLUMNS, LINEAGE_HEADERS, Block, Ledger, header_language, width
from parindex_lib.readers.table import Table
from parindex_lib.vn import fold, nfc, parse_number

_REQUIRED = ["predecessor", "successor", "effective", "decision"]


def _expected(lang: str) -> str:
    i = 1 if lang == "vi" else 2
    return ", ".join(spec[i] for spec in LINEAGE_COLUMNS.values())


def parse_date(text: str) -> str:
    """A date as offices write it (``01/07/2025``, ``1/7/2025``, ``2025-07-01``, an Excel date) → ISO.

    Examples
    --------
    >>> parse_date("1/7/2025"), parse_date("2025-07-01T00:00:00")
    ('2025-07-01', '2025-07-01')
    """
    s = text.strip()
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", s)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
        m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?)?", s)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        pass
    if not s:
        raise BadValue(because("tab_empty_date", "is empty (expected the date the reorganisation took effect, e.g. "
                               "01/07/2025)"))
    raise BadValue(because("tab_not_a_date", "is not a date (expected e.g. 01/07/2025)"))


def read_lineage(block: Block, context: dict, ledger: Ledger) -> tuple[list[dict], list[Problem]]:
    """A lineage block → lineage rows (the columns of :data:`parindex_lib.model.lineage.LINEAGE_COLUMNS`).

    The steps: map the header to fields; then each row read as a whole, or refused with its faults.
    """
    columns, problems = _map_header(block, context)
    segment_rows = [(seg.table, number, cells) for seg in block.segments for number, cells in seg.rows]
    if problems:
        ledger.errors |= {(t.sheet, n) for t, n, _ in segment_rows}
        return [], problems
    reader = _LineageRow(block.header[0][1], columns, context, block.header_width)
    rows_out: list[dict] = []
    for t, number, cells in segment_rows:
        row, bad = reader.read(t, number, cells)
        if bad:
            problems += bad
            ledger.errors.add((t.sheet, number))
        else:
            rows_out.append(row)
            ledger.read += 1
    return rows_out, problems


def _map_header(block: Block, context: dict) -> tuple[dict[str, int], list[Problem]]:
    """The column of each lineage field, and a problem for each unknown, repeated or missing column."""
    table = block.table
    header_row, header = block.header[0]
    lang = header_language(header)
    columns, problems = {}, []
    for i, h in enumerate(header[: width(header)]):
        col = LINEAGE_HEADERS.get(fold(h))
        if col is None and fold(h) in {"stt", "tt", "so tt", "no"}:
            continue  # a running number
        if col is None:
            problems.append(table.problem(header_row, h or because("tab_column_n", "column {n}", n=i + 1), h,
                                          because("tab_not_a_lineage_column", "is not a known column of a lineage "
                                                  "table (expected: {columns})", columns=_expected(lang))))
        elif col in columns:
            problems.append(table.problem(header_row, h, h, because("tab_repeated_column",
                                                                    "repeats a column already given")))
        else:
            columns[col] = i
    missing = [c for c in _REQUIRED if c not in columns]
    levels_given = ("predecessor_level" in columns and "successor_level" in columns) or context.get("level")
    if missing or not levels_given:
        names = [LINEAGE_COLUMNS[c][1 if lang == "vi" else 2] for c in missing]
        if not levels_given:
            names.append("Cấp trước sắp xếp, Cấp sau sắp xếp" if lang == "vi" else "predecessor_level, "
                                                                                   "successor_level")
        problems.append(table.problem(header_row, None, " | ".join(header), because(
            "tab_lineage_lacks_columns", "lacks the column(s) {missing} (expected: {columns})",
            missing=", ".join(names), columns=_expected(lang))))
    return columns, problems


_WHAT = {"predecessor": because("tab_what_predecessor", "the unit before the reorganisation"),
         "successor": because("tab_what_successor", "the unit it became"),
         "decision": because("tab_what_decision", "the decision that made it (e.g. Nghị quyết 202/2025/QH15)")}


class _LineageRow:
    """Reads one row of a lineage table: its fields, each fault located."""

    def __init__(self, header: list[str], columns: dict[str, int], context: dict, header_width: int):
        self.header, self.columns, self.context, self.width = header, columns, context, header_width

    def cell(self, cells: list[str], col: str) -> str:
        i = self.columns.get(col)
        return nfc(cells[i]).strip() if i is not None and i < len(cells) and cells[i] else ""

    def read(self, t: Table, number: int, cells: list[str]) -> tuple[dict, list[Problem]]:
        bad: list[Problem] = []
        w = self.width
        if len(cells) > w and any(cells[w:]):
            j = next(m for m in range(w, len(cells)) if cells[m])
            bad.append(t.problem(number, because("tab_column_n", "column {n}", n=j + 1), cells[j],
                                 because("tab_beyond_last_column", "lies beyond the header's last column {width}",
                                         width=w)))
        row = {c: self.cell(cells, c) or None for c in ("predecessor", "successor", "province", "decision", "note")}
        for col in ("predecessor", "successor", "decision"):
            if not row[col]:
                bad.append(t.problem(number, self.header[self.columns[col]], "",
                                     because("empty_expected", "is empty (expected {what})", what=_WHAT[col])))
        row["predecessor_level"] = self.level(cells, "predecessor_level", t, number, bad)
        row["successor_level"] = self.level(cells, "successor_level", t, number, bad)
        try:
            row["effective"] = parse_date(self.cell(cells, "effective"))
        except ValueError as exc:
            bad.append(t.problem(number, self.header[self.columns["effective"]], self.cell(cells, "effective"),
                                 cause_of(exc)))
        row["weight"] = self.weight(cells, t, number, bad)
        cited = self.cell(cells, "source")
        row["source"] = t.source(number) + (f"; {cited}" if cited else "")
        return row, bad

    def level(self, cells: list[str], col: str, t: Table, number: int, bad: list[Problem]) -> str | None:
        text = self.cell(cells, col) or (self.context.get("level") or "")
        level = LEVEL_WORDS.get(fold(text))
        if level is None:
            head = self.header[self.columns[col]] if col in self.columns else col
            bad.append(t.problem(number, head, text, because("tab_not_a_level", "is not a level (expected tỉnh, "
                                                             "huyện, xã, phường, sở …)")))
        return level

    def weight(self, cells: list[str], t: Table, number: int, bad: list[Problem]) -> float | None:
        text = self.cell(cells, "weight")
        if not text:
            return None
        try:
            value = parse_number(text)[0]
        except ValueError:
            value = None
        if value is None or value < 0:
            bad.append(t.problem(number, self.header[self.columns["weight"]], text,
                                 because("tab_not_a_weight", "is not a weight (expected a number ≥ 0, e.g. a "
                                         "population such as 125430)")))
            return None
        return value
