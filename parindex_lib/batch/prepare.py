"""Preparing a run: what every page reads, written once before the pages run.

:func:`prepare` writes the standardised tables (``scores.csv``, ``tasks.csv``, ``inputs.json``) and the
run-wide tables (the peers' rank intervals, the same for every unit of a peer group; each unit's index,
built once by the plan) into the processed folder, and installs the kernelspec the pages run on. It is the
first step of a run that writes.
"""

from __future__ import annotations

from pathlib import Path

from parindex_lib.analyses.weighting import run_rank_intervals
from parindex_lib.batch.kernels import ensure_kernelspec
from parindex_lib.batch.plan import Plan
from parindex_lib.errors import ParindexError, Reason, os_reason
from parindex_lib.io import write_atomic
from parindex_lib.model.index_store import save_indices
from parindex_lib.standardise import write_processed


def prepare(plan: Plan) -> None:
    """Write the standardised and run-wide tables the pages read, and install the kernelspec.

    Raises
    ------
    ParindexError
        When the processed folder cannot be written.
    """
    ensure_kernelspec()
    write_processed(plan.standardised, plan.processed_dir, raw_dir=plan.raw_dir)
    # The same for every unit of a peer group: computed here once, not on every weighting page.
    table = run_rank_intervals(plan.scores, list(plan.indices.values())).to_csv(index=False)
    try:
        write_atomic(plan.peers_path, table)
    except OSError as exc:
        raise _cannot_write(plan.peers_path, exc) from None
    # Each page takes its unit's index from here instead of building it again.
    indices = {plan.index_key(*unit): index for unit, index in plan.indices.items()}
    try:
        save_indices(plan.indices_path, indices, plan.params["scores_path"], plan.params["tasks_path"])
    except OSError as exc:
        raise _cannot_write(plan.indices_path, exc) from None


def _cannot_write(path: Path, exc: OSError) -> ParindexError:
    why = os_reason(exc)
    return ParindexError(f"{path}: cannot be written ({why})",
                         reason=Reason("cannot_write_file", {"file": path, "why": why}))
