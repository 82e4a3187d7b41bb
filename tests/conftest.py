"""Shared fixtures: the shipped raw data, standardised once per session, and builders of test files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import papermill
import pytest

from parindex_lib.batch import execute
from parindex_lib.batch.kernels import WarmKernel
from parindex_lib.batch.run import run_batch
from parindex_lib.config import RAW_DIR
from parindex_lib.model.index import PARIndex

ROOT = Path(__file__).resolve().parents[1]
PLAN_TSV = RAW_DIR / "tam_duong_2024_ke_hoach_chi_so.tsv"
UNIT = "Tam Đường"

# The seed plan's table, as printed (II.2 "Mục tiêu các chỉ số thành phần").
SEED_2023 = {"C1": (70.52, 4), "C2": (100.0, 1), "C3": (99.85, 1), "C4": (98.8, 4), "C5": (68.75, 3),
             "C6": (36.3, 7), "C7": (86.96, 5), "C8": (50.0, 2), "SIPAS": (74.4, 4), "TOTAL": (76.17, 4)}
SEED_2024 = {"C1": (75.0, ">", 3), "C2": (100.0, ">=", 1), "C3": (99.0, ">", 1), "C4": (98.0, ">", 2),
             "C5": (75.0, ">", 2), "C6": (50.0, ">", 4), "C7": (90.0, ">", 2), "C8": (70.0, ">", 2),
             "SIPAS": (80.0, ">", 2), "TOTAL": (80.0, ">", 2)}
SEED_LEADS = {"C2": "Phòng Tư pháp", "C3": "Văn phòng HĐND - UBND huyện", "C4": "Phòng Nội vụ",
              "C5": "Phòng Nội vụ", "C6": "Phòng Tài chính", "C8": "Phòng Tài chính - Kế hoạch"}


# ``shipped`` (the shipped raw data standardised once per session) is in the root conftest.py, with the
# names the docstring examples use.


@pytest.fixture(scope="session")
def scores(shipped) -> pd.DataFrame:
    return shipped.scores


@pytest.fixture(scope="session")
def idx(shipped) -> PARIndex:
    """Tam Đường's 2023 final result with equal-9, working toward the 2024 targets."""
    return PARIndex.from_scores(shipped.scores, UNIT, 2023, tasks=shipped.tasks)


def plan_rows() -> list[list[str]]:
    """The plan's score table as cells (both of its tables, blank line kept as an empty row)."""
    return [line.split("\t") for line in PLAN_TSV.read_text(encoding="utf-8").splitlines()]


def write_xlsx(path: Path, rows: list[list[object]], merge: list[str] = (), title: str | None = None) -> Path:
    """Write ``rows`` to a one-sheet workbook, optionally with a title row and merged header cells."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Chỉ số"
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append([None if c == "" else c for c in row])
    for rng in merge:
        sheet.merge_cells(rng)
    book.save(path)
    return path


def write_docx(path: Path, rows: list[list[str]], merge_header: bool = False) -> Path:
    """Write ``rows`` as a table in a Word document, as plans circulate."""
    import docx

    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH cải thiện và nâng cao Chỉ số CCHC")
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value:
                table.cell(i, j).text = value
    if merge_header:
        table.cell(0, 2).merge(table.cell(0, 3))
        table.cell(0, 4).merge(table.cell(0, 5))
    document.save(str(path))
    return path


def save_readme_picture(shot: Path, name: str, max_height: int) -> None:
    """Refresh a README picture from a screenshot (PARINDEX_UPDATE_SCREENSHOT=1): cropped, scaled, 128 colours."""
    from PIL import Image

    image = Image.open(shot)
    image = image.crop((0, 0, image.width, min(image.height, max_height)))
    image = image.resize((image.width * 2 // 3, image.height * 2 // 3))
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=128).save(ROOT / "docs" / name, optimize=True)


@pytest.fixture(scope="session")
def batch(tmp_path_factory):
    """The batch on the shipped data as `make reports` runs it (the district's pages): 2024 FY in vi and en,
    2024 Q3 in en."""
    out = tmp_path_factory.mktemp("reports")
    processed = tmp_path_factory.mktemp("processed")
    runs = {}
    for key, params, lang in (("fy", "2024-FY", "vi"), ("fy_en", "2024-FY", "en"), ("q3", "2024-Q3", "en")):
        runs[key] = run_batch(ROOT / "params" / f"{params}.yaml", overrides={"lang": lang}, out_dir=out,
                              processed_dir=processed, progress=False, level="district")  # the provinces: test_levels
    return {"out": out, **runs}


# -- tiers ----------------------------------------------------------------------------------------------------
# ``make test-fast`` runs ``-m "not slow and not notebook and not browser"`` (markers in pyproject.toml). A test
# that executes notebooks must say so, or the fast tier would quietly start kernels: unmarked, it fails here.
# A test that reads the ``batch`` fixture's pages is marked ``notebook`` here, once for all.

def pytest_collection_modifyitems(items):
    for item in items:
        if "batch" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.notebook)

def _refuse_notebooks(nodeid: str):
    def refuse(*args, **kwargs):
        raise RuntimeError(f"{nodeid} executes notebooks: mark it @pytest.mark.notebook")
    return refuse


@pytest.fixture(autouse=True)
def _notebooks_only_when_marked(request, monkeypatch):
    if request.node.get_closest_marker("notebook") or request.node.get_closest_marker("slow"):
        return
    refuse = _refuse_notebooks(request.node.nodeid)
    monkeypatch.setattr(execute, "run_jobs", refuse)
    monkeypatch.setattr(papermill, "execute_notebook", refuse)
    monkeypatch.setattr(WarmKernel, "start", refuse)
