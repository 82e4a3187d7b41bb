"""Finding what a user means in the scores: the unit a name stands for (with or without diacritics, at which
level), and the actual results a report on a year and period starts from.
"""

from __future__ import annotations

import pandas as pd

from parindex_lib.errors import MethodError, Reason, because
from parindex_lib.model.components import match_level
from parindex_lib.model.schema import UNIT_LEVELS, derived
from parindex_lib.vn import fold, nfc


def resolve_unit(scores: pd.DataFrame, name: str, level: str | None = None) -> tuple[str, str]:
    """The unit a user means, and its level.

    Names are compared after NFC normalisation, then — when that finds nothing — ignoring diacritics, case
    and punctuation ("Lai Chau" finds "Lai Châu"). Reference rows (national and regional averages) are
    never units.

    Raises
    ------
    MethodError
        When no unit matches, or the name is found at two levels (or as two spellings): the message lists
        each, so ``--level`` (or the exact name) can choose.
    """
    units = derived(scores, "unit_pairs",
                    lambda f: f.loc[f["level"].isin(UNIT_LEVELS), ["unit", "level"]].drop_duplicates())
    if level:
        wanted = match_level(level)
        if wanted is None:
            raise MethodError(reason=because("mod_unknown_level", 'level "{given}" is not known (expected one of '
                                                                  "{levels})",
                                             given=level, levels=", ".join(UNIT_LEVELS)))
        units = units[units["level"] == wanted]
    found = units[units["unit"] == nfc(name)]
    if found.empty:
        found = units[units["unit"].map(fold) == fold(name)]
    if len(found) == 1:
        return str(found["unit"].iloc[0]), str(found["level"].iloc[0])
    if found.empty:
        where = because("mod_at_level", " at the {given} level", given=level, level=match_level(level)) if level else ""
        known = ", ".join(sorted(units["unit"].unique())) or because("mod_none", "none")
        raise MethodError(reason=because("mod_no_unit", 'no actual results for unit "{unit}"{where} (units in the '
                                                        "data: {known})", unit=name, where=where, known=known))
    listed = _units_at(list(found.itertuples(index=False)))
    raise MethodError(reason=because("mod_ambiguous_unit", '"{unit}" is ambiguous: {listed}. Choose one with --level '
                                                           "(or the exact name)", unit=name, listed=listed))


def _units_at(pairs: list[tuple[str, str]], first: bool = True) -> Reason | str:
    """``Xã A (commune); Xã A (district)``: each unit with its level (said in the command's language)."""
    if not pairs:
        return ""
    (unit, level), rest = pairs[0], _units_at(pairs[1:], first=False)
    if first:
        return because("mod_unit_at", "{unit} ({level}){more}", unit=unit, level=level, more=rest)
    return because("mod_unit_at_next", "; {unit} ({level}){more}", unit=unit, level=level, more=rest)


def resolve_basis(scores: pd.DataFrame, unit: str, year: int, period: str) -> tuple[int, str]:
    """The actual results a report for (``year``, ``period``) starts from.

    The results of that period when they exist; for a final (``FY``) report whose year has no final
    result yet, the latest earlier final result (the plan's case: reporting on 2024 from 2023).
    ``scores`` holds one unit's rows.
    """
    rows = scores[scores["kind"] == "actual"]
    if rows.empty:
        text = f'no actual results for unit "{unit}"'
        raise MethodError(text, reason=Reason("no_results", {"unit": unit}, text))
    if ((rows["year"] == year) & (rows["period"] == period)).any():
        return year, period
    finals = rows[(rows["period"] == "FY") & (rows["year"] < year)]
    if period == "FY" and not finals.empty:
        return int(finals["year"].max()), "FY"
    points = sorted({(int(y), str(p)) for y, p in zip(rows["year"], rows["period"], strict=True)})
    have = ", ".join(f"{y} {p}" for y, p in points)
    text = f'no actual results for "{unit}" in {year} {period} (available: {have})'
    raise MethodError(text, reason=Reason("no_results_in_period", {"unit": unit, "point": (year, period),
                                                                    "available": points}, text))
