"""Problems located at a criterion, and the error a criteria tree that cannot be used raises."""

from __future__ import annotations

from dataclasses import dataclass

from parindex_lib.errors import InputError, ParindexError, Problem, Reason, SchemeError, Wording, because, cause_of
from parindex_lib.model.schema import LEVELS


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


def _as_data(reason: Reason) -> Reason:
    return reason


def problem_reason(problem: Problem) -> Reason:
    """A located problem as a cause, for a fault reported inside another (a scheme's ``criteria:`` field that
    names a faulty tree): its English is ``str(problem)``, and it is said in the command's language like the
    problem itself.

    Examples
    --------
    >>> p = CriterionProblem("t.yaml", None, "max", "x", "is not a number", code="1.1", field_word="field")
    >>> reason = problem_reason(p)
    >>> str(reason) == str(p), str(reason)
    (True, 't.yaml, criterion "1.1", field "max": "x" is not a number')
    """
    file, *places = problem._places(None, _as_data)  # the places as data (sheet, row, criterion, column), unsaid
    slots = {f"at{i}": because("crit_then", ", {part}", part=places[i]) if i < len(places) else ""
             for i in range(4)}
    value = "" if problem.value is None or problem.value == "" else f'"{problem.value}" '
    return because("crit_located", "{file}{at0}{at1}{at2}{at3}: {value}{expected}", file=file, value=value,
                   expected=problem.expected, **slots)


def level_said(level: object) -> Reason | str:
    """A level's code said as its name in the command's language (``commune`` → ``xã``); any other value as it
    is written."""
    return because("crit_level_word", "{level}", level=level) if level in LEVELS else str(level)


def error_reason(error: ParindexError) -> Reason | str:
    """An error's cause, for a fault that names it ("names a scheme that cannot be used: …"): an input's located
    problems one after another, else the cause it carries (its English text when it has none)."""
    if isinstance(error, InputError):
        return because("crit_problems", "{text}", text=str(error), left=[problem_reason(p) for p in error.problems])
    return cause_of(error)
