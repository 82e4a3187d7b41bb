"""Finding a self-assessment sheet of criteria and what it says about itself.

A sheet has one row per criterion: ``STT/Mã | Tiêu chí, tiêu chí thành phần | Điểm tối đa | Điểm tự đánh giá |
Điểm thẩm định | Tài liệu kiểm chứng | Đơn vị chủ trì`` (and a measured value for band rules, e.g. ``Tỷ lệ (%)`` or
``Kết quả thực hiện``), in any order, Vietnamese or English, with a two-row header ("Điểm" over "Tự đánh giá |
Thẩm định") and a row of column numbers under it; or the hierarchy of merged cells ``Lĩnh vực | Tiêu chí | Tiêu chí
thành phần`` instead of codes. Here: its header (:func:`find_header`, :func:`header_fields`) and its unit, level,
year and period from the manifest (per file, or per sheet under ``sheets:``), a title row ("Đơn vị: UBND xã Nà
Tăm", "… NĂM 2024", "Quý III") or a sheet named "Xã …" (:class:`SheetPoint`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from parindex_lib.errors import Problem, Reason, because
from parindex_lib.model.criteria.problems import level_said
from parindex_lib.readers.table import Table
from parindex_lib.vn import fold, nfc

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
_SUB_LABELS = {"tu danh gia", "tham dinh", "toi da", "tu cham", "dat", "self", "appraised", "maximum"}
_YEAR = re.compile(r"(?:nam|year)\s+((?:19|20)\d{2})")
_PERIODS = [(re.compile(r"\bquy (i|ii|iii|iv|1|2|3|4)\b"), None), (re.compile(r"\b6 thang\b"), "Q2"),
            (re.compile(r"\b9 thang\b"), "Q3"), (re.compile(r"\bq([1-4])\b"), None)]
_QUARTER = {"i": "Q1", "ii": "Q2", "iii": "Q3", "iv": "Q4", "1": "Q1", "2": "Q2", "3": "Q3", "4": "Q4"}
_UNIT_LABEL = re.compile(r"(?i)^\s*(?:tên\s+)?(?:đơn vị|cơ quan|địa phương)(?:\s+tự\s+(?:đánh giá|chấm điểm))?"
                         r"\s*[:：]\s*(?P<name>.+?)\s*$")
_LEVEL_PREFIX = re.compile(r"(?i)^(?:(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+)?(?P<word>xã|phường|thị trấn|đặc khu|"
                           r"sở|huyện|quận|thị xã|tỉnh)\s+(?P<name>\S.*)$")
_NUMBERED = re.compile(r"^(?:so\s*)?\d+[a-z]?$")  # folded: "1", "số 3", "12a"
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


# -- what a sheet says about itself ---------------------------------------------------------------------


class SheetPoint:
    """What a table says about itself: unit, level, year, period (with where each came from)."""

    def __init__(self, table: Table, titles: list[tuple[int, list[str]]], context: Mapping):
        self.table = table
        self.found: dict[str, tuple[object, Reason]] = {}
        self.problems: list[Problem] = []
        sheet_meta = (context.get("sheets") or {}).get(table.sheet or "", {}) if table.sheet else {}
        for key in ("unit", "level", "year", "period"):
            for origin, meta in ((because("crit_from_manifest_sheet", "the manifest's sheet entry"), sheet_meta),
                                 (because("crit_from_manifest", "the manifest"), context)):
                if meta.get(key) not in (None, ""):
                    self.found.setdefault(key, (meta[key], origin))
        for number, cells in titles:
            for text in cells:  # each cell alone: "UBND XÃ NÀ TĂM" and "CỘNG HÒA …" share a row
                if text:
                    self._title(text, number)
        if table.sheet and "unit" not in self.found:
            name, level = unit_of(table.sheet)
            if level:
                origin = because("crit_from_sheet_name", 'the sheet\'s name "{sheet}"', sheet=table.sheet)
                self._offer("unit", name, origin)
                self._offer("level", level, origin)

    def _offer(self, key: str, value: object, origin: Reason, number: int | None = None) -> None:
        if key not in self.found:
            self.found[key] = (value, origin)
            return
        have, where = self.found[key]
        if key == "unit" and fold(str(have)) == fold(str(value)):
            return
        if have != value and where.code not in _FROM_MANIFEST:
            self.problems.append(self.table.problem(number, None, value, because(
                "crit_sheet_gives_two", "gives the {what} {value}, but {where} gives {have} (expected one {what})",
                what=key, key_word=_KEY_WORDS[key], value=_said(key, value), where=where, have=_said(key, have))))

    def _title(self, text: str, number: int) -> None:
        where = because("crit_from_title", "the title ({row})", row=because("where_row", "row {row}", row=number))
        folded = fold(text)
        m = _YEAR.search(folded)
        if m:
            self._offer("year", int(m.group(1)), where, number)
        for regex, fixed in _PERIODS:
            p = regex.search(folded)
            if p:
                self._offer("period", fixed or _QUARTER[p.group(1)], where, number)
                break
        label = _UNIT_LABEL.match(nfc(text))
        if label:
            name, level = unit_of(label.group("name"))
            if level:
                self._offer("level", level, where, number)
            self._offer("unit", name, where, number)
            return
        inside = _IN_TITLE.search(nfc(text))
        if inside:
            self._offer("level", _LEVEL_OF[inside.group("word").lower()], where, number)
            self._offer("unit", unit_name(inside.group("name")), where, number)

    def get(self, key: str, default=None):
        return self.found.get(key, (default, ""))[0]


_FROM_MANIFEST = {"crit_from_manifest_sheet", "crit_from_manifest"}
#: What a sheet says about itself, as words in a sentence.
_KEY_WORDS = {"unit": because("crit_key_unit", "unit"), "level": because("crit_key_level", "level"),
              "year": because("crit_key_year", "year"), "period": because("crit_key_period", "period")}


def _said(key: str, value: object) -> object:
    """A level's code said as its name (``commune`` → ``xã``); other values as they are."""
    return level_said(value) if key == "level" else value


def unit_name(text: str) -> str:
    """A unit's name as written in a title: "NÀ TĂM" → "Nà Tăm" (capitals only when the whole is capitals)."""
    text = nfc(text).strip(" .:-–")
    return text.title() if text.isupper() else text


def unit_of(text: str) -> tuple[str, str | None]:
    """A unit as a sheet names it — "UBND XÃ BẢN BO", "Xã Bản Bo" or "Bản Bo" — → its name and the level its
    word says (``None`` without a level word), so that one commune is one unit however it is written.

    A name that is only a number keeps its word ("Phường 1", "Phường số 3"): the number alone names nothing.

    Examples
    --------
    >>> unit_of("UBND XÃ BẢN BO"), unit_of("Xã Bản Bo"), unit_of("Bản Bo"), unit_of("phường 1")
    (('Bản Bo', 'commune'), ('Bản Bo', 'commune'), ('Bản Bo', None), ('Phường 1', 'commune'))
    """
    text = nfc(text).strip()
    pre = _LEVEL_PREFIX.match(text)
    if not pre or pre.group("word").lower() not in _LEVEL_OF:
        return unit_name(text), None
    level = _LEVEL_OF[pre.group("word").lower()]
    if _NUMBERED.match(fold(pre.group("name"))):
        word_and_name = text[pre.start("word"):]
        return unit_name(word_and_name[:1].upper() + word_and_name[1:]), level
    return unit_name(pre.group("name")), level
