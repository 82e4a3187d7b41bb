"""The seed plan's exact values, read from the shipped file, a .docx and an .xlsx built from it."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import PLAN_TSV, ROOT, SEED_2023, SEED_2024, SEED_LEADS, UNIT, plan_rows, write_docx, write_xlsx
from parindex_lib.config import RAW_DIR
from parindex_lib.io import sha256
from parindex_lib.readers import read_file, read_scores
from parindex_lib.standardise import standardise, write_processed


def assert_seed(scores: pd.DataFrame) -> None:
    actual = scores[(scores["kind"] == "actual") & (scores["year"] == 2023)].set_index("component")
    target = scores[(scores["kind"] == "target") & (scores["year"] == 2024)].set_index("component")
    assert sorted(actual.index) == sorted(SEED_2023) and sorted(target.index) == sorted(SEED_2024)
    for code, (value, rank) in SEED_2023.items():
        assert actual.loc[code, "value_pct"] == pytest.approx(value, abs=1e-9), code
        assert actual.loc[code, "rank"] == rank, code
        assert actual.loc[code, "bound"] == "="
    for code, (value, bound, rank) in SEED_2024.items():
        assert target.loc[code, "value_pct"] == pytest.approx(value), code
        assert target.loc[code, "bound"] == bound, code
        assert target.loc[code, "rank"] == rank, code
    for code, lead in SEED_LEADS.items():
        assert actual.loc[code, "lead_units"] == lead
    assert actual.loc["C1", "lead_units"].startswith("Các Phòng: Nội vụ")
    assert (scores["unit"] == UNIT).all() and (scores["period"] == "FY").all()
    assert (scores["level"] == "district").all()


def test_shipped_tsv_gives_the_seed_values():
    scores = read_scores(PLAN_TSV, unit=UNIT, level="district")
    assert len(scores) == 20
    assert_seed(scores)
    # Each value says where it came from: file and line.
    c6 = scores[(scores["component"] == "C6") & (scores["kind"] == "actual")]
    assert c6["source"].iloc[0].endswith("tam_duong_2024_ke_hoach_chi_so.tsv, row 8")


def test_the_whole_plan_text_reads_the_same(tmp_path):
    """The plan as circulated (prose around the tables) reads to the same values."""

    seed = ROOT.parent / "shared" / "seed" / "tam_duong_par_index_plan_2024.txt"
    if not seed.exists():
        pytest.skip("the shared seed is not beside the repository")

    result = read_file(seed, unit=UNIT, level="district")
    assert not result.problems
    assert len(result.scores) == 20 and len(result.tasks) == 8


@pytest.mark.parametrize("merge", [False, True])
def test_docx_table_gives_the_seed_values(tmp_path, merge):
    rows = [r for r in plan_rows() if any(r)]
    # Word tables hold the two plan tables as one: drop the repeated header of the second.
    second_header = [i for i, r in enumerate(rows) if r[0] == "STT"][1]
    rows = rows[:second_header] + rows[second_header + 1:]
    path = write_docx(tmp_path / "ke_hoach.docx", rows, merge_header=merge)
    assert_seed(read_scores(path, unit=UNIT, level="district"))


def test_xlsx_with_merged_header_gives_the_seed_values(tmp_path):
    rows = [r for r in plan_rows() if any(r)]
    second_header = [i for i, r in enumerate(rows) if r[0] == "STT"][1]
    rows = rows[:second_header] + rows[second_header + 1:]
    path = write_xlsx(tmp_path / "ke_hoach.xlsx", rows, merge=["C2:D2", "E2:F2", "A2:A3", "B2:B3"],
                      title="MỤC TIÊU CÁC CHỈ SỐ THÀNH PHẦN")
    assert_seed(read_scores(path, unit=UNIT, level="district"))


def test_xlsx_with_numeric_percent_cells(tmp_path):
    """Excel stores 70,52% as 0.7052 with a percent format: read as 70.52 with 2 decimals."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Đơn vị", "Cấp", "Năm", "Kỳ", "Chỉ số thành phần", "Loại", "Giá trị"])
    sheet.append(["Tam Đường", "huyện", 2023, "FY", "Cải cách tài chính công", "thực tế", 0.363])
    sheet.cell(2, 7).number_format = "0.0%"
    sheet.append(["Tam Đường", "huyện", 2023, "FY", "C1", "thực tế", 70.52])
    book.save(tmp_path / "vi.xlsx")
    scores = read_scores(tmp_path / "vi.xlsx").set_index("component")
    assert scores.loc["C6", "value_pct"] == pytest.approx(36.3)
    assert scores.loc["C6", "decimals"] == 1
    assert scores.loc["C1", "value_pct"] == pytest.approx(70.52)
    assert (scores["level"] == "district").all()


def test_tidy_csv_with_english_headers_and_points(tmp_path):
    path = tmp_path / "tidy.csv"
    path.write_text(
        "unit,level,year,period,component,kind,value_pct,points,max_points,rank,lead_units\n"
        'Sìn Hồ,district,2024,Q2,Public finance,actual,,"67,41","97,5",59/63,Phòng Tài chính\n'
        'Sìn Hồ,district,2024,FY,chi dao dieu hanh,target,"từ 80% trở lên",,,,\n', encoding="utf-8")
    scores = read_scores(path).set_index("component")
    assert scores.loc["C6", "points"] == pytest.approx(67.41)
    assert scores.loc["C6", "max_points"] == pytest.approx(97.5)
    assert scores.loc["C6", "value_pct"] == pytest.approx(100 * 67.41 / 97.5)
    assert (scores.loc["C6", "rank"], scores.loc["C6", "rank_of"]) == (59, 63)
    assert scores.loc["C1", "bound"] == ">=" and scores.loc["C1", "value_pct"] == 80.0


def test_appendix_names_owners(shipped):
    tasks = shipped.tasks.set_index("component")
    assert tasks.loc["C2", "lead_units"] == "Phòng Tư pháp"
    assert tasks.loc["C8", "lead_units"] == "Phòng Tài chính – Kế hoạch"
    # One task covers both organisation and civil service.
    assert tasks.loc["C4", "task"] == tasks.loc["C5", "task"]
    assert tasks.loc["C7", "lead_units"].startswith("Phòng Văn hóa và Thông tin")


def test_raw_files_are_never_written(tmp_path):
    before = {p.name: (sha256(p), p.stat().st_mtime_ns) for p in RAW_DIR.iterdir() if p.is_file()}
    write_processed(standardise(), tmp_path)
    after = {p.name: (sha256(p), p.stat().st_mtime_ns) for p in RAW_DIR.iterdir() if p.is_file()}
    assert before == after
    assert sorted(p.name for p in tmp_path.iterdir()) == ["criteria.csv", "inputs.json", "lineage.csv", "scores.csv",
                                                               "tasks.csv"]


def test_xlsx_plan_layout_with_english_headers(tmp_path):
    rows = [["No.", "Component", "2023", "", "Target 2024", "", "Lead office"],
            ["", "", "Score", "Rank", "Score", "Rank", ""],
            ["6", "Public finance reform", "36,3%", "7", "Above 50%", "4", "Phòng Tài chính"],
            ["", "SIPAS", "74,4%", "4", "at least 80%", "2", ""]]
    scores = read_scores(write_xlsx(tmp_path / "en.xlsx", rows), unit=UNIT, level="district")
    got = scores.set_index(["component", "kind"])
    assert got.loc[("C6", "actual"), "value_pct"] == 36.3 and got.loc[("C6", "actual"), "rank"] == 7
    assert got.loc[("C6", "target"), "bound"] == ">" and got.loc[("SIPAS", "target"), "bound"] == ">="
    assert got.loc[("C6", "actual"), "lead_units"] == "Phòng Tài chính"
    assert set(scores["year"]) == {2023, 2024}
