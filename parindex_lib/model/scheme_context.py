"""What a scheme field's parser is given and reports through: :class:`FieldContext` (where the value is, the
fields read before it; a fault recorded with file, line, field and value) and :class:`SchemeField` (a key, its
parser, whether it is required).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from parindex_lib.yamldoc import show

_SAME = object()
_NO_LINE = 10**9  # a fault with no line (a missing field) is listed last


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
    _problems: list[tuple[int, str]] = field(repr=False, default_factory=list)

    def _line(self, at: str | int | tuple) -> int | None:
        parts = (at,) if isinstance(at, str | int) else tuple(at)
        parts = tuple(p if isinstance(p, int) else str(p) for p in parts if p != "")
        return self._doc.line((self.key, *parts)) if self._doc is not None else None

    def where(self, at: str | int | tuple = "") -> str:
        """``FILE, line N, field "KEY.AT"`` for a sub-field ``at`` (``"C1"``, ``(0, "points")``)."""
        parts = (at,) if isinstance(at, str | int) else tuple(at)
        name = self.key + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts if p != "")
        line = self._line(at)
        return f'{self.file}{f", line {line}" if line else ""}, field "{name}"'

    def problem(self, expected: str, value: object = _SAME, at: str | int | tuple = "") -> None:
        """Record a fault of this field (the message: where, the value, what was expected)."""
        if value is _SAME and at in ("", ()):
            value = self.value
        shown = "" if value is _SAME else f' "{show(value)}"'
        self._problems.append((self._line(at) or _NO_LINE, f"{self.where(at)}:{shown} {expected}"))

    def fail(self, expected: str, value: object = _SAME, at: str | int | tuple = "") -> NoReturn:
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
    doc: str = ""
    nullable: bool = False  # whether an empty value (``key:`` alone, or null) goes to the parser

    def parser(self) -> Callable[[object, FieldContext], object]:
        if callable(self.parse):
            return self.parse
        module, _, name = self.parse.partition(":")
        return getattr(importlib.import_module(module), name)
