"""The scenario explorer: the library object (sliders, state, save, export), and the real thing — JupyterLab
started on a free port, `40_explore.ipynb` opened in Chromium, run, and a slider moved. The browser part is
skipped without Chromium unless PARINDEX_REQUIRE_BROWSER=1."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pandas as pd
import pytest

from conftest import ROOT, UNIT, save_readme_picture
from parindex_lib.errors import MethodError
from parindex_lib.model.index import PARIndex
from parindex_lib.present.explore import explorer, scenario_state
from parindex_lib.present.pages import PAGES
from parindex_lib.readers import read_scores
from parindex_lib.standardise import write_processed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("PARINDEX_REQUIRE_BROWSER") == "1"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]


def test_sliders_state_save_and_export(idx, tmp_path):
    ex = explorer(idx)
    assert list(ex.sliders) == idx.components
    c6 = ex.sliders["C6"]
    assert (c6.min, c6.max, c6.step, c6.value) == (36.3, 100.0, 0.01, 36.3) and "Tài chính công" in c6.description
    assert ex.state() == {"total": 76.17, "gap": pytest.approx(3.83), "met": False, "changed": {}}
    ex.sliders["C6"].value = 60.36
    ex.sliders["C8"].value = 60.36
    state = ex.state()
    assert round(state["total"], 2) == 80.0 and state["met"] and state["changed"] == {"C6": 60.36, "C8": 60.36}
    shown = ex._views["total"].value
    assert "80,00%" in shown and "Tổng điểm đã đạt mục tiêu" in shown
    assert "Phòng Tài chính" in ex._views["leads"].value and "data:image/png;base64," in ex._views["bridge"].value
    ex.save()
    ex.reset()
    assert ex.sliders["C6"].value == 36.3 and not ex.state()["met"]
    ex.save()
    table = ex.comparison().frame
    assert list(table.columns)[1:] == ["#1", "#2"] and table.iloc[-1, 1] == "80,00%"
    path = ex.export(tmp_path / "scenarios.csv")
    saved = pd.read_csv(path)
    assert saved["met"].tolist() == [True, False] and saved.loc[0, "C6"] == 60.36


def test_strict_target_and_points(idx, scores):
    state = scenario_state(idx, {"C6": 60.36, "C8": 60.36}, target=80.0)
    assert state["met"] and state["gap"] == pytest.approx(0, abs=1e-9)
    strict = scenario_state(idx.__class__.from_scores(scores, UNIT, 2023, bound="gt"),
                            {"C6": 60.36, "C8": 60.36})
    assert not strict["met"] and strict["gap"] == pytest.approx(0.01, abs=1e-3)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def lab(tmp_path, shipped):
    """JupyterLab on a free port, serving a copy of the notebooks beside standardised data."""
    if not CHROMIUM:
        if REQUIRED:
            pytest.fail("PARINDEX_REQUIRE_BROWSER=1 but no chromium executable was found")
        pytest.skip("no Chromium on this machine (install Debian's chromium, or set PARINDEX_REQUIRE_BROWSER=1)")
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "40_explore.ipynb", tmp_path / "notebooks")
    write_processed(shipped, tmp_path / "data" / "processed")
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")  # a project: the notebook finds its data
    port, token = _free_port(), "parindex-test"
    env = os.environ | {"JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
    proc = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
                             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
                             f"--ServerApp.root_dir={tmp_path / 'notebooks'}", "--LabApp.news_url=",
                             "--ServerApp.disable_check_xsrf=True", "--allow-root"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not start")
    yield url, token
    proc.kill()
    proc.wait()


@pytest.mark.browser
def test_the_explorer_in_jupyterlab(lab, tmp_path):
    from playwright.sync_api import sync_playwright

    url, token = lab
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(f"{url}/lab/tree/40_explore.ipynb?token={token}", wait_until="domcontentloaded")
        page.wait_for_selector(".jp-Notebook", timeout=90_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], "
                               ".jp-Toolbar-kernelStatus", timeout=90_000)
        time.sleep(3)  # the kernel connects
        page.click("text=Run", timeout=30_000)
        page.click("text=Run All Cells", timeout=30_000)
        total = page.wait_for_selector(".parindex-total", timeout=120_000)
        assert "76,17%" in total.inner_text()
        for name in ("Tài chính công", "Tác động"):
            slider = page.locator(".widget-slider", has=page.locator(f"text={name}")).first
            readout = slider.locator(".widget-readout")
            readout.click()
            page.keyboard.press("Control+A")
            page.keyboard.type("60.36")
            page.keyboard.press("Enter")
            time.sleep(1.5)
        page.wait_for_function("document.querySelector('.parindex-total').innerText.includes('80,00%')",
                               timeout=60_000)
        text = page.locator(".parindex-total").inner_text()
        page.screenshot(path=str(tmp_path / "explorer.png"), full_page=False)
        if os.environ.get("PARINDEX_UPDATE_SCREENSHOT") == "1":  # refresh the README's picture
            save_readme_picture(tmp_path / "explorer.png", "explorer.png", 1500)
        browser.close()
    assert "80,00%" in text and "đã đạt mục tiêu" in text


def test_the_batch_does_not_render_the_explorer():
    assert "40_explore" not in PAGES.values()
    nb = json.loads((ROOT / "notebooks" / "40_explore.ipynb").read_text(encoding="utf-8"))
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")


def test_the_explorer_in_points_and_for_totals_only(tmp_path):
    import csv

    points = {"C1": "9/10", "C2": "8,5/10", "C3": "12,75/13", "C4": "10,18/10,5", "C5": "14,23/15", "C6": "11/12",
              "C7": "11,2/13", "C8": "13,14/16,5"}
    with open(tmp_path / "sl.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Tỉnh", "Cấp", "Năm", "Chỉ số", "Điểm"])
        writer.writerows([["Sơn La", "tỉnh", "2024", c, v] for c, v in points.items()])
        writer.writerow(["Lai Châu", "tỉnh", "2024", "Chỉ số CCHC", "85/100"])
    scores = read_scores(tmp_path / "sl.csv")
    ex = explorer(PARIndex.from_scores(scores, "Sơn La", 2024, target=95))
    assert "(/16,5)" in ex.sliders["C8"].description
    assert "90,00/100 điểm" in ex._views["total"].value
    ex.sliders["C8"].value = 100.0  # 13,14 → 16,5 points: +3,36 points of 100
    assert ex.state()["total"] == pytest.approx(93.36)
    with pytest.raises(MethodError, match="needs the components"):
        explorer(PARIndex.from_scores(scores, "Lai Châu", 2024))
