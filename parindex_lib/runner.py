"""The quarterly batch: standardise, execute every notebook per unit (papermill), render HTML (nbconvert).

Each unit × notebook is one task for a small executor seam (:func:`execute_tasks`): local processes by
default, so the same tasks could later go to a Dask cluster. Reports are written into a staging
folder and moved into place only when a unit's pages all succeeded: an earlier good report is never
replaced by a half-written one. A failure is reported with unit, notebook, cell and error; the other
units go on; the executed failing notebook is kept under ``_failed/`` for debugging.
"""

from __future__ import annotations

import ast
import concurrent.futures as cf
import datetime as dt
import multiprocessing as mp
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from parindex_lib.config import NOTEBOOKS_DIR, PROCESSED_DIR, RAW_DIR, REPORTS_DIR
from parindex_lib.errors import ParindexError
from parindex_lib.html import render_html, render_index
from parindex_lib.io import write_atomic
from parindex_lib.pages import PAGES
from parindex_lib.vn import fold

KERNEL = "parindex"
# The kernel's own start-up warnings (e.g. about its local TCP transport) are not the user's business;
# its errors still reach the report of the failing page.
KERNEL_QUIET = ["--IPKernelApp.log_level=ERROR"]


def slugify(unit: str) -> str:
    """A folder name for a unit that cannot leave ``reports/``: ASCII letters, digits and hyphens.

    Examples
    --------
    >>> slugify("Tam Đường"), slugify("../../x"), slugify("<script>")
    ('tam-duong', 'x', 'script')
    """
    slug = re.sub(r"[^a-z0-9]+", "-", fold(unit)).strip("-")
    return slug or "unit"


def notebook_parameters(notebook: str | Path) -> dict[str, dict]:
    """The parameters a notebook declares (name → default, type, help), read by papermill."""
    import papermill

    return papermill.inspect_notebook(str(notebook))


def coerce_parameters(given: dict, declared: dict[str, dict], origin: str) -> dict:
    """Check names against the notebook's parameters and cast CLI strings to the declared types.

    Raises
    ------
    ParindexError
        For an unknown (e.g. misspelt) name, before anything runs — papermill alone only warns.
    """
    unknown = sorted(set(given) - set(declared))
    if unknown:
        import difflib

        hints = [f'"{u}"' + (f' (did you mean "{m[0]}"?)' if (m := difflib.get_close_matches(u, declared, 1)) else "")
                 for u in unknown]
        raise ParindexError(f"{origin}: unknown parameter(s) {', '.join(hints)}; the notebooks take: "
                            f"{', '.join(declared)}")
    casts = {"int": int, "float": float, "str": str}
    out = {}
    for name, value in given.items():
        kind = (declared[name].get("inferred_type_name") or "str").split("[")[0]
        try:
            out[name] = casts.get(kind, str)(value) if isinstance(value, str) or kind == "float" else value
        except (TypeError, ValueError):  # e.g. a YAML list where a number belongs
            what = {"int": "a whole number", "float": "a number"}.get(kind, kind)
            raise ParindexError(f'{origin}: parameter {name} = "{value}" is not {what}') from None
    return out


@dataclass
class Task:
    """One unit × notebook to execute and render."""

    unit: str
    slug: str
    page: str
    notebook: Path
    parameters: dict
    stage: Path


@dataclass
class Outcome:
    """What happened to a task."""

    task: Task
    ok: bool
    error: str = ""
    cell: int | None = None


@dataclass
class BatchSummary:
    """The run's result: where reports went, what failed."""

    out_dir: Path
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def describe(self) -> str:
        done = sum(o.ok for o in self.outcomes)
        lines = [f"{done}/{len(self.outcomes)} page(s) written under {self.out_dir}"]
        for o in self.failures:
            cell = f", cell {o.cell}" if o.cell is not None else ""
            lines.append(f"FAILED: unit {o.task.unit!r}, notebook {o.task.notebook.name}{cell}: {o.error}")
        return "\n".join(lines)


def _run_task(task: Task) -> Outcome:
    """Execute one notebook with papermill and render it; never raises (the batch goes on)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    task.stage.mkdir(parents=True, exist_ok=True)
    executed = task.stage / f"{task.page}.ipynb"
    try:
        papermill.execute_notebook(str(task.notebook), str(executed), parameters=task.parameters,
                                   kernel_name=KERNEL, cwd=str(task.notebook.parent), progress_bar=False,
                                   log_output=False, extra_arguments=KERNEL_QUIET)
    except PapermillExecutionError as exc:
        return Outcome(task, False, f"{exc.ename}: {exc.evalue}".strip(), exc.exec_count)
    except Exception as exc:  # a kernel that died, a notebook that cannot be read…
        return Outcome(task, False, f"{type(exc).__name__}: {exc}")
    try:
        render_html(executed, task.stage / f"{task.page}.html", task.parameters.get("lang", "vi"))
    except Exception as exc:
        return Outcome(task, False, f"rendering HTML failed: {type(exc).__name__}: {exc}")
    return Outcome(task, True)


def execute_tasks(tasks: list[Task], workers: int | None = None, progress: bool = True) -> list[Outcome]:
    """Run tasks on local processes (the executor seam), with a progress bar."""
    from tqdm.auto import tqdm

    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks) or 1))
    outcomes = []
    with cf.ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
        futures = [pool.submit(_run_task, t) for t in tasks]
        for fut in tqdm(cf.as_completed(futures), total=len(futures), desc="pages", unit="page",
                        disable=not progress):
            outcomes.append(fut.result())
    order = {id(t): i for i, t in enumerate(tasks)}
    return sorted(outcomes, key=lambda o: order.get(id(o.task), 0))


def _ensure_kernel() -> None:
    """Install the project's kernelspec into this environment if it is not there yet."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        import sys

        from ipykernel.kernelspec import install

        install(prefix=sys.prefix, kernel_name=KERNEL, display_name="Python (parindex)")


def load_params(path: Path | None) -> dict:
    """A params/*.yaml file: a mapping of notebook parameters (and optionally ``units``)."""
    if path is None:
        return {}
    if not Path(path).exists():
        raise ParindexError(f"{path}: parameter file does not exist")
    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ParindexError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(spec, dict):
        raise ParindexError(f"{path}: expected a mapping of parameter names to values")
    return spec


def run_batch(params_file: Path | None = None, units: list[str] | None = None, overrides: dict | None = None,
              out_dir: Path = REPORTS_DIR, raw_dir: Path | None = None, workers: int | None = None,
              notebooks_dir: Path = NOTEBOOKS_DIR, processed_dir: Path = PROCESSED_DIR,
              progress: bool = True) -> BatchSummary:
    """Standardise, execute every notebook for every unit, render HTML and move reports into place.

    Parameters
    ----------
    params_file : path, optional
        ``params/<year>-<period>.yaml``: notebook parameters, and ``units`` to report on.
    units : list of str, optional
        Units to report on (default: the file's ``units``, else every unit with results).
    overrides : dict, optional
        Parameters from the command line (strings are cast to the notebook's types).
    out_dir, raw_dir, notebooks_dir, processed_dir : paths
        Where reports go, raw inputs come from, notebooks live and standardised tables are written.
    workers : int, optional
        Parallel processes (default: the machine's cores).

    Raises
    ------
    ParindexError
        Before anything runs: bad parameters, unreadable inputs, no notebooks.
    """
    from parindex_lib.index import PARIndex, target_or_plan
    from parindex_lib.standardise import standardise, write_processed

    raw_dir = Path(raw_dir or RAW_DIR).resolve()
    out_dir = Path(out_dir).resolve()
    notebooks = {page: Path(notebooks_dir).resolve() / f"{name}.ipynb" for page, name in PAGES.items()}
    missing = [str(p) for p in notebooks.values() if not p.exists()]
    if missing:
        raise ParindexError(f"notebook(s) not found: {', '.join(missing)}")
    declared = notebook_parameters(notebooks["summary"])
    spec = load_params(params_file)
    file_units = spec.pop("units", None)
    params = coerce_parameters(spec, declared, str(params_file or "parameters"))
    params |= coerce_parameters(overrides or {}, declared, "command line")

    _check_values(params, str(params_file or "parameters"))
    result = standardise(None, raw_dir)  # every problem in every file, before anything runs
    processed_dir = Path(processed_dir).resolve()
    write_processed(result, processed_dir, raw_dir=raw_dir)
    params |= {"scores_path": str(processed_dir / "scores.csv"), "tasks_path": str(processed_dir / "tasks.csv"),
               "raw_dir": str(raw_dir)}
    defaults = {k: v["default"] for k, v in declared.items()}
    year = int(params.get("year", ast.literal_eval(defaults["year"])))
    period = str(params.get("period", ast.literal_eval(defaults["period"])))
    params |= {"year": year, "period": period}
    scores = result.scores
    from parindex_lib.schema import UNIT_LEVELS

    reportable = (scores["kind"] == "actual") & scores["level"].isin(UNIT_LEVELS)  # never averages
    known = sorted(scores.loc[reportable, "unit"].unique())
    chosen = units or file_units or known
    unknown = [u for u in chosen if u not in known]
    if unknown:
        raise ParindexError(f"unit(s) {', '.join(repr(u) for u in unknown)} have no results in {raw_dir} "
                            f"(units with results: {', '.join(known)})")

    _ensure_kernel()
    lang = params.get("lang", ast.literal_eval(defaults["lang"]))
    # Vietnamese is the reports' home; another language sits beside it, so both can be read together.
    run_dir = out_dir / (f"{year}-{period}" if lang == "vi" else f"{year}-{period}-{lang}")
    out_dir.mkdir(parents=True, exist_ok=True)
    stage_root = Path(tempfile.mkdtemp(prefix=f".staging-{year}-{period}-", dir=out_dir))
    slugs: dict[str, str] = {}
    tasks = []
    for unit in chosen:
        slug = slugify(unit)
        if slug in slugs.values():
            slug = f"{slug}-{len(slugs)}"
        slugs[unit] = slug
        for page, nb in notebooks.items():
            tasks.append(Task(unit, slug, page, nb, params | {"unit": unit}, stage_root / slug))
    summary = BatchSummary(run_dir)
    try:
        summary.outcomes = execute_tasks(tasks, workers, progress)
        run_dir.mkdir(parents=True, exist_ok=True)
        for unit, slug in slugs.items():
            outs = [o for o in summary.outcomes if o.task.unit == unit]
            if all(o.ok for o in outs):
                _replace_dir(stage_root / slug, run_dir / slug)
                shutil.rmtree(run_dir / "_failed" / slug, ignore_errors=True)
            else:
                _replace_dir(stage_root / slug, run_dir / "_failed" / slug)
        failed_dir = run_dir / "_failed"
        if failed_dir.exists() and not any(failed_dir.iterdir()):
            failed_dir.rmdir()
        rows = []
        for unit, slug in slugs.items():
            if (run_dir / slug / "summary.html").exists():
                try:
                    index = PARIndex.from_scores(scores, unit, year, period, scheme=params.get("scheme", "equal-9"),
                                                 bound=params.get("bound", "ge"),
                                                 target=target_or_plan(params.get("target")))
                except ParindexError:
                    continue
                rows.append((unit, slug, index))
        write_atomic(run_dir / "index.html", render_index(rows, year, period, lang, scores))
    finally:
        shutil.rmtree(stage_root, ignore_errors=True)
    return summary


def _check_values(params: dict, origin: str) -> None:
    """Reject values every page would fail on (language, period, bound, scheme) before anything runs."""
    from parindex_lib.i18n import check_lang
    from parindex_lib.schema import PERIODS
    from parindex_lib.schemes import load_scheme

    if "lang" in params:
        check_lang(params["lang"])
    if "period" in params and params["period"] not in PERIODS:
        raise ParindexError(f'{origin}: period "{params["period"]}" is not one of {", ".join(PERIODS)}')
    if "bound" in params and params["bound"] not in ("ge", "gt"):
        raise ParindexError(f'{origin}: bound "{params["bound"]}" is not ge or gt')
    if "scheme" in params:
        load_scheme(params["scheme"]).weights()  # unknown or incomplete: the scheme's own message


def _replace_dir(new: Path, dest: Path) -> None:
    """Move ``new`` to ``dest``, replacing any old one only once the new one is complete."""
    if not new.exists():
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if dest.exists():
        old = dest.with_name(f".old-{dest.name}-{dt.datetime.now().strftime('%H%M%S%f')}")
        dest.rename(old)
    new.rename(dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
