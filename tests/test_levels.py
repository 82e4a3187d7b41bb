"""Every level and every methodology year: the scheme follows the unit, the Ministry's rule when the data
carries points, bonus and penalty points, units with totals only, one total deciding "met", reference rows,
levels on the command line, and the published provincial figures shipped in data/raw."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from parindex_lib.analyses import lift, weighting
from parindex_lib.analyses.trends import consecutive, history, total_status
from parindex_lib.batch.plan import slugify
from parindex_lib.batch.run import run_batch
from parindex_lib.cli import main
from parindex_lib.errors import MethodError, SchemeError
from parindex_lib.model.index import PARIndex, resolve_unit
from parindex_lib.model.schemes import available_schemes, default_scheme, load_scheme
from parindex_lib.present import pages
from parindex_lib.present.summary import note_text
from parindex_lib.readers import read_file, read_scores
from parindex_lib.standardise import standardise, write_processed

CODES = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"]
# Sơn La's published 2024 points for areas 3, 4, 5 and 8; the other four made up (their split is unpublished).
SON_LA = {"C1": "9/10", "C2": "8,5/10", "C3": "12,75/13", "C4": "10,18/10,5", "C5": "14,23/15", "C6": "11/12",
          "C7": "11,2/13", "C8": "13,14/16,5"}


def write(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture()
def points_province(tmp_path) -> pd.DataFrame:
    rows = [["Sơn La", "tỉnh", "2024", c, v] for c, v in SON_LA.items()]
    return read_scores(write(tmp_path / "sl.csv", ["Tỉnh", "Cấp", "Năm", "Chỉ số", "Điểm"], rows))


# 1. The scheme follows the unit ------------------------------------------------------------------------

def test_every_scheme_says_its_level_years_and_source():
    for name in available_schemes():
        scheme = load_scheme(name)
        assert scheme.level and scheme.years and scheme.source, name
    assert default_scheme("district", 2023).name == "equal-9"
    assert default_scheme("province", 2024).name == "provincial-2024"
    assert default_scheme("province", 2013).name == "provincial-2012"
    assert default_scheme("province", 2018).name == "provincial-2017"
    assert default_scheme("province", 2016).total_points == 97.5
    assert default_scheme("commune", 2024) is None  # each province sets its own: nothing is assumed


def test_a_province_is_never_totalled_by_the_district_scheme(tmp_path):
    rows = [["Hà Nam", "tỉnh", "2024", c, f"{80 + i}%"] for i, c in enumerate(CODES)]
    rows.append(["Hà Nam", "tỉnh", "2024", "Chỉ số CCHC", "84,50%"])
    scores = read_scores(write(tmp_path / "hn.csv", ["Tỉnh", "Cấp", "Năm", "Chỉ số", "Kết quả"], rows))
    idx = PARIndex.from_scores(scores, "Hà Nam", 2024)
    assert idx.scheme.name == "provincial-2024" and not idx.can_total
    assert idx.total == idx.display_total == 84.5  # the reported total, never an equal-weights mean
    assert "C1, C2, C6, C7" in str(idx.no_totals_reason)
    with pytest.raises(SchemeError, match="made for the district level, not for a province"):
        PARIndex.from_scores(scores, "Hà Nam", 2024, scheme="equal-9")
    with pytest.raises(MethodError, match="this needs the components"):
        lift.lift(idx)


# 2. The Ministry's rule when the data carries points ----------------------------------------------------

def test_points_and_maxima_define_the_total_and_the_weights(points_province):
    idx = PARIndex.from_scores(points_province, "Son La", 2024)  # found without diacritics
    assert idx.unit == "Sơn La" and idx.from_points and idx.scheme.name == "points-in-data"
    assert idx.total == pytest.approx(90.0)  # Σ points 90,00 ÷ Σ maxima 100
    assert idx.weights["C8"] == pytest.approx(0.165) and idx.weights["C4"] == pytest.approx(0.105)
    table = weighting.contributions(idx)
    assert table["contribution"].sum() == pytest.approx(90.0)
    assert (table.loc["C8", "max_points"] - table.loc["C8", "points"]) == pytest.approx(3.36)
    result = lift.lift(idx.__class__.from_scores(points_province, "Sơn La", 2024, target=95))
    assert result.feasible and result.total_after == pytest.approx(95.0, abs=1e-6)
    gained = sum(idx.weights[c] * (r.to_pct - r.from_pct) for c, r in result.changes.iterrows())
    assert gained == pytest.approx(5.0, abs=1e-6)
    sens = weighting.weight_sensitivity(idx, draws=2_000)
    assert 85 < sens.quantiles["median"] < 95


def test_pages_show_points_beside_percentages(points_province, tmp_path):
    write_processed(standardise([write(tmp_path / "raw.csv", ["Tỉnh", "Cấp", "Năm", "Chỉ số", "Điểm"],
                                       [["Sơn La", "tỉnh", "2024", c, v] for c, v in SON_LA.items()])]),
                    tmp_path / "p")
    ctx = pages.build(scores_path=str(tmp_path / "p" / "scores.csv"), tasks_path=str(tmp_path / "p" / "tasks.csv"),
                      raw_dir=str(tmp_path), unit="Sơn La", year=2024, period="FY", target=95.0, bound="ge",
                      scheme="", lang="vi")
    reading = pages.weighting_reading(ctx).data
    assert "3,36/16,5 điểm" in reading  # Tác động: 16,5 − 13,14 points lost
    table = pages.contributions_table(ctx).to_html()
    assert "13,14/16,5 điểm" in table and "3,36/16,5 điểm" in table


def test_points_and_max_points_columns_read_the_same(tmp_path):
    rows = [["Sơn La", "tỉnh", "2024", c, v.split("/")[0], v.split("/")[1]] for c, v in SON_LA.items()]
    scores = read_scores(write(tmp_path / "a.csv", ["Tỉnh", "Cấp", "Năm", "Chỉ số", "Điểm", "Điểm tối đa"], rows))
    assert PARIndex.from_scores(scores, "Sơn La", 2024).total == pytest.approx(90.0)


# 3. Methodology periods, bonus and penalty points -------------------------------------------------------

COMMUNE_SCHEME = """
name: tinh-x-commune-2025
title_vi: Bộ chỉ số CCHC cấp xã của tỉnh X (thử)
title_en: Province X commune scheme (test)
level: commune
years: 2025
source: a test scheme
max_points: {APPRAISAL: 70, SURVEY: 30}
adjustments: {BONUS: 5, PENALTY: null}
"""


def test_bonus_and_penalty_add_to_the_points_not_to_the_maximum(tmp_path):
    (tmp_path / "x.yaml").write_text(COMMUNE_SCHEME, encoding="utf-8")
    rows = [["Xã Y", "xã", "2025", "Điểm thẩm định", "60/70"], ["Xã Y", "xã", "2025", "Điều tra XHH", "24/30"],
            ["Xã Y", "xã", "2025", "Điểm thưởng", "2/5"], ["Xã Y", "xã", "2025", "Điểm trừ", "1/10"]]
    scores = read_scores(write(tmp_path / "y.csv", ["Xã", "Cấp", "Năm", "Chỉ số", "Điểm"], rows))
    by_points = PARIndex.from_scores(scores, "Xã Y", 2025)
    by_scheme = PARIndex.from_scores(scores, "Xã Y", 2025, scheme=str(tmp_path / "x.yaml"))
    assert by_points.total == pytest.approx(85.0) and by_scheme.total == pytest.approx(85.0)  # (60+24+2−1)/100
    assert by_scheme.adjustment == pytest.approx(1.0)
    assert lift.plan_targets(by_scheme).total_at_targets == pytest.approx(85.0)
    over = scores.copy()
    over.loc[over["component"] == "BONUS", "points"] = 6.0
    with pytest.raises(SchemeError, match="above the cap of 5"):
        _ = PARIndex.from_scores(over, "Xã Y", 2025, scheme=str(tmp_path / "x.yaml")).total


def test_blocks_of_2017_2020_add_up_to_the_reported_total(tmp_path):
    rows = [["Quảng Ninh", "tỉnh", "2019", "Điểm thẩm định", "55,2/62"], ["Quảng Ninh", "tỉnh", "2019", "SIPAS",
                                                                           "8,5/10"],
            ["Quảng Ninh", "tỉnh", "2019", "Điều tra XHH", "20,1/23"], ["Quảng Ninh", "tỉnh", "2019", "Tác động",
                                                                         "4,29/5"],
            ["Quảng Ninh", "tỉnh", "2019", "Chỉ số CCHC", "88,09/100"]]
    scores = read_scores(write(tmp_path / "qn.csv", ["Tỉnh", "Cấp", "Năm", "Chỉ số", "Điểm"], rows))
    idx = PARIndex.from_scores(scores, "Quảng Ninh", 2019)
    check = idx.check_total()
    assert idx.total == pytest.approx(88.09) and check.consistent  # Σ blocks = total
    assert load_scheme("provincial-2017").aggregation == "sum"


# 4. Units with totals only ------------------------------------------------------------------------------

@pytest.fixture()
def province_series(tmp_path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Tỉnh"
    sheet.append(["Tỉnh, thành phố", "Cấp", "Năm", "Chỉ số CCHC", "Xếp hạng"])
    for row in (["Lai Châu", "Tỉnh", 2016, "67,41/97,5", "59/63"], ["Lai Châu", "Tỉnh", 2022, 0.8, "30/63"],
                ["Lai Châu", "Tỉnh", 2023, 0.825, "24/63"], ["Điện Biên", "Tỉnh", 2023, 0.8112, "40/63"],
                ["Cả nước", "Cả nước", 2023, 0.8698, None]):
        sheet.append(row)
    for r in range(2, 7):
        sheet.cell(r, 4).number_format = "0.00%"
    book.save(raw / "tinh.xlsx")
    return raw


def test_a_province_series_as_typed_in_excel_reads_as_received(province_series):
    scores = standardise(None, province_series).scores.set_index(["unit", "year"])
    assert scores.loc[("Lai Châu", 2016), "value_pct"] == pytest.approx(100 * 67.41 / 97.5)
    assert (scores.loc[("Lai Châu", 2016), "points"], scores.loc[("Lai Châu", 2016), "max_points"]) == (67.41, 97.5)
    assert scores.loc[("Lai Châu", 2023), "value_pct"] == 82.5
    assert (scores.loc[("Lai Châu", 2023), "rank"], scores.loc[("Lai Châu", 2023), "rank_of"]) == (24, 63)
    assert set(scores["period"]) == {"FY"} and set(scores["kind"]) == {"actual"}
    assert scores.loc[("Cả nước", 2023), "level"] == "national"


@pytest.mark.notebook
def test_totals_only_units_get_summary_and_trends_and_say_what_else_they_need(province_series, tmp_path):
    from bs4 import BeautifulSoup

    out = tmp_path / "reports"
    summary = run_batch(overrides={"year": "2023", "period": "FY"}, raw_dir=province_series, out_dir=out,
                        processed_dir=tmp_path / "p", progress=False)
    assert summary.ok, summary.describe()  # weighting and lift saying what they need is not a failure

    def text(unit: str, page: str, lang: str = "2023-FY") -> str:
        path = out / lang / slugify(unit, "province") / f"{page}.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ", strip=True)

    trends = text("Lai Châu", "trends")
    assert "82,50 (+2,50) · xếp hạng 24/63" in trends  # reported totals kept as reported, change in points
    assert "80,00 (+10,86, 2016 → 2022)" in trends  # a gap said as such (69,14 → 80,00)
    assert "Tổng điểm tăng 2,50 điểm phần trăm so với kỳ trước" in trends
    assert "Chênh lệch so với Cả nước −4,48 (86,98)" in trends  # the distance to the national average
    summary_page = text("Lai Châu", "summary")
    assert "82,50%" in summary_page and "xếp hạng 24/63" in summary_page
    for page in ("weighting", "lift"):
        assert "cần điểm các chỉ số thành phần" in text("Lai Châu", page)
    index = (out / "2023-FY" / "index.html").read_text(encoding="utf-8")
    assert "Cả nước" not in BeautifulSoup(index, "html.parser").find("table").get_text()  # never a unit
    soup = BeautifulSoup(index, "html.parser")
    ranked = [a.get_text() for a in soup.find("table").find_all("a")]
    assert ranked == ["Lai Châu", "Điện Biên"] and soup.find("img")  # ranked, with a chart
    assert [a.get_text() for a in soup.find_all("a")][-1] == "các đơn vị cấp tỉnh"  # and their peer page


def test_consecutive_periods():
    assert consecutive((2022, "FY"), (2023, "FY")) and not consecutive((2016, "FY"), (2022, "FY"))
    assert consecutive((2024, "Q2"), (2024, "Q3")) and not consecutive((2024, "Q1"), (2024, "Q3"))


# 5. One total decides "met" -----------------------------------------------------------------------------

def test_the_reported_total_decides_and_trends_keep_it(tmp_path):
    values = {"C1": 80, "C2": 80, "C3": 80, "C4": 80, "C5": 80, "C6": 80, "C7": 80, "C8": 80, "SIPAS": 79.91}
    rows = [["Mường Tè", "huyện", "2023", c, f"{v}%".replace(".", ",")] for c, v in values.items()]
    rows.append(["Mường Tè", "huyện", "2023", "Tổng cộng", "80,00%"])  # recomputed 79,99
    scores = read_scores(write(tmp_path / "mt.csv", ["Đơn vị", "Cấp", "Năm", "Chỉ số", "Kết quả"], rows))
    idx = PARIndex.from_scores(scores, "Mường Tè", 2023, target=80.0)
    assert idx.total == pytest.approx(79.99) and idx.display_total == 80.0
    assert idx.meets_target and total_status(idx, scores) == "met"
    assert history(scores, "Mường Tè", idx.weights).loc[(2023, "FY"), "TOTAL"] == 80.0
    strict = PARIndex.from_scores(scores, "Mường Tè", 2023, target=80.0, bound="gt")
    assert not strict.meets_target  # "Trên 80%" needs more than 80


# 6 and 7. Reference rows, and levels on the command line ------------------------------------------------

@pytest.fixture()
def two_lai_chau(tmp_path) -> Path:
    rows = [["Lai Châu", "tỉnh", "2023", "Chỉ số CCHC", "82,5%"]]
    rows += [["Lai Châu", "thành phố", "2023", c, f"{70 + i}%"] for i, c in enumerate([*CODES, "SIPAS"])]
    rows += [["Cả nước", "toàn quốc", "2023", "Chỉ số CCHC", "86,98%"]]
    raw = tmp_path / "raw"
    raw.mkdir()
    write(raw / "lc.csv", ["Đơn vị", "Cấp", "Năm", "Chỉ số", "Kết quả"], rows)
    return raw


def test_a_name_at_two_levels_is_an_ambiguity_that_level_answers(two_lai_chau, tmp_path, capsys):
    scores = standardise(None, two_lai_chau).scores
    with pytest.raises(MethodError, match=r"ambiguous: Lai Châu \(province\); Lai Châu \(district\)"):
        resolve_unit(scores, "Lai Chau")
    assert resolve_unit(scores, "lai chau", "tỉnh") == ("Lai Châu", "province")
    with pytest.raises(MethodError, match="no actual results"):
        resolve_unit(scores, "Cả nước")  # averages are never units
    write_processed(standardise(None, two_lai_chau), tmp_path / "p", raw_dir=two_lai_chau)
    scores_csv = str(tmp_path / "p" / "scores.csv")
    assert main(["lift", "--unit", "Lai Chau", "--year", "2023", "--scores", scores_csv, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "ambiguous" in err and "(district)" in err and "(province)" in err and len(err.splitlines()) == 1
    assert main(["lift", "--unit", "Lai Chau", "--level", "district", "--year", "2023", "--scores", scores_csv,
                 "--format", "json"]) == 0
    assert '"unit": "Lai Châu"' in capsys.readouterr().out
    assert main(["lift", "--unit", "Lai Chau", "--level", "province", "--year", "2023", "--scores",
                 scores_csv, "--lang", "en"]) == 2
    assert "this needs the components" in capsys.readouterr().err
    assert main(["run", "--raw", str(two_lai_chau), "--unit", "Lai Châu", "--out", str(tmp_path / "r"),
                 "--processed", str(tmp_path / "p2"), "--year", "2023", "--lang", "en"]) == 2
    assert "ambiguous" in capsys.readouterr().err
    assert main(["run", "--raw", str(two_lai_chau), "--level", "moon", "--out", str(tmp_path / "r"),
                 "--processed", str(tmp_path / "p2"), "--year", "2023"]) == 2


# 8. Vietnamese as people write it -----------------------------------------------------------------------

@pytest.mark.parametrize("level, expected", [
    ("tỉnh", "province"), ("thành phố trực thuộc trung ương", "province"), ("cấp tỉnh", "province"),
    ("sở/ban/ngành", "department"), ("huyện/quận/thị xã", "district"), ("xã/phường/thị trấn", "commune"),
    ("Toàn quốc", "national"), ("vùng", "region"),
])
def test_levels_as_written(tmp_path, level, expected):
    scores = read_scores(write(tmp_path / "l.csv", ["Đơn vị", "Cấp", "Năm", "Kỳ", "Chỉ số", "Kết quả"],
                               [["X", level, "năm 2022", "Cả năm", "PAR INDEX", "80%"]]))
    assert (scores["level"].item(), scores["year"].item(), scores["period"].item(), scores["component"].item()) \
        == (expected, 2022, "FY", "TOTAL")


# The published provincial figures, shipped -------------------------------------------------------------

def test_the_published_figures_are_shipped_with_their_sources(scores):
    hp = scores[(scores["unit"] == "Hải Phòng") & (scores["year"] == 2023) & (scores["component"] == "TOTAL")]
    assert hp["value_pct"].item() == 91.87 and "91,81" in hp["note"].item()  # the conflict, kept in the note
    assert "baochinhphu" in hp["source"].item() and hp["rank"].item() == 2 and hp["rank_of"].item() == 63
    national = scores[(scores["level"] == "national") & (scores["year"] == 2024) & (scores["component"] == "TOTAL")]
    assert national["value_pct"].item() == 88.37
    assert scores.loc[scores["level"] == "region", "unit"].nunique() == 6
    assert (scores.loc[(scores["unit"] == "Long An") & (scores["year"] == 2024), "value_pct"] == 82.71).all()


def test_make_reports_shows_provinces_too():
    import yaml

    spec = yaml.safe_load((ROOT / "params" / "2024-FY.yaml").read_text(encoding="utf-8"))
    assert "level" not in spec and "units" not in spec  # every level with results, one ranked table each


def test_a_maximum_taken_from_the_scheme_is_said(tmp_path):
    path = write(tmp_path / "c3.csv", ["Tỉnh", "Cấp", "Năm", "Chỉ số", "Điểm"],
                 [["Sơn La", "tỉnh", "2024", "Cải cách TTHC", "12,75"]])
    assert read_file(path).scores["max_points"].isna().all()  # the reader only reads: no scheme is consulted
    result = standardise([path])  # the standardise step fills it, and says so once
    c3 = result.scores.iloc[0]
    assert (c3.points, c3.max_points, round(c3.value_pct, 4)) == (12.75, 13.0, 98.0769)
    (note,) = result.notes
    assert "took the maximum their year's published scheme gives: C3 13 points (provincial-2024, 1 value(s))" \
        in str(note)
    assert str(note) in result.describe()
    assert note_text(note, "vi") == ("1 giá trị điểm không ghi điểm tối đa được lấy điểm tối đa do phương pháp công "
                                     "bố của năm đó quy định: C3 13 điểm (provincial-2024, 1 giá trị)")
