"""Where the library words a user's error: every ``because("code", "English {value}", value=…)`` written in it,
and the places that still give an error in English only (a text without a cause as data).

Run as a script to list the latter: ``python tests/error_sites.py [FOLDER]``.
"""

from __future__ import annotations

import ast
import re
import string
import sys
from dataclasses import dataclass
from pathlib import Path

LIBRARY = Path(__file__).resolve().parents[1] / "parindex_lib"
#: The exceptions a user meets, raised with a text: each must carry its cause as data (``reason=because(…)``).
ERRORS = {"ParindexError", "InputError", "SchemeError", "MethodError", "CriteriaError", "NoProject", "BadValue",
          "ScenarioError", "PlanError", "PublishError", "LockedError"}
#: Calls whose argument in position ``index`` (or keyword ``name``) is the "expected" part of a located problem.
EXPECTED = {"Problem": (4, "expected"), "CriterionProblem": (4, "expected")}


@dataclass(frozen=True)
class Cause:
    """One ``because(code, text, **values)`` call."""

    path: Path
    line: int
    code: str
    text: str | None  # None when the English template is not a literal
    values: frozenset[str]
    open_values: bool  # ``**values`` given: any placeholder may be filled

    def placeholders(self) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(self.text or "") if f}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


#: Helpers that record a located problem from a text (``ctx.fail(text, value, at)``, ``where.problem(field,
#: value, text)``, ``self.fail(np.where(wrong, text, None), …)``…).
RECORDERS = re.compile(r"_?(fail|problem|bad|refuse|row_problem|link_problem)")


def _is_text(node: ast.AST | None) -> bool:
    """A literal English phrase (a string or an f-string with a space in it), possibly built with ``+``."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and " " in node.value.strip() and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(_is_text(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    return False


def _holds_text(node: ast.AST) -> bool:
    """A phrase anywhere in ``node`` outside a ``because(...)`` (whose text is the English of a cause)."""
    if isinstance(node, ast.Call) and _name(node.func) == "because":
        return False
    return _is_text(node) or any(_holds_text(child) for child in ast.iter_child_nodes(node))


def causes(root: Path = LIBRARY) -> list[Cause]:
    """Every ``because(...)`` call under ``root``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) == "because" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                text = node.args[1].value if len(node.args) > 1 and isinstance(node.args[1], ast.Constant) else None
                found.append(Cause(path, node.lineno, node.args[0].value, text,
                                   frozenset(k.arg for k in node.keywords if k.arg),
                                   any(k.arg is None for k in node.keywords)))
    return found


def english_only(root: Path = LIBRARY) -> list[str]:
    """``path:line: what`` for each error raised with an English text and no cause as data, and each located
    problem whose "expected" is an English text."""
    sites = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and _name(node.exc.func) in ERRORS:
                call = node.exc
                if not any(k.arg == "reason" for k in call.keywords) and any(_is_text(a) for a in call.args):
                    sites.append(f"{rel}:{node.lineno}: raise {_name(call.func)}(<English text>)")
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and _name(node.exc.func) == "ValueError" \
                    and any(_holds_text(a) for a in node.exc.args):
                sites.append(f"{rel}:{node.lineno}: raise ValueError(<English text>), read as a user's message")
            if isinstance(node, ast.Call) and RECORDERS.fullmatch(_name(node.func)) \
                    and any(_holds_text(a) for a in [*node.args, *(k.value for k in node.keywords)]):
                sites.append(f"{rel}:{node.lineno}: {_name(node.func)}(…, <English text>)")
            if isinstance(node, ast.Call) and _name(node.func) in EXPECTED:
                index, name = EXPECTED[_name(node.func)]
                arg = node.args[index] if len(node.args) > index else \
                    next((k.value for k in node.keywords if k.arg == name), None)
                if _is_text(arg):
                    sites.append(f"{rel}:{node.lineno}: {_name(node.func)}(…, <English text>)")
    return sites


if __name__ == "__main__":
    where = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else LIBRARY
    listed = english_only(where)
    print("\n".join(listed))
    print(f"{len(listed)} English-only sites", file=sys.stderr)
