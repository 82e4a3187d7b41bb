"""Self-assessment sheets of criteria, read as offices circulate them.

A sheet has one row per criterion: ``STT/Mã | Tiêu chí, tiêu chí thành phần | Điểm tối đa | Điểm tự đánh giá |
Điểm thẩm định | Tài liệu kiểm chứng | Đơn vị chủ trì`` (and a measured value for band rules, e.g. ``Tỷ lệ (%)`` or
``Kết quả thực hiện``), in any order, Vietnamese or English, with a two-row header ("Điểm" over "Tự đánh giá |
Thẩm định") and a row of column numbers under it. Codes are written ``1.1.1``, ``1.1.1.``, with Roman numerals for
areas (numbering inside each area or throughout), or not at all: the hierarchy of merged cells ``Lĩnh vực |
Tiêu chí | Tiêu chí thành phần`` names each criterion, and blank (merged) cells repeat the one above.

One unit per sheet — its name, year and period from the manifest (per file, or per sheet under ``sheets:``), a
title row ("Đơn vị: UBND xã Nà Tăm", "… NĂM 2024", "Quý III"), or a sheet named "Xã …" — or many units in long
form with ``Đơn vị | Năm | Kỳ`` columns. The scheme (and so the criteria tree) is the manifest's ``scheme:``, else
the default scheme of the unit's level and year that carries criteria.

Every row is accounted for: a criterion read, an error (located by file, sheet, row, criterion, column and
value), or skipped with its reason (a title, the column numbers, a heading without points).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from parindex_lib.errors import Problem, SchemeError
from parindex_lib.model.components import LEVEL_WORDS, PERIOD_WORDS, TOTAL
from parindex_lib.model.criteria import (
    EPS,
    CriteriaTree,
    CriterionProblem,
    normalise_code,
    roman_to_int,
    tree_of,
)
from parindex_lib.model.schemes import default_scheme, load_scheme
from parindex_lib.readers.layout import Ledger
from parindex_lib.readers.table import Table
from parindex_lib.vn import fold, nfc, parse_number

_ALIASES: dict[str, list[str]] = {
    "code": ["stt", "tt", "so tt", "ma", "ma so", "stt ma", "ma stt", "code", "ma tieu chi", "so thu tu", "stt ma so"],
    "name": ["tieu chi tieu chi thanh phan", "ten tieu chi", "noi dung", "noi dung tieu chi", "linh vuc tieu chi",
             "linh vuc tieu chi tieu chi thanh phan", "noi dung danh gia", "noi dung cham diem", "criterion",
             "criteria", "name", "tieu chi danh gia", "linh vuc tieu chi va tieu chi thanh phan",
             "ten linh vuc tieu chi", "linh vuc tieu chi tieu chi thanh phan danh gia"],
    "max": ["diem toi da", "diem chuan", "thang diem", "max points", "maximum", "diem toi da duoc cham",
            "diem tieu chuan", "diem so toi da"],
    "self": ["diem tu danh gia", "tu danh gia", "diem tu cham", "tu cham", "diem tu cham diem", "diem don vi tu cham",
             "diem don vi tu danh gia", "self", "self assessed", "self assessment", "diem tu danh gia cua don vi",
             "diem dat", "diem dat duoc", "diem so", "diem", "points", "diem tu danh gia tu cham"],
    "appraised": ["diem tham dinh", "tham dinh", "diem tham dinh cua hoi dong", "diem hoi dong tham dinh",
                  "diem sau tham dinh", "appraised", "appraisal", "diem danh gia cua hoi dong",
                  "diem tham dinh cua so noi vu", "ket qua tham dinh"],
    "measured": ["ty le", "ty le phan tram", "ket qua thuc hien", "ket qua", "gia tri", "gia tri do", "so lieu",
                 "so lieu ket qua", "measured", "ty le dat", "muc do dat", "ket qua dat duoc", "ty le thuc hien",
                 "ket qua do luong", "measured value"],
    "evidence": ["tai lieu kiem chung", "tai lieu", "minh chung", "tai lieu minh chung", "evidence",
                 "ho so kiem chung", "tai lieu kiem chung minh chung"],
    "lead": ["don vi chu tri", "co quan chu tri", "lead", "lead units", "lead office", "don vi thuc hien",
             "bo phan chu tri", "don vi phu trach", "co quan don vi chu tri"],
    "note": ["ghi chu", "giai trinh", "note", "notes", "ly do", "ly do tru diem", "giai trinh ly do"],
    "unit": ["don vi", "ten don vi", "xa", "ten xa", "xa phuong", "ten xa phuong", "co quan", "ten co quan", "unit",
             "dia phuong", "phuong", "don vi danh gia"],
    "year": ["nam", "year", "nam danh gia"],
    "period": ["ky", "ky danh gia", "quy", "period"],
    "level": ["cap", "level", "cap hanh chinh"],
}
HEADERS = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}
#: Points columns that say nothing of a self-assessment (other tables have them too).
_GENERIC_POINTS = {"diem", "diem dat", "diem dat duoc", "diem so", "points"}
#: Columns of the merged-cell hierarchy (no code column): area, criterion, sub-criterion.
HIERARCHY = {"linh vuc": 0, "linh vuc danh gia": 0, "tieu chi": 1, "tieu chi thanh phan": 2,
             "tieu chi con": 2, "area": 0, "sub criterion": 2}
#: Words that make a row the sheet's grand total.
TOTAL_WORDS = {"tong", "tong cong", "tong diem", "tong so", "tong so diem", "cong", "total", "tong diem dat duoc",
               "tong cong diem", "tong diem tu danh gia"}
_MISSING_WORDS = {"x", "n a", "na", "khong", "khong co", "k", "kxd"}
_SUB_LABELS = {"tu danh gia", "tham dinh", "toi da", "tu cham", "dat", "self", "appraised", "maximum"}
_DIGIT = re.compile(r"\d")
_COLUMN_NUMBER = re.compile(r"^\(?(?:\d{1,2}|[a-zA-Z])\)?(?:\s*=\s*.+)?$")
_YEAR = re.compile(r"(?:nam|year)\s+((?:19|20)\d{2})")
_PERIODS = [(re.compile(r"\bquy (i|ii|iii|iv|1|2|3|4)\b"), None), (re.compile(r"\b6 thang\b"), "Q2"),
            (re.compile(r"\b9 thang\b"), "Q3"), (re.compile(r"\bq([1-4])\b"), None)]
_QUARTER = {"i": "Q1", "ii": "Q2", "iii": "Q3", "iv": "Q4", "1": "Q1", "2": "Q2", "3": "Q3", "4": "Q4"}
_UNIT_LABEL = re.compile(r"(?i)^\s*(?:tên\s+)?(?:đơn vị|cơ quan|địa phương)(?:\s+tự\s+(?:đánh giá|chấm điểm))?"
                         r"\s*[:：]\s*(?P<name>.+?)\s*$")
_LEVEL_PREFIX = re.compile(r"(?i)^(?:(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+)?(?P<word>xã|phường|thị trấn|đặc khu|"
                           r"sở|huyện|quận|thị xã|tỉnh)\s+(?P<name>\S.*)$")
_LEVEL_OF = {"xã": "commune", "phường": "commune", "thị trấn": "commune", "đặc khu": "commune", "sở": "department",
             "huyện": "district", "quận": "district", "thị xã": "district", "tỉnh": "province"}
_IN_TITLE = re.compile(r"(?i)\b(?:của\s+)?(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+(?P<word>xã|phường|thị trấn|"
                       r"đặc khu)\s+(?P<name>[^\d,;()–-]+?)(?:\s*(?:năm|nam|quý|,|\(|–|-|$))")


# -- finding a criteria sheet -----------------------------------------------------------------------------


def _combine(top: list[str], sub: list[str]) -> list[str]:
    """A two-row header as one: "Điểm" over "Tự đánh giá | Thẩm định" → "Điểm Tự đánh giá", "Điểm Thẩm định"."""
    width = max(len(top), len(sub))
    top = top + [""] * (width - len(top))
    sub = sub + [""] * (width - len(sub))
    out, carry = [], ""
    for t, s in zip(top, sub, strict=True):
        if t:
            carry = t
        head = t or (carry if s else "")
        out.append(f"{head} {s}".strip() if s else head)
    return out


def header_fields(cells: list[str]) -> dict[str, int] | None:
    """The fields of a self-assessment header row (``None`` when ``cells`` is not one).

    A header names the criteria (a code or name column, or the hierarchy ``Lĩnh vực | Tiêu chí | Tiêu chí thành
    phần``), the points (self-assessed or appraised) and a maximum or a unit.

    Examples
    --------
    >>> sorted(header_fields(["STT", "Tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá"]))
    ['code', 'max', 'name', 'self']
    """
    found: dict[str, int] = {}
    levels: dict[int, int] = {}
    for i, cell in enumerate(cells):
        key = fold(cell)
        if not key:
            continue
        if key in HIERARCHY and HIERARCHY[key] not in levels:
            levels[HIERARCHY[key]] = i
        field = HEADERS.get(key)
        if field and field not in found:
            found[field] = i
    if "code" not in found and len(levels) >= 2:
        for depth, i in levels.items():
            found[f"tier{depth}"] = i
    elif "name" not in found and 1 in levels:
        found["name"] = levels[1]
    has_names = "code" in found or "name" in found or any(k.startswith("tier") for k in found)
    has_points = "self" in found or "appraised" in found
    # A score table of components ("Nội dung | Điểm") is not one of criteria: the header must name criteria
    # ("tiêu chí", the hierarchy) or its points must be a self-assessment's or an appraisal's.
    named = any("tieu chi" in fold(cells[i]) for k, i in found.items() if k == "name" or k.startswith("tier"))
    specific = "appraised" in found or ("self" in found and fold(cells[found["self"]]) not in _GENERIC_POINTS)
    if has_names and has_points and (named or specific) and ("max" in found or "unit" in found or "code" in found):
        return found
    return None


def find_header(table: Table, limit: int = 30) -> tuple[int, list[str], int] | None:
    """Where a table's self-assessment header is: (index of its first row, its cells, how many rows it spans)."""
    rows = table.rows
    for k in range(min(limit, len(rows))):
        cells = rows[k][1]
        if header_fields(cells):
            if k + 1 < len(rows) and _is_sub_header(rows[k + 1][1]):
                combined = _combine(cells, rows[k + 1][1])
                if header_fields(combined):
                    return k, combined, 2
            return k, cells, 1
        if k + 1 < len(rows) and _is_sub_header(rows[k + 1][1]):
            combined = _combine(cells, rows[k + 1][1])
            if header_fields(combined):
                return k, combined, 2
    return None


def _is_sub_header(cells: list[str]) -> bool:
    filled = [fold(c) for c in cells if c]
    return bool(filled) and any(f in _SUB_LABELS for f in filled) and not any(re.search(r"\d", f) for f in filled)


def is_criteria_table(table: Table) -> bool:
    """Whether a table is a self-assessment of criteria (its header is found near its top)."""
    return find_header(table) is not None


# -- one table -------------------------------------------------------------------------------------------


class _Sheet:
    """What a table says about itself: unit, level, year, period (with where each came from)."""

    def __init__(self, table: Table, titles: list[tuple[int, list[str]]], context: Mapping):
        self.table = table
        self.found: dict[str, tuple[object, str]] = {}
        self.problems: list[Problem] = []
        sheet_meta = (context.get("sheets") or {}).get(table.sheet or "", {}) if table.sheet else {}
        for key in ("unit", "level", "year", "period"):
            for origin, meta in (("the manifest's sheet entry", sheet_meta), ("the manifest", context)):
                if meta.get(key) not in (None, ""):
                    self.found.setdefault(key, (meta[key], origin))
        for number, cells in titles:
            for text in cells:  # each cell alone: "UBND XÃ NÀ TĂM" and "CỘNG HÒA …" share a row
                if text:
                    self._title(text, number)
        if table.sheet and "unit" not in self.found:
            m = _LEVEL_PREFIX.match(nfc(table.sheet))
            if m and m.group("word").lower() in _LEVEL_OF:
                self._offer("unit", _name(m.group("name")), f'the sheet\'s name "{table.sheet}"')
                self._offer("level", _LEVEL_OF[m.group("word").lower()], f'the sheet\'s name "{table.sheet}"')

    def _offer(self, key: str, value: object, origin: str, number: int | None = None) -> None:
        if key not in self.found:
            self.found[key] = (value, origin)
            return
        have, where = self.found[key]
        if key == "unit" and fold(str(have)) == fold(str(value)):
            return
        if have != value and "manifest" not in where:
            self.problems.append(self.table.problem(number, None, value, f"gives the {key} {value}, but {where} "
                                                                         f"gives {have} (expected one {key})"))

    def _title(self, text: str, number: int) -> None:
        where = f"row {number}"
        folded = fold(text)
        m = _YEAR.search(folded)
        if m:
            self._offer("year", int(m.group(1)), f"the title ({where})", number)
        for regex, fixed in _PERIODS:
            p = regex.search(folded)
            if p:
                self._offer("period", fixed or _QUARTER[p.group(1)], f"the title ({where})", number)
                break
        label = _UNIT_LABEL.match(nfc(text))
        if label:
            name = label.group("name")
            pre = _LEVEL_PREFIX.match(name)
            if pre and pre.group("word").lower() in _LEVEL_OF:
                self._offer("level", _LEVEL_OF[pre.group("word").lower()], f"the title ({where})", number)
                name = pre.group("name")
            self._offer("unit", _name(name), f"the title ({where})", number)
            return
        inside = _IN_TITLE.search(nfc(text))
        if inside:
            self._offer("level", _LEVEL_OF[inside.group("word").lower()], f"the title ({where})", number)
            self._offer("unit", _name(inside.group("name")), f"the title ({where})", number)

    def get(self, key: str, default=None):
        return self.found.get(key, (default, ""))[0]


def _name(text: str) -> str:
    """A unit's name as written in a title: "NÀ TĂM" → "Nà Tăm" (capitals only when the whole is capitals)."""
    text = nfc(text).strip(" .:-–")
    return text.title() if text.isupper() else text


def read_criteria(table: Table, context: Mapping, ledger: Ledger, trees: dict[str, CriteriaTree]
                  ) -> tuple[list[dict], list[Problem]]:
    """Read one self-assessment table into criteria rows (see :data:`~parindex_lib.model.criteria_scores.READ_COLUMNS`).

    ``context``: ``unit``, ``level``, ``illustrative`` and the manifest's entry for the file (``scheme``, ``year``,
    ``period``, ``keep_inconsistent``, ``sheets``). ``trees`` collects the criteria trees used, by scheme name.

    Returns
    -------
    tuple
        The rows read, and every problem (each located by file, sheet, row, criterion, column and value).
    """
    ledger.rows += len(table.rows)
    ledger.blank += [(table.sheet, r) for r in table.blank]
    start, header, span = find_header(table)
    ledger.headers += span
    header_row = table.rows[start][0]
    fields = header_fields(header)
    names = {f: header[i] for f, i in fields.items()}
    titles = table.rows[:start]
    for number, _ in titles:
        ledger.skipped.append((table.sheet, number, "title above the table"))
    sheet = _Sheet(table, titles, context)
    problems = list(sheet.problems)
    body = table.rows[start + span:]
    if body and all(_COLUMN_NUMBER.match(c) for c in body[0][1] if c) and any(body[0][1]):
        ledger.skipped.append((table.sheet, body[0][0], "the columns' numbers under the header"))
        body = body[1:]
    long_form = "unit" in fields
    unit = sheet.get("unit") if not long_form else None
    if not long_form and not unit:
        problems.append(table.problem(header_row, None, table.sheet or "",
                                      "does not say which unit it scores (expected a title row such as \"Đơn vị: "
                                      "UBND xã Nà Tăm\", a sheet named \"Xã …\", a column \"Đơn vị\", or unit: in "
                                      "data/raw/manifest.yaml)"))
    year = sheet.get("year")
    if "year" not in fields and year is None:
        problems.append(table.problem(header_row, None, table.sheet or "",
                                      "does not say which year it scores (expected a title such as \"… NĂM 2024\", "
                                      "a column \"Năm\", or year: in data/raw/manifest.yaml)"))
    if problems:
        ledger.errors |= {(table.sheet, r) for r, _ in body}
        return [], problems
    if "period" not in fields and sheet.get("period") is None:
        ledger.notes.append(f"{_where(table)}: no period given: the self-assessment is the full year's (FY)")
    rows_out: list[dict] = []

    def cell(cells: list[str], key: str) -> str:
        i = fields.get(key)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    parsed_rows = [(number, cells, {k: cell(cells, k) for k in fields}) for number, cells in body]
    refs = _resolve_codes(parsed_rows, fields)
    tree_cache: dict[tuple, CriteriaTree | Problem] = {}
    for (number, cells, values), ref in zip(parsed_rows, refs, strict=True):
        key = (table.sheet, number)
        # a number in a points column makes a row a criterion's; text there (a signature block) does not
        numbers = [v for v in (values.get(k, "") for k in ("self", "appraised", "max", "measured")) if _DIGIT.search(v)]
        if len(cells) > len(header) and any(cells[len(header):]):
            j = next(m for m in range(len(header), len(cells)) if cells[m])
            problems.append(table.problem(number, f"column {j + 1}", cells[j],
                                          f"lies beyond the header's last column {len(header)} (expected no value "
                                          "there: add a header for it, or move it into its column)"))
            ledger.errors.add(key)
            continue
        if ref.code is None and ref.path is None and ref.error is None and not any(numbers):
            ledger.skipped.append((table.sheet, number, "a heading or wrapped text without code or points"))
            continue
        where = _RowPlace(table, number, names)
        try:
            row_unit, row_year, row_period, level = _row_point(values, fields, names, where, unit, year, sheet,
                                                               long_form)
        except _RowFault as fault:
            problems.append(fault.problem)
            ledger.errors.add(key)
            continue
        if row_unit is None:
            ledger.skipped.append((table.sheet, number, "a line without unit or points"))
            continue
        scheme_key = (context.get("scheme"), level, row_year)
        if scheme_key not in tree_cache:
            tree_cache[scheme_key] = _tree_for(context.get("scheme"), level, row_year, table, header_row)
            if isinstance(tree_cache[scheme_key], Problem):
                problems.append(tree_cache[scheme_key])
        found = tree_cache[scheme_key]
        if isinstance(found, Problem):
            ledger.errors.add(key)
            continue
        scheme_id, tree = found
        trees[scheme_id] = tree
        code, fault = _code_of(ref, tree, values, where)
        if fault is not None:
            problems.append(fault)
            ledger.errors.add(key)
            continue
        row, found = _row(values, code, where, row_unit, level or tree.level, row_year, row_period, tree, context)
        row["scheme"] = scheme_id
        if found:
            problems += found
            ledger.errors.add(key)
            rows_out.append({**row, "faulty": True})  # kept (without its values) so it is not also "missing"
            continue
        rows_out.append(row)
        ledger.read += 1
    return rows_out, problems


class _RowFault(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


@dataclass(frozen=True)
class _RowPlace:
    """Where a row is, for messages."""

    table: Table
    number: int
    names: dict

    def problem(self, key: str | None, value: object, expected: str, code: str | None = None) -> Problem:
        column = self.names.get(key, key) if key else None
        return CriterionProblem(self.table.file, self.number, column, value, expected, self.table.sheet, code)


def _row_point(values, fields, names, where: _RowPlace, unit, year, sheet, long_form):
    """The unit, year, period and level a row scores (from its own columns in long form)."""
    row_unit = _name(values["unit"]) if long_form and values.get("unit") else unit
    if long_form and not row_unit:
        if any(values.get(k) for k in ("self", "appraised", "max", "measured")):
            raise _RowFault(where.problem("unit", "", "is empty (expected the unit's name)"))
        return None, None, None, None
    row_year = year
    if "year" in fields:
        try:
            row_year = int(parse_number(values["year"])[0])
        except ValueError:
            raise _RowFault(where.problem("year", values["year"], "is not a year (expected e.g. 2024)")) from None
    row_period = sheet.get("period") or "FY"
    if "period" in fields and values["period"]:
        row_period = PERIOD_WORDS.get(fold(values["period"]))
        if row_period is None:
            raise _RowFault(where.problem("period", values["period"],
                                          "is not a period (expected FY/Cả năm, Q1…Q4 or Quý 1…Quý 4)"))
    level = sheet.get("level")
    if "level" in fields and values.get("level"):
        level = _level_word(values["level"])
        if level is None:
            raise _RowFault(where.problem("level", values["level"], "is not a level (expected xã/commune, "
                                                                    "sở/department, huyện/district, tỉnh/province)"))
    return row_unit, row_year, row_period, level


def _code_of(ref: _Ref, tree: CriteriaTree, values: dict, where: _RowPlace) -> tuple[str | None, Problem | None]:
    """The criterion a row scores, checked against the tree (or the located reason it cannot be)."""
    code_column = "code" if "code" in where.names else "name"
    if ref.error is not None:
        return None, where.problem(code_column, ref.raw, ref.error)
    if ref.code == TOTAL:
        return TOTAL, None
    if ref.path is not None:  # the hierarchy of merged cells: names, not codes
        return _code_from_path(ref.path, tree, where)
    if ref.code is None:
        text = values.get("name") or values.get("code") or ""
        return None, where.problem(code_column, text, "has points but no code (expected the criterion's code in "
                                                      f"\"{where.names.get('code', 'STT/Mã')}\")")
    if ref.code not in tree:
        return None, where.problem(code_column, ref.raw, f'is not a criterion of scheme "{tree.name}" (expected one '
                                                         f"of its codes, {_codes_hint(tree)})", ref.code)
    written = values.get("name", "")
    if written and not _names_agree(written, tree[ref.code].name_vi):
        return None, where.problem("name", written, f'is not the name of criterion {ref.code} in scheme '
                                                    f'"{tree.name}" (expected "{tree[ref.code].name_vi}"; is the '
                                                    "sheet scored by another scheme, or is its code wrong?)", ref.code)
    return ref.code, None


def _code_from_path(path: list[str], tree: CriteriaTree, where: _RowPlace) -> tuple[str | None, Problem | None]:
    """The criterion named by a hierarchy of names (area, criterion, sub-criterion), matched level by level."""
    parent = None
    for depth, name in enumerate(path):
        key = f"tier{depth}"
        if name is None:
            return None, where.problem(key, "", f"leaves the level above \"{path[depth + 1] or ''}\" empty "
                                                "(expected the area and criterion it belongs to)")
        children = tree.children(parent)
        matches = [c for c in children if _bare(c.name_vi) == _bare(name)]
        if not matches:  # a name shortened or lengthened, never one merely alike (that would be a guess)
            matches = [c for c in children if _bare(name) in _bare(c.name_vi) or _bare(c.name_vi) in _bare(name)]
        if len(matches) != 1:
            options = "; ".join(f'{c.code} "{c.name_vi}"' for c in children[:6])
            more = " …" if len(children) > 6 else ""
            what = "matches several criteria" if matches else "is not a criterion"
            under = f" of {parent}" if parent else " (an area)"
            return None, where.problem(key, name, f'{what}{under} in scheme "{tree.name}" (expected one of: '
                                                  f"{options}{more})")
        parent = matches[0].code
    return parent, None


def _where(table: Table) -> str:
    return f'{table.file}, sheet "{table.sheet}"' if table.sheet else table.file


def _level_word(text: str) -> str | None:
    return LEVEL_WORDS.get(fold(text)) if text else None


def _codes_hint(tree: CriteriaTree) -> str:
    codes = tree.codes
    return f"{codes[0]} … {codes[-1]}" if len(codes) > 2 else ", ".join(codes)


def _tree_for(scheme: str | None, level: str | None, year: int, table: Table, row: int
              ) -> tuple[str, CriteriaTree] | Problem:
    """The scheme named (or of the level and year) — as ``load_scheme`` finds it again: its name, or the path
    given — with its criteria tree; or the located reason there is none."""
    try:
        if scheme:
            found = load_scheme(scheme)
        elif level:
            found = default_scheme(level, year)
        else:
            found = None
    except SchemeError as exc:
        return table.problem(row, None, scheme or "", f"names a scheme that cannot be used: {exc}")
    if found is None:
        where = f"of the {level} level " if level else ""
        return table.problem(row, None, table.sheet or "",
                             f"is a self-assessment of criteria, but no scheme {where}for {year} carries criteria "
                             "(expected scheme: <name> in data/raw/manifest.yaml, a scheme whose criteria: names "
                             "its tree)")
    tree = tree_of(found)
    if tree is None:
        return table.problem(row, None, found.name, 'is a scheme without criteria (expected a scheme whose '
                                                    "criteria: names its tree, e.g. illustrative-commune-2024)")
    given_as_path = bool(scheme) and (Path(scheme).suffix in {".yaml", ".yml"} or "/" in scheme or "\\" in scheme)
    return (str(scheme) if given_as_path else found.name), tree


_NUMBERING = re.compile(r"^\s*(?:[ivxlIVXL]+|\d+(?:[.,]\d+)*|[a-zđ])\s*[.)/:-]\s*|^\s*\d+(?:\.\d+)+\s+")


def _bare(name: str) -> str:
    return fold(_NUMBERING.sub("", nfc(name)))


def _names_agree(written: str, expected: str) -> bool:
    """Whether a sheet's criterion name is the scheme's (leading numbering and case ignored; abbreviations and
    small changes of wording allowed)."""
    a, b = _bare(written), _bare(expected)
    if not a or a == b or a in b or b in a:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.6


@dataclass(frozen=True)
class _Ref:
    """What a row says about its criterion: a code as written (and read), a hierarchy of names, or a fault."""

    raw: str | None = None
    code: str | None = None
    path: list | None = None
    error: str | None = None
    area: int | None = None


def _resolve_codes(parsed_rows, fields) -> list[_Ref]:
    """Each row's criterion as written: a code (canonical), ``TOTAL``, a hierarchy of names, or nothing."""
    if "code" in fields:
        refs, area = [], None
        for _number, _cells, values in parsed_rows:
            raw = values.get("code", "")
            if not raw:
                refs.append(_Ref(code=TOTAL if _bare(values.get("name", "")) in TOTAL_WORDS else None))
                continue
            if fold(raw) in TOTAL_WORDS:
                refs.append(_Ref(raw, TOTAL))
                continue
            bare = raw.strip().rstrip(".")
            if "." not in bare and roman_to_int(bare) is not None:
                area = roman_to_int(bare)
            try:
                refs.append(_Ref(raw, normalise_code(raw), area=area))
            except ValueError as exc:
                refs.append(_Ref(raw, error=str(exc)))
        return _area_relative(refs)
    refs = []
    current: list[str | None] = []
    depth_keys = sorted(k for k in fields if k.startswith("tier"))
    current = [None] * len(depth_keys)
    for _number, _cells, values in parsed_rows:
        names = [values.get(k, "") for k in depth_keys]
        filled = [i for i, n in enumerate(names) if n]
        if not filled:
            refs.append(_Ref())
            continue
        if len(filled) == 1 and _bare(names[filled[0]]) in TOTAL_WORDS:
            refs.append(_Ref(code=TOTAL))
            continue
        deepest = filled[-1]
        for i, name in enumerate(names):
            if name:
                current[i] = name
            elif i > deepest:
                current[i] = None
        refs.append(_Ref(path=[current[i] for i in range(deepest + 1)]))
    return refs


def _area_relative(refs: list[_Ref]) -> list[_Ref]:
    """Codes numbered inside each Roman-numbered area ("II", then "1", "1.1") become full codes ("2.1", "2.1.1")
    when the sheet numbers that way; codes written in full ("2.1") are kept.

    A sheet numbers inside its areas when, under some area k > 1, the first criterion does not start with k.
    """
    def is_roman(ref: _Ref) -> bool:
        bare = (ref.raw or "").strip().rstrip(".")
        return bool(bare) and "." not in bare and roman_to_int(bare) is not None

    firsts: dict[int, str] = {}
    for ref in refs:
        if ref.area is not None and ref.code and ref.code != TOTAL and not is_roman(ref):
            firsts.setdefault(ref.area, ref.code)
    relative = any(area > 1 and not code.startswith(f"{area}.") and code != str(area) for area, code in firsts.items())
    if not relative:
        return refs
    return [replace(r, code=f"{r.area}.{r.code}") if r.area is not None and r.code and r.code != TOTAL
            and not is_roman(r) else r for r in refs]


def _number(text: str) -> float | None:
    s = re.sub(r"\s*(điểm|đ|points?)\s*$", "", nfc(text), flags=re.IGNORECASE)
    return parse_number(s)[0]


def _measured(text: str) -> float:
    s = nfc(text).replace("％", "%").strip()
    m = re.fullmatch(r"(\d+(?:[.,]\d+)?)\s*/\s*(\d+(?:[.,]\d+)?)(?:\s*\S.*)?", s)
    if m:  # "18/20 nhiệm vụ" → 90%
        done, planned = parse_number(m.group(1))[0], parse_number(m.group(2))[0]
        if planned <= 0:
            raise ValueError("has a zero denominator (expected e.g. 18/20)")
        return 100.0 * done / planned
    s = re.sub(r"\s*%$", "", s)
    return parse_number(s)[0]


def _row(values: dict, code: str, where: _RowPlace, unit: str, level: str, year: int, period: str,
         tree: CriteriaTree, context: Mapping) -> tuple[dict, list[Problem]]:
    """One criterion row, its values checked against the criterion's maximum and rule."""
    problems: list[Problem] = []
    node = tree[code] if code != TOTAL else None
    penalty = node is not None and tree.area_of(code).component == "PENALTY"

    def fail(column_key: str, value: str, expected: str) -> None:
        problems.append(where.problem(column_key, value, expected, None if code == TOTAL else code))

    points: dict[str, float | None] = {}
    for key in ("self", "appraised"):
        text = values.get(key, "")
        if not text:
            points[key] = None
            continue
        if fold(text) in _MISSING_WORDS or text.strip() in {"-", "–", "—", "/"}:
            fail(key, text, "is not a number of points (expected e.g. 1 or 0,5; write 0 for no points)")
            continue
        try:
            value = _number(text)
        except ValueError:
            fail(key, text, "is not a number of points (expected e.g. 1 or 0,5)")
            continue
        if value < 0 and penalty:
            value = -value  # penalty points written as a deduction ("-1") are the points deducted
        if value < 0:
            fail(key, text, "is negative (expected points from 0 to the criterion's maximum)")
            continue
        if node is not None and value > node.max_points + EPS:
            fail(key, text, f"is above the maximum {_g(node.max_points)} of criterion {code} (expected at most "
                            f"{_g(node.max_points)})")
            continue
        if node is not None and node.rule is not None and not node.rule.allows(value, node.max_points):
            levels = node.rule.levels(node.max_points)
            labels = "; ".join(f"{_g(v)} \"{node.rule.label_of(v)}\"" if node.rule.label_of(v) else _g(v)
                               for v in reversed(levels))
            fail(key, text, f"is not a value the rule of criterion {code} allows (expected one of: {labels})")
            continue
        points[key] = value
    measured = None
    if values.get("measured"):
        try:
            measured = _measured(values["measured"])
        except ValueError:
            fail("measured", values["measured"], "is not a measured value (expected a number or a percentage, "
                                                 "e.g. 92% or 18/20)")
    if node is not None and values.get("max"):
        try:
            written_max = _number(values["max"])
        except ValueError:
            fail("max", values["max"], "is not a number of points (expected the criterion's maximum)")
        else:
            if abs(written_max - node.max_points) > EPS:
                fail("max", values["max"], f"is not the maximum of criterion {code} in scheme \"{tree.name}\" "
                                           f"(expected {_g(node.max_points)})")
    if node is not None and node.rule is not None and node.rule.kind == "bands" and measured is not None:
        expected = node.rule.points_for(measured)
        checked = "self" if points.get("self") is not None else "appraised"
        value = points.get(checked)
        unit_text = node.rule.unit
        if expected is None:
            fail("measured", values["measured"], f"lies in no band of criterion {code} (expected a value the rule "
                                                 "covers)")
        elif value is not None and abs(value - expected) > EPS:
            band = node.rule.band_for(measured)
            fail(checked, values[checked], f"is not the points of the band that the measured "
                                           f"{_g(measured)}{unit_text} falls in (expected {_g(expected)}: "
                                           f"\"{band.label_vi or band.describe(unit_text)}\")")
    row = {"unit": unit, "level": level, "year": year, "period": period, "scheme": tree.name,
           "criterion": code, "name_written": values.get("name", ""), "max_written": values.get("max", ""),
           "self_points": _nan(points.get("self")), "appraised_points": _nan(points.get("appraised")),
           "measured": _nan(measured), "evidence": values.get("evidence") or None,
           "lead_units": values.get("lead") or None, "note": values.get("note") or None,
           "file": where.table.file, "sheet": where.table.sheet or "", "row": where.number,
           "columns": dict(where.names), "illustrative": bool(context.get("illustrative")),
           "keep_inconsistent": bool(context.get("keep_inconsistent")), "faulty": False,
           "province": context.get("province")}
    if problems:
        row.update(self_points=float("nan"), appraised_points=float("nan"), measured=float("nan"))
    return row, problems


def _nan(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _g(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")


def manifest_problems(manifest: str, key: str, entry: Mapping) -> list[Problem]:
    """Faults of a manifest entry's keys for criteria sheets (``scheme``, ``year``, ``period``,
    ``keep_inconsistent``, ``sheets``), each naming the manifest, the entry and the key; the values are
    normalised in place (a period word → its code)."""
    problems: list[Problem] = []

    def bad(field: str, value: object, expected: str) -> None:
        problems.append(Problem(manifest, None, f"files / {key} / {field}", value, expected))

    def check_point(where: str, spec: Mapping) -> None:
        year = spec.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100):
            bad(f"{where}year", year, "is not a year (expected e.g. 2024)")
        period = spec.get("period")
        if period is not None:
            code = PERIOD_WORDS.get(fold(str(period)))
            if code is None:
                bad(f"{where}period", period, "is not a period (expected FY, Q1…Q4 or Quý 1…Quý 4)")
            elif isinstance(spec, dict):
                spec["period"] = code
        level = spec.get("level")
        if where and level is not None and _level_word(str(level)) is None:
            bad(f"{where}level", level, "is not a level (expected commune/xã, department/sở, district/huyện, "
                                        "province/tỉnh)")
        elif where and level is not None and isinstance(spec, dict):
            spec["level"] = _level_word(str(level))

    check_point("", entry)
    scheme = entry.get("scheme")
    if scheme is not None and (not isinstance(scheme, str) or not scheme.strip()):
        bad("scheme", scheme, "is not a scheme's name (expected e.g. illustrative-commune-2024)")
    keep = entry.get("keep_inconsistent")
    if keep is not None and not isinstance(keep, bool):
        bad("keep_inconsistent", keep, "is not true or false")
    sheets = entry.get("sheets")
    if sheets is not None:
        if not isinstance(sheets, dict):
            bad("sheets", sheets, "is not a mapping of sheet name → {unit, year, period}")
        else:
            for sheet, spec in sheets.items():
                if not isinstance(spec, dict):
                    bad(f"sheets / {sheet}", spec, "is not a mapping (expected e.g. {unit: Nà Tăm, year: 2024})")
                    continue
                check_point(f"sheets / {sheet} / ", spec)
    return problems
