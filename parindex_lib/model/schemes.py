"""Weighting schemes as data: how component percentages combine into the total.

The total is the weighted mean Σ wᵢ·pctᵢ with wᵢ ∝ the component's maximum points (the Ministry of
Home Affairs rule: total % = points achieved ÷ maximum points). A scheme is one YAML file in
``parindex_lib/data/schemes`` (or any folder passed as ``extra_dirs``); adding a scheme is adding a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from parindex_lib.config import SCHEMES_DIR
from parindex_lib.errors import SchemeError
from parindex_lib.model.components import adjustments as adjustment_codes
from parindex_lib.model.components import codes


@dataclass(frozen=True)
class Scheme:
    """A weighting scheme: maximum points per component, the level and years it applies to, its source.

    ``max_points`` maps component codes to maximum points; ``None`` marks a maximum that is not
    known. An incomplete scheme can be listed and described but refuses to compute a total.
    ``adjustments`` names the bonus and penalty points (điểm thưởng, điểm trừ) the scheme allows, with
    their cap (``None``: no cap published): they are added to the points, not to the maximum.
    ``aggregation`` is ``weighted`` (Σ wᵢ·pctᵢ, wᵢ ∝ maximum) or ``sum`` (blocks whose points add up to
    the total, as the provincial index of 2017–2020).
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
            share = ""
            if self.unknown_share:
                share = (f" (together they have {self.unknown_share['max_points']} points; "
                         "their split is not published)")
            raise SchemeError(
                f'scheme "{self.name}" is incomplete: the maximum points of {", ".join(self.unknown)} '
                f"are not known{share}, so it cannot compute a total. Use a complete scheme "
                f"(available: {', '.join(s for s in available_schemes() if load_scheme(s).complete)}), "
                "data that carries points and maxima (e.g. 12,75/13), or add the missing maxima to its YAML file."
            )
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
                raise SchemeError(f'scheme "{self.name}" has no {code} points (the data gives {value:g})')
            cap = self.adjustments[code]
            if cap is not None and value > cap + 1e-9:
                raise SchemeError(f'{code} = {value:g} points is above the cap of {cap:g} in scheme "{self.name}"')
            out += value if code == "BONUS" else -value
        scale = self.maximum
        if not out:
            return 0.0
        if scale is None:
            raise SchemeError(f'scheme "{self.name}" cannot place bonus or penalty points: its maxima are unknown')
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


def default_scheme(level: str, year: int, extra_dirs: tuple[Path, ...] = ()) -> Scheme | None:
    """The scheme of ``level`` for ``year`` (the one covering the fewest years when several do), or None."""
    found = [load_scheme(n, extra_dirs) for n in available_schemes(extra_dirs)]
    found = [s for s in found if s.applies_to(level, year) and s.years and not s.candidate]
    if not found:
        return None
    return sorted(found, key=lambda s: (len(s.years), not s.complete, s.name))[0]


def check_level(scheme: Scheme, level: str) -> None:
    """Refuse a scheme made for another level (a district scheme never totals a province).

    Raises
    ------
    SchemeError
        Naming both levels.
    """
    if scheme.level and level and scheme.level != level and not scheme.from_data:
        raise SchemeError(f'scheme "{scheme.name}" is made for the {scheme.level} level, not for a {level}; '
                          f"use a {level} scheme (available: "
                          f"{', '.join(n for n in available_schemes() if load_scheme(n).level == level) or 'none'}) "
                          "or leave --scheme out to use the unit's own")


def _scheme_dirs(extra_dirs: tuple[Path, ...] = ()) -> list[Path]:
    return [SCHEMES_DIR, *extra_dirs]


def available_schemes(extra_dirs: tuple[Path, ...] = ()) -> list[str]:
    """Names of every scheme file found, sorted."""
    return sorted({p.stem for d in _scheme_dirs(extra_dirs) for p in Path(d).glob("*.yaml")})


def load_scheme(name_or_path: str | Path, extra_dirs: tuple[Path, ...] = ()) -> Scheme:
    """Load a scheme by name (``equal-9``) or from a YAML file path, validating it.

    Raises
    ------
    SchemeError
        For an unknown name, or a file whose contents are not a valid scheme (each fault named).
    """
    path = Path(name_or_path)
    if path.suffix not in {".yaml", ".yml"}:
        candidates = [Path(d) / f"{name_or_path}.yaml" for d in _scheme_dirs(extra_dirs)]
        found = [p for p in candidates if p.exists()]
        if not found:
            raise SchemeError(
                f'unknown scheme "{name_or_path}" (available: {", ".join(available_schemes(extra_dirs))})'
            )
        path = found[-1]
    if not path.exists():
        raise SchemeError(f"{path}: scheme file does not exist")
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SchemeError(f"{path}: not valid YAML ({exc})") from None
    return _scheme_from_spec(spec, path)


def _scheme_from_spec(spec: object, path: Path) -> Scheme:
    if not isinstance(spec, dict) or "max_points" not in spec or not isinstance(spec["max_points"], dict):
        raise SchemeError(f'{path}: expected a mapping with "name" and "max_points" (component: points)')
    problems = []
    known = set(codes())
    max_points: dict[str, float | None] = {}
    for code, value in spec["max_points"].items():
        if code not in known:
            problems.append(f'component "{code}" is not a known code (expected one of {", ".join(codes())})')
            continue
        if value is None:
            max_points[code] = None
        elif isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value) and value > 0:
            max_points[code] = float(value)
        else:
            problems.append(f'max_points of {code} is "{value}" (expected a positive number, or null if unknown)')
    if not max_points:
        problems.append("max_points is empty (expected at least one component)")
    if problems:
        raise SchemeError(f"{path}: " + "; ".join(problems))
    complete = bool(spec.get("complete", True)) and all(v is not None for v in max_points.values())
    adjustments = {}
    for code, cap in (spec.get("adjustments") or {}).items():
        if code not in adjustment_codes():
            problems.append(f'adjustment "{code}" is not BONUS or PENALTY')
        elif cap is not None and not (isinstance(cap, int | float) and not isinstance(cap, bool) and cap >= 0):
            problems.append(f'the cap of {code} is "{cap}" (expected a number ≥ 0, or null if none is published)')
        else:
            adjustments[code] = None if cap is None else float(cap)
    aggregation = str(spec.get("aggregation", "weighted"))
    if aggregation not in ("weighted", "sum"):
        problems.append(f'aggregation is "{aggregation}" (expected weighted or sum)')
    try:
        years = _years(spec.get("years", spec.get("year")))
    except ValueError as exc:
        problems.append(str(exc))
        years = ()
    if problems:
        raise SchemeError(f"{path}: " + "; ".join(problems))
    total_points = spec.get("total_points")
    return Scheme(
        name=str(spec.get("name", path.stem)),
        max_points=max_points,
        title_vi=str(spec.get("title_vi", "")),
        title_en=str(spec.get("title_en", "")),
        level=str(spec.get("level", "")),
        years=years,
        source=str(spec.get("source", "")).strip(),
        complete=complete,
        unknown_share=spec.get("unknown_share"),
        total_points=float(total_points) if isinstance(total_points, int | float) else None,
        adjustments=adjustments,
        aggregation=aggregation,
        candidate=bool(spec.get("candidate", False)),
    )


def _years(value: object) -> tuple[int, ...]:
    """``2024``, ``[2023, 2024]`` or ``"2017-2020"`` → a tuple of years."""
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
    raise ValueError(f'years is "{value}" (expected a year, a list of years, or a range such as 2017-2020)')
