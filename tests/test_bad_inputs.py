"""Malformed inputs: each gives a clear error naming file, row, column, value and what was expected."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

from conftest import PLAN_TSV, UNIT, plan_rows, write_xlsx
from parindex_lib.cli import main
from parindex_lib.errors import InputError
from parindex_lib.readers import read_scores
from parindex_lib.standardise import load_scores, standardise


def plan_with(tmp_path, old: str, new: str, name: str = "plan.tsv"):
    text = PLAN_TSV.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def error_of(path, **kw) -> InputError:
    with pytest.raises(InputError) as err:
        read_scores(path, **({"unit": UNIT, "level": "district"} | kw))
    return err.value


@pytest.mark.parametrize("old, new, row, column, value, expected", [
    ("70,52%", "7O,52%", 3, "Năm 2023 / Chỉ số", "7O,52%", "is not a percentage"),          # typo'd number
    ("99,85%", "105%", 5, "Năm 2023 / Chỉ số", "105%", "outside 0–100"),                  # above 100
    ("68,75%", "-3%", 7, "Năm 2023 / Chỉ số", "-3%", "outside 0–100"),                   # negative
    ("36,3%\t7", "\t7", 8, "Năm 2023 / Chỉ số", "", "is empty"),                      # empty cell
    ("Cải cách thể chế", "Cải cách thể chếe", 4, "Chỉ số thành phần", "Cải cách thể chếe", "did you mean"),
    ("Cải cách thể chế", "Cải cách ngân hàng", 4, "Chỉ số thành phần", "Cải cách ngân hàng", "not a known component"),
    ("Trên 50%", "Trên năm mươi", 8, "Mục tiêu năm 2024 / Chỉ số", "Trên năm mươi", "not a percentage"),
    ("\t7\tTrên 50%", "\tbảy\tTrên 50%", 8, "Năm 2023 / Thứ hạng", "bảy", "not a rank"),  # bad rank
    ("70,52%", "Trên 70%", 3, "Năm 2023 / Chỉ số", "Trên 70%", "actual result must be a single value"),
    ("70,52%", "67,41/97,5 điểm", None, None, None, None),                               # points: fine
    ("70,52%", "99/97,5 điểm", 3, "Năm 2023 / Chỉ số", "99/97,5 điểm", "more than its maximum"),   # points above max
])
def test_bad_cell(tmp_path, old, new, row, column, value, expected):
    path = plan_with(tmp_path, old, new)
    if expected is None:
        scores = read_scores(path, unit=UNIT, level="district")
        c1 = scores[(scores.component == "C1") & (scores.kind == "actual")].iloc[0]
        assert c1.points == 67.41 and c1.max_points == 97.5
        return
    problems = error_of(path).problems
    assert len(problems) == 1, problems
    p = problems[0]
    assert (p.file, p.row, p.column) == (str(path), row, column)
    assert p.value == value
    assert expected in str(p.expected)
    assert f"row {row}" in str(p) and str(path) in str(p)


def test_every_problem_is_reported_at_once(tmp_path):
    text = PLAN_TSV.read_text(encoding="utf-8").replace("70,52%", "7O,52%").replace("99,85%", "105%")
    path = tmp_path / "two.tsv"
    path.write_text(text, encoding="utf-8")
    assert [p.row for p in error_of(path).problems] == [3, 5]


def test_duplicated_row(tmp_path):
    lines = PLAN_TSV.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "dup.tsv"
    path.write_text("\n".join(lines[:4] + [lines[3]] + lines[4:]), encoding="utf-8")
    problems = error_of(path).problems
    assert problems and all("repeats a row" in str(p.expected) for p in problems)
    assert any("row 4" in str(p) for p in problems) and any("row 5" in str(p) for p in problems)


def test_duplicate_across_files(tmp_path):
    a = plan_with(tmp_path, "70,52%", "70,52%", "a.tsv")
    b = plan_with(tmp_path, "70,52%", "70,52%", "b.tsv")
    (tmp_path / "manifest.yaml").write_text(
        f"files:\n  a.tsv: {{unit: {UNIT}, level: district}}\n  b.tsv: {{unit: {UNIT}, level: district}}\n",
        encoding="utf-8")
    with pytest.raises(InputError, match="repeats a row"):
        standardise([a, b])


def test_wrong_encoding(tmp_path):
    path = tmp_path / "cp1258.tsv"
    path.write_bytes(PLAN_TSV.read_text(encoding="utf-8").encode("cp1258", errors="replace"))
    p = error_of(path).problems[0]
    assert "not UTF-8" in str(p.expected) and p.row == 1


def test_utf16_export_is_readable(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(PLAN_TSV.read_text(encoding="utf-8").encode("utf-16"))
    assert len(read_scores(path, unit=UNIT, level="district")) == 20


def test_nfd_text_reads_the_same(tmp_path):
    path = tmp_path / "nfd.tsv"
    path.write_text(unicodedata.normalize("NFD", PLAN_TSV.read_text(encoding="utf-8")), encoding="utf-8")
    scores = read_scores(path, unit=unicodedata.normalize("NFD", UNIT), level="district")
    assert len(scores) == 20
    assert (scores["unit"] == UNIT).all()  # stored NFC
    assert scores[scores.component == "C2"]["lead_units"].iloc[0] == "Phòng Tư pháp"


def test_missing_file(tmp_path):
    p = error_of(tmp_path / "nope.tsv").problems[0]
    assert "does not exist" in str(p.expected) and "nope.tsv" in p.file


def test_empty_file(tmp_path):
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    assert "is empty" in str(error_of(tmp_path / "empty.csv").problems[0].expected)


def test_unrecognised_header(tmp_path):
    (tmp_path / "x.csv").write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    p = error_of(tmp_path / "x.csv").problems[0]
    assert "not a recognised table header" in str(p.expected) and p.row == 1


def test_plan_table_without_unit(tmp_path):
    p = error_of(PLAN_TSV, unit=None, level=None).problems[0]
    assert "does not name its unit" in str(p.expected)


def test_merged_cells_in_the_data_area(tmp_path):
    """A value merged over two rows leaves the second row empty: named, not guessed."""
    rows = [r for r in plan_rows() if any(r)][:5]
    path = write_xlsx(tmp_path / "merged.xlsx", rows, merge=["C4:C5"])
    p = error_of(path).problems[0]
    assert (p.sheet, p.row, p.column) == ("Chỉ số", 5, "Năm 2023 / Chỉ số") and "is empty" in str(p.expected)
    assert 'sheet "Chỉ số", row 5' in str(p)


def test_tidy_csv_bad_year_period_kind(tmp_path):
    path = tmp_path / "tidy.csv"
    path.write_text("unit,level,year,period,component,kind,value_pct\n"
                    "Tam Đường,district,20x4,Q5,C1,dự báo,70\n", encoding="utf-8")
    problems = error_of(path).problems
    assert [p.column for p in problems] == ["year", "period", "kind"]


def test_not_a_workbook(tmp_path):
    (tmp_path / "fake.xlsx").write_text("not a zip", encoding="utf-8")
    assert "not a readable .xlsx" in str(error_of(tmp_path / "fake.xlsx").problems[0].expected)


def test_cli_prints_errors_without_traceback(tmp_path, capsys):
    bad = plan_with(tmp_path, "70,52%", "7O,52%")
    (tmp_path / "manifest.yaml").write_text(f"files:\n  plan.tsv: {{unit: {UNIT}, level: district}}\n",
                                            encoding="utf-8")
    assert main(["standardise", str(bad), "--out", str(tmp_path / "out"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert 'row 3, column "Năm 2023 / Chỉ số": "7O,52%" is not a percentage' in err
    assert "Traceback" not in err
    assert not (tmp_path / "out" / "scores.csv").exists()  # nothing half-written


def test_hand_edited_processed_table_is_validated_by_the_schema(tmp_path, shipped):
    frame = shipped.scores.copy()
    frame.loc[0, "value_pct"] = 105.0
    frame.loc[1, "component"] = "C9"
    frame = pd.concat([frame, frame.iloc[[2]]])
    frame.to_csv(tmp_path / "scores.csv", index=False)
    with pytest.raises(InputError) as err:
        load_scores(tmp_path / "scores.csv")
    text = str(err.value)
    assert f'{frame.iloc[0]["source"]}, column "value_pct": "105.0" is outside 0–100' in text
    assert f'{frame.iloc[1]["source"]}, column "component": "C9" is not a component code' in text
    assert "repeats a row already given" in text and frame.iloc[2]["source"] in text


def test_fractions_instead_of_percentages(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["unit", "level", "year", "period", "component", "kind", "value_pct"])
    for code, value in (("C1", 0.7052), ("C2", 1.0), ("C3", 0.9985)):
        sheet.append(["Tam Đường", "district", 2023, "FY", code, "actual", value])  # no percent format
    book.save(tmp_path / "fractions.xlsx")
    (problem,) = error_of(tmp_path / "fractions.xlsx").problems
    assert problem.row == 2 and "look like fractions" in str(problem.expected)
