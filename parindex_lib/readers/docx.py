"""Word documents (``.docx``): every table, as Word shows it (a merged cell repeats its text)."""

from __future__ import annotations

from pathlib import Path

from parindex_lib.errors import InputError, Problem, because
from parindex_lib.readers.table import Limits, Table, check_zip
from parindex_lib.vn import nfc


def docx_tables(path: Path, file: str, limits: Limits) -> list[Table]:
    """Read every table of a document; rows are numbered within their table ("bảng 1", "bảng 2"…)."""
    import docx

    check_zip(path, file, limits, ".docx")
    try:
        document = docx.Document(str(path))
        tables = []
        for t, table in enumerate(document.tables, start=1):
            rows, blank = [], []
            for r, row in enumerate(table.rows, start=1):
                cells = [nfc(c.text) for c in row.cells]
                while cells and not cells[-1]:
                    cells.pop()
                (rows.append((r, cells)) if cells else blank.append(r))
            tables.append(Table(file, rows, f"bảng {t}", blank))
    except Exception as exc:  # malformed XML or a missing part: unreadable, said once
        raise InputError(Problem(file, None, None, "", because(
            "read_not_a_docx", "is not a readable .docx document ({error})",
            error=f"{type(exc).__name__}: {str(exc)[:120]}"))) from None
    if not any(t.rows for t in tables):
        raise InputError(Problem(file, None, None, "", because(
            "read_no_table", "has no table (expected the score table of the plan)")))
    return tables
