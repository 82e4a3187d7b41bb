"""Every run's results as an Excel workbook: real numbers, percent formats, frozen and filtered headers,
the illustrative label, units not reported, and the scores sheet read back by `standardise`."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from conftest import UNIT
from parindex_lib.standardise import standardise


def _rows(sheet, start: int):
    header = [c.value for c in sheet[start]]
    return header, [dict(zip(header, [c for c in row], strict=False)) for row in sheet.iter_rows(min_row=start + 1)]


def test_the_workbook_holds_the_lift_as_numbers_with_percent_formats(batch):
    path = batch["out"] / "2024-FY" / "parindex-2024-FY.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["Điểm", "Tình trạng", "Nâng điểm", "Mục tiêu kế hoạch", "Nguồn gốc"]
    header, rows = _rows(book["Nâng điểm"], 1)
    c6 = next(r for r in rows if r["Chỉ số thành phần"].value == "Cải cách tài chính công")
    assert c6["Đơn vị"].value == UNIT
    assert isinstance(c6["Lên"].value, float) and c6["Lên"].value == pytest.approx(0.6036, abs=5e-5)
    assert "%" in c6["Lên"].number_format and c6["Từ"].value == pytest.approx(0.363)
    for sheet in book.worksheets:
        assert sheet.freeze_panes and sheet.auto_filter.ref
    status_header, status = _rows(book["Tình trạng"], 1)
    total = next(r for r in status if r["Chỉ số thành phần"].value == "Tổng điểm")
    assert total["Kết quả"].value == pytest.approx(0.7617) and "%" in total["Kết quả"].number_format


def test_the_english_twin_and_the_illustrative_label(batch):
    book = load_workbook(batch["out"] / "2024-Q3-en" / "parindex-2024-Q3-en.xlsx")
    assert book.sheetnames == ["Scores", "Status", "Lift", "Plan targets", "Provenance"]
    for sheet in book.worksheets:
        assert "ILLUSTRATIVE" in str(sheet["A1"].value)  # every sheet built from illustrative data says so
    header = [c.value for c in book["Scores"][2]]
    assert header[:7] == ["unit", "level", "year", "period", "component", "kind", "value_pct"]


def test_standardise_reads_the_scores_sheet_back(batch, scores):
    path = batch["out"] / "2024-FY" / "parindex-2024-FY.xlsx"
    back = standardise([path]).scores
    original = scores[scores["unit"] == UNIT]
    key = ["unit", "level", "year", "period", "component", "kind"]
    merged = original.merge(back, on=key, suffixes=("", "_back"))
    assert len(back) == len(original) == len(merged)
    assert (merged["value_pct"] - merged["value_pct_back"]).abs().max() < 1e-9
    assert (merged["bound"] == merged["bound_back"]).all()
    assert merged["rank"].equals(merged["rank_back"])


def test_a_sheet_holding_illustrative_rows_says_so_even_in_a_real_report(batch):
    book = load_workbook(batch["out"] / "2024-FY" / "parindex-2024-FY.xlsx")
    scores = book["Điểm"]  # the FY report uses the illustrative quarters in its trends
    assert "MINH HỌA" in str(scores["A1"].value).upper()
    assert book["Nâng điểm"]["A1"].value == "Đơn vị"  # the lift is computed from the plan's real 2023 results
