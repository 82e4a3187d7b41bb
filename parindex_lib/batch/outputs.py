"""The run's own outputs beside the units' pages: ``index.html``, the Excel workbook and its provenance.

Both are written after the pages are promoted, from the units actually reported. A failure to write
either is recorded in the summary (the pages are already in place), never raised.
"""

from __future__ import annotations

import datetime as dt

from parindex_lib import __version__
from parindex_lib.analyses.criteria import criteria_beside, criteria_table
from parindex_lib.analyses.peers import build_group, group_of
from parindex_lib.batch.execute import BatchSummary, Outcome
from parindex_lib.batch.plan import Plan
from parindex_lib.errors import Reason, os_reason
from parindex_lib.io import write_atomic
from parindex_lib.present import criteria_sheets
from parindex_lib.present.html import render_index
from parindex_lib.present.i18n import say, t
from parindex_lib.present.pages import relative
from parindex_lib.present.peer_groups import PAGE, group_sheet, index_entries
from parindex_lib.present.workbook import build_workbook, workbook_name
from parindex_lib.standardise import input_files

#: A reported unit's row of ``index.html`` and the workbook: (unit, level, folder name, index).
IndexRow = tuple
#: A unit not reported: (unit, level, reason) — the reason as data where the model or the batch gives it.
Missing = tuple[str, str, Reason | str]


def index_rows(plan: Plan, summary: BatchSummary) -> tuple[list[IndexRow], list[Missing]]:
    """The units reported (unit, level, slug, index) and those not reported (unit, level, reason)."""
    rows, missing = [], list(plan.unreportable)
    by_slug = summary.by_slug()
    for (unit, level), slug in plan.slugs.items():
        failed = [o for o in by_slug.get(slug, []) if not o.ok]
        if failed or not (plan.run_dir / slug / "summary.html").exists():
            missing.append((unit, level, _failure(failed[0]) if failed else Reason("no_page")))
            continue
        rows.append((unit, level, slug, plan.indices[(unit, level)]))
    return rows, missing


def _failure(outcome: Outcome) -> Reason:
    """Why a unit's pages are missing: the first page that failed (and its cell), and its error."""
    values = {"notebook": outcome.task.notebook.name, "why": outcome.why}
    if outcome.cell is None:
        return Reason("page_failed", values, f"{values['notebook']}: {outcome.error}")
    return Reason("page_failed_in_cell", values | {"cell": outcome.cell},
                  f"{values['notebook']}, cell {outcome.cell}: {outcome.error}")


def workbook_unit_rows(plan: Plan) -> dict:
    """Every reportable unit's rows of the workbook's status, lift and plan sheets (and criteria sheets, for a
    unit scored by criteria; they need no page, so a run prepares them while the pages run)."""
    criteria = run_criteria(plan)
    return {key: criteria_sheets.unit_rows(index, plan.scores, plan.lang, criteria)
            for key, index in plan.indices.items()}


def run_criteria(plan: Plan):
    """The criteria table of the run's units scored by criteria (beside its scores; empty when there are none)."""
    return criteria_table(criteria_beside(plan.processed_dir / "scores.csv"))


def provenance(plan: Plan) -> dict:
    """What the run was made from: the raw files read (with their SHA-256), the parameters (paths relative
    to the project), the library version and the time."""
    return {"inputs": [(relative(p), digest) for p, digest in input_files(plan.processed_dir)],
            "params": [(k, relative(v) if k.endswith(("_path", "_dir")) else v) for k, v in plan.params.items()],
            "version": __version__,
            "time": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")}


def workbook(plan: Plan, rows: list[IndexRow], missing: list[Missing], unit_rows: dict) -> bytes:
    """The run's results as an Excel workbook (scores, status, lift, plan targets, provenance)."""
    indexes = [r[3] for r in rows]
    reported = [unit_rows.get((ix.unit, ix.level), {}) for ix in indexes]
    extra = criteria_sheets.sheets(reported, plan.lang)
    return build_workbook(indexes, plan.scores, plan.lang, plan.year, plan.period, provenance(plan), missing,
                          unit_rows, extra=extra + group_sheets(plan))


def group_sheets(plan: Plan) -> list:
    """One sheet per peer group whose page the run renders (its league table)."""
    return [group_sheet(build_group(plan.scores, group_of(plan.scores, unit, level, plan.year, plan.period),
                                    plan.year, plan.period, target=plan.params.get("target", 80.0),
                                    bound=plan.params.get("bound", "ge")), plan.lang)
            for unit, level in plan.groups.values()]


def group_entries(plan: Plan) -> list[dict]:
    """The group pages written (their folder holds the page): label, link, coverage."""
    written = {slug: member for slug, member in plan.groups.items() if (plan.run_dir / slug / PAGE).exists()}
    return index_entries(plan.scores, written, plan.year, plan.period, plan.lang)


def write_outputs(plan: Plan, summary: BatchSummary, unit_rows: dict) -> None:
    """Write ``index.html`` and the workbook into the run's folder; a failure is said in ``summary``.

    The reasons of the units not reported are said in the run's language.
    """
    rows, missing = index_rows(plan, summary)
    missing = [(unit, level, say(why, plan.lang)) for unit, level, why in missing]
    errors = []
    try:
        write_atomic(plan.run_dir / "index.html",
                     render_index(rows, plan.year, plan.period, plan.lang, plan.scores, missing, group_entries(plan)))
    except OSError as exc:
        errors.append(t("run_not_written", plan.lang, file="index.html", error=say(os_reason(exc), plan.lang)))
    name = workbook_name(plan.year, plan.period, plan.lang)
    try:
        write_atomic(plan.run_dir / name, workbook(plan, rows, missing, unit_rows))
    except OSError as exc:
        errors.append(t("run_not_written", plan.lang, file=name, error=say(os_reason(exc), plan.lang)))
    summary.index_error = "; ".join(errors)
