"""Warm kernels: reused across notebooks with nothing leaking between them; a crash or a hang fails one page."""

from __future__ import annotations

import json
import os

import nbformat
import pytest

from parindex_lib.batch.kernels import WarmKernel

pytestmark = pytest.mark.notebook  # every test here runs notebooks in real kernels

SETS_EVERYTHING = """
import os, warnings
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
leak = "from the first notebook"
pd.set_option("display.max_rows", 3)
mpl.rcParams["lines.linewidth"] = 7
warnings.simplefilter("error")
np.random.seed(123)
os.environ["PARINDEX_LEAK"] = "1"
os.chdir("/")
plt.figure()
"""

LOOKS = """
import json, os, warnings
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
print(json.dumps({
    "leak": "leak" in globals(),
    "max_rows": pd.get_option("display.max_rows"),
    "linewidth": mpl.rcParams["lines.linewidth"],
    "warnings_as_errors": any(f[0] == "error" and f[2] is Warning for f in warnings.filters),
    "random": float(np.random.random_sample()),
    "env": os.environ.get("PARINDEX_LEAK"),
    "cwd": os.getcwd(),
    "figures": plt.get_fignums(),
    "history_lines": len(list(get_ipython().history_manager.get_range())),
}))
"""


def notebook(path, *sources: str, parameters: str | None = None):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "parindex", "display_name": "Python (parindex)", "language": "python"}
    if parameters is not None:
        cell = nbformat.v4.new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, str(path))
    return path


def outputs(path) -> list:
    return [o for c in nbformat.read(str(path), 4).cells if c.cell_type == "code" for o in c.get("outputs", [])]


def looked(path) -> dict:
    stdout = [o["text"] for o in outputs(path) if o.get("name") == "stdout"]
    return json.loads(stdout[-1])


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    with WarmKernel(tmp_path_factory.mktemp("cwd"), cell_timeout=20) as k:
        yield k


def test_the_next_notebook_sees_nothing_the_previous_one_set(kernel, tmp_path):
    first = notebook(tmp_path / "first.ipynb", SETS_EVERYTHING, "x = 1", "x + 1")
    second = notebook(tmp_path / "second.ipynb", "y = 2", LOOKS)
    with WarmKernel(tmp_path, cell_timeout=20) as cold:  # what a kernel of its own would show
        assert cold.execute(second, tmp_path / "cold.ipynb", {}).ok
    assert kernel.execute(first, tmp_path / "first_out.ipynb", {}).ok
    outcome = kernel.execute(second, tmp_path / "second_out.ipynb", {})
    assert outcome.ok
    warm, fresh = looked(tmp_path / "second_out.ipynb"), looked(tmp_path / "cold.ipynb")
    assert warm["leak"] is False and warm["env"] is None and warm["figures"] == []
    assert warm["max_rows"] != 3 and warm["linewidth"] != 7 and not warm["warnings_as_errors"]
    assert warm["history_lines"] == 2  # a new history session: only this notebook's two cells are in it
    fresh.pop("cwd"), warm.pop("cwd")  # the cold kernel ran in another folder; the warm one is back in its own
    import numpy as np

    assert warm.pop("random") != np.random.RandomState(123).random_sample()  # the seed did not carry over
    fresh.pop("random")  # a new kernel's generator is seeded from the system: no value to compare
    assert warm == fresh
    # the execution count starts at 1 again, and nothing (e.g. a history warning) was printed to stderr
    counts = [c.execution_count for c in nbformat.read(str(tmp_path / "second_out.ipynb"), 4).cells]
    assert counts == [1, 2]
    assert not [o for o in outputs(tmp_path / "second_out.ipynb") if o.get("name") == "stderr"]


def test_the_working_folder_is_restored(kernel, tmp_path):
    kernel.execute(notebook(tmp_path / "a.ipynb", "import os; os.chdir('/')"), tmp_path / "a_out.ipynb", {})
    kernel.execute(notebook(tmp_path / "b.ipynb", "import os; print(os.getcwd())"), tmp_path / "b_out.ipynb", {})
    assert outputs(tmp_path / "b_out.ipynb")[0]["text"].strip() == kernel.cwd


def test_parameters_are_injected_and_a_failure_is_recorded_by_papermill(kernel, tmp_path):
    nb = notebook(tmp_path / "p.ipynb", "print(unit)", "raise ValueError(f'no data for {unit}')",
                  parameters='unit = "default"')
    outcome = kernel.execute(nb, tmp_path / "p_out.ipynb", {"unit": "Tam Đường"})
    assert not outcome.ok and outcome.error == "ValueError: no data for Tam Đường" and outcome.cell == 4
    executed = nbformat.read(str(tmp_path / "p_out.ipynb"), 4)
    tags = [t for c in executed.cells for t in c.metadata.get("tags", [])]
    assert "injected-parameters" in tags and "papermill-error-cell-tag" in tags
    assert executed.metadata["papermill"]["parameters"] == {"unit": "Tam Đường"}
    # the kernel was recycled after the failure, and the next notebook runs
    started = kernel.started
    assert kernel.execute(notebook(tmp_path / "ok.ipynb", "1 + 1"), tmp_path / "ok_out.ipynb", {}).ok
    assert kernel.started == started + 1


def test_a_kernel_that_dies_fails_only_its_page(kernel, tmp_path):
    dies = notebook(tmp_path / "dies.ipynb", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    outcome = kernel.execute(dies, tmp_path / "dies_out.ipynb", {})
    assert not outcome.ok and "died" in outcome.error
    assert (tmp_path / "dies_out.ipynb").exists()  # the record of the failed notebook
    assert kernel.execute(notebook(tmp_path / "next.ipynb", "print('alive')"), tmp_path / "next_out.ipynb", {}).ok


def test_a_hanging_cell_times_out_and_its_kernel_is_replaced(tmp_path):
    with WarmKernel(tmp_path, cell_timeout=2) as kernel:
        outcome = kernel.execute(notebook(tmp_path / "hang.ipynb", "import time; time.sleep(120)"),
                                 tmp_path / "hang_out.ipynb", {})
        assert not outcome.ok and "longer than 2 s" in outcome.error
        assert kernel.km is None  # killed, not left running the sleep
        assert kernel.execute(notebook(tmp_path / "next.ipynb", "print('alive')"), tmp_path / "n.ipynb", {}).ok
        assert kernel.started == 2


def test_a_kernel_is_recycled_every_n_notebooks_and_killed_at_the_end(tmp_path):
    nb = notebook(tmp_path / "pid.ipynb", "import os; print(os.getpid())")
    pids = []
    with WarmKernel(tmp_path, recycle_after=2) as kernel:
        for i in range(5):
            assert kernel.execute(nb, tmp_path / f"out{i}.ipynb", {}).ok
            pids.append(int(outputs(tmp_path / f"out{i}.ipynb")[0]["text"]))
        last = kernel.km.provisioner.process.pid
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]
    assert kernel.started == 3
    with pytest.raises(ProcessLookupError):  # killed, and reaped
        os.kill(last, 0)


def test_the_batch_starts_its_own_environments_kernel_even_when_another_is_installed_for_the_user(tmp_path,
                                                                                                  monkeypatch):
    """Outside a virtual environment (or with JUPYTER_PREFER_ENV_PATH=0) Jupyter searches the user's folder
    first: a "parindex" kernelspec left there by another environment must not run the pages with another Python."""
    import sys
    from pathlib import Path

    from parindex_lib.batch.kernels import KERNEL, ensure_kernelspec, kernel_specs

    foreign = tmp_path / "kernels" / KERNEL
    foreign.mkdir(parents=True)
    (foreign / "kernel.json").write_text(json.dumps({"argv": ["/elsewhere/bin/python", "-m", "ipykernel_launcher",
                                                               "-f", "{connection_file}"],
                                                      "display_name": "Python (parindex)", "language": "python"}))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "0")
    from jupyter_client.kernelspec import KernelSpecManager

    assert KernelSpecManager().get_kernel_spec(KERNEL).argv[0] == "/elsewhere/bin/python"  # Jupyter's own pick
    ensure_kernelspec()
    assert Path(kernel_specs().get_kernel_spec(KERNEL).argv[0]).resolve() == Path(sys.executable).resolve()
    with WarmKernel(tmp_path) as kernel:  # and the batch really starts this environment's kernel
        kernel.start()
        assert Path(kernel.km.kernel_spec.argv[0]).resolve() == Path(sys.executable).resolve()
