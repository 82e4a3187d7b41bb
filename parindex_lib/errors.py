"""One exception family for everything a user can act on.

A :class:`Problem` names where a bad value is (file, sheet, row, column), the value itself and
what was expected. :class:`InputError` carries every problem found in one pass, so an analyst
fixes a file once rather than once per error; repeats of one fault over many rows are folded into
one line ("rows 3–52: … (50 rows)").
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from itertools import groupby


@dataclass(frozen=True)
class Reason:
    """Why something cannot be done, as data: a message key and the values it names.

    Reports and the command line say it in their language (:func:`parindex_lib.present.i18n.say`, the key
    ``reason_<code>`` of the message catalogue), rather than showing an exception's English text. Values
    are data (unit names, years, level and period codes, component codes, another ``Reason``), never words.
    """

    code: str
    values: dict = field(default_factory=dict)
    #: The cause in English as the library says it in errors and logs.
    text: str = ""

    def __str__(self) -> str:
        return self.text or self.code


#: The operating system's errors a user meets writing outputs (a full disk, a read-only one, a quota, a folder
#: removed under the command), each said in the command's language by the catalogue's ``reason_os_<name>``.
OS_ERRORS = ("ENOSPC", "EROFS", "EACCES", "EPERM", "EDQUOT", "EIO", "ENOENT", "ENOTDIR", "EISDIR", "EFBIG",
             "ENAMETOOLONG")


def os_reason(exc: OSError) -> Reason:
    """An operating system's error as a :class:`Reason`: ``os_enospc`` for a full disk, ``os_erofs`` for a
    read-only one…, else ``os_other`` with the system's own text.

    Examples
    --------
    >>> os_reason(OSError(errno.ENOSPC, "No space left on device"))
    Reason(code='os_enospc', values={}, text='No space left on device')
    """
    text = exc.strerror or str(exc)
    name = errno.errorcode.get(exc.errno or 0, "")
    if name in OS_ERRORS:
        return Reason(f"os_{name.lower()}", {}, text)
    return Reason("os_other", {"error": text}, text)


class ParindexError(Exception):
    """Base class of every error this package raises on purpose.

    ``reason``, when given, is the same cause as data, for a report or a command in another language.
    """

    def __init__(self, *args: object, reason: Reason | None = None):
        super().__init__(*args)
        self.reason = reason


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located precisely enough to fix it.

    Parameters
    ----------
    file : str
        The file's name as the user gave it.
    row : int or None
        1-based row (line) number in the file or sheet.
    column : str or None
        The column's header as it appears in the file.
    value : object
        The offending value, shown quoted.
    expected : str
        What would have been accepted.
    sheet : str or None
        The worksheet, for Excel files.
    """

    file: str
    row: int | None
    column: str | None
    value: object
    expected: str
    sheet: str | None = None

    def where(self, rows: str | None = None) -> str:
        """The location: file, sheet, row(s) and column."""
        parts = [self.file]
        if self.sheet:
            parts.append(f'sheet "{self.sheet}"')
        if rows is not None:
            parts.append(rows)
        elif self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f'column "{self.column}"')
        return ", ".join(parts)

    def __str__(self) -> str:
        if self.value is None or self.value == "":  # an empty value is said by the message, never as ""
            return f"{self.where()}: {self.expected}"
        return f'{self.where()}: "{self.value}" {self.expected}'


def sheet_rows_text(rows, sheet_label=lambda sheet: f'sheet "{sheet}"') -> str:
    """Rows given as (sheet, row) pairs, said as ranges per sheet ("sheet "2024" 3–5, 9"); ``sheet_label`` words a
    sheet's name (in the summary's language)."""
    by_sheet: dict = {}
    for sheet, row in rows:
        by_sheet.setdefault(sheet, []).append(row)
    parts = []
    for sheet, numbers in by_sheet.items():
        text = row_ranges(sorted(numbers))[len("rows "):]
        parts.append(f"{sheet_label(sheet)} {text}" if sheet else text)
    return ", ".join(parts)


def row_ranges(rows: list[int]) -> str:
    """``[3, 4, 5, 9]`` → ``rows 3–5, 9``."""
    spans, start, prev = [], rows[0], rows[0]
    for r in rows[1:]:
        if r != prev + 1:
            spans.append((start, prev))
            start = r
        prev = r
    spans.append((start, prev))
    text = ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in spans[:6])
    return "rows " + text + (", …" if len(spans) > 6 else "")


def fold_problems(problems: list[Problem], min_run: int = 3) -> list[str]:
    """One line per distinct fault: the same fault in the same column over many rows is one line.

    Examples
    --------
    >>> ps = [Problem("a.csv", r, "Năm", "x", "is not a year") for r in range(3, 53)]
    >>> fold_problems(ps)
    ['a.csv, rows 3–52, column "Năm": "x" is not a year (50 rows)']
    """
    def key(p: Problem):
        return (p.file, p.sheet or "", p.column or "", p.expected)

    lines: list[str] = []
    for _, group in groupby(problems, key=key):
        group = list(group)
        located = [p for p in group if p.row is not None]
        if len(located) < min_run:
            lines += [str(p) for p in group]
            continue
        values = {str(p.value) for p in located}
        first = located[0]
        value = "" if first.value in (None, "") and len(values) == 1 else \
            f'"{first.value}" ' if len(values) == 1 else f'e.g. "{first.value}" '
        rows = sorted({p.row for p in located})
        lines.append(f"{first.where(row_ranges(rows))}: {value}{first.expected} ({len(located)} rows)")
        lines += [str(p) for p in group if p.row is None]
    return lines


class InputError(ParindexError):
    """An input file cannot be read as it stands; ``problems`` lists every reason.

    Its message starts with the first problem (the line a user reads first names a real cause), then the
    others, then how many there are.
    """

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        lines = fold_problems(self.problems)
        tail = f"\n  ({len(self.problems)} problems in all)" if len(self.problems) > 1 else ""
        super().__init__("\n  ".join(lines) + tail)


class SchemeError(ParindexError):
    """A weighting scheme is unknown, malformed, or cannot compute a total."""


class MethodError(ParindexError):
    """An analysis was asked for something the data or its parameters cannot give."""
