"""The tidy layout: one column per field (``unit, level, year, period, component, kind, value_pct`` and
the optional ones), Vietnamese or English headers; or one column per component ("Tỉnh | Năm | Chỉ số
CCHC | Xếp hạng", "Đơn vị | Năm | C1 | … | SIPAS").

Parsing is vectorised: each column is parsed once per distinct value and mapped back to its rows,
so a million rows read in seconds. Every failing cell becomes a located problem; a row is either
read or an error.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from parindex_lib.errors import Problem
from parindex_lib.model import schema
from parindex_lib.model.components import match_component, suggest
from parindex_lib.readers.layout import (
    TIDY_COLUMNS,
    TIDY_HEADERS,
    Block,
    Ledger,
    expected_columns,
    header_language,
    wide_components,
    width,
)
from parindex_lib.readers.values import FractionCheck, parse_value
from parindex_lib.vn import fold, parse_rank

KIND_WORDS = {"actual": "actual", "thuc te": "actual", "ket qua": "actual", "thuc hien": "actual",
              "target": "target", "muc tieu": "target", "chi tieu": "target", "ke hoach": "target"}
PERIOD_WORDS = {"fy": "FY", "ca nam": "FY", "nam": "FY", "year": "FY", "final": "FY", "full year": "FY",
                **{f"q{i}": f"Q{i}" for i in range(1, 5)}, **{f"quy {i}": f"Q{i}" for i in range(1, 5)},
                **{f"quy {r}": f"Q{i}" for i, r in enumerate(("i", "ii", "iii", "iv"), start=1)}}
#: Bounds written as words (the workbook's scores sheet writes them so); symbols are read as they are.
BOUND_WORDS = {"bang": "=", "equal": "=", "tren": ">", "above": ">", "tro len": ">=", "tu tro len": ">=",
               "at least": ">="}
LEVEL_WORDS = {
    "province": "province", "tinh": "province", "cap tinh": "province", "thanh pho truc thuoc trung uong": "province",
    "tinh thanh pho": "province", "tinh thanh pho truc thuoc trung uong": "province",
    "department": "department", "so": "department", "so nganh": "department", "so ban nganh": "department",
    "so ban nganh tinh": "department", "cap so": "department",
    "district": "district", "huyen": "district", "cap huyen": "district", "huyen quan thi xa": "district",
    "huyen quan thi xa thanh pho": "district", "quan": "district", "thi xa": "district",
    "thanh pho": "district", "thanh pho thuoc tinh": "district",
    "commune": "commune", "xa": "commune", "cap xa": "commune", "xa phuong thi tran": "commune",
    "phuong": "commune", "thi tran": "commune", "xa phuong": "commune", "dac khu": "commune",
    "xa dac khu": "commune", "xa phuong dac khu": "commune",
    "national": "national", "toan quoc": "national", "ca nuoc": "national",
    "region": "region", "vung": "region",
}
_YES = {"true", "1", "yes", "co", "x"}
_REQUIRED_LONG = ["unit", "year", "component"]


def _column(rows: list, i: int | None) -> pd.Series:
    if i is None:
        return pd.Series([""] * len(rows), dtype=object)
    return pd.Series([c[i] if i < len(c) else "" for _, c in rows], dtype=object)


class Parsed:
    """A column parsed once per distinct value: ``codes`` map each row to its distinct value."""

    def __init__(self, codes: np.ndarray, values: list, errors: list):
        self.codes = codes
        self.values = np.empty(len(values), dtype=object)
        self.values[:] = values
        self.errors_u = np.asarray(errors, dtype=object)

    def rows(self) -> np.ndarray:
        """The parsed value of every row (object array; None where the cell failed)."""
        return self.values[self.codes]

    def errors(self) -> np.ndarray:
        """The error message of every row, or None."""
        return self.errors_u[self.codes]

    def field(self, get, mask: np.ndarray, dtype=float) -> np.ndarray:
        """One field of the parsed values for the rows in ``mask``, built per distinct value."""
        per_unique = np.array([get(v) for v in self.values], dtype=dtype)
        return per_unique[self.codes[mask]]


def _parse_each(uniques, parse) -> tuple[list, list]:
    values, errors = [], []
    for u in uniques:
        try:
            values.append(parse(*u) if isinstance(u, tuple) else parse(u))
            errors.append(None)
        except ValueError as exc:
            values.append(None)
            errors.append(str(exc))
    return values, errors


def _by_unique(values: pd.Series, parse) -> tuple[np.ndarray, np.ndarray]:
    """Parse each distinct value once: (parsed per row, error message per row or None)."""
    parsed = _parse_unique(values, parse)
    return parsed.rows(), parsed.errors()


def _parse_unique(values: pd.Series, parse) -> Parsed:
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return Parsed(codes, *_parse_each(list(uniques), parse))


def _year(text: str) -> int:
    m = re.fullmatch(r"(?:nam\s*)?(\d{4})", fold(text))
    if not m:
        raise ValueError("is not a year (expected e.g. 2024)" if text else "is empty (expected a year, e.g. 2024)")
    return int(m.group(1))


def _word(words: dict[str, str], expected: str):
    def parse(text: str) -> str:
        key = fold(text)
        if key in words:
            return words[key]
        if key.startswith("nam ") and words is PERIOD_WORDS:  # "năm 2022": the year's final result
            return "FY"
        raise ValueError(expected)
    return parse


def _component(text: str) -> str:
    if not text:
        raise ValueError("is empty (expected a component name or code)")
    code = match_component(text)
    if code is None:
        raise ValueError(suggest(text))
    return code


def _rank(text: str) -> tuple[int, int | None] | None:
    return parse_rank(text) if text else None


def _rank_of(text: str) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d+", text):
        raise ValueError("is not a whole number (expected how many units were ranked, e.g. 63)")
    return int(text)


class _Sheet:
    """Locations of the block's rows: which table (sheet) and which row number each came from."""

    def __init__(self, block: Block):
        self.rows = [r for s in block.segments for r in s.rows]
        self.tables = [s.table for s in block.segments]
        self.table_of = np.repeat(np.arange(len(block.segments)), [len(s.rows) for s in block.segments])
        self.numbers = np.fromiter((n for n, _ in self.rows), dtype=np.int64, count=len(self.rows))

    def key(self, k: int) -> tuple[str | None, int]:
        """(sheet, row number) of the block's ``k``-th row, as the ledger counts rows."""
        return self.tables[self.table_of[k]].sheet, int(self.numbers[k])

    def problem(self, k: int, column: str, value: object, expected: str) -> Problem:
        return self.tables[self.table_of[k]].problem(int(self.numbers[k]), column, value, expected)


def read_tidy(block: Block, context: dict, ledger: Ledger,
              fractions: FractionCheck) -> tuple[pd.DataFrame, list[Problem]]:
    """A tidy block → a tidy frame (the contract's columns plus ``row_number``) and located problems."""
    table = block.table
    header_row, header = block.header[0]
    lang = header_language(header)
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    wide = wide_components(header) if "component" not in {TIDY_HEADERS.get(fold(h)) for h in header} else {}
    for i, h in enumerate(header[: width(header)]):
        col = TIDY_HEADERS.get(fold(h))
        if i in wide:
            continue
        if col is None:
            problems.append(table.problem(header_row, h or f"column {i + 1}", h,
                                          f"is not a known column (expected: {expected_columns(lang)})"))
        elif col in columns:
            problems.append(table.problem(header_row, h, h, "repeats a column already given"))
        else:
            columns[col] = i
    missing = [c for c in (_REQUIRED_LONG if not wide else ["unit", "year"]) if c not in columns]
    if "unit" in missing and context["unit"]:
        missing.remove("unit")
    if "level" not in columns and not context["level"]:
        missing.append("level")
    if not wide and "value_pct" not in columns and "points" not in columns:
        missing.append("value_pct")
    if missing:
        names = {"vi": {c: spec[1] for c, spec in TIDY_COLUMNS.items()}, "en": {c: c for c in TIDY_COLUMNS}}[lang]
        problems.append(table.problem(header_row, None, " | ".join(header),
                                      f"lacks the column(s) {', '.join(names.get(m, m) for m in missing)} "
                                      f"(expected: {expected_columns(lang)})"))
    sheet = _Sheet(block)
    if problems:
        ledger.errors |= {sheet.key(k) for k in range(len(sheet.rows))}
        return schema.empty_scores(), problems
    for name, note in (("period", "no period column: every row is a full-year (FY) result"),
                       ("kind", "no kind column: every row is an actual result")):
        if name not in columns and sheet.rows:
            ledger.notes.append(f"{_where(table)}: {note}")

    n = len(sheet.rows)
    bad = np.zeros(n, dtype=bool)

    def fail(errors: np.ndarray, column: str, values: pd.Series) -> None:
        nonlocal bad
        mask = ~pd.isna(errors)
        for k in np.flatnonzero(mask):
            problems.append(sheet.problem(int(k), column, values.iloc[k], errors[k]))
        bad |= mask

    def text(col: str) -> pd.Series:
        return _column(sheet.rows, columns.get(col))

    def head(col: str) -> str:
        return header[columns[col]] if col in columns else col

    # Extra cells beyond the header are an error, never ignored.
    w = block.header_width
    extra = np.zeros(n, dtype=bool)
    for k, (_, cells) in enumerate(sheet.rows):
        if len(cells) > w and any(cells[w:]):
            j = next(m for m in range(w, len(cells)) if cells[m])
            problems.append(sheet.problem(k, f"column {j + 1}", cells[j],
                                          f"lies beyond the header's last column {w} (expected no value there: add "
                                          "a header for it, or move it into its column)"))
            extra[k] = True
    bad |= extra

    unit = text("unit") if "unit" in columns else pd.Series([context["unit"]] * n, dtype=object)
    unit_err = np.asarray(["is empty (expected the unit's name)" if not u else None for u in unit], dtype=object) \
        if "unit" in columns else np.full(n, None, dtype=object)
    fail(unit_err, head("unit"), unit)
    level_text = text("level") if "level" in columns else pd.Series([context["level"] or ""] * n, dtype=object)
    level_text = level_text.where(level_text != "", context["level"] or "")
    level, err = _by_unique(level_text, _word(LEVEL_WORDS, "is not a level (expected province/tỉnh, department/sở, "
                                                           "district/huyện, commune/xã, national or region)"))
    fail(err, head("level"), level_text)
    def parsed(col: str, parse, default: object = None) -> np.ndarray:
        """A column parsed per distinct value, its faults located; ``default`` where the table lacks it."""
        if col not in columns:
            return np.full(n, default, dtype=object)
        values = text(col)
        out, err = _by_unique(values, parse)
        fail(err, head(col), values)
        return out

    year = parsed("year", _year)
    period = parsed("period", _word(PERIOD_WORDS, "is not a period (expected FY/Cả năm, Q1…Q4 or Quý 1…Quý 4)"),
                    "FY")
    kind = parsed("kind", _word(KIND_WORDS, "is not a kind (expected actual/thực tế or target/mục tiêu)"), "actual")
    kind_key = pd.Series(kind, dtype=object).fillna("actual")
    bound_text = text("bound").map(lambda b: BOUND_WORDS.get(fold(b), b))
    if "bound" in columns:
        bad_bound = ~bound_text.isin(["", *schema.BOUNDS]).to_numpy()
        fail(np.where(bad_bound, "is not a bound (expected =, > or >=, or bằng/trên/trở lên)", None), head("bound"),
             bound_text)
        on_actual = (bound_text.isin([">", ">="]) & (kind_key == "actual")).to_numpy()
        fail(np.where(on_actual, "is a bound on an actual result (expected =)", None), head("bound"), bound_text)
    rank_parsed = _parse_unique(text("rank"), _rank)
    if "rank" in columns:
        fail(rank_parsed.errors(), head("rank"), text("rank"))
    rank_of_given, err = _by_unique(text("rank_of"), _rank_of) if "rank_of" in columns else (np.full(n, None), None)
    if err is not None:
        fail(err, head("rank_of"), text("rank_of"))

    common = {
        "unit": unit.to_numpy(dtype=object), "level": level, "year": year, "period": period,
        "kind": kind_key.to_numpy(),
        "lead_units": _optional(text("lead_units")) if "lead_units" in columns else np.full(n, None, dtype=object),
        "note": _optional(text("note")) if "note" in columns else np.full(n, None, dtype=object),
        # Where each unit belongs: its column, else the file's province from the manifest; never guessed.
        "province": _optional(text("province")) if "province" in columns
        else np.full(n, context.get("province"), dtype=object),
        "group": _optional(text("group")) if "group" in columns else np.full(n, None, dtype=object),
        "illustrative": (text("illustrative").map(lambda v: fold(v) in _YES).to_numpy()
                         if "illustrative" in columns else np.zeros(n, dtype=bool)) | bool(context["illustrative"]),
    }
    cited = _optional(text("source_cited")) if "source_cited" in columns else None

    # The values: one (component, value column, rank column) per component column, or the long layout's one.
    if wide:
        targets = [(code, i, header[i], _rank_after(header, i, wide, columns)) for i, code in wide.items()]
    else:
        targets = [(None, None, None, None)]
    frames = []
    produced = np.zeros(n, dtype=bool)
    for code, value_col, value_head, rank_col in targets:
        if code is None:
            comp_text = text("component")
            component, err = _by_unique(comp_text, _component)
            fail(err, head("component"), comp_text)
            values_text, value_head = _long_values(text, columns, head)
            present = np.ones(n, dtype=bool)
        else:
            component = np.full(n, code, dtype=object)
            values_text = _column(sheet.rows, value_col)
            present = (values_text != "").to_numpy()
        filled = _maxima_from_schemes(values_text, level, year, component)
        taken = int((filled != values_text).sum())
        if taken:  # said, not silent: these points took their maximum from the scheme of their level and year
            ledger.notes.append(f"{_where(table)}: {taken} value(s) in points without a maximum took it from "
                                "the published scheme of their level and year")
        values_text = filled
        parsed = _by_pairs(values_text, kind_key, _parse_value_kind)
        err = np.where(present, parsed.errors(), None)
        fail(err, value_head, values_text)
        if code is not None and rank_col is not None:
            r_text = _column(sheet.rows, rank_col)
            ranks = _parse_unique(r_text, _rank)
            fail(np.where(present, ranks.errors(), None), header[rank_col], r_text)
        else:
            ranks = rank_parsed
        frames.append((component, parsed, ranks, present, value_head))
        produced |= present

    if wide:
        empty = ~produced & ~bad
        fail(np.where(empty, "has no value in any component column (expected at least one value)", None),
             ", ".join(header[i] for i in wide), pd.Series([""] * n, dtype=object))

    ok = ~bad
    ledger.read += int(ok.sum())
    ledger.errors |= {sheet.key(k) for k in np.flatnonzero(bad)}
    out = []
    sources = [t.source(0)[: -len(", row 0")] for t in sheet.tables]
    for component, parsed, ranks, present, value_head in frames:
        keep = ok & present
        if not keep.any():
            continue
        frame = pd.DataFrame({
            "unit": common["unit"][keep], "level": common["level"][keep], "year": common["year"][keep],
            "period": common["period"][keep], "component": component[keep], "kind": common["kind"][keep],
            "value_pct": parsed.field(lambda r: np.nan if r is None else r["value_pct"], keep),
            "bound": parsed.field(lambda r: None if r is None else r["bound"], keep, object),
            "points": parsed.field(lambda r: np.nan if r is None else r.get("points", np.nan), keep),
            "max_points": parsed.field(lambda r: np.nan if r is None else r.get("max_points", np.nan), keep),
            "rank": ranks.field(lambda r: np.nan if r is None else r[0], keep),
            "rank_of": ranks.field(lambda r: np.nan if r is None or r[1] is None else r[1], keep),
            "lead_units": common["lead_units"][keep],
            "decimals": parsed.field(lambda r: np.nan if r is None else r["decimals"], keep),
            "illustrative": common["illustrative"][keep], "note": common["note"][keep],
            "province": common["province"][keep], "group": common["group"][keep],
            "row_number": sheet.numbers[keep],
        })
        explicit_bound = bound_text[keep].to_numpy()
        frame["bound"] = np.where(explicit_bound != "", explicit_bound, frame["bound"])
        if "rank_of" in columns:
            given = pd.to_numeric(pd.Series(rank_of_given[keep]), errors="coerce").to_numpy(dtype=float)
            frame["rank_of"] = np.where(np.isnan(given), frame["rank_of"].to_numpy(), given)
        cites = cited[keep] if cited is not None else None
        frame["source"] = [f"{sources[t]}, row {r}" + (f"; {cites[i]}" if cites is not None and cites[i] else "")
                           for i, (t, r) in enumerate(zip(sheet.table_of[keep], sheet.numbers[keep], strict=True))]
        _add_fractions(frame, sheet, keep, value_head, fractions)
        out.append(frame)
    frame = pd.concat(out, ignore_index=True) if out else schema.empty_scores()
    return frame, problems


def _where(table) -> str:
    return f'{table.file}, sheet "{table.sheet}"' if table.sheet else table.file


def _optional(values: pd.Series) -> np.ndarray:
    return values.where(values != "", None).to_numpy(dtype=object)


def _rank_after(header: list[str], i: int, wide: dict[int, str], columns: dict[str, int]) -> int | None:
    """The rank column of a component column: the one right after it, or the only one with one component."""
    if i + 1 < len(header) and TIDY_HEADERS.get(fold(header[i + 1])) == "rank":
        return i + 1
    if len(wide) == 1 and "rank" in columns:
        return columns["rank"]
    return None


def _long_values(text, columns: dict[str, int], head) -> tuple[pd.Series, str]:
    """The long layout's value text per row: the value column, else points (with their maximum)."""
    if "value_pct" in columns:
        values = text("value_pct")
        if "points" in columns:  # points given (with their maximum) define the value; else the value column
            pts = _points_text(text, columns)
            with_max = pts.str.contains("/", regex=False) & ~pts.str.startswith("\x01")
            values = values.where((values != "") & ~with_max, pts)
        return values, head("value_pct")
    return _points_text(text, columns), head("points")


def _points_text(text, columns: dict[str, int]) -> pd.Series:
    pts = text("points")
    if "max_points" in columns:
        mx = text("max_points")
        both = (pts != "") & (mx != "") & ~pts.str.contains("/", regex=False)
        pts = pts.where(~both, pts + "/" + mx)
    # Points written without their maximum cannot be a percentage: mark them so the parser says so.
    bare = (pts != "") & ~pts.str.contains("[/%]", regex=True)
    return pts.where(~bare, "\x01" + pts)


def _maxima_from_schemes(values: pd.Series, level: np.ndarray, year: np.ndarray,
                         component: np.ndarray) -> pd.Series:
    """Points written without their maximum take it from the scheme of their level and year, when that
    scheme publishes it ("9,56" SIPAS points → "9,56/10"); otherwise they stay marked, and are refused."""
    bare = values.str.startswith("\x01").to_numpy()
    if not bare.any():
        return values
    from parindex_lib.model.schemes import default_scheme

    out = values.copy()
    for k in np.flatnonzero(bare):
        if level[k] is None or year[k] is None or component[k] is None:
            continue
        scheme = default_scheme(level[k], int(year[k]))
        top = scheme.max_points.get(component[k]) if scheme is not None else None
        if top is not None:
            out.iloc[k] = f"{values.iloc[k][1:]}/{top:g}"
    return out


def _parse_value_kind(text: str, kind: str) -> dict:
    if text.startswith("\x01"):
        raise ValueError("is points without a maximum (expected e.g. 12,75/13, or a column \"Điểm tối đa\" / "
                         "max_points); points are never read as a percentage")
    if not text:
        raise ValueError("is empty (expected a percentage such as 70,52%)")
    return parse_value(text, kind)


def _by_pairs(values: pd.Series, kinds: pd.Series, parse) -> Parsed:
    """Parse each distinct (value, kind) once: a value's reading depends on its kind (targets may be bounds)."""
    v_codes, v_uniques = pd.factorize(values, use_na_sentinel=False)
    k_codes, k_uniques = pd.factorize(kinds, use_na_sentinel=False)
    pair = v_codes.astype(np.int64) * len(k_uniques) + k_codes
    p_codes, p_uniques = pd.factorize(pair, use_na_sentinel=False)
    k = len(k_uniques)
    return Parsed(p_codes, *_parse_each([(v_uniques[p // k], k_uniques[p % k]) for p in p_uniques], parse))


def _add_fractions(frame: pd.DataFrame, sheet: _Sheet, keep: np.ndarray, column: str,
                   fractions: FractionCheck) -> None:
    pct = frame["points"].isna().to_numpy()
    tables = sheet.table_of[keep]
    for t_id in np.unique(tables):
        t = sheet.tables[t_id]
        for kind in ("actual", "target"):
            m = pct & (tables == t_id) & (frame["kind"].to_numpy() == kind)
            if m.any():
                values = frame["value_pct"].to_numpy()[m]
                first = int(np.flatnonzero(m)[0])
                fractions.add_many(t.file, t.sheet, column, kind, int(m.sum()), float(values.max()),
                                   (int(frame["row_number"].iloc[first]), float(values[0])))


