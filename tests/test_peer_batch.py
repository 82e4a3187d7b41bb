"""The batch renders one peer page per group (not per unit), links it from index.html and from each member's
summary, adds one sheet per group to the workbook, and the pages open cleanly offline in Chromium."""

from __future__ import annotations

import os
import shutil

import pytest

from conftest import ROOT
from parindex_lib.analyses.peers import GroupKey

pytestmark = pytest.mark.notebook  # every test reads a run's pages

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("PARINDEX_REQUIRE_BROWSER") == "1"
COMMUNES = GroupKey("commune", "Hải Phòng", "Xã, đặc khu").slug()
WARDS = GroupKey("commune", "Hải Phòng", "Phường").slug()


@pytest.fixture(scope="module")
def peer_run(tmp_path_factory):
    """The 2025 results of the communes and wards, as `make reports` runs them, in Vietnamese and English."""
    from parindex_lib.batch.run import run_batch

    out = tmp_path_factory.mktemp("reports")
    processed = tmp_path_factory.mktemp("processed")
    runs = {lang: run_batch(ROOT / "params" / "2025-FY.yaml", overrides={"lang": lang}, out_dir=out,
                            processed_dir=processed, progress=False, level="commune") for lang in ("vi", "en")}
    return {"out": out, **runs}


def test_one_page_per_group_linked_from_the_index_and_each_summary(peer_run):
    run = peer_run["out"] / "2025-FY"
    pages = sorted(p.parent.name for p in run.rglob("peers.html"))
    assert len(pages) == 3 and COMMUNES in pages and WARDS in pages  # not one per unit
    assert peer_run["vi"].ok and not [o for o in peer_run["vi"].outcomes if not o.ok]
    index = (run / "index.html").read_text(encoding="utf-8")
    assert f'href="{COMMUNES}/peers.html"' in index and "Dữ liệu có 4 trong 68 đơn vị" in index
    member = next(p for p in run.iterdir() if p.name.startswith("vinh-am-"))
    assert f'href="../{COMMUNES}/peers.html"' in (member / "summary.html").read_text(encoding="utf-8")
    page = (run / COMMUNES / "peers.html").read_text(encoding="utf-8")
    assert "So sánh trong nhóm: Xã, đặc khu — Hải Phòng" in page and "68/68" in page and "73,37%" in page
    english = (peer_run["out"] / "2025-FY-en" / WARDS / "peers.html").read_text(encoding="utf-8")
    assert "Peer group: Phường — Hải Phòng" in english and "45/45" in english and "76.26%" in english


def test_the_workbook_has_one_sheet_per_group(peer_run):
    from openpyxl import load_workbook

    book = load_workbook(peer_run["out"] / "2025-FY" / "parindex-2025-FY.xlsx")
    sheets = [s for s in book.sheetnames if s.startswith("Nhóm")]
    assert sheets == ["Nhóm Xã, đặc khu — Hải Phòng", "Nhóm Phường — Hải Phòng", "Nhóm Xã, phường — Tuyên Quang"]
    rows = [r for r in book["Nhóm Xã, đặc khu — Hải Phòng"].iter_rows(values_only=True)]
    assert rows[0][0].startswith("Dữ liệu có 4 trong 68") and rows[2][:4] == ("Đặc khu Cát Hải", 0.9415, 1, 68)
    assert rows[-1][0] == "Vĩnh Am" and rows[-1][-1] == pytest.approx(6.63)


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM and not REQUIRED, reason="no Chromium on this machine")
def test_the_group_pages_open_cleanly_offline(peer_run, tmp_path):
    from playwright.sync_api import sync_playwright

    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=flags)
        for lang, folder in (("vi", "2025-FY"), ("en", "2025-FY-en")):
            path = peer_run["out"] / folder / COMMUNES / "peers.html"
            context = browser.new_context(viewport={"width": 900, "height": 1200}, offline=True)
            page = context.new_page()
            errors, outside = [], []
            page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))

            def guard(route, outside=outside):
                if route.request.url.startswith(("file://", "data:")):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            page.goto(path.as_uri(), wait_until="load")
            shot = tmp_path / f"peers-{lang}.png"
            page.screenshot(path=str(shot), full_page=True)
            text = page.inner_text("body")
            images = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
            context.close()
            assert errors == [] and outside == [], (errors, outside)
            assert shot.stat().st_size > 20_000 and images and min(images) > 0
            assert ("Bảng xếp hạng" if lang == "vi" else "League table") in text
        browser.close()
