"""Every run's results as an Excel workbook: a document — tables with a style on every sheet, a summary with a chart
of totals against the target, print setup, Vietnamese words in a Vietnamese workbook, no cell Excel would execute —
that still holds real numbers with formats and a scores sheet `standardise` reads back."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from conftest import UNIT
from parindex_lib.model.index import PARIndex
from parindex_lib.present import workbook
from parindex_lib.present.workbook import Book, Column, Sheet, build_workbook
from parindex_lib.readers import read_scores
from parindex_lib.standardise import standardise

VI_SHEETS = ["Tóm tắt", "Điểm", "Tình trạng", "Nâng điểm", "Mục tiêu kế hoạch", "Nguồn gốc"]
PROVENANCE = {"inputs": [], "params": [], "version": "0", "time": "-"}


def _rows(sheet, start: int):
    header = [c.value for c in sheet[start]]
    return header, [dict(zip(header, [c for c in row], strict=False)) for row in sheet.iter_rows(min_row=start + 1)]


def _fy(batch):
    return batch["out"] / "2024-FY" / "parindex-2024-FY.xlsx"


def test_the_workbook_holds_the_lift_as_numbers_with_percent_formats(batch):
    book = load_workbook(_fy(batch))
    assert book.sheetnames == VI_SHEETS
    header, rows = _rows(book["Nâng điểm"], 1)
    c6 = next(r for r in rows if r["Chỉ số thành phần"].value == "Cải cách tài chính công")
    assert c6["Đơn vị"].value == UNIT
    assert isinstance(c6["Lên"].value, float) and c6["Lên"].value == pytest.approx(0.6036, abs=5e-5)
    assert "%" in c6["Lên"].number_format and c6["Từ"].value == pytest.approx(0.363)
    status_header, status = _rows(book["Tình trạng"], 1)
    total = next(r for r in status if r["Chỉ số thành phần"].value == "Tổng điểm")
    assert total["Kết quả"].value == pytest.approx(0.7617) and "%" in total["Kết quả"].number_format
    assert total["Chênh lệch (điểm %)"].number_format == "0.00" and total["Tình trạng"].value == "Cần cải thiện"


def test_every_sheet_is_a_styled_table_set_up_for_printing(batch):
    book = load_workbook(_fy(batch))
    for sheet in book.worksheets:
        (table,) = sheet.tables.values()
        head = 2 if sheet["A1"].value and "MINH HỌA" in str(sheet["A1"].value) else 1
        assert table.ref.startswith(f"A{head}:") and table.tableStyleInfo.name.startswith("TableStyle")
        assert table.tableStyleInfo.showRowStripes and int(re.search(r"(\d+)$", table.ref).group(1)) >= head + 1
        assert sheet.freeze_panes == f"A{head + 1}" and not sheet.auto_filter.ref  # the table filters itself
        setup = sheet.page_setup
        assert int(setup.paperSize) == 9 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == f"$1:${head}"
        assert sheet.oddHeader.left.text == "Báo cáo Chỉ số CCHC — 2024" and sheet.oddHeader.right.text == "&A"
        assert sheet.oddFooter.center.text == "Trang &P/&N"
    assert book["Điểm"].page_setup.orientation == "landscape"  # 15 columns
    assert book["Nâng điểm"].page_setup.orientation == "portrait"


def test_the_summary_charts_totals_against_the_target(batch):
    book = load_workbook(_fy(batch))
    summary = book["Tóm tắt"]
    assert book.active.title == "Tóm tắt"
    header, rows = _rows(summary, 1)
    assert header == ["Đơn vị", "Cấp", "Kết quả kỳ", "Tổng điểm", "Mục tiêu", "Điều kiện", "Chênh lệch (điểm %)",
                      "Tình trạng", "Xếp hạng"]
    (row,) = [r for r in rows if r["Đơn vị"].value]
    assert [row[h].value for h in ("Đơn vị", "Cấp", "Kết quả kỳ", "Điều kiện", "Tình trạng", "Xếp hạng")] == \
        [UNIT, "huyện", "Năm 2023", "trở lên", "Cần cải thiện", 4]
    assert row["Tổng điểm"].value == pytest.approx(0.7617) and row["Mục tiêu"].value == pytest.approx(0.80)
    (chart,) = summary._charts
    assert chart.tagname == "barChart" and [c.tagname for c in chart._charts] == ["barChart", "lineChart"]
    bars, marks = chart._charts[0].series[0], chart._charts[1].series[0]
    assert bars.val.numRef.f == "'Tóm tắt'!$D$2" and marks.val.numRef.f == "'Tóm tắt'!$E$2"
    assert bars.cat.strRef.f == marks.cat.strRef.f == "'Tóm tắt'!$A$2"  # unit names: text categories


def test_a_vietnamese_workbook_says_its_values_in_vietnamese(batch):
    book = load_workbook(_fy(batch))
    header, rows = _rows(book["Điểm"], 2)
    column = {h: {r[h].value for r in rows} for h in header}
    assert column["Cấp"] == {"huyện"} and column["Loại"] == {"thực tế", "mục tiêu"}
    assert column["Kỳ"] == {"Cả năm", "Quý 1", "Quý 2", "Quý 3"} and column["Điều kiện"] <= {"bằng", "trên", "trở lên"}
    assert "Tài chính công" in column["Chỉ số thành phần"] and "C6" not in column["Chỉ số thành phần"]
    english = {"district", "province", "actual", "target", "fy", "ge", "gt", "met", "needs_change", "true", "false"}
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if sheet.title == "Nguồn gốc" and cell.column > 1:
                    continue  # parameter names and values as the user wrote them, file paths and hashes
                assert not (isinstance(cell.value, str) and cell.value.strip().lower() in english), \
                    (sheet.title, cell.coordinate, cell.value)


def test_no_cell_is_a_formula(batch):
    for path in (_fy(batch), batch["out"] / "2024-Q3-en" / "parindex-2024-Q3-en.xlsx"):
        book = load_workbook(path)
        formulas = [(s.title, c.coordinate) for s in book.worksheets for row in s.iter_rows() for c in row
                    if c.data_type == "f"]
        assert formulas == []  # the project writes none on purpose
        with zipfile.ZipFile(path) as z:
            assert not any(re.search(rb"<f[ >]", z.read(n)) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    hostile = {"=HYPERLINK(\"http://x\",\"y\")": "@SUM(1+1)", "+Xã A": "-Phòng", "-Xã C": "=1+1"}
    with open(tmp_path / "x.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Đơn vị", "Cấp", "Năm", "Chỉ số", "Điểm", "Đơn vị chủ trì"])
        for unit, lead in hostile.items():
            writer.writerows([[unit, "xã", "2024", f"C{i}", "9/10", lead] for i in range(1, 9)])
    scores = read_scores(tmp_path / "x.csv")
    indexes = [PARIndex.from_scores(scores, unit, 2024, level="commune") for unit in hostile]
    data = build_workbook(indexes, scores, "vi", 2024, "FY", PROVENANCE, [("=cmd|' /C calc'!A0", "commune", "@x")])
    book = load_workbook(io.BytesIO(data))
    seen = {c.value: c for s in book.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)}
    for text in [*hostile, *hostile.values(), "=cmd|' /C calc'!A0 (xã)", "@x"]:
        assert seen[text].data_type == "s" and seen[text].quotePrefix, text
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # the chart's references to its cells are the only formulas
        formulas = [n for n in z.namelist() if re.search(rb"<(?:c:)?f[ >]", z.read(n))]
    assert formulas == ["xl/charts/chart1.xml"]
    back = standardise([_saved(tmp_path, data)]).scores
    assert set(back["unit"]) == set(hostile) and set(back["lead_units"]) == set(hostile.values())


def _saved(tmp_path, data: bytes):
    path = tmp_path / "book.xlsx"
    path.write_bytes(data)
    return path


def test_the_english_twin_and_the_illustrative_label(batch):
    book = load_workbook(batch["out"] / "2024-Q3-en" / "parindex-2024-Q3-en.xlsx")
    assert book.sheetnames == ["Summary", "Scores", "Status", "Lift", "Plan targets", "Provenance"]
    for sheet in book.worksheets:
        assert "ILLUSTRATIVE" in str(sheet["A1"].value)  # every sheet built from illustrative data says so
        assert sheet.oddFooter.center.text == "Page &P of &N"
    header = [c.value for c in book["Scores"][2]]
    assert header[:8] == ["unit", "level", "year", "period", "component", "kind", "value_pct", "bound"]
    assert book["Scores"]["B3"].value == "District" and book["Scores"]["F3"].value in {"actual", "target"}


def test_standardise_reads_the_scores_sheet_back(batch, scores):
    back = standardise([_fy(batch)]).scores
    original = scores[scores["unit"] == UNIT]
    key = ["unit", "level", "year", "period", "component", "kind"]
    merged = original.merge(back, on=key, suffixes=("", "_back"))
    assert len(back) == len(original) == len(merged)
    assert (merged["value_pct"] - merged["value_pct_back"]).abs().max() < 1e-9
    assert (merged["bound"] == merged["bound_back"]).all()
    assert merged["rank"].equals(merged["rank_back"])
    assert merged["lead_units"].fillna("").equals(merged["lead_units_back"].fillna(""))


def test_the_english_scores_sheet_reads_back_too(batch, scores):
    back = standardise([batch["out"] / "2024-FY-en" / "parindex-2024-FY-en.xlsx"]).scores
    original = scores[scores["unit"] == UNIT]
    merged = original.merge(back, on=["unit", "level", "year", "period", "component", "kind", "bound"])
    assert len(back) == len(original) == len(merged)


def test_a_sheet_holding_illustrative_rows_says_so_even_in_a_real_report(batch):
    book = load_workbook(_fy(batch))
    scores = book["Điểm"]  # the FY report uses the illustrative quarters in its trends
    assert "MINH HỌA" in str(scores["A1"].value).upper()
    assert book["Nâng điểm"]["A1"].value == "Đơn vị"  # the lift is computed from the plan's real 2023 results


def test_adding_a_sheet_is_one_call_with_the_table_and_print_treatment():
    book = Book("vi", "Báo cáo & kiểm tra")
    long = [[f"Nhóm {i}", "Sở Nội vụ " * 12, 0.5 + i / 100, i] for i in range(40)]
    first = book.add_sheet("Nhóm: so sánh/tỉnh [1]", [Column("Nhóm"), Column("Ghi chú"), Column("Tổng điểm", "0.00%"),
                                                       Column("Xếp hạng", "0")], long)
    again = book.add(Sheet("Nhóm: so sánh/tỉnh [1]", [Column("A"), Column("A"), Column("")], []))
    assert first.title == "Nhóm- so sánh-tỉnh -1-" and again.title == "Nhóm- so sánh-tỉnh -1- (2)"
    assert list(first.tables) == ["tbl_nhom_so_sanh_tinh_1"] and list(again.tables) == ["tbl_nhom_so_sanh_tinh_1_2"]
    assert [c.value for c in again[1]] == ["A", "A (2)", "3"]
    assert again.tables["tbl_nhom_so_sanh_tinh_1_2"].ref == "A1:C2"  # a table holds at least one row
    assert first["C2"].number_format == "0.00%" and first["D2"].number_format == "0"
    assert first["B2"].alignment.wrap_text and first.row_dimensions[2].height > 15  # long text wraps, row grows
    assert first.oddHeader.left.text == "Báo cáo && kiểm tra"  # a lone & would start a header code
    back = load_workbook(io.BytesIO(book.to_bytes()))
    assert back.sheetnames == [first.title, again.title] and back[first.title].tables


def test_the_summary_chart_shows_at_most_the_lowest_units(scores, monkeypatch):
    monkeypatch.setattr(workbook, "CHART_UNITS", 5)  # 63 in use: the provinces of 2024 would all fit
    totals = scores[(scores["level"] == "province") & (scores["kind"] == "actual") & (scores["component"] == "TOTAL")
                    & (scores["period"] == "FY")]  # each province's latest result up to 2024
    units = sorted(totals["unit"].unique())
    indexes = [PARIndex.from_scores(scores, u, 2024, level="province") for u in units]
    book = load_workbook(io.BytesIO(build_workbook(indexes, scores, "vi", 2024, "FY", PROVENANCE, [])))
    header, rows = _rows(book["Tóm tắt"], 1)
    shown = [r["Tổng điểm"].value for r in rows if r["Đơn vị"].value]
    assert len(units) > 5 and len(shown) == len(units) and shown == sorted(shown, reverse=True)
    (chart,) = book["Tóm tắt"]._charts
    n = len(units) + 1  # the last row
    assert chart._charts[0].series[0].val.numRef.f == f"'Tóm tắt'!$D${n - 4}:$D${n}"
    assert chart.title.tx.rich.p[0].r[0].t == "Tổng điểm so với mục tiêu: 5 đơn vị có tổng điểm thấp nhất"


def test_the_workbook_prints_to_a_sensible_number_of_a4_pages(batch, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office:
        pytest.skip("LibreOffice is not installed (Debian: apt-get install libreoffice-calc) to print the workbook")
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(_fy(batch))], check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "parindex-2024-FY.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 6 <= pages <= 10, pages  # one page per sheet or so: it was 34 before print setup
    boxes = [tuple(sorted(round(float(x)) for x in m.groups()))
             for m in re.finditer(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)]
    assert boxes.count((595, 842)) == pages  # every page A4 (portrait or landscape)
