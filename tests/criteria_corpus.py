"""Self-assessment sheets of criteria as offices type them, made with the programs they use.

openpyxl workbooks with title rows, a merged two-row header ("Điểm" over "Tự đánh giá | Thẩm định"), a row of
column numbers, Roman numerals for areas, codes with trailing dots, merged evidence and lead-office cells,
number formats, a signature block under the table; CSV files in long form written by the csv module with ";"
and wrapped cells; and a sheet with no code column, only the hierarchy of merged cells. The scores are chosen
per criterion (``Scores``) so each test knows its answer.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from parindex_lib.model.criteria import CriteriaTree, load_criteria

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


@dataclass
class Scores:
    """One unit's self-assessment: points per scored criterion (self, appraised) and measured values."""

    unit: str
    self_points: dict[str, float]
    appraised: dict[str, float] = field(default_factory=dict)
    measured: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)


def full_marks(tree: CriteriaTree, unit: str) -> Scores:
    """Every criterion at its maximum (penalties at 0), with a measured value in the top band."""
    points, measured = {}, {}
    for leaf in tree.leaves():
        penalty = tree.area_of(leaf.code).component == "PENALTY"
        points[leaf.code] = 0.0 if penalty else leaf.max_points
        if leaf.rule.kind == "bands":
            top = max(leaf.rule.bands, key=lambda b: b.points)
            measured[leaf.code] = top.low if top.low is not None and top.low_inclusive else (
                (top.low + 1) if top.low is not None else (top.high - 1 if top.high else 0))
    return Scores(unit, points, {}, measured)


def demo_scores(tree: CriteriaTree, unit: str, seed: int) -> Scores:
    """Deterministic, plausible scores: each criterion at one of its allowed levels (bands from a measured
    value), the appraisal taking a step off a few criteria."""
    import random

    rng = random.Random(seed)
    points, appraised, measured, evidence = {}, {}, {}, {}
    for leaf in tree.leaves():
        rule = leaf.rule
        penalty = tree.area_of(leaf.code).component == "PENALTY"
        if rule.kind == "bands":
            ordered = sorted(rule.bands, key=lambda b: -b.points)
            band = rng.choices(ordered, weights=[6, 3, 2, 1, 1, 1][:len(ordered)])[0]
            value = _inside(band, rng)
            measured[leaf.code] = value
            points[leaf.code] = rule.points_for(value)
        elif rule.kind == "free":
            points[leaf.code] = round(rng.choice([0.5, 0.75, 1.0]) * leaf.max_points * 4) / 4
        else:
            levels = rule.levels(leaf.max_points)
            if penalty:
                points[leaf.code] = rng.choices(levels, weights=[8] + [1] * (len(levels) - 1))[0]
            else:
                points[leaf.code] = rng.choices(levels, weights=[1] * (len(levels) - 1) + [6])[0]
        evidence[leaf.code] = f"Báo cáo số {rng.randint(10, 250)}/BC-UBND"
        if rule.kind in ("steps", "binary") and not penalty and rng.random() < 0.15:
            lower = [v for v in rule.levels(leaf.max_points) if v < points[leaf.code]]
            if lower:
                appraised[leaf.code] = lower[-1]
    return Scores(unit, points, appraised, measured, evidence)


def _inside(band, rng) -> float:
    """A measured value (one decimal) inside a band."""
    low = band.low if band.low is not None else max(0.0, band.high - 25)
    high = band.high if band.high is not None else max(low, 100.0)
    for value in (round(rng.uniform(low, high), 1), round((low + high) / 2, 1), low, high):
        if band.contains(value):
            return value
    raise AssertionError(f"no value found inside {band}")


def sums(tree: CriteriaTree, scores: Scores, which: str = "decisive") -> dict[str, float]:
    """Every node's points as written by hand: Σ of its leaves (``self``, ``appraised`` or the decisive)."""
    def leaf_value(code: str) -> float:
        if which == "self":
            return scores.self_points[code]
        if which == "appraised":
            return scores.appraised.get(code, scores.self_points[code])
        return scores.appraised.get(code, scores.self_points[code])

    return {node.code: sum(leaf_value(leaf.code) for leaf in tree.leaves(node.code)) for node in tree}


def _num(value: float | str) -> float | int | str:
    if isinstance(value, str):
        return value  # typed as text
    return int(value) if float(value).is_integer() else value


def write_workbook(path: Path, units: list[Scores], tree: CriteriaTree | None = None, *, year: int = 2024,
                   trailing_dots: bool = True, roman: bool = True, appraised: bool = True,
                   parent_totals: bool = True, total_row: bool = True, overrides: dict | None = None,
                   sheet_names: bool = False, extra_rows: list | None = None, skip: set | None = None,
                   relative: bool = False) -> Path:
    """One sheet per unit, as a commune's office circulates its self-assessment in Excel.

    ``overrides``: {(unit, code): {"self": value, "appraised": value, "max": value, "code": text}} to type a
    mistake into a cell; ``skip``: codes whose rows are left out; ``relative``: criteria numbered inside each
    Roman-numbered area ("II", then "1.", "1.1."), as many decisions print them.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    tree = tree or load_criteria("illustrative-commune")
    overrides = overrides or {}
    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin")
    for scores in units:
        sheet = book.create_sheet(f"Xã {scores.unit}"[:31] if sheet_names else f"Bảng {units.index(scores) + 1}")
        sheet.append([f"UBND XÃ {scores.unit.upper()}", None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
        sheet.append([None, None, None, None, "Độc lập - Tự do - Hạnh phúc"])
        sheet.append([f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}"])
        sheet.merge_cells("A3:H3")
        sheet["A3"].font = Font(bold=True)
        sheet["A3"].alignment = Alignment(horizontal="center")
        sheet.append([f"(Kèm theo Báo cáo số 125/BC-UBND ngày 15/12/{year} của UBND xã {scores.unit})"])
        sheet.merge_cells("A4:H4")
        header = ["STT", "Tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm", None, "Tỷ lệ (%)",
                  "Tài liệu kiểm chứng", "Đơn vị chủ trì"]
        sub = [None, None, None, "Tự đánh giá", "Thẩm định" if appraised else None, None, None, None]
        if not appraised:
            header[3], sub[3] = "Điểm tự đánh giá", None
        sheet.append(header)
        sheet.append(sub)
        first_header = sheet.max_row - 1
        for col in ("A", "B", "C", "F", "G", "H"):
            sheet.merge_cells(f"{col}{first_header}:{col}{first_header + 1}")
        if appraised:
            sheet.merge_cells(f"D{first_header}:E{first_header}")
        else:
            sheet.merge_cells(f"D{first_header}:D{first_header + 1}")
        sheet.append([f"({i})" for i in range(1, 9)])
        decisive = sums(tree, scores)
        self_sums = sums(tree, scores, "self")
        area_index = {a.code: i for i, a in enumerate(tree.areas)}
        start_of_lead = None
        for node in tree:
            code = node.code
            if code in (skip or set()):
                continue
            if node.parent is None:
                written = ROMAN[area_index[code]] if roman else code
            else:
                local = code.split(".", 1)[1] if relative else code
                written = local + ("." if trailing_dots else "")
            leaf = node.rule is not None
            row = [written, node.name_vi, _num(node.max_points)]
            change = overrides.get((scores.unit, code), {})
            if leaf:
                self_value = scores.self_points[code]
                appraised_value = scores.appraised.get(code, self_value)
            elif parent_totals:
                self_value, appraised_value = self_sums[code], decisive[code]
            else:
                self_value = appraised_value = None
            self_value = change.get("self", self_value)
            appraised_value = change.get("appraised", appraised_value)
            row += [None if self_value is None else _num(self_value),
                    (None if appraised_value is None else _num(appraised_value)) if appraised else None]
            measured = scores.measured.get(code)
            row.append(None if measured is None else measured / 100)
            row.append(scores.evidence.get(code) if leaf else None)
            row.append(node.lead_units if node.parent is None else None)
            if "max" in change:
                row[2] = change["max"]
            if "code" in change:
                row[0] = change["code"]
            sheet.append(row)
            r = sheet.max_row
            sheet.cell(r, 6).number_format = "0.0%"
            # points keep Excel's General format (what offices leave them in)
            if node.parent is None:
                for c in range(1, 9):
                    sheet.cell(r, c).font = Font(bold=True)
                if start_of_lead is not None and start_of_lead < r - 1:
                    sheet.merge_cells(f"H{start_of_lead}:H{r - 1}")  # the lead office over its area's rows
                start_of_lead = r
            for c in range(1, 9):
                sheet.cell(r, c).border = Border(top=thin, bottom=thin, left=thin, right=thin)
            sheet.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
        if start_of_lead is not None and start_of_lead < sheet.max_row:
            sheet.merge_cells(f"H{start_of_lead}:H{sheet.max_row}")
        if total_row:
            total_self = sum(self_sums[a.code] * (-1 if a.component == "PENALTY" else 1) for a in tree.areas)
            total = sum(decisive[a.code] * (-1 if a.component == "PENALTY" else 1) for a in tree.areas)
            change = overrides.get((scores.unit, "TOTAL"), {})
            sheet.append(["TỔNG CỘNG", None, _num(tree.maximum), _num(round(change.get("self", total_self), 4)),
                          _num(round(change.get("appraised", total), 4)) if appraised else None])
            sheet.merge_cells(f"A{sheet.max_row}:B{sheet.max_row}")
        for row in extra_rows or []:
            sheet.append(row)
        sheet.append([])
        sheet.append([None, "NGƯỜI LẬP BIỂU", None, None, None, "CHỦ TỊCH"])
        sheet.append([None, "Nguyễn Văn A", None, None, None, "Trần Văn B"])
        sheet.column_dimensions["B"].width = 60
        sheet.freeze_panes = f"C{first_header + 3}"
    book.save(path)
    return path


LONG_HEADER = ["Đơn vị", "Năm", "Kỳ", "Mã tiêu chí", "Tên tiêu chí", "Điểm tối đa", "Điểm tự đánh giá",
               "Điểm thẩm định", "Kết quả thực hiện", "Tài liệu kiểm chứng"]


def write_long_csv(path: Path, units: list[Scores], tree: CriteriaTree | None = None, *, year: int = 2024,
                   period: str = "Cả năm", delimiter: str = ";") -> Path:
    """Many units in long form, one row per unit × scored criterion, as a province's office merges them (the
    csv module with ";" and a wrapped evidence cell, as Excel in a Vietnamese locale saves)."""
    tree = tree or load_criteria("illustrative-commune")
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(LONG_HEADER)
        for scores in units:
            for leaf in tree.leaves():
                value = scores.self_points[leaf.code]
                appraised = scores.appraised.get(leaf.code)
                measured = scores.measured.get(leaf.code)
                writer.writerow([f"Xã {scores.unit}", str(year), period, leaf.code, leaf.name_vi,
                                 f"{leaf.max_points:g}".replace(".", ","), f"{value:g}".replace(".", ","),
                                 "" if appraised is None else f"{appraised:g}".replace(".", ","),
                                 "" if measured is None else f"{measured:g}%".replace(".", ","),
                                 scores.evidence.get(leaf.code, "").replace(" ngày", "\nngày")])
    return path


def write_hierarchy_workbook(path: Path, scores: Scores, tree: CriteriaTree | None = None, year: int = 2024) -> Path:
    """No code column: the hierarchy of merged cells "Lĩnh vực | Tiêu chí | Tiêu chí thành phần" names each
    criterion (the area and criterion cells merged down over their rows)."""
    from openpyxl import Workbook

    tree = tree or load_criteria("illustrative-commune")
    book = Workbook()
    sheet = book.active
    sheet.title = f"Xã {scores.unit}"
    sheet.append([f"KẾT QUẢ TỰ CHẤM ĐIỂM CHỈ SỐ CCHC NĂM {year}"])
    sheet.append(["Lĩnh vực", "Tiêu chí", "Tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá"])
    for area in tree.areas:
        first_area = sheet.max_row + 1
        for leaf in tree.leaves(area.code):
            path_nodes = tree.path(leaf.code)
            names = [n.name_vi for n in path_nodes] + [None] * (3 - len(path_nodes))
            sheet.append([*names, _num(leaf.max_points), _num(scores.self_points[leaf.code])])
        last = sheet.max_row
        if last > first_area:
            sheet.merge_cells(f"A{first_area}:A{last}")
        # criterion cells merged over their sub-criteria
        row = first_area
        while row <= last:
            name = sheet.cell(row, 2).value
            end = row
            while end + 1 <= last and sheet.cell(end + 1, 2).value == name and name is not None \
                    and sheet.cell(end + 1, 3).value is not None:
                end += 1
            if end > row:
                sheet.merge_cells(f"B{row}:B{end}")  # openpyxl keeps the first value, clears the others
            row = end + 1
    book.save(path)
    return path


#: The shipped illustrative self-assessment (data/raw/illustrative_xa_tu_danh_gia_2024.xlsx): made-up scores of
#: five communes on the illustrative tree, one of which writes a criterion's total that does not add up.
ILLUSTRATIVE_COMMUNES = {"Thèn Sin": 14, "Nà Tăm": 9, "Sơn Bình": 12, "Hồ Thầu": 22, "Bản Giang": 6}
ILLUSTRATIVE_SLIP = ("Hồ Thầu", "3.2")


def illustrative_units() -> list[Scores]:
    tree = load_criteria("illustrative-commune")
    return [demo_scores(tree, name, seed) for name, seed in ILLUSTRATIVE_COMMUNES.items()]


def write_illustrative_raw(path: Path) -> Path:
    """Write the shipped illustrative workbook (run once; the file in data/raw is never rewritten by the tool)."""
    tree = load_criteria("illustrative-commune")
    units = illustrative_units()
    slip_unit, slip_code = ILLUSTRATIVE_SLIP
    slipped = next(u for u in units if u.unit == slip_unit)
    written = sums(tree, slipped)[slip_code] - 1  # a sum mistyped by one point
    return write_workbook(path, units, tree, sheet_names=True,
                          overrides={(slip_unit, slip_code): {"appraised": written}})
