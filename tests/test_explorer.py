"""The scenario explorer: its state without widgets (choices from the data, the index a choice gives or the sentence
saying why not, points and percent, a scenario's figures, saved scenarios that read back), one unit's explorer and
the code-free workbench (dropdowns, typed values, language, export, escaping, the criterion slot), the notebook —
and the real thing twice: `40_explore.ipynb` run in JupyterLab, and `parindex explore` served by Voilà, each driven
in Chromium (a unit chosen from the dropdown, a value typed, a slider dragged, the total read in Vietnamese).
The browser tests skip without Chromium unless PARINDEX_REQUIRE_BROWSER=1."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import ipywidgets as w
import pandas as pd
import papermill
import pytest

from conftest import ROOT, UNIT, save_readme_picture
from parindex_lib import cli
from parindex_lib.config import RAW_DIR
from parindex_lib.errors import MethodError, ParindexError
from parindex_lib.model.index import PARIndex
from parindex_lib.present.explore import explorer, html, workbench
from parindex_lib.present.pages import PAGES
from parindex_lib.present.saved_scenarios import SavedScenario, read_scenarios, save_scenario, write_scenarios
from parindex_lib.present.scenarios import choices, load_unit, parse_entry, readout, scenario_state, slider_scale
from parindex_lib.readers import read_scores
from parindex_lib.standardise import standardise, write_processed
from parindex_lib.vn import format_pct

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("PARINDEX_REQUIRE_BROWSER") == "1"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]
SON_LA = {"C1": "9/10", "C2": "8,5/10", "C3": "12,75/13", "C4": "10,18/10,5", "C5": "14,23/15", "C6": "11/12",
          "C7": "11,2/13", "C8": "13,14/16,5"}


def write_son_la(path: Path, lai_chau: str = "Lai Châu") -> Path:
    """A province scored in points (Sơn La 2024, 90/100) and one with its total only, as an office writes them."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Tỉnh", "Cấp", "Năm", "Chỉ số", "Điểm"])
        writer.writerows([["Sơn La", "tỉnh", "2024", c, v] for c, v in SON_LA.items()])
        writer.writerow([lai_chau, "tỉnh", "2024", "Chỉ số CCHC", "85/100"])
    return path


@pytest.fixture(scope="module")
def son_la(tmp_path_factory) -> pd.DataFrame:
    return read_scores(write_son_la(tmp_path_factory.mktemp("sl") / "sl.csv"))


# -- the state, without widgets ----------------------------------------------------------------------------------

def test_choices_come_from_the_data(scores):
    found = choices(scores)
    assert found.levels() == ["province", "department", "district", "commune"] and found.units("district") == [UNIT]
    provinces = found.units("province")
    assert provinces[:2] == ["An Giang", "Bà Rịa - Vũng Tàu"]
    assert provinces.index("Đà Nẵng") < provinces.index("Gia Lai")  # Đ sorts as D, not after Z
    assert found.years("district") == [2024, 2023] and found.periods("district") == ["FY", "Q1", "Q2", "Q3"]
    assert found.available(UNIT, "district") == [(2024, "Q3"), (2024, "Q2"), (2024, "Q1"), (2023, "FY")]
    assert found.default(UNIT, "district") == (2023, "FY")  # the latest final result, not a quarter
    assert found.first() == ("district", UNIT)  # the provinces and departments have totals only: nothing to move
    communes = found.units("commune")
    assert communes.index("Đặc khu Cát Hải") < communes.index("Du Già")
    with pytest.raises(ParindexError, match="no actual results"):
        found.default("Xã Không Có", "commune")


def test_a_year_without_results_says_so_never_another_year(scores):
    loaded = load_unit(scores, UNIT, "district", 2025, "FY")
    assert loaded.index is None and not loaded.explorable
    assert loaded.message == "Tam Đường không có kết quả năm 2025 (có: Q3/2024, Q2/2024, Q1/2024, năm 2023)."
    assert "has no results for 2025" in load_unit(scores, UNIT, "district", 2025, "FY", "en").message
    quarter = load_unit(scores, UNIT, "district", 2024, "Q3")
    assert quarter.explorable and (quarter.index.year, quarter.index.period) == (2024, "Q3")


def test_the_plan_gives_the_target_and_its_bound(scores):
    index = load_unit(scores, UNIT, "district", 2023, "FY").index
    assert (index.target, index.bound, index.target_year) == (80.0, ">", 2024)  # "Trên 80%" in the plan


def test_a_unit_with_its_total_only_gets_one_sentence(son_la):
    loaded = load_unit(son_la, "Lai Châu", "province", 2024, "FY")
    assert loaded.index is not None and not loaded.explorable
    assert loaded.message.startswith("Lai Châu chỉ có tổng điểm năm 2024 (85,00%), không có điểm các chỉ số thành "
                                     "phần để thử kịch bản (")
    assert loaded.message.count(".") <= 2 and "Traceback" not in loaded.message
    with pytest.raises(MethodError, match="needs the components"):
        explorer(loaded.index)


def test_points_move_in_points_and_percent_in_percent(son_la, idx):
    index = load_unit(son_la, "Sơn La", "province", 2024, "FY").index
    scale = slider_scale(index, "C3")
    assert scale.in_points and scale.maximum == 13 and scale.to_slider(12.75 / 13 * 100) == 12.75
    assert scale.to_pct(13) == 100.0
    assert readout(index, "C3", 12.75 / 13 * 100) == "12,75/13 điểm"
    assert readout(index, "C8", 100.0, "en") == "16.50/16.5 points"
    assert not slider_scale(idx, "C6").in_points and readout(idx, "C6", 60.36) == "60,36%"


def test_typed_numbers_read_either_way():
    assert [parse_entry(x) for x in ("12,75", "12.75", "12,75/13 điểm", "70,52 %", "100")] == \
        [12.75, 12.75, 12.75, 70.52, 100.0]
    for bad in ("abc", "", "1,2,3"):
        with pytest.raises(ValueError):
            parse_entry(bad)


def test_the_state_under_each_bound(idx, scores):
    state = scenario_state(idx, {"C6": 60.36, "C8": 60.36}, target=80.0)
    assert state.met and state.gap == pytest.approx(0, abs=1e-9) and round(state.total, 2) == 80.0
    strict = scenario_state(idx, {"C6": 60.36, "C8": 60.36}, target=80.0, bound="gt")
    assert not strict.met and strict.gap == pytest.approx(0.01, abs=1e-3)
    untouched = scenario_state(idx, dict(idx.values))
    assert untouched.total == 76.17 and untouched.changed == {}  # the reported total, as the reader knows it
    built = scenario_state(PARIndex.from_scores(scores, UNIT, 2023, bound="gt"), {"C6": 60.36})
    assert built.index.bound == ">"


def test_saved_scenarios_read_back_and_add_up(idx, tmp_path):
    when = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC)
    first = save_scenario(idx, {**idx.values, "C6": 60.36, "C8": 60.36}, 80.0, "ge", "gap", 1, when)
    assert (first.unit, first.level, first.year, first.period, first.target, first.bound, first.cost_model,
            first.saved_at, first.met) == (UNIT, "district", 2023, "FY", 80.0, "ge", "gap",
                                           "2026-12-03T09:30:00+00:00", True)
    odd = SavedScenario(2, "2026-12-03T09:31:00+00:00", "=HYPERLINK(\"x\")", "commune", 2024, "FY", 80.0, "gt",
                        "linear", 70.0, False, {"C1": 70.0})
    path, total = write_scenarios(tmp_path / "scenarios.csv", [first])
    assert total == 1
    path, total = write_scenarios(path, [first, odd])  # the same scenario again is not doubled
    assert total == 2 and read_scenarios(path) == [first, odd]
    text = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "\n2,2026" in text  # a spreadsheet will not run it
    frame = pd.read_csv(path)
    assert list(frame.columns[:11]) == ["scenario", "saved_at", "unit", "level", "year", "period", "target", "bound",
                                        "cost_model", "total", "met"]
    assert frame.loc[0, "C6"] == 60.36 and frame["met"].tolist() == [True, False]
    again = scenario_state(idx, read_scenarios(path)[0].values, 80.0, "ge")
    assert again.met and round(again.total, 2) == 80.0  # a saved "met" reads back as met
    (tmp_path / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ParindexError, match="not a scenarios file"):
        write_scenarios(tmp_path / "other.csv", [first])


# -- one unit's explorer -----------------------------------------------------------------------------------------

def test_sliders_state_save_and_export(idx, tmp_path):
    ex = explorer(idx, export_path=tmp_path / "scenarios.csv")
    assert list(ex.sliders) == idx.components
    c6 = ex.sliders["C6"]
    assert (c6.min, c6.max, c6.step, c6.value, c6.readout) == (36.3, 100.0, 0.01, 36.3, False)
    assert "Tài chính công" in c6.description and ex.entries["C6"].value == "36,30"
    assert ex.state() == {"total": 76.17, "gap": pytest.approx(3.83), "met": False, "changed": {}}
    ex.sliders["C6"].value = 60.36
    ex.sliders["C8"].value = 60.36
    state = ex.state()
    assert round(state["total"], 2) == 80.0 and state["met"] and state["changed"] == {"C6": 60.36, "C8": 60.36}
    assert ex.entries["C6"].value == "60,36"  # the box follows the slider, with the decimal comma
    shown = ex.views["total"].value
    assert "80,00%" in shown and "Tổng điểm đã đạt mục tiêu" in shown and 'data-met="true"' in shown
    assert "Phòng Tài chính" in ex.views["leads"].value and "data:image/png;base64," in ex.views["bridge"].value
    assert "60,36%" in ex.views["status"].value
    ex.save()
    assert "Đã lưu kịch bản #1 (80,00%)" in ex.status.value
    ex.reset()
    assert ex.sliders["C6"].value == 36.3 and ex.entries["C6"].value == "36,30" and not ex.state()["met"]
    ex.save()
    table = ex.comparison().frame
    assert list(table.columns)[1:] == ["#1", "#2"] and table.iloc[-1, 1] == "80,00%" and table.iloc[-2, 1] == "80,00%"
    path = ex.export()
    assert path == tmp_path / "scenarios.csv" and str(path) in ex.status.value and "Đã ghi 2 kịch bản" in \
        ex.status.value
    saved = pd.read_csv(path)
    assert saved["met"].tolist() == [True, False] and saved.loc[0, "C6"] == 60.36 and set(saved["bound"]) == {"ge"}


def test_typing_a_value_moves_the_slider_and_bad_input_is_said(idx):
    ex = explorer(idx)
    ex.entries["C6"].value = "60,36"
    assert ex.sliders["C6"].value == 60.36 and ex.status.value == ""
    ex.entries["C8"].value = "abc"
    assert "«abc» không phải là một số" in ex.status.value and ex.entries["C8"].value == "50,00"
    ex.entries["C8"].value = "20"
    assert "nằm ngoài khoảng cho phép 50,00 – 100,00" in ex.status.value and ex.sliders["C8"].value == 50.0
    ex.target.value = "101"
    assert "Mục tiêu «101» phải là một tỷ lệ" in ex.status.value
    ex.target.value = "75,5"
    assert ex.state()["met"] and "từ 75,50% trở lên" in ex.views["total"].value
    ex.bound.value = "gt"
    assert "trên 75,50%" in ex.views["total"].value


def test_nothing_saved_is_said_and_an_unwritable_export_too(idx, tmp_path):
    ex = explorer(idx, export_path=tmp_path / "scenarios.csv")
    assert ex.export() is None and "Chưa có kịch bản nào được lưu" in ex.status.value
    ex.save()
    blocked = tmp_path / "file"
    blocked.write_text("x")
    assert ex.export(blocked / "scenarios.csv") is None and "Không ghi được kịch bản" in ex.status.value


def test_a_points_unit_in_points(son_la):
    ex = explorer(load_unit(son_la, "Sơn La", "province", 2024, "FY").index)
    c8 = ex.sliders["C8"]
    assert (c8.min, c8.max, c8.value) == (13.14, 16.5, 13.14) and "(/16,5 điểm)" in c8.description
    assert ex.entries["C3"].value == "12,75"
    assert "90,00% (90,00/100 điểm)" in ex.views["total"].value
    ex.sliders["C8"].value = 16.5  # 13,14 → 16,5 points: +3,36 points of 100
    assert ex.state()["total"] == pytest.approx(93.36)
    assert "16,50/16,5 điểm" in ex.views["status"].value and "12,75/13 điểm" in ex.views["status"].value


def test_a_criterion_panel_fills_the_slot_under_its_component(idx):
    def panel(ex, code):
        if code != "C6":
            return None
        button = w.Button(description="1.2")
        button.on_click(lambda _: ex.set_value("C6", 60.36))
        return button

    ex = explorer(idx, criteria_panel=panel)
    assert [len(box.children) for box in ex.criteria.values()] == [0, 0, 0, 0, 0, 1, 0, 0, 0]
    ex.criteria["C6"].children[0].click()
    assert ex.sliders["C6"].value == 60.36 and ex.state()["changed"] == {"C6": 60.36}


def test_markup_in_a_name_is_shown_as_text(tmp_path):
    path = write_son_la(tmp_path / "x.csv")
    text = path.read_text(encoding="utf-8").replace("Sơn La", "<b>Sơn La</b><script>alert(1)</script>")
    path.write_text(text, encoding="utf-8")
    app = workbench(read_scores(path), None, "vi")
    assert app.unit.value == "<b>Sơn La</b><script>alert(1)</script>"
    shown = "".join(v.value for v in [*app.explorer.views.values(), app.explorer.widget.children[0]])
    assert "&lt;b&gt;Sơn La&lt;/b&gt;&lt;script&gt;" in shown and "<script>" not in shown and "<b>Sơn" not in shown
    assert html("message", "<img src=x onerror=alert(1)>") == \
        '<p class="parindex-message parindex-info" role="status">&lt;img src=x onerror=alert(1)&gt;</p>'


# -- the code-free workbench -------------------------------------------------------------------------------------

def test_the_workbench_starts_on_a_unit_to_move_and_changes_in_place(scores, shipped, son_la, tmp_path):
    app = workbench(pd.concat([scores, son_la], ignore_index=True), shipped.tasks, "vi",
                    export_path=tmp_path / "scenarios.csv")
    assert [o for o, _ in app.level.options] == ["Tỉnh", "Sở, ban, ngành", "Huyện", "Xã"]
    assert app.level.description == "Cấp"
    assert (app.level.value, app.unit.value, app.year.value, app.period.value) == ("province", "Sơn La", 2024, "FY")
    assert [label for label, _ in app.period.options] == ["Cả năm"]
    first = app.explorer
    assert app.body.children == (first.widget,)
    app.unit.value = "Lai Châu"
    assert app.explorer is None and "chỉ có tổng điểm" in app.body.children[0].value
    app.level.value = "district"
    assert (app.unit.value, app.year.value, app.period.value) == (UNIT, 2023, "FY")
    assert app.explorer.index.unit == UNIT and app.body.children == (app.explorer.widget,)
    app.year.value = 2024  # 2024 FY: no final result yet — said, not replaced by another year
    assert app.explorer is None and "không có kết quả năm 2024" in app.message
    app.period.value = "Q3"
    assert (app.explorer.index.year, app.explorer.index.period) == (2024, "Q3")
    app.explorer.save()
    app.select(unit="Sơn La")
    app.explorer.save()
    assert [s.scenario for s in app.saved] == [1, 2] and app.explorer.export() == tmp_path / "scenarios.csv"
    assert {s.unit for s in read_scenarios(tmp_path / "scenarios.csv")} == {UNIT, "Sơn La"}


def test_every_word_follows_the_language(scores, shipped):
    app = workbench(scores, shipped.tasks, "vi", unit="tam duong")  # as typed: diacritics may be left out
    ex = app.explorer
    vi = [app.level.description, app.unit.description, app.year.description, app.period.description,
          ex.target.description, ex.bound.description, ex.model.description,
          *[b.description for b in ex.buttons], *[o for o, _ in ex.bound.options],
          *[o for o, _ in ex.model.options]]
    assert vi == ["Cấp", "Đơn vị", "Năm", "Kỳ", "Mục tiêu (%)", "Điều kiện", "Cách chọn đề xuất", "Đặt lại",
                  "Lưu kịch bản", "Xuất CSV", "từ mục tiêu trở lên", "trên mục tiêu", "Thu hẹp khoảng cách (mặc định)",
                  "Mỗi điểm % tốn như nhau"]
    assert "Tổng điểm: 76,17%" in ex.views["total"].value and "Thử kịch bản" in app.widget.children[0].value
    app.language.value = "en"
    ex = app.explorer
    assert [app.level.description, *[o for o, _ in app.level.options]] == ["Level", "Province", "Department",
                                                                           "District", "Commune"]
    assert [b.description for b in ex.buttons] == ["Reset", "Save scenario", "Export CSV"]
    assert "Total: 76.17%" in ex.views["total"].value and ex.entries["C6"].value == "36.30"
    assert app.unit.value == UNIT and app.year.value == 2023  # the same choice, in the other language


def test_a_name_not_in_the_data_and_data_not_there(scores, tmp_path):
    app = workbench(scores, None, "vi", unit="Xã Không Có")
    assert app.explorer.index.unit == UNIT
    assert "Không có đơn vị «Xã Không Có» trong dữ liệu; đang hiển thị Tam Đường." in app.status.value
    missing = workbench(tmp_path / "nothing.csv", None, "vi")
    assert "Chưa đọc được dữ liệu" in missing.widget.children[1].value and "parindex standardise" in \
        missing.widget.children[1].value


# -- the notebook ------------------------------------------------------------------------------------------------

def test_the_batch_does_not_render_the_explorer():
    assert "40_explore" not in PAGES.values()
    nb = json.loads((ROOT / "notebooks" / "40_explore.ipynb").read_text(encoding="utf-8"))
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    assert all(c["cell_type"] == "code" for c in nb["cells"])  # served code-free, a markdown cell would show


def test_the_explorer_imports_without_the_server():
    """Every warm kernel of a run imports the explorer: the web server (Voilà, about 1,5 s) must not come with it."""
    code = "import sys, parindex_lib.present.explore; print(sorted(m for m in sys.modules if m.startswith('voila')))"
    said = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert said.strip() == "[]"


def test_explore_says_a_port_it_cannot_use_in_the_commands_language(capsys):
    assert cli.main(["explore", "--port", "70000", "--no-browser"]) == 2
    assert capsys.readouterr().err.strip() == \
        "parindex: lỗi: --port 70000: số cổng phải từ 1 đến 65535 (ví dụ 8866)"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["explore", "--port", str(port), "--no-browser"]) == 2
        said = capsys.readouterr().err.strip()
        assert said.startswith(f"parindex: lỗi: --port {port} trên 127.0.0.1: không mở được cổng này")
        assert cli.main(["explore", "--port", str(port), "--no-browser", "--lang", "en"]) == 2
        said = capsys.readouterr().err.strip()
        assert said.startswith(f"parindex: error: --port {port} on 127.0.0.1: cannot listen there (")


@pytest.mark.notebook
def test_the_notebook_runs_end_to_end(tmp_path, shipped):
    write_processed(shipped, tmp_path / "processed")
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(ROOT / "notebooks" / "40_explore.ipynb"), str(out), kernel_name="parindex",
                               parameters={"scores_path": str(tmp_path / "processed" / "scores.csv"), "year": 2024,
                                           "period": "Q3"}, progress_bar=False, cwd=str(ROOT / "notebooks"))
    outputs = json.loads(out.read_text(encoding="utf-8"))["cells"][-1]["outputs"]
    assert [o["output_type"] for o in outputs] == ["execute_result"]
    assert "application/vnd.jupyter.widget-view+json" in outputs[0]["data"]


# -- in a browser ------------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, what: str, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} stopped (exit {proc.returncode})")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{what} did not start")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture()
def project(tmp_path):
    """A project folder as `parindex init` makes it: the shipped raw data with a points-scored province added,
    standardised, and the explorer's notebook."""
    if not CHROMIUM:
        if REQUIRED:
            pytest.fail("PARINDEX_REQUIRE_BROWSER=1 but no chromium executable was found")
        pytest.skip("no Chromium on this machine (install Debian's chromium, or set PARINDEX_REQUIRE_BROWSER=1)")
    raw = tmp_path / "data" / "raw"
    shutil.copytree(RAW_DIR, raw)
    write_son_la(raw / "son_la_2024.csv")
    write_processed(standardise(None, raw), tmp_path / "data" / "processed", raw_dir=raw)
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "40_explore.ipynb", tmp_path / "notebooks")
    return tmp_path


def _drive(page, tmp_path: Path, scores: pd.DataFrame, picture: str | None = None) -> tuple[str, str]:
    """Choose units from the dropdowns, type two values, drag a slider to its end with the mouse; return the
    total as shown after typing and after dragging."""
    from playwright.sync_api import expect

    def dropdown(label: str):
        return page.locator(".widget-dropdown").filter(
            has=page.locator("label", has_text=re.compile(f"^{label}$"))).locator("select")

    total = page.wait_for_selector(".parindex-total", timeout=120_000)
    assert "Sơn La" in page.inner_text(".parindex-unit") and "90,00% (90,00/100 điểm)" in total.inner_text()
    dropdown("Đơn vị").select_option(label="Lai Châu")
    page.wait_for_selector("text=Lai Châu chỉ có tổng điểm năm 2024 (85,00%)", timeout=60_000)
    dropdown("Cấp").select_option(label="Huyện")
    page.wait_for_function("document.querySelector('.parindex-total') && "
                           "document.querySelector('.parindex-total').innerText.includes('76,17%')", timeout=60_000)
    for name in ("Tài chính công", "Tác động"):
        entry = page.locator(".parindex-component", has_text=name).locator("input")
        entry.fill("61")
        entry.press("Enter")
        before = json.dumps(total.inner_text())
        page.wait_for_function(f"document.querySelector('.parindex-total').innerText !== {before}", timeout=60_000)
        total = page.query_selector(".parindex-total")
    page.wait_for_function("document.querySelector('.parindex-total').dataset.met === 'true'", timeout=60_000)
    body = page.inner_text(".parindex-explorer")
    for word in ("Cấp", "Đơn vị", "Năm", "Kỳ", "Đặt lại", "Lưu kịch bản", "Xuất CSV", "Cách chọn đề xuất"):
        assert word in body, word
    assert not re.search(r"\b(reset|save scenario|export CSV|model)\b", body)
    if picture and os.environ.get("PARINDEX_UPDATE_SCREENSHOT") == "1":  # refresh the README's picture
        page.screenshot(path=str(tmp_path / "shot.png"), full_page=True)
        save_readme_picture(tmp_path / "shot.png", picture, 1500)
    typed = page.inner_text(".parindex-total")

    row = page.locator(".parindex-component", has_text="Tài chính công")
    handle, track = row.locator(".noUi-handle").bounding_box(), row.locator(".noUi-target").bounding_box()
    y = handle["y"] + handle["height"] / 2
    page.mouse.move(handle["x"] + handle["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] + 50, y, steps=10)  # past the end: the slider stops at 100
    page.mouse.up()
    expect(row.locator("input")).to_have_value("100,00", timeout=60_000)
    dragged = json.dumps(_expected_total(scores, c6=100.0))
    page.wait_for_function(f"document.querySelector('.parindex-total').innerText.includes({dragged})",
                           timeout=60_000)
    return typed, page.inner_text(".parindex-total")


def _expected_total(scores: pd.DataFrame, c6: float = 61.0) -> str:
    index = load_unit(scores, UNIT, "district", 2023, "FY").index
    return format_pct(scenario_state(index, {**index.values, "C6": c6, "C8": 61.0}).total, "vi")


@pytest.mark.browser
def test_the_explorer_in_jupyterlab(project, scores):
    from playwright.sync_api import sync_playwright

    port, token = _free_port(), "parindex-test"
    env = os.environ | {"JUPYTER_CONFIG_DIR": str(project / "cfg"), "JUPYTER_RUNTIME_DIR": str(project / "rt"),
                        "PARINDEX_ROOT": str(project)}
    proc = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
                             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
                             f"--ServerApp.root_dir={project / 'notebooks'}", "--LabApp.news_url=",
                             "--ServerApp.disable_check_xsrf=True", "--allow-root"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for(f"{url}/api/status?token={token}", proc, "JupyterLab")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.goto(f"{url}/lab/tree/40_explore.ipynb?token={token}", wait_until="domcontentloaded")
            page.wait_for_selector(".jp-Notebook", timeout=90_000)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], "
                                   ".jp-Toolbar-kernelStatus", timeout=90_000)
            time.sleep(3)  # the kernel connects
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click(timeout=30_000)
            page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click(timeout=30_000)
            text, dragged = _drive(page, project, scores)
            browser.close()
    finally:
        _stop(proc)
    assert _expected_total(scores) in text and "đã đạt mục tiêu" in text and "trên 80,00%" in text
    assert _expected_total(scores, c6=100.0) in dragged


@pytest.mark.browser
def test_the_explorer_served_without_code(project, scores):
    from playwright.sync_api import sync_playwright

    port = _free_port()
    parindex = Path(sys.executable).with_name("parindex")
    proc = subprocess.Popen([str(parindex), "explore", "--port", str(port), "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=project,
                            env=os.environ | {"PARINDEX_ROOT": str(project)}, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_for(url, proc, "parindex explore")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.goto(url, wait_until="domcontentloaded")
            text, dragged = _drive(page, project, scores, picture="explorer.png")
            body = page.inner_text("body")
            code = page.locator(".jp-InputArea, .jp-InputPrompt, .CodeMirror, .cm-editor").count()
            browser.close()
    finally:
        _stop(proc)
        said = proc.stdout.read()
    assert _expected_total(scores) in text and "đã đạt mục tiêu" in text
    assert _expected_total(scores, c6=100.0) in dragged
    assert code == 0 and "workbench(" not in body and "scores_path" not in body  # no code shown
    assert said.splitlines()[0] == (f"Trình thử kịch bản đang chạy tại {url} — mở địa chỉ này trong trình duyệt; "
                                    "Ctrl+C để dừng.")
    assert "Traceback" not in said and "WARNING" not in said
