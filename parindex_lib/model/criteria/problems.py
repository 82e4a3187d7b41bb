"""Problems located at a criterion, and the error a criteria tree that cannot be used raises."""

from __future__ import annotations

from dataclasses import dataclass

from parindex_lib.errors import InputError, Problem, SchemeError, Wording, because


@dataclass(frozen=True)
class CriterionProblem(Problem):
    """A :class:`~parindex_lib.errors.Problem` that also names the criterion (``1.1.4``) it concerns.

    ``column`` is the column of a spreadsheet or the field of a YAML file (``field_word`` says which).
    """

    code: str | None = None
    field_word: str = "column"

    def _places(self, rows: str | None, say: Wording) -> list[str]:
        parts = super()._places(rows, say)
        if self.code and rows is None:  # a folded run of rows spans several criteria
            criterion = say(because("where_criterion", 'criterion "{code}"', code=self.code))
            parts.insert(len(parts) - 1 if self.column else len(parts), criterion)
        return parts

    def _column(self, say: Wording) -> str:
        if self.field_word == "field":
            return say(because("where_field", 'field "{field}"', field=self.column))
        return super()._column(say)


class CriteriaError(InputError, SchemeError):
    """A criteria tree (or a scheme's ``criteria:``) cannot be used as written; ``problems`` lists why."""
