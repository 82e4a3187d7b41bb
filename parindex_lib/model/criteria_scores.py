"""The tidy ``criteria`` table beside ``scores``, and the roll-up of criteria into ordinary component rows.

One row per unit × year × period × criterion (every node of the unit's criteria tree: leaves as scored,
parents as the sum of their children). Self-assessed (``self_points``) and appraised (``appraised_points``)
points are both kept; the appraised ones decide when given (``points``), and their difference, the points
taken off by the appraisal (điểm bị trừ khi thẩm định), is ``deducted``. Codes stay strings.

:func:`roll_up` sums criteria → areas (vectorised over units), :func:`component_rows` areas → components by
Σ points ÷ Σ maxima, bonus and penalty points as the adjustments they are; :func:`total_of` gives a unit's
total. The rows read from self-assessment sheets become this table in
:func:`~parindex_lib.model.criteria_assembly.assemble`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from parindex_lib.errors import InputError, Problem, because
from parindex_lib.model.components import adjustments
from parindex_lib.model.criteria import CriteriaTree
from parindex_lib.model.schema import LEVELS, PERIODS

KEY = ["unit", "level", "year", "period", "criterion"]
#: How a component row rolled up from criteria begins its note (what tells such rows from the others). Notes
#: stored in the tables are data, in Vietnamese like the sheets they come from.
ROLLED_UP = "tổng hợp từ tiêu chí của bộ chỉ số"
GROUP = ["unit", "level", "year", "period"]
COLUMNS = KEY + [
    "parent", "area", "component", "depth", "leaf", "name_vi", "name_en", "max_points", "rule",
    "self_points", "appraised_points", "points", "deducted", "measured", "measured_unit", "written_points",
    "inconsistent", "evidence", "lead_units", "scheme", "illustrative", "source", "note",
]
#: What a reader gives per row of a self-assessment sheet (before :func:`assemble`).
READ_COLUMNS = GROUP + ["scheme", "criterion", "name_written", "max_written", "self_points", "appraised_points",
                        "measured", "evidence", "lead_units", "note", "file", "sheet", "row", "columns",
                        "illustrative", "keep_inconsistent", "faulty", "province"]

_CODE = r"^[0-9a-zđ]+(\.[0-9a-zđ]+)*$"
CRITERIA_SCHEMA = pa.DataFrameSchema(
    {
        "unit": pa.Column(str, pa.Check.str_length(min_value=1)),
        "level": pa.Column(str, pa.Check.isin(LEVELS)),
        "year": pa.Column("int64", pa.Check.in_range(1990, 2100)),
        "period": pa.Column(str, pa.Check.isin(PERIODS)),
        "criterion": pa.Column(str, pa.Check.str_matches(_CODE)),
        "parent": pa.Column(object, nullable=True),
        "area": pa.Column(str),
        "component": pa.Column(str),
        "depth": pa.Column("int64", pa.Check.ge(0)),
        "leaf": pa.Column(bool),
        "name_vi": pa.Column(str),
        "name_en": pa.Column(str),
        "max_points": pa.Column(float, pa.Check.gt(0)),
        "rule": pa.Column(str),
        "self_points": pa.Column(float, pa.Check.ge(0), nullable=True),
        "appraised_points": pa.Column(float, pa.Check.ge(0), nullable=True),
        "points": pa.Column(float, pa.Check.ge(0)),
        "deducted": pa.Column(float, nullable=True),
        "measured": pa.Column(float, nullable=True),
        "measured_unit": pa.Column(str),
        "written_points": pa.Column(float, nullable=True),
        "inconsistent": pa.Column(bool),
        "evidence": pa.Column(object, nullable=True),
        "lead_units": pa.Column(object, nullable=True),
        "scheme": pa.Column(str),
        "illustrative": pa.Column(bool),
        "source": pa.Column(str),
        "note": pa.Column(object, nullable=True),
    },
    checks=[pa.Check(lambda df: df["points"] <= df["max_points"] + 1e-6, error="points ≤ max_points")],
    unique=KEY,
    report_duplicates="all",
    strict=True,
    ordered=False,
    coerce=False,
)


def from_criteria(scores: pd.DataFrame) -> pd.Series:
    """Which rows of a ``scores`` table were rolled up from criteria (a boolean per row)."""
    return scores["note"].astype(str).str.startswith(ROLLED_UP)


def empty_criteria() -> pd.DataFrame:
    """An empty criteria table with the contract's columns and dtypes."""
    return coerce_dtypes(pd.DataFrame({c: [] for c in COLUMNS}))


def coerce_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    """Give a criteria table its contract dtypes (as read back from CSV); values are not altered."""
    df = df.copy()
    for col in ("unit", "level", "period", "criterion", "area", "component", "name_vi", "name_en", "rule",
                "measured_unit", "scheme", "source"):
        df[col] = df[col].astype(object).where(df[col].notna(), "").astype(str)
    for col in ("parent", "evidence", "lead_units", "note"):
        values = df[col].astype(object)
        df[col] = values.where(values.notna() & (values != ""), None).astype(object)
    for col in ("year", "depth"):
        df[col] = pd.to_numeric(df[col]).astype("int64")
    for col in ("max_points", "self_points", "appraised_points", "points", "deducted", "measured", "written_points"):
        df[col] = pd.to_numeric(df[col]).astype(float)
    for col in ("leaf", "inconsistent", "illustrative"):
        if df[col].dtype != bool:
            df[col] = df[col].astype(str).str.strip().str.lower().isin(["true", "1", "yes"])
    return df[COLUMNS]


def validate(df: pd.DataFrame, file: str = "criteria") -> pd.DataFrame:
    """Validate a criteria table, reporting every failure at once.

    Raises
    ------
    InputError
        One :class:`Problem` per failing cell or row.
    """
    try:
        return CRITERIA_SCHEMA.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = []
        for _, case in exc.failure_cases.iterrows():
            idx = case.get("index")
            where = df.loc[idx, "source"] if idx is not None and idx in df.index else file
            column = case.get("column")
            problems.append(Problem(str(where), None, None if pd.isna(column) else str(column), case["failure_case"],
                                    because("crit_table_check", "fails the check {check} of the criteria table "
                                            "(re-run `parindex standardise` to rebuild it from data/raw)",
                                            check=str(case.get("check")))))
        raise InputError(problems) from None


def load_criteria_table(path) -> pd.DataFrame:
    """Read ``data/processed/criteria.csv`` back with its dtypes (codes as strings), validated.

    An absent file is an empty table (no unit is scored by criteria).

    Raises
    ------
    InputError
        If the file no longer matches the contract.
    """
    path = Path(path)
    if not path.exists():
        return empty_criteria()
    text = {c: object for c in ("unit", "level", "period", "criterion", "parent", "area", "component", "name_vi",
                                "name_en", "rule", "measured_unit", "evidence", "lead_units", "scheme", "source",
                                "note")}
    frame = pd.read_csv(path, dtype=text, keep_default_na=True)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(Problem(str(path), 1, None, ", ".join(missing), because(
            "crit_table_columns_missing", "columns are missing (expected the criteria table's columns; re-run "
                                          "`parindex standardise`)")))
    return validate(coerce_dtypes(frame), str(path))


def unit_criteria(table: pd.DataFrame, unit: str, year: int, period: str = "FY", level: str | None = None
                  ) -> pd.DataFrame:
    """One unit's criteria at one point, in the tree's order (empty when the unit is not scored by criteria)."""
    rows = table[(table["unit"] == unit) & (table["year"] == year) & (table["period"] == period)]
    if level:
        rows = rows[rows["level"] == level]
    return rows


# -- the roll-up -------------------------------------------------------------------------------------------


def roll_up(leaves: pd.DataFrame, tree: CriteriaTree, keys: list[str] | None = None) -> pd.DataFrame:
    """Every node's points from its leaves', for many units at once (vectorised over units).

    ``leaves`` has ``keys`` + ``criterion`` + ``points`` (and optionally ``self_points``,
    ``appraised_points``). A parent's points are the sum of its children's (capped at its maximum when the
    tree says so); its self-assessed and appraised sums are given only when every leaf under it has one.

    Returns
    -------
    DataFrame
        ``keys`` + ``criterion``, ``points``, ``self_points``, ``appraised_points`` for every node.

    Examples
    --------
    >>> from parindex_lib.model.criteria import load_criteria
    >>> tree = load_criteria("ca-mau-1880-2013")
    >>> leaves = pd.DataFrame({"unit": "X", "criterion": ["1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.2.1", "1.2.2"],
    ...                        "points": [0.5, 1, 1, 1, 1, 0]})
    >>> roll_up(leaves, tree, ["unit"]).set_index("criterion")["points"].loc[["1.1", "1.2", "1"]].tolist()
    [3.5, 1.0, 4.5]
    """
    keys = list(keys or GROUP)
    cols = ["points", "self_points", "appraised_points"]
    frame = leaves[keys + ["criterion"] + [c for c in cols if c in leaves.columns]].copy()
    for c in cols:
        if c not in frame.columns:
            frame[c] = np.nan
    frame["_n"] = 1  # leaves counted under each node, to know whether a sum covers all of them
    frame[["_ns", "_na"]] = frame[["self_points", "appraised_points"]].notna().astype(int).to_numpy()
    parent = {c.code: c.parent for c in tree}
    depth = {c.code: c.depth for c in tree}
    capped = {c.code: c.max_points for c in tree if c.capped}
    total_leaves = {c.code: len(tree.leaves(c.code)) for c in tree}
    out = [frame]
    current = frame
    for d in range(max(depth.values(), default=0), 0, -1):
        at_d = pd.concat([f[f["criterion"].map(depth) == d] for f in out], ignore_index=True)
        if at_d.empty:
            continue
        at_d = at_d.assign(criterion=at_d["criterion"].map(parent))
        sums = at_d.groupby(keys + ["criterion"], sort=False, dropna=False).agg(
            points=("points", "sum"), self_points=("self_points", "sum"), appraised_points=("appraised_points", "sum"),
            _n=("_n", "sum"), _ns=("_ns", "sum"), _na=("_na", "sum")).reset_index()
        for code, top in capped.items():
            mask = sums["criterion"] == code
            if mask.any():
                sums.loc[mask, ["points", "self_points", "appraised_points"]] = \
                    sums.loc[mask, ["points", "self_points", "appraised_points"]].clip(upper=top)
        current = sums
        out.append(current)
    result = pd.concat(out, ignore_index=True)
    n = result["criterion"].map(total_leaves)
    result["self_points"] = result["self_points"].where(result["_ns"] == n)
    result["appraised_points"] = result["appraised_points"].where(result["_na"] == n)
    return result.drop(columns=["_n", "_ns", "_na"])


def component_rows(nodes: pd.DataFrame, tree: CriteriaTree, keys: list[str] | None = None) -> pd.DataFrame:
    """The areas' points summed per component: ``keys`` + ``component``, ``points``, ``max_points``,
    ``value_pct`` (bonus and penalty areas: their points against their cap)."""
    keys = list(keys or GROUP)
    areas = {a.code: a for a in tree.areas}
    rows = nodes[nodes["criterion"].isin(areas)].copy()
    rows["component"] = rows["criterion"].map(lambda c: areas[c].component)
    rows["max_points"] = rows["criterion"].map(lambda c: areas[c].max_points)
    sums = rows.groupby(keys + ["component"], sort=False, dropna=False)[["points", "max_points"]].sum().reset_index()
    sums["value_pct"] = (100.0 * sums["points"] / sums["max_points"]).clip(0, 100)
    return sums


def total_of(component_frame: pd.DataFrame) -> tuple[float, float]:
    """(points, maximum) of one unit's components: Σ points + bonus − penalty over Σ maxima."""
    adjust = set(adjustments())
    parts = component_frame[~component_frame["component"].isin(adjust)]
    points = float(parts["points"].sum())
    for _, r in component_frame[component_frame["component"].isin(adjust)].iterrows():
        points += r["points"] if r["component"] == "BONUS" else -r["points"]
    return points, float(parts["max_points"].sum())
