"""The same pages from local workers and from a Dask cluster; a page whose kernel dies or hangs fails alone."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from parindex_lib.batch.plan import slugify
from parindex_lib.batch.run import run_batch
from parindex_lib.cli import main

ROOT = Path(__file__).resolve().parents[1]
UNITS = ["An Giang", "Bắc Giang", "Đà Nẵng"]


def without_run_time(html: bytes) -> bytes:
    """A page without the one line that says when it ran."""
    return re.sub(rb"<p>[^<]*20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[^<]*</p>", b"", html)


def pages(run_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(run_dir)): without_run_time(p.read_bytes()) for p in sorted(run_dir.rglob("*.html"))}


@pytest.mark.notebook
def test_dask_gives_the_same_pages_as_local_workers(tmp_path):
    common = dict(params_file=ROOT / "params" / "2024-FY.yaml", units=UNITS, processed_dir=tmp_path / "processed",
                  progress=False, workers=2)
    local = run_batch(out_dir=tmp_path / "local", **common)
    dask = run_batch(out_dir=tmp_path / "dask", executor="dask", **common)
    assert local.ok and dask.ok, local.describe() + dask.describe()
    a, b = pages(tmp_path / "local" / "2024-FY"), pages(tmp_path / "dask" / "2024-FY")
    assert len(a) == 4 * len(UNITS) + 1 and a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


def breaking_notebooks(folder: Path) -> Path:
    """The notebooks, with a first cell that kills the kernel for An Giang's weighting page and hangs Bắc
    Giang's trends page."""
    shutil.copytree(ROOT / "notebooks", folder)
    for name, unit, code in (("20_weighting", "An Giang", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"),
                             ("10_trends", "Bắc Giang", "import time; time.sleep(600)")):
        path = folder / f"{name}.ipynb"
        nb = json.loads(path.read_text(encoding="utf-8"))
        at = next(i for i, c in enumerate(nb["cells"]) if "parameters" in c["metadata"].get("tags", [])) + 1
        nb["cells"].insert(at + 1, {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                                    "id": "breaks", "source": f"if unit == {unit!r}:\n    {code}"})
        path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.mark.notebook
@pytest.mark.parametrize("executor", ["local", "dask"])
def test_a_kernel_that_dies_or_hangs_fails_only_its_page(tmp_path, executor):
    summary = run_batch(ROOT / "params" / "2024-FY.yaml", units=UNITS, out_dir=tmp_path / "reports",
                        processed_dir=tmp_path / "processed", notebooks_dir=breaking_notebooks(tmp_path / "nb"),
                        progress=False, workers=2, executor=executor, cell_timeout=15)
    failed = {(o.task.unit, o.task.page): o.error for o in summary.failures}
    assert set(failed) == {("An Giang", "weighting"), ("Bắc Giang", "trends")}
    assert "died" in failed[("An Giang", "weighting")]
    assert "longer than 15 s" in failed[("Bắc Giang", "trends")]
    assert sum(o.ok for o in summary.outcomes) == 4 * len(UNITS) - 2  # every other page was written
    run = tmp_path / "reports" / "2024-FY"
    assert (run / slugify("Đà Nẵng", "province") / "weighting.html").exists()
    assert (run / "_failed" / slugify("An Giang", "province") / "weighting.ipynb").exists()
    assert not (run / slugify("An Giang", "province")).exists()


@pytest.mark.parametrize("args, message", [
    (["--scheduler", "tcp://127.0.0.1:9"], "--scheduler needs --executor dask"),
    pytest.param(["--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"], "no Dask scheduler answered",
                 marks=pytest.mark.slow),  # waits the connection timeout (10 s)
    (["--executor", "spark"], "invalid choice"),
    (["--cell-timeout", "0"], "argument --cell-timeout: \"0\" is not a time limit in seconds above 0"),
])
def test_executor_options_are_checked_before_any_work(tmp_path, capsys, args, message):
    out = tmp_path / "reports"
    try:
        code = main(["run", "--params", str(ROOT / "params" / "2024-FY.yaml"), "--out", str(out),
                     "--processed", str(tmp_path / "p"), "--lang", "en", *args])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in err[0]
    assert not out.exists() and not (tmp_path / "p").exists()
