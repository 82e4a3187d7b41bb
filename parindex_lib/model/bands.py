"""Classification bands as scheme data: the Ministry's groups (A ≥ 90, B 80–90, …), a province's Tốt/Khá/….

A scheme's YAML may carry a ``bands:`` key, one mapping (or a list of them, one per set of years) with the
bands as published and their source::

    bands:
      years: 2022-2023                   # optional: the scheme's own years by default
      source: "QĐ …; https://…"          # required: where the thresholds were published
      classes:                           # best first; "from" is reached (≥), "to" is not (<)
        - {code: A, vi: "Nhóm A", en: "Group A", from: 90}
        - {code: B, vi: "Nhóm B", en: "Group B", from: 80, to: 90}
      below: {vi: "…", en: "…"}          # optional: what the source says of totals under the lowest band

A total under the lowest published band is *not classified* (never put in a band the source does not give).
Totals are compared with the thresholds as published, to two decimals: 89,99 is under 90 and 90,00 reaches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from parindex_lib.errors import BadValue, Reason, because

#: Totals are published to two decimals: a band's threshold is met by a total that prints at it.
_ROUND = 2


@dataclass(frozen=True)
class Band:
    """One class: totals in [``low``, ``high``) (``high`` None: no upper limit)."""

    code: str
    label_vi: str
    label_en: str
    low: float
    high: float | None = None

    def label(self, lang: str = "vi") -> str:
        """The band's name in ``lang``."""
        return self.label_vi if lang == "vi" else self.label_en


@dataclass(frozen=True)
class Bands:
    """The bands of a scheme for some years, best first, with the source that published them."""

    classes: tuple[Band, ...]
    source: str
    years: tuple[int, ...] = ()
    below_vi: str = ""
    below_en: str = ""

    def below(self, lang: str = "vi") -> str:
        """What the source says of totals under the lowest band, in ``lang`` ("" when it says nothing)."""
        return self.below_vi if lang == "vi" else self.below_en

    def applies_to(self, year: int) -> bool:
        """Whether these bands were published for ``year`` (no years: every year of the scheme)."""
        return not self.years or year in self.years

    def classify(self, totals) -> pd.Series:
        """The band code of each total (None where no published band holds it, or the total is missing).

        Examples
        --------
        >>> b = Bands((Band("A", "Nhóm A", "Group A", 90.0), Band("B", "Nhóm B", "Group B", 80.0, 90.0)), "s")
        >>> b.classify(pd.Series([95.0, 89.999, 90.0, 80.0, 79.99])).tolist()
        ['A', 'A', 'A', 'B', None]
        """
        values = pd.Series(totals, dtype=float)
        shown = values.round(_ROUND).to_numpy()
        out = np.full(len(values), None, dtype=object)
        for band in reversed(self.classes):  # best last, so it wins where a source's bands touch
            inside = shown >= band.low - 1e-9
            if band.high is not None:
                inside &= shown < band.high - 1e-9
            out[inside & ~np.isnan(shown)] = band.code
        return pd.Series(out, index=values.index, dtype=object)

    def label(self, code: str | None, lang: str = "vi") -> str | None:
        """The name of band ``code`` in ``lang`` (None for None)."""
        if code is None:
            return None
        return next(b.label(lang) for b in self.classes if b.code == code)

    @property
    def lowest(self) -> float:
        """The lowest published threshold: totals below it are not classified."""
        return min(b.low for b in self.classes)


def parse_bands(spec: object, where: str | Path, scheme_years: tuple[int, ...] = ()) -> tuple[tuple[Bands, ...],
                                                                                                list[Reason]]:
    """A scheme's ``bands:`` value → its band sets, and every problem found (empty when valid), each a cause as
    data (``str()`` its English text).

    ``where`` names the file in messages; ``scheme_years`` are the years a set without ``years`` covers.
    """
    if spec is None:
        return (), []
    specs = spec if isinstance(spec, list) else [spec]
    out, problems = [], []
    for k, item in enumerate(specs, start=1):
        at = f"bands[{k}]" if isinstance(spec, list) else "bands"
        if not isinstance(item, dict):
            problems.append(because("mod_bands_not_mapping", '{at} is "{value}" (expected a mapping with source and '
                                                             "classes)", at=at, value=item))
            continue
        source = str(item.get("source") or "").strip()
        if not source:
            problems.append(because("mod_bands_no_source", "{at} has no source (expected the decision or page that "
                                                           "published the thresholds)", at=at))
        try:
            years = _years(item.get("years")) or tuple(scheme_years)
        except BadValue as exc:
            problems.append(because("mod_bands_at", "{at}: {why}", at=at, why=exc.reason))
            years = ()
        classes = item.get("classes")
        if not isinstance(classes, list) or not classes:
            problems.append(because("mod_bands_no_classes", "{at} has no classes (expected a list such as {example})",
                                    at=at, example="{code: A, vi: Nhóm A, en: Group A, from: 90}"))
            continue
        bands = []
        for j, c in enumerate(classes, start=1):
            band, problem = _band(c, because("mod_band_class", "{at}, class {n}", at=at, n=j))
            if problem:
                problems.append(problem)
            else:
                bands.append(band)
        problems += _overlaps(bands, at)
        below, problem = _below(item.get("below"), at)
        if problem:
            problems.append(problem)
        if bands and not any(str(p).startswith(at) for p in problems):
            out.append(Bands(tuple(sorted(bands, key=lambda b: -b.low)), source, years, *below))
    return tuple(out), problems


def read_scheme_bands(value: object, ctx) -> tuple[Bands, ...]:
    """The ``bands:`` key of a scheme file, as the scheme reader hooks it in (each fault located)."""
    bands, problems = parse_bands(value, ctx.file, tuple(ctx.parsed.get("years") or ()))
    for problem in problems:
        ctx.problem(problem, at="classes")
    return bands


def _below(value: object, at: str) -> tuple[tuple[str, str], Reason | None]:
    """``below:`` as (vi, en): a mapping with both, or nothing."""
    if value is None or value == "":
        return ("", ""), None
    if isinstance(value, dict) and all(str(value.get(k) or "").strip() for k in ("vi", "en")):
        return (str(value["vi"]).strip(), str(value["en"]).strip()), None
    return ("", ""), because("mod_bands_below", '{at}: below is "{value}" (expected {example}, the same note in both '
                                                "languages)", at=at, value=value, example="{vi: …, en: …}")


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value) and 0 <= value <= 100:
        return float(value)
    return None


def _band(spec: object, at: Reason) -> tuple[Band | None, Reason | None]:
    if not isinstance(spec, dict):
        return None, because("mod_band_not_mapping", '{at} is "{value}" (expected a mapping with code, vi, en and '
                                                     "from)", at=at, value=spec)
    code = str(spec.get("code") or "").strip()
    vi, en = str(spec.get("vi") or "").strip(), str(spec.get("en") or "").strip()
    low = _number(spec.get("from"))
    high = None if spec.get("to") is None else _number(spec.get("to"))
    if not code or not vi or not en:
        return None, because("mod_band_unnamed", "{at} lacks a code or a name (expected code, vi and en)", at=at)
    if low is None:
        return None, because("mod_band_bad_from", '{at} ({code}): from = "{value}" (expected a threshold in 0–100)',
                             at=at, code=code, value=str(spec.get("from")))
    if spec.get("to") is not None and (high is None or high <= low):
        return None, because("mod_band_bad_to", '{at} ({code}): to = "{value}" (expected a number above from = '
                                                "{low:g}, at most 100)", at=at, code=code, value=str(spec.get("to")),
                             low=low)
    return Band(code, vi, en, low, high), None


def _overlaps(bands: list[Band], at: str) -> list[Reason]:
    problems, seen = [], set()
    for b in bands:
        if b.code in seen:
            problems.append(because("mod_band_twice", "{at}: class {code} is given twice", at=at, code=b.code))
        seen.add(b.code)
    ordered = sorted(bands, key=lambda b: b.low)
    for lower, upper in zip(ordered, ordered[1:], strict=False):
        top = lower.high if lower.high is not None else 100.0 + 1e-9
        if top > upper.low + 1e-9:
            problems.append(because("mod_bands_overlap", "{at}: classes {lower} and {upper} overlap (a total can be in "
                                                         "one class only)", at=at, lower=lower.code, upper=upper.code))
    return problems


def _years(value: object) -> tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return tuple(value)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", value)
        if m and int(m.group(1)) <= int(m.group(2)):
            return tuple(range(int(m.group(1)), int(m.group(2)) + 1))
    raise BadValue(because("mod_bands_years", 'years is "{value}" (expected a year, a list of years, or a range such '
                                              "as 2022-2023)", value=value))


def bands_for(level: str, year: int, scheme: str | object | None = None) -> Bands | None:
    """The bands that classify units of ``level`` in ``year``: those of ``scheme`` (a name or a Scheme) when
    given, else of the level's default scheme for the year; None when no band was published for them.

    Examples
    --------
    >>> [b.code for b in bands_for("province", 2024).classes]
    ['A', 'B']
    >>> bands_for("commune", 2025) is None
    True
    """
    from parindex_lib.model.schemes import default_scheme, load_scheme

    chosen = load_scheme(scheme) if isinstance(scheme, str) and scheme else scheme
    if chosen is None:
        chosen = default_scheme(level, year)
    if chosen is None:
        return None
    return next((b for b in getattr(chosen, "bands", ()) if b.applies_to(year)), None)
