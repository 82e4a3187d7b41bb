"""Published tables of the older provincial methodologies, typed as offices type them, read through
`parindex standardise`: the 2017–2020 blocks as points summed and checked against the reported total, and
points of 2012–2016 without a written maximum given the year's published scale."""

from __future__ import annotations

import csv

import pytest

from parindex_lib.cli import main
from parindex_lib.standardise import load_scores

HEADER = ["Tỉnh", "Cấp", "Năm", "Nội dung", "Giá trị"]  # a value column: plain numbers, as typed


def blocks(total: str = "88,09") -> list[list[str]]:
    """Quảng Ninh 2019 as the results table prints it: four blocks of points and the total, plain numbers."""
    return [["Quảng Ninh", "tỉnh", "2019", name, value] for name, value in
            [("Điểm thẩm định", "55,2"), ("Điều tra XHH", "20,1"), ("Chỉ số hài lòng (SIPAS)", "8,5"),
             ("Tác động của CCHC", "4,29"), ("Chỉ số CCHC (PAR INDEX)", total)]]


def run(tmp_path, capsys, rows, *extra, name="qn.csv", header=HEADER):
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh, delimiter=";").writerows([header, *rows])
    out = tmp_path / "out"
    try:
        code = main(["standardise", str(path), "--out", str(out), "--lang", "en", *extra])
    except SystemExit as exc:
        code = exc.code
    printed, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, printed, err, out, path


def test_block_tables_typed_as_plain_numbers_are_points_that_add_up(tmp_path, capsys):
    code, printed, err, out, _ = run(tmp_path, capsys, blocks())
    assert code == 0, err
    scores = load_scores(out / "scores.csv").set_index("component")
    assert scores.loc["SIPAS", "points"] == 8.5 and scores.loc["SIPAS", "value_pct"] != 8.5  # never "SIPAS 8,5%"
    assert scores.loc["TOTAL", "value_pct"] == pytest.approx(88.09) and scores.loc["TOTAL", "max_points"] == 100
    assert "5 value(s) of block tables typed as plain numbers were read as points" in printed


def test_a_total_that_is_not_the_sum_of_its_blocks_is_refused_at_its_row(tmp_path, capsys):
    code, _, err, _, path = run(tmp_path, capsys, blocks("90,09"))
    assert code == 2
    first = err.splitlines()[0]
    assert first.startswith(f'parindex: error: {path}, row 6, column "Giá trị": "90,09" is not the sum of its blocks: ')
    assert "= 88,09 points" in first and "--keep-inconsistent" in first


def test_a_total_kept_as_published_is_flagged_where_it_is_shown(tmp_path, capsys):
    code, printed, err, out, _ = run(tmp_path, capsys, blocks("90,09"), "--keep-inconsistent")
    assert code == 0, err
    assert "1 total(s) that are not the sum of their blocks were kept as published" in printed
    scores = load_scores(out / "scores.csv")
    total = scores[scores.component == "TOTAL"].iloc[0]
    assert "khác tổng công bố 90,09 điểm (giữ như công bố)" in total.note  # the workbook's scores sheet shows it


@pytest.mark.parametrize("year, points, maximum", [(2013, "79,4", 100.0), (2016, "76,2", 97.5)])
def test_a_total_in_points_without_a_maximum_takes_the_years_scale(tmp_path, capsys, year, points, maximum):
    rows = [["Lai Châu", "tỉnh", str(year), "Chỉ số CCHC", points]]
    code, printed, err, out, _ = run(tmp_path, capsys, rows, name="lc.csv", header=[*HEADER[:4], "Điểm"])
    assert code == 0, err
    total = load_scores(out / "scores.csv").iloc[0]
    assert total.max_points == maximum and total.value_pct == pytest.approx(100 * float(points.replace(",", "."))
                                                                             / maximum)
    assert printed.count("took the maximum their year's published scheme gives") == 1


def test_block_names_as_column_headers_are_matched_like_names_in_rows(tmp_path, capsys):
    header = ["Tỉnh", "Cấp", "Năm", "Điểm thẩm định", "Điều tra XHH", "SIPAS", "Tác động của CCHC", "Chỉ số CCHC"]
    path = tmp_path / "wide.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh, delimiter=";").writerows([header, ["Quảng Ninh", "tỉnh", "2019", "55,2", "20,1", "8,5",
                                                          "4,29", "88,09"]])
    assert main(["standardise", str(path), "--out", str(tmp_path / "o")]) == 0
    scores = load_scores(tmp_path / "o" / "scores.csv").set_index("component")
    assert sorted(scores.index) == ["APPRAISAL", "C8", "SIPAS", "SURVEY", "TOTAL"]
    assert scores.loc["C8", "points"] == 4.29
