"""Small YAML files written by hand (schemes, parameters): read strictly, with the line of every key.

PyYAML's ``safe_load`` keeps the last of two equal keys without a word and forgets where each value was
written. :func:`read_yaml` reads the file once into nodes, refuses a key written twice (naming both
lines), records the line of every key and list item, and only then builds the Python values (with the
safe constructor: no tags that run code).
"""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from parindex_lib.errors import Reason, because

#: A hand-written configuration file is short; anything larger is not one.
MAX_BYTES = 1 << 20

_SHOW = reprlib.Repr()
_SHOW.maxlevel, _SHOW.maxlist, _SHOW.maxdict, _SHOW.maxstring, _SHOW.maxother = 2, 6, 6, 60, 60


class YamlFault(ValueError):
    """The file cannot be read as YAML; ``line`` (1-based) when known, ``key`` for a repeated key; ``reason``
    the cause as data (``str()`` is its English text)."""

    def __init__(self, reason: Reason, line: int | None = None, key: tuple = ()):
        super().__init__(str(reason))
        self.reason = reason
        self.line = line
        self.key = key


@dataclass(frozen=True)
class YamlDoc:
    """A YAML document's value and the line where each key (or list item) was written."""

    data: object
    lines: dict[tuple, int] = field(default_factory=dict)

    def line(self, path: tuple) -> int | None:
        """The line of ``path`` (keys and list indices from the top), else of its nearest written parent."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def show(value: object) -> str:
    """A value as a user wrote it in YAML, short enough for one line (``null``, ``true``, ``[1, 2]``).

    Examples
    --------
    >>> show(None), show(True), show(-1.5), show("mười"), show([1, 2]), show(float("inf"))
    ('null', 'true', '-1.5', 'mười', '[1, 2]', '.inf')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ("-" if value < 0 else "") + ".inf"
        return f"{value:g}"
    if isinstance(value, str):
        text = " ".join(value.split())
        return text if len(text) <= 80 else text[:77] + "…"
    return _SHOW.repr(value).replace("'", "")


def read_yaml(path: Path) -> YamlDoc:
    """Read a UTF-8 YAML file strictly.

    Raises
    ------
    YamlFault
        For a file that cannot be read, is too large, is not UTF-8, is not valid YAML (with its line), or
        repeats a key in one mapping (with both lines).
    FileNotFoundError, IsADirectoryError, PermissionError
        As :func:`open` raises them (the caller names the file).
    """
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise YamlFault(because("sch_yaml_too_large", "is {size:.1f} MB (expected a short hand-written file, "
                                                      "under 1 MB)", size=round(size / 2**20, 1)))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise YamlFault(because("sch_yaml_not_utf8", "is not UTF-8 text (byte 0x{byte}; save the file as UTF-8)",
                                byte=f"{raw[exc.start]:02x}"), line) from None
    if "\x00" in text:
        raise YamlFault(because("sch_yaml_nul", "holds NUL bytes (expected UTF-8 text; is it UTF-16, or not a text "
                                                "file?)"), text[:text.index("\x00")].count("\n") + 1)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[tuple, int] = {}
        if node is not None:
            _walk(node, (), lines, set())
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or because("sch_yaml_unreadable", "cannot be read")
        raise YamlFault(_invalid(problem), mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlFault(_invalid(str(exc))) from None
    except RecursionError:
        raise YamlFault(_invalid(because("sch_yaml_too_deep", "nested too deeply"))) from None
    finally:
        loader.dispose()
    return YamlDoc(data, lines)


def _invalid(problem: Reason | str) -> Reason:
    """``is not valid YAML (PROBLEM)``: in English PyYAML's own words for the problem (a tag that would run code,
    else the syntax), in another language what they mean."""
    if isinstance(problem, str):
        tag = re.search(r"constructor for the tag '([^']*)'", problem)
        problem = because("sch_yaml_tag", "{detail}", detail=problem, tag=tag.group(1)) if tag else \
            because("sch_yaml_syntax", "{detail}", detail=problem)
    return because("sch_yaml_invalid", "is not valid YAML ({problem})", problem=problem)


def _walk(node: yaml.Node, path: tuple, lines: dict[tuple, int], seen: set[int]) -> None:
    """Record each key's line and refuse repeated keys; each node is visited once (aliases are shared)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in first:
                raise YamlFault(because("sch_yaml_repeated_key", 'repeats the key "{name}" (lines {first} and {line}; '
                                                                 "expected each key once)",
                                        name=key, first=first[key], line=line), line, (*path, key))
            first[key] = line
            lines.setdefault((*path, key), line)
            _walk(value_node, (*path, key), lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.setdefault((*path, i), item.start_mark.line + 1)
            _walk(item, (*path, i), lines, seen)
