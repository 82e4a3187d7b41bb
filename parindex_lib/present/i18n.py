"""One message catalogue for every word a report or the CLI shows.

The catalogue is the union of ``data/messages/*.yaml`` (one file per part of the product, each with a ``vi``
and an ``en`` section), so that each part keeps its words in one place; a key defined twice is an error.

The causes of errors are written in English where they are raised (:func:`parindex_lib.errors.because`, as a
program's messages are); ``data/messages/errors/*.yaml`` hold their Vietnamese, one file per stage, under
``vi`` only: their English is the text the library gives.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import yaml

from parindex_lib.config import MESSAGES_DIR
from parindex_lib.errors import ParindexError, Reason, Wording, because
from parindex_lib.model.components import name_of
from parindex_lib.vn import format_pct

LANGS = ("vi", "en")


class CatalogueError(ParindexError):
    """The package's own message files cannot be read: said in English, since the catalogue is what says things
    in another language (a fault of the package, not of a user's input)."""


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """The message catalogue: language → key → template, from every file in ``data/messages``.

    Raises
    ------
    CatalogueError
        For a key defined in two files, or a file whose languages do not hold the same keys.
    """
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    seen: dict[str, str] = {}
    for path in sorted(MESSAGES_DIR.glob("*.yaml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        keys = {lang: set(part.get(lang) or {}) for lang in LANGS}
        if keys["vi"] != keys["en"]:
            odd = sorted(keys["vi"] ^ keys["en"])
            raise CatalogueError(f"{path.name}: messages not given in both languages: {', '.join(odd)}")
        for key in keys["vi"]:
            if key in seen:
                raise CatalogueError(f'{path.name}: message "{key}" is already defined in {seen[key]}')
            seen[key] = path.name
        for lang in LANGS:
            merged[lang].update(part.get(lang) or {})
    for path in sorted((MESSAGES_DIR / "errors").glob("*.yaml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if set(part) - {"vi"}:
            raise CatalogueError(f"{path.name}: the Vietnamese of errors only (a section vi:), their English is in "
                                "the code")
        for key in part.get("vi") or {}:
            if key in seen:
                raise CatalogueError(f'{path.name}: message "{key}" is already defined in {seen[key]}')
            seen[key] = f"errors/{path.name}"
        merged["vi"].update(part.get("vi") or {})
    return merged


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise a clear error."""
    if lang not in LANGS:
        raise ParindexError(reason=because("lang_not_supported", 'language "{lang}" is not supported (expected one '
                                           "of {langs})", lang=lang, langs=", ".join(LANGS)))
    return lang


def t(key: str, lang: str = "vi", **values: object) -> str:
    """The message ``key`` in ``lang``, with placeholders filled.

    Examples
    --------
    >>> t("status_met", "en")
    'Met'
    """
    template = catalogue()[check_lang(lang)][key]
    return template.format(**values) if values else template


def status_label(status: str | None, lang: str = "vi") -> str:
    """The text label of a status (so it reads without colour)."""
    return t(f"status_{status or 'none'}", lang)


def component_name(code: str, lang: str = "vi", short: bool = False) -> str:
    """A component's name in ``lang`` (full as in the plan, or short for charts)."""
    return name_of(code, lang, short)


def target_text(target: float, bound: str, lang: str = "vi") -> str:
    """``từ 80,00% trở lên`` / ``trên 80,00%`` (vi), ``80.00% or more`` / ``above 80.00%`` (en)."""
    key = "target_gt" if bound == ">" else "target_ge"
    return t(key, lang, target=format_pct(target, lang))


def point_label(year: int, period: str, lang: str = "vi") -> str:
    """A reporting point: ``năm 2023`` / ``2023`` for a final result, ``Q3/2024`` for an interim one."""
    return t("point_fy", lang, year=year) if period == "FY" else t("point_interim", lang, year=year, period=period)


def component_word(code: str, lang: str = "vi") -> str:
    """A component in a sentence: the codes C1–C8 and SIPAS as they are (every document uses them), any other
    (the blocks of earlier methodologies, bonus and penalty) by its short name in ``lang``."""
    if re.fullmatch(r"C\d+|SIPAS", code):
        return code
    try:
        return component_name(code, lang, short=True)
    except KeyError:
        return code


def say(reason: Reason | str, lang: str = "vi") -> str:
    """A :class:`~parindex_lib.errors.Reason` in ``lang``, from its catalogue key ``reason_<code>``; text as given.

    Values are worded by their name: ``level`` a level, ``point`` a (year, period), ``available`` a list of them,
    ``components`` a list of codes (:func:`component_word`), ``why`` another reason (or a text), ``left`` a list
    of reasons (said one after another), ``seconds`` a number; any other reason is said too, the others as they are.

    Examples
    --------
    >>> from parindex_lib.errors import Reason
    >>> say(Reason("no_results_in_period", {"unit": "Lai Châu", "point": (2024, "Q3"),
    ...                                      "available": [(2023, "FY")]}), "vi")
    'Lai Châu không có kết quả Q3/2024 (chỉ có: năm 2023)'
    """
    if not isinstance(reason, Reason):
        return str(reason)
    if f"reason_{reason.code}" not in catalogue()[check_lang(lang)] and reason.text:
        return reason.text  # a cause written in English only (a test keeps the Vietnamese ones complete)
    words = {"level": lambda v: t(f"level_{v}", lang),
             "point": lambda v: point_label(*v, lang),
             "available": lambda v: ", ".join(point_label(*p, lang) for p in v) or "—",
             "components": lambda v: ", ".join(component_word(c, lang) for c in v) or "—",
             "why": lambda v: say(v, lang),
             "left": lambda v: "; ".join(say(r, lang) for r in v),
             "seconds": lambda v: f"{v:g}"}
    values = {k: words[k](v) if k in words else say(v, lang) if isinstance(v, Reason) else _word(v, lang)
              for k, v in reason.values.items()}
    return catalogue()[lang][f"reason_{reason.code}"].format(**values)  # any value name, "lang" and "key" too


def _word(value: object, lang: str) -> object:
    """A value in a reason: a number with the language's decimal mark (``0,025`` / ``0.025``), as it is
    otherwise."""
    if isinstance(value, float):
        text = np.format_float_positional(value, trim="-")
        return text.replace(".", ",") if lang == "vi" else text
    return value


def wording(lang: str) -> Wording:
    """:func:`say` with its language bound, for :meth:`parindex_lib.errors.ParindexError.said`."""
    check_lang(lang)
    return lambda reason: say(reason, lang)


def say_error(exc: ParindexError, lang: str = "vi") -> str:
    """An error of the library in ``lang``: every located problem of an input, or its cause.

    Examples
    --------
    >>> from parindex_lib.errors import InputError, Problem, because
    >>> empty = because("empty_expected", "is empty (expected {what})", what="2024")
    >>> say_error(InputError(Problem("a.xlsx", 3, "Năm", "", empty, sheet="2024")), "vi")
    'a.xlsx, trang tính "2024", dòng 3, cột "Năm": để trống (cần 2024)'
    """
    return exc.said(wording(lang))


def period_label(period: str, lang: str = "vi") -> str:
    """``Cả năm``, ``Quý 3`` (vi); ``FY``, ``Q3`` (en): the words the tidy reader also reads."""
    return t(f"period_{period}", lang)
