"""The batch's plan and parameter contract: one parameters cell for every report notebook, and a plan that
checks and resolves without writing anything."""

from __future__ import annotations

import dataclasses
import os
import shutil
import stat
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from parindex_lib.batch.params import BATCH_SET, DECLARED, notebook_parameters, parameters_cell
from parindex_lib.batch.plan import Plan, make_plan, slugify
from parindex_lib.batch.publish import OWNER_MARK
from parindex_lib.config import NOTEBOOKS_DIR, RAW_DIR
from parindex_lib.errors import ParindexError
from parindex_lib.present.pages import PAGES


def parameters_source(notebook: Path) -> str:
    nb = nbformat.read(str(notebook), as_version=4)
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    return cell.source


@pytest.mark.parametrize("name", PAGES.values())
def test_every_report_notebook_declares_the_one_parameters_cell(name):
    notebook = NOTEBOOKS_DIR / f"{name}.ipynb"
    assert parameters_source(notebook) == parameters_cell(), (
        f"{notebook.name}: paste parindex_lib.batch.params.parameters_cell() into its parameters cell")
    declared = notebook_parameters(notebook)  # as papermill reads it: names, types and defaults
    assert list(declared) == list(DECLARED)
    for p in DECLARED.values():
        assert declared[p.name]["inferred_type_name"] == p.kind.__name__
        assert eval(declared[p.name]["default"]) == p.default  # noqa: S307 - the notebook's own literal
    assert set(BATCH_SET) == {"unit", "level", "scores_path", "tasks_path", "raw_dir", "peers_path", "indices_path"}


def test_a_notebook_with_other_parameters_is_refused_before_anything_runs(tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, notebooks)
    path = notebooks / f"{PAGES['weighting']}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('bound: str = "ge"', 'draws: int = 1000').replace("year: int", "year: str")
    nbformat.write(nb, str(path))
    with pytest.raises(ParindexError, match=r"20_weighting.ipynb: its parameters cell lacks bound; adds draws; "
                                            r"gives another type to year"):
        make_plan(notebooks_dir=notebooks, out_dir=tmp_path / "r", processed_dir=tmp_path / "p")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks"]


# -- the plan writes nothing ----------------------------------------------------------------------------

#: Audit events that change the file system or start a process (PEP 578).
WRITES = {"os.mkdir", "os.rename", "os.remove", "os.rmdir", "os.truncate", "os.chmod", "os.chown", "os.link",
          "os.symlink", "os.utime", "shutil.copyfile", "shutil.copytree", "shutil.move", "shutil.rmtree",
          "subprocess.Popen", "os.system", "os.posix_spawn", "os.exec", "os.fork"}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_audit = {"on": False, "seen": []}


def _hook(event: str, args: tuple) -> None:
    if not _audit["on"]:
        return
    if event == "open":
        path, mode, flags = (list(args) + [None, None])[:3]
        writes = (isinstance(mode, str) and any(m in mode for m in "wax+")) or \
                 (isinstance(flags, int) and flags & WRITE_FLAGS)
        if writes:
            _audit["seen"].append((event, str(path)))
    elif event in WRITES:
        _audit["seen"].append((event, str(args[:1])))


sys.addaudithook(_hook)  # hooks cannot be removed: this one records only while a test switches it on


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every file and folder under ``folder``: its kind, size, mode, modification time and contents."""
    out = {}
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        out[str(p)] = (stat.S_IFMT(st.st_mode), st.st_size, st.st_mode, st.st_mtime_ns,
                       p.read_bytes() if p.is_file() else None)
    return out


def read_only(folder: Path) -> None:
    for p in [folder, *folder.rglob("*")]:
        p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def test_the_plan_checks_and_resolves_on_a_read_only_tree_and_writes_nothing(tmp_path):
    """Inputs, notebooks, the params file and an earlier run's reports made read-only; the plan is made,
    resolves everything the run needs, and neither the file system nor any process was touched."""
    raw, notebooks, params = tmp_path / "raw", tmp_path / "notebooks", tmp_path / "2024-FY.yaml"
    shutil.copytree(RAW_DIR, raw)
    shutil.copytree(NOTEBOOKS_DIR, notebooks)
    shutil.copy(ROOT / "params" / "2024-FY.yaml", params)
    out = tmp_path / "reports"
    earlier = out / "2024-FY" / slugify("Tam Đường", "district")
    earlier.mkdir(parents=True)
    for folder in (out / "2024-FY", earlier):
        (folder / OWNER_MARK).write_text("x")
    (earlier / "summary.html").write_text("an earlier report")
    for tree in (raw, notebooks, out / "2024-FY"):
        read_only(tree)
    read_only(params)
    before = snapshot(tmp_path)
    _audit["seen"].clear()
    _audit["on"] = True
    try:
        plan = make_plan(params, ["Tam Duong", "Đà Nẵng"], out_dir=out, raw_dir=raw, notebooks_dir=notebooks,
                         processed_dir=tmp_path / "processed")
    finally:
        _audit["on"] = False
    assert _audit["seen"] == []
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "processed").exists()
    # …and the plan holds everything resolved
    assert isinstance(plan, Plan) and (plan.year, plan.period, plan.lang) == (2024, "FY", "vi")
    assert plan.run_dir == out.resolve() / "2024-FY"
    assert plan.slugs == {("Tam Đường", "district"): earlier.name, ("Đà Nẵng", "province"):
                          slugify("Đà Nẵng", "province")}
    assert {k: round(ix.total, 2) for k, ix in plan.indices.items()}[("Tam Đường", "district")] == 76.18
    assert plan.params["scores_path"] == str(tmp_path.resolve() / "processed" / "scores.csv")
    assert plan.page_parameters("Tam Đường", "district")["unit"] == "Tam Đường"
    assert plan.notebooks["summary"] == notebooks.resolve() / "00_summary.ipynb"
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.year = 2025


def test_the_plan_refuses_a_reports_folder_it_did_not_write(tmp_path):
    out = tmp_path / "reports"
    (out / "2024-FY").mkdir(parents=True)
    (out / "2024-FY" / "ghi-chu.txt").write_text("của tôi", encoding="utf-8")
    with pytest.raises(ParindexError, match="was not written by parindex.*--force"):
        make_plan(ROOT / "params" / "2024-FY.yaml", out_dir=out, processed_dir=tmp_path / "p")
    plan = make_plan(ROOT / "params" / "2024-FY.yaml", out_dir=out, processed_dir=tmp_path / "p", force=True)
    assert plan.run_dir == out.resolve() / "2024-FY"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]
