"""Units scored by criteria on the command line, the pages and the workbook (the shipped illustrative communes)."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from criteria_quarters import FILE, write_illustrative_quarters
from openpyxl import load_workbook

from conftest import ROOT
from parindex_lib.analyses.criteria import UnitCriteria, criteria_table
from parindex_lib.analyses.criteria_lift import CriteriaLiftResult
from parindex_lib.analyses.criteria_lost import points_lost
from parindex_lib.analyses.lift import UNREACHABLE, LiftResult
from parindex_lib.analyses.trends import history
from parindex_lib.cli import main
from parindex_lib.model.index import PARIndex
from parindex_lib.present import criteria_pages, criteria_sheets, pages
from parindex_lib.present.workbook import build_workbook
from parindex_lib.standardise import write_processed

COMMUNE = "Bản Giang"  # below 80% in 2024: the criteria lift has work to do


@pytest.fixture(scope="module")
def processed(shipped, tmp_path_factory):
    """The shipped data standardised into a folder of its own (scores, tasks, criteria)."""
    folder = tmp_path_factory.mktemp("processed")
    write_processed(shipped, folder)
    return folder


def test_the_shipped_communes_are_scored_by_criteria(shipped):
    units = set(shipped.criteria["unit"])
    assert {"Thèn Sin", "Nà Tăm", "Sơn Bình", "Hồ Thầu", "Bản Giang"} <= units


def test_points_lost_lists_exactly_the_criteria_below_their_maxima(shipped):
    table = shipped.criteria
    for unit in sorted(set(table["unit"])):
        rows = table[(table["unit"] == unit) & (table["year"] == 2024) & (table["period"] == "FY") & table["leaf"]]
        uc = UnitCriteria.from_table(table, unit, 2024, "FY")
        lost = points_lost(uc)
        score = rows[~rows["component"].isin(["BONUS", "PENALTY"])]
        expected = set(score.loc[score["points"] < score["max_points"] - 1e-9, "criterion"])
        expected |= set(rows.loc[(rows["component"] == "PENALTY") & (rows["points"] > 0), "criterion"])
        assert set(lost.criteria["code"]) == expected, unit
        # the total they make is the rolled-up one the scores carry
        index = PARIndex.from_scores(shipped.scores, unit, 2024, level="commune")
        assert points_lost(uc, index).total == pytest.approx(index.total, abs=1e-9)


def test_lift_criteria_on_the_command_line(processed, capsys):
    scores = str(processed / "scores.csv")
    assert main(["lift", "--criteria", "--unit", COMMUNE, "--year", "2024", "--scores", scores]) == 0
    out = capsys.readouterr().out
    assert "BỘ TIÊU CHÍ VÀ ĐIỂM MINH HỌA" in out and "Để đạt từ 80,00% trở lên" in out
    assert "  - 9 Mức độ hài lòng" in out and ", Trung tâm Phục vụ hành chính công xã (cần: " in out
    assert main(["lift", "--criteria", "--unit", COMMUNE, "--year", "2024", "--scores", scores, "--lang", "en",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cost_model"] == "criteria" and data["feasible"] and data["criteria"]
    assert all(c["lead_units"] for c in data["criteria"]) and data["scheme"] == "illustrative-commune-2024"


def test_lift_criteria_unreachable_and_bad_input(processed, tmp_path, capsys):
    scores = str(processed / "scores.csv")
    ceilings = tmp_path / "tran.csv"
    ceilings.write_text("Mã tiêu chí,Trần\n9,không thể\n8,không thể\n", encoding="utf-8")
    code = main(["lift", "--criteria", "--unit", COMMUNE, "--year", "2024", "--scores", scores, "--target", "99",
                 "--ceilings", str(ceilings), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and not data["feasible"] and data["total_cost"] is None
    assert data["total_cost_reason"] == UNREACHABLE and data["max_reachable"] < 99
    code = main(["lift", "--criteria", "--unit", COMMUNE, "--year", "2024", "--scores", scores, "--target", "99",
                 "--ceilings", str(ceilings)])
    assert code == 1 and "Không thể đạt từ 99,00% trở lên" in capsys.readouterr().out
    ceilings.write_text("Mã tiêu chí,Trần\n9.9,1\n", encoding="utf-8")
    assert main(["lift", "--criteria", "--unit", COMMUNE, "--year", "2024", "--scores", scores, "--ceilings",
                 str(ceilings), "--lang", "en"]) == 2
    assert 'tran.csv, row 2, column "Mã tiêu chí": "9.9" is not a criterion of' in capsys.readouterr().err
    assert main(["lift", "--criteria", "--unit", "Tam Đường", "--year", "2023", "--scores", scores,
                 "--lang", "en"]) == 2
    assert '"Tam Đường" 2023 is not scored by criteria' in capsys.readouterr().err
    assert main(["lift", "--criteria", "--cost-model", "linear", "--unit", COMMUNE, "--year", "2024", "--scores",
                 scores, "--lang", "en"]) == 2
    assert "--cost-model does not apply with --criteria" in capsys.readouterr().err


def _context(processed, unit, lang="vi", year=2024, period="FY"):
    return pages.build(scores_path=str(processed / "scores.csv"), tasks_path=str(processed / "tasks.csv"),
                       raw_dir="data/raw", unit=unit, year=year, period=period, target=80.0, bound="ge", scheme="",
                       lang=lang)


def test_pages_of_a_unit_scored_by_criteria(processed):
    ctx = _context(processed, COMMUNE)
    assert isinstance(ctx.lift, CriteriaLiftResult) and ctx.lift.feasible
    html = str(pages.recommendations(ctx).data)
    assert "Các tiêu chí cần nâng điểm" in html and "Trung tâm Phục vụ hành chính công xã" in html
    lost = str(criteria_pages.points_lost(ctx).data)
    assert "Điểm bị mất theo tiêu chí" in lost and "Lĩnh vực 9." in lost and "Điểm bị trừ khi thẩm định" in lost
    en = str(criteria_pages.points_lost(_context(processed, COMMUNE, "en")).data)
    assert "Points lost per criterion" in en and "Điểm bị mất" not in en


def test_pages_of_a_unit_not_scored_by_criteria_are_unchanged(processed):
    ctx = _context(processed, "Tam Đường")
    assert ctx.criteria is None and type(ctx.lift) is LiftResult and ctx.lift.cost_model == "gap"
    assert str(criteria_pages.points_lost(ctx).data) == "" and str(criteria_pages.progress(ctx).data) == ""


def _book(indexes, scores, table, prov):
    """The workbook as a run builds it: each unit's rows prepared, the criteria sheets given as extra sheets."""
    prepared = {(ix.unit, ix.level): criteria_sheets.unit_rows(ix, scores, "vi", table) for ix in indexes}
    extra = criteria_sheets.sheets(prepared.values(), "vi")
    return build_workbook(indexes, scores, "vi", 2024, "FY", prov, [], prepared, extra)


def test_workbook_sheets_of_criteria(processed, shipped):
    table = criteria_table(processed / "criteria.csv")
    indexes = [PARIndex.from_scores(shipped.scores, COMMUNE, 2024, level="commune")]
    prov = {"inputs": [], "params": [], "version": "0", "time": "-"}
    book = load_workbook(io.BytesIO(_book(indexes, shipped.scores, table, prov)))
    assert "Điểm mất theo tiêu chí" in book.sheetnames and "Nâng điểm theo tiêu chí" in book.sheetnames
    assert book["Nâng điểm theo tiêu chí"]["A1"].value.startswith("DỮ LIỆU MINH HỌA")  # made-up criteria, said
    rows = pd.DataFrame(list(book["Nâng điểm theo tiêu chí"].values)[2:])
    assert set(rows[0]) == {COMMUNE} and "9" in set(rows[1])
    # the lift sheet shows the criteria's lift per component, as the pages do
    lift_rows = list(book["Nâng điểm"].values)
    assert any(r[1] == "Chỉ số hài lòng về sự phục vụ hành chính" for r in lift_rows)
    other = [PARIndex.from_scores(shipped.scores, "Tam Đường", 2023)]
    book = load_workbook(io.BytesIO(_book(other, shipped.scores, table, prov)))
    assert "Điểm mất theo tiêu chí" not in book.sheetnames


# -- quarterly progress on the shipped illustrative quarters -----------------------------------------------------


def test_the_shipped_quarters_are_what_their_generator_writes(tmp_path):
    written = write_illustrative_quarters(tmp_path / FILE).read_bytes()
    assert written == (ROOT / "data" / "raw" / FILE).read_bytes()


def test_a_quarter_rolled_up_from_criteria_totals_with_its_bonus_points(shipped):
    index = PARIndex.from_scores(shipped.scores, COMMUNE, 2025, "Q3", level="commune")
    frame = history(shipped.scores, COMMUNE, index.weights, "commune")
    for year, period in ((2025, "Q1"), (2025, "Q2"), (2025, "Q3")):
        at = PARIndex.from_scores(shipped.scores, COMMUNE, year, period, level="commune")
        assert at.adjust_points and frame.loc[(year, period), "TOTAL"] == pytest.approx(at.total)


def test_progress_per_criterion_on_the_trends_page(processed):
    ctx = _context(processed, COMMUNE, year=2025, period="Q3")
    progress = criteria_pages.unit_progress(ctx)
    assert progress.previous_label == "2025 Q2" and progress.plan.source == "lift" and progress.plan.basis == "2024"
    # the plan of 2024 (Bản Giang 68,5% → 80%): satisfaction (9) from 5 to 17 points, taken a level at a time
    planned = progress.planned.set_index("code")
    assert planned.loc["9", ["from_points", "to_points", "now", "status"]].tolist() == [5.0, 17.0, 14.0, "partly"]
    assert list(progress.history.columns) == ["Q1", "Q2", "Q3"] and progress.history.loc["9"].tolist() == [5, 10, 14]
    html = str(criteria_pages.progress(ctx).data)
    assert "Tiến độ theo tiêu chí" in html and "Hoàn thành một phần" in html and "So với Q2/2025" in html
    # a final result has no quarterly progress
    assert str(criteria_pages.progress(_context(processed, COMMUNE)).data) == ""
