"""Standardise: every raw file → one validated tidy ``scores`` table (and the appendix's tasks).

``data/raw`` is read, never written. ``data/processed/scores.csv`` and ``tasks.csv`` are written
atomically, and only when every input is valid.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from parindex_lib.config import PROCESSED_DIR, RAW_DIR, SCORES_CSV, TASKS_CSV
from parindex_lib.errors import InputError, ParindexError, Problem, Reason, because, os_reason, sheet_rows_text
from parindex_lib.io import file_version, sha256, write_atomic_many
from parindex_lib.model import criteria_assembly, criteria_scores, criteria_sheets, schema
from parindex_lib.model.components import match_level
from parindex_lib.model.lineage import LINEAGE_COLUMNS, LINEAGE_CSV, empty_lineage
from parindex_lib.model.methodology import apply_methodology
from parindex_lib.readers import Ledger, no_rows, read_file, to_frame
from parindex_lib.readers.manifest import Manifest, display, read_manifest
from parindex_lib.readers.raw_folder import raw_files
from parindex_lib.stopping import tables_written, uninterrupted

#: The criteria table beside scores.csv (units scored by criteria; header only when there are none).
CRITERIA_CSV = "criteria.csv"
TASK_COLUMNS = ["unit", "component", "task", "lead_units", "supporting_units", "timing", "source"]


INPUTS_JSON = "inputs.json"
#: A folder given (or the raw folder) that holds no file the readers take.
NO_SCORE_TABLE = because("cmd_no_score_table", "holds no score table (expected .tsv, .csv, .txt, .xlsx or .docx files)")


@dataclass(frozen=True)
class Standardised:
    """The result of standardising: the tidy scores, the tasks, the files read and what became of each row."""

    scores: pd.DataFrame
    tasks: pd.DataFrame
    files: tuple[Path, ...]
    ledgers: tuple[Ledger, ...] = ()
    notes: tuple[Reason | str, ...] = ()
    warnings: tuple[Reason | str, ...] = ()
    lineage: pd.DataFrame | None = None
    #: The criteria of units scored by criteria (one row per unit × year × period × criterion).
    criteria: pd.DataFrame = field(default_factory=criteria_scores.empty_criteria)
    #: The files (resolved paths) whose inconsistencies the user asked to keep (``--keep-inconsistent``, or the
    #: choice recorded by the standardise before): recorded in ``inputs.json`` for the commands that standardise
    #: again (run, lift, explore) to keep the same choice.
    kept: tuple[str, ...] = ()

    def describe(self) -> str:
        """What each file gave, which rows were skipped (blank, titles, headings) and what was assumed; then
        what the methodology of each value's year decided (maxima taken from schemes, block tables as points)."""
        lines = []
        for ledger in self.ledgers:
            line = f"{ledger.file}: {ledger.read} row(s) read"
            if ledger.blank:
                line += f"; blank rows skipped: {sheet_rows_text(ledger.blank)}"
            if ledger.skipped:
                reasons: dict[str, list] = {}
                for sheet, row, why in ledger.skipped:
                    reasons.setdefault(why, []).append((sheet, row))
                line += "; " + "; ".join(f"{why}: {sheet_rows_text(rows)}" for why, rows in reasons.items())
            lines.append(line)
            lines += [f"  note: {n}" for n in ledger.notes]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def expand_inputs(paths: list[str | Path]) -> list[Path]:
    """Files as given, and every input file of each folder given (its manifest applies to them).

    Raises
    ------
    InputError
        For a path that does not exist, or a folder that holds no score table.
    """
    files: list[Path] = []
    problems = []
    for p in map(Path, paths):
        if p.is_dir():
            found = raw_files(p)
            if not found:
                problems.append(Problem(str(p), None, None, "", NO_SCORE_TABLE))
            files += found
        elif p.exists():
            files.append(p)
        else:
            problems.append(Problem(str(p), None, None, "", because("cmd_no_such_input", "does not exist (expected "
                                                                    "a score table file or a folder of them)")))
    if problems:
        raise InputError(problems)
    return files


def standardise(paths: list[str | Path] | None = None, raw_dir: str | Path = RAW_DIR, *,
                unit: str | None = None, level: str | None = None, scheme: str | None = None,
                keep_inconsistent: bool | Collection[str | Path] = False) -> Standardised:
    """Read and validate every raw file, reporting all problems of all files at once.

    The steps: read every file (:func:`~parindex_lib.readers.read_file`, with its folder's manifest); read
    each value by the methodology of its year (:func:`~parindex_lib.model.methodology.apply_methodology`:
    maxima of points from the published schemes, block tables of points summed and checked); account for
    files that gave no rows; validate the whole table.

    Parameters
    ----------
    paths : list of path-like, optional
        Files and folders to read; default every file under ``raw_dir``.
    raw_dir : path-like
        Where the default files and their ``manifest.yaml`` live.
    unit, level : str, optional
        The unit and level of plan tables that do not name them (overriding the manifest).
    scheme : str, optional
        The scheme whose criteria self-assessment sheets are scored by, where the manifest names none.
    keep_inconsistent : bool or collection of path-like
        Keep what a file publishes that does not add up — a total that is not the sum of its blocks, a criteria
        sheet's parent that is not the sum of its children, component rows that disagree with the criteria
        rolled up — as published, flagged with a note, rather than refuse it: ``True`` for every file, or the
        files named (:func:`kept_files`: the choice an earlier standardise recorded); a manifest asks the same
        for one file with ``keep_inconsistent: true``.

    Raises
    ------
    InputError
        Every problem found, in every file, each located by file, row, column and value.
    """
    files = expand_inputs(paths) if paths else raw_files(raw_dir)
    if not files:
        raise InputError(Problem(str(raw_dir), None, None, None, NO_SCORE_TABLE))
    if level is not None and match_level(level) is None:
        raise InputError(Problem("--level", None, None, level, because(
            "cmd_not_a_level", "is not a level (expected one of {levels})", levels=", ".join(schema.LEVELS))))
    keep = True if keep_inconsistent is True else frozenset(str(Path(p).resolve()) for p in keep_inconsistent or ())
    inputs = _read_all(files, unit, match_level(level), scheme, keep)
    applied = apply_methodology(to_frame(inputs.frames, reading=True), True if keep is True else
                                frozenset(inputs.keep))
    problems = inputs.problems + list(applied.problems)
    empty = [ledger for ledger in inputs.ledgers if ledger.holds_no_rows]
    warnings = []
    if empty and applied.frame.empty and not inputs.tasks and not inputs.lineage and not inputs.criteria \
            and not problems:
        problems += [no_rows(ledger) for ledger in empty]
    else:
        warnings = [Reason("std_header_no_rows", {"file": ledger.file},
                           f"{ledger.file}: holds a table header but no rows: nothing was read from it")
                    for ledger in empty]
    criteria, frame, found = _roll_up_criteria(inputs.criteria, applied.frame[schema.COLUMNS], inputs.ledgers)
    problems += found
    if not problems:
        try:
            frame = schema.validate(frame)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    task_frame = pd.DataFrame(inputs.tasks, columns=TASK_COLUMNS)
    lineage_frame = pd.DataFrame(inputs.lineage, columns=LINEAGE_COLUMNS).astype({"weight": float})
    return Standardised(frame.reset_index(drop=True), task_frame, tuple(files), tuple(inputs.ledgers),
                        applied.notes, tuple(warnings), lineage_frame, criteria, tuple(inputs.asked))


@dataclass
class _Inputs:
    """Everything the files gave: rows as read, tasks, criteria rows and their trees, ledgers, problems, and the
    files whose inconsistent totals the manifest asks to keep."""

    frames: list[pd.DataFrame] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    lineage: list[dict] = field(default_factory=list)
    ledgers: list[Ledger] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    keep: set[str] = field(default_factory=set)
    criteria: list[dict] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)  # files kept at the user's asking (resolved paths)


def _read_all(files: list[Path], unit: str | None, level: str | None, scheme: str | None,
              keep: bool | frozenset[str]) -> _Inputs:
    inputs = _Inputs()
    manifests: dict[Path, Manifest] = {}
    for path in files:
        folder = path.resolve().parent
        if folder not in manifests:
            manifests[folder] = read_manifest(folder)
            inputs.problems += manifests[folder].problems
        manifest = manifests[folder]
        meta = manifest.entries.get(path.name, {})
        name = display(path)
        asked = keep is True or str(path.resolve()) in keep
        options = {**({"scheme": scheme} if scheme else {}), **meta, **({"keep_inconsistent": True} if asked else {})}
        result = read_file(path, unit=unit or meta.get("unit"), level=level or meta.get("level"),
                           display_name=name, illustrative=meta.get("illustrative"), province=meta.get("province"),
                           unit_from_faulty_manifest=unit is None and manifest.fault_for(path.name),
                           manifest=options)
        if meta.get("keep_inconsistent") or asked:
            inputs.keep.add(name)
        if asked:
            inputs.asked.append(str(path.resolve()))
        inputs.problems += result.problems
        inputs.frames += result.frames
        inputs.tasks += result.tasks
        inputs.lineage += result.lineage
        inputs.ledgers += result.ledgers
        inputs.criteria += result.criteria
    return inputs


def _roll_up_criteria(read_rows: list[dict], scores: pd.DataFrame, ledgers: list[Ledger]):
    """Criteria rows as read → checked against the tree of their scheme → the criteria table, and their
    component rows added to the scores (checked against component rows given for the same units)."""
    if not read_rows:
        return criteria_scores.empty_criteria(), scores, []
    rows, trees, checked = criteria_sheets.check_rows(read_rows)
    if not rows:
        return criteria_scores.empty_criteria(), scores, checked
    read = pd.DataFrame(rows, columns=criteria_scores.READ_COLUMNS)
    table, rolled, problems, notes = criteria_assembly.assemble(read, trees)
    problems = checked + problems
    keep = {tuple(k) for k in read.loc[read["keep_inconsistent"], criteria_scores.GROUP].itertuples(index=False)}
    merged, found, said = criteria_assembly.merge_component_rows(scores, to_frame(rolled) if not rolled.empty
                                                               else rolled, keep)
    for note in notes + said:  # said beside the file it concerns
        ledger = next((lg for lg in ledgers if str(note).startswith(lg.file)), ledgers[0])
        ledger.notes.append(note)
    return table, to_frame(merged), problems + found


def _fingerprint(files: list[Path] | tuple[Path, ...]) -> dict[str, dict]:
    out = {}
    for p in files:
        st = p.stat()
        out[str(p.resolve())] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256(p)}
    return out


def write_processed(result: Standardised, out_dir: str | Path = PROCESSED_DIR,
                    raw_dir: str | Path | None = None) -> list[Path]:
    """Write ``scores.csv``, ``tasks.csv``, ``lineage.csv``, ``criteria.csv`` and ``inputs.json`` (what they were
    made from) atomically.

    Raises
    ------
    ParindexError
        When ``out_dir`` is a file or cannot be written.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ParindexError(reason=because("cmd_tables_folder_is_a_file", "{folder}: is a file (expected a folder "
                                           "for the standardised tables)", folder=out_dir))
    record = {"raw_dir": str(Path(raw_dir).resolve()) if raw_dir else None, "files": _fingerprint(result.files),
              "keep_inconsistent": list(result.kept)}
    try:
        lineage = result.lineage if result.lineage is not None else empty_lineage()
        with uninterrupted(tables_written(out_dir)):  # they belong together
            return write_atomic_many({
                out_dir / "scores.csv": result.scores.to_csv(index=False),
                out_dir / "tasks.csv": result.tasks.to_csv(index=False),
                out_dir / LINEAGE_CSV: lineage.to_csv(index=False),
                out_dir / CRITERIA_CSV: result.criteria.to_csv(index=False),
                out_dir / INPUTS_JSON: json.dumps(record, ensure_ascii=False, indent=1, allow_nan=False)})
    except OSError as exc:
        why = os_reason(exc)
        raise ParindexError(f"{out_dir}: cannot write the standardised tables ({why})",
                            reason=Reason("cannot_write_tables", {"folder": out_dir, "why": why})) from None


def stale_reasons(processed_dir: str | Path = PROCESSED_DIR) -> list[Reason]:
    """Why ``processed_dir`` no longer matches the raw folder it was made from (empty when it does), each a
    :class:`~parindex_lib.errors.Reason` (said in the command's language; ``str()`` is its English).

    Only a table standardised from a raw folder (``parindex standardise`` with no file arguments, or
    ``parindex run``) can be checked; files added, changed or deleted since are named.
    """
    path = Path(processed_dir) / INPUTS_JSON
    if not path.exists():
        return []
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        raw_dir, before = record.get("raw_dir"), record.get("files", {})
    except (ValueError, AttributeError, OSError):
        return [because("cmd_stale_unreadable", "{file} is unreadable", file=path)]
    if not raw_dir or not Path(raw_dir).is_dir():
        return []
    now = {str(p.resolve()): p for p in raw_files(raw_dir)}
    reasons = [because("cmd_stale_removed", "{file} was removed", file=display(Path(p))) for p in before
               if p not in now]
    for key, p in now.items():
        if key not in before:
            reasons.append(because("cmd_stale_new", "{file} is new", file=display(p)))
            continue
        st = p.stat()
        old = before[key]
        if (st.st_size, st.st_mtime_ns) != (old.get("size"), old.get("mtime_ns")) and sha256(p) != old.get("sha256"):
            reasons.append(because("cmd_stale_changed", "{file} changed", file=display(p)))
    return reasons


def input_files(processed_dir: str | Path = PROCESSED_DIR) -> list[tuple[Path, str]]:
    """The raw files a standardised table was actually made from, with their SHA-256 (for provenance)."""
    path = Path(processed_dir) / INPUTS_JSON
    try:
        files = json.loads(path.read_text(encoding="utf-8")).get("files", {})
    except (ValueError, AttributeError, OSError):
        return []
    return [(Path(p), str(info.get("sha256", ""))) for p, info in files.items()]


def kept_files(processed_dir: str | Path = PROCESSED_DIR) -> frozenset[str]:
    """The files whose inconsistencies the standardise that made ``processed_dir`` kept at the user's asking
    (``--keep-inconsistent``): a command that standardises again keeps the same choice for them."""
    path = Path(processed_dir) / INPUTS_JSON
    try:
        kept = json.loads(path.read_text(encoding="utf-8")).get("keep_inconsistent", [])
    except (ValueError, AttributeError, OSError):
        return frozenset()
    return frozenset(str(p) for p in kept) if isinstance(kept, list) else frozenset()


def raw_dir_of(processed_dir: str | Path = PROCESSED_DIR) -> Path | None:
    """The raw folder ``processed_dir`` was standardised from, when it was made from one."""
    path = Path(processed_dir) / INPUTS_JSON
    try:
        raw = json.loads(path.read_text(encoding="utf-8")).get("raw_dir")
    except (ValueError, AttributeError, OSError):
        return None
    return Path(raw) if raw else None


#: Tables read in this process, by (path, modification time, size): a warm kernel reads and validates
#: ``scores.csv`` once per run, not once per page. Callers must not modify the frames they get.
_READ: dict[tuple, pd.DataFrame] = {}


def load_scores(path: str | Path | None = None) -> pd.DataFrame:
    """Read a standardised ``scores.csv`` back, with its dtypes, and validate it (once per file version).

    A file read before, unchanged since (same modification time and size), is not read again: the
    frame is shared and must not be modified. No path (or an empty one): the project's.

    Raises
    ------
    InputError
        If the file is missing (run ``parindex standardise``), is not a table, or no longer matches
        the contract.
    """
    path = Path(path) if path else SCORES_CSV
    key = file_version(path)
    if key is not None and key in _READ:
        return _READ[key]
    frame = _read_scores(path)
    if key is not None:
        _READ.clear()  # one table at a time: a run reads one file
        _READ[key] = frame
    return frame


def _read_scores(path: Path) -> pd.DataFrame:
    name = display(path)
    if not path.exists():
        raise InputError(Problem(name, None, None, "", because("cmd_no_scores", "does not exist (run `parindex "
                                                               "standardise` first)")))
    if path.is_dir():
        raise InputError(Problem(name, None, None, "", because("cmd_scores_is_a_folder", "is a folder (expected "
                                                               "the standardised scores.csv)")))
    text_columns = {c: object for c in ("unit", "level", "period", "component", "kind", "bound", "lead_units",
                                        "source", "note")}
    try:
        frame = pd.read_csv(path, dtype=text_columns, keep_default_na=True)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(Problem(name, None, None, "", because(
            "cmd_not_scores", "is not a standardised scores table ({error}; re-run `parindex standardise`)",
            error=str(exc)))) from None
    missing = [c for c in schema.COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(Problem(name, 1, None, ", ".join(missing), because(
            "cmd_scores_columns_missing", "columns are missing (expected the tidy scores contract; re-run `parindex "
            "standardise`)")))
    try:
        frame = schema.coerce_dtypes(frame)
    except (ValueError, TypeError) as exc:
        raise InputError(Problem(name, None, None, "", because(
            "cmd_scores_wrong_type", "holds a value of the wrong type ({error}; re-run `parindex standardise`)",
            error=str(exc)))) from None
    return schema.validate(frame, name)


def load_tasks(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``tasks.csv`` (the appendix's tasks and owners); an absent file gives an empty table.

    No path (or an empty one): the project's.
    """
    path = Path(path) if path else TASKS_CSV
    if not path.exists():
        return pd.DataFrame(columns=TASK_COLUMNS)
    return pd.read_csv(path, dtype=str)
