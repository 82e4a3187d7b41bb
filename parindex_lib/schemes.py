"""Weighting schemes as data: how component percentages combine into the total.

The total is the weighted mean Σ wᵢ·pctᵢ with wᵢ ∝ the component's maximum points (the Ministry of
Home Affairs rule: total % = points achieved ÷ maximum points). A scheme is one YAML file in
``parindex_lib/data/schemes`` (or any folder passed as ``extra_dirs``); adding a scheme is adding a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from parindex_lib.components import codes
from parindex_lib.config import SCHEMES_DIR
from parindex_lib.errors import SchemeError


@dataclass(frozen=True)
class Scheme:
    """A weighting scheme: maximum points per component, with its source.

    ``max_points`` maps component codes to maximum points; ``None`` marks a maximum that is not
    known. An incomplete scheme can be listed and described but refuses to compute a total.
    """

    name: str
    max_points: dict[str, float | None]
    title_vi: str = ""
    title_en: str = ""
    level: str = ""
    year: int | None = None
    source: str = ""
    complete: bool = True
    unknown_share: dict | None = field(default=None, compare=False)

    @property
    def components(self) -> list[str]:
        """The components the scheme aggregates, in catalogue order."""
        return [c for c in codes() if c in self.max_points]

    @property
    def unknown(self) -> list[str]:
        """Components whose maximum points are not known."""
        return [c for c in self.components if self.max_points[c] is None]

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
                f"(available: {', '.join(s for s in available_schemes() if load_scheme(s).complete)}) "
                "or add the missing maxima to its YAML file."
            )
        w = pd.Series({c: float(self.max_points[c]) for c in self.components})
        return w / w.sum()


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
    return Scheme(
        name=str(spec.get("name", path.stem)),
        max_points=max_points,
        title_vi=str(spec.get("title_vi", "")),
        title_en=str(spec.get("title_en", "")),
        level=str(spec.get("level", "")),
        year=spec.get("year"),
        source=str(spec.get("source", "")).strip(),
        complete=complete,
        unknown_share=spec.get("unknown_share"),
    )
