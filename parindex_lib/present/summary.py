"""What ``parindex standardise`` says when it succeeds, in the command's language.

The readers and the standardise step record what they did as data: each file's :class:`Ledger` (rows read,
blank rows, rows skipped and why) and notes as :class:`~parindex_lib.errors.Reason` (a code and its values,
with the English text for the library's own ``describe()``). Here they are worded through the message
catalogue (``data/messages/standardise.yaml``); a note given as plain text is shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from parindex_lib.errors import Reason, sheet_rows_text
from parindex_lib.present.i18n import catalogue, component_word, t
from parindex_lib.vn import fold, format_number

#: Values of a note worded here rather than shown as they are.
_LOCATED = ("file", "sheet")


def summary_lines(result, paths: Sequence[Path], lang: str = "vi", links: Iterable[Reason | str] = ()) -> list[str]:
    """Every line ``parindex standardise`` prints on success: each file, the notes, the closing count.

    ``result`` is a :class:`parindex_lib.standardise.Standardised`; ``paths`` the tables written.
    """
    lines = []
    for ledger in result.ledgers:
        lines.append("; ".join([t("std_read", lang, file=ledger.file, rows=ledger.read), *_skipped(ledger, lang)]))
        lines += ["  " + t("std_note", lang, note=note_text(n, lang)) for n in ledger.notes]
    lines += [t("std_note", lang, note=note_text(n, lang)) for n in result.notes]
    lines += ["  " + t("std_note", lang, note=note_text(n, lang)) for n in links]
    lineage = len(result.lineage) if result.lineage is not None else 0
    criteria = len(result.criteria) if getattr(result, "criteria", None) is not None else 0
    lines.append(t("std_summary", lang, scores=len(result.scores), tasks=len(result.tasks),
                   criteria=t("std_summary_criteria", lang, rows=criteria) if criteria else "",
                   lineage=t("std_summary_lineage", lang, rows=lineage) if lineage else "",
                   files=len(result.files), paths=", ".join(str(p) for p in paths)))
    return lines


def warning_lines(result, lang: str = "vi") -> list[str]:
    """The warnings, each as ``parindex: cảnh báo: …`` / ``parindex: warning: …``."""
    return ["parindex: " + t("std_warning", lang, warning=note_text(w, lang)) for w in result.warnings]


def note_text(note: Reason | str, lang: str = "vi") -> str:
    """A note in ``lang``: a :class:`Reason` through its ``reason_<code>`` message, text as it is.

    Values ``file`` and ``sheet`` become ``{where}``; ``previous`` (a sheet, or None) is worded as a sheet;
    ``kind`` as a kind of value; ``points``/``top`` numbers in the language's decimals; ``items`` (maxima
    taken: component, maximum, scheme, count) one after another.
    """
    if not isinstance(note, Reason):
        return str(note)
    key = f"reason_{note.code}"
    if key not in catalogue()[lang]:
        return str(note)
    values = {k: v for k, v in note.values.items() if k not in _LOCATED}
    values["where"] = where(note.values.get("file"), note.values.get("sheet"), lang)
    values["file"] = note.values.get("file")
    if "previous" in values:
        values["previous"] = _sheet_word(values["previous"], lang)
    if "kind" in values:
        values["kind"] = t(f"std_kind_{values['kind']}", lang)
    if "items" in values:
        values["items"] = "; ".join(t("std_maxima_item", lang, component=component_word(c, lang),
                                      top=_number(top, lang), scheme=s, count=n) for c, top, s, n in values["items"])
    return t(key, lang, **values)


def where(file: str | None, sheet: str | None, lang: str = "vi") -> str:
    """A table as the summary names it: its file, and its sheet when it has one."""
    return t("std_where_sheet", lang, file=file, sheet=sheet) if sheet else str(file or "")


def _sheet_word(sheet: str | None, lang: str) -> str:
    return t("std_sheet", lang, sheet=sheet) if sheet else t("std_table_above", lang)


def _number(value: float, lang: str) -> str:
    return format_number(float(value), lang, decimals=2).rstrip("0").rstrip(",.")


def _skipped(ledger, lang: str) -> list[str]:
    """``blank rows skipped: 11``; ``section heading: 2`` — the rows of each reason, by sheet."""
    parts = [t("std_blank", lang, rows=_rows_text(ledger.blank, lang))] if ledger.blank else []
    reasons: dict[str, list] = {}
    for sheet, row, why in ledger.skipped:
        reasons.setdefault(why, []).append((sheet, row))
    for why, rows in reasons.items():
        key = "std_skip_" + fold(why).replace(" ", "_")
        word = t(key, lang) if key in catalogue()[lang] else why
        parts.append(f"{word}: {_rows_text(rows, lang)}")
    return parts


def _rows_text(rows: list[tuple[str | None, int]], lang: str) -> str:
    return sheet_rows_text(rows, lambda sheet: t('std_sheet', lang, sheet=sheet))
