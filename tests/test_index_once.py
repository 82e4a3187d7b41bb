"""Each unit's index is built once per run (by the plan) and the scheme loaded once; every page takes its
unit's index from the run instead of building it again."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil

import pandas as pd
import pytest

from conftest import ROOT
from parindex_lib.batch import execute, params
from parindex_lib.batch.executors import PageResult
from parindex_lib.batch.plan import make_plan
from parindex_lib.batch.prepare import prepare
from parindex_lib.batch.run import run_batch
from parindex_lib.model import index as index_module
from parindex_lib.model.index import PARIndex
from parindex_lib.model.index_store import IndexKey, save_indices, stored_index
from parindex_lib.present import pages
from parindex_lib.standardise import load_scores, load_tasks

CODES = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "SIPAS"]
UNITS = ["Huyện Một", "Huyện Hai"]


@pytest.fixture()
def raw(tmp_path):
    """Two districts equal-9 can total, and one whose data lacks SIPAS (not reportable)."""
    folder = tmp_path / "raw"
    folder.mkdir()
    lines = ["unit,level,year,period,component,kind,value_pct,lead_units"]
    for k, unit in enumerate(UNITS):
        for i, c in enumerate(CODES):
            lines.append(f'{unit},district,2024,FY,{c},actual,"{60 + 4 * i + k},5%",Văn phòng')
            lines.append(f'{unit},district,2025,FY,{c},target,"Trên {70 + 3 * i}%",')
    lines += [f"Huyện Thiếu,district,2024,FY,{c},actual,70%," for c in CODES[:-1]]
    (folder / "huyen.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture()
def counted(monkeypatch):
    """Count PARIndex.from_scores calls (by unit) and loads of a named scheme, wherever they happen in this
    process."""
    calls = {"from_scores": [], "load_scheme": 0}
    real_from_scores, real_load = PARIndex.from_scores.__func__, index_module.load_scheme

    def from_scores(cls, scores, unit, *args, **kwargs):
        calls["from_scores"].append(unit)
        return real_from_scores(cls, scores, unit, *args, **kwargs)

    def load_scheme(*args, **kwargs):
        calls["load_scheme"] += 1
        return real_load(*args, **kwargs)

    monkeypatch.setattr(PARIndex, "from_scores", classmethod(from_scores))
    for module in (index_module, params):
        monkeypatch.setattr(module, "load_scheme", load_scheme)
    return calls


def test_a_run_builds_each_units_index_once_and_loads_the_scheme_once(tmp_path, raw, monkeypatch, counted):
    """The whole run in this process: the executor is replaced by one that builds each page's context with
    the very parameters the notebooks receive."""
    built = []

    def in_process(jobs, on_result, **_):
        for job in jobs:
            given = {k: v for k, v in (params.DEFAULTS | job.parameters).items() if k != "analyst_cells"}
            built.append(pages.build(**given))
            on_result(PageResult(job.key, True, html=b"<html></html>", ipynb=b"{}"))

    monkeypatch.setattr(execute, "run_jobs", in_process)
    summary = run_batch(overrides={"year": "2025", "scheme": "equal-9"}, raw_dir=raw, out_dir=tmp_path / "r",
                        processed_dir=tmp_path / "p", progress=False)
    assert summary.ok and len(built) == 4 * len(UNITS)
    assert sorted(counted["from_scores"]) == sorted([*UNITS, "Huyện Thiếu"])  # once per unit, none per page
    assert counted["load_scheme"] == 1
    assert {ctx.index.unit for ctx in built} == set(UNITS)
    assert all(ctx.index.scheme.name == "equal-9" and ctx.params["scheme"] == "equal-9" for ctx in built)


@pytest.mark.notebook
def test_pages_in_warm_kernels_never_build_an_index(tmp_path, raw):
    """The real run: every notebook starts by making ``PARIndex.from_scores`` raise in its kernel, and
    every page is still written."""
    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    refuse = ("from parindex_lib.model.index import PARIndex\n"
              "def _again(*args, **kwargs):\n"
              "    raise RuntimeError('the index was built again in a page')\n"
              "PARIndex.from_scores = _again")
    for path in notebooks.glob("[0-3]*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        at = next(i for i, c in enumerate(nb["cells"]) if "parameters" in c["metadata"].get("tags", [])) + 1
        nb["cells"].insert(at, {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                                "id": "refuse", "source": refuse})
        path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    summary = run_batch(overrides={"year": "2025"}, units=UNITS, raw_dir=raw, out_dir=tmp_path / "r",
                        processed_dir=tmp_path / "p", notebooks_dir=notebooks, progress=False, workers=1)
    assert summary.ok, summary.describe()
    assert len(summary.outcomes) == 4 * len(UNITS)


def test_the_runs_index_is_the_one_a_page_would_build(tmp_path):
    """For every reportable unit of the shipped data, the plan's index (from the tables in memory) equals the
    one a page builds from the written tables, field by field."""
    plan = make_plan(ROOT / "params" / "2024-FY.yaml", out_dir=tmp_path / "r", processed_dir=tmp_path / "p")
    prepare(plan)
    scores, tasks = load_scores(plan.params["scores_path"]), load_tasks(plan.params["tasks_path"])
    assert len(plan.indices) > 10
    for (unit, level), ours in plan.indices.items():
        theirs = PARIndex.from_scores(scores, unit, plan.year, plan.period, scheme=None, target=80.0, bound="ge",
                                      tasks=tasks, level=level)
        for f in dataclasses.fields(PARIndex):
            a, b = getattr(ours, f.name), getattr(theirs, f.name)
            same = a.equals(b) if isinstance(a, pd.Series | pd.DataFrame) else a == b
            assert same, (unit, f.name, a, b)
        key = plan.index_key(unit, level)
        stored = stored_index(plan.indices_path, key, plan.params["scores_path"], plan.params["tasks_path"])
        assert stored is not None and stored.total == ours.total and stored.lead_units.equals(ours.lead_units)


def test_a_stored_index_is_used_only_for_the_same_question_on_the_same_tables(tmp_path, idx):
    scores, tasks = tmp_path / "scores.csv", tmp_path / "tasks.csv"
    scores.write_text("s")
    tasks.write_text("t")
    key = IndexKey("Tam Đường", "district", 2024, "FY", 80.0, "ge")
    path = save_indices(tmp_path / "indices.pickle", {key: idx}, scores, tasks)
    assert stored_index(path, key, scores, tasks).total == idx.total
    assert stored_index("", key, scores, tasks) is None  # no file: the page builds its own
    assert stored_index(path, dataclasses.replace(key, target=85.0), scores, tasks) is None  # another question
    assert stored_index(path, dataclasses.replace(key, level=""), scores, tasks) is None
    later = os.stat(scores).st_mtime + 5
    os.utime(scores, (later, later))  # a new standardise since the run: its indices are not these tables'
    assert stored_index(path, key, scores, tasks) is None
    (tmp_path / "broken.pickle").write_bytes(b"not a pickle")
    assert stored_index(tmp_path / "broken.pickle", key, scores, tasks) is None
