"""The tidy ``scores`` table: its columns, a pandera schema, and validation with located messages.

One row per unit × year × period × component × kind. Readers validate on the way in; analyses trust
a validated table.
"""

from __future__ import annotations

import weakref

import pandas as pd
import pandera.pandas as pa

from parindex_lib.errors import InputError, Problem, because
from parindex_lib.model.components import all_codes

PERIODS = ["Q1", "Q2", "Q3", "Q4", "FY"]
#: Levels a unit can be reported at, and the levels of reference rows (averages, never reported on).
UNIT_LEVELS = ["province", "department", "district", "commune"]
REFERENCE_LEVELS = ["national", "region"]
LEVELS = UNIT_LEVELS + REFERENCE_LEVELS
KINDS = ["actual", "target"]
BOUNDS = ["=", ">", ">="]
KEY = ["unit", "level", "year", "period", "component", "kind"]
COLUMNS = KEY + [
    "value_pct", "bound", "points", "max_points", "rank", "rank_of", "lead_units",
    "decimals", "illustrative", "source", "note", "province", "group",
]

SCORES_SCHEMA = pa.DataFrameSchema(
    {
        "unit": pa.Column(str, pa.Check.str_length(min_value=1)),
        "level": pa.Column(str, pa.Check.isin(LEVELS)),
        "year": pa.Column("int64", pa.Check.in_range(1990, 2100)),
        "period": pa.Column(str, pa.Check.isin(PERIODS)),
        "component": pa.Column(str, pa.Check.isin(all_codes())),
        "kind": pa.Column(str, pa.Check.isin(KINDS)),
        # null only for points whose maximum no scheme publishes (the blocks of 2017–2020): see the check below
        "value_pct": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
        "bound": pa.Column(str, pa.Check.isin(BOUNDS)),
        "points": pa.Column(float, pa.Check.ge(0), nullable=True),
        "max_points": pa.Column(float, pa.Check.gt(0), nullable=True),
        "rank": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "rank_of": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        # nullable text is held as object (None where empty): one dtype whether or not any value is given
        "lead_units": pa.Column(object, nullable=True),
        "decimals": pa.Column("Int64", pa.Check.in_range(0, 10), nullable=True),
        "illustrative": pa.Column(bool),
        "source": pa.Column(str),
        "note": pa.Column(object, nullable=True),
        # Where a unit belongs (a commune's or department's province) and the block it is ranked in ("phường",
        # "xã, đặc khu"): as the data says, never guessed; empty where the data does not say.
        "province": pa.Column(object, nullable=True),
        "group": pa.Column(object, nullable=True),
    },
    checks=[
        pa.Check(lambda df: df["value_pct"].notna() | (df["points"].notna() & df["max_points"].isna()),
                 error="a value, or points without a published maximum"),
        pa.Check(lambda df: df["points"].isna() | df["max_points"].isna() | (df["points"] <= df["max_points"]),
                 error="points ≤ max_points"),
        pa.Check(lambda df: df["rank"].isna() | df["rank_of"].isna() | (df["rank"] <= df["rank_of"]),
                 error="rank ≤ rank_of"),
        pa.Check(lambda df: (df["kind"] == "target") | (df["bound"] == "="),
                 error="actual results have bound '='"),
    ],
    unique=KEY,
    report_duplicates="all",
    strict=True,
    ordered=False,
    coerce=False,
)

_EXPECTED = {
    "value_pct": because("mod_not_percentage", "is outside 0–100 (expected a percentage)"),
    "points": because("mod_negative_points", "is negative (expected points ≥ 0)"),
    "max_points": because("mod_maximum_not_positive", "is not positive (expected a maximum > 0)"),
    "year": because("mod_implausible_year", "is not a plausible assessment year (expected 1990–2100)"),
    "period": because("mod_not_period", "is not a period (expected one of {periods})", periods=", ".join(PERIODS)),
    "level": because("mod_not_level", "is not a level (expected one of {levels})", levels=", ".join(LEVELS)),
    "kind": because("mod_not_kind", "is not a kind (expected actual or target)"),
    "component": because("mod_not_component", "is not a component code (expected C1…C8, SIPAS, TOTAL or another "
                                              "code of the catalogue)"),
    "bound": because("mod_not_bound", "is not a bound (expected =, > or >=)"),
}


def empty_scores() -> pd.DataFrame:
    """An empty tidy table with the right columns and dtypes."""
    return coerce_dtypes(pd.DataFrame({c: [] for c in COLUMNS}))


def coerce_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    """Give a tidy table its contract dtypes (as read back from CSV); values are not altered."""
    df = df.copy()
    for col in ("unit", "level", "period", "component", "kind", "bound", "source"):
        df[col] = df[col].astype(object).where(df[col].notna(), "").astype(str)
    for col in ("province", "group"):
        if col not in df.columns:  # a table written before these columns existed: none of its units says
            df[col] = None
    for col in ("lead_units", "note", "province", "group"):  # nullable text: object dtype, None where empty
        df[col] = df[col].astype(object).where(df[col].notna() & (df[col].astype(object) != ""), None).astype(object)
    df["year"] = pd.to_numeric(df["year"]).astype("int64")
    for col in ("value_pct", "points", "max_points"):
        df[col] = pd.to_numeric(df[col]).astype(float)
    for col in ("rank", "rank_of", "decimals"):
        df[col] = pd.to_numeric(df[col]).astype("Int64")
    if df["illustrative"].dtype != bool:
        df["illustrative"] = df["illustrative"].astype(str).str.strip().str.lower().isin(["true", "1", "yes"])
    return df[COLUMNS]


def validate(df: pd.DataFrame, file: str = "scores") -> pd.DataFrame:
    """Validate a tidy table against the schema, reporting every failure at once.

    Raises
    ------
    InputError
        One :class:`Problem` per failing cell or row, located by the row's ``source``.
    """
    try:
        return SCORES_SCHEMA.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise InputError(_problems_from(exc.failure_cases, df, file)) from None


#: Checks of a row as a whole: the two columns they compare, and what was expected (one problem per row).
ROW_CHECKS = {
    "rank ≤ rank_of": (("rank", "rank_of"), because("mod_rank_above", "is above the number of units ranked "
                                                                     "(expected rank ≤ rank_of)")),
    "points ≤ max_points": (("points", "max_points"), because("mod_points_above_maximum", "is more than the maximum "
                                                                                         "(expected points ≤ "
                                                                                         "max_points)")),
    "actual results have bound '='": (("bound", "kind"), because("mod_bound_on_actual", "is a bound on an actual "
                                                                                        "result (expected =)")),
    "a value, or points without a published maximum": (
        ("value_pct", "points"), because("mod_no_value", "is empty (expected a percentage, or points whose maximum "
                                                         "is not published)")),
}


def _row_problem(check: str, idx: object, df: pd.DataFrame, file: str) -> Problem:
    (first, second), expected = ROW_CHECKS[check]
    where = df.loc[idx, "source"] if idx in df.index else file
    value = df.loc[idx, first] if idx in df.index else None
    other = df.loc[idx, second] if idx in df.index else None
    shown = "" if value is None or pd.isna(value) else value
    return Problem(str(where), None, first, shown, because(
        "mod_row_check", '{why}; column "{column}" holds "{other}"', why=expected, column=second,
        other="" if other is None or pd.isna(other) else other))


def _problems_from(cases: pd.DataFrame, df: pd.DataFrame, file: str) -> list[Problem]:
    problems = []
    for _, case in cases.iterrows():
        idx, column, check = case.get("index"), case.get("column"), str(case.get("check"))
        where = df.loc[idx, "source"] if idx is not None and idx in df.index else file
        if check in ROW_CHECKS:
            problems.append(_row_problem(check, idx, df, file))  # said once per row: duplicates dropped below
        elif check == "column_in_dataframe" or check == "column_in_schema":
            problems.append(Problem(file, None, str(case["failure_case"]), "",
                                    because("mod_column_missing", "column is missing (expected columns: {columns})",
                                            columns=", ".join(COLUMNS)) if "dataframe" in check else
                                    because("mod_column_not_expected", "column is not expected (expected columns: "
                                                                       "{columns})", columns=", ".join(COLUMNS))))
        elif "unique" in check or "duplicate" in check.lower():
            key = ", ".join(str(df.loc[idx, k]) for k in KEY) if idx in df.index else ""
            problems.append(Problem(str(where), None, None, key,
                                    because("mod_row_repeated", "repeats a row already given (expected one row per "
                                                                "unit, level, year, period, component and kind)")))
        elif column in _EXPECTED:
            problems.append(Problem(str(where), None, str(column), case["failure_case"], _EXPECTED[column]))
        elif "dtype" in check or "coerce" in check:
            # A column's type is ours to get right, never the user's fault: say which table to rebuild.
            problems.append(Problem(file, None, None if pd.isna(column) else str(column), "",
                                    because("mod_wrong_type", "does not hold the contract's type (re-run `parindex "
                                                              "standardise` to rebuild this table from data/raw)")))
        else:
            problems.append(Problem(str(where), None, None if pd.isna(column) else str(column),
                                    case["failure_case"], because("mod_fails_check", "fails the check {check}",
                                                                  check=check)))
    # pandera lists a duplicate once per row; keep each message once, in order.
    seen, unique = set(), []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            unique.append(p)
    return unique


#: Tables derived from a scores frame (e.g. where each unit's rows are), kept while the frame lives.
_DERIVED: dict[int, tuple[weakref.ref, dict]] = {}


def derived(frame: pd.DataFrame, name: str, make):
    """``make(frame)``, computed once per frame object (e.g. the index of each unit's rows), and forgotten
    with the frame."""
    key = id(frame)
    entry = _DERIVED.get(key)
    if entry is None or entry[0]() is not frame:
        entry = _DERIVED[key] = (weakref.ref(frame, lambda _: _DERIVED.pop(key, None)), {})
    cache = entry[1]
    if name not in cache:
        cache[name] = make(frame)
    return cache[name]


def unit_rows(scores: pd.DataFrame, unit: str, level: str) -> pd.DataFrame:
    """One unit's rows, through an index of the table built once (not a scan of every row per call)."""
    positions = derived(scores, "unit_rows", lambda f: f.groupby(["unit", "level"], sort=False).indices)
    return scores.iloc[positions.get((unit, level), [])]
