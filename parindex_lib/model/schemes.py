"""Weighting schemes as data: how component percentages combine into the total.

The total is the weighted mean Σ wᵢ·pctᵢ with wᵢ ∝ the component's maximum points (the Ministry of
Home Affairs rule: total % = points achieved ÷ maximum points). A scheme is one YAML file; adding a
scheme is adding a file. Schemes are found (:mod:`~parindex_lib.model.scheme_folders`) in the package (the
Ministry's and the published ones), in the project's ``data/schemes/`` (a province's own), and in any folder given with
``--schemes`` (``$PARINDEX_SCHEMES``). A name means one scheme: a file with the name of a packaged
scheme, or two files with one name, are refused rather than one silently replacing the other.

Each key of a scheme file is read by its own parser (:data:`~parindex_lib.model.scheme_fields.SCHEME_FIELDS`);
every fault is reported with the file, the line, the field and the value.
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from parindex_lib.errors import Reason, SchemeError, because, os_reason
from parindex_lib.model import scheme_fields
from parindex_lib.model.components import codes
from parindex_lib.model.scheme_context import SchemeFileError, SchemeProblem
from parindex_lib.model.scheme_folders import (
    PROJECT_SCHEMES_DIR,
    SCHEMES_ENV,
    SUFFIXES,
    SchemeFolder,
    _catalogue,
    available_schemes,
    check_scheme_folder,
    files_not_read,
    scheme_dirs,
    scheme_folders,
)
from parindex_lib.model.scheme_parsers import did_you_mean

# Names that moved to scheme_folders stay importable from here.
__all__ = ["PROJECT_SCHEMES_DIR", "SCHEMES_ENV", "SUFFIXES", "Scheme", "SchemeFolder", "available_schemes",
           "check_level", "check_scheme_folder", "check_schemes", "default_scheme", "from_points", "load_scheme",
           "scheme_dirs", "scheme_folders"]


@dataclass(frozen=True)
class Scheme:
    """A weighting scheme: maximum points per component, the level and years it applies to, its source.

    ``max_points`` maps component codes to maximum points; ``None`` marks a maximum that is not
    known. An incomplete scheme can be listed and described but refuses to compute a total.
    ``adjustments`` names the bonus and penalty points (điểm thưởng, điểm trừ) the scheme allows, with
    their cap (``None``: no cap published): they are added to the points, not to the maximum.
    ``aggregation`` is ``weighted`` (Σ wᵢ·pctᵢ, wᵢ ∝ maximum) or ``sum`` (blocks whose points add up to
    the total, as the provincial index of 2017–2020). ``extras`` holds what hooked keys of the file
    gave (see :mod:`~parindex_lib.model.scheme_fields`); ``path`` and ``origin`` say where it was found.
    """

    name: str
    max_points: dict[str, float | None]
    title_vi: str = ""
    title_en: str = ""
    level: str = ""
    years: tuple[int, ...] = ()
    source: str = ""
    complete: bool = True
    unknown_share: dict | None = field(default=None, compare=False)
    total_points: float | None = None
    adjustments: dict[str, float | None] = field(default_factory=dict)
    aggregation: str = "weighted"
    from_data: bool = False
    candidate: bool = False
    survey_points: float | None = None
    extras: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}), compare=False)
    path: Path | None = field(default=None, compare=False)
    origin: str = field(default="", compare=False)

    @property
    def year(self) -> int | None:
        """The first year the scheme applies to."""
        return self.years[0] if self.years else None

    @property
    def components(self) -> list[str]:
        """The components the scheme aggregates, in catalogue order."""
        return [c for c in codes() if c in self.max_points]

    @property
    def unknown(self) -> list[str]:
        """Components whose maximum points are not known."""
        return [c for c in self.components if self.max_points[c] is None]

    @property
    def maximum(self) -> float | None:
        """Σ of the components' maxima (the total's scale), when every one is known."""
        return None if self.unknown else float(sum(self.max_points[c] for c in self.components))

    @property
    def criteria(self):
        """The criteria tree under the components (:class:`~parindex_lib.model.criteria.CriteriaTree`), if any."""
        return self.extras.get("criteria")

    @property
    def bands(self) -> tuple:
        """Classification bands as published, with their source (:mod:`parindex_lib.model.bands`)."""
        return self.extra("bands", ())

    def extra(self, key: str, default: object = None) -> object:
        """What the hooked key ``key`` of the file gave (e.g. ``criteria``), else ``default``."""
        return self.extras.get(key, default)

    def applies_to(self, level: str, year: int) -> bool:
        """Whether this is a scheme of ``level`` for ``year``."""
        return self.level == level and (not self.years or year in self.years)

    def title(self, lang: str = "vi") -> str:
        """The scheme's title in ``lang``."""
        return self.title_vi if lang == "vi" else self.title_en

    def weights(self) -> pd.Series:
        """Weights summing to 1, indexed by component code.

        Raises
        ------
        SchemeError
            If the scheme is incomplete: its unknown maxima are named rather than guessed.

        Examples
        --------
        >>> round(float(load_scheme("equal-9").weights()["C6"]), 6)
        0.111111
        """
        if not self.complete or self.unknown:
            share: Reason | str = ""
            if self.unknown_share:
                share = because("sch_shared_points", " (together they have {points:g} points; their split is not "
                                                     "published)", points=float(self.unknown_share["max_points"]))
            unknown = ", ".join(self.unknown) or because("sch_some_components", "some components")
            complete = ", ".join(s for s in available_schemes() if load_scheme(s).complete)
            raise SchemeError(reason=because(
                "sch_incomplete", 'scheme "{scheme}" is incomplete: the maximum points of {unknown} are not '
                                  "known{share}, so it cannot compute a total. Use a complete scheme (available: "
                                  "{schemes}), data that carries points and maxima (e.g. 12,75/13), or add the "
                                  "missing maxima to its YAML file.",
                scheme=self.name, unknown=unknown, share=share, schemes=complete))
        w = pd.Series({c: float(self.max_points[c]) for c in self.components})
        return w / w.sum()

    def adjustment_pct(self, points: dict[str, float]) -> float:
        """Bonus minus penalty points, in percentage points of the total (÷ Σ maxima, not added to it).

        Raises
        ------
        SchemeError
            For an adjustment the scheme does not allow, or one above its cap.
        """
        out = 0.0
        for code, value in points.items():
            if code not in self.adjustments:
                raise SchemeError(reason=because("sch_no_adjustment", 'scheme "{scheme}" has no {code} points (the '
                                                                      "data gives {points:g})",
                                                 scheme=self.name, code=code, points=float(value)))
            cap = self.adjustments[code]
            if cap is not None and value > cap + 1e-9:
                raise SchemeError(reason=because("sch_above_cap", '{code} = {points:g} points is above the cap of '
                                                                  '{cap:g} in scheme "{scheme}"',
                                                 code=code, points=float(value), cap=float(cap), scheme=self.name))
            out += value if code == "BONUS" else -value
        scale = self.maximum
        if not out:
            return 0.0
        if scale is None:
            raise SchemeError(reason=because("sch_adjustment_without_maxima", 'scheme "{scheme}" cannot place bonus or '
                                                                              "penalty points: its maxima are unknown",
                                             scheme=self.name))
        return 100.0 * out / scale


def from_points(max_points: dict[str, float], level: str, year: int,
                adjustments: dict[str, float | None] | None = None) -> Scheme:
    """The Ministry's rule when the data carries points: total = Σ points ÷ Σ maxima, wᵢ = maxᵢ ÷ Σ maxima.

    Examples
    --------
    >>> s = from_points({"C3": 13.0, "C4": 10.5}, "province", 2024)
    >>> s.weights().round(4).to_dict()
    {'C3': 0.5532, 'C4': 0.4468}
    """
    return Scheme(name="points-in-data", max_points=dict(max_points),
                  title_vi="Điểm và điểm tối đa có trong dữ liệu (tổng = Σ điểm ÷ Σ điểm tối đa)",
                  title_en="Points and maxima given in the data (total = Σ points ÷ Σ maxima)",
                  level=level, years=(year,), source="the maxima written beside the points in the data",
                  adjustments=dict(adjustments or {}), from_data=True)


# -- schemes by name (the folders they are found in: :mod:`parindex_lib.model.scheme_folders`) -----------

def load_scheme(name_or_path: str | Path, extra_dirs: Iterable[Path] = ()) -> Scheme:
    """Load a scheme by name (``equal-9``) or from a YAML file path, validating it.

    Raises
    ------
    SchemeError
        For an unknown name, or a file whose contents are not a valid scheme (each fault located).
    """
    text = str(name_or_path)
    is_path = Path(text).suffix.lower() in SUFFIXES or os.sep in text or Path(text).is_file()
    if not is_path:
        catalogue = _catalogue(extra_dirs)
        if text not in catalogue:
            close = difflib.get_close_matches(text, list(catalogue), n=1, cutoff=0.6)
            raise SchemeError(reason=because(
                "sch_unknown_scheme", 'unknown scheme "{scheme}" ({hint}available: {schemes}; a scheme of your own '
                                      "goes in data/schemes/ or a folder given with --schemes{unread})",
                scheme=text, hint=did_you_mean(close[0] if close else None), schemes=", ".join(sorted(catalogue)),
                unread=_not_read(files_not_read(text, extra_dirs), text)))
        path, origin = catalogue[text]
        return _load_file(path, origin, named=True)
    path = Path(text)
    if not path.exists():
        named = path.stem in _catalogue(extra_dirs) and path.parent == Path(".")
        hint = because("sch_meant_the_scheme", ' (did you mean the scheme "{scheme}"? a scheme is chosen by its '
                                               "name, without .yaml)", scheme=path.stem) if named else ""
        raise SchemeError(reason=because("sch_file_missing", "{path}: scheme file does not exist{hint}",
                                         path=str(path), hint=hint))
    if path.is_dir():
        raise SchemeError(reason=because("sch_path_is_folder", "{path}: is a folder (expected a scheme file; a folder "
                                                               "of schemes is given with --schemes)", path=str(path)))
    if path.suffix.lower() not in SUFFIXES:
        raise SchemeError(reason=because("sch_not_scheme_file", '{path}: is not a scheme file (expected a .yaml file, '
                                                                'e.g. "{stem}.yaml")', path=str(path), stem=path.stem))
    return _load_file(path, "file", named=False)


def _not_read(files: list[Path], name: str) -> Reason | str:
    """``; FILE is not read as a scheme (…: rename it "NAME.yaml")`` for each file, one after another."""
    if not files:
        return ""
    return because("sch_not_read", '; {path} is not read as a scheme (expected a name ending in .yaml: rename it '
                                   '"{name}.yaml"){more}',
                   path=str(files[0]), name=name, more=_not_read(files[1:], name))


def check_schemes(extra_dirs: Iterable[Path] = ()) -> list[Scheme]:
    """Read every scheme found (so that a faulty file is reported before any work starts).

    Raises
    ------
    SchemeError
        For the first faulty file, with all of its faults.
    """
    return [_load_file(path, origin, named=True) for path, origin in _catalogue(extra_dirs).values()]


def default_scheme(level: str, year: int, extra_dirs: Iterable[Path] = ()) -> Scheme | None:
    """The scheme of ``level`` for ``year``, or None: a user's own (project or ``--schemes``) before a
    packaged one, then the one covering the fewest years; candidates never.

    Raises
    ------
    SchemeError
        When two of the user's schemes are equally the default (each could be the one meant).
    """
    found = [s for s in check_schemes(extra_dirs) if s.applies_to(level, year) and s.years and not s.candidate]
    if not found:
        return None
    found.sort(key=lambda s: (s.origin == "packaged", len(s.years), not s.complete, s.name))
    best, *rest = found
    tie = [s for s in rest if s.origin != "packaged" and best.origin != "packaged"
           and len(s.years) == len(best.years)]
    if tie:
        raise SchemeFileError(SchemeProblem(str(tie[0].path), None, "years", None, because(
            "sch_two_defaults", 'two schemes apply to the {level} level in {year}, "{best}" ({best_path}) and '
                                '"{other}" (expected one default: mark the other candidate: true, or narrow its years)',
            level=level, year=year, best=best.name, best_path=str(best.path), other=tie[0].name)))
    return best


def check_level(scheme: Scheme, level: str) -> None:
    """Refuse a scheme made for another level (a district scheme never totals a province).

    Raises
    ------
    SchemeError
        Naming both levels.
    """
    if scheme.level and level and scheme.level != level and not scheme.from_data:
        same = ", ".join(n for n in available_schemes() if load_scheme(n).level == level)
        raise SchemeError(reason=because(
            "sch_other_level", 'scheme "{scheme}" is made for the {made_for} level, not for a {level}; use a {level} '
                               "scheme (available: {schemes}) or leave --scheme out to use the unit's own",
            scheme=scheme.name, made_for=because("sch_a_level", "{level}", level=scheme.level), level=level,
            schemes=same or because("sch_none", "none")))


# -- reading a scheme file (its fields: :mod:`parindex_lib.model.scheme_fields`) -----------------------

def _load_file(path: Path, origin: str, named: bool) -> Scheme:
    try:
        stat = path.stat()
    except OSError as exc:
        raise SchemeError(reason=because("sch_unreadable", "{path}: the scheme file cannot be read ({why})",
                                         path=str(path), why=os_reason(exc))) from None
    scheme = _read_file(path, stat.st_mtime_ns, stat.st_size, stat.st_ino, named, scheme_fields.VERSION[0])
    return Scheme(**{**scheme.__dict__, "origin": origin})


@functools.lru_cache(maxsize=256)
def _read_file(path: Path, mtime_ns: int, size: int, inode: int, named: bool, version: int) -> Scheme:
    """A scheme file read and validated; cached while the file (and the fields' parsers) are unchanged."""
    del mtime_ns, size, inode, version  # the cache key only
    return _build(path, scheme_fields.read_scheme_fields(path, named))


#: Fields of a file that make up :class:`Scheme`'s own attributes; any other (hooked) key goes to ``extras``.
_CORE = {"name", "title_vi", "title_en", "level", "years", "source", "candidate", "aggregation", "max_points",
         "weights", "total_points", "survey_points", "unknown_share", "complete", "adjustments"}


def _build(path: Path, parsed: dict) -> Scheme:
    maxima = parsed["max_points"]
    complete = parsed.get("complete", True) and all(v is not None for v in maxima.values())
    extras = {k: v for k, v in parsed.items() if k not in _CORE}
    name = parsed.get("name", path.stem)
    return Scheme(
        name=name, max_points=maxima,
        title_vi=parsed["title_vi"], title_en=parsed.get("title_en", parsed["title_vi"]),
        level=parsed["level"], years=parsed["years"], source=parsed["source"], complete=complete,
        unknown_share=parsed.get("unknown_share"), total_points=parsed.get("total_points"),
        adjustments=parsed.get("adjustments", {}), aggregation=parsed.get("aggregation", "weighted"),
        candidate=parsed.get("candidate", False), survey_points=parsed.get("survey_points"),
        extras=MappingProxyType(extras), path=path,
    )
