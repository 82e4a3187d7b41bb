"""Self-assessment sheets of criteria, read as offices circulate them.

A sheet's header, and the unit, level, year and period it scores, are found by
:mod:`~parindex_lib.readers.criteria_header`. Here each row under the header is read as written: what it says
about its criterion (a code — ``1.1.1``, ``1.1.1.``, Roman numerals for areas, numbered inside each area or
throughout — a hierarchy of merged-cell names, or the grand total) and the text of each column, with where it
lies. One unit per sheet, or many in long form with ``Đơn vị | Năm | Kỳ`` columns.

No scheme is consulted here: the standardise step matches each row to the criteria tree of its scheme and checks
its points (:func:`parindex_lib.model.criteria_sheets.check_rows`).

Every row is accounted for: read, an error (located by file, sheet, row, column and value), or skipped with its
reason (a title, the column numbers, a heading without points).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from parindex_lib.errors import Problem, Reason, because, cause_of
from parindex_lib.model.components import LEVEL_WORDS, PERIOD_WORDS, TOTAL
from parindex_lib.model.criteria import normalise_code, roman_to_int
from parindex_lib.model.criteria.problems import level_said
from parindex_lib.model.criteria_sheets import CriterionRef, RowPlace, bare_name
from parindex_lib.readers.criteria_header import (
    TOTAL_WORDS,
    SheetPoint,
    find_header,
    header_fields,
    is_criteria_table,
    unit_of,
)
from parindex_lib.readers.layout import Ledger
from parindex_lib.readers.table import Table
from parindex_lib.vn import fold, parse_number

__all__ = ["is_criteria_table", "manifest_problems", "read_criteria"]

_DIGIT = re.compile(r"\d")
_COLUMN_NUMBER = re.compile(r"^\(?(?:\d{1,2}|[a-zA-Z])\)?(?:\s*=\s*.+)?$")
_POINT_KEYS = ("self", "appraised", "max", "measured")
_NOT_A_YEAR = because("crit_not_a_year", "is not a year (expected e.g. 2024)")
#: A code at the head of a name: "1.1. Ban hành …", "1.1 Ban hành …", "2. Cải cách …" (a dot required, so that
#: "2024 …" or "3 tháng …" is not read as a code).
_CODE_IN_NAME = re.compile(r"^\s*(?P<code>\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}\.)\s+\S")


@dataclass
class _Sheet:
    """A criteria table's layout: its header's fields, the rows under it, and what the sheet says it scores."""

    table: Table
    header: list[str]
    header_row: int
    fields: dict[str, int]
    body: list[tuple[int, list[str]]]
    point: SheetPoint

    @property
    def names(self) -> dict[str, str]:
        return {f: self.header[i] for f, i in self.fields.items()}

    @property
    def long_form(self) -> bool:
        return "unit" in self.fields

    def cell(self, cells: list[str], key: str) -> str:
        i = self.fields.get(key)
        return cells[i].strip() if i is not None and i < len(cells) else ""


def read_criteria(table: Table, context: Mapping, ledger: Ledger) -> tuple[list[dict], list[Problem]]:
    """Read one self-assessment table: one row as written per criterion row (for
    :func:`~parindex_lib.model.criteria_sheets.check_rows`), and every problem.

    ``context``: ``unit``, ``level``, ``illustrative`` and the manifest's entry for the file (``scheme``, ``year``,
    ``period``, ``keep_inconsistent``, ``sheets``).
    """
    sheet = _layout(table, context, ledger)
    problems = list(sheet.point.problems) + _what_it_scores(sheet)
    if problems:
        ledger.errors |= {(table.sheet, r) for r, _ in sheet.body}
        return [], problems
    if "period" not in sheet.fields and sheet.point.get("period") is None:
        ledger.notes.append(Reason("std_criteria_full_year", {"file": table.file, "sheet": table.sheet},
                                   f"{_where(table)}: no period given: the self-assessment is the full year's (FY)"))
    rows: list[dict] = []
    values = [(number, cells, {k: sheet.cell(cells, k) for k in sheet.fields}) for number, cells in sheet.body]
    for (number, cells, row_values), ref in zip(values, _resolve_codes(values, sheet.fields), strict=True):
        row, problem, skipped = _read_row(sheet, number, cells, row_values, ref, context)
        if problem is not None:
            problems.append(problem)
            ledger.errors.add((table.sheet, number))
        elif skipped is not None:
            ledger.skipped.append((table.sheet, number, skipped))
        else:
            rows.append(row)
            ledger.read += 1
    return rows, problems


def _layout(table: Table, context: Mapping, ledger: Ledger) -> _Sheet:
    """The header, the titles above it (skipped, but read for the unit and year), the column numbers under it."""
    ledger.rows += len(table.rows)
    ledger.blank += [(table.sheet, r) for r in table.blank]
    start, header, span = find_header(table)
    ledger.headers += span
    titles = table.rows[:start]
    for number, _ in titles:
        ledger.skipped.append((table.sheet, number, "title above the table"))
    body = table.rows[start + span:]
    if body and all(_COLUMN_NUMBER.match(c) for c in body[0][1] if c) and any(body[0][1]):
        ledger.skipped.append((table.sheet, body[0][0], "the columns' numbers under the header"))
        body = body[1:]
    return _Sheet(table, header, table.rows[start][0], header_fields(header), body,
                  SheetPoint(table, titles, context))


def _what_it_scores(sheet: _Sheet) -> list[Problem]:
    """A sheet of one unit must say which unit and which year it scores."""
    table, problems = sheet.table, []
    if not sheet.long_form and not sheet.point.get("unit"):
        problems.append(table.problem(sheet.header_row, None, table.sheet or "", because(
            "crit_sheet_no_unit", 'does not say which unit it scores (expected a title row such as "Đơn vị: UBND xã '
                                  'Nà Tăm", a sheet named "Xã …", a column "Đơn vị", or unit: in '
                                  "data/raw/manifest.yaml)")))
    if "year" not in sheet.fields and sheet.point.get("year") is None:
        problems.append(table.problem(sheet.header_row, None, table.sheet or "", because(
            "crit_sheet_no_year", 'does not say which year it scores (expected a title such as "… NĂM 2024", a '
                                  'column "Năm", or year: in data/raw/manifest.yaml)')))
    return problems


def _read_row(sheet: _Sheet, number: int, cells: list[str], values: dict, ref: CriterionRef, context: Mapping
              ) -> tuple[dict | None, Problem | None, str | None]:
    """One row under the header: (the row as written, or None; its problem; why it is skipped)."""
    table, header = sheet.table, sheet.header
    if len(cells) > len(header) and any(cells[len(header):]):
        j = next(m for m in range(len(header), len(cells)) if cells[m])
        column = because("crit_column_number", "column {number}", number=j + 1)
        return None, table.problem(number, column, cells[j], because(
            "crit_beyond_header", "lies beyond the header's last column {last} (expected no value there: add a "
                                  "header for it, or move it into its column)", last=len(header))), None
    # a number in a points column makes a row a criterion's; text there (a signature block) does not
    if ref.code is None and ref.path is None and ref.error is None and \
            not any(_DIGIT.search(values.get(k, "")) for k in _POINT_KEYS):
        return None, None, "a heading or wrapped text without code or points"
    place = RowPlace(table.file, table.sheet, number, sheet.names)
    try:
        unit, year, period, level = _row_point(values, sheet, place)
    except _RowFault as fault:
        return None, fault.problem, None
    if unit is None:
        return None, None, "a line without unit or points"
    return {"unit": unit, "level": level, "year": year, "period": period, "scheme": context.get("scheme"),
            "ref": ref, "values": values, "place": place, "header_row": sheet.header_row,
            "illustrative": bool(context.get("illustrative")),
            "keep_inconsistent": bool(context.get("keep_inconsistent")), "province": context.get("province")}, \
        None, None


class _RowFault(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def _row_point(values: dict, sheet: _Sheet, where: RowPlace) -> tuple:
    """The unit, year, period and level a row scores (from its own columns in long form)."""
    fields, point = sheet.fields, sheet.point
    unit, word_level = unit_of(values["unit"]) if sheet.long_form and values.get("unit") else (point.get("unit"), None)
    if sheet.long_form and not unit:
        if any(values.get(k) for k in _POINT_KEYS):
            raise _RowFault(where.problem("unit", "", because("crit_unit_empty", "is empty (expected the unit's "
                                                                                 "name)")))
        return None, None, None, None
    year = point.get("year")
    if "year" in fields:
        try:
            year = int(parse_number(values["year"])[0])
        except ValueError:
            raise _RowFault(where.problem("year", values["year"], _NOT_A_YEAR)) from None
    period = point.get("period") or "FY"
    if "period" in fields and values["period"]:
        period = PERIOD_WORDS.get(fold(values["period"]))
        if period is None:
            raise _RowFault(where.problem("period", values["period"], because(
                "crit_row_not_period", "is not a period (expected FY/Cả năm, Q1…Q4 or Quý 1…Quý 4)")))
    level = point.get("level")
    if "level" in fields and values.get("level"):
        level = _level_word(values["level"])
        if level is None:
            raise _RowFault(where.problem("level", values["level"], because(
                "crit_row_not_level", "is not a level (expected xã/commune, sở/department, huyện/district, "
                                      "tỉnh/province)")))
    if word_level and level and word_level != level:
        raise _RowFault(where.problem("unit", values["unit"], because(
            "crit_unit_other_level", "names a unit of the {word_level} level, but the level given is {given_level} "
                                     "(expected one level)", word_level=level_said(word_level),
            given_level=level_said(level))))
    return unit, year, period, level or word_level


def _where(table: Table) -> str:
    return f'{table.file}, sheet "{table.sheet}"' if table.sheet else table.file


def _level_word(text: str) -> str | None:
    return LEVEL_WORDS.get(fold(text)) if text else None


# -- what each row says about its criterion -------------------------------------------------------------


def _resolve_codes(parsed_rows, fields) -> list[CriterionRef]:
    """Each row's criterion as written: a code (canonical), ``TOTAL``, a hierarchy of names, or nothing.

    Without a code column (or with its cell blank), a name that begins with a code ("1.1. Ban hành kế hoạch")
    gives it, as decisions often print them.
    """
    tiers = [k for k in fields if k.startswith("tier")]
    if "code" in fields or not tiers:
        return _area_relative([_code_ref(values, i) for i, values in _areas(parsed_rows)])
    return _path_refs(parsed_rows, sorted(k for k in fields if k.startswith("tier")))


def _areas(parsed_rows) -> list[tuple[int | None, dict]]:
    """Each row's values with the Roman-numbered area it lies under (None before the first)."""
    out, area = [], None
    for _number, _cells, values in parsed_rows:
        bare = values.get("code", "").strip().rstrip(".")
        if bare and "." not in bare and fold(bare) not in TOTAL_WORDS and roman_to_int(bare) is not None:
            area = roman_to_int(bare)
        out.append((area, values))
    return out


def _code_ref(values: dict, area: int | None) -> CriterionRef:
    raw = values.get("code", "")
    if not raw:
        in_name = _CODE_IN_NAME.match(values.get("name", ""))
        if in_name:
            return CriterionRef(in_name.group("code"), normalise_code(in_name.group("code")), area=area)
        return CriterionRef(code=TOTAL if bare_name(values.get("name", "")) in TOTAL_WORDS else None)
    if fold(raw) in TOTAL_WORDS:
        return CriterionRef(raw, TOTAL)
    try:
        return CriterionRef(raw, normalise_code(raw), area=area)
    except ValueError as exc:
        return CriterionRef(raw, error=cause_of(exc))


def _path_refs(parsed_rows, depth_keys: list[str]) -> list[CriterionRef]:
    """Rows of a hierarchy of merged cells: each names its area, criterion and sub-criterion (blank cells repeat
    the name above)."""
    refs: list[CriterionRef] = []
    current: list[str | None] = [None] * len(depth_keys)
    for _number, _cells, values in parsed_rows:
        names = [values.get(k, "") for k in depth_keys]
        filled = [i for i, n in enumerate(names) if n]
        if not filled:
            refs.append(CriterionRef())
            continue
        if len(filled) == 1 and bare_name(names[filled[0]]) in TOTAL_WORDS:
            refs.append(CriterionRef(code=TOTAL))
            continue
        deepest = filled[-1]
        for i, name in enumerate(names):
            if name:
                current[i] = name
            elif i > deepest:
                current[i] = None
        refs.append(CriterionRef(path=[current[i] for i in range(deepest + 1)]))
    return refs


def _area_relative(refs: list[CriterionRef]) -> list[CriterionRef]:
    """Codes numbered inside each Roman-numbered area ("II", then "1", "1.1") become full codes ("2.1", "2.1.1")
    when the sheet numbers that way; codes written in full ("2.1") are kept.

    A sheet numbers inside its areas when, under some area k > 1, the first criterion does not start with k.
    """
    def is_roman(ref: CriterionRef) -> bool:
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




def manifest_problems(manifest: str, key: str, entry: Mapping) -> list[Problem]:
    """Faults of a manifest entry's keys for criteria sheets (``scheme``, ``year``, ``period``,
    ``keep_inconsistent``, ``sheets``), each naming the manifest, the entry and the key; the values are
    normalised in place (a period word → its code)."""
    problems: list[Problem] = []

    def bad(field: str, value: object, expected: Reason) -> None:
        problems.append(Problem(manifest, None, f"files / {key} / {field}", value, expected))

    def check_point(where: str, spec: Mapping) -> None:
        year = spec.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100):
            bad(f"{where}year", year, _NOT_A_YEAR)
        period = spec.get("period")
        if period is not None:
            code = PERIOD_WORDS.get(fold(str(period)))
            if code is None:
                bad(f"{where}period", period, because("crit_manifest_not_period", "is not a period (expected FY, "
                                                                                  "Q1…Q4 or Quý 1…Quý 4)"))
            elif isinstance(spec, dict):
                spec["period"] = code
        level = spec.get("level")
        if where and level is not None and _level_word(str(level)) is None:
            bad(f"{where}level", level, because("crit_manifest_not_level", "is not a level (expected commune/xã, "
                                                "department/sở, district/huyện, province/tỉnh)"))
        elif where and level is not None and isinstance(spec, dict):
            spec["level"] = _level_word(str(level))

    check_point("", entry)
    scheme = entry.get("scheme")
    if scheme is not None and (not isinstance(scheme, str) or not scheme.strip()):
        bad("scheme", scheme, because("crit_manifest_not_scheme", "is not a scheme's name (expected e.g. "
                                                                  "illustrative-commune-2024)"))
    keep = entry.get("keep_inconsistent")
    if keep is not None and not isinstance(keep, bool):
        bad("keep_inconsistent", keep, because("crit_manifest_not_bool", "is not true or false"))
    sheets = entry.get("sheets")
    if sheets is not None:
        if not isinstance(sheets, dict):
            bad("sheets", sheets, because("crit_manifest_sheets", "is not a mapping of sheet name → {fields}",
                                          fields="{unit, year, period}"))
        else:
            for sheet, spec in sheets.items():
                field = f"sheets / {sheet}"  # the manifest's keys, as written
                if not isinstance(spec, dict):
                    bad(field, spec, because("crit_manifest_sheet", "is not a mapping (expected e.g. {example})",
                                             example="{unit: Nà Tăm, year: 2024}"))
                    continue
                check_point(f"{field} / ", spec)
    return problems
