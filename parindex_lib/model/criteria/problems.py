"""Problems located at a criterion, and the error a criteria tree that cannot be used raises."""

from __future__ import annotations

from dataclasses import dataclass

from parindex_lib.errors import InputError, Problem, SchemeError


@dataclass(frozen=True)
class CriterionProblem(Problem):
    """A :class:`~parindex_lib.errors.Problem` that also names the criterion (``1.1.4``) it concerns.

    ``column`` is the column of a spreadsheet or the field of a YAML file (``field_word`` says which).
    """

    code: str | None = None
    field_word: str = "column"

    def where(self, rows: str | None = None) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f'sheet "{self.sheet}"')
        if rows is not None:
            parts.append(rows)
        elif self.row is not None:
            parts.append(f"row {self.row}")
        if self.code and rows is None:  # a folded run of rows spans several criteria
            parts.append(f'criterion "{self.code}"')
        if self.column:
            parts.append(f'{self.field_word} "{self.column}"')
        return ", ".join(parts)


class CriteriaError(InputError, SchemeError):
    """A criteria tree (or a scheme's ``criteria:``) cannot be used as written; ``problems`` lists why."""
