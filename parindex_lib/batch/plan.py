"""The run's plan: every parameter, path, unit and folder name checked and resolved before any work — and
nothing written.

:func:`make_plan` reads (the params file, the notebooks' parameters, every raw file through
:func:`~parindex_lib.standardise.standardise`) and refuses anything a page would fail on; the
:class:`Plan` it returns is what :func:`~parindex_lib.batch.prepare.prepare` writes and the pages run
from. A plan can be made on a read-only tree.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from parindex_lib.analyses.peers import group_of
from parindex_lib.batch.executors import EXECUTORS, check_scheduler
from parindex_lib.batch.kernels import CELL_TIMEOUT, MAX_CELL_TIMEOUT, RECYCLE_AFTER
from parindex_lib.batch.params import (
    DEFAULTS,
    FROM_COMMAND_LINE,
    FROM_PARAMETERS,
    check_notebook_parameters,
    check_values,
    coerce_parameters,
    load_params,
)
from parindex_lib.batch.publish import OWNER_MARK
from parindex_lib.config import NOTEBOOKS_DIR, PROCESSED_DIR, RAW_DIR, REPORTS_DIR
from parindex_lib.errors import ParindexError, Reason, because
from parindex_lib.model.components import match_level
from parindex_lib.model.index import PARIndex, resolve_unit
from parindex_lib.model.index_store import INDICES_FILE, IndexKey
from parindex_lib.model.schema import UNIT_LEVELS
from parindex_lib.model.schemes import Scheme, check_level
from parindex_lib.present.i18n import LANGS
from parindex_lib.present.pages import GROUP_PAGES, PAGES
from parindex_lib.present.peer_groups import page_groups
from parindex_lib.readers.raw_folder import check_not_reading, raw_files
from parindex_lib.standardise import Standardised, kept_files, standardise
from parindex_lib.stopping import speak
from parindex_lib.vn import fold, nfc

#: The longest readable part of a unit's folder name (the whole stays well under any file system's limit).
SLUG_CHARS = 48
#: The file of the run-wide peer rank intervals, beside the standardised tables.
PEER_RANKS = "peer_ranks.csv"

Unit = tuple[str, str]  # (unit, level)


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


@dataclass(frozen=True)
class Execution:
    """Where and how the pages run (checked by :func:`check_execution`)."""

    executor: str = "local"
    workers: int | None = None
    scheduler: str | None = None
    cell_timeout: float = CELL_TIMEOUT
    recycle_after: int = RECYCLE_AFTER
    progress: bool = True


@dataclass(frozen=True)
class Plan:
    """Everything a run needs, checked and resolved before any work starts."""

    #: The pages' parameters, shared by every unit (paths resolved, ``year`` and ``period`` set).
    params: dict
    year: int
    period: str
    lang: str
    raw_dir: Path
    processed_dir: Path
    out_dir: Path
    #: ``<out>/<year>-<period>[-<lang>]``: where this run's pages go.
    run_dir: Path
    #: Page name → its notebook.
    notebooks: dict[str, Path]
    #: Each reportable unit's folder name under ``run_dir``.
    slugs: dict[Unit, str]
    #: Each reportable unit's index, built once for the run.
    indices: dict[Unit, PARIndex]
    #: The units found in the data that cannot be reported, with the reason (as data where the model gives it).
    unreportable: tuple[tuple[str, str, Reason | str], ...]
    standardised: Standardised
    #: The scheme asked for (None: each unit's own), loaded and checked once.
    scheme: Scheme | None
    execution: Execution
    #: Each peer group's folder name → the member whose parameters render its page (one page per group).
    groups: dict[str, Unit] = field(default_factory=dict)
    #: The group page's notebook.
    group_notebooks: dict[str, Path] = field(default_factory=dict)

    @property
    def scores(self) -> pd.DataFrame:
        return self.standardised.scores

    @property
    def peers_path(self) -> Path:
        return self.processed_dir / PEER_RANKS

    @property
    def indices_path(self) -> Path:
        return self.processed_dir / INDICES_FILE

    def index_key(self, unit: str, level: str) -> IndexKey:
        """What a unit's pages ask :func:`~parindex_lib.present.pages.build` for (the notebooks' defaults for
        what the run leaves unset)."""
        return IndexKey(unit, level, self.year, self.period, float(self.params.get("target", DEFAULTS["target"])),
                        self.params.get("bound", DEFAULTS["bound"]), self.params.get("scheme", DEFAULTS["scheme"]))

    def page_parameters(self, unit: str, level: str) -> dict:
        """The parameters of one unit's pages."""
        return self.params | {"unit": unit, "level": level}


def check_execution(execution: Execution) -> None:
    """Refuse executor options that cannot work, before any work (a scheduler must answer)."""
    if execution.executor not in EXECUTORS:
        raise ParindexError(reason=because("run_unknown_executor", '--executor "{executor}" is not one of {allowed}',
                                           executor=execution.executor, allowed=", ".join(EXECUTORS)))
    if execution.scheduler and execution.executor != "dask":
        raise ParindexError(reason=because("run_scheduler_needs_dask", "--scheduler needs --executor dask"))
    if not (math.isfinite(execution.cell_timeout) and 0 < execution.cell_timeout <= MAX_CELL_TIMEOUT):
        raise ParindexError(reason=because("run_bad_cell_timeout", "--cell-timeout {timeout:g}: expected a number of "
                                           "seconds above 0 and at most {most} (a week)",
                                           timeout=float(execution.cell_timeout), most=MAX_CELL_TIMEOUT))
    if execution.workers is not None and (isinstance(execution.workers, bool) or execution.workers < 1):
        raise ParindexError(reason=because("run_bad_workers", "--workers {workers}: expected at least 1",
                                           workers=execution.workers))
    if execution.recycle_after < 1:
        raise ParindexError(reason=because("run_bad_recycle", "recycle_after {recycle}: expected at least 1 "
                                           "notebook per kernel", recycle=execution.recycle_after))
    if execution.scheduler:
        check_scheduler(execution.scheduler)


#: What an output folder is for, said in the run's language.
FOR_REPORTS = Reason("for_reports", {}, "the reports")
FOR_TABLES = Reason("for_tables", {}, "the standardised tables")


def check_output_dir(path: Path, what: Reason) -> None:
    """Refuse an output folder that is a file, or that cannot be created or written, before any work."""
    path = Path(path)
    probe = path
    while not probe.exists():
        probe = probe.parent
    values = {"folder": path, "what": what}
    if path.exists() and not path.is_dir():
        raise ParindexError(f"{path}: is a file (expected a folder for {what})",
                            reason=Reason("output_is_file", values))
    if not probe.is_dir():
        raise ParindexError(f"{path}: {probe} is a file (expected a folder for {what})",
                            reason=Reason("output_under_file", values | {"file": probe}))
    if os.statvfs(probe).f_flag & os.ST_RDONLY:
        raise ParindexError(f"{path}: is on a read-only file system (expected a writable folder for {what})",
                            reason=Reason("output_read_only", values))
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ParindexError(f"{path}: cannot write there (permission denied; expected a writable folder for {what})",
                            reason=Reason("output_not_writable", values))


def make_plan(params_file: Path | None = None, units: list[str] | None = None, overrides: dict | None = None, *,
              out_dir: Path = REPORTS_DIR, raw_dir: Path | None = None, notebooks_dir: Path = NOTEBOOKS_DIR,
              processed_dir: Path = PROCESSED_DIR, force: bool = False, level: str | None = None,
              execution: Execution | None = None, keep_inconsistent: bool = False) -> Plan:
    """Check and resolve a run: parameters, paths, units, their indices and folders. Writes nothing.

    The raw files are standardised keeping what the standardise before kept at the user's asking (the choice
    recorded beside the tables), or with ``keep_inconsistent`` every inconsistency.

    Raises
    ------
    ParindexError
        Bad parameters, paths or inputs, an unknown unit, or a folder the run does not own.
    """
    execution = execution or Execution()
    check_execution(execution)
    raw_dir = Path(raw_dir or RAW_DIR).resolve()
    out_dir, processed_dir = Path(out_dir).resolve(), Path(processed_dir).resolve()
    notebooks = _notebooks(Path(notebooks_dir).resolve())
    spec = load_params(params_file)
    file_units = spec.pop("units", None)
    level = level or spec.pop("level", None)
    spec.pop("level", None)
    asked = (overrides or {}).get("lang", spec.get("lang"))
    if asked in LANGS:  # the run's refusals are said in the language it asks for
        speak(asked)
    origin = str(params_file) if params_file else FROM_PARAMETERS
    params = coerce_parameters(spec, origin) | coerce_parameters(overrides or {}, FROM_COMMAND_LINE)
    scheme = check_values(params, origin)
    speak(str(params.get("lang", DEFAULTS["lang"])))  # a refusal, a stop or a failed write: said in it
    _check_folders(raw_dir, out_dir, processed_dir)
    check_not_reading(raw_files(raw_dir), {"the reports folder": out_dir,
                                           "the standardised tables' folder": processed_dir})
    # every problem in every file, before anything runs
    result = standardise(None, raw_dir, keep_inconsistent=keep_inconsistent or kept_files(processed_dir))
    year = int(params.get("year", DEFAULTS["year"]))
    period = str(params.get("period", DEFAULTS["period"]))
    lang = str(params.get("lang", DEFAULTS["lang"]))
    years = result.scores["year"]
    if not years.empty and not years.min() <= year <= years.max():
        raise ParindexError(reason=because("run_year_outside", "year {year} is outside the data's years "
                                           "{first}–{last} (in {folder})", year=year, first=years.min(),
                                           last=years.max(), folder=raw_dir))
    named = units or file_units
    chosen = choose_units(result.scores, named, level, raw_dir)
    indices, unreportable = reportable(chosen, result, params, year, period, scheme, named=bool(named))
    if scheme is not None:
        for _, unit_level in indices:
            check_level(scheme, unit_level)
    # Vietnamese is the reports' home; another language sits beside it, so both can be read together.
    run_dir = out_dir / (f"{year}-{period}" if lang == "vi" else f"{year}-{period}-{lang}")
    slugs = _folders(list(indices), run_dir, force)
    params |= {"scores_path": str(processed_dir / "scores.csv"), "tasks_path": str(processed_dir / "tasks.csv"),
               "raw_dir": str(raw_dir), "peers_path": str(processed_dir / PEER_RANKS),
               "indices_path": str(processed_dir / INDICES_FILE), "year": year, "period": period}
    groups = peer_groups(result.scores, indices, year, period)
    group_notebooks = _notebooks(Path(notebooks_dir).resolve(), GROUP_PAGES) if groups else {}
    return Plan(params, year, period, lang, raw_dir, processed_dir, out_dir, run_dir, notebooks, slugs, indices,
                tuple(unreportable), result, scheme, execution, groups, group_notebooks)


def peer_groups(scores: pd.DataFrame, indices: dict[Unit, PARIndex], year: int, period: str) -> dict[str, Unit]:
    """The peer groups whose page a run renders: those at the run's point (year, period) that hold a unit reported
    on at that point and at least two units with a total; each group's folder name → a member reported on (its
    parameters render the group's page). The same rule links a unit's summary to its group's page."""
    pages = page_groups(scores, year, period)
    if pages.empty:
        return {}
    wanted = set(pages["slug"])
    out: dict[str, Unit] = {}
    for (unit, level), index in sorted(indices.items()):
        if (index.year, index.period) != (year, period):
            continue
        slug = group_of(scores, unit, level, year, period).slug()
        if slug in wanted and slug not in out:
            out[slug] = (unit, level)
    return out


def _notebooks(folder: Path, pages: dict[str, str] = PAGES) -> dict[str, Path]:
    """Each page's notebook, each declaring the batch's parameters."""
    notebooks = {page: folder / f"{name}.ipynb" for page, name in pages.items()}
    missing = [str(p) for p in notebooks.values() if not p.exists()]
    if missing:
        raise ParindexError(reason=because("run_notebooks_missing", "notebook(s) not found: {files}",
                                           files=", ".join(missing)))
    for notebook in notebooks.values():
        check_notebook_parameters(notebook)
    return notebooks


def _check_folders(raw_dir: Path, out_dir: Path, processed_dir: Path) -> None:
    """The output folders can be written and lie outside the raw folder, which must exist."""
    check_output_dir(out_dir, FOR_REPORTS)
    check_output_dir(processed_dir, FOR_TABLES)
    if not raw_dir.is_dir():
        raise ParindexError(reason=because("run_no_raw_folder", "{folder}: the raw folder does not exist (expected "
                                           "data/raw or --raw FOLDER)", folder=raw_dir))
    for folder, what in ((out_dir, "--out"), (processed_dir, "--processed")):
        if folder == raw_dir or folder.is_relative_to(raw_dir):
            raise ParindexError(reason=because("run_output_in_raw", "{option} {folder}: is inside the raw folder "
                                               "{raw}, which is never written (expected a folder outside it, e.g. "
                                               "reports/ or data/processed/)", option=what, folder=folder,
                                               raw=raw_dir))


def _folders(units: list[Unit], run_dir: Path, force: bool) -> dict[Unit, str]:
    """Each unit's folder name; refused when two would share one, or (without ``force``) when a folder
    the run would write into holds files parindex did not write."""
    slugs = {(unit, lv): slugify(unit, lv) for unit, lv in units}
    if len(set(slugs.values())) != len(slugs):
        raise ParindexError(reason=because("run_shared_folder", "two units would share a report folder: {units}",
                                           units=", ".join(u for u, _ in slugs
                                                           if list(slugs.values()).count(slugs[(u, _)]) > 1)))
    if not force:
        foreign = [p for p in (run_dir, *(run_dir / s for s in slugs.values()))
                   if p.is_dir() and any(p.iterdir()) and not (p / OWNER_MARK).exists()]
        if foreign:
            raise ParindexError(reason=because("run_foreign_folder", "{folder}: this folder was not written by "
                                               "parindex; its files are left alone (choose another --out, or add "
                                               "--force to write into it — its files are kept)", folder=foreign[0]))
    return slugs


def choose_units(scores: pd.DataFrame, names: list[str] | None, level: str | None, raw_dir: Path) -> list[Unit]:
    """The (unit, level) pairs to report on: the names given (matched as :func:`resolve_unit` does), else
    every unit with results (of ``level``, when given); national and regional averages never.

    Raises
    ------
    ParindexError
        For an unknown level, a name with no results, or a name found at two levels.
    """
    if level is not None and match_level(level) not in UNIT_LEVELS:
        raise ParindexError(reason=because("run_unknown_level", '--level "{given}" is not a level of units '
                                           "(expected one of {levels})", given=level, levels=", ".join(UNIT_LEVELS),
                                           left=[because("run_level_name", "{code}", code=lv, level=lv)
                                                 for lv in UNIT_LEVELS]))
    wanted = match_level(level)
    actual = scores[(scores["kind"] == "actual") & scores["level"].isin(UNIT_LEVELS)]
    if wanted:
        actual = actual[actual["level"] == wanted]
    if not names:
        pairs = actual[["unit", "level"]].drop_duplicates().sort_values(["level", "unit"])
        if pairs.empty:
            raise ParindexError(reason=because("run_no_unit_of_level", "no unit of level {level} has results in "
                                               "{folder}", level=wanted, folder=raw_dir) if wanted else
                                because("run_no_unit", "no unit has results in {folder}", folder=raw_dir))
        return list(pairs.itertuples(index=False, name=None))
    chosen, problems = [], []
    for name in dict.fromkeys(names):
        try:
            chosen.append(resolve_unit(scores[scores["kind"] == "actual"], name, wanted))
        except ParindexError as exc:
            problems.append(exc.reason or str(exc))
    if problems:
        raise ParindexError(reason=because("run_units_not_found", "in {folder}: {problems}", folder=raw_dir,
                                           problems="; ".join(map(str, problems)), left=problems))
    return list(dict.fromkeys(chosen))


def reportable(chosen: list[Unit], tables: Standardised, params: dict, year: int, period: str,
               scheme: Scheme | None, named: bool) -> tuple[dict[Unit, PARIndex], list[tuple[str, str, Reason | str]]]:
    """Split units into those a report can be built for (with their index) and those it cannot (with the
    reason).

    Each index is built here once for the whole run, as the unit's pages would build it (the notebooks'
    default target when the run sets none, lead offices from the appendix's tasks).

    A unit asked for by name that cannot be reported is an error; one found in the data is listed on
    ``index.html`` with its reason (e.g. only a SIPAS result, no total), and the run goes on.

    Raises
    ------
    ParindexError
        For a unit named by the user that cannot be reported.
    """
    ok, skipped = {}, []
    for unit, level in chosen:
        try:
            index = PARIndex.from_scores(tables.scores, unit, year, period, level=level, scheme=scheme,
                                         bound=params.get("bound", DEFAULTS["bound"]),
                                         target=float(params.get("target", DEFAULTS["target"])), tasks=tables.tasks)
        except ParindexError as exc:
            if named:
                raise ParindexError(reason=because("run_unit_cannot_be_reported", "{unit} ({level_code}) cannot be "
                                                   "reported: {why}", unit=unit, level_code=level, level=level,
                                                   why=exc.reason or str(exc))) from None
            skipped.append((unit, level, exc.reason or str(exc)))
            continue
        ok[(unit, level)] = index
    if not ok:
        reasons = [because("run_unit_why", "{unit}: {why}", unit=u, why=why) for u, _, why in skipped[:3]]
        raise ParindexError(reason=because("run_nothing_reportable", "no unit can be reported for {year} {period} "
                                           "({reasons})", year=year, period=period, point=(year, period),
                                           reasons="; ".join(map(str, reasons)), left=reasons))
    return ok, skipped
