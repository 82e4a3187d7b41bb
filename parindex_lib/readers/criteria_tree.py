"""Criteria trees written as spreadsheets, one row per criterion as decisions print them
(``STT/Mã | Tiêu chí, tiêu chí thành phần | Điểm tối đa | Cách chấm/Thang điểm | Đơn vị chủ trì``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from parindex_lib.errors import because, cause_of
from parindex_lib.model.criteria import EPS, CriteriaError, CriteriaTree, CriterionProblem, normalise_code, parent_code
from parindex_lib.model.criteria.build import Draft, Where, build_tree
from parindex_lib.readers import read_tables
from parindex_lib.readers.table import Table
from parindex_lib.vn import fold, parse_number

#: Folded header → field of a criteria spreadsheet.
TREE_HEADERS: dict[str, str] = {
    **dict.fromkeys(["stt", "tt", "so tt", "ma", "ma so", "stt ma", "ma stt", "code", "ma tieu chi", "so thu tu"],
                    "code"),
    **dict.fromkeys(["tieu chi", "tieu chi tieu chi thanh phan", "ten tieu chi", "noi dung", "noi dung tieu chi",
                     "linh vuc tieu chi", "linh vuc tieu chi tieu chi thanh phan", "tieu chi thanh phan",
                     "linh vuc tieu chi va tieu chi thanh phan", "noi dung danh gia", "criterion", "criteria", "name",
                     "name vi", "ten"], "name_vi"),
    **dict.fromkeys(["ten tieng anh", "name en", "english name", "english"], "name_en"),
    **dict.fromkeys(["diem toi da", "diem chuan", "thang diem toi da", "max points", "max", "maximum", "diem"],
                    "max"),
    **dict.fromkeys(["cach cham", "cach cham thang diem", "thang diem", "cach cham diem", "phuong phap cham",
                     "phuong phap cham diem", "huong dan cham", "huong dan cham diem", "scoring rule", "rule",
                     "cach tinh diem", "cach cham diem thang diem"], "rule"),
    **dict.fromkeys(["don vi chu tri", "co quan chu tri", "lead", "lead units", "lead office",
                     "don vi chu tri thuc hien", "don vi thuc hien", "co quan don vi chu tri"], "lead"),
    **dict.fromkeys(["chi so thanh phan", "ma chi so", "component", "linh vuc chi so"], "component"),
    **dict.fromkeys(["ghi chu", "note", "notes"], "note"),
}


def tree_header(cells: list[str]) -> dict[str, int] | None:
    """The columns of a criteria spreadsheet's header row (``None`` when ``cells`` is not one)."""
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = TREE_HEADERS.get(fold(cell))
        if key and key not in found:
            found[key] = i
    return found if {"code", "name_vi", "max"} <= set(found) else None


_TOTAL_LINES = {"tong", "tong cong", "tong diem", "tong so", "cong", "total"}


def tree_from_rows(table: Table, meta: Mapping | None = None) -> CriteriaTree:
    """A tree from a spreadsheet table (rows of text cells from the readers layer).

    Rows above the header are titles (the first is the tree's Vietnamese title, unless ``meta`` gives one); a
    row with a name but no code or maximum continues the rule text or name of the row above (decisions wrap
    long rules over several rows). A parent whose maximum is not the sum of its children's is accepted when its
    ``Ghi chú`` cell says why.

    Raises
    ------
    CriteriaError
        Every problem, located by file, sheet, row, criterion and column.
    """
    header_at = _header_index(table)
    meta = _meta_from_titles(dict(meta or {}), table.rows[:header_at])
    drafts, problems = _drafts(table, header_at)
    _notes_explain_parents(drafts)
    try:
        tree = build_tree(drafts, Where(table.file, table.sheet, "column"), meta)
    except CriteriaError as exc:
        raise CriteriaError(problems + exc.problems) from None
    if problems:
        raise CriteriaError(problems)
    return tree


def _header_index(table: Table) -> int:
    """Where the header row lies among the table's first 30 rows."""
    for k, (_, cells) in enumerate(table.rows[:30]):
        if tree_header(cells):
            return k
    first = table.rows[0] if table.rows else (None, [])
    raise CriteriaError(CriterionProblem(table.file, first[0], None, " | ".join(c for c in first[1] if c)[:80],
                                         because("crit_no_tree_header", "has no criteria header (expected columns "
                                                 "STT/Mã | Tiêu chí, tiêu chí thành phần | Điểm tối đa | Cách "
                                                 "chấm/Thang điểm | Đơn vị chủ trì)"), table.sheet))


def _meta_from_titles(meta: dict, title_rows: list[tuple[int, list[str]]]) -> dict:
    """The title rows above the header: the first is the tree's title; "minh họa" marks it illustrative."""
    titles = [" ".join(c for c in cells if c) for _, cells in title_rows]
    if titles and not meta.get("title_vi"):
        meta["title_vi"] = titles[0]
    if any("minh hoa" in fold(t) or "illustrative" in fold(t) for t in titles):
        meta.setdefault("illustrative", True)
    return meta


def _cell(cells: list[str], columns: Mapping[str, int], key: str) -> str:
    i = columns.get(key)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _drafts(table: Table, header_at: int) -> tuple[list[Draft], list[CriterionProblem]]:
    """One draft per criterion row below the header (wrapped lines joined to the row above, total lines left)."""
    header = table.rows[header_at][1]
    columns = tree_header(header)
    names = {f: header[i] for f, i in columns.items()}
    where = Where(table.file, table.sheet, "column")
    problems: list[CriterionProblem] = []
    drafts: list[Draft] = []
    for number, cells in table.rows[header_at + 1:]:
        raw_code, name = _cell(cells, columns, "code"), _cell(cells, columns, "name_vi")
        top, rule = _cell(cells, columns, "max"), _cell(cells, columns, "rule")
        if not raw_code and not top and drafts and (name or rule):
            _continue_above(drafts[-1], name, rule)
            continue
        if not raw_code and fold(name) in _TOTAL_LINES:
            continue  # the decision's total line: the tree's maximum is the sum of its areas
        try:
            code = normalise_code(raw_code)
        except ValueError as exc:
            problems.append(CriterionProblem(table.file, number, names["code"], raw_code, cause_of(exc), table.sheet))
            continue
        draft = Draft(code, name, None, number, fields=dict(names))
        try:
            draft.max_points = parse_number(top)[0]
        except ValueError:
            problems.append(where.problem(draft, "max", top, because(
                "crit_tree_max_not_number", "is not a number of points (expected the maximum, e.g. 2 or 0,5)")))
        draft.rule = rule or None
        draft.name_en = _cell(cells, columns, "name_en")
        draft.component = _cell(cells, columns, "component").upper()
        draft.lead_units = _cell(cells, columns, "lead") or None
        draft.note = _cell(cells, columns, "note")
        drafts.append(draft)
    return drafts, problems


def _continue_above(last: Draft, name: str, rule: str) -> None:
    """A wrapped line of the row above: its rule text or name goes on."""
    if rule:
        last.rule = f"{last.rule}\n{rule}" if last.rule else rule
    if name:
        last.name_vi = f"{last.name_vi} {name}".strip()


def _notes_explain_parents(drafts: list[Draft]) -> None:
    """A note on a parent says why its maximum is not the sum of its children's (or, on a criterion without
    sub-criteria and rule, why they are not known: a partial table)."""
    kids: dict[str, float] = {}
    for d in drafts:
        parent = parent_code(d.code)
        if parent is not None and d.max_points is not None:
            kids[parent] = kids.get(parent, 0.0) + d.max_points
    for d in drafts:
        if d.note and d.code not in kids and not d.rule:
            d.incomplete = d.note
        if d.note and d.code in kids and d.max_points is not None:
            if kids[d.code] < d.max_points - EPS:
                d.incomplete = d.note
            elif kids[d.code] > d.max_points + EPS:
                d.capped = d.note


def read_tree_file(path: Path, file: str, meta: Mapping) -> CriteriaTree:
    """The tree in a spreadsheet file (its first table that holds rows)."""
    tables = [t for t in read_tables(path, file) if t.rows]
    if not tables:
        raise CriteriaError(CriterionProblem(file, None, None, "", because(
            "crit_no_table", "holds no table (expected one row per criterion)")))
    return tree_from_rows(tables[0], meta)
