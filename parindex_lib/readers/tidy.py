"""The tidy layout: one column per field (``unit, level, year, period, component, kind, value_pct`` and
the optional ones), Vietnamese or English headers; or one column per component ("Tỉnh | Năm | Chỉ số
CCHC | Xếp hạng", "Đơn vị | Năm | C1 | … | SIPAS").

Reading is a short sequence of named steps (:func:`read_tidy`): map the header to fields, parse the
fields every value shares (unit, level, year, period, kind, ranks…), parse each value column, check
each row, and assemble the frame. Parsing is vectorised: each column is parsed once per distinct value
and mapped back to its rows, so a million rows read in seconds. Every failing cell becomes a located
problem; a row is either read or an error.

The reader only reads: a value is kept as written (a percentage, a number, points with or without their
maximum) and the standardise step reads it by the methodology of its year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from parindex_lib.errors import BadValue, Problem, Reason, because
from parindex_lib.model import schema
from parindex_lib.model.components import component_of, match_bound, match_kind, match_level, match_period
from parindex_lib.readers.layout import (
    TIDY_HEADERS,
    Block,
    Columns,
    Ledger,
    beyond_header,
    column_number,
    map_header,
    where,
)
from parindex_lib.readers.tidy_frame import assemble
from parindex_lib.readers.tidy_points import BARE, long_values, shown, value_beside_points
from parindex_lib.readers.values import FractionCheck, Parsed, parse_bare_points, parse_value
from parindex_lib.vn import PERCENT_EMPTY, fold, parse_rank

_YES = {"true", "1", "yes", "co", "x"}
LEVEL_EXPECTED = because("read_not_a_level", "is not a level (expected province/tỉnh, department/sở, district/huyện, "
                         "commune/xã, national or region)")
PERIOD_EXPECTED = because("read_not_a_period", "is not a period (expected FY/Cả năm, Q1…Q4 or Quý 1…Quý 4)")
KIND_EXPECTED = because("read_not_a_kind", "is not a kind (expected actual/thực tế or target/mục tiêu)")
BOUND_EXPECTED = because("read_not_a_bound", "is not a bound (expected =, > or >=, or bằng/trên/trở lên)")
BOUND_ON_ACTUAL = because("read_bound_on_actual", "is a bound on an actual result (expected =)")
UNIT_EMPTY = because("read_unit_empty", "is empty (expected the unit's name)")
NO_VALUE = because("read_no_component_value", "has no value in any component column (expected at least one value)")


# -- parsers of one cell ------------------------------------------------------------------------------------

def _year(text: str) -> int:
    m = re.fullmatch(r"(?:nam\s*)?(\d{4})", fold(text))
    if not m:
        raise BadValue(because("read_not_a_year", "is not a year (expected e.g. 2024)") if text else
                       because("read_year_empty", "is empty (expected a year, e.g. 2024)"))
    return int(m.group(1))


def _word(match, expected: Reason):
    def parse(text: str) -> str:
        found = match(text)
        if found is None:
            raise BadValue(expected)
        return found
    return parse


def _component(text: str) -> str:
    if not text:
        raise BadValue(because("read_component_empty", "is empty (expected a component name or code)"))
    return component_of(text)


def _rank(text: str) -> tuple[int, int | None] | None:
    return parse_rank(text) if text else None


def _rank_of(text: str) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d+", text):
        raise BadValue(because("read_rank_of_not_whole",
                               "is not a whole number (expected how many units were ranked, e.g. 63)"))
    return int(text)


def _value(text: str, kind: str) -> dict:
    if text.startswith(BARE):
        return parse_bare_points(text[1:])
    if not text:
        raise BadValue(PERCENT_EMPTY)
    return parse_value(text, kind)


# -- the rows ----------------------------------------------------------------------------------------------

class Sheet:
    """Locations of the block's rows: which table (sheet) and which row number each came from."""

    def __init__(self, block: Block):
        self.rows = [r for s in block.segments for r in s.rows]
        self.tables = [s.table for s in block.segments]
        self.table_of = np.repeat(np.arange(len(block.segments)), [len(s.rows) for s in block.segments])
        self.numbers = np.fromiter((n for n, _ in self.rows), dtype=np.int64, count=len(self.rows))

    def key(self, k: int) -> tuple[str | None, int]:
        """(sheet, row number) of the block's ``k``-th row, as the ledger counts rows."""
        return self.tables[self.table_of[k]].sheet, int(self.numbers[k])

    def keys(self, ks) -> set[tuple[str | None, int]]:
        return {self.key(int(k)) for k in ks}

    def problem(self, k: int, column: str | Reason, value: object, expected: Reason | str) -> Problem:
        return self.tables[self.table_of[k]].problem(int(self.numbers[k]), column, value, expected)

    def column(self, i: int | None) -> pd.Series:
        """Column ``i`` of every row as text (empty where a row is shorter, or the table lacks it)."""
        if i is None:
            return pd.Series([""] * len(self.rows), dtype=object)
        return pd.Series([c[i] if i < len(c) else "" for _, c in self.rows], dtype=object)


@dataclass
class Values:
    """One value column read: its component per row, the parsed values and ranks, which rows hold one."""

    component: np.ndarray
    parsed: Parsed
    ranks: Parsed
    present: np.ndarray
    head: str
    text: pd.Series
    rank_head: str
    code: str | None = None  # the component of a component's column (None in the long layout)
    same_as: Values | None = None
    differs: int = 0

    def fields(self, mask: np.ndarray) -> np.ndarray:
        """What a value says, per row of ``mask``: percentage, bound, points, maximum, rank (for comparing)."""
        parsed, ranks = self.parsed, self.ranks
        cols = [parsed.field(lambda r, k=k: np.nan if r is None else r.get(k, np.nan), mask)
                for k in ("value_pct", "points", "max_points")]
        cols.append(ranks.field(lambda r: np.nan if r is None else r[0], mask))
        cols.append(parsed.field(lambda r: 0.0 if r is None else float(schema.BOUNDS.index(r["bound"])), mask))
        return np.column_stack(cols)


class _Rows:
    """The rows of one tidy block as they are parsed: the problems found, and which rows failed."""

    def __init__(self, sheet: Sheet, columns: Columns, context: dict):
        self.sheet, self.columns, self.context = sheet, columns, context
        self.n = len(sheet.rows)
        self.bad = np.zeros(self.n, dtype=bool)
        self.problems: list[Problem] = []

    def fail(self, errors: np.ndarray, column: str, values: pd.Series) -> None:
        """Record each row's error (None where the row is fine) in ``column``."""
        mask = ~pd.isna(errors)
        for k in np.flatnonzero(mask):
            self.problems.append(self.sheet.problem(int(k), column, values.iloc[k], errors[k]))
        self.bad |= mask

    def text(self, field: str) -> pd.Series:
        return self.sheet.column(self.columns.index.get(field))

    def parsed(self, field: str, parse, default: object = None) -> np.ndarray:
        """A field parsed per distinct value, its faults located; ``default`` where the table lacks it."""
        if field not in self.columns.index:
            return np.full(self.n, default, dtype=object)
        values = self.text(field)
        parsed = Parsed.of(values, parse)
        self.fail(parsed.errors(), self.columns.head(field), values)
        return parsed.rows()

    def optional(self, field: str) -> np.ndarray:
        """A free-text field: None where empty or where the table lacks it."""
        if field not in self.columns.index:
            return np.full(self.n, None, dtype=object)
        values = self.text(field)
        return values.where(values != "", None).to_numpy(dtype=object)

    def check_extra_cells(self, header_width: int) -> None:
        """Cells beyond the header's last column are an error, never ignored."""
        for k, (_, cells) in enumerate(self.sheet.rows):
            if len(cells) > header_width and any(cells[header_width:]):
                j = next(m for m in range(header_width, len(cells)) if cells[m])
                self.problems.append(self.sheet.problem(k, column_number(j + 1), cells[j], beyond_header(header_width)))
                self.bad[k] = True

    def fields(self) -> dict:
        """The fields every value of a row shares: unit, level, year, period, kind, rank, notes, source."""
        n, context = self.n, self.context
        if "unit" in self.columns.index:
            unit = self.text("unit")
            empty = np.where(unit == "", UNIT_EMPTY, None)
            self.fail(empty, self.columns.head("unit"), unit)
        else:
            unit = pd.Series([context["unit"]] * n, dtype=object)
        level_text = self.text("level") if "level" in self.columns.index else pd.Series([""] * n, dtype=object)
        level_text = level_text.where(level_text != "", context["level"] or "")
        level = Parsed.of(level_text, _word(match_level, LEVEL_EXPECTED))
        self.fail(level.errors(), self.columns.head("level"), level_text)
        year = self.parsed("year", _year)
        period = self.parsed("period", _word(match_period, PERIOD_EXPECTED), "FY")
        kind = pd.Series(self.parsed("kind", _word(match_kind, KIND_EXPECTED), "actual"), dtype=object)
        kind = kind.fillna("actual")
        illustrative = (self.text("illustrative").map(lambda v: fold(v) in _YES).to_numpy()
                        if "illustrative" in self.columns.index else np.zeros(n, dtype=bool))
        return {
            "unit": unit.to_numpy(dtype=object), "level": level.rows(), "year": year, "period": period,
            "kind": kind, "bound": self._bounds(kind), "rank": self._ranks(), "rank_of": self._ranks_of(),
            "lead_units": self.optional("lead_units"), "note": self.optional("note"),
            # Where each unit belongs: its column, else the file's province from the manifest; never guessed.
            "province": (self.optional("province") if "province" in self.columns.index
                         else np.full(n, context.get("province"), dtype=object)),
            "group": self.optional("group"),
            "illustrative": illustrative | bool(context["illustrative"]), "cited": self.optional("source_cited"),
        }

    def _bounds(self, kind: pd.Series) -> pd.Series:
        """The bound column (a symbol, or a word as the workbook writes it: bằng, trên, trở lên), empty where the
        table lacks it; its faults located."""
        text = self.text("bound").map(lambda b: match_bound(b) or b)
        if "bound" in self.columns.index:
            head = self.columns.head("bound")
            wrong = ~text.isin(["", *schema.BOUNDS]).to_numpy()
            self.fail(np.where(wrong, BOUND_EXPECTED, None), head, text)
            on_actual = (text.isin([">", ">="]) & (kind == "actual")).to_numpy()
            self.fail(np.where(on_actual, BOUND_ON_ACTUAL, None), head, text)
        return text

    def _ranks(self) -> Parsed:
        text = self.text("rank")
        parsed = Parsed.of(text, _rank)
        if "rank" in self.columns.index:
            self.fail(parsed.errors(), self.columns.head("rank"), text)
        return parsed

    def _ranks_of(self) -> np.ndarray:
        return self.parsed("rank_of", _rank_of)

    def values(self, target: tuple, fields: dict) -> Values:
        """One value column (a component's column, or the long layout's value column) parsed with its ranks."""
        code, value_col, rank_col = target
        if code is None:
            component = self.parsed("component", _component)
            text, head = long_values(self.columns, self.text)
            present = np.ones(self.n, dtype=bool)
        else:
            component = np.full(self.n, code, dtype=object)
            text, head = self.sheet.column(value_col), self.columns.header[value_col]
            present = (text != "").to_numpy()
        parsed = Parsed.of_pairs(text, fields["kind"], _value)
        self.fail(np.where(present, parsed.errors(), None), head, text.map(shown))
        ranks, rank_head = fields["rank"], self.columns.head("rank")
        if code is not None and rank_col is not None:
            r_text, rank_head = self.sheet.column(rank_col), self.columns.header[rank_col]
            ranks = Parsed.of(r_text, _rank)
            self.fail(np.where(present, ranks.errors(), None), rank_head, r_text)
        return Values(component, parsed, ranks, present, head, text, rank_head, code)

    def require_a_value(self, values: list[Values]) -> None:
        """A row of a table with one column per component must give at least one value."""
        produced = np.logical_or.reduce([v.present for v in values]) if values else np.zeros(self.n, dtype=bool)
        empty = ~produced & ~self.bad
        heads = ", ".join(self.columns.header[i] for i in self.columns.wide)
        self.fail(np.where(empty, NO_VALUE, None), heads, pd.Series([""] * self.n, dtype=object))

    def one_column_per_component(self, values: list[Values]) -> None:
        """Two columns of one component are read as one where both agree, and refused where they differ;
        a row gives its value from the second only where the first is empty."""
        for k, v in enumerate(values):
            first = next((w for w in values[:k] if w.code == v.code and w.same_as is None), None)
            if first is None or v.code is None:
                continue
            v.same_as = first
            both = first.present & v.present & ~self.bad
            a, b = first.fields(both), v.fields(both)
            differ = np.zeros(self.n, dtype=bool)
            differ[both] = ~np.all((a == b) | (np.isnan(a) & np.isnan(b)), axis=1)
            v.differs = int(differ.sum())
            for r in np.flatnonzero(differ):
                self.problems.append(self.sheet.problem(int(r), v.head, v.text.iloc[r], because(
                    "read_columns_differ", 'differs from "{other}" in column "{column}", which names the same '
                    "component, {code} (expected one column per component, or the same value in both)",
                    other=first.text.iloc[r], column=first.head, code=v.code, components=[v.code])))
            self.bad |= differ
            v.present = v.present & ~first.present

    def check_ranks(self, values: list[Values], fields: dict) -> None:
        """A rank above the number of units ranked is one fault of the row, naming both columns."""
        if "rank_of" not in self.columns.index:
            return
        of = pd.to_numeric(pd.Series(fields["rank_of"]), errors="coerce").to_numpy(dtype=float)
        for v in values:
            rank = v.ranks.field(lambda r: np.nan if r is None else r[0], np.ones(self.n, dtype=bool))
            over = (rank > of) & v.present & ~self.bad
            for k in np.flatnonzero(over):
                self.problems.append(self.sheet.problem(int(k), v.rank_head, f"{int(rank[k])}", because(
                    "read_rank_above_ranked", 'is above the number of units ranked, {ranked}, in column "{column}" '
                    "(expected a rank from 1 to {ranked})", ranked=int(of[k]), column=self.columns.head("rank_of"))))
            self.bad |= over


def _value_targets(columns: Columns) -> list[tuple]:
    """(component, value column, rank column) per component column; one (None, None, None) for the long layout."""
    if not columns.wide:
        return [(None, None, None)]
    return [(code, i, _rank_after(columns, i)) for i, code in columns.wide.items()]


def _rank_after(columns: Columns, i: int) -> int | None:
    """The rank column of a component column: the one right after it, or the only one with one component."""
    header = columns.header
    if i + 1 < len(header) and TIDY_HEADERS.get(fold(header[i + 1])) == "rank":
        return i + 1
    if len(columns.wide) == 1 and "rank" in columns.index:
        return columns.index["rank"]
    return None


# -- the steps ---------------------------------------------------------------------------------------------

def read_tidy(block: Block, context: dict, ledger: Ledger,
              fractions: FractionCheck) -> tuple[pd.DataFrame, list[Problem]]:
    """A tidy block → a tidy frame (the contract's columns, plus where and how each value was written)
    and located problems.

    The steps: map the header to fields; parse what each row's values share; parse each value column;
    check each row as a whole; account for every row in the ledger; assemble the frame.
    """
    columns, problems = map_header(block, context)
    sheet = Sheet(block)
    if problems:
        ledger.errors |= sheet.keys(range(len(sheet.rows)))
        return schema.empty_scores(), problems
    _note_defaults(block, columns, sheet, ledger)
    rows = _Rows(sheet, columns, context)
    rows.check_extra_cells(block.header_width)
    fields = rows.fields()
    value_beside_points(rows, fields)
    values = [rows.values(target, fields) for target in _value_targets(columns)]
    if columns.wide:
        rows.require_a_value(values)
        rows.one_column_per_component(values)
    rows.check_ranks(values, fields)
    ledger.read += int((~rows.bad).sum())
    ledger.errors |= sheet.keys(np.flatnonzero(rows.bad))
    _account_groups(block, values, ledger)
    return assemble(sheet, ~rows.bad, "rank_of" in columns.index, fields, values, fractions), rows.problems


def _account_groups(block: Block, values: list[Values], ledger: Ledger) -> None:
    """What became of each value column: read, read as one with another column of its component, or refused
    where it differs from it."""
    sheet = block.table.sheet
    ledger.groups_found += len(values)
    for v in values:
        if v.same_as is None:
            ledger.groups.append((sheet, v.head, "read"))
        elif v.differs:
            ledger.groups.append((sheet, v.head, f"refused where it differs from {v.same_as.head}"))
        else:
            ledger.groups.append((sheet, v.head, f"read as one with {v.same_as.head}"))
            ledger.notes.append(Reason("std_columns_as_one", {
                "file": block.table.file, "sheet": block.table.sheet, "first": v.same_as.head, "second": v.head,
                "code": v.code}, f'{where(block.table)}: columns "{v.same_as.head}" and "{v.head}" both name '
                f"{v.code}; every value agrees, so they are read as one"))


def _note_defaults(block: Block, columns: Columns, sheet: Sheet, ledger: Ledger) -> None:
    """Say what a table without a period or kind column is taken to hold."""
    for name, note in (("period", "no period column: every row is a full-year (FY) result"),
                       ("kind", "no kind column: every row is an actual result")):
        if name not in columns.index and sheet.rows:
            ledger.notes.append(Reason(f"std_no_{name}", {"file": block.table.file, "sheet": block.table.sheet},
                                       f"{where(block.table)}: {note}"))


__all__ = ["read_tidy"]
