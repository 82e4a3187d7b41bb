"""The readers as a newcomer reads them: short named steps, only reading, every import pointing downward."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from parindex_lib.model.components import KIND_WORDS, LEVEL_WORDS, PERIOD_WORDS, match_level, match_period

PACKAGE = Path(__file__).resolve().parents[1] / "parindex_lib"


def _imports(path: Path) -> set[str]:
    """Every module a file imports (at the top or inside a function)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


@pytest.mark.parametrize("path", sorted((PACKAGE / "model").glob("*.py")) + sorted((PACKAGE / "batch").glob("*.py"))
                         + [PACKAGE / "standardise.py"], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_nothing_below_the_readers_or_beside_them_imports_them_for_words(path):
    """Level, period and kind words live in the catalogue (model/components): index, batch and standardise
    take them from there, never from a reader."""
    assert not {m for m in _imports(path) if m.startswith("parindex_lib.readers.tidy")}, path


def test_the_readers_consult_no_scheme():
    """Readers only read: maxima are filled by the standardise step (model/methodology), which says so."""
    for path in (PACKAGE / "readers").glob("*.py"):
        assert "parindex_lib.model.schemes" not in _imports(path), path


@pytest.mark.parametrize("path", sorted((PACKAGE / "readers").glob("*.py")), ids=lambda p: p.name)
def test_no_function_of_the_readers_is_longer_than_sixty_lines(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [(n.name, n.end_lineno - n.lineno + 1) for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.end_lineno - n.lineno + 1 > 60]
    assert not long, long


def test_read_tidy_is_a_sequence_of_named_steps_without_inner_functions():
    tree = ast.parse((PACKAGE / "readers" / "tidy.py").read_text(encoding="utf-8"))
    read_tidy = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "read_tidy")
    assert not [n for n in ast.walk(read_tidy) if isinstance(n, ast.FunctionDef) and n is not read_tidy]
    assert read_tidy.end_lineno - read_tidy.lineno + 1 <= 30


def test_the_words_are_data_read_by_the_catalogue():
    assert LEVEL_WORDS["huyen quan thi xa thanh pho"] == "district" and PERIOD_WORDS["quy iv"] == "Q4"
    assert KIND_WORDS["chi tieu"] == "target"
    assert match_level("Sở, ban, ngành") == "department" and match_period("Năm 2022") == "FY"
    with pytest.raises(TypeError):
        LEVEL_WORDS["tinh"] = "district"  # read-only: one place for each word, the data file
