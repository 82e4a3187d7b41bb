"""What a scheme field's parser is given and reports through: :class:`FieldContext` (where the value is, the
fields read before it; a fault recorded with file, line, field and value) and :class:`SchemeField` (a key, its
parser, whether it is required). A fault is data (:class:`SchemeProblem`), so that :class:`SchemeFileError`
says every fault of a file in the command's language.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from parindex_lib.errors import Problem, Reason, SchemeError, Wording, because, english
from parindex_lib.yamldoc import show

_SAME = object()
_NO_LINE = 10**9  # a fault with no line (a missing field) is listed last


@dataclass(frozen=True)
class SchemeProblem(Problem):
    """A fault of a scheme file: ``row`` is the file's line, ``column`` the field (``max_points.C1``), ``value``
    the value as written in YAML (None: not shown).

    Examples
    --------
    >>> str(SchemeProblem("x.yaml", 4, "level", "planet", "is not a level"))
    'x.yaml, line 4, field "level": "planet" is not a level'
    """

    def _places(self, rows: str | None, say: Wording) -> list[str]:
        parts = [str(self.file)]
        if self.row is not None:
            parts.append(say(because("sch_where_line", "line {line}", line=self.row)))
        if self.column is not None:
            parts.append(say(because("where_field", 'field "{field}"', field=self.column)))
        return parts

    def said(self, say: Wording = english) -> str:
        expected = say(self.expected) if isinstance(self.expected, Reason) else str(self.expected)
        shown = "" if self.value is None else f' "{self.value}"'  # a YAML value as written, "" and null too
        return f"{self.where(say=say)}:{shown} {expected}"


class SchemeFileError(SchemeError):
    """A scheme file that cannot be used: every fault (``problems``) in the order of its lines, the first one
    first, then how many more there are.
    """

    def __init__(self, problems: list[SchemeProblem] | SchemeProblem):
        found = [problems] if isinstance(problems, SchemeProblem) else list(problems)
        self.problems = sorted(found, key=lambda p: _NO_LINE if p.row is None else p.row)
        super().__init__(self.said())

    def said(self, say: Wording = english) -> str:
        head, *rest = [p.said(say) for p in self.problems]
        if not rest:
            return head
        more = say(because("sch_more_problems", "({n} more problem(s) in this file)", n=len(rest)))
        return head + f"\n  {more}" + "".join(f"\n  {line}" for line in rest)


class _FieldFault(Exception):
    """Raised by :meth:`FieldContext.fail`: the field's parser stops; the fault is already recorded."""


@dataclass
class FieldContext:
    """What a field's parser is given besides the value: where it is, and the fields read before it.

    ``parsed`` holds the values of the fields read so far (core fields first: ``max_points``, ``level``,
    ``years``…); a field that was faulty is absent.
    """

    file: Path
    key: str
    parsed: dict[str, object]
    value: object
    _doc: object = field(repr=False, default=None)
    _problems: list[SchemeProblem] = field(repr=False, default_factory=list)

    def _line(self, at: str | int | tuple) -> int | None:
        parts = (at,) if isinstance(at, str | int) else tuple(at)
        parts = tuple(p if isinstance(p, int) else str(p) for p in parts if p != "")
        return self._doc.line((self.key, *parts)) if self._doc is not None else None

    def field_name(self, at: str | int | tuple = "") -> str:
        """``KEY.AT`` for a sub-field ``at`` (``"C1"`` → ``max_points.C1``, ``(0, "points")`` → ``key[0].points``)."""
        parts = (at,) if isinstance(at, str | int) else tuple(at)
        return self.key + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts if p != "")

    def where(self, at: str | int | tuple = "") -> str:
        """``FILE, line N, field "KEY.AT"`` for a sub-field ``at`` (``"C1"``, ``(0, "points")``)."""
        return SchemeProblem(str(self.file), self._line(at) or None, self.field_name(at), None, "").where()

    def problem(self, expected: Reason | str, value: object = _SAME, at: str | int | tuple = "") -> None:
        """Record a fault of this field (where, the value, what was expected: a cause as data,
        :func:`~parindex_lib.errors.because`, said in the command's language)."""
        if value is _SAME and at in ("", ()):
            value = self.value
        shown = None if value is _SAME else show(value)
        self._problems.append(SchemeProblem(str(self.file), self._line(at) or None, self.field_name(at), shown,
                                            expected))

    def fail(self, expected: Reason | str, value: object = _SAME, at: str | int | tuple = "") -> NoReturn:
        """Record a fault and stop reading this field."""
        self.problem(expected, value, at)
        raise _FieldFault


@dataclass(frozen=True)
class SchemeField:
    """One key of a scheme file and its parser.

    ``parse(value, ctx)`` returns the field's value or reports faults through ``ctx``
    (:class:`FieldContext`). It may be given as ``"module:function"``, imported only when a file has
    the key (so a module of ``model/`` can hook a key in without an import cycle). Fields that are not
    core fields of :class:`Scheme` end up in ``Scheme.extras``.
    """

    key: str
    parse: Callable[[object, FieldContext], object] | str
    required: bool = False
    doc: Reason | str = ""  # what the field holds (a cause's phrase: "is missing (expected DOC)")
    nullable: bool = False  # whether an empty value (``key:`` alone, or null) goes to the parser

    def parser(self) -> Callable[[object, FieldContext], object]:
        if callable(self.parse):
            return self.parse
        module, _, name = self.parse.partition(":")
        return getattr(importlib.import_module(module), name)
