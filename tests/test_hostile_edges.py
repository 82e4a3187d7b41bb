"""The hostile corpus at the edges: points and maxima at 0, negative, above the maximum and beyond Σ maxima,
through the readers and the index (standardise, then lift). Each case asserts the exit code, no traceback,
one true first line, and the raw files byte-identical.
"""

from __future__ import annotations

import json

import pytest
from hostile_kit import digests, first_line, run_cli

HEADER = "Tỉnh,Cấp,Năm,Chỉ số,Điểm\n"
UNIT = "Sơn La"


def rows(*cells: tuple[str, str], year: int = 2024) -> str:
    return HEADER + "".join(f'{UNIT},tỉnh,{year},{name},"{value}"\n' for name, value in cells)


EIGHT = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"]

# id, table, exit code of standardise, fragment of its first line (errors) — or, for tables read, the lift's
# total before and after (target 80)
POINTS = [
    ("points 0", rows(("C3", "0/13"), ("C4", "0/10,5")), 0, (0.0, 80.0)),
    ("every component at 0", rows(*[(c, "0/10") for c in EIGHT]), 0, (0.0, 80.0)),
    ("every component at its maximum", rows(*[(c, "10/10") for c in EIGHT]), 0, (100.0, 100.0)),
    ("points written alone, 0", rows(("C3", "0")), 0, (0.0, 80.0)),  # the maximum 13 from provincial-2024
    ("points negative", rows(("C3", "-1/13"), ("C4", "5/10,5")), 2, '"-1/13" is negative'),
    ("points alone, negative", rows(("C3", "-2")), 2, "is negative"),
    ("maximum negative", rows(("C3", "5/-13"), ("C4", "5/10,5")), 2, "has a maximum of zero or less"),
    ("maximum zero", rows(("C3", "0/0"), ("C4", "5/10,5")), 2, "has a maximum of zero or less"),
    ("points above their maximum", rows(("C3", "14/13"), ("C4", "5/10,5")), 2, "is more than its maximum 13"),
    ("points alone above the scheme's maximum", rows(("C3", "14")), 2, "is more than its maximum 13"),
    ("a total above its maximum", rows(("C3", "12/13"), ("C4", "10/10,5"), ("Chỉ số CCHC", "30/23,5")), 2,
     "is more than its maximum 23,5"),
    ("points and maximum columns, maximum 0", "Tỉnh,Cấp,Năm,Chỉ số,Điểm,Điểm tối đa\n"
     f"{UNIT},tỉnh,2024,C3,5,0\n", 2, "maximum of zero or less"),
    ("points and maximum columns, maximum negative", "Tỉnh,Cấp,Năm,Chỉ số,Điểm,Điểm tối đa\n"
     f"{UNIT},tỉnh,2024,C3,5,-13\n", 2, "maximum of zero or less"),
    ("points and maximum columns, maximum in words", "Tỉnh,Cấp,Năm,Chỉ số,Điểm,Điểm tối đa\n"
     f"{UNIT},tỉnh,2024,C3,5,mười ba\n", 2, "mười ba"),
]


@pytest.mark.parametrize("case, table, code, expected", POINTS, ids=[c[0] for c in POINTS])
def test_points_at_their_edges_through_the_readers_and_the_index(tmp_path, capsys, case, table, code, expected):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "son_la.csv").write_text(table, encoding="utf-8")
    before = digests(raw)
    got, _, err = run_cli(["standardise", str(raw), "--out", str(tmp_path / "p")], capsys)
    assert got == code, err
    if code == 2:
        line = first_line(err)
        assert "son_la.csv" in line and expected in line, line
        assert not (tmp_path / "p").exists()
    else:
        got, out, err = run_cli(["lift", "--unit", UNIT, "--year", "2024", "--target", "80", "--format", "json",
                                 "--scores", str(tmp_path / "p" / "scores.csv")], capsys)
        assert got == 0, err
        result = json.loads(out)
        assert (result["total_before"], result["total_after"]) == pytest.approx(expected)
    assert digests(raw) == before


COMMUNE = "Xã,Cấp,Năm,Chỉ số,Điểm\n" + "".join(f"Xã Y,xã,2025,{name},{value}\n" for name, value in (
    ("Điểm thẩm định", "{appraisal}"), ("Điều tra XHH", "{survey}"), ("{adjustment}", "{points}")))


@pytest.mark.parametrize("appraisal, survey, adjustment, points, uncapped, total", [
    ("70/70", "28/30", "Điểm thưởng", "5/5", "103,00%", "100,00%"),  # Σ points + bonus > Σ maxima
    ("1/70", "1/30", "Điểm trừ", "5/5", "-3,00%", "0,00%"),  # penalty beyond the points
])
def test_a_total_that_bonus_or_penalty_takes_beyond_0_100_is_kept_there_and_said(
        tmp_path, capsys, appraisal, survey, adjustment, points, uncapped, total):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "y.csv").write_text(COMMUNE.format(appraisal=appraisal, survey=survey, adjustment=adjustment,
                                              points=points), encoding="utf-8")
    before = digests(raw)
    assert run_cli(["standardise", str(raw), "--out", str(tmp_path / "p")], capsys)[0] == 0
    code, out, err = run_cli(["lift", "--unit", "Xã Y", "--year", "2025", "--scores",
                              str(tmp_path / "p" / "scores.csv")], capsys)
    assert code == 0 and "Traceback" not in err
    assert f"Tổng điểm: {total}" in out
    assert f"đưa tổng điểm tới {uncapped}; tổng điểm chỉ từ 0% đến 100% nên được tính là {total}" in out
    assert digests(raw) == before
