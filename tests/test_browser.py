"""Every generated page in headless Chromium with the network blocked: no console error, no failed or
outside request, and a full-page screenshot. Skips without Chromium unless PARINDEX_REQUIRE_BROWSER=1."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import save_readme_picture
from parindex_lib.batch.plan import slugify

pytestmark = [pytest.mark.browser, pytest.mark.notebook]  # the batch's pages in Chromium

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("PARINDEX_REQUIRE_BROWSER") == "1"

if not CHROMIUM and not REQUIRED:
    pytest.skip("no Chromium on this machine (install Debian's chromium, or set PARINDEX_REQUIRE_BROWSER=1 "
                "to make this a failure)", allow_module_level=True)

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]
TD = slugify("Tam Đường", "district")  # Tam Đường's report folder


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.fail("PARINDEX_REQUIRE_BROWSER=1 but no chromium executable was found")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


def open_page(browser, path: Path, shot: Path, width: int = 900):
    """Open ``path`` with every non-file request blocked; return console errors and blocked/failed requests."""
    context = browser.new_context(viewport={"width": width, "height": 1200}, offline=True)
    page = context.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: requests.append(f"failed: {r.url}"))

    def guard(route):
        if route.request.url.startswith(("file://", "data:")):
            route.continue_()
        else:
            requests.append(f"outside: {route.request.url}")
            route.abort()

    page.route("**/*", guard)
    page.goto(path.as_uri(), wait_until="load")
    page.screenshot(path=str(shot), full_page=True)
    text = page.inner_text("body")
    context.close()
    return errors, requests, text


def test_every_page_loads_cleanly_offline(browser, batch, tmp_path):
    pages = sorted(batch["out"].rglob("*.html"))
    assert len(pages) == 15
    for path in pages:
        shot = tmp_path / (path.relative_to(batch["out"]).as_posix().replace("/", "_") + ".png")
        errors, requests, text = open_page(browser, path, shot)
        assert errors == [] and requests == [], (path, errors, requests)
        assert shot.stat().st_size > 10_000 and text.strip()


def test_vietnamese_summary_renders_and_prints(browser, batch, tmp_path):
    path = batch["out"] / "2024-FY" / TD / "summary.html"
    errors, requests, text = open_page(browser, path, tmp_path / "summary.png")
    assert "Tóm tắt cho lãnh đạo: Tam Đường" in text and "76,17%" in text
    if os.environ.get("PARINDEX_UPDATE_SCREENSHOT") == "1":  # refresh the README's picture
        save_readme_picture(tmp_path / "summary.png", "summary_vi.png", 1900)
    # A4 print: the print stylesheet applies and produces a PDF of a few pages.
    context = browser.new_context(offline=True)
    page = context.new_page()
    page.goto(path.as_uri())
    pdf = page.pdf(format="A4", print_background=True)
    context.close()
    assert pdf.startswith(b"%PDF") and 1 <= pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") <= 6
