"""One exception family for everything a user can act on.

A :class:`Problem` names where a bad value is (file, sheet, row, column), the value itself and
what was expected. :class:`InputError` carries every problem found in one pass, so an analyst
fixes a file once rather than once per error.
"""

from __future__ import annotations

from dataclasses import dataclass


class ParindexError(Exception):
    """Base class of every error this package raises on purpose."""


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

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f'sheet "{self.sheet}"')
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f'column "{self.column}"')
        value = "" if self.value is None else self.value
        return f'{", ".join(where)}: "{value}" {self.expected}'


class InputError(ParindexError):
    """An input file cannot be read as it stands; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        lines = [str(p) for p in self.problems]
        head = f"{len(lines)} problem(s) found:\n  " if len(lines) > 1 else ""
        super().__init__(head + "\n  ".join(lines))


class SchemeError(ParindexError):
    """A weighting scheme is unknown, malformed, or cannot compute a total."""


class MethodError(ParindexError):
    """An analysis was asked for something the data or its parameters cannot give."""
