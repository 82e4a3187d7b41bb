"""Inside a warm kernel: import once, remember the state, and restore it before every notebook.

A warm kernel (:mod:`parindex_lib.batch.kernels`) runs :func:`warm_up` once, then :func:`restore` before each
notebook, so no notebook sees what the one before it did: the user namespace and the IPython history
session are new, the execution count starts at 1 again, and matplotlib's rcParams, the warning
filters, pandas' options, the random generators, the working folder, ``sys.path`` and the environment
are as they were after the imports. Open figures are closed. Imported modules stay imported (that is
the point); module-level caches such as :func:`parindex_lib.standardise.load_scores`'s are shared on
purpose and keyed by the file they read.
"""

from __future__ import annotations

import gc
import importlib
import os
import random
import sys
import warnings

from parindex_lib.present.plots import use_style

#: What every page imports: loaded once per kernel instead of once per page.
PRELOAD = ("numpy", "pandas", "scipy.optimize", "scipy.stats", "matplotlib.pyplot", "seaborn", "pandera.pandas",
           "IPython.display", "parindex_lib.present.pages", "parindex_lib.present.plots",
           "parindex_lib.analyses.weighting", "parindex_lib.analyses.lift", "parindex_lib.analyses.trends",
           "parindex_lib.present.explore")

_saved: dict | None = None


def _pandas_options() -> dict:
    import pandas as pd
    from pandas._config.config import _registered_options  # the only complete list of option names

    values = {}
    for key in _registered_options:
        try:
            values[key] = pd.get_option(key)
        except Exception:  # noqa: BLE001 - a deprecated option may refuse to be read
            continue
    return values


def _first_drawing() -> None:
    """Draw and encode one small figure with the reports' style and Vietnamese text: the font look-up and
    the PNG writer load once here, not on a page."""
    import io

    import matplotlib.pyplot as plt

    use_style()
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.set_title("Chỉ số cải cách hành chính")
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def warm_up() -> None:
    """Import what the pages need and remember the state every notebook will start from."""
    global _saved
    for name in PRELOAD:
        importlib.import_module(name)
    import matplotlib
    import numpy as np

    with matplotlib.rc_context():  # the drawing's style is not what a notebook starts from
        _first_drawing()

    _saved = {
        "rc": dict(matplotlib.rcParams),
        "warnings": list(warnings.filters),
        "pandas": _pandas_options(),
        "numpy_random": np.random.get_state(),
        "random": random.getstate(),
        "cwd": os.getcwd(),
        "path": list(sys.path),
        "environ": dict(os.environ),
    }
    # What is imported now lives as long as the kernel: moved out of the collector's sight, so the
    # full collection IPython runs on every reset looks at the last notebook's objects only.
    gc.collect()
    gc.freeze()


def restore() -> None:
    """Bring the kernel back to the state :func:`warm_up` saw, with a new namespace and history session."""
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd
    from IPython import get_ipython

    if _saved is None:
        warm_up()
    saved = _saved
    plt.close("all")
    with warnings.catch_warnings():  # restoring a deprecated rcParam or option must not warn into the page
        warnings.simplefilter("ignore")
        changed = {k: v for k, v in saved["rc"].items() if matplotlib.rcParams.get(k) != v}
        matplotlib.rcParams.update(changed)
        current = _pandas_options()
        for key, value in saved["pandas"].items():
            if current.get(key) != value:
                pd.set_option(key, value)
    warnings.filters[:] = saved["warnings"]
    warnings._filters_mutated()  # the documented filters list is cached by the C implementation
    np.random.set_state(saved["numpy_random"])
    random.setstate(saved["random"])
    os.chdir(saved["cwd"])
    sys.path[:] = saved["path"]
    os.environ.clear()
    os.environ.update(saved["environ"])
    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)  # namespace, Out/_ history, a new history session, count back to 1
        kernel = getattr(shell, "kernel", None)
        if kernel is not None and hasattr(kernel, "execution_count"):
            kernel.execution_count = 0  # ipykernel counts too; the next cell is In [1] as in a new kernel
