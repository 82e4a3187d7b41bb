"""One exception family for everything a user can act on.

A :class:`Problem` names where a bad value is (file, sheet, row, column), the value itself and
what was expected. :class:`InputError` carries every problem found in one pass, so an analyst
fixes a file once rather than once per error; repeats of one fault over many rows are folded into
one line ("rows 3–52: … (50 rows)").
"""

from __future__ import annotations

import errno
from collections.abc import Callable
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


def because(code: str, text: str, /, **values: object) -> Reason:
    """A cause as data with its English wording: ``text`` is an English template filled with ``values``.

    The other language is the catalogue's ``reason_<code>`` (``data/messages/errors/*.yaml``), filled with
    the same values; a test checks that every code written in the library has one and that its
    placeholders are among the values given.

    Examples
    --------
    >>> because("not_a_year", "is not a year between {low} and {high}", low=2012, high=2030)
    Reason(code='not_a_year', values={'low': 2012, 'high': 2030}, text='is not a year between 2012 and 2030')
    """
    return Reason(code, values, text.format(**values))


#: Says a :class:`Reason` in one language (``present.i18n.say`` with its language bound).
Wording = Callable[[Reason], str]


def english(reason: Reason) -> str:
    """A reason as the library says it in errors and logs: its English text."""
    return str(reason)


class BadValue(ValueError):
    """A value that cannot be read, with its cause as a :class:`Reason` (``str()`` is the English text), for
    parsers whose caller locates the value in a file."""

    def __init__(self, reason: Reason):
        super().__init__(reason.text)
        self.reason = reason


def cause_of(exc: Exception) -> Reason | str:
    """The cause an exception carries as a :class:`Reason` when it has one, else its (English) text."""
    reason = getattr(exc, "reason", None)
    return reason if isinstance(reason, Reason) else str(exc)


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
        super().__init__(*(args or ((reason.text,) if reason is not None else ())))
        self.reason = reason

    def said(self, say: Wording = english) -> str:
        """The error in the language of ``say``: its reason when it has one, else its English text."""
        return say(self.reason) if self.reason is not None else str(self)


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
    expected : str or Reason
        What would have been accepted: a :class:`Reason` (:func:`because`), said in the command's language,
        or an English text.
    sheet : str or None
        The worksheet, for Excel files.
    """

    file: str
    row: int | None
    column: str | None
    value: object
    expected: str | Reason
    sheet: str | None = None

    def where(self, rows: str | None = None, say: Wording = english) -> str:
        """The location: file, sheet, row(s) (``rows``: ranges such as ``3–5, 9``) and column."""
        return ", ".join(self._places(rows, say))

    def _places(self, rows: str | None, say: Wording) -> list[str]:
        parts = [str(self.file)]
        if self.sheet:
            parts.append(say(because("where_sheet", 'sheet "{sheet}"', sheet=self.sheet)))
        if rows is not None:
            parts.append(say(because("where_rows", "rows {rows}", rows=rows)))
        elif self.row is not None:
            parts.append(say(because("where_row", "row {row}", row=self.row)))
        if self.column:
            parts.append(self._column(say))
        return parts

    def _column(self, say: Wording) -> str:
        return say(because("where_column", 'column "{column}"', column=self.column))

    def said(self, say: Wording = english) -> str:
        """The problem in one line, in the language of ``say``."""
        expected = say(self.expected) if isinstance(self.expected, Reason) else str(self.expected)
        if self.value is None or self.value == "":  # an empty value is said by the message, never as ""
            return f"{self.where(say=say)}: {expected}"
        return f'{self.where(say=say)}: "{self.value}" {expected}'

    def __str__(self) -> str:
        return self.said()


def sheet_rows_text(rows, sheet_label=lambda sheet: f'sheet "{sheet}"') -> str:
    """Rows given as (sheet, row) pairs, said as ranges per sheet ("sheet "2024" 3–5, 9"); ``sheet_label`` words a
    sheet's name (in the summary's language)."""
    by_sheet: dict = {}
    for sheet, row in rows:
        by_sheet.setdefault(sheet, []).append(row)
    parts = []
    for sheet, numbers in by_sheet.items():
        text = ranges(sorted(numbers))
        parts.append(f"{sheet_label(sheet)} {text}" if sheet else text)
    return ", ".join(parts)


def ranges(rows: list[int]) -> str:
    """``[3, 4, 5, 9]`` → ``3–5, 9`` (at most six spans, then ``…``)."""
    spans, start, prev = [], rows[0], rows[0]
    for r in rows[1:]:
        if r != prev + 1:
            spans.append((start, prev))
            start = r
        prev = r
    spans.append((start, prev))
    return ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in spans[:6]) + (", …" if len(spans) > 6 else "")


def row_ranges(rows: list[int]) -> str:
    """``[3, 4, 5, 9]`` → ``rows 3–5, 9``."""
    return "rows " + ranges(rows)


def fold_problems(problems: list[Problem], min_run: int = 3, say: Wording = english) -> list[str]:
    """One line per distinct fault: the same fault in the same column over many rows is one line, in the
    language of ``say``.

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
            lines += [p.said(say) for p in group]
            continue
        values = {str(p.value) for p in located}
        first = located[0]
        value = "" if first.value in (None, "") and len(values) == 1 else \
            f'"{first.value}" ' if len(values) == 1 else \
            say(because("for_example", 'e.g. "{value}"', value=first.value)) + " "
        expected = say(first.expected) if isinstance(first.expected, Reason) else str(first.expected)
        where = first.where(ranges(sorted({p.row for p in located})), say)
        count = say(because("n_rows", "({n} rows)", n=len(located)))
        lines.append(f"{where}: {value}{expected} {count}")
        lines += [p.said(say) for p in group if p.row is None]
    return lines


class InputError(ParindexError):
    """An input file cannot be read as it stands; ``problems`` lists every reason.

    Its message starts with the first problem (the line a user reads first names a real cause), then the
    others, then how many there are.
    """

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__(self.said())

    def said(self, say: Wording = english) -> str:
        lines = fold_problems(self.problems, say=say)
        if len(self.problems) > 1:
            lines.append(say(because("n_problems", "({n} problems in all)", n=len(self.problems))))
        return "\n  ".join(lines)


class SchemeError(ParindexError):
    """A weighting scheme is unknown, malformed, or cannot compute a total."""


class MethodError(ParindexError):
    """An analysis was asked for something the data or its parameters cannot give."""
