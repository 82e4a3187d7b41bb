"""What every format reader yields: tables of text cells that remember where each cell came from.

Also the limits that keep reading bounded (a file too large, too many rows, a zip archive that would
expand too far), checked before any real work starts.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from parindex_lib.errors import InputError, Problem, Reason, because


@dataclass
class Table:
    """Non-blank rows of one sheet, document table or text file, as text (1-based row numbers).

    ``blank`` lists the rows skipped because every cell was empty; ``delimiter`` is the separator a
    text file was read with (said in messages where it matters); ``notes`` say what the format reader
    did that a user should know (a cell read as stored rather than as displayed).
    """

    file: str
    rows: list[tuple[int, list[str]]]
    sheet: str | None = None
    blank: list[int] = field(default_factory=list)
    delimiter: str | None = None
    notes: list[Reason | str] = field(default_factory=list)

    def problem(self, row: int | None, column: str | Reason | None, value: object, expected: Reason | str) -> Problem:
        return Problem(self.file, row, column, value, expected, self.sheet)

    def source(self, row: int) -> str:
        sheet = f', sheet "{self.sheet}"' if self.sheet else ""
        return f"{self.file}{sheet}, row {row}"


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """How much one input may hold before it is refused (set with environment variables).

    ``PARINDEX_MAX_FILE_MB`` (default 200), ``PARINDEX_MAX_ROWS`` (default 5 000 000) and
    ``PARINDEX_MAX_UNZIPPED_MB`` (the expanded size of an ``.xlsx``/``.docx``, default 100).
    """

    max_bytes: int
    max_rows: int
    max_unzipped: int

    @classmethod
    def from_env(cls) -> Limits:
        return cls(int(_env_number("PARINDEX_MAX_FILE_MB", 200) * 2**20),
                   int(_env_number("PARINDEX_MAX_ROWS", 5_000_000)),
                   int(_env_number("PARINDEX_MAX_UNZIPPED_MB", 100) * 2**20))


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB"


def check_size(path: Path, file: str, limits: Limits) -> None:
    """Refuse a file larger than the limit, before reading it."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise InputError(Problem(file, None, None, _mb(size), because(
            "read_file_too_large", "is larger than the limit of {limit:.1f} MB (expected a score table; raise "
            "PARINDEX_MAX_FILE_MB to read it anyway)", limit=limits.max_bytes / 2**20)))


def check_zip(path: Path, file: str, limits: Limits, kind: str) -> None:
    """Refuse an Office file that is not a zip archive or would expand beyond the limit."""
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(Problem(file, None, None, "", because(
            "read_not_a_zip", "is not a readable {kind} file ({error})", kind=kind, error=str(exc)))) from None
    if expanded > limits.max_unzipped:
        raise InputError(Problem(file, None, None, _mb(expanded), because(
            "read_would_expand", "would expand to more than the limit of {limit:.1f} MB (expected a {kind} score "
            "table; raise PARINDEX_MAX_UNZIPPED_MB to read it anyway)", limit=limits.max_unzipped / 2**20,
            kind=kind)))


def check_rows(count: int, file: str, limits: Limits, sheet: str | None = None) -> None:
    """Refuse a table with more rows than the limit."""
    if count > limits.max_rows:
        raise InputError(Problem(file, None, None, f"{count}+ rows", because(
            "read_too_many_rows", "has more rows than the limit of {limit} (raise PARINDEX_MAX_ROWS to read it "
            "anyway)", limit=limits.max_rows), sheet))
