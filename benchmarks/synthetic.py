"""Made-up provinces of communes for the benchmarks: ILLUSTRATIVE, NOT REAL.

Each commune is scored in points against made-up maxima (summing to 100, as provincial commune
schemes often do), with a reported total and its rank among the province's communes. The file's
name contains "illustrative", so every table and page built from it says that it is made up.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

#: Made-up maximum points of a commune scheme (they sum to 100).
MAXIMA = {"C1": 9, "C2": 7, "C3": 12, "C4": 8, "C5": 12, "C6": 9, "C7": 12, "C8": 13, "SIPAS": 18}
PERIODS_8 = [(y, p) for y in (2023, 2024) for p in ("Q1", "Q2", "Q3", "FY")]


def commune_names(n: int) -> list[str]:
    return [f"Xã Mẫu {i + 1:04d}" for i in range(n)]


def make_province(folder: Path, n_communes: int, periods: list[tuple[int, str]] | None = None,
                  seed: int = 42) -> list[str]:
    """Write ``illustrative_synthetic_communes.csv`` into ``folder``: ``n_communes`` communes × 10 rows
    (eight components, SIPAS and the total) × ``periods`` (default 2023 FY and 2024 FY), and 2025 targets.

    Returns the communes' names.
    """
    periods = periods or [(2023, "FY"), (2024, "FY")]
    rng = np.random.default_rng(seed)
    names = commune_names(n_communes)
    codes = list(MAXIMA)
    maxima = np.array([MAXIMA[c] for c in codes], dtype=float)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "illustrative_synthetic_communes.csv"
    source = "ILLUSTRATIVE, NOT REAL: made-up communes for the benchmarks"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["unit", "level", "year", "period", "component", "kind", "value_pct", "points", "max_points",
                      "rank", "rank_of", "lead_units", "source"])
        base = rng.uniform(0.45, 0.95, size=(n_communes, len(codes)))
        for k, (year, period) in enumerate(periods):
            share = np.clip(base + rng.normal(0.01 * k, 0.03, size=base.shape), 0.2, 1.0)
            points = np.round(share * maxima, 2)
            totals = points.sum(axis=1)
            ranks = (-totals).argsort().argsort() + 1
            for i, unit in enumerate(names):
                for j, code in enumerate(codes):
                    pct = 100 * points[i, j] / maxima[j]
                    out.writerow([unit, "commune", year, period, code, "actual", _vn(pct) + "%", _vn(points[i, j]),
                                  f"{MAXIMA[code]}", "", "", "Văn phòng UBND xã", source])
                out.writerow([unit, "commune", year, period, "TOTAL", "actual", _vn(totals[i]) + "%", "", "",
                              ranks[i], n_communes, "", source])
        last = max(y for y, _ in periods)
        for unit in names:
            for code in codes:
                out.writerow([unit, "commune", last + 1, "FY", code, "target", f"Trên {rng.integers(60, 95)}%", "",
                              "", "", "", "", source])
            out.writerow([unit, "commune", last + 1, "FY", "TOTAL", "target", "Trên 80%", "", "", "", "", "", source])
    return names


def _vn(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


# -- criteria: a made-up tree of ~90 sub-criteria and communes scored by it (ILLUSTRATIVE, NOT REAL) -----------

CRITERIA_NAME = "synthetic-commune-criteria"
SCHEME_NAME = "synthetic-commune-2024"
#: Sub-criteria per criterion, cycled: 90 sub-criteria under 37 criteria in 8 areas (C1…C8), as the provincial
#: set of 892/QĐ-BNV has 88 under 37; SIPAS is not a criterion (it comes from a survey, 20 points).
_KIDS = [3, 2, 3, 2, 2, 3, 2, 3]
_RULES = [
    (1.0, {"kind": "steps", "steps": [{"points": 1, "vi": "Kịp thời"}, {"points": 0.5, "vi": "Chậm"},
                                      {"points": 0, "vi": "Không"}]}),
    (2.0, {"kind": "bands", "unit": "%", "quantity_vi": "tỷ lệ hoàn thành",
           "bands": [{"points": 2, "above": 90}, {"points": 1, "from": 70, "to": 90}, {"points": 0, "below": 70}]}),
    (1.0, "binary"),
    (1.5, "free"),
    (2.0, {"kind": "steps", "steps": [{"points": 2, "vi": "Đầy đủ"}, {"points": 1, "vi": "Chưa đầy đủ"},
                                      {"points": 0, "vi": "Không"}]}),
]
LONG_HEADER = ["Đơn vị", "Năm", "Kỳ", "Mã tiêu chí", "Tên tiêu chí", "Điểm tối đa", "Điểm tự đánh giá",
               "Điểm thẩm định", "Kết quả thực hiện", "Tài liệu kiểm chứng"]


def criteria_spec(leaves: int = 90) -> dict:
    """A made-up criteria tree (ILLUSTRATIVE): 8 areas mapped to C1…C8, criteria of 2–3 sub-criteria each, every
    kind of rule, ``leaves`` sub-criteria in all."""
    items: list[dict] = []
    area_items: dict[int, list[dict]] = {a: [] for a in range(1, 9)}
    k = n = 0
    while n < leaves:
        area = k % 8 + 1
        criterion = len([i for i in area_items[area] if i["code"].count(".") == 1]) + 1
        code = f"{area}.{criterion}"
        kids = [_RULES[(n + j) % len(_RULES)] for j in range(min(_KIDS[k % len(_KIDS)], leaves - n))]
        area_items[area].append({"code": code, "name_vi": f"Tiêu chí {code}", "max": sum(m for m, _ in kids)})
        for j, (top, rule) in enumerate(kids, start=1):
            area_items[area].append({"code": f"{code}.{j}", "name_vi": f"Tiêu chí thành phần {code}.{j}", "max": top,
                                     "rule": rule})
        n += len(kids)
        k += 1
    for area in range(1, 9):
        top = sum(i["max"] for i in area_items[area] if i["code"].count(".") == 1)
        items.append({"code": str(area), "name_vi": f"Lĩnh vực {area}", "max": top, "component": f"C{area}",
                      "lead": f"Phòng {area}"})
        items += area_items[area]
    return {"name": CRITERIA_NAME, "title_vi": "Bộ tiêu chí MINH HỌA cho đo hiệu năng (không phải thật)",
            "illustrative": True, "level": "commune", "criteria": items}


def write_criteria_scheme(folder: Path, leaves: int = 90) -> Path:
    """A scheme folder (for ``--schemes``/``$PARINDEX_SCHEMES``) holding the made-up scheme and its criteria."""
    import yaml

    from parindex_lib.model.criteria import tree_from_spec

    spec = criteria_spec(leaves)
    maxima = tree_from_spec(spec, "synthetic").maxima()
    (folder / "criteria").mkdir(parents=True, exist_ok=True)
    (folder / "criteria" / f"{CRITERIA_NAME}.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True),
                                                               encoding="utf-8")
    scheme = {"name": SCHEME_NAME, "title_vi": "Bộ chỉ số MINH HỌA cho đo hiệu năng", "title_en": "ILLUSTRATIVE",
              "level": "commune", "years": "2024", "candidate": True, "source": "made up for the benchmarks",
              "complete": True, "max_points": {**maxima, "SIPAS": 20.0}, "criteria": f"criteria/{CRITERIA_NAME}.yaml"}
    (folder / f"{SCHEME_NAME}.yaml").write_text(yaml.safe_dump(scheme, allow_unicode=True), encoding="utf-8")
    return folder


def criteria_points(tree, n_communes: int, seed: int = 42) -> list[tuple[str, dict, dict]]:
    """(commune, points, measured) of every commune: each sub-criterion at a level drawn around a commune's
    overall standing, a band's measured value inside its band."""
    rng = np.random.default_rng(seed)
    out = []
    for unit in commune_names(n_communes):
        standing = rng.uniform(0.45, 0.95)
        points, measured = {}, {}
        for leaf in tree.leaves():
            levels = leaf.rule.levels(leaf.max_points)
            if levels is None:
                points[leaf.code] = round(float(np.clip(rng.normal(standing, 0.2), 0, 1)) * leaf.max_points * 4) / 4
                continue
            i = int(np.clip(round(rng.normal(standing, 0.3) * (len(levels) - 1)), 0, len(levels) - 1))
            points[leaf.code] = float(levels[i])
            if leaf.rule.kind == "bands":
                band = next(b for b in leaf.rule.bands if b.points == levels[i])
                low = band.low if band.low is not None else 40.0
                high = band.high if band.high is not None else 100.0
                measured[leaf.code] = round((low + high) / 2 + 0.3, 1)
        out.append((unit, points, measured))
    return out


def make_criteria_province(folder: Path, tree, n_communes: int, seed: int = 42) -> list[str]:
    """Write the communes' 2024 self-assessments in long form (``illustrative_synthetic_criteria.csv``), their
    SIPAS from a survey (``illustrative_synthetic_sipas.csv``) and the manifest naming the scheme."""
    folder.mkdir(parents=True, exist_ok=True)
    scored = criteria_points(tree, n_communes, seed)
    rng = np.random.default_rng(seed + 1)
    with (folder / "illustrative_synthetic_criteria.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(LONG_HEADER)
        for unit, points, measured in scored:
            for leaf in tree.leaves():
                value = measured.get(leaf.code)
                out.writerow([unit, "2024", "Cả năm", leaf.code, leaf.name_vi, _vn(leaf.max_points),
                              _vn(points[leaf.code]), "", "" if value is None else _vn(value) + "%", ""])
    with (folder / "illustrative_synthetic_sipas.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["unit", "level", "year", "period", "component", "kind", "value_pct", "points", "max_points",
                      "source"])
        for unit, _, _ in scored:
            pct = float(rng.uniform(60, 95))
            out.writerow([unit, "commune", 2024, "FY", "SIPAS", "actual", _vn(pct) + "%", _vn(pct / 5), "20",
                          "ILLUSTRATIVE, NOT REAL: made-up survey results for the benchmarks"])
    (folder / "manifest.yaml").write_text(
        "files:\n  illustrative_synthetic_criteria.csv:\n    level: commune\n    scheme: " + SCHEME_NAME + "\n",
        encoding="utf-8")
    return [unit for unit, _, _ in scored]
