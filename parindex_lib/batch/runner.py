"""The quarterly batch: standardise, execute every notebook per unit (papermill), render HTML (nbconvert).

Each unit × notebook is one task (:func:`execute_tasks`) for an executor (:mod:`parindex_lib.batch.executors`):
local processes by default, or a Dask cluster; either way each worker keeps a warm kernel and returns
the page's bytes. Reports are written into a staging
folder and moved into place only when a unit's pages all succeeded: an earlier good report is never
replaced by a half-written one. A failure is reported with unit, notebook, cell and error; the other
units go on; the executed failing notebook is kept under ``_failed/`` for debugging.
"""

from __future__ import annotations

import ast
import concurrent.futures as cf
import ctypes
import datetime as dt
import fcntl
import hashlib
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from parindex_lib import __version__
from parindex_lib.analyses import weighting
from parindex_lib.batch.executors import EXECUTORS, PageJob, PageResult, run_jobs
from parindex_lib.batch.kernels import CELL_TIMEOUT, RECYCLE_AFTER, ensure_kernelspec
from parindex_lib.config import NOTEBOOKS_DIR, PROCESSED_DIR, RAW_DIR, REPORTS_DIR
from parindex_lib.errors import ParindexError
from parindex_lib.io import write_atomic
from parindex_lib.model.schemes import check_level, load_scheme
from parindex_lib.present.html import render_index
from parindex_lib.present.pages import PAGES
from parindex_lib.present.workbook import workbook_name
from parindex_lib.vn import fold, nfc

#: The longest readable part of a unit's folder name (the whole stays well under any file system's limit).
SLUG_CHARS = 48


def slugify(unit: str, level: str = "") -> str:
    """A unit's folder name: readable ASCII, capped in length, plus a hash of the exact name and level.

    The hash makes the folder unique by construction ("A", "a" and "A-2" never share one, nor Lai Châu
    the province and Lai Châu the city) and stable across runs (it depends on the unit only); the name
    can never leave ``reports/``.

    Examples
    --------
    >>> slugify("Tam Đường", "district")
    'tam-duong-4b0c7147'
    >>> slugify("../../x").startswith("x-"), slugify("<script>").startswith("script-")
    (True, True)
    >>> slugify("A") != slugify("a"), slugify("Lai Châu", "province") != slugify("Lai Châu", "district")
    (True, True)
    """
    readable = re.sub(r"[^a-z0-9]+", "-", fold(unit)).strip("-")[:SLUG_CHARS].strip("-") or "unit"
    key = nfc(unit) + (f"\x1f{level}" if level else "")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"{readable}-{digest}"


def notebook_parameters(notebook: str | Path) -> dict[str, dict]:
    """The parameters a notebook declares (name → default, type, help), read by papermill."""
    import papermill

    return papermill.inspect_notebook(str(notebook))


#: Parameters the batch sets itself for every page: never taken from a params file or the command line.
BATCH_SET = ("unit", "level", "scores_path", "tasks_path", "raw_dir", "peers_path")


def _cast(name: str, value: object, kind: str, origin: str) -> object:
    what = {"int": "a whole number", "float": "a number", "bool": "true or false", "str": "text"}.get(kind, kind)
    bad = ParindexError(f'{origin}: parameter {name} = "{value}" is not {what}')
    if isinstance(value, bool) and kind != "bool":
        raise bad
    if kind == "int":
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
            return int(value)
        raise bad
    if kind == "float":
        if isinstance(value, int | float) or (isinstance(value, str) and value.strip()):
            try:
                number = float(value.replace(",", ".") if isinstance(value, str) else value)
            except ValueError:
                raise bad from None
            if not math.isfinite(number):
                raise ParindexError(f'{origin}: parameter {name} = "{value}" is not a finite number')
            return number
        raise bad
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "false", "1", "0", "yes", "no"}:
            return value.strip().lower() in {"true", "1", "yes"}
        raise bad
    if not isinstance(value, str):
        raise bad
    return value


def coerce_parameters(given: dict, declared: dict[str, dict], origin: str) -> dict:
    """Check names against the notebook's parameters and cast values to the declared types.

    Raises
    ------
    ParindexError
        For an unknown (e.g. misspelt) name, a parameter the batch sets itself, or a value of the wrong
        type — before anything runs (papermill alone only warns).
    """
    reserved = sorted(set(given) & set(BATCH_SET))
    if reserved:
        raise ParindexError(f"{origin}: parameter(s) {', '.join(reserved)} are set by the batch for every unit "
                            "(choose units with --unit, data with --raw and --processed)")
    unknown = sorted(set(given) - set(declared))
    if unknown:
        import difflib

        hints = [f'"{u}"' + (f' (did you mean "{m[0]}"?)' if (m := difflib.get_close_matches(u, declared, 1)) else "")
                 for u in unknown]
        raise ParindexError(f"{origin}: unknown parameter(s) {', '.join(hints)}; the notebooks take: "
                            f"{', '.join(k for k in declared if k not in BATCH_SET)}")
    return {name: _cast(name, value, (declared[name].get("inferred_type_name") or "str").split("[")[0], origin)
            for name, value in given.items()}


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
    seconds: float = 0.0  # the page's time in its worker


@dataclass
class BatchSummary:
    """The run's result: where reports went, what failed."""

    out_dir: Path
    outcomes: list[Outcome] = field(default_factory=list)
    index_error: str = ""
    not_reported: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes) and not self.index_error

    def by_slug(self) -> dict[str, list[Outcome]]:
        """Each unit folder's outcomes."""
        groups: dict[str, list[Outcome]] = {}
        for o in self.outcomes:
            groups.setdefault(o.task.slug, []).append(o)
        return groups

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def describe(self) -> str:
        done = sum(o.ok for o in self.outcomes)
        lines = [f"{done}/{len(self.outcomes)} page(s) written under {self.out_dir}"]
        for o in self.failures:
            cell = f", cell {o.cell}" if o.cell is not None else ""
            lines.append(f"FAILED: unit {o.task.unit!r}, notebook {o.task.notebook.name}{cell}: {o.error}")
        if self.index_error:
            lines.append(f"FAILED: {self.index_error}")
        for unit, level, why in self.not_reported:  # the data cannot give them a report: said, not failed
            lines.append(f"not reported: unit {unit!r} ({level}): {why}")
        return "\n".join(lines)


def execute_tasks(tasks: list[Task], workers: int | None = None, progress: bool = True, *, executor: str = "local",
                  scheduler: str | None = None, cell_timeout: float = CELL_TIMEOUT,
                  recycle_after: int = RECYCLE_AFTER) -> list[Outcome]:
    """Run tasks on the chosen executor and write each page into its staging folder as it arrives.

    Workers return the page's bytes; only this process writes, so staging and promotion stay here
    and a page written twice (a task Dask retried) is the same bytes written again.
    """
    from tqdm.auto import tqdm

    by_key = {f"{t.slug}/{t.page}": t for t in tasks}
    jobs = [PageJob(key, t.notebook.name, t.notebook.read_text(encoding="utf-8"), t.parameters,
                    str(t.parameters.get("lang", "vi")), bool(t.parameters.get("analyst_cells", False)),
                    str(t.notebook.parent), cell_timeout, recycle_after) for key, t in by_key.items()]
    outcomes: dict[str, Outcome] = {}
    bar = tqdm(total=len(jobs), desc="pages", unit="page", disable=not progress)

    def store(result: PageResult) -> None:
        task = by_key[result.key]
        task.stage.mkdir(parents=True, exist_ok=True)
        if result.ipynb is not None:
            write_atomic(task.stage / f"{task.page}.ipynb", result.ipynb)
        if result.html is not None:
            write_atomic(task.stage / f"{task.page}.html", result.html)
        outcomes[result.key] = Outcome(task, result.ok, result.error, result.cell, result.seconds)
        bar.update()

    try:
        run_jobs(jobs, store, executor=executor, workers=workers, scheduler=scheduler)
    finally:
        bar.close()
    return [outcomes.get(key) or Outcome(t, False, "the page was never run") for key, t in by_key.items()]


def load_params(path: Path | None) -> dict:
    """A params/*.yaml file: a mapping of notebook parameters (and optionally ``units``).

    Raises
    ------
    ParindexError
        For a missing file, a folder, a file that is not UTF-8 YAML, or one that is not a mapping.
    """
    if path is None:
        return {}
    path = Path(path)
    if not path.exists():
        raise ParindexError(f"{path}: parameter file does not exist")
    if path.is_dir():
        raise ParindexError(f"{path}: is a folder (expected a params/*.yaml file)")
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError:
        raise ParindexError(f"{path}: is not UTF-8 text (save the parameter file as UTF-8)") from None
    except yaml.YAMLError as exc:
        raise ParindexError(f"{path}: not valid YAML ({exc})") from None
    except OSError as exc:
        raise ParindexError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not isinstance(spec, dict):
        raise ParindexError(f"{path}: expected a mapping of parameter names to values")
    units = spec.get("units")
    if units is not None and not (isinstance(units, list) and all(isinstance(u, str) for u in units)):
        raise ParindexError(f'{path}: units = "{units}" is not a list of unit names')
    return spec


def check_output_dir(path: Path, what: str) -> None:
    """Refuse an output folder that is a file, or that cannot be created or written, before any work."""
    path = Path(path)
    probe = path
    while not probe.exists():
        probe = probe.parent
    if path.exists() and not path.is_dir():
        raise ParindexError(f"{path}: is a file (expected a folder for {what})")
    if not probe.is_dir():
        raise ParindexError(f"{path}: {probe} is a file (expected a folder for {what})")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ParindexError(f"{path}: cannot write there (permission denied; expected a writable folder for {what})")


OWNER_MARK = ".parindex-owned"
LOCK_NAME = ".parindex.lock"
#: The files a run writes into a unit's folder; anything else there is the user's and is kept.
OWN_FILES = {OWNER_MARK} | {f"{page}.{ext}" for page in PAGES for ext in ("html", "ipynb")}


def run_batch(params_file: Path | None = None, units: list[str] | None = None, overrides: dict | None = None,
              out_dir: Path = REPORTS_DIR, raw_dir: Path | None = None, workers: int | None = None,
              notebooks_dir: Path = NOTEBOOKS_DIR, processed_dir: Path = PROCESSED_DIR,
              progress: bool = True, force: bool = False, level: str | None = None, executor: str = "local",
              scheduler: str | None = None, cell_timeout: float = CELL_TIMEOUT,
              recycle_after: int = RECYCLE_AFTER) -> BatchSummary:
    """Standardise, execute every notebook for every unit, render HTML and move reports into place.

    The work is four steps: plan (every parameter, path and unit checked before anything runs),
    execute (the unit × notebook tasks), promote (each unit's complete folder swapped in atomically),
    index (``index.html``). The reports folder is the project's: a run replaces only folders it
    created, keeps any file it did not write, and holds a lock so two runs never write at once.

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
    force : bool
        Write into a reports folder this project did not create (its files are kept).
    level : str, optional
        Report only on units of this level (also ``level:`` in the params file).
    executor : {"local", "dask"}
        Local worker processes (default), or a Dask cluster: ``scheduler`` (``tcp://HOST:8786``), else a
        LocalCluster of ``workers`` processes. Each worker keeps one warm kernel.
    cell_timeout : float
        Seconds a notebook cell may run; beyond it that page fails and its kernel is replaced.
    recycle_after : int
        Notebooks a warm kernel runs before it is replaced.

    Raises
    ------
    ParindexError
        Before anything runs: bad parameters, paths or inputs, an unknown unit, a folder the run does
        not own, or another run writing to the same folder.
    """
    if executor not in EXECUTORS:
        raise ParindexError(f'--executor "{executor}" is not one of {", ".join(EXECUTORS)}')
    if scheduler and executor != "dask":
        raise ParindexError("--scheduler needs --executor dask")
    if not (math.isfinite(cell_timeout) and cell_timeout > 0):
        raise ParindexError(f"--cell-timeout {cell_timeout:g}: expected a positive number of seconds")
    if recycle_after < 1:
        raise ParindexError(f"recycle_after {recycle_after}: expected at least 1 notebook per kernel")
    if scheduler:
        from parindex_lib.batch.executors import check_scheduler

        check_scheduler(scheduler)
    plan = _plan(params_file, units, overrides, Path(out_dir), raw_dir, Path(notebooks_dir), Path(processed_dir),
                 force, level)
    with _locked(plan.out_dir):
        _clean_stale(plan.out_dir)
        stage_root = Path(tempfile.mkdtemp(prefix=f".staging-{plan.year}-{plan.period}-", dir=plan.out_dir))
        _mark(stage_root)
        summary = BatchSummary(plan.run_dir, not_reported=list(plan.unreportable))
        try:
            tasks = [Task(unit, slug, page, nb, plan.params | {"unit": unit, "level": level}, stage_root / slug)
                     for (unit, level), slug in plan.slugs.items() for page, nb in plan.notebooks.items()]
            # The workbook's per-unit sheets need no page: they are prepared here while the workers run.
            with cf.ThreadPoolExecutor(1) as side:
                prepared = side.submit(_prepare_workbook, plan)
                summary.outcomes = execute_tasks(tasks, workers, progress, executor=executor, scheduler=scheduler,
                                                 cell_timeout=cell_timeout, recycle_after=recycle_after)
                plan.prepared = prepared.result()
            _promote(plan, summary, stage_root)
            rows, missing = _index_rows(plan, summary)
            try:
                write_atomic(plan.run_dir / "index.html",
                             render_index(rows, plan.year, plan.period, plan.lang, plan.scores, missing))
            except OSError as exc:
                summary.index_error = f"index.html could not be written: {exc.strerror or exc}"
            try:
                write_atomic(plan.run_dir / workbook_name(plan.year, plan.period, plan.lang),
                             _workbook(plan, rows, missing))
            except OSError as exc:
                summary.index_error = "; ".join(filter(None, [summary.index_error, "the workbook could not be written: "
                                                              f"{exc.strerror or exc}"]))
        finally:
            shutil.rmtree(stage_root, ignore_errors=True)
    return summary


@dataclass
class _Plan:
    """Everything a run needs, checked before any work starts."""

    params: dict
    year: int
    period: str
    lang: str
    out_dir: Path
    run_dir: Path
    notebooks: dict[str, Path]
    slugs: dict[tuple[str, str], str]
    scores: object
    unreportable: list = field(default_factory=list)
    indices: dict = field(default_factory=dict)
    prepared: dict = field(default_factory=dict)


def _plan(params_file, units, overrides, out_dir: Path, raw_dir, notebooks_dir: Path, processed_dir: Path,
          force: bool, level: str | None = None) -> _Plan:
    from parindex_lib.standardise import standardise, write_processed

    raw_dir = Path(raw_dir or RAW_DIR).resolve()
    out_dir, processed_dir = out_dir.resolve(), processed_dir.resolve()
    notebooks = {page: notebooks_dir.resolve() / f"{name}.ipynb" for page, name in PAGES.items()}
    missing = [str(p) for p in notebooks.values() if not p.exists()]
    if missing:
        raise ParindexError(f"notebook(s) not found: {', '.join(missing)}")
    declared = notebook_parameters(notebooks["summary"])
    spec = load_params(params_file)
    file_units = spec.pop("units", None)
    level = level or spec.pop("level", None)
    spec.pop("level", None)
    params = coerce_parameters(spec, declared, str(params_file or "parameters"))
    params |= coerce_parameters(overrides or {}, declared, "command line")
    _check_values(params, str(params_file or "parameters"))
    check_output_dir(out_dir, "the reports")
    check_output_dir(processed_dir, "the standardised tables")
    if not raw_dir.is_dir():
        raise ParindexError(f"{raw_dir}: the raw folder does not exist (expected data/raw or --raw FOLDER)")
    for folder, what in ((out_dir, "--out"), (processed_dir, "--processed")):
        if folder == raw_dir or folder.is_relative_to(raw_dir):
            raise ParindexError(f"{what} {folder}: is inside the raw folder {raw_dir}, which is never written "
                                "(expected a folder outside it, e.g. reports/ or data/processed/)")
    result = standardise(None, raw_dir)  # every problem in every file, before anything runs

    defaults = {k: ast.literal_eval(v["default"]) for k, v in declared.items()}
    year = int(params.get("year", defaults["year"]))
    period = str(params.get("period", defaults["period"]))
    lang = str(params.get("lang", defaults["lang"]))
    scores = result.scores
    years = scores["year"]
    if not years.empty and not years.min() <= year <= years.max():
        raise ParindexError(f"year {year} is outside the data's years {years.min()}–{years.max()} "
                            f"(in {raw_dir})")
    chosen = _choose_units(scores, units or file_units, level, raw_dir)
    indices, unreportable = _reportable(chosen, scores, params, year, period, named=bool(units or file_units))
    chosen = list(indices)
    if params.get("scheme"):
        for _, unit_level in chosen:
            check_level(load_scheme(params["scheme"]), unit_level)
    # Vietnamese is the reports' home; another language sits beside it, so both can be read together.
    run_dir = out_dir / (f"{year}-{period}" if lang == "vi" else f"{year}-{period}-{lang}")
    slugs = {(unit, lv): slugify(unit, lv) for unit, lv in chosen}
    if len(set(slugs.values())) != len(slugs):
        raise ParindexError("two units would share a report folder: " + ", ".join(
            u for u, _ in slugs if list(slugs.values()).count(slugs[(u, _)]) > 1))
    if not force:
        foreign = [p for p in (run_dir, *(run_dir / s for s in slugs.values()))
                   if p.is_dir() and any(p.iterdir()) and not (p / OWNER_MARK).exists()]
        if foreign:
            raise ParindexError(f"{foreign[0]}: this folder was not written by parindex; its files are left "
                                "alone (choose another --out, or add --force to write into it — its files are "
                                "kept)")
    ensure_kernelspec()
    write_processed(result, processed_dir, raw_dir=raw_dir)
    # The same for every unit of a peer group: computed here once, not on every weighting page.
    peers_path = processed_dir / "peer_ranks.csv"
    write_atomic(peers_path, weighting.run_rank_intervals(scores, list(indices.values())).to_csv(index=False))
    params |= {"scores_path": str(processed_dir / "scores.csv"), "tasks_path": str(processed_dir / "tasks.csv"),
               "raw_dir": str(raw_dir), "peers_path": str(peers_path), "year": year, "period": period}
    return _Plan(params, year, period, lang, out_dir, run_dir, notebooks, slugs, scores, unreportable, indices)


def _mark(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / OWNER_MARK).write_text("Written by parindex run: this folder is replaced by the next run.\n",
                                     encoding="utf-8")


def _promote(plan: _Plan, summary: BatchSummary, stage_root: Path) -> None:
    """Swap each unit's complete staged folder into place (a failed unit's goes under ``_failed/``)."""
    _mark(plan.run_dir)
    by_slug = summary.by_slug()
    for _, slug in plan.slugs.items():
        outs = by_slug.get(slug, [])
        staged = stage_root / slug
        if not staged.exists():
            continue
        _mark(staged)
        if all(o.ok for o in outs):
            _swap_in(staged, plan.run_dir / slug)
            failed = plan.run_dir / "_failed" / slug
            if (failed / OWNER_MARK).exists():
                _remove_own(failed)
        else:
            _mark(plan.run_dir / "_failed")
            _swap_in(staged, plan.run_dir / "_failed" / slug)
    failed_dir = plan.run_dir / "_failed"
    if failed_dir.is_dir() and {p.name for p in failed_dir.iterdir()} <= {OWNER_MARK}:
        _remove_own(failed_dir)


def _index_rows(plan: _Plan, summary: BatchSummary) -> tuple[list, list]:
    """The units reported (unit, level, slug, index) and those not reported (unit, level, reason)."""
    rows, missing = [], list(plan.unreportable)
    by_slug = summary.by_slug()
    for (unit, level), slug in plan.slugs.items():
        failed = [o for o in by_slug.get(slug, []) if not o.ok]
        if failed or not (plan.run_dir / slug / "summary.html").exists():
            reason = failed[0].error if failed else "no page was written"
            missing.append((unit, level, reason))
            continue
        rows.append((unit, level, slug, plan.indices[(unit, level)]))
    return rows, missing


def _reportable(chosen: list[tuple[str, str]], scores, params: dict, year: int, period: str,
                named: bool) -> tuple[dict[tuple[str, str], object], list[tuple[str, str, str]]]:
    """Split units into those a report can be built for (with their index) and those it cannot (with the
    reason).

    A unit asked for by name that cannot be reported is an error; one found in the data is listed on
    ``index.html`` with its reason (e.g. only a SIPAS result, no total), and the run goes on.

    Raises
    ------
    ParindexError
        For a unit named by the user that cannot be reported.
    """
    from parindex_lib.model.index import PARIndex

    ok, skipped = {}, []
    for unit, level in chosen:
        try:
            index = PARIndex.from_scores(scores, unit, year, period, level=level, scheme=params.get("scheme") or None,
                                         bound=params.get("bound", "ge"), target=params.get("target"))
        except ParindexError as exc:
            if named:
                raise ParindexError(f"{unit} ({level}) cannot be reported: {exc}") from None
            skipped.append((unit, level, str(exc)))
            continue
        ok[(unit, level)] = index
    if not ok:
        reasons = "; ".join(f"{u}: {why}" for u, _, why in skipped[:3])
        raise ParindexError(f"no unit can be reported for {year} {period} ({reasons})")
    return ok, skipped


def _prepare_workbook(plan: _Plan) -> dict:
    """Every reportable unit's rows of the workbook's status, lift and plan sheets."""
    from parindex_lib.present.workbook import unit_sheet_rows

    return {key: unit_sheet_rows(index, plan.scores, plan.lang) for key, index in plan.indices.items()}


def _workbook(plan: _Plan, rows: list, missing: list) -> bytes:
    """The run's results as an Excel workbook (scores, status, lift, plan targets, provenance)."""
    from parindex_lib.present.pages import relative
    from parindex_lib.present.workbook import build_workbook
    from parindex_lib.standardise import input_files

    processed = Path(plan.params["scores_path"]).parent
    provenance = {"inputs": [(relative(p), digest) for p, digest in input_files(processed)],
                  "params": [(k, relative(v) if k.endswith(("_path", "_dir")) else v) for k, v in plan.params.items()],
                  "version": __version__,
                  "time": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")}
    return build_workbook([r[3] for r in rows], plan.scores, plan.lang, plan.year, plan.period, provenance, missing,
                          plan.prepared)


def _choose_units(scores, names: list[str] | None, level: str | None, raw_dir: Path) -> list[tuple[str, str]]:
    """The (unit, level) pairs to report on: the names given (matched as :func:`resolve_unit` does), else
    every unit with results (of ``level``, when given); national and regional averages never.

    Raises
    ------
    ParindexError
        For an unknown level, a name with no results, or a name found at two levels.
    """
    from parindex_lib.model.index import resolve_unit
    from parindex_lib.model.schema import UNIT_LEVELS
    from parindex_lib.readers.tidy import LEVEL_WORDS

    if level is not None and LEVEL_WORDS.get(fold(level)) not in UNIT_LEVELS:
        raise ParindexError(f'--level "{level}" is not a level of units (expected one of {", ".join(UNIT_LEVELS)})')
    wanted = LEVEL_WORDS.get(fold(level)) if level else None
    actual = scores[(scores["kind"] == "actual") & scores["level"].isin(UNIT_LEVELS)]
    if wanted:
        actual = actual[actual["level"] == wanted]
    if not names:
        pairs = actual[["unit", "level"]].drop_duplicates().sort_values(["level", "unit"])
        if pairs.empty:
            raise ParindexError(f"no unit{' of level ' + wanted if wanted else ''} has results in {raw_dir}")
        return list(pairs.itertuples(index=False, name=None))
    chosen, problems = [], []
    for name in dict.fromkeys(names):
        try:
            chosen.append(resolve_unit(scores[scores["kind"] == "actual"], name, wanted))
        except ParindexError as exc:
            problems.append(str(exc))
    if problems:
        raise ParindexError(f"in {raw_dir}: " + "; ".join(problems))
    return list(dict.fromkeys(chosen))


class _locked:
    """An exclusive lock on a reports folder: a second run on it fails at once with a clear message."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / LOCK_NAME

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a+")  # noqa: SIM115 - held for the run
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.close()
            raise ParindexError(f"{self.path.parent}: another parindex run is writing these reports; wait for it "
                                "to finish, or choose another --out") from None
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def _clean_stale(out_dir: Path) -> None:
    """Remove staging folders left by a run that was killed (the lock says no run is using them)."""
    for p in list(out_dir.glob(".staging-*")) + list(out_dir.glob("**/.old-*")):
        if p.is_dir() and (p / OWNER_MARK).exists():  # only what a run made: never a folder of the user's
            shutil.rmtree(p, ignore_errors=True)


def _remove_own(folder: Path) -> None:
    """Delete what a run wrote in ``folder``; any other file is the user's and stays (with the folder)."""
    for p in folder.iterdir():
        if p.name in OWN_FILES and p.is_file():
            p.unlink()
        elif p.is_dir() and (p / OWNER_MARK).exists():
            _remove_own(p)
    if not any(folder.iterdir()):
        folder.rmdir()


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux ``renameat2(RENAME_EXCHANGE)``); False where unavailable."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def _swap_in(new: Path, dest: Path) -> None:
    """Put ``new`` at ``dest`` with no moment where ``dest`` is missing; keep files there the run did not write."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.exists():
        new.rename(dest)
        return
    for p in dest.iterdir():  # the user's files (and folders) move into the new folder, never deleted
        if p.name not in OWN_FILES and not (p / OWNER_MARK).exists() and not (new / p.name).exists():
            shutil.move(str(p), str(new / p.name))
    if _exchange(new, dest):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the old pages
        return
    old = dest.with_name(f".old-{dest.name}-{dt.datetime.now().strftime('%H%M%S%f')}")
    dest.rename(old)
    new.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


def _check_values(params: dict, origin: str) -> None:
    """Reject values every page would fail on (language, period, bound, scheme) before anything runs."""
    from parindex_lib.model.schema import PERIODS
    from parindex_lib.present.i18n import check_lang

    if "lang" in params:
        check_lang(params["lang"])
    if "period" in params and params["period"] not in PERIODS:
        raise ParindexError(f'{origin}: period "{params["period"]}" is not one of {", ".join(PERIODS)}')
    if "bound" in params and params["bound"] not in ("ge", "gt"):
        raise ParindexError(f'{origin}: bound "{params["bound"]}" is not ge or gt')
    if params.get("scheme"):
        load_scheme(params["scheme"]).weights()  # unknown or incomplete: the scheme's own message
    if "target" in params and not 0 < params["target"] <= 100:
        raise ParindexError(f'{origin}: target = {params["target"]} is not a percentage in (0, 100] '
                            "(expected e.g. 80)")
