"""The batch end to end: every notebook executed by papermill on the shipped data and on a small
fixture, HTML asserted on its content, faults, escaping and self-containment."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from parindex_lib.batch.plan import slugify
from parindex_lib.batch.run import run_batch
from parindex_lib.cli import main
from parindex_lib.config import RAW_DIR
from parindex_lib.errors import ParindexError
from parindex_lib.io import sha256
from parindex_lib.standardise import write_processed

PAGES = ("summary", "trends", "weighting", "lift")

TD = slugify("Tam Đường", "district")  # Tam Đường's report folder


def text_of(path: Path) -> str:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ", strip=True)


def test_batch_writes_every_page(batch):
    for key in ("fy", "fy_en", "q3"):
        assert batch[key].ok, batch[key].describe()
    for run in ("2024-FY", "2024-FY-en", "2024-Q3-en"):
        folder = batch["out"] / run
        assert (folder / "index.html").exists() and not (folder / "_failed").exists()
        for page in PAGES:
            assert (folder / TD / f"{page}.html").exists()
            assert (folder / TD / f"{page}.ipynb").exists()  # the executed notebook, for debugging
        assert not list(batch["out"].glob(".staging-*"))


def test_summary_in_vietnamese_shows_the_key_figures(batch):
    text = text_of(batch["out"] / "2024-FY" / TD / "summary.html")
    assert "76,17%" in text and "từ 80,00% trở lên" in text and "xếp hạng 4" in text
    assert "Còn thiếu 3,83 điểm tổng" in text  # 80 − 76,17, as the reader would count
    # The recommendations: component, from → to, points gained, lead office.
    assert "Cải cách tài chính công từ 36,30% lên 60,36%" in text and "+2,67 điểm" in text
    assert "Phòng Tài chính - Kế hoạch" in text
    assert "81,89%" in text and "Tác động của cải cách hành chính" in text  # the plan's targets, the one miss
    assert "equal-9" in text and "khớp" in text  # the scheme, and the reported total checked against it
    assert "DỮ LIỆU MINH HỌA" not in text  # the FY page uses real data only
    assert "76.17%" not in text
    assert "The one-page report for leadership" not in text  # the analysts' note stays in the notebook


def test_the_same_report_in_both_languages(batch):
    vi = text_of(batch["out"] / "2024-FY" / TD / "summary.html")
    en = text_of(batch["out"] / "2024-FY-en" / TD / "summary.html")
    assert "76,17%" in vi and "+2,67 điểm" in vi and "76.17%" not in vi
    assert "76.17%" in en and "+2.67 percentage points" in en and "76,17%" not in en
    assert "Leadership summary: Tam Đường" in en and "Public finance reform from 36.30% to 60.36%" in en


def test_english_report_uses_english_notation(batch):
    text = text_of(batch["out"] / "2024-Q3-en" / TD / "summary.html")
    assert "79.80%" in text and "80.00% or more" in text and "79,80%" not in text
    assert "Public finance reform" in text and "Phòng Tài chính" in text
    assert "the projected year-end total is 81.09%: the target would be met" in text
    for page in PAGES:  # illustrative data is labelled on every page where it appears
        assert "ILLUSTRATIVE DATA" in text_of(batch["out"] / "2024-Q3-en" / TD / f"{page}.html")


def test_index_pages_list_units_with_total_target_and_status(batch):
    fy = text_of(batch["out"] / "2024-FY" / "index.html")
    assert "Tam Đường" in fy and "76,17% (năm 2023)" in fy and "từ 80,00% trở lên" in fy and "Cần cải thiện" in fy
    q3 = text_of(batch["out"] / "2024-Q3-en" / "index.html")
    assert "79.80% (Q3/2024)" in q3 and "On track" in q3 and "ILLUSTRATIVE DATA" in q3


def test_lift_page_names_components_and_owners(batch):
    text = text_of(batch["out"] / "2024-FY" / TD / "lift.html")
    assert "Cải cách tài chính công" in text and "Phòng Tài chính" in text
    assert "Kịch bản" not in text and "55,00%" not in text  # the analysts' what-if stays in the notebook


def test_trends_and_weighting_pages(batch):
    trends = text_of(batch["out"] / "2024-Q3-en" / TD / "trends.html")
    assert "Theil–Sen" in trends and "Off track" in trends and "On track" in trends
    weighting = text_of(batch["out"] / "2024-FY" / TD / "weighting.html")
    assert "76,1756%" in weighting and "không xác định được 9 trọng số" in weighting
    assert "equal-8" in weighting and "provincial-2024" not in weighting  # schemes of the district level only


def test_every_page_is_self_contained_and_shows_no_code(batch):
    pages = list(batch["out"].rglob("*.html"))
    assert len(pages) == 15
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert not soup.find_all("script"), page
        for tag in soup.find_all(src=True) + soup.find_all(href=True):
            ref = tag.get("src") or tag.get("href")
            assert not re.match(r"^(https?:)?//", ref), (page, ref)
        assert not soup.select(".jp-InputArea, .input_area, .jp-CodeCell .jp-InputPrompt"), page
        assert "pages.build(" not in soup.get_text() and "import " not in soup.get_text()
        for img in soup.find_all("img"):
            assert img["src"].startswith("data:image/png;base64,")
    assert len(BeautifulSoup((batch["out"] / "2024-FY" / TD / "summary.html").read_text(), "html.parser")
               .find_all("img")) == 2


def test_provenance_on_every_page(batch):
    digest = sha256(RAW_DIR / "tam_duong_2024_ke_hoach_chi_so.tsv")
    for page in PAGES:
        text = text_of(batch["out"] / "2024-FY" / TD / f"{page}.html")
        assert digest in text and "equal-9" in text and "parindex 0." in text
        assert "data/raw/tam_duong_2024_ke_hoach_chi_so.tsv" in text
        assert str(ROOT) not in text and "/tmp/" not in text  # no machine paths for leadership


def test_notebooks_are_committed_clean_and_thin():
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), nb_path
        tagged = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
        assert len(tagged) == 1
        for c in code:
            src = "".join(c["source"])
            assert not re.search(r"^\s*(def|class) ", src, re.M), nb_path
            assert len([line for line in src.splitlines() if line.strip() and not line.startswith("#")]) <= 15


def test_slugs_stay_inside_reports_and_are_unique_by_construction():
    assert TD.startswith("tam-duong-") and slugify("Tam Đường", "district") == TD  # stable across runs
    assert slugify("../../x", "district").startswith("x-") and slugify("<script>").startswith("script-")
    assert slugify("..").startswith("unit-")
    look_alike = ["A", "A-2", "a", "a 2", "Á"]
    assert len({slugify(u) for u in look_alike}) == len(look_alike)
    long = slugify("Xã " + "Đường" * 60)
    assert len(long) <= 60 and "/" not in long


@pytest.fixture()
def fixture_raw(tmp_path):
    """Two small districts (one with a hostile name; equal-9 totals them) and one whose data lacks a component."""
    raw = tmp_path / "raw"
    raw.mkdir()
    lines = ["unit,level,year,period,component,kind,value_pct,lead_units"]
    codes = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "SIPAS"]
    for unit in ("<script>alert(1)</script>", "../../x"):
        for i, c in enumerate(codes):
            lines.append(f'"{unit}",district,2024,FY,{c},actual,"{60 + 4 * i},5%",<b>Văn phòng</b>')
            lines.append(f'"{unit}",district,2025,FY,{c},target,"Trên {70 + 3 * i}%",')
    for c in codes[:-1]:  # "Xã Thiếu" lacks SIPAS: its pages fail, the others go on
        lines.append(f"Xã Thiếu,district,2024,FY,{c},actual,70%,")
    (raw / "communes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return raw


@pytest.mark.notebook
def test_small_fixture_escaping_and_one_failing_unit(tmp_path, fixture_raw):
    out = tmp_path / "reports"
    summary = run_batch(overrides={"year": "2025", "period": "FY"}, raw_dir=fixture_raw, out_dir=out,
                        processed_dir=tmp_path / "processed", progress=False)
    assert summary.ok and not summary.failures  # a unit the data cannot report on is said, not failed
    assert "không báo cáo: Xã Thiếu (huyện)" in summary.describe() and "SIPAS" in summary.describe()
    run = out / "2025-FY"
    hostile, x = slugify("<script>alert(1)</script>", "district"), slugify("../../x", "district")
    assert sorted(p.name for p in run.iterdir()) == sorted([".parindex-owned", "index.html", "parindex-2025-FY.xlsx",
                                                            hostile, x])
    index_text = BeautifulSoup((run / "index.html").read_text(encoding="utf-8"), "html.parser").get_text(" ")
    assert "Xã Thiếu" in index_text and "SIPAS" in index_text
    html = (run / slugify("<script>alert(1)</script>", "district") / "summary.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Văn phòng</b>" not in html and "&lt;b&gt;Văn phòng&lt;/b&gt;" in html
    index = (run / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in index and "<script>" not in index
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))


def test_misspelt_parameter_fails_before_anything_runs(tmp_path):
    with pytest.raises(ParindexError, match='unknown parameter.*"sheme".*did you mean "scheme"'):
        run_batch(overrides={"sheme": "equal-9"}, out_dir=tmp_path / "r", processed_dir=tmp_path / "p")
    assert not (tmp_path / "r").exists() and not (tmp_path / "p").exists()


@pytest.mark.notebook
def test_a_failing_notebook_never_replaces_a_good_report(tmp_path, fixture_raw):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    kw = dict(overrides={"year": "2025"}, units=["../../x"], raw_dir=fixture_raw, out_dir=tmp_path / "r",
              processed_dir=tmp_path / "p", notebooks_dir=notebooks, progress=False)
    assert run_batch(**kw).ok
    x = slugify("../../x", "district")
    good = (tmp_path / "r" / "2025-FY" / x / "lift.html").read_bytes()
    nb = json.loads((notebooks / "30_lift.ipynb").read_text(encoding="utf-8"))
    nb["cells"].insert(4, {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                           "id": "boom", "source": ["raise RuntimeError('boom')"]})
    (notebooks / "30_lift.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    summary = run_batch(**kw)
    assert not summary.ok
    (failure,) = summary.failures
    assert failure.task.page == "lift" and "RuntimeError: boom" in failure.error and failure.cell is not None
    assert (tmp_path / "r" / "2025-FY" / x / "lift.html").read_bytes() == good
    assert (tmp_path / "r" / "2025-FY" / "_failed" / x / "lift.ipynb").exists()


def test_cli_run_exits_non_zero_on_failure(tmp_path, fixture_raw, capsys):
    code = main(["run", "--raw", str(fixture_raw), "--out", str(tmp_path / "r"), "--year", "2025",
                 "--unit", "Xã Thiếu", "--processed", str(tmp_path / "p"), "--lang", "en"])
    assert code == 2  # asked for by name, and its data cannot give a report: said before any work
    assert "Xã Thiếu (district) cannot be reported" in capsys.readouterr().err
    assert main(["run", "--set", "targett=81", "--out", str(tmp_path / "r")]) == 2


@pytest.mark.notebook
@pytest.mark.parametrize("name", ["00_summary", "30_lift"])
def test_notebooks_run_as_is_with_their_defaults(tmp_path, name, shipped):
    """What an analyst gets opening a notebook in JupyterLab: no parameters given, paths relative to it."""
    import papermill

    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", tmp_path / "notebooks")
    write_processed(shipped, tmp_path / "data" / "processed")
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(tmp_path / "notebooks" / f"{name}.ipynb"), str(out), kernel_name="parindex",
                               cwd=str(tmp_path / "notebooks"), progress_bar=False)
    html = "".join(o.get("data", {}).get("text/html", "") if isinstance(o.get("data", {}).get("text/html"), str)
                   else "".join(o.get("data", {}).get("text/html", []))
                   for c in json.loads(out.read_text(encoding="utf-8"))["cells"] for o in c.get("outputs", []))
    assert "Tam Đường" in html and ("76,17%" in html if name == "00_summary" else "Kịch bản" in html)


def test_unknown_unit_fails_before_anything_runs(tmp_path):
    with pytest.raises(ParindexError, match=r'no actual results for unit "Tam Dong".*Tam Đường'):
        run_batch(units=["Tam Dong"], out_dir=tmp_path / "r", processed_dir=tmp_path / "p")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("overrides, message", [
    ({"lang": "fr"}, 'language "fr" is not supported'),
    ({"period": "Q5"}, 'period "Q5" is not one of'),
    ({"scheme": "provincial-2024"}, "incomplete"),
    ({"scheme": "ha-tinh-commune-2019"}, "no unit can be reported for 2024 FY"),  # a commune scheme fits none
    ({"year": "twenty"}, 'year = "twenty" is not a whole number'),
    ({"target": [80]}, r'target = "\[80\]" is not a number'),
    ({"target": "0"}, r"target = 0.0 is not a percentage in \(0, 100\]"),
    ({"target": "nan"}, "is not a finite number"),
    ({"target": "150"}, r"not a percentage in \(0, 100\]"),
    ({"year": "9999"}, "year 9999 is outside the data's years 2016–2025"),
    ({"unit": "Tam Đường"}, "set by the batch"),
    ({"scores_path": "/etc/passwd"}, "set by the batch"),
    ({"scheme": 5}, 'scheme = "5" is not text'),
    ({"analyst_cells": "maybe"}, "is not true or false"),
])
def test_bad_parameter_values_fail_before_anything_runs(tmp_path, overrides, message):
    with pytest.raises(ParindexError, match=message):
        run_batch(overrides=overrides, out_dir=tmp_path / "r", processed_dir=tmp_path / "p")
    assert not (tmp_path / "r").exists() and not (tmp_path / "p").exists()
