"""Readers: raw score tables, as offices send them, → tidy rows; and the analyst files of ``lift``.

One reading layer for every input: :mod:`~parindex_lib.readers.text` (CSV/TSV/TXT through the csv
module), :mod:`~parindex_lib.readers.xlsx` (openpyxl, numbers as Excel shows them) and
:mod:`~parindex_lib.readers.docx` (python-docx) turn a file into tables of text cells;
:mod:`~parindex_lib.readers.layout` finds the headers and the rows each owns; :mod:`.plan`,
:mod:`.tidy` and :mod:`.tasks` parse those rows; :mod:`.analyst` reads the cost, action and ceiling
files of ``parindex lift``.

Nothing is dropped without being said: every non-blank row is a header, a row read, a located error,
or a row skipped with its reason (a title, a section heading), and :class:`Ledger` counts them.
Raw files are opened read-only.

The readers only read: each value is kept as written, with how it was written and where it lies
(:data:`~parindex_lib.model.methodology.READING_COLUMNS`); reading it by its year's methodology
(maxima of points, block tables of points) is the standardise step's
(:func:`~parindex_lib.model.methodology.apply_methodology`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from parindex_lib.errors import InputError, Problem, because
from parindex_lib.model import schema
from parindex_lib.model.methodology import READING_COLUMNS, apply_methodology
from parindex_lib.readers.criteria import is_criteria_table, read_criteria
from parindex_lib.readers.docx import docx_tables
from parindex_lib.readers.layout import Ledger, find_blocks
from parindex_lib.readers.lineage import read_lineage
from parindex_lib.readers.plan import read_plan
from parindex_lib.readers.table import Limits, Table, check_size
from parindex_lib.readers.tasks import read_tasks
from parindex_lib.readers.text import text_tables
from parindex_lib.readers.tidy import read_tidy
from parindex_lib.readers.values import FractionCheck
from parindex_lib.readers.xlsx import xlsx_tables
from parindex_lib.vn import fold, nfc

#: What a file of scores should hold, in the causes that say a file holds nothing to read.
SCORES_TABLE = because("what_scores_table", "a table of scores")
IS_A_FOLDER = because("read_is_a_folder", "is a folder (expected a file)")
TEXT_SUFFIXES = {".tsv", ".txt", ".csv"}
SUFFIXES = TEXT_SUFFIXES | {".xlsx", ".docx"}

__all__ = ["SUFFIXES", "Ledger", "Limits", "ReadResult", "Table", "no_rows", "read_file", "read_scores",
           "read_tables", "to_frame"]


@dataclass
class ReadResult:
    """What a file yields: tidy score rows, appendix task rows, lineage rows, every problem, and the row ledger."""

    frames: list[pd.DataFrame] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    lineage: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ledgers: list[Ledger] = field(default_factory=list)
    #: Rows of self-assessment sheets of criteria as written (checked against their tree and rolled up by
    #: standardise).
    criteria: list[dict] = field(default_factory=list)

    @property
    def scores(self) -> pd.DataFrame:
        """The tidy score rows read (the contract's columns), each value as written."""
        return to_frame(self.frames)

    @property
    def read(self) -> pd.DataFrame:
        """The rows read with how and where each value was written (for the standardise step)."""
        return to_frame(self.frames, reading=True)

    def extend(self, other: ReadResult) -> None:
        self.frames += other.frames
        self.tasks += other.tasks
        self.lineage += other.lineage
        self.problems += other.problems
        self.ledgers += other.ledgers
        self.criteria += other.criteria


def read_tables(path: str | Path, display_name: str | None = None, limits: Limits | None = None) -> list[Table]:
    """Read every table in a file as text cells (blank rows skipped and recorded).

    Raises
    ------
    InputError
        If the file does not exist, is a folder, is empty, too large, not UTF-8, or not a readable
        workbook or document.
    """
    path = Path(path)
    file = display_name or str(path)
    limits = limits or Limits.from_env()
    if not path.exists():
        raise InputError(Problem(file, None, None, "", because("read_does_not_exist",
                                                               "does not exist (expected a score table file)")))
    if path.is_dir():
        raise InputError(Problem(file, None, None, "", IS_A_FOLDER))
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(Problem(file, None, None, suffix, because(
            "read_unsupported_type", "is not a supported file type (expected one of {types})",
            types=", ".join(sorted(SUFFIXES)))))
    try:
        if path.stat().st_size == 0:
            raise InputError(Problem(file, None, None, "", because("empty_expected", "is empty (expected {what})",
                                                                   what=SCORES_TABLE)))
        check_size(path, file, limits)
        if suffix == ".xlsx":
            return xlsx_tables(path, file, limits)
        if suffix == ".docx":
            return docx_tables(path, file, limits)
        return text_tables(path, file, limits)
    except PermissionError:
        raise InputError(Problem(file, None, None, "", because("read_permission_denied",
                                                               "cannot be read (permission denied)"))) from None
    except IsADirectoryError:
        raise InputError(Problem(file, None, None, "", IS_A_FOLDER)) from None


def is_illustrative(path: Path) -> bool:
    """Whether a file's name says it holds made-up values ("illustrative", "minh họa")."""
    return "illustrative" in path.name.lower() or "minh_hoa" in fold(path.stem).replace(" ", "_")


def read_file(path: str | Path, *, unit: str | None = None, level: str | None = None,
              display_name: str | None = None, illustrative: bool | None = None,
              province: str | None = None, unit_from_faulty_manifest: bool = False,
              manifest: dict | None = None) -> ReadResult:
    """Read one raw file into tidy rows, collecting every problem and accounting for every row.

    Parameters
    ----------
    path : path-like
        A ``.tsv``/``.txt``/``.csv``, ``.xlsx`` or ``.docx`` file.
    unit, level : str, optional
        The unit and its level, for layouts that do not name them (the plan's table).
    display_name : str, optional
        How to name the file in messages and in ``source`` (default: the path as given).
    illustrative : bool, optional
        Mark the rows illustrative; by default a file is illustrative when its name says so.
    province : str, optional
        The province every unit of the file belongs to (a province's own table), where no column says it.
    unit_from_faulty_manifest : bool
        The unit and level should have come from a manifest that is wrong (and says so itself): a plan
        table's rows are then not read, without a fault of their own.
    manifest : dict, optional
        The file's entry in the raw folder's manifest: for self-assessment sheets of criteria, their ``scheme``,
        ``year``, ``period``, ``keep_inconsistent`` and per-sheet ``sheets`` (see :mod:`.criteria`).

    Returns
    -------
    ReadResult
        ``scores`` rows in the tidy contract, ``tasks`` rows from an appendix, ``problems``, and a
        :class:`Ledger` saying what became of every row.
    """
    path = Path(path)
    file = display_name or str(path)
    result = ReadResult()
    ledger = Ledger(file)
    result.ledgers.append(ledger)
    try:
        tables = read_tables(path, display_name)
    except InputError as exc:
        result.problems += exc.problems
        return result
    if illustrative is None:
        illustrative = is_illustrative(path)
    context = {"unit": nfc(unit) if unit else None, "level": level, "illustrative": bool(illustrative),
               "province": nfc(province) if province else None, "faulty_manifest": unit_from_faulty_manifest}
    tables = _read_criteria_tables(tables, context, manifest, ledger, result)
    _read_blocks(tables, context, ledger, result)
    for table in tables:
        ledger.notes += table.notes
    return result


def _read_criteria_tables(tables: list[Table], context: dict, manifest: dict | None, ledger: Ledger,
                          result: ReadResult) -> list[Table]:
    """Self-assessments of criteria read by their own reader; the other tables, left for the layouts' readers."""
    is_criteria = [is_criteria_table(t) for t in tables]
    given = {k: v for k, v in context.items() if v and k != "faulty_manifest"}
    for table in (t for t, criteria in zip(tables, is_criteria, strict=True) if criteria):
        rows, problems = read_criteria(table, {**(manifest or {}), **given}, ledger)
        result.criteria += rows
        result.problems += problems
        ledger.notes += table.notes
    return [t for t, criteria in zip(tables, is_criteria, strict=True) if not criteria]


def _read_blocks(tables: list[Table], context: dict, ledger: Ledger, result: ReadResult) -> None:
    """Each header's block read by its layout's reader, then the fraction check of every column."""
    blocks, problems = find_blocks(tables, ledger)
    result.problems += problems
    fractions = FractionCheck()
    plan_rows: list[dict] = []
    for block in blocks:
        if block.kind == "plan":
            rows, problems = read_plan(block, context, ledger, fractions)
            plan_rows += rows
        elif block.kind == "tidy":
            frame, problems = read_tidy(block, context, ledger, fractions)
            if not frame.empty:
                result.frames.append(frame)
        elif block.kind == "lineage":
            rows, problems = read_lineage(block, context, ledger)
            result.lineage += rows
        else:
            rows, problems = read_tasks(block, context, ledger)
            result.tasks += rows
        result.problems += problems
    if plan_rows:
        result.frames.append(pd.DataFrame(plan_rows))
    result.problems += fractions.problems()


def no_rows(ledger: Ledger) -> Problem:
    """The problem of a file whose table has a header and not one row."""
    return Problem(ledger.file, None, None, None, because(
        "read_header_without_rows", "holds a table header but no rows (expected at least one row of scores under the "
        "header)"))


def to_frame(frames: list[pd.DataFrame] | pd.DataFrame, reading: bool = False) -> pd.DataFrame:
    """Tidy frames → one DataFrame with the contract's columns and dtypes (missing fields as nulls); with
    ``reading``, also how and where each value was written (:data:`READING_COLUMNS`)."""
    if isinstance(frames, pd.DataFrame):
        frames = [frames]
    frames = [f for f in frames if not f.empty]
    if not frames:
        empty = schema.empty_scores()
        return empty.assign(**{c: pd.Series(dtype=object) for c in READING_COLUMNS}) if reading else empty
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    for col in schema.COLUMNS + (READING_COLUMNS if reading else []):
        if col not in frame.columns:
            frame[col] = None
    frame["illustrative"] = frame["illustrative"].fillna(False).astype(bool)
    typed = schema.coerce_dtypes(frame)
    if reading:
        typed[READING_COLUMNS] = frame[READING_COLUMNS].to_numpy()
    return typed


def read_scores(path: str | Path, *, unit: str | None = None, level: str | None = None,
                display_name: str | None = None) -> pd.DataFrame:
    """Read one raw file into a validated tidy ``scores`` table (each value read by the methodology of its
    year, as :func:`~parindex_lib.standardise.standardise` does).

    Raises
    ------
    InputError
        Listing every problem in the file (or in the table it gives).

    Examples
    --------
    >>> from parindex_lib.config import RAW_DIR
    >>> scores = read_scores(RAW_DIR / "tam_duong_2024_ke_hoach_chi_so.tsv", unit="Tam Đường", level="district")
    >>> scores.query("component == 'C6' and kind == 'actual'")[["value_pct", "rank"]].to_numpy().tolist()
    [[36.3, 7]]
    """
    result = read_file(path, unit=unit, level=level, display_name=display_name)
    problems = list(result.problems)
    if not problems and result.ledgers[0].holds_no_rows:
        problems.append(no_rows(result.ledgers[0]))
    applied = apply_methodology(result.read)
    problems += applied.problems
    if problems:
        raise InputError(problems)
    return schema.validate(to_frame(applied.frame), display_name or str(path))
